"""The check that reads the numbers: every figure of a scheme file must appear in the quote it cites.

A quote is checked against the source text by `check_quotes`; this checks the other half, that the
figure beside it says what the quote says. A copy whose cap was changed to 500,000 while its quote
still reads 「上限額40万円」 is refused, naming the key. The documents write numbers in many ways, all
read here: 40万円, 400,000円, 1,000万円, 100万 (no 円), ２分の１, 4分の3, 1/2, 11～20人, 令和６年３月31日,
full-width or half-width.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator
from fractions import Fraction
from typing import Final

from calculator._scheme import Citation, Scheme

# 1,000万 / 400,000 / 40万 / 100 ; the unit, where there is one, multiplies.
_NUMBER: Final = re.compile(r"(\d[\d,]*)(億|万|千)?")
_UNITS: Final = {"億": 100_000_000, "万": 10_000, "千": 1_000, None: 1}
_RATE: Final = re.compile(r"(\d+)分の(\d+)|(\d+)/(\d+)")
_ROUNDING: Final = re.compile(r"(\d*)(万|千|百|)円未満")
_ERA_DATE: Final = re.compile(r"(令和|平成)(\d+|元)年(\d+)月(\d+)日")
_WESTERN_DATE: Final = re.compile(r"(\d{4})年(\d+)月(\d+)日|(\d{4})-(\d{2})-(\d{2})")
_ERA_START: Final = {"令和": 2018, "平成": 1988}
# A date may be cited by the words that mean the fiscal year's end rather than by the date.
_FISCAL_YEAR_WORDS: Final = ("当該年度", "年度中", "年度末")


def _plain(quote: str) -> str:
    """Full-width digits and letters as ASCII, and no spaces (the PDF extraction spaced letters).

    Circled numbers (①) are labels, not figures: they go before NFKC would make them digits."""
    labels = "".join(ch for ch in quote if not 0x2460 <= ord(ch) <= 0x24FF)
    return "".join(unicodedata.normalize("NFKC", labels).split())


def numbers_in(quote: str) -> set[int]:
    """Every whole number the quote writes, with 万/千/億 applied: 「1～10人 100万」 -> {1, 10, 1000000}."""
    found: set[int] = set()
    for digits, unit in _NUMBER.findall(_plain(quote)):
        number = int(digits.replace(",", "")) if digits.replace(",", "") else 0
        found.add(number * _UNITS[unit or None])
    for match in _ROUNDING.finditer(_plain(quote)):  # 千円未満 -> 1,000
        found.add((int(match[1]) if match[1] else 1) * {"万": 10_000, "千": 1_000, "百": 100, "": 1}[match[2]])
    return found


def rates_in(quote: str) -> set[Fraction]:
    """Every rate the quote writes: 「２分の１」 and 「1/2」 -> {1/2}."""
    rates: set[Fraction] = set()
    for match in _RATE.finditer(_plain(quote)):
        if match[1]:
            denominator, numerator = int(match[1]), int(match[2])
        else:
            numerator, denominator = int(match[3]), int(match[4])
        if denominator:
            rates.add(Fraction(numerator, denominator))
    return rates


def dates_in(quote: str) -> set[datetime.date]:
    """Every date the quote writes: 「令和６年３月31日」 -> {2024-03-31}."""
    dates: set[datetime.date] = set()
    text = _plain(quote)
    for era, year, month, day in _ERA_DATE.findall(text):
        western = _ERA_START[era] + (1 if year == "元" else int(year))
        dates.update(_date(western, int(month), int(day)))
    for match in _WESTERN_DATE.finditer(text):
        parts = [int(p) for p in match.groups() if p]
        dates.update(_date(*parts))
    return dates


def _date(year: int, month: int, day: int) -> set[datetime.date]:
    try:
        return {datetime.date(year, month, day)}
    except ValueError:
        return set()


def check_figures(scheme: Scheme) -> list[str]:
    """Problems with figures whose cited quote does not hold them, each naming the key."""
    problems: list[str] = []
    for key, figure, citation in _figures(scheme):
        if citation is None:
            continue  # a rule resting on a caveat: the document is silent, there is nothing to read
        if not _holds(figure, citation.quote, scheme):
            problems.append(f"{key}: {_shown(figure)} が引用「{citation.quote}」にありません（数字を確認してください）")
    return problems


def _holds(figure: int | Fraction | datetime.date, quote: str, scheme: Scheme) -> bool:
    if isinstance(figure, datetime.date):
        if figure in dates_in(quote):
            return True
        return figure == scheme.period_end and any(w in quote for w in _FISCAL_YEAR_WORDS)
    if isinstance(figure, Fraction):
        return figure in rates_in(quote)
    return figure in numbers_in(quote)


def _shown(figure: int | Fraction | datetime.date) -> str:
    if isinstance(figure, Fraction):
        return f"「{figure.numerator}/{figure.denominator}」"
    if isinstance(figure, datetime.date):
        return f"「{figure.isoformat()}」"
    return f"「{figure:,}」"


def _figures(scheme: Scheme) -> Iterator[tuple[str, int | Fraction | datetime.date, Citation | None]]:
    """(key path, figure, the citation it must agree with) for every figure of the scheme."""
    yield "rate.base", scheme.rate.base, scheme.rate.citation
    if scheme.rate.higher is not None:
        yield "rate.higher", scheme.rate.higher, scheme.rate.higher_citation
    caps = [("cap", scheme.cap)] if scheme.cap else []
    caps += [(f"menus[{n}].cap", menu.cap) for n, menu in enumerate(scheme.menus)]
    for where, cap in caps:
        if cap.amount_yen is not None:
            yield f"{where}.amount_yen", cap.amount_yen, cap.citation
        for n, band in enumerate(cap.bands):
            yield f"{where}.bands[{n}].amount_yen", band.amount_yen, band.citation
            yield f"{where}.bands[{n}].min_staff", band.min_staff, band.citation
            if band.max_staff is not None:
                yield f"{where}.bands[{n}].max_staff", band.max_staff, band.citation
    for n, category in enumerate(scheme.categories):
        if category.unit_limit_yen is not None:
            yield f"categories[{n}].unit_limit_yen", category.unit_limit_yen, category.unit_limit_citation
        if category.unit_cap_yen is not None:
            yield f"categories[{n}].unit_cap_yen", category.unit_cap_yen, category.unit_cap_citation
    for n, kind in enumerate(scheme.application_types):
        yield f"application_types[{n}].rate", kind.rate, kind.citation
        yield f"application_types[{n}].cap_yen", kind.cap_yen, kind.citation
    if scheme.rounding.basis.caveat is None:
        yield "rounding.unit_yen", scheme.rounding.unit_yen, scheme.rounding.basis.citation
    for payment in scheme.payments.values():
        if payment.until is not None and payment.basis.caveat is None:
            yield f"payments.{payment.id}.until", payment.until, payment.basis.citation
    for n, category in enumerate(scheme.categories):
        if category.eligible_cap_yen is not None:
            yield f"categories[{n}].eligible_cap_yen", category.eligible_cap_yen, category.eligible_cap_citation
    for n, example in enumerate(scheme.repeat.examples):
        # The document's own example: its amounts are in the quote (the head count may not be).
        yield f"repeat.examples[{n}].prior_subsidy_yen", example.prior_subsidy_yen, example.citation
        yield f"repeat.examples[{n}].remaining_cap_yen", example.remaining_cap_yen, example.citation
    application = scheme.application
    if application is not None:
        yield "application.period_start", application.period_start, application.citation
        yield "application.period_end", application.period_end, application.citation
        if application.completion_deadline is not None:
            yield "application.completion_deadline", application.completion_deadline, application.completion_citation
