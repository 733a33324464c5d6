"""Recall per kind of query through the site's own search page, in Debian's Chromium (issue 17).

    .venv/bin/python bench/search_recall.py            # builds the site from this checkout
    .venv/bin/python bench/search_recall.py SITE_DIR   # or measures an already built site

For each query of tests/site/search_queries.toml (kind "documents") and search_everyday.toml (variants,
synonyms, questions, phone typos, services and years): is the expected page among the first 5 results?
Prints recall per kind and every miss with the results it got instead, and the bytes the search adds
to every page. Checking out an older commit and running this file there gives the "before".
"""

from __future__ import annotations

import collections
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.site.browser import launch, serve  # noqa: E402
from tests.site.search_eval import EVERYDAY, QUERIES, site_results  # noqa: E402

# Files every page loads for search (the header's box and its suggestions), and what it fetches once.
EVERY_PAGE = ("assets/javascripts/search-words.js", "assets/stylesheets/search.css")
ON_FIRST_USE = ("assets/search-words.json",)


def measure(site: Path) -> None:
    kinds: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    misses = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        for query in QUERIES + EVERYDAY:
            kind = query.get("kind", "documents")
            results = site_results(page, base, query["q"])
            found = query["page"] in results[:5]
            kinds[kind][0] += found
            kinds[kind][1] += 1
            if not found:
                misses.append(f"  {kind}: {query['q']} -> {query['page']} not in {results[:5]}")
        browser.close()
    for kind, (found, total) in kinds.items():
        print(f"{kind:10} {found:3}/{total:3} = {100 * found / total:5.1f} %")
    everyday = [v for k, v in kinds.items() if k != "documents"]
    found, total = sum(v[0] for v in everyday), sum(v[1] for v in everyday)
    print(f"{'everyday':10} {found:3}/{total:3} = {100 * found / total:5.1f} %")
    print("misses:", *misses, sep="\n")
    for name in EVERY_PAGE + ON_FIRST_USE:
        path = site / name
        if path.exists():
            data = path.read_bytes()
            when = "every page" if name in EVERY_PAGE else "first use"
            print(f"{name}: {len(data)} bytes, {len(gzip.compress(data, 6))} gzip ({when})")


def main() -> None:
    if len(sys.argv) > 1:
        measure(Path(sys.argv[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", tmp], cwd=ROOT, check=True)
        measure(Path(tmp))


if __name__ == "__main__":
    main()
