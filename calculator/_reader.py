"""The generic typed reader of a scheme file's tables: every problem collected with its key path.

It knows tables, text, integers, dates, rates, ids, citations and caveat references, not what a
scheme means: `_loader.py` builds the scheme with it, and `_keys.py` says which keys each table has.
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction
from typing import Any, Final

from calculator._keys import keys_at
from calculator._scheme import Alternative, Basis, Citation, Cited, Clause
from calculator._vocabulary import ALTERNATIVE_RULES, PAYMENT_IDS, PREDICATES, REQUIREMENT_FACTS, split_predicate

_ID: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d{4}")
_ANCHOR: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_SLUG: Final = re.compile(r"[a-z][a-z0-9_]*")
_RATE: Final = re.compile(r"[1-9]\d*/[1-9]\d*")

_MISSING: Final = object()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Reader:
    """Walks one parsed TOML document, collecting every problem instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.clauses: dict[str, Clause] = {}
        self.caveat_refs: list[tuple[str, str]] = []  # (path, caveat id) checked once all are read
        self.used_anchors: set[str] = set()
        self.category_ids: set[str] = set()  # the scheme's own, once its categories are read

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # -- tables and values ----------------------------------------------------------------------

    def table(
        self, value: Any, path: str, required: set[str], optional: set[str] | frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, "表（テーブル）が必要です")
            return {}
        for key in sorted(set(value) - required - optional):
            self.problem(_join(path, key), "知らないキーです（綴りを確認してください）")
        for key in sorted(required - set(value)):
            self.problem(_join(path, key), "必須のキーがありません")
        return value

    def tables(self, value: Any, path: str, *, allow_empty: bool = False) -> list[dict[str, Any]]:
        if value is _MISSING:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(path, "表の配列（[[...]]）が必要です")
            return []
        if not value and not allow_empty:
            self.problem(path, "少なくとも1つ必要です")
        return value

    def text(self, table: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = table.get(key, _MISSING)
        if value is _MISSING and default is not None:
            return default
        if not isinstance(value, str) or not value.strip():
            if value is not _MISSING:
                self.problem(_join(path, key), "空でない文字列が必要です")
            return ""
        return value

    def integer(self, table: dict[str, Any], key: str, path: str, *, minimum: int = 0) -> int | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(_join(path, key), "整数が必要です")
            return None
        if value < minimum:
            self.problem(_join(path, key), f"{minimum}以上の整数が必要です")
            return None
        return value

    def flag(self, table: dict[str, Any], key: str, path: str, default: bool = False) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem(_join(path, key), "true か false が必要です")
            return default
        return value

    def date(self, table: dict[str, Any], key: str, path: str) -> datetime.date | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            self.problem(_join(path, key), "日付（例: 2024-03-31）が必要です")
            return None
        return value

    def rate(self, table: dict[str, Any], key: str, path: str) -> Fraction | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not _RATE.fullmatch(value):
            self.problem(_join(path, key), "「1/2」のような分数の文字列が必要です")
            return None
        rate = Fraction(value)
        if not 0 < rate <= 1:
            self.problem(_join(path, key), "0より大きく1以下の分数が必要です")
            return None
        return rate

    def slug(self, table: dict[str, Any], key: str, path: str, pattern: re.Pattern[str] = _SLUG) -> str:
        value = self.text(table, key, path)
        if value and not pattern.fullmatch(value):
            self.problem(_join(path, key), f"英小文字・数字・記号のidが必要です（「{value}」）")
        return value

    def choice(self, table: dict[str, Any], key: str, path: str, choices: tuple[str, ...]) -> str:
        value = self.text(table, key, path)
        if value and value not in choices:
            self.problem(_join(path, key), f"「{value}」は使えません（使えるのは {', '.join(choices)}）")
        return value

    # -- citations and caveats ------------------------------------------------------------------

    def citation(self, value: Any, path: str) -> Citation | None:
        if value is _MISSING:
            self.problem(path, '出典（{ clause = "...", quote = "..." }）がありません')
            return None
        table = self.table(value, path, {"clause", "quote"})  # the cite of _keys.json_schema's $defs
        anchor, quote = self.text(table, "clause", path), self.text(table, "quote", path)
        if not anchor or not quote:
            return None
        clause = self.clauses.get(anchor)
        if clause is None:
            self.problem(f"{path}.clause", f"「{anchor}」という条項（[[clauses]] の anchor）はありません")
            return None
        self.used_anchors.add(anchor)
        return Citation(clause=clause, quote=quote)

    def caveat_ref(self, table: dict[str, Any], key: str, path: str) -> str | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            return None
        caveat = self.text(table, key, path)
        if caveat:
            self.caveat_refs.append((_join(path, key), caveat))
        return caveat or None

    def basis(self, table: dict[str, Any], path: str) -> Basis | None:
        """A rule that is either cited (`cite`) or, where the document is silent, a named `caveat`."""
        caveat = self.caveat_ref(table, "caveat", path)
        if "cite" in table:
            citation = self.citation(table["cite"], f"{path}.cite")
            return Basis(citation, caveat) if citation else None
        if caveat is None:
            self.problem(path, "出典（cite）か、文書に定めがないことを示す注意（caveat）が必要です")
        return None  # a caveat alone is resolved to its citation in _resolve

    def unwrap(self, table: dict[str, Any], key: str, path: str) -> tuple[dict[str, Any], Citation | None]:
        """A value with its own citation, `key = { value = …, cite = {…} }` (_keys._v): the value as
        `{key: value}`, so the typed readers check it at its own path, and its citation. Absent: ({}, None)."""
        raw = table.get(key, _MISSING)
        if raw is _MISSING:
            return {}, None
        where = _join(path, key)
        inner = self.table(raw, where, {"value", "cite"})
        if "value" not in inner:
            return {}, None
        return {key: inner["value"]}, self.citation(inner.get("cite", _MISSING), f"{where}.cite")

    def cited(self, value: Any, path: str) -> Cited | None:
        table = self.table(value, path, {"text", "cite"})  # a cited text: _keys._CITED
        text = self.text(table, "text", path)
        citation = self.citation(table.get("cite", _MISSING), f"{path}.cite")
        return Cited(text, citation) if text and citation else None

    def predicates(
        self,
        table: dict[str, Any],
        key: str,
        path: str,
        flags: set[str],
        conditions: set[str] | frozenset[str] = frozenset(),
    ) -> tuple[str, ...]:
        value = table.get(key, ["always"])
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.problem(_join(path, key), "条件名の空でない配列が必要です")
            return ()
        if "about_document" in value and len(value) > 1:
            self.problem(_join(path, key), "about_document（文書についての注意）は、ほかの条件と組み合わせません")
        for predicate in value:
            name, argument = split_predicate(predicate)
            kind = PREDICATES.get(name)
            if kind is None:
                self.problem(
                    _join(path, key), f"「{name}」という条件はありません（使えるのは {', '.join(PREDICATES)}）"
                )
            elif bool(kind) != bool(argument):
                self.problem(_join(path, key), f"「{predicate}」: 条件「{name}」の引数が正しくありません")
            elif kind == "category" and argument not in self.category_ids:
                self.problem(_join(path, key), f"「{predicate}」: 「{argument}」という区分はありません")
            elif kind == "payment" and argument not in PAYMENT_IDS:
                self.problem(_join(path, key), f"「{predicate}」: 「{argument}」という支払方法はありません")
            elif kind == "flag" and argument not in flags:
                self.problem(
                    _join(path, key), f"「{predicate}」: 「{argument}」はこの制度の項目の印（item_flag）にありません"
                )
            elif kind == "requirement_fact" and argument not in REQUIREMENT_FACTS:
                self.problem(_join(path, key), f"「{predicate}」: 「{argument}」という要件はありません")
            elif kind == "rate_condition" and argument not in conditions:
                self.problem(
                    _join(path, key),
                    f"「{predicate}」: 「{argument}」という補助率の要件（rate.conditions）はありません",
                )
            elif kind == "count" and not argument.isdigit():
                self.problem(_join(path, key), f"「{predicate}」: 回数は整数で書いてください")
            elif kind == "flag_category":
                flag, _, category = argument.partition(":")
                if flag not in flags or category not in self.category_ids:
                    self.problem(
                        _join(path, key), f"「{predicate}」: 「印:区分」の形で、この制度の印と区分を書いてください"
                    )
        return tuple(value)

    def alternative(self, value: Any, path: str, flags: set[str]) -> Alternative | None:
        """The other reading of a caveat: a rule of the engine's vocabulary and one line of Japanese."""
        table = self.table(value, path, *keys_at("caveats.alternative"))
        rule, reading = self.text(table, "rule", path), self.text(table, "reading", path)
        name, argument = split_predicate(rule)
        kind = ALTERNATIVE_RULES.get(name)
        if not rule:
            return None
        if kind is None:
            self.problem(
                f"{path}.rule", f"「{name}」という読み方の規則はありません（使えるのは {', '.join(ALTERNATIVE_RULES)}）"
            )
            return None
        valid = {
            "": not argument,
            "count": argument.isdigit() and int(argument) > 0,
            "flag": argument in flags,
            "category": argument in self.category_ids,
            "payment": argument in PAYMENT_IDS,
            "category_pair": all(c in self.category_ids for c in argument.split(":")) and argument.count(":") == 1,
        }[kind]
        if not valid:
            self.problem(f"{path}.rule", f"「{rule}」: 規則「{name}」の引数が正しくありません")
            return None
        return Alternative(rule, reading) if reading else None
