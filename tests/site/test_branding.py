"""A prefecture rebrands the site in mkdocs.yml and brand.css alone: name, publisher, contact and
colours reach every page, and a missing brand key fails the build by name."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, build, copy_project


def load_hook(name: str) -> ModuleType:
    """One of overrides/hooks/ as MkDocs loads it (the folder on sys.path for the hooks' own imports)."""
    folder = ROOT / "overrides" / "hooks"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(f"hook_{name}", folder / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONTACT_URL = '    contact_url: !ENV [SITE_CONTACT_URL, "https://github.com/example/kaigo-ict-guide/issues"]\n'
BRAND = f"""  brand:
    publisher: 介護ICT補助金ガイド 編集チーム
    contact_text: このサイトへのご意見・誤りのご指摘
    # Where readers send feedback. The workflow gives the repository's own issues page; a public
    # build refuses an example address, so write your own here if you take feedback elsewhere.
{CONTACT_URL}"""


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
    config.write_text(text.replace(CONTACT_URL, ""), encoding="utf-8")
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


def test_a_public_build_refuses_the_example_feedback_address_and_takes_the_workflows(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    public = "https://pref-mirai.github.io/kaigo-ict-guide/"
    done = build(project, tmp_path / "out", site_url=public, extra_env={"SITE_CONTACT_URL": ""})
    assert done.returncode != 0
    assert "extra.brand.contact_url が例のアドレスのまま" in done.stderr


def test_the_feedback_address_comes_from_the_workflow_and_only_real_addresses_count_as_public(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mkdocs.config import load_config

    issues = "https://github.com/pref-mirai/kaigo-ict-guide/issues"
    monkeypatch.setenv("SITE_CONTACT_URL", issues)
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.extra["brand"]["contact_url"] == issues
    branding = load_hook("branding")
    for url in (
        "https://github.com/example/kaigo-ict-guide/issues",
        "https://kaigo-ict.example.lg.jp/",
        "http://127.0.0.1:8000/",
    ):
        assert branding.placeholder(url), url
    for url in (issues, "https://pref-mirai.github.io/kaigo-ict-guide/", "https://github.com/pref/examples/issues"):
        assert not branding.placeholder(url), url
