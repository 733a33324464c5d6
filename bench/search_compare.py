"""Material's search (lunr, lang ja; stock and with a script-boundary separator) against Pagefind,
on this site's own pages and the queries in tests/site/search_queries.toml, in Debian's Chromium.

    .venv/bin/python bench/search_compare.py

Prints recall (expected page in the top 5) and precision (top-3 results that contain every query
word) per engine. The site ships the winner; this file records how it was chosen.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.site.browser import launch, serve  # noqa: E402
from tests.site.search_eval import (  # noqa: E402
    QUERIES,
    Outcome,
    article_texts,
    material_results,
    pagefind_results,
    site_results,
)

# A JavaScript regex (Material passes it to lunr) that also splits where the script changes:
# hiragana | katakana | kanji | latin and digits.
SCRIPT_BOUNDARY = (
    r"[\s\-、。，．・（）「」『』【】：；]+"
    r"|(?<=[\u3040-\u309f])(?=[^\u3040-\u309f])|(?<=[\u30a0-\u30ff])(?=[^\u30a0-\u30ff])"
    r"|(?<=[\u4e00-\u9fff])(?=[^\u4e00-\u9fff])|(?<=[A-Za-z0-9])(?=[^A-Za-z0-9])"
)
VARIANTS = {
    "material (lang: ja)": "plugins:\n  - search:\n      lang: ja\n",
    "material (lang: ja, script separator)": (
        "plugins:\n  - search:\n      lang: ja\n      separator: '" + SCRIPT_BOUNDARY.replace("'", "''") + "'\n"
    ),
}


def build(config_text: str, out: Path) -> None:
    config = ROOT / f".bench-{out.name}.yml"
    config.write_text(f"INHERIT: mkdocs.yml\n{config_text}", encoding="utf-8")
    try:
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)],
            cwd=ROOT,
            check=True,
            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        )
    finally:
        config.unlink()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch(p)
        sites = {"site search (Pagefind, bigram records)": Path(tmp) / "ours"}
        build("", sites["site search (Pagefind, bigram records)"])
        # Stock Pagefind: the same site, its HTML indexed by the Pagefind CLI as it comes.
        stock = Path(tmp) / "stock"
        build("", stock)
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(stock), "--quiet"], check=True)
        sites["pagefind (HTML, stock)"] = stock
        for n, (name, text) in enumerate(VARIANTS.items()):
            sites[name] = Path(tmp) / f"material{n}"
            build(text, sites[name])
        run = {"site search (Pagefind, bigram records)": site_results, "pagefind (HTML, stock)": pagefind_results}
        print(f"{'engine':42} recall@5   top-3 results with every query word")
        for name, site in sites.items():
            texts = article_texts(site)
            with serve(site) as base:
                page = browser.new_page()
                page.goto(base)
                outcomes = []
                for q in QUERIES:
                    results = run.get(name, material_results)(page, base, q["q"])
                    outcomes.append(Outcome(q["q"], q["page"], results))
                page.close()
            found = sum(o.found for o in outcomes)
            shown = sum(min(3, len(o.results)) for o in outcomes)
            unrelated = sum(len(o.unrelated_in_top3(texts)) for o in outcomes)
            print(f"{name:42} {found:2}/{len(outcomes)}      {shown - unrelated}/{shown}")
            missed = [o.query for o in outcomes if not o.found]
            if missed:
                print(f"{'':4}missed: {' '.join(missed)}")
        browser.close()


if __name__ == "__main__":
    main()
