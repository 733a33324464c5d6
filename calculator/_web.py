"""What the simulator page's worker runs: the CLI's reading and computing, as JSON messages.

The worker (docs/assets/javascripts/simulator-worker.mjs) calls these functions and posts what they
return to the page. Everything the page opens (a file, a TOML file, a ``#case=`` link) is read by
`read_case_bytes`, the CLI's own reader, and checked by `load_case`, the CLI's own validation, so
the page can never compute a file differently from ``python3 -m calculator simulate`` or word a
problem differently.

Messages (plain JSON, ``type`` first):
  simulate(text)       -> {"type": "result", "result": ...} | {"type": "invalid", "errors": [...]}
  open_file(path, nm)  -> {"type": "opened", "case": {...}} | {"type": "refused", "errors": [...]}
  open_link(fragment)  -> the same as open_file
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
from calculator._batch import facilities_in, read_cases_bytes
from calculator._batch_summary import CheckedFacility, check_all
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
    MAX_CASE_BYTES + 1 of them), read as the CLI reads a file called `name`."""
    return _opened(lambda: read_case_bytes(Path(path).read_bytes(), name))


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
# The file's bytes are copied to `path` in the worker's file system (at most MAX_BATCH_BYTES + 1 of
# them), as for open_file: bytes, not text, since a CSV may be CP932, which the page cannot decode as
# UTF-8 text. Each result is the CLI's `--json` entry: the single case's result, with the facility's
# name and the scheme's window on the reader's day. open_batch checks every facility (none is
# computed if one is bad); batch_results then computes them a slice at a time, so that the worker can
# post progress between slices of a large file.

# The facilities of the file opened last, checked and waiting to be computed (the worker's own
# state: one file at a time, replaced by the next open_batch).
_opened_batch: list[CheckedFacility] = []


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
    try:
        checked = _check_batch(path, name)
    except InputError as error:
        _opened_batch.clear()
        return _message("invalid", errors=[e.to_dict() for e in error.errors])
    _opened_batch[:] = checked
    return _message("batch-opened", count=len(checked), names=[facility.name for facility in checked])


def batch_results(start: int, stop: int) -> str:
    """The results of the opened file's facilities start..stop-1 (in the file's order)."""
    today = datetime.date.today()
    results = [facility.compute().to_dict(today) for facility in _opened_batch[start:stop]]
    return _message("batch-results", start=start, results=results)


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
