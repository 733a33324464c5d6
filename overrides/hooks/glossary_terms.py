"""Glossary: the 用語集 page and, on every other page, the first use of each term linked to it.

The terms live in `glossary.toml` (next to this hook). Markdown's `abbr` extension cannot do this
for Japanese: it needs word boundaries, and Japanese text has none between a term and the particle
after it (「一気通貫の」). So this hook marks terms in the rendered HTML itself, outside headings,
links, code and the like, longest term first, and gives each mark a short explanation as its title
(Material shows it as a tooltip) and a link to the full entry.
"""

from __future__ import annotations

import html
import re
import sys
import tomllib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import calculator  # noqa: E402  (the repository root must be importable first)

DATA = Path(__file__).resolve().parent / "glossary.toml"
GLOSSARY_PAGE = "glossary.md"
MARKER = "<!-- glossary -->"
# Text inside these elements is never marked: headings, links, code, form controls, existing marks.
SKIP = {
    "a",
    "abbr",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "script",
    "style",
    "button",
    "label",
    "select",
    "option",
    "textarea",
    "title",
    "svg",
    "kbd",
    "dt",
    "summary",
}
KEYS = {"id", "term", "aliases", "reading", "short", "text", "cite"}


@dataclass(frozen=True)
class Term:
    id: str
    term: str
    aliases: tuple[str, ...]
    reading: str
    short: str
    text: str
    cite: tuple[str, ...]


def load_terms(path: Path = DATA) -> list[Term]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = []
    for n, raw in enumerate(data.get("terms", [])):
        unknown = set(raw) - KEYS
        missing = {"id", "term", "short", "text"} - set(raw)
        if unknown or missing:
            raise PluginError(f"glossary.toml: terms[{n}]: 知らないキー {sorted(unknown)} / ないキー {sorted(missing)}")
        terms.append(
            Term(
                raw["id"],
                raw["term"],
                tuple(raw.get("aliases", [])),
                raw.get("reading", ""),
                raw["short"],
                raw["text"],
                tuple(raw.get("cite", [])),
            )
        )
    ids = [t.id for t in terms]
    if len(ids) != len(set(ids)):
        raise PluginError("glossary.toml: id が重複しています")
    return terms


class _Marker(HTMLParser):
    """Re-emits the HTML, wrapping the first free occurrence of each term in a link."""

    def __init__(self, patterns: list[tuple[str, Term]], href: str) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skip_depth = 0
        self.stack: list[str] = []
        self.todo = dict(patterns)  # spelling -> term, still to mark on this page
        self.done: set[str] = set()
        self.href = href
        self.regex = re.compile("|".join(re.escape(s) for s, _ in patterns)) if patterns else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in {"br", "img", "input", "hr", "meta", "link", "wbr", "source", "col"}:
            return
        self.stack.append(tag)
        if tag in SKIP:
            self.skip_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag in self.stack:
            while self.stack:
                popped = self.stack.pop()
                if popped in SKIP:
                    self.skip_depth -= 1
                if popped == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self.skip_depth or self.regex is None:
            self.out.append(data)
            return
        self.out.append(self.regex.sub(self._mark, data))

    def _mark(self, match: re.Match[str]) -> str:
        spelling = match.group(0)
        term = self.todo.get(spelling)
        if term is None or term.id in self.done:
            return spelling
        self.done.add(term.id)
        title = html.escape(term.short, quote=True)
        return f'<a class="glossary-term" href="{self.href}#term-{term.id}" title="{title}">{spelling}</a>'

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


TERMS: list[Term] = []


def _clause_label(anchor: str) -> str:
    """「茨城県 別表 ＊１」: how a cited clause is named in the glossary."""
    for scheme in calculator.all_schemes():
        if anchor in scheme.clauses:
            return f"{scheme.prefecture} {scheme.clauses[anchor].clause}"
    raise PluginError(f"glossary.toml: 「{anchor}」という条項はありません")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    TERMS[:] = load_terms()
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if MARKER not in markdown:
        return markdown
    lines = []
    for term in sorted(TERMS, key=lambda t: t.reading or t.term):
        lines.append(f'<div class="glossary-entry" id="term-{term.id}" markdown>\n')
        reading = f"（{term.reading}）" if term.reading else ""
        also = f"　別の言い方: {'、'.join(term.aliases)}" if term.aliases else ""
        lines.append(f"### {term.term}{reading}\n\n{term.text}{also}\n")
        if term.cite:
            links = "、".join(f"[{_clause_label(anchor)}](cite:{anchor})" for anchor in term.cite)
            lines.append(f"\n<small>関係する条項: {links}</small>\n")
        lines.append("\n</div>\n")
    return markdown.replace(MARKER, "\n".join(lines))


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri == GLOSSARY_PAGE or not TERMS:
        return html_text
    patterns = sorted(((spelling, t) for t in TERMS for spelling in (t.term, *t.aliases)), key=lambda p: -len(p[0]))
    glossary = files.get_file_from_path(GLOSSARY_PAGE)
    if glossary is None:
        raise PluginError("用語集のページ glossary.md がありません")
    href = get_relative_url(glossary.url, page.url)
    marker = _Marker(patterns, href)
    marker.feed(html_text)
    marker.close()
    return "".join(marker.out)
