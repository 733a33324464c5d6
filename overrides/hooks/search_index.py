"""Search: a Pagefind index of the built site, written at the end of `mkdocs build`.

Measured on these pages (bench/search_compare.py), Pagefind indexing the HTML beat Material's lunr
search but still missed Japanese queries, because its index splits Japanese words with one segmenter
and the browser splits the query with another (Intl.Segmenter), and the two disagree (「自己負担」
was not found in 「（自己負担額」). So we give Pagefind records of our own: each section of each
article, its Japanese runs written as overlapping two-character pieces (bigrams), its Latin words
and numbers as they are. `search_terms` below and `searchTerms` in docs/assets/javascripts/search.js
turn text into the same pieces on both sides; the page then keeps only sections whose text really
contains the query. Only the article is indexed, never the navigation, header or footer.

Before it is cut, text is put in canonical form (search_words.py: folded kana and width, and the
dictionary of variants and synonyms), and the same dictionary goes to the browser as
`assets/search-words.json`, with each page's title and headings for the header's suggestions and the
schemes' years for the plain answer to a year the site has nothing on.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page
from search_words import site_words

# Hiragana, katakana (with ー), CJK ideographs and the iteration marks 々〆: written without spaces.
JAPANESE = r"\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u3005\u3006"
# Latin words and numbers keep inner . , - ' (Wi-Fi, 400,000, 10.5); other punctuation separates.
LATIN = r"0-9a-z\u00c0-\u024f"
_RUNS = re.compile(rf"[{JAPANESE}]+|[{LATIN}]+(?:[.,\-'][{LATIN}]+)*")
_JAPANESE_RUN = re.compile(rf"[{JAPANESE}]+")


def _code(piece: str) -> str:
    """「社会」 -> 「j793e4f1a」: Pagefind's own word splitting must not cut the pieces again."""
    return "j" + "".join(f"{ord(c):04x}" for c in piece)


def search_terms(text: str) -> str:
    """「介護ソフト 4分の3」 -> 「介護 護ソ ソフ フト 4 分ノ 3」 (each piece coded): what index and query hold."""
    return terms(site_words().canonical(text))


def terms(canonical: str) -> str:
    pieces: list[str] = []
    for run in _RUNS.findall(canonical):
        if _JAPANESE_RUN.fullmatch(run):
            pieces.extend(_code(run[i : i + 2]) for i in range(max(1, len(run) - 1)))
        else:
            pieces.append(run)
    return " ".join(pieces)


@dataclass
class Block:
    """A paragraph, list item or table row, with the <h2> section it belongs to."""

    anchor: str
    heading: str
    text: list[str] = field(default_factory=list)
    example: bool = False  # in a section that holds a worked example


class _Blocks(HTMLParser):
    """Splits an article into blocks (short records rank well), keeping visible text only."""

    # The line saying whether a scheme is open is on every page of it: in the index it would be noise;
    # the key reference for prefecture staff names every rule and would outrank the pages operators want;
    # the FAQ's list of its questions repeats its headings. Fine print (<small>: the clauses a glossary
    # term rests on, an example's case file) names documents and files, not what the page says.
    SKIP: Final = frozenset({"script", "style", "svg", "button", "small"})
    SKIP_CLASSES: Final = frozenset({"scheme-status", "scheme-status-list", "key-reference", "question-index"})
    # Worked examples are illustrations (「タブレット端末 10台」), not rules: their sections are indexed
    # (the only place a page shows 自己負担額 worked out) but marked, and rank below the rules.
    EXAMPLE_CLASS: Final = "worked-example"
    VOID: Final = frozenset({"br", "img", "input", "hr", "meta", "link", "wbr", "source", "col"})
    ENDS: Final = frozenset({"p", "li", "tr", "dd", "dt", "h3", "h4", "blockquote", "details", "summary"})

    def __init__(self) -> None:
        super().__init__()
        self.anchor = ""
        self.heading = ""
        self.blocks = [Block("", "")]
        self.in_heading = False
        self.skip = 0
        self.example = 0  # depth inside a worked example, as `skip`

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.example and tag not in self.VOID:
            self.example += 1
        elif self.EXAMPLE_CLASS in (dict(attrs).get("class") or "").split():
            self.example = 1
        if self.skip and tag not in self.VOID:
            self.skip += 1  # inside a skipped element every nested element counts
        elif tag in self.SKIP or self.SKIP_CLASSES & set((dict(attrs).get("class") or "").split()):
            self.skip += 1
        elif tag == "h2":
            self.anchor, self.heading, self.in_heading = dict(attrs).get("id") or "", "", True

    def handle_endtag(self, tag: str) -> None:
        if self.example:
            self.example -= 1
        if self.skip:
            self.skip -= 1
        elif tag == "h2":
            self.in_heading = False
            self.blocks.append(Block(self.anchor, self.heading))
        elif tag in self.ENDS:
            self.blocks.append(Block(self.anchor, self.heading))
        elif tag in {"td", "th", "br", "div"}:
            self.blocks[-1].text.append(" ")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.blocks[-1].example |= bool(self.example)
        if self.in_heading:
            self.heading += data
        else:
            self.blocks[-1].text.append(data)

    def close(self) -> None:
        """The whole section of a worked example is the example: its heading and the lines before it."""
        super().close()
        examples = {b.anchor for b in self.blocks if b.example}
        for block in self.blocks:
            block.example = block.anchor in examples


