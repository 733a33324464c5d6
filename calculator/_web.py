"""What the simulator page's worker runs: the CLI's reading and computing, as JSON messages.

The worker (docs/assets/javascripts/simulator-worker.mjs) calls these functions and posts what they
return to the page. Everything the page opens (a file, a TOML file, a ``#case=`` link) is read by
`read_case_bytes`, the CLI's own reader, and checked by `load_case`, the CLI's own validation, so
the page can never compute a file differently from ``python3 -m calculator simulate`` or word a
problem differently.

Messages (plain JSON, ``type`` first):
  simulate(text)       -> {"type": "result", "result": ...} | {"type": "invalid", "errors": [...]}
  open_file(path, nm)  -> {"type": "opened", "case": {...}} | {"type": "refused", "errors": [...]}
                          | a file of many facilities: {"type": "batch-read", ...} (see the batch section)
  open_link(fragment)  -> {"type": "opened", ...} | {"type": "refused", ...}
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from calculator import get_scheme, load_case, scheme_ids
from calculator import simulate as simulate_case
from calculator._amounts import format_yen
from calculator._batch import (
    MAX_BATCH_BYTES,
    Batch,
    CsvReading,
    FacilityInput,
    facilities_in,
    looks_like_json,
    read_cases_bytes,
    with_category_ids,
)
from calculator._batch_summary import (
    SUMMARY_HEADINGS,
    CheckedFacility,
    check_all,
    check_facility,
    csv_bytes,
    ordered,
    summary_cells,
    summary_csv_row,
)
from calculator._case import MAX_CASE_BYTES, read_case_bytes, too_large
from calculator._errors import FieldError, InputError

# How a shared link names its case in the messages (the link has no file name).
LINK_NAME: Final = "共有リンク（#case=）"
# The largest integer JavaScript holds exactly: a larger one would reach the form changed.
_EXACT_IN_JAVASCRIPT: Final = 2**53
# Fields whose value the form shows in a text box as it is (form.mjs: the facility's boxes and a
# row's), so a wrong value there (an amount that does not read, a missing head count) is shown at its
# box for the user to fix, as if typed.
_TYPED_FIELD: Final = re.compile(
    r"^(?:ict_staff_fte|capacity|prior_subsidy_yen|items\[(\d+)\]\.(?:amount_yen|consumption_tax_yen"
    r"|unit_amount_yen|quantity|monthly_amount_yen|first_payment_month|payment_count|other_subsidy_yen))$"
)
# Of those, the facility's facts a scheme may need: missing, the box is empty for the user to fill.
_NEEDED_FIELDS: Final = ("ict_staff_fte", "capacity")


def simulate(text: str) -> str:
    """The result of the case in `text` (case-file JSON), or every problem with it."""
    try:
        result = simulate_case(json.loads(text))
    except InputError as error:
        return _message("invalid", errors=[e.to_dict() for e in error.errors])
    return _message("result", result=result.to_dict())


def open_file(path: str, name: str) -> str:
    """A case file the page opened (its bytes copied to `path` in the worker's file system; at most
    read_limit(name) of them), read as the CLI reads a file called `name`: a single case for the
    form, or a file of many facilities (a CSV, or a case file with ``facilities``) for the batch
    view, which then checks and computes it a slice at a time (check_batch, batch_rows)."""
    data = Path(path).read_bytes()
    try:
        if name.lower().endswith(".csv") and not looks_like_json(data):
            return _read_csv(CsvReading(data, name))
        if len(data) >= read_limit(name):
            raise too_large(name)  # at once, unread
        found = read_cases_bytes(data, name)
    except InputError as error:
        kind = "batch-refused" if _named_as_csv(path, name) else "refused"
        return _message(kind, errors=[e.to_dict() for e in error.errors])
    if isinstance(found, Batch):
        return _read_batch(found)
    single: dict[str, Any] = found
    return _opened(lambda: single)


def read_limit(name: str) -> int:
    """How many bytes of a file called `name` the worker hands open_file: one more than the reader
    takes, so that a larger file is refused with the CLI's message and never read whole.

    A CSV or JSON file may hold many facilities, up to MAX_BATCH_BYTES (their readers are the
    standard library's C code). A TOML file is read up to a single case's MAX_CASE_BYTES, as the page
    always did: TOML is parsed in Python, and a TOML file of tens of MB would keep the worker busy
    beyond the page's patience (its watchdog restarts a worker silent for seconds)."""
    return (MAX_CASE_BYTES if name.lower().endswith(".toml") else MAX_BATCH_BYTES) + 1


def open_link(fragment: str) -> str:
    """The case of a shared link: what follows ``#case=``, the base64url of the case's JSON."""

    def read() -> dict[str, Any]:
        if len(fragment) > (MAX_CASE_BYTES + 2) // 3 * 4:
            raise too_large(LINK_NAME)
        try:
            data = base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4))
        except (binascii.Error, ValueError):
            message = f"{LINK_NAME}を読めません（リンクが途中で切れているか、書き換えられています）"
            raise InputError([FieldError("", message)]) from None
        return read_case_bytes(data, LINK_NAME)

    return _opened(read)


