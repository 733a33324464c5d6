"""A scheme's guide pages and nav come from its TOML alone (overrides/hooks/generated_pages.py).

The invented prefecture (tests/engine/schemes/hoshizora-2026.toml) is added to a copy of the
project as a prefecture would add its own: one TOML file and its source text, no Markdown, no nav
edit. Its pages must then show every structure of the 介護テクノロジー導入支援事業 shape: menus with
their own caps, per-unit caps, a unit limit, a package way to apply, excluded services, the window,
the completion deadline and the contact.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import add_invented_scheme, build, copy_project
from tests.site.browser import axe_violations

GENERATED = ("", "requirements/", "expenses/", "rate-cap/", "repeat/", "procedure/", "references/")


def text_of(site: Path, page: str) -> str:
    """The visible words of a built page's article (tags dropped, whitespace squeezed)."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    article = html.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))


def nav_labels(site: Path) -> list[str]:
    """The section titles of the primary navigation, in order."""
    html = (site / "index.html").read_text(encoding="utf-8")
    labels = re.findall(r'<label class="md-nav__title"[^>]*>(.*?)</label>', html, re.DOTALL)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", label)).strip() for label in labels]


def test_every_guide_page_and_the_source_page_exist_for_a_scheme_that_has_only_its_toml(invented_site: Path) -> None:
    for page in GENERATED:
        assert (invented_site / "hoshizora-2026" / page / "index.html").is_file(), page
    source = text_of(invented_site, "sources/hoshizora-2026")
    assert "第5条" in source and "パッケージ型導入" in source  # the text itself, with its clauses


def test_the_new_scheme_gets_a_nav_section_newest_year_first(invented_site: Path) -> None:
    labels = [label for label in nav_labels(invented_site) if "令和" in label]
    assert labels[:3] == ["星空県 令和8年度", "茨城県 令和5年度", "山口県 令和4年度"], labels


def test_the_rate_cap_page_shows_each_menu_with_its_own_cap(invented_site: Path) -> None:
    text = text_of(invented_site, "hoshizora-2026/rate-cap")
    # per unit (介護ロボット), by staff band (ICT), fixed (業務改善支援), and the package's one cap
    assert "1台ごと" in text and "100万円" in text and "30万円" in text
    assert "11～20人" in text and "160万円" in text and "260万円" in text
    assert "1事業所あたり500,000円" in text
    assert "パッケージ型導入" in text and "1,000万円" in text and "4分の3" in text
    assert "利用定員（訪問系のサービスは利用者数）まで" in text
    assert "次の要件をすべて満たす場合は" in text  # needs = "all", not 山口's 「どれか1つでも」
    assert "区分ごとに、補助率をかけた額の千円未満の端数は切り捨てます" in text


def test_the_expenses_page_groups_categories_by_menu_with_unit_limits(invented_site: Path) -> None:
    text = text_of(invented_site, "hoshizora-2026/expenses")
    robots, ict, improvement = (text.index(f" {title} ") for title in ("介護ロボット", "ICT", "業務改善支援"))
    assert robots < ict < improvement
    assert "対象経費は1台につき10万円まで" in text  # タブレット端末等's limit on eligible expense
    assert "補助額は1台につき100万円まで" in text


def test_the_requirements_page_names_the_excluded_services(invented_site: Path) -> None:
    text = text_of(invented_site, "hoshizora-2026/requirements")
    assert (
        "対象にならないサービス: 居宅介護支援 、 福祉用具貸与 、 特定福祉用具販売 、 特定介護予防福祉用具販売" in text
    )


def test_the_procedure_page_has_the_window_the_deadline_and_a_contact_with_links(invented_site: Path) -> None:
    text = text_of(invented_site, "hoshizora-2026/procedure")
    assert "令和8年6月1日から令和8年7月31日まで（必着）" in text
    assert "令和9年2月26日 までに終える" in text
    html = (invented_site / "hoshizora-2026" / "procedure" / "index.html").read_text(encoding="utf-8")
    assert 'href="tel:0990000000"' in html
    assert 'href="mailto:kaigo-tech@pref.hoshizora.example"' in html
    assert 'href="https://www.pref.hoshizora.example/kaigo-tech/"' in html
    assert "確認日: 令和8年11月30日" in text
    # What the plan must hold, in the scheme's order, and the characters its e-application refuses
    plan = text[text.index("導入計画に書くこと") : text.index("使えない文字")]
    assert (
        plan.index("導入の目的 （必須）")
        < plan.index("導入する機器等 （必須）")
        < plan.index("職員の業務時間の削減目標")
    )
    assert "丸付き数字（①）" in text and 'href="../../kit/"' in html


def test_a_page_written_in_docs_replaces_its_generated_twin(site: Path) -> None:
    # The shipped schemes keep their hand-written pages: 山口's repeat page has its own worked example.
    assert "このガイドの例: 2回目にタブレットを追加する" in text_of(site, "yamaguchi-2022/repeat")


def test_a_scheme_without_a_contact_in_its_document_says_so_and_where_to_look(site: Path) -> None:
    text = text_of(site, "ibaraki-2023")
    assert "文書に問い合わせ先が書かれていません。茨城県のホームページで" in text
    contact = text_of(site, "yamaguchi-2022/procedure")
    assert "長寿社会課" in contact and "kaigo.ictsuishin@pref.yamaguchi.lg.jp" in contact


@pytest.mark.parametrize("width", [390, 1280])
def test_the_generated_pages_have_no_accessibility_violation(browser: Any, invented_url: str, width: int) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in GENERATED:
            page.goto(f"{invented_url}hoshizora-2026/{path}")
            assert axe_violations(page) == [], path
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    finally:
        context.close()


def test_a_public_build_refuses_a_scheme_still_open_without_a_contact(tmp_path: Path) -> None:
    project = add_invented_scheme(copy_project(tmp_path / "project"))
    scheme = project / "calculator" / "schemes" / "hoshizora-2026.toml"
    text = scheme.read_text(encoding="utf-8")
    start, end = text.index("[application]"), text.index("[[notices]]")
    scheme.write_text(text[:start] + text[end:], encoding="utf-8")  # no window, no office, no phone
    env = {
        "SITE_CONTACT_URL": "https://github.com/pref-hoshizora/kaigo/issues",
        "SOURCE_DATE_EPOCH": str(int(datetime.datetime(2026, 6, 15, tzinfo=datetime.UTC).timestamp())),
    }
    done = build(project, tmp_path / "out", site_url="https://pref-hoshizora.github.io/kaigo/", extra_env=env)
    assert done.returncode != 0
    assert "hoshizora-2026: 問い合わせ先の application.office、application.phone か application.email がありません" in (
        done.stderr
    )
    # 茨城's document names no office either, but its scheme closed long ago: its box says where to look.
    assert "ibaraki-2023" not in done.stderr
