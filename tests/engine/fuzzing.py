"""Fuzzing the case parser and the engine: shared strategies and checks.

Used by tests/engine/test_fuzz.py (a few hundred examples a test) and bench/fuzz_engine.py (tens of
thousands). A case is any JSON-like value: valid cases, valid cases with a few fields broken, and
garbage (random keys, wrong types, huge numbers, full-width digits, units, NaN and inf, nested
junk, unknown categories and schemes). A case file is the text of a .json or .toml file, read by
the loader the CLI uses and run through the CLI itself.

Every case must be either computed, with every invariant of the result holding, or refused with
`calculator.InputError`, each of whose errors names a field of the case and says what is wrong in
Japanese. Nothing else may escape.

The inputs that broke the engine when this fuzzing first ran (FOUND_BY_FUZZING: huge integers,
numbers with more than 28 significant digits, head counts between two cap bands, lone surrogates,
case files with huge numbers or deep nesting) are drawn like any other, in the tests and the bench
alike; test_fuzz.py also pins the exact outcome of each.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import calculator
from calculator.__main__ import main as cli_main
from calculator._amounts import MAX_DIGITS, MAX_STAFF, MAX_YEN, parse_staff, parse_yen
from calculator._case import CASE_KEYS, ITEM_KEYS, read_case_file
from calculator._errors import shown
from calculator._vocabulary import CATEGORY_IDS, PAYMENT_IDS

SCHEME_IDS: tuple[str, ...] = calculator.scheme_ids()
SCHEMES: dict[str, calculator.Scheme] = {scheme_id: calculator.get_scheme(scheme_id) for scheme_id in SCHEME_IDS}
UNKNOWN_SCHEME_IDS = (
    "",
    "   ",
    "ibaraki-2024",
    "IBARAKI-2023",
    "yamaguchi_2022",
    "mirai-2030",  # exists only under tests/engine/schemes/, never in the registry
    "ｉｂａｒａｋｉ－２０２３",
    "../schemes/ibaraki-2023",
    "ibaraki-2023\x00",
    "茨城県",
)
CONDITION_IDS = sorted({c.id for s in SCHEMES.values() for c in s.rate.conditions})
REQUIREMENT_IDS = sorted({r.id for s in SCHEMES.values() for r in s.requirements})
FLAG_IDS = sorted({f for s in SCHEMES.values() for f in s.item_flags()})

# What operators (and fuzzers) type into an amount field.
WEIRD_STRINGS = (
    "NaN", "nan", "inf", "-inf", "Infinity", "1e999", "1e3", "1E5", "0x10", "1_000", "0b1", "１２３万円",
    "１，２３４", "1,234,567円", "¥1,000", "￥２０００", "\\3000", "-5", "−5", "▲100", "△1", "+5", "", " ",
    "\u3000", "\t", "0", "00", "0.0", "1.5", "1.", ".5", "120万", "3千円", "1兆円", "10人", "円", "万円",
    "千", "二十万円", "٣٤", "²", "½", "None", "null", "true", "<script>alert(1)</script>", "😀", "\x00",
    "\ufeff100", "1\n000", "9" * 30, "1" + "0" * 12, "1" + "0" * 12 + "1", "1.0", "100.00", "5万5千円",
    "1 000 000", "1,,2", ",", "¥", "¥-5",
)  # fmt: skip
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
# What String.prototype.trim removes: WhiteSpace (with every Zs) and LineTerminator.
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


@dataclasses.dataclass(frozen=True)
class Found:
    """An engine bug this fuzzing found, kept as history: the input, what it did then, what it does now."""

    id: str
    input: str
    then: str
    now: str


FOUND_BY_FUZZING = (
    Found(
        "huge-int",
        "an int of more than 4300 digits in a flag, category, payment or amount field (10**5000)",
        "str() of it raised ValueError: a bare ValueError escaped simulate(), or an amount was refused with "
        "Python's English message",
        "InputError naming the field in Japanese, the value shown as 「（桁数の多すぎる数）」 (_errors.shown)",
    ),
    Found(
        "file-huge-int",
        "a JSON or TOML case file with an integer literal of more than 4300 digits",
        "json/tomllib raised ValueError through read_case_file; the CLI exited 1 with a traceback",
        'InputError (field "") 「ケースファイル「…」に桁数の多すぎる数があります」; the CLI exits 2',
    ),
    Found(
        "file-deep-nesting",
        "a JSON or TOML case file nested 100,000 deep ('[' * 100000)",
        "RecursionError through read_case_file; the CLI exited 1 with a traceback",
        'InputError (field "") 「ケースファイル「…」は入れ子が深すぎて読めません」; the CLI exits 2',
    ),
    Found(
        "cli-surrogate",
        'a JSON case file with a lone surrogate escape in an item name ("\\ud800")',
        "computed, then the CLI died printing the name to UTF-8 stdout (UnicodeEncodeError, exit 1)",
        "InputError naming the text field (name, facility_name, note): 「文字として読めない符号（対になっていない"
        "サロゲート）が含まれています」; exit 2. Other values are shown with the surrogate escaped",
    ),
    Found(
        "decimal-precision",
        "an amount or head count with more than 28 significant digits ('1.00000000000000000000000000001')",
        "rounded in the 28-digit decimal context before the checks: accepted as 1 yen",
        "parsed exactly (Fraction): refused for its fraction of a yen; a number written with more than "
        "MAX_DIGITS (40) characters is refused as 「桁が多すぎます」",
    ),
    Found(
        "case-round-trip",
        "ict_staff_fte '20.99999999999999999' (between the 11–20 and 21–30 bands of ibaraki-2023)",
        "Case.to_dict() wrote it as the float 21.0, which read back into the 21–30 band (cap 2,000,000円 "
        "instead of 1,600,000円)",
        "Case.to_dict() writes it exactly (the text '20.99999999999999999', via staff_for_file)",
    ),
    Found(
        "float-exponent",
        "ict_staff_fte as the JSON number 9.039560168457493e-285",
        "accepted; Case.to_dict() then wrote its exact decimal (about 300 digits), which did not read back",
        "a float is read as its shortest decimal by the same rules as text: refused, 「人数の桁が多すぎます」",
    ),
)
HUGE_INT = 10**5000  # str() of an int refuses more than 4300 digits
# More than the 28 significant digits the old decimal context rounded away; more than MAX_DIGITS.
LONG_NUMBER_STRINGS = ("1.00000000000000000000000000001", "999999999999.99999999999999999999999", "1" * 41)
# Lone surrogates (what a JSON "\ud800" escape reads as): not text, so not printable to UTF-8.
SURROGATE_STRINGS = ("\ud800", "a\udfffb", "\udc00名前")


def huge_ints() -> st.SearchStrategy[int]:
    """Integers that str() refuses (more than 4300 digits). Made by .map, never held by the strategy:
    hypothesis repr()s its strategies, and repr() of such an int raises ValueError."""
    return st.sampled_from([(1, 5000), (-1, 5000), (1, 4300)]).map(lambda p: p[0] * 10 ** p[1])


# --- amounts and head counts, with the value they must parse to ---------------------------------------

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Digits that NFKC leaves alone (Arabic-Indic, Devanagari): never read as a number.
_FOREIGN_DIGITS = (
    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),  # Arabic-Indic
    str.maketrans("0123456789", "०१२३४५६७८९"),  # Devanagari
    str.maketrans("0123456789", "⓪①②③④⑤⑥⑦⑧⑨"),  # circled: NFKC makes them ASCII digits
    str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"),  # superscript
    str.maketrans("0123456789", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"),  # mathematical bold
)
_UNITS = {"": 1, "円": 1, "万円": 10_000, "千円": 1_000, "万": 10_000, "千": 1_000}
_SIGNS = ("-", "−", "▲", "△", "+")
_FRACTIONS = ("", "", "", "0", "00", "5", "25", "000001", "1")
# More than the 28 significant digits of the default decimal context (which used to round them
# away), some all zeros (a whole number, exactly), and around MAX_DIGITS.
_LONG_FRACTIONS = ("0" * 28 + "1", "9" * 30, "0" * 30, "0" * 36 + "1", "0" * 37 + "1", "0" * 38, "0" * 38 + "1",
                   "0" * 39 + "1", "0" * 40 + "5")  # fmt: skip


def _group(digits: str, separator: str) -> str:
    if not separator or len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    return separator.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def _too_long(number: str) -> bool:
    """A number written with more than MAX_DIGITS characters, digits and decimal point (separators,
    sign, ¥ and unit not counted): refused, never rounded. calculator/_amounts.py counts the point."""
    return len(number) > MAX_DIGITS


@st.composite
def _digits(draw: st.DrawFn, number: str) -> tuple[str, bool]:
    """`number` in ASCII, full-width or foreign digits, and whether it can be read."""
    script = draw(st.sampled_from(["ascii", "ascii", "full_width", "full_width", "foreign"]))
    if script == "full_width":
        return number.translate(_FULL_WIDTH), True
    if script == "foreign":
        return number.translate(draw(st.sampled_from(_FOREIGN_DIGITS))), False
    return number, True


@st.composite
def amount_texts(draw: st.DrawFn) -> tuple[str, int | None]:
    """An amount as an operator might type it, and the whole yen it means (None: must be refused).

    The value comes from the parts the text is built of (exactly, with Fraction), not from parsing it.
    """
    whole = draw(st.one_of(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**13)))
    fraction = draw(st.sampled_from(_FRACTIONS + _FRACTIONS + _LONG_FRACTIONS))
    unit = draw(st.sampled_from(list(_UNITS)))
    prefix = draw(st.sampled_from(["", "", "", "¥", "￥", "\\", *_SIGNS]))
    number = str(whole) + ("." + fraction if fraction else "")
    grouped = _group(str(whole), draw(st.sampled_from(["", "", ",", " "]))) + ("." + fraction if fraction else "")
    text, readable = draw(_digits(grouped))
    if draw(st.booleans()):
        text = text.replace(",", "，")
    pad = draw(st.sampled_from(["", "", " ", "\u3000", "\t"]))
    text = pad + prefix + text + unit + draw(st.sampled_from(["", "", " ", "\u3000"]))
    value = Fraction(number) * _UNITS[unit]
    if not readable or prefix in _SIGNS or _too_long(number) or value.denominator != 1 or value > MAX_YEN:
        return text, None
    return text, int(value)


@st.composite
def valid_amount_texts(draw: st.DrawFn, max_value: int) -> tuple[str, int]:
    """A text for a whole-yen amount up to `max_value`, in any of the forms operators use."""
    value = draw(st.integers(min_value=0, max_value=max_value))
    units = [
        "",
        "円",
        *(("千円", "千") if value % 1_000 == 0 else ()),
        *(("万円", "万") if value % 10_000 == 0 else ()),
    ]
    unit = draw(st.sampled_from(units))
    text = _group(str(value // _UNITS[unit]), draw(st.sampled_from(["", ",", " "])))
    text += draw(st.sampled_from(["", "", ".0", ".00", "." + "0" * 25]))
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    prefix = draw(st.sampled_from(["", "", "¥", "￥", "\\"]))
    return draw(st.sampled_from(["", " ", "\u3000"])) + prefix + text + unit, value


@st.composite
def staff_texts(draw: st.DrawFn) -> tuple[str, Fraction | None]:
    """A head count (常勤換算) as typed, and its value (None: must be refused)."""
    whole = draw(st.one_of(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=200_000)))
    fractions = ("", "", "", "5", "25", "0", "75", "333333333")
    fraction = draw(st.sampled_from(fractions + fractions + _LONG_FRACTIONS))
    number = str(whole) + ("." + fraction if fraction else "")
    text, readable = draw(_digits(number))
    unit = draw(st.sampled_from(["", "", "", "人", "人", " 人", "円", "万", "千円"]))  # money units are not people
    text = draw(st.sampled_from(["", " ", "\u3000"])) + text + unit
    value = Fraction(number)
    if not readable or unit not in {"", "人", " 人"} or _too_long(number) or value <= 0 or value > MAX_STAFF:
        return text, None
    return text, value


def valid_amounts(max_value: int = 50_000_000) -> st.SearchStrategy[tuple[Any, int]]:
    """(raw, yen) pairs the parser must accept: ints, whole floats and operator strings."""
    as_int = st.integers(min_value=0, max_value=max_value).map(lambda n: (n, n))
    as_float = st.integers(min_value=0, max_value=max_value).map(lambda n: (float(n), n))
    return st.one_of(as_int, as_int, as_float, valid_amount_texts(max_value))  # type: ignore[arg-type]


# Head counts between two cap bands that a float would round into the next band (case-round-trip).
BETWEEN_BANDS_STAFF = ("20.99999999999999999", "10.999999999999999999", "30.9999999999999999")


def valid_staff() -> st.SearchStrategy[Any]:
    whole = st.integers(min_value=0, max_value=MAX_STAFF - 1)
    fraction = st.sampled_from(["", "5", "25", "75", "333333333", "0" * 28 + "1"])
    texts = st.tuples(whole, fraction).filter(lambda p: p[0] or p[1]).map(lambda p: f"{p[0]}.{p[1]}".rstrip("."))
    fixed = ("0.5", "10.5", "20.25", "30.5", "１２人", "21", " 31人 ", 10.5, 20.5, 1e-3, 0.1, *BETWEEN_BANDS_STAFF)
    return st.one_of(st.integers(min_value=1, max_value=80), st.sampled_from(fixed), texts)


# --- junk ------------------------------------------------------------------------------------------

# Keys the engine cannot repeat as they are in a field name: longer than 60 characters (cut, with
# "…") and lone surrogates (escaped as \\ud800). See names_a_field.
ODD_KEYS = ("k" * 61, "項目" * 31, "\ud800", "x\udc00y")


def scalars() -> st.SearchStrategy[Any]:
    weird = st.sampled_from(WEIRD_STRINGS + LONG_NUMBER_STRINGS + SURROGATE_STRINGS)
    huge = st.one_of(huge_ints(), st.just(10**40 + 1))
    return st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12), weird, weird, huge)


def junk() -> st.SearchStrategy[Any]:
    """Any JSON-like value: scalars, and lists and objects of them, a few levels deep."""
    return st.recursive(
        scalars(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=8,
    )


def keys() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(CASE_KEYS + ITEM_KEYS + tuple(FLAG_IDS)),
        st.text(max_size=10),
        st.just(""),
        st.just("items "),
        st.sampled_from(ODD_KEYS),
    )


# --- cases -----------------------------------------------------------------------------------------


@st.composite
def valid_items(draw: st.DrawFn, scheme: calculator.Scheme) -> dict[str, Any]:
    raw, amount = draw(valid_amounts())
    item: dict[str, Any] = {"category": draw(st.sampled_from(CATEGORY_IDS)), "amount_yen": raw}
    if draw(st.booleans()):
        item["name"] = draw(st.one_of(st.text(max_size=30), st.sampled_from(["介護記録ソフト", "タブレット", " "])))
    if draw(st.booleans()):
        item["consumption_tax_yen"] = draw(valid_amounts(5_000_000))[0]
    if draw(st.booleans()):
        item["payment"] = draw(st.sampled_from(PAYMENT_IDS))
    if draw(st.booleans()):
        item["recurring"] = draw(st.booleans())
    for flag in scheme.item_flags():
        if draw(st.booleans()):
            item[flag] = draw(st.booleans())
    if scheme.item_parts() and draw(st.booleans()):
        item["other_subsidy_yen"] = draw(st.integers(min_value=0, max_value=amount))
    return item


def _subset(draw: st.DrawFn, ids: list[str]) -> list[str]:
    return draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []


@st.composite
def valid_cases(draw: st.DrawFn) -> dict[str, Any]:
    """A case every check of the parser must accept."""
    scheme_id = draw(st.sampled_from(SCHEME_IDS))
    scheme = SCHEMES[scheme_id]
    case: dict[str, Any] = {"scheme": draw(st.sampled_from([scheme_id, scheme_id, f" {scheme_id} "]))}
    if scheme.cap.kind == "by_staff" or draw(st.booleans()):
        case["ict_staff_fte"] = draw(valid_staff())
    if draw(st.booleans()):
        case["ikkan_achieved"] = draw(st.booleans())
    if draw(st.booleans()):
        case["higher_rate_conditions"] = _subset(draw, [c.id for c in scheme.rate.conditions])
    if draw(st.booleans()):
        case["requirements_met"] = _subset(draw, [r.id for r in scheme.requirements])
    prior = 0
    if draw(st.booleans()):
        raw, prior = draw(valid_amounts(5_000_000))
        case["prior_subsidy_yen"] = raw
    if draw(st.booleans()):
        case["prior_subsidy_count"] = 0 if prior == 0 else draw(st.integers(min_value=1, max_value=5))
    case["items"] = draw(st.lists(valid_items(scheme), max_size=5))
    if draw(st.booleans()):
        case["facility_name"] = draw(st.text(max_size=40))
    if draw(st.booleans()):
        case["note"] = draw(st.text(max_size=60))
    return case


def _break_one(draw: st.DrawFn, case: dict[str, Any]) -> None:
    how = draw(
        st.sampled_from(
            ["field", "field", "item_field", "item_field", "unknown_key", "drop", "scheme", "items_shape",
             "too_long", "duplicate", "other_subsidy", "many_items", "unknown_category", "surrogate"]
        )
    )  # fmt: skip
    items = case.get("items")
    if how == "field":
        case[draw(st.sampled_from(CASE_KEYS))] = draw(junk())
    elif how == "item_field" and isinstance(items, list) and items and isinstance(items[0], dict):
        row = items[draw(st.integers(min_value=0, max_value=len(items) - 1))]
        if isinstance(row, dict):
            row[draw(st.sampled_from(ITEM_KEYS + tuple(FLAG_IDS)))] = draw(junk())
    elif how == "unknown_key":
        case[draw(st.one_of(st.text(max_size=10), st.sampled_from(ODD_KEYS)).filter(lambda k: k not in CASE_KEYS))] = (
            draw(junk())
        )
    elif how == "drop":
        case.pop(draw(st.sampled_from(["items", "ict_staff_fte", "scheme"])), None)
    elif how == "scheme":
        case["scheme"] = draw(st.one_of(st.sampled_from(UNKNOWN_SCHEME_IDS), junk()))
    elif how == "items_shape":
        case["items"] = draw(st.one_of(junk(), st.lists(junk(), max_size=3)))
    elif how == "too_long":
        field = draw(st.sampled_from(["facility_name", "note", "name"]))
        text = draw(st.sampled_from(["あ", "a", "😀"])) * draw(st.sampled_from([200, 201, 2000, 2001, 10_000]))
        if field == "name" and isinstance(items, list) and items and isinstance(items[0], dict):
            items[0]["name"] = text
        else:
            case[field] = text
    elif how == "duplicate":
        key = draw(st.sampled_from(["higher_rate_conditions", "requirements_met"]))
        ids = draw(st.sampled_from([CONDITION_IDS, REQUIREMENT_IDS]))
        one = draw(st.sampled_from(ids))
        case[key] = [one, one]
    elif how == "other_subsidy" and isinstance(items, list) and items and isinstance(items[0], dict):
        items[0]["other_subsidy_yen"] = draw(st.integers(min_value=0, max_value=10**9))
    elif how == "many_items" and isinstance(items, list) and items:
        case["items"] = items * draw(st.sampled_from([40, 201 // len(items) + 1]))
    elif how == "unknown_category" and isinstance(items, list) and items and isinstance(items[0], dict):
        items[0]["category"] = draw(st.one_of(st.text(max_size=12), st.sampled_from(["Care_Software", "ソフト"])))
    elif how == "surrogate":
        field = draw(st.sampled_from(["facility_name", "note", "name"]))
        text = draw(st.sampled_from(SURROGATE_STRINGS))
        if field == "name" and isinstance(items, list) and items and isinstance(items[0], dict):
            items[0]["name"] = text
        else:
            case[field] = text


@st.composite
def noisy_cases(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case with one to three things broken (which may happen to leave it valid)."""
    case = draw(valid_cases())
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        _break_one(draw, case)
    return case


