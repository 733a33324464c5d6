"""Material's bundle and the site's scripts run after the page's first paint (overrides/main.html): the
page names them only inside an inert <template>, and a loader inserts them once the page is parsed
and painted. These tests check that everything they do still happens, on a phone and on a desktop,
the way a reader's browser runs them (not at once, as the other tests have them: tests/conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import watch

PAGE = "yamaguchi-2022/expenses/"  # a glossary, links to the source, tables, a table of contents
AFTER_PAINT = "window.__deferredScriptsAtOnce = false;"  # after the conftest's own init script
STARTED = "() => typeof window.component$ === 'object' && !!document.getElementById('site-search-suggest')"


def _open(browser: Any, base_url: str, width: int, **options: Any) -> tuple[Any, Any, Any]:
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800}, **options)
    page = context.new_page()
    page.add_init_script(AFTER_PAINT)
    seen = watch(page, base_url)
    return context, page, seen


def _outside_templates(html: str) -> str:
    return re.sub(r"<template\b.*?</template>", "", html, flags=re.DOTALL)


@pytest.mark.parametrize("path", ["index.html", f"{PAGE}index.html", "search/index.html", "privacy/index.html"])
def test_no_classic_script_is_fetched_before_the_first_paint(site: Path, path: str) -> None:
    """Outside the template, no <script src> but modules (deferred by nature): the browser's preload
    scanner would fetch it before the first paint, and Lighthouse counts it as the paint's cost."""
    html = (site / path).read_text(encoding="utf-8")
    held = re.search(r'<template id="__deferred-scripts">(.*?)</template>', html, flags=re.DOTALL)
    assert held is not None
    sources = re.findall(r'<script src="([^"]+)"', held.group(1))
    assert sources[0].endswith(".min.js") and "/bundle." in sources[0]  # Material's first, as it wrote them
    assert [s.rsplit("/", 1)[1] for s in sources[1:4]] == ["search-words.js", "site.js", "scheme-status.js"]
    early = [tag for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", _outside_templates(html)) if "module" not in tag]
    assert early == []


@pytest.mark.parametrize("at_once", [False, True])
def test_material_and_the_site_scripts_start_once_after_the_first_paint(
    browser: Any, base_url: str, at_once: bool
) -> None:
    """The scripts are requested after the page's first contentful paint; the bundle runs and Material
    mounts its components on the DOMContentLoaded the loader sends again; each script runs once. With
    the tests' flag, all that is done by the load event."""
    context, page, seen = _open(browser, base_url, 390)
    if at_once:
        page.add_init_script("window.__deferredScriptsAtOnce = true;")
    page.add_init_script("window.__loaded = 0; addEventListener('DOMContentLoaded', () => window.__loaded++);")
    page.goto(base_url + PAGE)
    if at_once:
        assert page.evaluate(STARTED)
    page.wait_for_function(STARTED)
    assert page.evaluate("document.querySelectorAll('.md-content a[data-tooltip]').length") >= 30  # site.js's
    if not at_once:
        painted = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
        fetched = page.evaluate(
            "[...performance.getEntriesByType('resource')].filter(e => e.name.includes('/bundle.'))[0].startTime"
        )
        assert fetched > painted
    page.wait_for_timeout(500)
    names = page.evaluate("() => [...document.scripts].map(s => s.src.split('/').pop()).filter(Boolean)")
    assert len(names) == len(set(names)) and any(n.startswith("bundle.") for n in names)
    assert page.evaluate("window.__loaded") == 2  # the parser's, then the loader's: not again and again
    assert seen.errors == []
    context.close()


def test_on_a_phone_the_drawer_the_search_field_and_the_header_title_work(browser: Any, base_url: str) -> None:
    context, page, seen = _open(browser, base_url, 390, has_touch=True)
    page.goto(base_url + PAGE)
    page.wait_for_function(STARTED)
    page.click("label.md-header__button[for=__drawer]")
    page.locator(".md-nav--primary").get_by_role("link", name="補助率と上限額").first.wait_for(state="visible")
    page.locator("label.md-overlay").click(position={"x": 370, "y": 400})  # the page beside the drawer
    page.wait_for_function("() => !document.getElementById('__drawer').checked")
    page.locator(".site-search__button").click()  # site.js: the first tap opens the field over the header
    page.locator("#site-search-query").fill("補助率")
    page.locator("#site-search-suggest [role=option]").first.wait_for()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    # Material's header title component: once the page's h1 has scrolled away, the header shows its title.
    page.mouse.wheel(0, 1500)
    page.locator(".md-header__title--active").wait_for()
    assert seen.errors == []
    context.close()


def test_on_a_desktop_material_follows_the_table_of_contents_and_shows_its_tooltips(
    browser: Any, base_url: str
) -> None:
    context, page, seen = _open(browser, base_url, 1280)
    page.goto(base_url + PAGE)
    page.wait_for_function(STARTED)
    page.hover("a.md-logo")  # content.tooltips: Material's own tooltip for a titled header link
    page.locator(".md-tooltip--active").filter(has_text="介護ICT補助金ガイド").wait_for()
    page.mouse.move(640, 400)
    page.mouse.wheel(0, 2500)  # toc.follow marks the section in view
    page.locator(".md-sidebar--secondary .md-nav__link--active").first.wait_for()
    page.mouse.wheel(0, -300)  # navigation.top: the back-to-top button shows when scrolling up
    page.wait_for_function("() => !document.querySelector('.md-top').hidden")
    assert seen.errors == []
    context.close()
