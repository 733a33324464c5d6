"""原文 pages: the source documents on the site, every quote anchored, citations landing on them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator import load_scheme
from tests.conftest import build, copy_project


def test_every_quote_of_every_scheme_has_its_anchor_on_a_source_page(site: Path) -> None:
    quotes = json.loads((site / "assets" / "quotes.json").read_text(encoding="utf-8"))
    assert len(quotes) > 50
    for key, href in quotes.items():
        page, fragment = href.split("#", 1)
        quote_id = fragment.split(":~:", 1)[0]
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert f'id="{quote_id}"' in html, key
        assert re.search(rf'data-quotes="[^"]*\b{re.escape(quote_id)}\b', html), key


def _head(html: str) -> dict[str, str]:
    """The 原文 page's first table: 項目 -> 内容."""
    table = re.split(r"<table[^>]*>", html, maxsplit=1)[1].split("</table>", 1)[0]  # tables.py adds a class
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", table, re.S)
    return {key: re.sub(r"<[^>]+>", "", value) for key, value in rows}  # without the glossary's links


@pytest.mark.parametrize(
    ("stem", "publisher", "title"),
    [
        ("yamaguchi-2022-gaiyo", "山口県", "令和4年度山口県介護事業所ICT導入推進事業補助金概要"),
        ("ibaraki-2023-betsuhyo", "茨城県", "介護事業所ICT導入支援事業 補助金交付要綱 別表（第4条関係）"),
    ],
)
def test_a_source_page_names_publisher_title_date_and_year(site: Path, stem: str, publisher: str, title: str) -> None:
    head = _head((site / "sources" / stem / "index.html").read_text(encoding="utf-8"))
    assert head["発行"] == publisher and head["文書"] == title
    # Neither document gives a date of its own (山口's dates are its application period's): said so
    assert head["日付"].startswith("日付の記載なし")
    assert head["年度"].startswith({"yamaguchi-2022-gaiyo": "令和4年度", "ibaraki-2023-betsuhyo": "令和5年度"}[stem])


def test_a_source_page_links_back_to_the_guide(site: Path) -> None:
    html = (site / "sources" / "yamaguchi-2022-gaiyo" / "index.html").read_text(encoding="utf-8")
    assert 'class="source-backlinks"' in html
    assert re.search(r'<p class="source-backlinks">[^\n]*href="\.\./\.\./yamaguchi-2022/[a-z-]+/#yamaguchi-2022-', html)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_quote_clicked_on_a_guide_page_lands_highlighted_on_the_source_page(
    browser: Any, base_url: str, width: int
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(base_url + "ibaraki-2023/rate-cap/")
    _lands_highlighted(page, page.locator("a.source-quote-link").first)
    assert "/sources/ibaraki-2023-betsuhyo/" in page.url
    context.close()


def test_the_build_fails_on_a_quote_it_cannot_anchor(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    source = project / "sources" / "yamaguchi-2022-gaiyo.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("の", "ノ"), encoding="utf-8")
    done = build(project, tmp_path / "site")
    assert done.returncode != 0
    assert "原文に置けない引用があります" in done.stderr


def test_a_document_date_in_the_data_is_checked_against_the_text_and_shown(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "calculator" / "schemes" / "yamaguchi-2022.toml"
    text = data.read_text(encoding="utf-8")
    # A date for the test only (in the text, as its application period's first day), then one it lacks
    dated = text.replace('publisher = "山口県"\n', 'publisher = "山口県"\ndate = "令和4年7月19日"\n', 1)
    data.write_text(dated, encoding="utf-8")
    assert calculator.check_quotes(load_scheme(data)) == []
    assert build(project, tmp_path / "site").returncode == 0
    html = (tmp_path / "site" / "sources" / "yamaguchi-2022-gaiyo" / "index.html").read_text(encoding="utf-8")
    assert _head(html)["日付"] == "令和4年7月19日"
    data.write_text(dated.replace('date = "令和4年7月19日"', 'date = "令和4年4月1日"'), encoding="utf-8")
    problems = calculator.check_quotes(load_scheme(data))
    assert problems == ["documents.gaiyo.date: 日付「令和4年4月1日」が原文にありません"]


def _lands_highlighted(page: Any, link: Any, *, new_tab: bool = False) -> None:
    quote_id = link.get_attribute("href").split("#", 1)[1].split(":~:", 1)[0]
    if new_tab:  # the simulator's links keep its draft: the quote opens in a tab of its own
        assert link.get_attribute("target") == "_blank"
        with page.context.expect_page() as opened:
            link.click()
        page = opened.value
    else:
        link.click()
    page.wait_for_url("**/sources/**")
    cited = page.locator(".source-quote.is-cited")
    cited.first.wait_for()
    assert quote_id in cited.first.get_attribute("data-quotes")
    box = cited.first.bounding_box()
    viewport = page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"], "the quote is scrolled into view"
    assert page.evaluate("getComputedStyle(document.querySelector('.is-cited')).backgroundColor") != "rgba(0, 0, 0, 0)"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_citation_in_the_simulators_steps_lands_on_its_highlighted_quote(
    browser: Any, base_url: str, width: int
) -> None:
    from tests.site.test_simulator import open_simulator

    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800})
    page = context.new_page()
    open_simulator(page, base_url)
    links = page.locator("#sim-result-body li a.source-quote-link")
    links.first.wait_for()
    assert links.count() >= 3
    _lands_highlighted(page, links.first, new_tab=True)
    context.close()


def test_source_pages_are_searchable_but_ranked_after_the_guide(page: Any, base_url: str) -> None:
    from tests.site.search_eval import site_results

    results = site_results(page, base_url, "研究開発品")
    assert "sources/ibaraki-2023-betsuhyo/" in results and "sources/yamaguchi-2022-gaiyo/" in results
    guide = [r for r in results if not r.startswith("sources/")]
    assert guide and max(results.index(g) for g in guide) < results.index("sources/ibaraki-2023-betsuhyo/")
