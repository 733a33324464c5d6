"""The key reference for prefecture staff lists every key of a scheme file, from calculator/_keys.py."""

from __future__ import annotations

import html
import re
from pathlib import Path

from calculator._keys import SCHEME, Key


def _paths(key: Key, prefix: str = "") -> list[str]:
    found = []
    for child in key.keys:
        path = f"{prefix}{child.name}" + ("[]" if child.kind == "tables" else "")
        found += [path, *_paths(child, path + ".")]
    return found


def test_the_reference_page_lists_every_key_with_its_description(site: Path) -> None:
    page = html.unescape((site / "for-prefectures" / "index.html").read_text(encoding="utf-8"))
    reference = page[page.index('<div class="key-reference">') :]
    reference = reference[: reference.index("</div>")]
    listed = re.findall(r"<li><code>([^<]+)</code>", reference)
    assert listed == _paths(SCHEME)
    assert "<code>categories[].kinds[].recurring</code>（true / false、任意）: 恒常的な費用か" in page
