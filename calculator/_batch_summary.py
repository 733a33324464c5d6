"""Computing many facilities at once, and their summary: a table, a CSV for Excel, and JSON.

Nothing is half-done: every facility is checked first, and if any has a problem, none is computed
and the error lists every problem of every facility, named as the file names it
(calculator/_batch.py). Each facility is computed exactly as its own case file would be.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from calculator._amounts import format_yen
from calculator._batch import FacilityInput, with_category_ids
from calculator._case import Case, parse_case, scheme_id_of
from calculator._errors import FieldError, InputError
from calculator._registry import get_scheme
from calculator._result import Result
from calculator._rules import simulate_case
from calculator._scheme import Scheme
from calculator._status import date_words, status

ELIGIBLE_WORDS: Final = {True: "対象", False: "対象外"}
# Excel reads a cell that starts with one of these as a formula: a facility or item name taken from
# someone else's file must stay text (OWASP's advice: prefix a quote).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FacilityResult:
    """One facility's result, with the name the summary shows and the scheme it was computed under."""

    name: str
    result: Result
    scheme: Scheme

    def to_dict(self, today: datetime.date) -> dict[str, Any]:
        """The single case's result JSON, with the facility's name and the scheme's window on `today`."""
        window, words = status(self.scheme, today)
        return {
            "facility_name": self.name,
            **self.result.to_dict(),
            "window_status": window,
            "window_status_text": words,
        }


@dataclass(frozen=True)
class CheckedFacility:
    """A facility whose case passed the engine's checks, ready to compute."""

    name: str
    case: Case
    scheme: Scheme

    def compute(self) -> FacilityResult:
        return FacilityResult(self.name, simulate_case(self.case, self.scheme), self.scheme)


def simulate_all(facilities: Sequence[FacilityInput], scheme_file: Scheme | None = None) -> list[FacilityResult]:
    """Every facility's result, or InputError with every problem of every facility (none computed)."""
    return [facility.compute() for facility in check_all(facilities, scheme_file)]


def check_all(facilities: Sequence[FacilityInput], scheme_file: Scheme | None = None) -> list[CheckedFacility]:
    """Every facility checked, or InputError with every problem of every facility.

    `scheme_file` is used for the facilities that name its id; the others use the shipped schemes."""
    errors: list[tuple[int, FieldError]] = []
    checked: list[CheckedFacility] = []
    for n, facility in enumerate(facilities, start=1):
        found, problems = check_facility(n, facility, scheme_file)
        errors.extend(problems)
        if found is not None:
            checked.append(found)
    if errors:
        raise InputError(ordered(errors))
    return checked


def check_facility(
    n: int, facility: FacilityInput, scheme_file: Scheme | None = None
) -> tuple[CheckedFacility | None, list[tuple[int, FieldError]]]:
    """The `n`th facility (from 1) checked, and its problems each with its place in the file's order
    (the simulator's worker checks a large file a slice at a time, and orders them all at the end)."""
    problems = list(facility.problems)
    try:
        scheme_id = scheme_id_of(facility.raw)
        scheme = scheme_file if scheme_file is not None and scheme_file.id == scheme_id else get_scheme(scheme_id)
        case = parse_case(with_category_ids(facility.raw, scheme) if facility.titles else facility.raw, scheme)
    except InputError as error:
        return None, problems + [facility.error(e) for e in error.errors]
    return CheckedFacility(case.facility_name or facility.name or f"事業所{n}", case, scheme), problems


def ordered(errors: Sequence[tuple[int, FieldError]]) -> list[FieldError]:
    """The problems of a file in the file's order (a CSV's rows, a case file's facilities)."""
    return [e for _, e in sorted(errors, key=lambda e: e[0])]


def amount_words(result: Result) -> str:
    """The subsidy, or its range where the documents allow two readings."""
    low, high = result.subsidy_range_yen
    return format_yen(low) if low == high else f"{format_yen(low)}〜{format_yen(high)}"


