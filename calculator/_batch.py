"""Reading many facilities at once: a case file with `facilities`, or a CSV of expense items.

A 法人 with several facilities, or a prefecture's staff checking many applications, hands the engine
one file. Either form becomes a list of `FacilityInput`: each facility's case exactly as a
single-facility case file would hold it, and a way to name a field of it as the file does, so
that every message of the engine's own checks (calculator/_case.py) points at the right place:

- a case file (JSON or TOML) with a top-level ``facilities`` list: every other top-level key is
  shared, and each facility inherits it unless it gives the key itself. A file without
  ``facilities`` is a single case and means exactly what it always meant.
- a CSV (``.csv``) with one row per expense item and a facility column: UTF-8 with or without BOM,
  or CP932 as Excel writes it. Its columns are named in Japanese or by the case-file key. Errors
  name the row and column as Excel shows them (「3行目の「金額」」).

Nothing here computes: calculator/_batch_summary.py does, and only once every facility reads.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from calculator._case import CASE_KEYS, MAX_CASE_BYTES, read_case_bytes, read_file_bytes, too_large
from calculator._errors import FieldError, InputError, shown
from calculator._scheme import Scheme
from calculator._vocabulary import PAYMENT_IDS, PAYMENT_WORDS

# A file of many facilities may be larger than one case (2 MB), up to this: 10,000 facilities of 10
# items each come to about 8 MB as CSV and 20 MB as JSON.
MAX_BATCH_BYTES: Final = 64 * 1024 * 1024
MAX_FACILITIES: Final = 10_000
BATCH_KEY: Final = "facilities"
# Looked up when the module loads, not when a file first needs it: the simulator's worker boots with
# only the standard-library files that loading the engine reads (overrides/hooks/stdlib_files.mjs).
_CP932: Final = codecs.lookup("cp932")

Kind = Literal["text", "yen", "count", "flag", "ids", "payment"]


@dataclass(frozen=True)
class Column:
    """A CSV column: the case-file key it fills, its Japanese header, and how a cell is read."""

    key: str
    header: str
    level: Literal["facility", "item"]
    kind: Kind


# The CSV's columns (public contract; README's case-format section lists them, and what each means is
# the case-file key's meaning there, so it is written once). Facility columns
# repeat on each row of the facility; item columns describe that row's expense. A cell is read as the
# case file's value would be: amounts and head counts by the engine itself (「１２０万円」 too).
COLUMNS: Final = (
    Column("facility_name", "事業所名", "facility", "text"),
    Column("scheme", "制度", "facility", "text"),
    Column("ict_staff_fte", "職員数", "facility", "text"),
    Column("service_type", "サービス", "facility", "text"),
    Column("capacity", "利用定員", "facility", "count"),
    Column("ikkan_achieved", "一気通貫", "facility", "flag"),
    Column("higher_rate_conditions", "補助率の要件", "facility", "ids"),
    Column("requirements_met", "満たした要件", "facility", "ids"),
    Column("prior_subsidy_yen", "これまでの補助額", "facility", "yen"),
    Column("prior_subsidy_count", "これまでの補助回数", "facility", "count"),
    Column("application_type", "申請の型", "facility", "text"),
    Column("note", "メモ", "facility", "text"),
    Column("category", "区分", "item", "text"),
    Column("name", "品名", "item", "text"),
    Column("amount_yen", "金額", "item", "yen"),
    Column("quantity", "数量", "item", "count"),
    Column("unit_amount_yen", "単価", "item", "yen"),
    Column("consumption_tax_yen", "消費税", "item", "yen"),
    Column("payment", "支払方法", "item", "payment"),
    Column("kind", "種類", "item", "text"),
    Column("monthly_amount_yen", "月額", "item", "yen"),
    Column("first_payment_month", "支払開始月", "item", "text"),
    Column("payment_count", "支払回数", "item", "count"),
    Column("recurring", "恒常的な費用", "item", "flag"),
    Column("other_subsidy_yen", "他の補助金", "item", "yen"),
    Column("before_decision", "交付決定前", "item", "flag"),
    Column("robot_program", "ロボット事業", "item", "flag"),
)
_BY_KEY: Final = {c.key: c for c in COLUMNS}
# How a yes/no cell may be written (Excel writes TRUE and FALSE).
_YES: Final = frozenset({"true", "yes", "1", "はい", "○", "〇", "有", "あり"})
_NO: Final = frozenset({"false", "no", "0", "いいえ", "×", "無", "なし"})
# Payment methods in words, as well as the contract's ids.
_PAYMENTS: Final = {
    **{word: key for key, word in PAYMENT_WORDS.items()},
    **{key: key for key in PAYMENT_IDS},
    "リース": "lease",
    "レンタル": "lease",
    "月額": "monthly",
}
_IDS_SEPARATOR: Final = re.compile(r"[,、;；\s]+")
_COUNT: Final = re.compile(r"([0-9]+)(?:台|人|回|名)?")
_ITEM_FIELD: Final = re.compile(r"items\[(\d+)\](?:\.(.+))?")
_KEY: Final = re.compile(r"[A-Za-z_]+")
_FLAG: Final = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class FacilityInput:
    """One facility's case as a single case file would hold it, and how the file names its fields.

    `where` turns a field of the case (``items[2].amount_yen``) into the file's own name for it and
    a number that orders the messages as the file does (a row, or the facility's place)."""

    raw: dict[str, Any]
    where: Callable[[str], tuple[str, int]]
    name: str = ""  # the facility's name where the file gives one
    # What reading the file found wrong before the engine's checks (a CSV row that disagrees with
    # its facility, or names none), with its order: reported with the engine's, never instead of them.
    problems: tuple[tuple[int, FieldError], ...] = ()
    # Whether an item's category may be named by its title as the scheme writes it (「介護ソフト」):
    # in a CSV typed in Excel, not in a case file, whose contract is the id.
    titles: bool = False

    def error(self, problem: FieldError) -> tuple[int, FieldError]:
        place, order = self.where(problem.field)
        return order, FieldError(place, problem.message)


@dataclass(frozen=True)
class Batch:
    """The facilities of a file of many, in the file's order."""

    facilities: tuple[FacilityInput, ...]


def read_cases_file(path: Path | str) -> dict[str, Any] | Batch:
    """A single case's raw mapping, exactly as `read_case_file` gives it, or the facilities of a file
    of many (a case file with ``facilities``, or a CSV)."""
    path = Path(path)
    return read_cases_bytes(read_file_bytes(path, MAX_BATCH_BYTES), path.name, where=str(path))


def read_cases_bytes(data: bytes, name: str, *, where: str | None = None) -> dict[str, Any] | Batch:
    """The same from a file's bytes (at most MAX_BATCH_BYTES + 1 of them) and its name: what the CLI
    reads from a path and the simulator page from a file."""
    if name.lower().endswith(".csv") and not looks_like_json(data):
        return Batch(tuple(read_csv_bytes(data, name)))
    if len(data) > MAX_BATCH_BYTES:
        raise too_large(name)
    try:
        raw = read_case_bytes(data, name, where=where, limit=MAX_BATCH_BYTES)
    except InputError:
        if len(data) > MAX_CASE_BYTES:
            raise too_large(name) from None  # as before: a single case over 2 MB is refused unread
        raise
    if BATCH_KEY in raw:
        return Batch(tuple(facilities_of(raw)))
    if len(data) > MAX_CASE_BYTES:
        raise too_large(name)
    return raw


def is_batch(raw: object) -> bool:
    """Whether a case file's mapping holds many facilities (anything else is a single case, or not one)."""
    return isinstance(raw, dict) and BATCH_KEY in raw


def facilities_of(raw: dict[str, Any]) -> list[FacilityInput]:
    """The facilities of a case file with ``facilities``, each with the shared keys it inherits."""
    listed = raw[BATCH_KEY]
    if not isinstance(listed, list) or not listed:
        raise InputError([FieldError(BATCH_KEY, "事業所を [{ ... }, ...] の配列で1つ以上指定してください")])
    if len(listed) > MAX_FACILITIES:
        message = f"事業所は{MAX_FACILITIES:,}までにしてください（{len(listed):,}あります）"
        raise InputError([FieldError(BATCH_KEY, message)])
    # A shared key the case file does not know is named once, at the top, and inherited by none (each
    # facility would otherwise repeat it); it goes with the first facility's problems, ordered first.
    unknown = [key for key in raw if key != BATCH_KEY and key not in CASE_KEYS]
    problems = tuple(
        (-1, FieldError(shown(key, 60), f"「{shown(key)}」という項目はケースにありません（綴りを確認してください）"))
        for key in unknown
    )
    shared = {k: v for k, v in raw.items() if k != BATCH_KEY and k not in unknown}
    found: list[FacilityInput] = []
    for n, own in enumerate(listed):
        mine = problems if n == 0 else ()
        if not isinstance(own, dict):
            found.append(FacilityInput(own, _json_where(n, {}, {}), problems=mine))
            continue
        name = own.get("facility_name", shared.get("facility_name"))
        where = _json_where(n, own, shared)
        found.append(FacilityInput({**shared, **own}, where, name if isinstance(name, str) else "", mine))
    return found


def _json_where(n: int, own: dict[str, Any], shared: dict[str, Any]) -> Callable[[str], tuple[str, int]]:
    def where(name: str) -> tuple[str, int]:
        place = f"{BATCH_KEY}[{n}]"
        if not name:
            return place, n
        key = _KEY.match(name)
        # A shared key's problem is the facility's: named there, and said to come from the top.
        inherited = key is not None and key[0] not in own and key[0] in shared
        return f"{place}.{name}" + ("（共通の値）" if inherited else ""), n

    return where


def facilities_in(data: Any) -> list[FacilityInput]:
    """The facilities of whatever a case file held: a file of many, a mapping with ``facilities``, or
    a single case (a batch of one)."""
    if isinstance(data, Batch):
        return list(data.facilities)
    return facilities_of(data) if is_batch(data) else single(data)


def single(raw: Any) -> list[FacilityInput]:
    """A single case as a batch of one (its fields named as the file names them)."""
    name = raw.get("facility_name") if isinstance(raw, dict) else None
    return [FacilityInput(raw, lambda field: (field, 0), name if isinstance(name, str) else "")]


# ----------------------------------------------------------------------------------------------
# CSV


def read_csv_bytes(data: bytes, name: str = "CSV") -> list[FacilityInput]:
    """The facilities of a CSV file's bytes; InputError naming every bad row and column."""
    reading = CsvReading(data, name)
    reading.read()
    return reading.facilities()


class CsvReading:
    """A CSV file read a number of rows at a time: the simulator's worker reads a large one in
    several messages, so that the page hears from it between them (read_csv_bytes reads all)."""

    def __init__(self, data: bytes, name: str = "CSV") -> None:
        if len(data) > MAX_BATCH_BYTES:
            raise _too_large_for_a_batch(name)
        records = csv.reader(io.StringIO(_decode(data), newline=""), dialect=_dialect(data))
        self._records = enumerate(records, start=1)
        self._reader: _CsvReader | None = None
        self.rows = 0  # rows read so far
        self.done = False

    def read(self, rows: int | None = None) -> None:
        """Read `rows` more rows (all that are left if None); InputError if the file is not CSV."""
        taken = 0
        try:
            for number, cells in self._records:
                self.rows = number
                if self._reader is None:
                    if not any(cell.strip() for cell in cells):
                        break
                    self._reader = _CsvReader(_columns(cells))
                else:
                    self._reader.row(number, cells)
                taken += 1
                if rows is not None and taken >= rows:
                    return
        except csv.Error:  # a quote left open, a NUL character, a cell over 128 KB
            message = 'CSV として読めません（引用符 " の閉じ忘れ、文字として読めない符号、大きすぎるセルなど）'
            raise InputError([FieldError(f"{self.rows + 1}行目", message)]) from None
        self.done = True

    def facilities(self) -> list[FacilityInput]:
        """The facilities of the rows read (the whole file once `done`)."""
        if self._reader is None:
            raise InputError([FieldError("1行目", "見出しの行がありません（事業所名、制度、区分、金額…）")])
        return self._reader.facilities()


def _decode(data: bytes) -> str:
    """The text of a CSV: UTF-8 after a BOM; else UTF-8 if it is valid, else CP932 (Excel's
    「CSV（コンマ区切り）」 in Japanese Windows). A CP932 file is almost never valid UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                [FieldError("", "CSV を UTF-8 として読めません（BOM の後に UTF-8 でない文字があります）")]
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _CP932.decode(data)[0]
    except UnicodeDecodeError:
        pass
    raise InputError([FieldError("", "CSV を読めません（UTF-8 でも Shift_JIS（CP932）でもありません）")])


def _dialect(data: bytes) -> type[csv.Dialect]:
    """Excel's comma-separated CSV, or its tab-separated text if the header has tabs and no comma."""
    head = data.split(b"\n", 1)[0]
    return csv.excel_tab if b"\t" in head and b"," not in head else csv.excel


def _columns(header: list[str]) -> list[Column | None]:
    """The column each header names (None for a blank header); InputError naming every bad one.

    A header in the case file's spelling of an item flag (``before_decision``) is an item's flag:
    flags are the scheme's, and the engine checks each row's against its facility's scheme."""
    by_header = {c.header: c for c in COLUMNS} | {c.key: c for c in COLUMNS}
    found: list[Column | None] = []
    errors: list[FieldError] = []
    seen: dict[str, str] = {}
    for cell in header:
        text = unicodedata.normalize("NFKC", cell).strip()
        column = by_header.get(text)
        if column is None and _FLAG.fullmatch(text):
            column = Column(text, text, "item", "flag")
        if column is None and text:
            known = "、".join(c.header for c in COLUMNS)
            errors.append(FieldError(f"1行目の「{shown(cell)}」", f"この見出しの列はありません（使えるのは {known}）"))
        elif column is not None and column.key in seen:
            message = f"「{seen[column.key]}」と同じ項目の列が2つあります"
            errors.append(FieldError(f"1行目の「{shown(cell)}」", message))
        elif column is not None:
            seen[column.key] = cell.strip()
            column = Column(column.key, cell.strip(), column.level, column.kind)
        found.append(column)
    for required in ("facility_name", "scheme"):
        if required not in seen:
            column = _BY_KEY[required]
            errors.append(FieldError("1行目", f"「{column.header}」（{column.key}）の列がありません"))
    if errors:
        raise InputError(errors)
    return found


@dataclass
class _Facility:
    name: str
    first_row: int
    raw: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, tuple[str, int]] = field(default_factory=dict)  # facility key -> (cell, its row)
    item_rows: list[int] = field(default_factory=list)