def self_check() -> None:
    """Everything the worker does, once: run before a snapshot so that it holds every module."""
    open_link(base64.urlsafe_b64encode(b'{"scheme": "x"}').decode("ascii"))
    Path("/tmp/self-check.toml").write_text('scheme = "x"', encoding="utf-8")
    open_file("/tmp/self-check.toml", "self-check.toml")
    for scheme_id in scheme_ids():
        simulate(json.dumps({"scheme": scheme_id, "items": []}))
    # A file of many facilities, through every step the batch view takes (then forgotten).
    Path("/tmp/self-check.csv").write_bytes("事業所名,制度,区分,金額\r\nA,x,介護ソフト,1\r\n".encode("cp932"))
    open_file("/tmp/self-check.csv", "self-check.csv")
    check_batch(0, 1)
    rows = "".join(f"{n},{scheme_id},10\n" for n, scheme_id in enumerate(scheme_ids()))
    Path("/tmp/self-check.csv").write_text(f"事業所名,制度,職員数\n{rows}", encoding="utf-8")
    open_file("/tmp/self-check.csv", "self-check.csv")
    check_batch(0, len(_read))
    batch_rows(0, 1, datetime.date.today().isoformat())
    batch_csv()
    batch_case(0)
    _forget_batch()


def _opened(read: Callable[[], dict[str, Any]]) -> str:
    try:
        raw = read()
        _refuse_what_the_form_cannot_hold(raw)
        return _message("opened", case=raw)
    except InputError as error:
        return _message("refused", errors=[e.to_dict() for e in error.errors])


def _refuse_what_the_form_cannot_hold(raw: dict[str, Any]) -> None:
    """Raise the CLI's InputError for `raw` unless each problem is a typed value the user can fix at
    its box. Everything else (a wrong type or shape, an unknown scheme, key or id, more rows than
    the engine takes) leaves the form as it was, so a half-read file is never shown."""
    try:
        load_case(raw)
    except InputError as error:
        if not all(_fixable_in_the_form(e.field, raw) for e in error.errors):
            raise
    try:
        json.dumps(raw, allow_nan=False)
    except (TypeError, ValueError):  # caught above in practice: every value of a case is checked
        raise InputError([FieldError("", "ケースファイルに JSON で表せない値があります")]) from None


def _fixable_in_the_form(field: str, raw: dict[str, Any]) -> bool:
    match = _TYPED_FIELD.match(field)
    if match is None:
        return False
    if field == "capacity" and not _shows_capacity(raw.get("scheme")):
        return False  # the form has a capacity box only where a menu counts units up to it
    if field in _NEEDED_FIELDS and raw.get(field) is None:
        return True  # missing: the form's box is empty
    if match.group(1) is not None:
        items = raw.get("items")
        row = items[int(match.group(1))] if isinstance(items, list) else None
        value = row.get(field.rsplit(".", 1)[1]) if isinstance(row, dict) else None
    else:
        value = raw.get(field)
    if isinstance(value, str):
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= _EXACT_IN_JAVASCRIPT
    return isinstance(value, float) and math.isfinite(value)


def _shows_capacity(scheme_id: object) -> bool:
    if not isinstance(scheme_id, str) or scheme_id not in scheme_ids():
        return False
    return any(m.max_units == "capacity" for m in get_scheme(scheme_id).menus)


def _message(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields}, ensure_ascii=False)


