"""Reading money and head counts the way operators write them.

Accepted: integers, and strings with full-width digits, commas, a leading ¥ and the units
「円」「千円」「万円」 (「１２０万円」 is 1,200,000). Money is whole yen; anything that would need a
fraction of a yen, a negative sign or a word is refused with a message naming what was given.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import Final

from calculator._errors import shown

MAX_YEN: Final = 10**12  # 1兆円: far above any quote, low enough to keep arithmetic honest
MAX_STAFF: Final = 100_000
MAX_DIGITS: Final = 40  # characters of the number (digits and point): more than any needs; refused, never rounded

# ASCII digits only (NFKC has already made full-width digits ASCII): "٣٤" is not read as 34.
_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_UNITS: Final = (("万円", 10_000), ("千円", 1_000), ("万", 10_000), ("千", 1_000), ("円", 1))


def _compatibility_form(ch: str) -> bool:
    """A character NFKC would turn into something else that is not a full-width form or space.

    Full-width digits and signs are how operators type (１２０万円); but NFKC would also read a
    circled "①" or a superscript "²" as a digit, and "①120万円" as 1120万円."""
    return unicodedata.normalize("NFKC", ch) != ch and not ("\uff01" <= ch <= "\uffee" or ch == "\u3000")


def _number(value: object, *, what: str, units: bool) -> Fraction:
    """The exact number in `value`, or ValueError with a Japanese message.

    Exact (a Fraction, never a Decimal in a 28-digit context): "1.00000000000000000000000000001"
    must be seen to have a fraction of a yen, not be rounded to 1 first."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{what}を数値で入力してください（「{shown(value)}」は数値ではありません）")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{what}を数値で入力してください（「{shown(value)}」は数値ではありません）")
        # The float's shortest decimal, without an exponent, read by the same rules as text: 9e-285
        # has too many digits, as "0.000…9" typed would (and a case file could not write it back).
        plain = format(Decimal(repr(value)), "f")
        if plain.startswith("-"):
            raise ValueError(f"{what}はマイナスにできません（「{shown(value)}」）")
        if len(plain) > MAX_DIGITS:
            raise ValueError(f"{what}の桁が多すぎます（「{shown(value)}」）")
        return Fraction(plain)
    if not isinstance(value, str):
        raise ValueError(f"{what}を数値で入力してください（「{shown(value)}」は数値ではありません）")
    if any(_compatibility_form(ch) for ch in value):
        raise ValueError(f"{what}を数値で入力してください（「{shown(value)}」は読み取れません）")
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
    if not text:
        raise ValueError(f"{what}を入力してください")
    if text.startswith(("-", "−", "▲", "△")):
        raise ValueError(f"{what}はマイナスにできません（「{shown(value)}」）")
    multiplier = 1
    if units:
        text = text.removeprefix("¥").removeprefix("\\")
        for suffix, factor in _UNITS:
            if text.endswith(suffix):
                text, multiplier = text[: -len(suffix)], factor
                break
    else:
        text = text.removesuffix("人")
    if not _NUMBER.fullmatch(text):
        raise ValueError(f"{what}を数値で入力してください（「{shown(value)}」は読み取れません）")
    if len(text) > MAX_DIGITS:
        raise ValueError(f"{what}の桁が多すぎます（「{shown(value)}」）")
    return Fraction(text) * multiplier


def parse_yen(value: object) -> int:
    """Whole yen from an int or an operator's string; ValueError (Japanese) otherwise."""
    amount = _number(value, what="金額", units=True)
    if amount < 0:
        raise ValueError(f"金額はマイナスにできません（「{shown(value)}」）")
    if amount.denominator != 1:
        raise ValueError(f"金額は1円単位で入力してください（「{shown(value)}」には1円未満の端数があります）")
    if amount > MAX_YEN:
        raise ValueError(f"金額が大きすぎます（「{shown(value)}」。1兆円以下で入力してください）")
    return int(amount)


def parse_staff(value: object) -> Fraction:
    """A head count (常勤換算, so fractions such as 10.5 are allowed), greater than zero."""
    count = _number(value, what="人数", units=False)
    if count <= 0:
        raise ValueError(f"人数は0より大きい数で入力してください（「{shown(value)}」）")
    if count > MAX_STAFF:
        raise ValueError(f"人数が大きすぎます（「{shown(value)}」）")
    return count


def format_yen(amount: int) -> str:
    """1234567 -> '1,234,567円'."""
    return f"{amount:,}円"


def format_staff(count: Fraction) -> str:
    """Fraction(21, 2) -> '10.5人'; whole numbers without a decimal point."""
    if count.denominator == 1:
        return f"{count.numerator}人"
    return f"{float(count):g}人"