class _CsvReader:
    def __init__(self, columns: list[Column | None]) -> None:
        self.columns = columns
        self.headers = {c.key: c.header for c in columns if c is not None}
        self.positions = {c.key: i for i, c in enumerate(columns) if c is not None}
        self.by_name: dict[str, _Facility] = {}
        self.errors: list[tuple[int, FieldError]] = []

    def header(self, key: str) -> str:
        column = _BY_KEY.get(key)
        return self.headers.get(key, column.header if column else key)

    def row(self, number: int, cells: list[str]) -> None:
        if not any(cell.strip() for cell in cells):
            return  # Excel leaves rows of empty cells after the data
        if len(cells) > len(self.columns) and any(cell.strip() for cell in cells[len(self.columns) :]):
            self.fail(number, "", f"見出しのない列に値があります（見出しは{len(self.columns)}列です）")
        values = {c.key: (c, cells[i].strip()) for i, c in enumerate(self.columns) if c and i < len(cells)}
        name = values["facility_name"][1] if "facility_name" in values else ""
        if not name:
            self.fail(
                number, self.header("facility_name"), "事業所名を入力してください（同じ名前の行が1つの事業所です）"
            )
            return
        facility = self.by_name.setdefault(name, _Facility(name, number))
        item: dict[str, Any] = {}
        for key, (column, cell) in values.items():
            if not cell:
                continue
            if column.level == "item":
                item[key] = _cell_value(column.kind, cell)
                continue
            if key in facility.cells:
                earlier, row = facility.cells[key]
                if cell != earlier:
                    message = (
                        f"同じ事業所「{shown(name)}」の{row}行目の値（「{shown(earlier)}」）と違います"
                        f"（「{shown(cell)}」）。事業所の列は、その事業所のどの行でも同じ値にしてください"
                    )
                    self.fail(number, column.header, message)
                continue
            facility.cells[key] = (cell, number)
            facility.raw[key] = name if key == "facility_name" else _cell_value(column.kind, cell)
        if item:
            facility.raw.setdefault("items", []).append(item)
            facility.item_rows.append(number)

    def order(self, row: int, key: str) -> int:
        """Messages in the file's order: by row, then by column."""
        by_header = {c.header: i for i, c in enumerate(self.columns) if c is not None}
        return row * 1_000 + self.positions.get(key, by_header.get(key, -1)) + 1

    def fail(self, row: int, header: str, message: str) -> None:
        place = f"{row}行目の「{header}」" if header else f"{row}行目"
        self.errors.append((self.order(row, header), FieldError(place, message)))

    def facilities(self) -> list[FacilityInput]:
        if len(self.by_name) > MAX_FACILITIES:
            raise InputError([FieldError("", f"事業所は{MAX_FACILITIES:,}までにしてください")])
        if not self.by_name:
            errors = [e for _, e in sorted(self.errors, key=lambda e: e[0])]
            raise InputError(errors or [FieldError("2行目", "事業所の行がありません")])
        found = []
        for n, facility in enumerate(self.by_name.values()):
            facility.raw.setdefault("items", [])
            # The rows' own problems go with the first facility: the messages are ordered by row.
            problems = tuple(self.errors) if n == 0 else ()
            found.append(FacilityInput(facility.raw, self.where(facility), facility.name, problems, titles=True))
        return found

    def where(self, facility: _Facility) -> Callable[[str], tuple[str, int]]:
        def place(name: str) -> tuple[str, int]:
            item = _ITEM_FIELD.fullmatch(name)
            if item is not None and int(item[1]) < len(facility.item_rows):
                row, key = facility.item_rows[int(item[1])], item[2]
            else:
                key_match = _KEY.match(name)
                key = key_match[0] if key_match else None
                row = facility.cells[key][1] if key in facility.cells else facility.first_row
            if key is None or key == "items":
                return f"{row}行目（事業所「{shown(facility.name)}」）", self.order(row, "")
            return f"{row}行目の「{self.header(key)}」", self.order(row, key)

        return place