PAGES: list[tuple[str, str, str]] = []  # (url, title, article html)
# 原文 pages (the source documents, sources/…) get an index of their own (pagefind-sources/), searched
# after the guide's: in one index their records moved a query of the documents' own words (標準仕様)
# out of the guide's top 5, measured; apart, they cannot change how the guide's pages rank.
SOURCE_PAGES: Final = "sources/"
_BODY = re.compile(r"<div data-pagefind-body>(.*)</div>\s*</article>", re.S)


def on_pre_build(config: MkDocsConfig) -> None:
    PAGES.clear()
    site_words.cache_clear()  # `mkdocs serve` rebuilds in one process: read the dictionary again


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    match = _BODY.search(output)
    if match:
        # 「茨城県 令和5年度 › 補助の要件」: results from two schemes must not look alike.
        title = f"{page.parent.title} › {page.title}" if page.parent and page.parent.title else page.title or ""
        PAGES.append((page.url, title, match.group(1)))
    return output


def records(sources: bool = False) -> list[dict[str, object]]:
    """The guide's records, or (sources=True) those of the 原文 pages."""
    found = []
    for url, title, body in PAGES:
        if url.startswith(SOURCE_PAGES) != sources:
            continue
        parser = _Blocks()
        parser.feed(body)
        parser.close()
        for n, block in enumerate(parser.blocks):
            text = re.sub(r"\s+", " ", html.unescape("".join(block.text))).strip()
            heading = block.heading.strip()
            if not text:
                continue
            href = f"{url}#{block.anchor}" if block.anchor else url
            meta = {"title": title, "section": heading, "text": text, "href": href}
            if block.example:
                meta["example"] = "1"  # search.js ranks it below the rules
            found.append(
                {
                    "url": f"{url}?block={n}",  # Pagefind keeps one record per URL: each block needs its own
                    "content": search_terms(f"{heading} {text}"),
                    "language": "en",  # the pieces are already split and coded: no segmenter, no stemming
                    "meta": meta,
                }
            )
    return found


def _write(items: list[dict[str, object]], output: Path) -> None:
    """Each record as a tiny HTML file, indexed by one run of the Pagefind CLI (its Python API sends
    one record at a time and took 45 s for this site; the CLI takes a few)."""
    with tempfile.TemporaryDirectory() as tmp:
        for n, item in enumerate(items):
            meta = item["meta"]
            assert isinstance(meta, dict)
            fields = "".join(
                f'<p data-pagefind-meta="{key}">{html.escape(str(value))}</p>' for key, value in meta.items()
            )
            (Path(tmp) / f"{n:05d}.html").write_text(
                f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{n}</title></head><body>'
                f"<main data-pagefind-body>{html.escape(str(item['content']))}</main>"
                f"<div hidden>{fields}</div></body></html>",
                encoding="utf-8",
            )
        done = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", tmp, "--output-path", str(output), "--quiet"],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    if done.returncode != 0:
        raise PluginError(f"Pagefind の索引づくりに失敗しました:\n{done.stdout}\n{done.stderr}")


def on_post_build(config: MkDocsConfig) -> None:
    items = records()
    if not items:
        raise PluginError("検索の索引に入れるページがありません")
    _write(items, Path(config.site_dir) / "pagefind")
    sources = records(sources=True)
    if sources:
        _write(sources, Path(config.site_dir) / "pagefind-sources")
    words = Path(config.site_dir) / "assets" / "search-words.json"
    words.write_text(json.dumps(browser_words(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def browser_words() -> dict[str, object]:
    """What search-words.js needs: the dictionary, the pages to suggest, the schemes' years."""
    pages = []
    for url, title, body in PAGES:
        if url.startswith(SOURCE_PAGES):
            continue  # the header suggests the guide's pages
        parser = _Blocks()
        parser.feed(body)
        headings = {b.anchor: re.sub(r"\s+", " ", html.unescape(b.heading)).strip() for b in parser.blocks if b.anchor}
        pages.append({"title": title, "url": url, "headings": [[h, a] for a, h in headings.items() if h]})
    schemes = [
        {
            "label": s.fiscal_year_label,
            "prefecture": s.prefecture,
            "year": s.fiscal_year,
            "url": f"{s.id}/",
            "requirements": f"{s.id}/requirements/",
            "documents": "、".join(d.title for d in s.documents),
            "facilities": _facilities(s),
        }
        for s in _schemes()
    ]
    return {**site_words().to_json(), "schemes": schemes, "pages": pages}


def _facilities(scheme: Any) -> dict[str, object] | None:
    """What a scheme says about the facilities that may apply, and the page that says it; None if its
    documents say nothing (the search page then says so, and where to look)."""
    facilities = scheme.facilities
    if facilities is None:
        return None
    anchor = facilities.citation.anchor
    home = next((url for url, _, body in PAGES if f'id="{anchor}"' in body), None)
    if home is None:
        raise PluginError(f"事業所の定め（{anchor}）を置くページがありません")
    return {"text": facilities.text, "excluded": list(facilities.excluded_services), "href": f"{home}#{anchor}"}


def _schemes() -> list[Any]:
    import calculator  # importable: search_words put the repository root on the path

    return list(calculator.all_schemes())
