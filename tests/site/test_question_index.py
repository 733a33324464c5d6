"""The FAQ opens with the list of its questions, each a link to its own answer."""

from __future__ import annotations

import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_faq_lists_every_question_and_each_link_lands_on_its_answer(site: Path) -> None:
    source = (ROOT / "docs" / "faq.md").read_text(encoding="utf-8")
    questions = re.findall(r"^## (.+?) \{#([a-z0-9-]+)\}\s*$", source, re.MULTILINE)
    assert len(questions) >= 20
    page = html.unescape((site / "faq" / "index.html").read_text(encoding="utf-8"))
    index = page[page.index('class="question-index"') :]
    index = index[: index.index("</nav>")]
    assert re.findall(r'<a href="#([a-z0-9-]+)">', index) == [anchor for _, anchor in questions]
    for _, anchor in questions:
        assert f'id="{anchor}"' in page
