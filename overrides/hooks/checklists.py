"""Names for the checkboxes of the requirement checklists.

pymdownx.tasklist wraps each checkbox in a label of its own and leaves the item's text outside it, so
a screen reader announces an unnamed checkbox (axe: `label`). Every checklist item starts with its
title in bold, so each checkbox is named by that title (aria-labelledby); an item without one fails
the build rather than ship an unnamed control.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_ITEM: Final = re.compile(
    r'(<li class="task-list-item"><label class="task-list-control"><input type="checkbox")(/?>'
    r'<span class="task-list-indicator"></span></label>\s*)(<strong>)?'
)


def name_checkboxes(html_text: str, page_path: str) -> str:
    numbers = itertools.count(1)

    def named(match: re.Match[str]) -> str:
        if match.group(3) is None:
            raise PluginError(
                f"{page_path}: チェックリストの項目が太字の見出しで始まっていません"
                "（チェックボックスに名前を付けられません）"
            )
        item_id = f"checklist-item-{next(numbers)}"
        return f'{match.group(1)} aria-labelledby="{item_id}"{match.group(2)}<strong id="{item_id}">'

    return _ITEM.sub(named, html_text)


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return name_checkboxes(html_text, page.file.src_uri)
