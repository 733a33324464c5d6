"""Reading money and head counts the way operators write them.

Accepted: integers, and strings with full-width digits, commas, a leading ¥ and the units
「円」「千円」「万円」 (「１２０万円」 is 1,200,000). Money is whole yen; anything that would need a
fraction of a yen, a negative sign or a word is refused with a message naming what was given.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final

MAX_YEN: Final = 10**12  # 1兆円: far above any quote, low enough to keep arithmetic honest
MAX_STAFF: Final = 100_000

_NUMBER: Final = re.compile(r"\d+(?:\.\d+)?")
_UNITS: Final = (("万円", 10_000), ("千円", 1_000), ("万", 10_000), ("千", 1_000), ("円", 1))


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def _decimal(value: object, *, what: str) -> Decimal:
    """The number in `value`, or ValueError with a Japanese message."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what}を数値で入力してください（「{_shown(value)}」は数値ではありません）")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{what}を数値で入力してください（「{_shown(value)}」は数値ではありません）")
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise ValueError(f"{what}を数値で入力してください（「{_shown(value)}」は数値ではありません）")
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
    if not text:
        raise ValueError(f"{what}を入力してください")
    if text.startswith(("-", "−", "▲", "△")):
        raise ValueError(f"{what}はマイナスにできません（「{_shown(value)}」）")
    text = text.removeprefix("¥").removeprefix("\\")
    multiplier = 1
    for suffix, factor in _UNITS:
        if text.endswith(suffix):
            text, multiplier = text[: -len(suffix)], factor
            break
    if what == "人数":
        text = text.removesuffix("人")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{what}を数値で入力してください（「{_shown(value)}」は読み取れません）")
    try:
        return Decimal(text) * multiplier
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        raise ValueError(f"{what}を数値で入力してください（「{_shown(value)}」は読み取れません）") from None


def parse_yen(value: object) -> int:
    """Whole yen from an int or an operator's string; ValueError (Japanese) otherwise."""
    amount = _decimal(value, what="金額")
    if amount < 0:
        raise ValueError(f"金額はマイナスにできません（「{_shown(value)}」）")
    if amount != amount.to_integral_value():
        raise ValueError(f"金額は1円単位で入力してください（「{_shown(value)}」には1円未満の端数があります）")
    if amount > MAX_YEN:
        raise ValueError(f"金額が大きすぎます（「{_shown(value)}」。1兆円以下で入力してください）")
    return int(amount)


def parse_staff(value: object) -> Fraction:
    """A head count (常勤換算, so fractions such as 10.5 are allowed), greater than zero."""
    count = _decimal(value, what="人数")
    if count <= 0:
        raise ValueError(f"人数は0より大きい数で入力してください（「{_shown(value)}」）")
    if count > MAX_STAFF:
        raise ValueError(f"人数が大きすぎます（「{_shown(value)}」）")
    return Fraction(count)


def format_yen(amount: int) -> str:
    """1234567 -> '1,234,567円'."""
    return f"{amount:,}円"


def format_staff(count: Fraction) -> str:
    """Fraction(21, 2) -> '10.5人'; whole numbers without a decimal point."""
    if count.denominator == 1:
        return f"{count.numerator}人"
    return f"{float(count):g}人"
