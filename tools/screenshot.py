"""Screenshots of built pages at phone and desktop widths, for looking at what a user sees.

    python tools/screenshot.py site /tmp/shots ibaraki-2023/rate-cap/ compare/

Serves the built site on localhost and drives Debian's Chromium (falls back to Playwright's own
browser only where /usr/bin/chromium is missing).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.site.browser import launch, serve


def main(site: str, out: str, *pages: str) -> None:
    Path(out).mkdir(parents=True, exist_ok=True)
    with serve(Path(site)) as base, sync_playwright() as p:
        browser = launch(p)
        for width, label in ((390, "phone"), (1280, "desktop")):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP")
            page = context.new_page()
            for path in pages or ("",):
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                name = (path.strip("/").replace("/", "_") or "home") + f"-{label}.png"
                page.screenshot(path=str(Path(out) / name), full_page=True)
                print(Path(out) / name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
