"""原文 pages: each source document (sources/*.txt) as a page, every quoted passage anchored.

A page ``docs/sources/<file stem>.md`` holds the marker ``<!-- source:<file stem> -->``; this hook
fills it with the document's publisher, title, date (the scheme data's, which `check` finds in the
text; 日付の記載なし where the document gives none) and year, and its text as extracted from the PDF (line
breaks mended only where they split a sentence). Every quote the schemes cite gets, at build time, an
anchor at its place in the text (``quote_id``); the passage is marked, highlighted on arrival
(site.js), and followed by links back to the guide pages that rest on its clause. Guide pages
(scheme_pages.py, through `quote_href`) and the simulator (``assets/quotes.json``) link every
citation to its anchor, with the URL text fragment ``:~:text=`` as the browser's own fallback.
The build fails on a quote it cannot find in the text, and on a document without its page.

Runs before scheme_pages.py: the back-links are ``cite:`` links, which that hook resolves.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import posixpath
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

ROOT: Final = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import calculator  # noqa: E402  (the repository root must be importable first)
from calculator._quotes import citations, squash  # noqa: E402  (the quote check's own walk and comparison)

NO_DATE: Final = "日付の記載なし（文書に発行日・施行日などの日付が書かれていません）"
MARKER: Final = re.compile(r"<!--\s*source:([a-z0-9-]+)\s*-->")
PAGES_DIR: Final = "sources"
# A line that ends a sentence or a heading, and a line that starts an item: the PDF's own breaks.
_ENDS: Final = re.compile(r"[。」』）)：:】]$")
_STARTS: Final = re.compile(
    r"^(?:[○・※＊*【①-⑳]|[（(][0-9０-９一-九ア-ンｱ-ﾝ]{1,2}[)）]|[0-9０-９]+[ 　.]|[ア-ン][ 　])"
)


# Entry points ---------------------------------------------------------------------------------------


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    STATE.documents = {}
    for scheme in calculator.all_schemes():
        for document in scheme.documents:
            if document.source is None:
                continue
            stem = document.source.stem
            if stem not in STATE.documents:
                STATE.documents[stem] = SourceDocument(stem, document.title, document.publisher, scheme, document.date)
        for citation in citations(scheme):
            source = citation.clause.document.source
            if source is not None:  # a document without its text is reported by `check`
                STATE.documents[source.stem].cite(citation)
    problems = [p for d in STATE.documents.values() for p in d.place_quotes()]
    if problems:
        raise PluginError("原文に置けない引用があります:\n" + "\n".join(problems))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    missing = [s for s in STATE.documents if files.get_file_from_path(f"{PAGES_DIR}/{s}.md") is None]
    if missing:
        raise PluginError("原文のページがありません: " + ", ".join(f"docs/{PAGES_DIR}/{s}.md" for s in missing))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def fill(match: re.Match[str]) -> str:
        document = STATE.documents.get(match.group(1))
        if document is None:
            raise PluginError(f"{page.file.src_uri}: 「source:{match.group(1)}」という原文はありません")
        return document.markdown()

    return MARKER.sub(fill, markdown)


def on_post_build(config: MkDocsConfig) -> None:
    """assets/quotes.json: 「<anchor>\\n<quote>」 -> the quote's place in its 原文 page, for the simulator."""
    quotes = {
        f"{anchor}\n{quote}": d.href(anchor, quote, f"{PAGES_DIR}/{d.stem}/")
        for d in STATE.documents.values()
        for (anchor, quote) in d.places
    }
    target = Path(config.site_dir) / "assets" / "quotes.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(quotes, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def quote_href(citation: calculator.Citation, page_uri: str) -> str | None:
    """A Markdown link target from a guide page to the citation's quote in its 原文 page."""
    source = citation.clause.document.source
    document = STATE.documents.get(source.stem) if source else None
    if document is None:
        return None
    page = f"{PAGES_DIR}/{document.stem}.md"
    return document.href(citation.anchor, citation.quote, posixpath.relpath(page, posixpath.dirname(page_uri) or "."))


def quote_id(anchor: str, quote: str) -> str:
    """「ibaraki-2023-rate」+ its quote -> 「ibaraki-2023-rate-q3f9a1c」: stable while the quote is."""
    return f"{anchor}-q{hashlib.sha1(squash(quote).encode()).hexdigest()[:6]}"


# The document -----------------------------------------------------------------------------------------