def window_words(scheme: Scheme, today: datetime.date) -> str:
    """The scheme's window on `today` in a table cell: the status sentence's first sentence."""
    return status(scheme, today)[1].split("。", 1)[0]


# The summary table's columns, as the CLI prints it (summary_text) and the simulator page shows it.
SUMMARY_HEADINGS: Final = ("事業所名", "制度", "補助額", "判定", "受付の状況", "注意")


def summary_cells(r: FacilityResult, today: datetime.date) -> tuple[str, ...]:
    """A facility's cells of the summary table (SUMMARY_HEADINGS' columns)."""
    return (
        " ".join(r.name.split()),  # a name with a line break (a quoted CSV cell) stays on its line
        r.scheme.id,
        amount_words(r.result),
        ELIGIBLE_WORDS[r.result.eligible],
        window_words(r.scheme, today),
        f"{len(r.result.caveats)}件",
    )


def summary_text(results: Sequence[FacilityResult], today: datetime.date) -> str:
    """The summary table the CLI prints: a line per facility, the total, and each scheme's window."""
    header = ("", *SUMMARY_HEADINGS)
    rows = [header] + [(f"{n}.", *summary_cells(r, today)) for n, r in enumerate(results, start=1)]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"{len(results)}事業所の試算（受付の状況は{date_words(today)}の時点）", ""]
    lines += ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    low = sum(r.result.subsidy_range_yen[0] for r in results)
    high = sum(r.result.subsidy_range_yen[1] for r in results)
    total = format_yen(low) if low == high else f"{format_yen(low)}〜{format_yen(high)}（読み方によって変わる額を含む）"
    outside = sum(not r.result.eligible for r in results)
    lines += ["", f"補助額の合計  {total}" + (f"（対象外 {outside}事業所）" if outside else "")]
    schemes = {r.scheme.id: r.scheme for r in results}
    lines += ["", "受付の状況"]
    lines.extend(f"  {s.id}（{s.name}）: {status(s, today)[1]}" for s in schemes.values())
    lines += ["", "事業所ごとの経費の判定、計算の手順と注意は --json で出力します。"]
    return "\n".join(lines)


# The columns of the summary CSV (the CLI's --csv, and the simulator page's download).
SUMMARY_CSV_HEADER: Final = (
    "事業所名",
    "制度",
    "補助額（円）",
    "補助額の下限（円）",
    "補助額の上限（円）",
    "補助対象経費（円）",
    "経費の総額（円）",
    "自己負担額（円）",
    "判定",
    "受付の状況",
    "注意の数",
    "注意",
)


def summary_csv(results: Sequence[FacilityResult], today: datetime.date) -> bytes:
    """The summary as a CSV that Excel opens as it is in Japanese: UTF-8 with a BOM, CRLF lines."""
    return csv_bytes([summary_csv_row(r, today) for r in results])


def summary_csv_row(r: FacilityResult, today: datetime.date) -> tuple[str | int, ...]:
    """A facility's line of the summary CSV (SUMMARY_CSV_HEADER's columns)."""
    low, high = r.result.subsidy_range_yen
    return (
        _as_text(r.name),
        r.scheme.id,
        r.result.subsidy_yen,
        low,
        high,
        r.result.eligible_expense_yen,
        r.result.total_cost_yen,
        r.result.self_pay_yen,
        ELIGIBLE_WORDS[r.result.eligible],
        window_words(r.scheme, today),
        len(r.result.caveats),
        "、".join(c.title for c in r.result.caveats),
    )


def csv_bytes(rows: Sequence[Sequence[str | int]]) -> bytes:
    """The summary CSV of these lines (summary_csv_row's), under SUMMARY_CSV_HEADER."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect=csv.excel, lineterminator="\r\n")
    writer.writerow(SUMMARY_CSV_HEADER)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def _as_text(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: two for each wide (全角) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