def _cell_value(kind: Kind, cell: str) -> object:
    """A CSV cell as the case file would hold it. What does not read is passed on as it is, for the
    engine's own check to name (its messages quote the value the user wrote)."""
    plain = unicodedata.normalize("NFKC", cell).strip()
    if kind == "count":
        match = _COUNT.fullmatch(plain.replace(",", ""))
        return int(match[1]) if match else cell
    if kind == "flag":
        lowered = plain.lower()
        return True if lowered in _YES else False if lowered in _NO else cell
    if kind == "ids":
        return [part for part in _IDS_SEPARATOR.split(plain) if part]
    if kind == "payment":
        return _PAYMENTS.get(plain, _PAYMENTS.get(plain.lower(), cell))
    return cell


def with_category_ids(raw: dict[str, Any], scheme: Scheme) -> dict[str, Any]:
    """`raw` with each item's category given by its title (「介護ソフト」, 「パソコン・プリンター」) replaced
    by the scheme's id for it; any other value is left for the engine's check to name."""
    titles = {_plain(e.title): e.category for e in scheme.exclusions if e.category}
    titles |= {_plain(c.title): c.id for c in scheme.categories}
    items = raw.get("items")
    if not isinstance(items, list):
        return raw
    ids = set(scheme.category_ids())
    named = []
    for item in items:
        category = item.get("category") if isinstance(item, dict) else None
        if isinstance(category, str) and category not in ids and _plain(category) in titles:
            named.append({**item, "category": titles[_plain(category)]})
        else:
            named.append(item)
    return {**raw, "items": named}


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def looks_like_json(data: bytes) -> bool:
    """A JSON case file that happens to be named .csv is read as it always was."""
    return data.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"{"


def _too_large_for_a_batch(name: str) -> InputError:
    limit = MAX_BATCH_BYTES // (1024 * 1024)
    message = f"ケースファイル「{name}」は大きすぎます（複数の事業所をまとめたファイルも {limit} MB まで）"
    return InputError([FieldError("", message)])
