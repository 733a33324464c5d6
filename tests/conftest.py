"""The built site, once per test session, and a Chromium to look at it with."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import launch, serve

ROOT = Path(__file__).resolve().parents[1]
# What a copy of the project needs to build the site (for tests that change something and rebuild).
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "calculator", "examples", "sources", "README.md", "pyproject.toml")


def build(
    project: Path, out: Path, site_url: str | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    if site_url is not None:
        env["SITE_URL"] = site_url
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in SITE_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)  # the pinned Pyodide
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    done = build(ROOT, out)
    assert done.returncode == 0, done.stderr
    return out


INVENTED = ROOT / "tests" / "engine" / "schemes"  # the invented prefecture, never on the public site


def add_invented_scheme(project: Path, scheme_id: str = "hoshizora-2026") -> Path:
    """Put a test-only scheme into a copy of the project as a prefecture would: its TOML file in
    calculator/schemes/ and its source text in sources/, and nothing else (no page, no nav entry)."""
    text = (INVENTED / f"{scheme_id}.toml").read_text(encoding="utf-8")
    moved = text.replace(f'source = "sources/{scheme_id}.txt"', f'source = "../../sources/{scheme_id}.txt"')
    assert moved != text, "the invented scheme names its source text"
    (project / "calculator" / "schemes" / f"{scheme_id}.toml").write_text(moved, encoding="utf-8")
    shutil.copy2(INVENTED / "sources" / f"{scheme_id}.txt", project / "sources" / f"{scheme_id}.txt")
    return project


@pytest.fixture(scope="session")
def invented_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from a copy of the project with the invented scheme added by its TOML alone."""
    project = add_invented_scheme(copy_project(tmp_path_factory.mktemp("invented") / "project"))
    out = project.parent / "site"
    done = build(project, out)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def invented_url(invented_site: Path) -> Iterator[str]:
    with serve(invented_site) as base:
        yield base


class _Browser:
    """Chromium whose every new context tells the site's loader to run its scripts at once: a page
    runs Material's bundle and the site's scripts after its first paint (overrides/main.html), so
    its load event, which the tests wait for, could come before them. With the flag they run on
    DOMContentLoaded and the load event waits for them; tests/site/test_deferred_scripts.py checks
    the page without it."""

    def __init__(self, chromium: Any) -> None:
        self._chromium = chromium

    def new_context(self, **options: Any) -> Any:
        context = self._chromium.new_context(**options)
        context.add_init_script("window.__deferredScriptsAtOnce = true;")
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._chromium, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield _Browser(chromium)
        chromium.close()


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as base:
        yield base


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
