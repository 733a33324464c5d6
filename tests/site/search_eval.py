"""Running the search queries in Chromium, shared by the search test and the search benchmark.

Recall: the expected page is among the first 5 results. Precision: none of the first 3 results is a
page whose article text lacks one of the query's words (NFKC, case-insensitive).
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _queries(name: str) -> list[dict[str, str]]:
    return list(tomllib.loads(Path(__file__).with_name(name).read_text(encoding="utf-8"))["queries"])


QUERIES = _queries("search_queries.toml")  # the documents' own words
EVERYDAY = _queries("search_everyday.toml")  # what operators type, by kind
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
_TAG = re.compile(r"<[^>]+>")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def article_texts(site: Path) -> dict[str, str]:
    """Site-relative URL -> the article's visible text, from the built HTML."""
    texts = {}
    for page in site.rglob("index.html"):
        match = _ARTICLE.search(page.read_text(encoding="utf-8"))
        if match:
            url = page.parent.relative_to(site).as_posix()
            texts["" if url == "." else url + "/"] = normalise(html.unescape(_TAG.sub(" ", match.group(1))))
    return texts


@dataclass
class Outcome:
    query: str
    expected: str
    results: list[str]

    @property
    def found(self) -> bool:
        return self.expected in self.results[:5]

    def unrelated_in_top3(self, texts: dict[str, str]) -> list[str]:
        words = normalise(self.query).split()
        return [url for url in self.results[:3] if not all(w in texts.get(url, "") for w in words)]


PAGEFIND_SEARCH = """async (q) => {
  if (!window.__pf) { window.__pf = await import(window.__base + 'pagefind/pagefind.js'); await window.__pf.init(); }
  const search = await window.__pf.search(q);
  const data = await Promise.all(search.results.slice(0, 8).map(r => r.data()));
  return data.map(d => d.url);
}"""


def pagefind_results(page: Any, base: str, query: str) -> list[str]:
    """Result URLs, site-relative, from the site's own Pagefind bundle."""
    page.evaluate("b => { window.__base = b; }", base)
    urls = page.evaluate(PAGEFIND_SEARCH, query)
    prefix = _path_of(base)
    return [_site_relative(u, prefix) for u in urls]


def site_results(page: Any, base: str, query: str) -> list[str]:
    """Result pages, in order, from the site's own search page, as a user gets them."""
    page.goto(base + "search/#q=" + urllib.parse.quote(query))
    page.wait_for_function(
        "q => { const s = document.getElementById('search-status').textContent; "
        "return s.startsWith('「' + q + '」'); }",
        arg=query,
    )
    hrefs = page.locator("a.search-page__title").evaluate_all("links => links.map(a => a.href)")
    prefix = _path_of(base)
    return [_site_relative(h, prefix) for h in hrefs]


def material_results(page: Any, base: str, query: str) -> list[str]:
    """Result URLs from Material's own search dialog, as a user would get them."""
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    page.wait_for_timeout(400)
    hrefs = page.locator("li.md-search-result__item > a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    prefix = _path_of(base)
    return [_site_relative(h.split("#")[0], prefix) for h in hrefs]


def _path_of(base: str) -> str:
    """http://127.0.0.1:8000/kaigo-ict-guide/ -> kaigo-ict-guide/ (empty at a domain root)."""
    return base.split("://", 1)[1].split("/", 1)[1] if base.count("/") > 2 else ""


def _site_relative(url: str, prefix: str) -> str:
    path = url.split("://", 1)[-1]
    path = path.split("/", 1)[1] if "://" in url else path.lstrip("/")
    path = path.removeprefix(prefix.lstrip("/")) if prefix else path
    path = path.removeprefix("./")
    return path.split("#")[0].removesuffix("index.html")
