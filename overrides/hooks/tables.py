"""Tables written in their scroll box at build time, not moved into it by Material's script.

On DOMContentLoaded, Material's content component takes every `table:not([class])` out of the page and
puts it back inside `<div class="md-typeset__scrollwrap"><div class="md-typeset__table">`. The page's
first style and layout have been done by then, so the browser styles and lays out each table a second
time, in the same task as the rest of Material's set-up: on an expenses page, whose content is mostly
tables, that was a restyle of 167 of its 356 elements, the largest part of that task in Chromium's trace
(bench/results/lighthouse.md). Here the build writes the same boxes around each table and gives the
table the class `guide-table`, which Material's script passes over; guide.css styles `table.guide-table`
with Material's own rules for `table:not([class])`. Tables that scripts create later (the simulator's)
keep Material's way.
"""

from __future__ import annotations

import re
from typing import Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

TABLE_CLASS: Final = "guide-table"
_TABLE: Final = re.compile(r"<table>(.*?)</table>", flags=re.DOTALL)


def wrap_tables(html_text: str) -> str:
    """Each class-less `<table>` inside Material's two scroll boxes, with the class guide.css styles."""
    return _TABLE.sub(
        lambda m: (
            '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
            f'<table class="{TABLE_CLASS}">{m.group(1)}</table></div></div>'
        ),
        html_text,
    )


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return wrap_tables(html_text)
