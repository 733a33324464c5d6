"""A list of a page's questions at its top: `<!-- questions -->` becomes a link to each `## ...？ {#id}`.

The FAQ is long on a phone (24 answers); the list lets a reader see every question and jump to one,
and each answer keeps its own linkable id. The headings are the one source: a question added to
the page is in the list without anyone editing it.
"""

from __future__ import annotations

import re
from typing import Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MARKER: Final = "<!-- questions -->"
QUESTION: Final = re.compile(r"^## (.+?) \{#([a-z0-9-]+)\}\s*$", re.MULTILINE)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if MARKER not in markdown:
        return markdown
    questions = QUESTION.findall(markdown)
    if not questions:
        raise PluginError(f"{page.file.src_uri}: {MARKER} がありますが「## 質問 {{#id}}」の見出しがありません")
    items = "\n".join(f"- [{title}](#{anchor})" for title, anchor in questions)
    nav = '<nav class="question-index" aria-label="質問の一覧" markdown>'
    return markdown.replace(MARKER, f"{nav}\n\n{items}\n\n</nav>")