@st.composite
def garbage_cases(draw: st.DrawFn) -> Any:
    """Random keys to random values, a real scheme id or not; sometimes not an object at all."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(junk())
    case = draw(st.dictionaries(keys(), junk(), max_size=8))
    if draw(st.booleans()):
        case["scheme"] = draw(st.sampled_from(SCHEME_IDS + UNKNOWN_SCHEME_IDS))
    if draw(st.booleans()):
        case["items"] = draw(st.lists(st.dictionaries(keys(), junk(), max_size=6), max_size=3))
    return case


def any_cases() -> st.SearchStrategy[Any]:
    return st.one_of(valid_cases(), noisy_cases(), noisy_cases(), garbage_cases())


BAD_AMOUNTS = ("-5", "1.5", "abc", "1e3", "NaN", "inf", "1兆円", "", "   ", "−1", True, False, -1, 0.5, float("nan"),
               [], {}, [1], "1" + "0" * 13, 10**13, "0x10", "二十万円", "1,000.5", "٣٤", "\ud800",
               *LONG_NUMBER_STRINGS)  # fmt: skip
BAD_STAFF = ("0", "-1", "たくさん", "200000", 0, -3, 0.0, True, [], {}, "1e3", "", "NaN", "0人", "1/2", "10円", "3万",
             "٣", "\ud800", "1." + "0" * 39 + "1")  # fmt: skip


@st.composite
def broken_cases(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid case with one field made certainly wrong, and the field the refusal must name."""
    case = draw(valid_cases())
    scheme = SCHEMES[case["scheme"].strip()]
    if not case["items"]:
        case["items"] = [draw(valid_items(scheme))]
    n = draw(st.integers(min_value=0, max_value=len(case["items"]) - 1))
    row = case["items"][n]
    bad_amount = st.one_of(
        st.sampled_from(BAD_AMOUNTS), huge_ints(), amount_texts().filter(lambda p: p[1] is None).map(lambda p: p[0])
    )
    how = draw(
        st.sampled_from(["amount", "tax", "prior", "staff", "category", "payment", "unknown_key", "item_key",
                         "scheme", "items", "condition", "name", "surrogate", "flag", "row"])
    )  # fmt: skip
    if how == "amount":
        row["amount_yen"] = draw(bad_amount)
        return case, f"items[{n}].amount_yen"
    if how == "tax":
        row["consumption_tax_yen"] = draw(bad_amount)
        return case, f"items[{n}].consumption_tax_yen"
    if how == "prior":
        case["prior_subsidy_yen"] = draw(bad_amount)
        return case, "prior_subsidy_yen"
    if how == "staff":
        case["ict_staff_fte"] = draw(
            st.one_of(
                st.sampled_from(BAD_STAFF),
                huge_ints(),
                staff_texts().filter(lambda p: p[1] is None).map(lambda p: p[0]),
            )
        )
        return case, "ict_staff_fte"
    if how == "category":
        row["category"] = draw(
            st.one_of(
                st.text(max_size=12),
                st.sampled_from(["Care_Software", "ソフト", "", 1, "\ud800"]),
                huge_ints(),
            ).filter(lambda c: not isinstance(c, str) or (c not in CATEGORY_IDS and scheme.category(c) is None))
        )
        return case, f"items[{n}].category"
    if how == "payment":
        row["payment"] = draw(
            st.one_of(
                st.text(max_size=8), st.sampled_from(["Lease", "リース", 1, True, [], "\udc00"]), huge_ints()
            ).filter(lambda p: p not in PAYMENT_IDS)
        )
        return case, f"items[{n}].payment"
    if how in {"unknown_key", "item_key"}:
        allowed = CASE_KEYS if how == "unknown_key" else (*ITEM_KEYS, *scheme.item_flags())
        key = draw(
            st.one_of(st.text(max_size=10), st.sampled_from(["Items", "amount", "staff", " scheme", *ODD_KEYS])).filter(
                lambda k: k not in allowed
            )
        )
        if how == "unknown_key":
            case[key] = draw(junk())
            return case, spelt(key)
        row[key] = draw(junk())
        return case, f"items[{n}].{spelt(key)}"
    if how == "scheme":
        case["scheme"] = draw(
            st.one_of(st.sampled_from(UNKNOWN_SCHEME_IDS), st.sampled_from([1, True, [], {}, "\ud800"]), huge_ints())
        )
        return case, "scheme"
    if how == "items":
        case["items"] = draw(st.one_of(st.none(), st.sampled_from(["[]", 0, {}, "items", True]), st.just([row] * 201)))
        return case, "items"
    if how == "condition":
        others = [c for c in CONDITION_IDS if c not in {c.id for c in scheme.rate.conditions}]
        case["higher_rate_conditions"] = [
            draw(
                st.one_of(st.text(max_size=12), st.sampled_from([*others, 1, None])).filter(
                    lambda c: c not in {c.id for c in scheme.rate.conditions}
                )
            )
        ]
        return case, "higher_rate_conditions[0]"
    if how == "name":
        row["name"] = draw(st.sampled_from(["あ", "a", "😀", " "])) * 201 + "x"
        return case, f"items[{n}].name"
    if how == "surrogate":
        field = draw(st.sampled_from(["name", "facility_name", "note"]))
        text = draw(st.sampled_from(SURROGATE_STRINGS))
        if field == "name":
            row["name"] = text
            return case, f"items[{n}].name"
        case[field] = text
        return case, field
    if how == "flag":
        flag = draw(st.sampled_from(scheme.item_flags()))
        row[flag] = draw(st.one_of(st.sampled_from(["true", 1, 0, "はい", None, [], "\ud800"]), huge_ints()))
        return case, f"items[{n}].{flag}"
    case["items"][n] = draw(st.sampled_from([None, 1, "経費", [], [row]]))
    return case, f"items[{n}]"


