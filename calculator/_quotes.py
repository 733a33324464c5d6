"""The check that every quote of a scheme is in its source document's text, whitespace aside."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Final

from calculator._scheme import Citation, Clause, Document, Scheme

_WHITESPACE: Final = re.compile(r"\s+")


def squash(text: str) -> str:
    """Quotes are compared without whitespace: the PDF extraction broke lines mid-sentence."""
    return _WHITESPACE.sub("", text)


def check_quotes(scheme: Scheme) -> list[str]:
    """Problems with quotes that do not appear in the document's source text (whitespace ignored).

    Returns an empty list when every quote is found; a document without a source file is reported
    too, because an unchecked quote is exactly what this check exists to prevent.
    """
    problems: list[str] = []
    texts: dict[str, str] = {}
    for document in scheme.documents:
        if document.source is None or not document.source.is_file():
            problems.append(f"documents.{document.id}: 原文ファイル（source）が見つからないため引用を照合できません")
            continue
        texts[document.id] = squash(document.source.read_text(encoding="utf-8"))
        if document.date is not None and squash(document.date) not in texts[document.id]:
            problems.append(f"documents.{document.id}.date: 日付「{document.date}」が原文にありません")
    for citation in citations(scheme):
        text = texts.get(citation.clause.document.id)
        if text is not None and squash(citation.quote) not in text:
            problems.append(f"{citation.anchor}: 引用「{citation.quote}」が原文にありません")
    return problems


def citations(scheme: Scheme) -> list[Citation]:
    """Every citation in the scheme, in file order where it matters little."""
    found: list[Citation] = []

    def walk(value: object) -> None:
        if isinstance(value, Citation):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif is_dataclass(value) and not isinstance(value, (Clause, Document, type)):
            for f in fields(value):
                walk(getattr(value, f.name))

    walk(scheme)
    return found