# ----------------------------------------------------------------------------------------------
# Many facilities at once (calculator/_batch.py): the same files the CLI's `simulate` reads.
#
#   simulate_batch(path, nm)  -> {"type": "batch", "results": [...]} | {"type": "invalid", "errors": [...]}
#   open_batch(path, nm)      -> {"type": "batch-opened", "count": n, "names": [...]} | {"type": "invalid", ...}
#   batch_results(start, stop) -> {"type": "batch-results", "start": start, "results": [...]}
#
# The simulator page's batch view (docs/assets/javascripts/batch.mjs) goes a slice at a time, each a
# message of its own, so that no answer takes long (the page restarts a worker silent for seconds),
# the page shows progress, and the form's own requests are answered between slices:
#
#   open_file(path, nm)       -> {"type": "batch-read", "count": n} | {"type": "batch-refused", "errors": [...]}
#                                or, for a CSV of more than a few thousand rows, {"type": "batch-reading",
#                                "rows": rows read so far}, and read_more() reads on (the same answers)
#   check_batch(start, stop)  -> {"type": "batch-checking", "checked": stop, "count": n} until the last
#                                slice, then {"type": "batch-opened", "count", "names", "headings"}
#                                or {"type": "batch-refused", "errors": [...]} (every problem, in the
#                                file's order; none is computed)
#   batch_rows(start, stop, today) -> {"type": "batch-rows", "start": start, "rows": [{"cells": [...],
#                                "subsidy_yen", "self_pay_yen", "eligible", "caveats"}, ...]}
#                                cells: the summary table's (the CLI's), under "headings"
#   batch_csv()               -> {"type": "batch-csv", "text", "count"}  the CLI's --csv of the rows
#                                computed (count: how many)
#   batch_case(index)         -> {"type": "batch-case", "fragment": ...}  the facility's case as a
#                                "#case=" link's fragment: the page opens it in the form as a link
#
# The file's bytes are copied to `path` in the worker's file system (at most read_limit(name) of
# them), as for open_file: bytes, not text, since a CSV may be CP932, which the page cannot decode as
# UTF-8 text. Each result is the CLI's `--json` entry: the single case's result, with the facility's
# name and the scheme's window on the reader's day. open_batch checks every facility (none is
# computed if one is bad); batch_results then computes them a slice at a time, so that the worker can
# post progress between slices of a large file.

# The facilities of the file opened last, checked and waiting to be computed (the worker's own
# state: one file at a time, replaced by the next file opened).
_opened_batch: list[CheckedFacility] = []
# The same file as read, before and while it is checked, and the problems found so far.
_read: list[FacilityInput] = []
_problems: list[tuple[int, FieldError]] = []
# Its lines of the summary CSV, computed so far (the page's download; small, unlike the results).
_csv_rows: dict[int, tuple[str | int, ...]] = {}
# The page's table: the summary's columns, and the self-pay after the amount.
_SELF_PAY: Final = "自己負担額"
PAGE_HEADINGS: Final = (*SUMMARY_HEADINGS[:3], _SELF_PAY, *SUMMARY_HEADINGS[3:])


def simulate_batch(path: str, name: str) -> str:
    """Every facility of the file, computed at once, or every problem with it."""
    try:
        checked = _check_batch(path, name)
    except InputError as error:
        return _message("invalid", errors=[e.to_dict() for e in error.errors])
    today = datetime.date.today()
    return _message("batch", results=[facility.compute().to_dict(today) for facility in checked])


def open_batch(path: str, name: str) -> str:
    """Read and check every facility of the file; compute none yet."""
    _forget_batch()
    try:
        checked = _check_batch(path, name)
    except InputError as error:
        return _message("invalid", errors=[e.to_dict() for e in error.errors])
    _opened_batch[:] = checked
    _read[:] = facilities_in(read_cases_bytes(Path(path).read_bytes(), name))
    return _message("batch-opened", count=len(checked), names=[facility.name for facility in checked])


def batch_results(start: int, stop: int) -> str:
    """The results of the opened file's facilities start..stop-1 (in the file's order)."""
    today = datetime.date.today()
    results = [facility.compute().to_dict(today) for facility in _opened_batch[start:stop]]
    return _message("batch-results", start=start, results=results)


def check_batch(start: int, stop: int) -> str:
    """Check the read file's facilities start..stop-1; after the last, the file's verdict."""
    for n in range(start, min(stop, len(_read))):
        found, problems = check_facility(n + 1, _read[n])
        _problems.extend(problems)
        if found is not None:
            _opened_batch.append(found)
    if stop < len(_read):
        return _message("batch-checking", checked=stop, count=len(_read))
    if _problems:
        errors = ordered(_problems)
        _forget_batch()
        return _message("batch-refused", errors=[e.to_dict() for e in errors])
    names = [facility.name for facility in _opened_batch]
    return _message("batch-opened", count=len(names), names=names, headings=PAGE_HEADINGS)