# --- case files ------------------------------------------------------------------------------------


def decimal_text(n: int) -> str:
    """str(n) for any int, also one of more than 4300 digits (which str() refuses): 1000 digits at a time."""
    if abs(n) < 10**1000:
        return str(n)
    chunks = []
    rest = abs(n)
    while rest:
        rest, chunk = divmod(rest, 10**1000)
        chunks.append(chunk)
    digits = str(chunks[-1]) + "".join(str(c).rjust(1000, "0") for c in reversed(chunks[:-1]))
    return ("-" if n < 0 else "") + digits


def to_json(value: Any, ensure_ascii: bool = True, indent: int | None = None) -> str:
    """json.dumps, with integers of more than 4300 digits (which it refuses) written out in full."""
    huge: list[int] = []

    def mark(v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**1000:
            huge.append(v)
            return f"\x00huge-int-{len(huge) - 1}\x00"
        if isinstance(v, list):
            return [mark(x) for x in v]
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        return v

    text = json.dumps(mark(value), ensure_ascii=ensure_ascii, indent=indent)
    for n, number in enumerate(huge):
        text = text.replace(f'"\\u0000huge-int-{n}\\u0000"', decimal_text(number), 1)
    return text


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    escaped = "".join(
        f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else "\\\\" if c == "\\" else '\\"' if c == '"' else c
        for c in text
    )
    return f'"{escaped}"'


def _toml_value(value: Any) -> str | None:
    """An inline TOML value (None for a JSON null, which TOML cannot say)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return decimal_text(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        parts = [_toml_value(v) for v in value]
        return "[" + ", ".join(p for p in parts if p is not None) + "]"
    if isinstance(value, dict):
        pairs = [(k, _toml_value(v)) for k, v in value.items()]
        return "{" + ", ".join(f"{_toml_key(k)} = {v}" for k, v in pairs if v is not None) + "}"
    raise TypeError(type(value))


def to_toml(case: dict[str, Any]) -> str:
    """A case as a TOML case file, the way examples/*.toml write one: items as [[items]] tables."""
    lines = []
    items = case.get("items")
    for key, value in case.items():
        if key == "items" and isinstance(items, list) and all(isinstance(i, dict) for i in items):
            continue
        text = _toml_value(value)
        if text is not None:
            lines.append(f"{_toml_key(key)} = {text}")
    if isinstance(items, list) and all(isinstance(i, dict) for i in items):
        if not items:
            lines.append("items = []")
        for item in items:
            lines.append("\n[[items]]")
            lines.extend(f"{_toml_key(k)} = {t}" for k, v in item.items() if (t := _toml_value(v)) is not None)
    return "\n".join(lines) + "\n"


@st.composite
def case_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file suffix, file bytes): a case written as JSON or TOML, often mangled on the way."""
    case = draw(any_cases())
    suffix = draw(st.sampled_from([".json", ".json", ".toml", ".toml", ".TOML", ".txt"]))
    if suffix.lower() == ".toml" and isinstance(case, dict):
        text = to_toml(case)
    else:
        text = to_json(case, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2])))
    how = draw(
        st.sampled_from(["as_is", "as_is", "as_is", "truncate", "insert", "delete", "bom", "not_object", "bytes",
                         "utf16", "comment", "trailing_comma", "duplicate_key"])
    )  # fmt: skip
    if how == "truncate":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif how == "insert":
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.sampled_from([*'{}[]",:=#\\\n\x00', "\ufeff", "万", "NaN", "'"])) + text[at:]
    elif how == "delete" and text:
        at = draw(st.integers(min_value=0, max_value=len(text) - 1))
        text = text[:at] + text[at + 1 :]
    elif how == "bom":
        text = "\ufeff" + text
    elif how == "not_object":
        text = draw(st.sampled_from(["", "[]", "1", '"x"', "null", "true", "[{}]", "a = 1\n[a]\n", "= 1"]))
    elif how == "bytes":
        return suffix, draw(st.binary(max_size=64))
    elif how == "utf16":
        return suffix, text.encode("utf-16", errors="surrogatepass")
    elif how == "comment":
        text = ("# コメント\n" if suffix.lower() == ".toml" else "// comment\n") + text
    elif how == "trailing_comma":
        text = text.rstrip().removesuffix("}") + ",}"
    elif how == "duplicate_key":
        text = ('scheme = "ibaraki-2023"\n' if suffix.lower() == ".toml" else '{"scheme": 1, ') + text.lstrip("{")
    # What json.dumps and to_toml cannot write: a huge integer literal, deep nesting, a surrogate escape.
    extra = draw(st.sampled_from(["none"] * 16 + ["deep", "huge_int", "surrogate", "huge_float"]))
    toml = suffix.lower() == ".toml"
    if extra == "deep":
        depth = draw(st.sampled_from([2_000, 100_000]))
        text = ("a = " if toml else "") + "[" * depth + "]" * depth
    elif extra in {"huge_int", "huge_float"}:
        big = "1" * draw(st.sampled_from([4301, 6000])) + ("e5" if extra == "huge_float" else "")
        key = draw(st.sampled_from(["prior_subsidy_yen", "ict_staff_fte", "ikkan_achieved", "note"]))
        if toml:
            text = f'scheme = "yamaguchi-2022"\n{key} = {big}\nitems = []\n'
        else:
            text = f'{{"scheme": "yamaguchi-2022", "{key}": {big}, "items": []}}'
    elif extra == "surrogate":
        where = draw(st.sampled_from(["name", "facility_name", "note", "category", "key"]))
        item: dict[str, Any] = {"category": "devices", "amount_yen": 1}
        case = {"scheme": "yamaguchi-2022", "items": [item]}
        if where in {"name", "category"}:
            item[where] = draw(st.sampled_from(SURROGATE_STRINGS))
        elif where == "key":
            item[draw(st.sampled_from(SURROGATE_STRINGS))] = 1
        else:
            case[where] = draw(st.sampled_from(SURROGATE_STRINGS))
        text = json.dumps(case)  # as \\ud800 escapes: valid JSON, read as a lone surrogate
        suffix = ".json"
    return suffix, text.encode("utf-8", errors="surrogatepass")


# --- checks ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    """What happened to one case: computed (subsidy) or refused (the fields named)."""

    accepted: bool
    subsidy_yen: int | None = None
    fields: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


def short_repr(value: Any, limit: int = 300) -> str:
    """repr() for a report: huge ints (which repr() refuses) as 10**n, the whole cut at `limit`."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 14_000:
        text = f"<int of about {int(abs(value).bit_length() * 0.30103)} digits>"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{short_repr(k)}: {short_repr(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(short_repr(v) for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def normalise_field(field: str) -> str:
    """items[12].amount_yen -> items[n].amount_yen; an unknown key -> <unknown key>."""
    shape = re.sub(r"\[\d+\]", "[n]", field)
    if (
        shape == ""
        or shape in CASE_KEYS
        or re.fullmatch(r"(items|higher_rate_conditions|requirements_met)\[n\]", shape)
    ):
        return shape
    item = re.fullmatch(r"items\[n\]\.(.*)", shape)
    if item and (item[1] in ITEM_KEYS or item[1] in FLAG_IDS):
        return shape
    return "items[n].<unknown key>" if item else "<unknown key>"


def spelt(key: str) -> str:
    """A key as a field name spells it: printable (a lone surrogate escaped), cut at 60 characters."""
    return shown(key, 60)


def _has_key(table: dict[Any, Any], name: str) -> bool:
    return name in table or any(isinstance(k, str) and spelt(k) == name for k in table)


def names_a_field(field: str, data: Any, file_level: bool = False) -> bool:
    """Whether `field` points at something in `data`, spelt the way the case file spells it."""
    if not isinstance(data, dict):
        return field == ""
    if _has_key(data, field) or field in CASE_KEYS:  # a key of the case (a known one may be missing)
        return True
    if field == "":
        return file_level
    listed = re.fullmatch(
        r"(higher_rate_conditions|requirements_met|prior_subsidies)\[(\d+)\](?:\.(.*))?", field, flags=re.DOTALL
    )
    if listed:
        value = data.get(listed[1])
        if not isinstance(value, list) or int(listed[2]) >= len(value):
            return False
        entry = value[int(listed[2])]  # a key of one earlier grant: a known one, or one the entry has
        return (
            listed[3] is None
            or listed[3] in ("fiscal_year", "amount_yen", "menu")
            or (isinstance(entry, dict) and listed[3] in entry)
        )
    item = re.fullmatch(r"items\[(\d+)\](?:\.(.*))?", field, flags=re.DOTALL)
    if not item:
        return False
    items = data.get("items")
    if not isinstance(items, list) or int(item[1]) >= len(items):
        return False
    if item[2] is None:
        return True
    row = items[int(item[1])]
    return isinstance(row, dict) and (_has_key(row, item[2]) or item[2] in ITEM_KEYS or item[2] in FLAG_IDS)


def check_refusal(error: calculator.InputError, data: Any, file_level: bool = False) -> Outcome:
    """Every error names a field of `data` (or the file, field "") and says what is wrong in Japanese."""
    assert error.errors, "an InputError with no field error"
    for field_error in error.errors:
        assert isinstance(field_error.field, str)
        assert names_a_field(field_error.field, data, file_level), (field_error, data)
        assert isinstance(field_error.message, str) and field_error.message.strip(), field_error
        assert JAPANESE.search(field_error.message), f"not a Japanese message: {field_error}"
        assert field_error.to_dict() == {"field": field_error.field, "message": field_error.message}
    json.dumps(error.to_dict(), ensure_ascii=False)  # what the worker posts
    return Outcome(False, fields=tuple(e.field for e in error.errors), messages=tuple(e.message for e in error.errors))


def _raw_yen(table: dict[str, Any], key: str) -> int:
    return 0 if table.get(key) is None else parse_yen(table[key])


def check_result(data: dict[str, Any], result: calculator.Result) -> Outcome:
    """The invariants of a computed case (the raw mapping `data` and its `result`)."""
    scheme = SCHEMES[result.scheme_id]
    assert result.scheme_id == str(data["scheme"]).strip()
    case = calculator.load_case(data)
    yen = [result.subsidy_yen, result.eligible_expense_yen, result.cap_yen, result.remaining_cap_yen,
           result.rate_amount_yen, result.cap_binds_from_yen, result.total_cost_yen, result.self_pay_yen]  # fmt: skip
    yen += [n for d in result.items for n in (d.amount_yen, d.consumption_tax_yen, d.eligible_yen)]
    yen += [s.amount_yen for s in result.steps if s.amount_yen is not None]
    assert all(type(n) is int for n in yen), yen
    rate = Fraction(result.rate)
    assert 0 < rate <= 1
    assert result.remaining_cap_yen == max(0, result.cap_yen - case.prior_subsidy_yen)
    assert 0 <= result.subsidy_yen <= result.remaining_cap_yen <= result.cap_yen
    assert result.subsidy_yen == min(result.rate_amount_yen, result.remaining_cap_yen)
    assert result.rate_amount_yen <= rate * result.eligible_expense_yen
    assert rate * result.eligible_expense_yen - result.rate_amount_yen < scheme.rounding.unit_yen
    assert result.rate_amount_yen % scheme.rounding.unit_yen == 0
    assert result.subsidy_yen <= result.eligible_expense_yen
    if case.prior_subsidy_yen % scheme.rounding.unit_yen == 0:
        assert result.subsidy_yen % scheme.rounding.unit_yen == 0
    # The total from the raw case, parsed field by field, not from the engine's Case.
    total = sum(_raw_yen(i, "amount_yen") + _raw_yen(i, "consumption_tax_yen") for i in data["items"])
    assert result.total_cost_yen == total == sum(i.total_yen for i in case.items)
    assert result.subsidy_yen <= result.total_cost_yen
    others = sum(min(i.other_subsidy_yen, i.amount_yen) for i in case.items)
    assert result.other_subsidy_yen == others
    assert result.self_pay_yen == result.total_cost_yen - result.subsidy_yen - others >= 0
    assert 0 <= result.eligible_expense_yen <= sum(d.eligible_yen for d in result.items)
    assert len(result.items) == len(data["items"])
    for n, decision in enumerate(result.items):
        assert decision.index == n
        assert 0 <= decision.eligible_yen <= decision.amount_yen + decision.consumption_tax_yen
        assert decision.status in {"counted", "partly_counted", "excluded"}
        assert decision.status != "excluded" or decision.eligible_yen == 0
        assert decision.reasons
    assert result.cap_binds == (result.rate_amount_yen >= result.remaining_cap_yen)
    assert math.floor(result.cap_binds_from_yen * rate / scheme.rounding.unit_yen) * scheme.rounding.unit_yen >= (
        result.remaining_cap_yen
    )
    assert result.steps[-1].id == "subsidy" and result.steps[-1].amount_yen == result.subsidy_yen
    assert all(s.citation.anchor in scheme.clauses for s in result.steps)
    assert all(c.id in scheme.caveats for c in result.caveats)
    assert set(result.higher_rate_conditions) <= {c.id for c in scheme.rate.conditions}
    as_dict = result.to_dict()
    text = json.dumps(as_dict, allow_nan=False)  # the worker posts this; the CLI prints it
    assert json.loads(text) == as_dict
    assert as_dict["subsidy_yen"] == result.subsidy_yen
    # Deterministic, and the same from the raw mapping, the parsed Case and the Case written back.
    assert calculator.simulate(data).to_dict() == as_dict
    assert calculator.simulate(case).to_dict() == as_dict
    written = json.loads(json.dumps(case.to_dict(), ensure_ascii=False))
    assert calculator.load_case(written) == case, f"round trip: Case.to_dict() reads back differently: {written}"
    assert calculator.simulate(written).to_dict() == as_dict, "round trip: Case.to_dict() computes differently"
    return Outcome(True, subsidy_yen=result.subsidy_yen)


def check_case(data: Any) -> Outcome:
    """simulate(data): computed within the invariants, or refused by field; nothing else escapes."""
    try:
        result = calculator.simulate(data)
    except calculator.InputError as error:
        return check_refusal(error, data)
    assert isinstance(data, dict)
    return check_result(data, result)


def _run_cli(args: list[str]) -> tuple[int, str, str]:
    """The CLI in this process, its stdout and stderr strict UTF-8 like a terminal's or a pipe's."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", newline="\n")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="strict", newline="\n")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(args)
        out.flush()
        err.flush()
    return code, out_bytes.getvalue().decode("utf-8"), err_bytes.getvalue().decode("utf-8")


def check_case_file(path: Path, payload: bytes, as_json: bool = True) -> Outcome:
    """A case file through the CLI's loader and through `simulate` on the CLI itself.

    The loader either reads a mapping or refuses with one file-level error (field ""); a mapping is
    then checked like any case. The CLI agrees: exit 0 with the result, or exit 2 with the errors.
    """
    path.write_bytes(payload)
    try:
        data = read_case_file(path)
    except calculator.InputError as error:
        assert len(error.errors) == 1 and error.errors[0].field == "", error
        outcome = check_refusal(error, None, file_level=True)
    else:
        outcome = check_case(data)  # simulate() checks the scheme id as the CLI's scheme_id_of does
    args = ["simulate", str(path)] + (["--json"] if as_json else [])
    code, out, err = _run_cli(args)
    if outcome.accepted:
        assert code == 0, (code, err)
        assert err == ""
        if as_json:
            assert json.loads(out)["subsidy_yen"] == outcome.subsidy_yen
        else:
            assert f"補助額        {outcome.subsidy_yen:,}円" in out
    else:
        assert code == 2, (code, out, err)
        assert out == ""
        assert err.startswith("入力に誤りがあります:\n  ")
        assert "Traceback" not in err
        for message in outcome.messages:
            assert message in err
    return outcome


def _check_parsed(parse: Callable[[str], Any], text: str, expected: Any, unit: str) -> bool:
    """parse(text) is `expected`, or refuses in Japanese when `expected` is None. True if accepted."""
    try:
        got = parse(text)
    except ValueError as error:
        assert expected is None, f"{text!r} refused ({error}); it means {expected}{unit}"
        assert JAPANESE.search(str(error)), error
        return False
    assert got == expected, f"{text!r} read as {got}{unit}; it means {expected}"
    return True


def check_amount_text(text: str, expected: int | None) -> bool:
    return _check_parsed(parse_yen, text, expected, " yen")


def check_staff_text(text: str, expected: Fraction | None) -> bool:
    return _check_parsed(parse_staff, text, expected, "")


# --- what the simulator form sends ----------------------------------------------------------------


def js_trim(text: str) -> str:
    """String.prototype.trim, which the simulator applies to every field before it sends the case."""
    return text.strip(JS_WHITESPACE)
