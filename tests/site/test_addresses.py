"""The site where GitHub Pages puts it: under a project sub-path (https://<org>.github.io/<repo>/)
and at a domain's root (a prefecture's own domain). Each build is served at the path its site_url
names; the simulator, the search, the citation links and the 404 page work there."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, build
from tests.site.browser import axe_violations, serve, watch
from tests.site.search_eval import site_results
from tests.site.test_simulator import open_simulator

ROOT_DOMAIN_URL = "https://kaigo-ict.example.lg.jp/"


@pytest.fixture(scope="module")
def root_domain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("root-domain") / "site"
    done = build(ROOT, out, site_url=ROOT_DOMAIN_URL)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(params=["sub-path", "root-domain"])
def served(request: pytest.FixtureRequest, site: Path) -> Iterator[tuple[str, str]]:
    """(base URL, site_url) of a build served at its own path."""
    if request.param == "sub-path":
        built, site_url = site, "https://example.github.io/kaigo-ict-guide/"  # mkdocs.yml's default
    else:
        built, site_url = request.getfixturevalue("root_domain_site"), ROOT_DOMAIN_URL
    with serve(built, prefix=urllib.parse.urlsplit(site_url).path) as base:
        yield base, site_url


def test_the_simulator_and_its_citations_work_at_the_sites_path(browser: Any, served: tuple[str, str]) -> None:
    base, _ = served
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    seen = watch(page, base)
    open_simulator(page, base)
    assert page.inner_text("#sim-subsidy") == "400,000円"
    link = page.locator(".sim-steps a.clause-cite").first.get_attribute("href")
    assert link.startswith(base + "ibaraki-2023/")
    page.goto(link)
    assert page.locator("article h1").first.is_visible()
    assert (seen.errors, seen.foreign_requests) == ([], [])
    context.close()


def test_the_search_works_at_the_sites_path(browser: Any, served: tuple[str, str]) -> None:
    base, _ = served
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    assert "ibaraki-2023/expenses/" in site_results(page, base, "勤怠管理")
    context.close()


def test_a_missing_address_gets_the_japanese_404_page_with_its_styles(browser: Any, served: tuple[str, str]) -> None:
    base, _ = served
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    seen = watch(page, base)
    missing = base + "ibaraki-2023/no-such-page/deeper/"
    response = page.goto(missing)
    assert response.status == 404
    assert page.inner_text("article h1") == "ページが見つかりません"
    # Material's stylesheet loaded: the header is coloured, not a plain unstyled block.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert axe_violations(page) == []
    page.click("text=補助額を試算する")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=60_000)
    page.click("#sim-example")  # the form starts empty
    page.wait_for_selector("#sim-subsidy, .sim-invalid", timeout=60_000)
    assert seen.failed == [missing]  # the address itself, and none of the 404 page's files
    assert [e for e in seen.errors if "404" not in e] == []
    assert (seen.violations, seen.foreign_requests) == ([], [])
    context.close()
