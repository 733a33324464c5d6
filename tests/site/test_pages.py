"""Every page in Chromium: it renders, it shows the data's figures, and it talks only to its own host."""

from __future__ import annotations

import collections
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


def test_the_comparison_reads_on_a_phone_and_stays_one_table(browser: Any, base_url: str) -> None:
    """At 390 px each scheme column was 5 or 6 characters a line. Each holds 12 or more now; the table
    scrolls inside its own box, not the page, with the item column kept in view; and Chromium's
    accessibility tree still has one table of rows and columns (no card layout that loses them)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(base_url + "compare/")
    page.wait_for_load_state("networkidle")
    widths = page.evaluate("""() => [...document.querySelectorAll('.compare-table tr')].map(row =>
        [...row.children].slice(1).map(cell => {
            const s = getComputedStyle(cell);
            return (cell.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)) / parseFloat(s.fontSize);
        }))""")
    assert len(widths) >= 15 and all(len(row) == 2 for row in widths)
    narrowest = min(w for row in widths for w in row)
    assert narrowest >= 12, f"{narrowest:.1f} characters a line"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # Scrolled to 山口's column, the items are still beside it.
    page.evaluate("() => { document.querySelector('.compare-table .md-typeset__scrollwrap').scrollLeft = 10000 }")
    item = page.locator(".compare-table tbody tr td:first-child").first.bounding_box()
    last = page.locator(".compare-table tbody tr td:last-child").first.bounding_box()
    assert item is not None and last is not None
    assert item["x"] >= 0 and item["x"] + item["width"] <= last["x"] and last["x"] + last["width"] <= 390
    # One table for a screen reader: Chromium's own accessibility tree, which a CSS display would change.
    nodes = context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    roles = collections.Counter(n.get("role", {}).get("value") for n in nodes if not n.get("ignored"))
    rows = page.locator(".compare-table tr").count()
    assert (roles["table"], roles["row"], roles["columnheader"], roles["cell"]) == (1, rows, 3, 3 * (rows - 1))
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_glossary_term_explains_itself_on_hover_and_focus(browser: Any, base_url: str, width: int) -> None:
    """site.js makes a term's tooltip when it is pointed at or focused, not Material's per-term tooltip
    at load (a forced layout each): the explanation shows, a screen reader is told it, Escape hides it,
    and between times the term keeps its title (a screen reader's description; the browser's tooltip
    without scripts)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    seen = watch(page, base_url)
    page.goto(base_url + "yamaguchi-2022/expenses/")
    page.wait_for_load_state("networkidle")
    terms = page.locator("article a.glossary-term")
    assert terms.count() >= 10
    explanation = terms.nth(2).get_attribute("title")
    assert explanation and all(terms.nth(i).get_attribute("title") for i in range(terms.count()))
    terms.nth(2).scroll_into_view_if_needed()
    terms.nth(2).hover()
    tip = page.locator("[role=tooltip].md-tooltip--active")
    tip.wait_for()
    assert tip.inner_text() == explanation
    assert terms.nth(2).get_attribute("aria-describedby") == tip.get_attribute("id")
    box, term = tip.bounding_box(), terms.nth(2).bounding_box()
    assert box is not None and term is not None
    assert box["y"] >= term["y"] + term["height"] and box["x"] >= 0 and box["x"] + box["width"] <= width
    page.mouse.move(0, 0)
    page.wait_for_selector("[role=tooltip]", state="detached")
    assert terms.nth(2).get_attribute("title") == explanation
    assert terms.nth(2).get_attribute("aria-describedby") is None
    terms.nth(3).focus()  # as from the keyboard
    assert tip.inner_text() == terms.nth(3).get_attribute("data-tooltip")
    page.keyboard.press("Escape")
    assert page.locator("[role=tooltip]").count() == 0
    assert page.locator("[id^=__tooltip_]").count() == 0  # Material's own never came
    assert seen.errors == []
    context.close()