def batch_rows(start: int, stop: int, today: str) -> str:
    """The table's rows of the checked file's facilities start..stop-1 on `today` (the reader's own
    day, ISO: the window's status is for the day they read it)."""
    day = datetime.date.fromisoformat(today)
    rows = []
    for n, facility in enumerate(_opened_batch[start:stop], start=start):
        done = facility.compute()
        cells = summary_cells(done, day)
        _csv_rows[n] = summary_csv_row(done, day)
        rows.append(
            {
                "cells": [*cells[:3], format_yen(done.result.self_pay_yen), *cells[3:]],
                "subsidy_yen": done.result.subsidy_yen,
                "self_pay_yen": done.result.self_pay_yen,
                "eligible": done.result.eligible,
                "caveats": len(done.result.caveats),
            }
        )
    return _message("batch-rows", start=start, rows=rows)


def batch_csv() -> str:
    """The summary CSV (the CLI's --csv) of the rows computed, in the file's order: text that starts
    with a BOM and ends lines with CRLF, which the page saves as it is."""
    text = csv_bytes([_csv_rows[n] for n in sorted(_csv_rows)]).decode("utf-8")
    return _message("batch-csv", text=text, count=len(_csv_rows))


def batch_case(index: int) -> str:
    """The checked file's facility `index` as a single case (the shared keys it inherits included,
    a CSV's category names as the scheme's ids), as the fragment of a ``#case=`` link."""
    facility = _read[index]
    raw = with_category_ids(facility.raw, _opened_batch[index].scheme) if facility.titles else facility.raw
    data = json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8")
    return _message("batch-case", fragment=base64.urlsafe_b64encode(data).decode("ascii").rstrip("="))


# A CSV being read, a number of rows per message (read_more), so that no answer takes long.
_reading: list[CsvReading] = []
_ROWS_PER_MESSAGE: Final = 5_000


def read_more() -> str:
    """Read the next rows of the CSV being read: {"type": "batch-reading", "rows": rows read so far},
    then, once it is all read, open_file's answer for the whole file."""
    if not _reading:
        return _message("batch-refused", errors=[FieldError("", "読み込み中の CSV がありません").to_dict()])
    return _read_csv(_reading[0])


def _read_csv(reading: CsvReading) -> str:
    _forget_batch()
    try:
        reading.read(_ROWS_PER_MESSAGE)
        if not reading.done:
            _reading.append(reading)
            return _message("batch-reading", rows=reading.rows)
        return _read_batch(Batch(tuple(reading.facilities())))
    except InputError as error:
        return _message("batch-refused", errors=[e.to_dict() for e in error.errors])


def _read_batch(batch: Batch) -> str:
    _forget_batch()
    _read[:] = batch.facilities
    return _message("batch-read", count=len(_read))


def _forget_batch() -> None:
    for kept in (_opened_batch, _read, _problems, _reading):
        kept.clear()
    _csv_rows.clear()


def _named_as_csv(path: str, name: str) -> bool:
    """Whether the reader took the file for a CSV (calculator/_batch.py), so its problems are the
    batch view's to show, not the form's."""
    if not name.lower().endswith(".csv"):
        return False
    with Path(path).open("rb") as file:
        head = file.read(64)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] != b"{"


def _check_batch(path: str, name: str) -> list[CheckedFacility]:
    return check_all(facilities_in(read_cases_bytes(Path(path).read_bytes(), name)))


# ----------------------------------------------------------------------------------------------
# The preparation kit (calculator/_kit.py) for the page kit.mjs.


def kit(text: str, answers: str, today: str) -> str:
    """The preparation kit of the case in `text` (case-file JSON) on `today` (the reader's own day,
    ISO), with what the reader wrote under the plan's headings (`answers`: JSON, heading id -> text).

      -> {"type": "kit", "kit": ..., "files": {"plan.md", "plan.txt", "expenses.csv": text}}
       | {"type": "invalid", "errors": [...]}   the CLI's messages, as for simulate

    The files are text the page saves as they are: the CSV and the plain text start with a BOM and
    end lines with CRLF (calculator/_kit.py says why)."""
    from calculator import get_scheme
    from calculator._kit import expense_csv, make_kit, plan_markdown, plan_plain, text_file

    try:
        case = load_case(json.loads(text))
        scheme = get_scheme(case.scheme)
        result = simulate_case(case, scheme)
    except InputError as error:
        return _message("invalid", errors=[e.to_dict() for e in error.errors])
    written = json.loads(answers)
    typed = {str(k): v for k, v in written.items() if isinstance(v, str)} if isinstance(written, dict) else {}
    made = make_kit(case, scheme, result, datetime.date.fromisoformat(today), typed)
    files = {
        "plan.md": plan_markdown(made),
        "plan.txt": text_file(plan_plain(made)).decode("utf-8"),
        "expenses.csv": expense_csv(made).decode("utf-8"),
    }
    return _message("kit", kit=made.to_dict(), files=files)
