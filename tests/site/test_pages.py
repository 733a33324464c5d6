"""Every page in Chromium: it renders, it shows the data's figures, and it talks only to its own host."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

import calculator
from tests.site.browser import watch
from tests.site.test_build import ALL_PAGES

# Every page, and the search page with a query. (404.html links its files under site_url's path:
# tests/site/test_addresses.py opens it where the site is served at that path.)
VISITS = [p for p in ALL_PAGES if p != "search/"] + ["search/#q=介護ソフト"]


@pytest.mark.parametrize("path", VISITS)
def test_page_renders_with_no_error_no_policy_violation_and_no_foreign_request(
    page: Any, base_url: str, path: str
) -> None:
    seen = watch(page, base_url)
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert page.locator("article h1").first.is_visible()
    if path.startswith("search/"):
        page.wait_for_selector("#search-results li")
    # The page's scripts ran (Material's, allowed by their hashes): the navigation was enhanced.
    assert page.evaluate("typeof window.__md_get") == "function"
    assert seen.errors == []
    assert seen.violations == []
    assert seen.foreign_requests == []


def test_comparison_and_faq_show_the_figures_of_the_data(page: Any, base_url: str) -> None:
    page.goto(base_url + "compare/")
    compare = page.inner_text("article")
    for scheme in calculator.all_schemes():
        assert f"{scheme.prefecture} {scheme.fiscal_year_label}" in compare
        rate = scheme.rate.base
        assert f"{rate.denominator}分の{rate.numerator}" in compare
        caps = [b.amount_yen for b in scheme.cap.bands] or [scheme.cap.amount_yen]
        for cap in caps:
            assert f"{cap // 10_000}万円" in compare
    page.goto(base_url + "faq/")
    questions = page.locator("article h2")
    assert questions.count() >= 12
    assert "1～10人は100万円" in page.inner_text("article")


def test_jieba_is_not_in_the_build_environment() -> None:
    assert importlib.util.find_spec("jieba") is None


def test_the_site_has_every_page_of_the_navigation(site: Path) -> None:
    config = (Path(__file__).resolve().parents[2] / "mkdocs.yml").read_text(encoding="utf-8")
    pages = re.findall(r"^\s+- (?:[^:\n]+: )?([\w/.-]+\.md)$", config, flags=re.MULTILINE)
    docs = Path(__file__).resolve().parents[2] / "docs"
    assert sorted(pages) == sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")), "every page in the nav"
    for page in pages:
        built = page.removesuffix(".md").removesuffix("index").strip("/")
        assert (site / built / "index.html").is_file(), page
