"""A prefecture rebrands the site in mkdocs.yml and brand.css alone: name, publisher, contact and
colours reach every page, and a missing brand key fails the build by name."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import build, copy_project

BRAND = """  brand:
    publisher: 介護ICT補助金ガイド 編集チーム
    contact_text: このサイトへのご意見・誤りのご指摘
    contact_url: https://github.com/example/kaigo-ict-guide/issues
"""


def test_a_prefecture_rebrands_the_site_in_mkdocs_yml_and_brand_css_only(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count(BRAND) == 1 and text.count("site_name: 介護ICT補助金ガイド\n") == 1
    text = text.replace("site_name: 介護ICT補助金ガイド\n", "site_name: みらい県 介護ICT補助金ガイド\n")
    text = text.replace(
        BRAND,
        """  brand:
    publisher: みらい県 福祉部 高齢福祉課
    contact_text: 高齢福祉課へのお問い合わせ
    contact_url: https://www.pref.mirai.example.jp/kourei/contact.html
""",
    )
    config.write_text(text, encoding="utf-8")
    colours = project / "docs" / "assets" / "stylesheets" / "brand.css"
    colours.write_text(colours.read_text(encoding="utf-8").replace("#1c5a7a", "#2e5e2e"), encoding="utf-8")

    done = build(project, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    for page in ("index.html", "simulator/index.html", "ibaraki-2023/rate-cap/index.html", "404.html"):
        html = (tmp_path / "out" / page).read_text(encoding="utf-8")
        assert "発行: みらい県 福祉部 高齢福祉課" in html, page
        assert 'href="https://www.pref.mirai.example.jp/kourei/contact.html"' in html, page
        assert "みらい県 介護ICT補助金ガイド" in html, page
        assert "編集チーム" not in html, page
    statement = (tmp_path / "out" / "accessibility" / "index.html").read_text(encoding="utf-8")
    assert "みらい県 福祉部 高齢福祉課は、" in statement
    assert "高齢福祉課へのお問い合わせ</a>" in statement
    assert "#2e5e2e" in (tmp_path / "out" / "assets" / "stylesheets" / "brand.css").read_text(encoding="utf-8")


def test_a_missing_brand_key_fails_the_build_naming_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("    contact_url: https://github.com/example/kaigo-ict-guide/issues\n", ""), encoding="utf-8"
    )
    done = build(project, tmp_path / "out")
    assert done.returncode != 0
    assert "extra.brand に contact_url がありません" in done.stderr


def test_an_unknown_brand_marker_fails_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "privacy.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[[brand:phone]]\n", encoding="utf-8")
    done = build(project, tmp_path / "out")
    assert done.returncode != 0
    assert "[[brand:phone]] の phone は extra.brand にありません" in done.stderr


def test_a_marker_shown_as_code_is_left_as_the_syntax_it_shows(site: Path) -> None:
    page = (site / "for-prefectures" / "index.html").read_text(encoding="utf-8")
    assert "<code>[[brand:publisher]]</code>" in page and "<code>[[brand:contact]]</code>" in page
