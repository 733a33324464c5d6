"""介護ICT補助金ガイドの計算エンジン: the rules engine of the care-facility ICT subsidy guide.

Each prefecture's scheme for a fiscal year is a TOML file in `calculator/schemes/`; this package
knows no prefecture. Standard library only, so that it runs unchanged in CPython and in Pyodide.

    >>> from calculator import simulate
    >>> result = simulate({"scheme": "yamaguchi-2022", "items": [
    ...     {"category": "care_software", "amount_yen": 123456}]})
    >>> result.subsidy_yen
    61000
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calculator._case import Case, Item, parse_case, scheme_id_of
from calculator._errors import FieldError, InputError, SchemeError, UnknownSchemeError
from calculator._figures import check_figures
from calculator._loader import load_scheme
from calculator._quotes import check_quotes
from calculator._registry import all_schemes, get_scheme, scheme_ids
from calculator._result import ItemDecision, Notice, Reason, Result, Step
from calculator._rules import simulate_case
from calculator._scheme import Citation, Scheme

__all__ = [
    "Case",
    "Citation",
    "FieldError",
    "InputError",
    "Item",
    "ItemDecision",
    "Notice",
    "Reason",
    "Result",
    "Scheme",
    "SchemeError",
    "Step",
    "UnknownSchemeError",
    "all_schemes",
    "check_figures",
    "check_quotes",
    "get_scheme",
    "load_case",
    "load_scheme",
    "scheme_ids",
    "simulate",
]


def load_case(data: Mapping[str, Any], scheme: Scheme | None = None) -> Case:
    """Check a raw case (as read from JSON or TOML); InputError names every bad field."""
    scheme_id = scheme_id_of(data)
    if scheme is None:
        scheme = get_scheme(scheme_id)
    elif scheme.id != scheme_id:
        raise InputError([FieldError("scheme", f"ケースの制度「{scheme_id}」と指定の制度「{scheme.id}」が違います")])
    return parse_case(data, scheme)


def simulate(case: Case | Mapping[str, Any], scheme: Scheme | None = None) -> Result:
    """The subsidy for `case`, with every step explained and cited.

    `case` is a parsed `Case` or the raw case-file mapping. `scheme` defaults to the shipped scheme
    the case names; pass one loaded with `load_scheme` to compute under a file of your own.
    """
    if not isinstance(case, Case):
        case = load_case(case, scheme)
    if scheme is None:
        scheme = get_scheme(case.scheme)
    return simulate_case(case, scheme)