@dataclass
class SourceDocument:
    stem: str
    title: str
    publisher: str
    scheme: calculator.Scheme
    date: str | None = None  # as the document writes it; None if it gives none
    quotes: list[tuple[str, str, str]] = field(default_factory=list)  # (anchor, quote, clause title)
    places: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # -> range in text
    text: str = ""

    def cite(self, citation: calculator.Citation) -> None:
        key = (citation.anchor, citation.quote)
        if key not in [(a, q) for a, q, _ in self.quotes]:
            self.quotes.append((citation.anchor, citation.quote, citation.clause.title))

    def place_quotes(self) -> list[str]:
        """Find each quote in the mended text (whitespace ignored, as `check` compares them)."""
        path = ROOT / "sources" / f"{self.stem}.txt"
        self.text = mend(path.read_text(encoding="utf-8"))
        squashed, positions = [], []
        for n, c in enumerate(self.text):
            if not c.isspace():
                squashed.append(c)
                positions.append(n)
        flat = "".join(squashed)
        problems = []
        for anchor, quote, _ in self.quotes:
            at = flat.find(squash(quote))
            if at == -1 or not quote.strip():
                problems.append(f"sources/{self.stem}.txt: {anchor}: 引用「{quote}」が見つかりません")
                continue
            self.places[(anchor, quote)] = (positions[at], positions[at + len(squash(quote)) - 1] + 1)
        return problems

    def href(self, anchor: str, quote: str, page: str) -> str:
        start, end = self.places[(anchor, quote)]
        lines = [line for line in self.text[start:end].split("\n") if line.strip()]
        fragment = _text_fragment(lines[0][:20].strip(), lines[-1][-10:].strip() if len(lines) > 1 else "")
        return f"{page}#{quote_id(anchor, quote)}:~:text={fragment}"

    def markdown(self) -> str:
        scheme = self.scheme
        head = (
            "| 項目 | 内容 |\n| --- | --- |\n"
            f"| 発行 | {html.escape(self.publisher)} |\n| 文書 | {html.escape(self.title)} |\n"
            f"| 日付 | {html.escape(self.date) if self.date else NO_DATE} |\n"
            f"| 年度 | {scheme.fiscal_year_label}（{html.escape(scheme.year_basis.text)}） |\n\n"
            "PDF から取り出したテキストです。文の途中で切れた改行だけをつなぎ、ほかは公開されたとおりです。"
            "色のついた箇所は、このサイトが引用している部分です。\n\n"
        )
        return head + self._body()

    def _body(self) -> str:
        """Paragraphs with each quoted passage marked; after a paragraph, links to the guide's pages."""
        starts: dict[int, list[str]] = {}
        bounds = {0, len(self.text)}
        for (anchor, quote), (start, end) in self.places.items():
            starts.setdefault(start, []).append(quote_id(anchor, quote))
            bounds |= {start, end}
        clause_titles = {a: t for a, _, t in self.quotes}
        out: list[str] = []
        offset = 0
        for paragraph in self.text.split("\n\n"):
            begin, finish = offset, offset + len(paragraph)
            offset = finish + 2
            if not paragraph.strip():
                continue
            cuts = sorted({begin, finish} | {b for b in bounds if begin < b < finish})
            pieces = []
            for a, b in itertools.pairwise(cuts):
                ids = [quote_id(k[0], k[1]) for k, (s, e) in self.places.items() if s <= a and b <= e]
                anchors_here = "".join(f'<span class="source-anchor" id="{i}"></span>' for i in starts.get(a, []))
                piece = html.escape(self.text[a:b]).replace("\n", "<br>\n")
                if ids:
                    piece = f'<span class="source-quote" data-quotes="{" ".join(ids)}">{piece}</span>'
                pieces.append(anchors_here + piece)
            out.append(f'<p class="source-text">{"".join(pieces)}</p>\n')
            cited = sorted({k[0] for k, (s, e) in self.places.items() if begin <= s < finish})
            if cited:
                links = "、".join(f"[{clause_titles[a]}](cite:{a})" for a in cited)
                out.append(f'<p class="source-backlinks" markdown>この箇所をもとにした説明: {links}</p>\n')
        return "\n".join(out)


def mend(text: str) -> str:
    """Join the lines the PDF extraction broke mid-sentence; keep every other break as published."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        joined = lines[:1]
        for line in lines[1:]:
            if _ENDS.search(joined[-1]) or _STARTS.match(line.strip()):
                joined.append(line)
            else:
                joined[-1] += line.strip()
        paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


def _text_fragment(start: str, end: str) -> str:
    def encode(part: str) -> str:
        return urllib.parse.quote(part, safe="").replace("-", "%2D")

    return encode(start) + (f",{encode(end)}" if end else "")


@dataclass
class _State:
    documents: dict[str, SourceDocument] = field(default_factory=dict)


STATE: Final = _State()
# MkDocs loads this hook under its path; scheme_pages imports it by name: one module, one STATE.
sys.modules.setdefault("source_pages", sys.modules[__name__])
