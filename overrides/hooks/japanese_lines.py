"""Line breaks inside Japanese paragraphs, without the stray spaces.

Markdown turns a line break inside a paragraph into a space, which English needs and Japanese does
not: 「ほかのサ\nイト」 would show as 「ほかのサ イト」. Before rendering, a line that ends with a
Japanese character is joined to the next when that one continues the paragraph with a Japanese
character. Fenced code, tables, headings and the start of a new block are left as they are.
"""

from __future__ import annotations

import re
from typing import Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_FENCE: Final = re.compile(r"^\s*(```|~~~)")
# A line that starts a block of its own: a list item, heading, quote, table row, admonition, HTML.
_BLOCK_START: Final = re.compile(r"^\s*([-*+]\s|\d+\.\s|#|>|\||!!!|\?\?\?|<|\[\[|:)")


def _japanese(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3000 <= code <= 0x30FF  # punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # kanji
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def join_japanese_lines(markdown: str) -> str:
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            out.append(line)
            continue
        previous = out[-1] if out else ""
        body = line.lstrip()
        if (
            not fenced
            and previous.strip()
            and body
            and _japanese(previous.rstrip()[-1])
            and _japanese(body[0])
            and not _BLOCK_START.match(line)
            and not previous.lstrip().startswith(("#", "|"))
            and not previous.endswith("  ")  # a hard line break, written on purpose
        ):
            out[-1] = previous.rstrip() + body
            continue
        out.append(line)
    return "\n".join(out)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return join_japanese_lines(markdown)
