"""The case file: what an operator tells the engine, and every message about getting it wrong.

A case is JSON or TOML (public contract). Parsing collects every problem before it gives up, and
each message names the field the way the file spells it (``items[2].amount_yen``) so the CLI and
the simulator page can put it next to the right input.
"""

from __future__ import annotations

import datetime
import errno
import json
import os
import re
import stat
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from calculator._amounts import parse_staff, parse_yen
from calculator._errors import FieldError, InputError, shown
from calculator._scheme import Scheme
from calculator._services import read_service
from calculator._vocabulary import CATEGORY_IDS, ITEM_PARTS, PAYMENT_IDS, PAYMENT_WORDS

CASE_KEYS: Final = (
    "scheme",
    "ict_staff_fte",
    "ikkan_achieved",
    "higher_rate_conditions",
    "prior_subsidy_yen",
    "prior_subsidy_count",
    "requirements_met",
    "items",
    "facility_name",
    "note",
    "service_type",
    "capacity",
    "application_type",
    "prior_subsidies",
)
ITEM_KEYS: Final = (
    "category",
    "name",
    "amount_yen",
    "consumption_tax_yen",
    "payment",
    "recurring",
    "kind",
    "monthly_amount_yen",
    "first_payment_month",
    "payment_count",
    "quantity",
    "unit_amount_yen",
    *ITEM_PARTS,
)
_MONTH: Final = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class Item:
    """One line of the quote: an expense the operator plans."""

    category: str
    name: str
    amount_yen: int  # before consumption tax
    consumption_tax_yen: int = 0
    payment: str = "purchase"
    other_subsidy_yen: int = 0
    flags: frozenset[str] = frozenset()  # scheme-defined marks such as "before_decision"
    recurring: bool | None = None  # None: not said; the scheme's default applies
    kind: str | None = None  # one of the category's kinds (e.g. "setup"), where it defines them
    # Lease and monthly payments may be given as a monthly amount from a first month, so that the
    # engine counts only the payments within the scheme's cutoff; `amount_yen` is then the total.
    monthly_amount_yen: int | None = None
    first_payment_month: tuple[int, int] | None = None  # (year, month)
    payment_count: int | None = None
    amount_stated: bool = True  # False: amount_yen was worked out (monthly amount, or unit price × quantity)
    quantity: int = 1  # units (台): amount_yen is the row's total before tax, for all of them
    unit_amount_yen: int | None = None  # as the file gave it, where it did

    @property
    def total_yen(self) -> int:
        return self.amount_yen + self.consumption_tax_yen


@dataclass(frozen=True)
class PriorSubsidy:
    """An earlier grant: its fiscal year and amount, and the menu it was for where the scheme has menus."""

    fiscal_year: int
    amount_yen: int
    menu: str = ""


@dataclass(frozen=True)
class Case:
    """A facility and its planned expenses, checked against one scheme."""

    scheme: str
    items: tuple[Item, ...] = ()
    ict_staff_fte: Fraction | None = None
    ikkan_achieved: bool = False
    higher_rate_conditions: tuple[str, ...] = ()
    prior_subsidy_yen: int = 0
    prior_subsidy_count: int = 0
    requirements_met: tuple[str, ...] = ()
    facility_name: str = ""
    note: str = ""
    service_type: str = ""  # as written in the file
    services: tuple[str, ...] = ()  # what it means, by the act's names
    capacity: int | None = None  # 利用定員 (for 訪問系, the number of users)
    application_type: str = ""  # one of the scheme's other ways to apply; "" the standard one
    prior_subsidies: tuple[PriorSubsidy, ...] = ()  # earlier grants in detail, where the file lists them

    def to_dict(self) -> dict[str, Any]:
        """The case-file form, as the CLI reads it back (the simulator saves this)."""
        data: dict[str, Any] = {"scheme": self.scheme}
        if self.facility_name:
            data["facility_name"] = self.facility_name
        if self.service_type:
            data["service_type"] = self.service_type
        if self.ict_staff_fte is not None:
            staff = self.ict_staff_fte
            data["ict_staff_fte"] = staff_for_file(staff)
        if self.capacity is not None:
            data["capacity"] = self.capacity
        if self.application_type:
            data["application_type"] = self.application_type
        data["ikkan_achieved"] = self.ikkan_achieved
        data["higher_rate_conditions"] = list(self.higher_rate_conditions)
        if self.prior_subsidies:
            data["prior_subsidies"] = [
                {"fiscal_year": p.fiscal_year, "amount_yen": p.amount_yen, **({"menu": p.menu} if p.menu else {})}
                for p in self.prior_subsidies
            ]
        else:
            data["prior_subsidy_yen"] = self.prior_subsidy_yen
            if self.prior_subsidy_count != (1 if self.prior_subsidy_yen else 0):
                data["prior_subsidy_count"] = self.prior_subsidy_count
        if self.requirements_met:
            data["requirements_met"] = list(self.requirements_met)
        data["items"] = []
        for item in self.items:
            row: dict[str, Any] = {"category": item.category, "name": item.name}
            if item.quantity != 1:
                row["quantity"] = item.quantity
            if item.unit_amount_yen is not None:
                row["unit_amount_yen"] = item.unit_amount_yen
            if item.amount_stated:
                row["amount_yen"] = item.amount_yen
            row["consumption_tax_yen"] = item.consumption_tax_yen
            row["payment"] = item.payment
            if item.kind is not None:
                row["kind"] = item.kind
            if item.monthly_amount_yen is not None and item.first_payment_month is not None:
                row["monthly_amount_yen"] = item.monthly_amount_yen
                year, month = item.first_payment_month
                row["first_payment_month"] = f"{year:04d}-{month:02d}"
                if item.payment_count is not None:
                    row["payment_count"] = item.payment_count
            if item.other_subsidy_yen:
                row["other_subsidy_yen"] = item.other_subsidy_yen
            for flag in sorted(item.flags):
                row[flag] = True
            if item.recurring is not None:
                row["recurring"] = item.recurring
            data["items"].append(row)
        if self.note:
            data["note"] = self.note
        return data


# The largest case file read. The engine refuses more than 200 rows, a name over 200 characters and
# a note over 2,000; 200 such rows with every field at its longest and every character written as a
# JSON escape (\uXXXX) come to well under 1 MB. Anything larger cannot be a case the engine accepts,
# so it is refused before it is read (/dev/zero would otherwise be read until memory runs out).
MAX_CASE_BYTES: Final = 2 * 1024 * 1024


def too_large(name: str) -> InputError:
    limit = MAX_CASE_BYTES // (1024 * 1024)
    message = f"ケースファイル「{name}」は大きすぎます（{limit} MB まで。経費は200行までです）"
    return InputError([FieldError("", message)])


def read_case_file(path: Path | str) -> dict[str, Any]:
    """The raw mapping of a JSON or TOML case file; InputError (field "") if it cannot be read.

    Only a regular file is read (a device or a FIFO would never end, or never start), and at most
    MAX_CASE_BYTES of it."""
    path = Path(path)
    return read_case_bytes(read_file_bytes(path, MAX_CASE_BYTES), path.name, where=str(path))


def read_file_bytes(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of the regular file at `path` (one more, so that a caller can tell
    a file over the limit); InputError (field "") naming the file if it cannot be read."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError([FieldError("", f"ケースファイル「{path}」が見つかりません")]) from None
    except OSError as error:
        raise InputError([FieldError("", f"ケースファイル「{path}」を読めません（{error.strerror}）")]) from None
    kind = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(kind):
        os.close(descriptor)
        if stat.S_ISDIR(kind):
            reason = os.strerror(errno.EISDIR)
            raise InputError([FieldError("", f"ケースファイル「{path}」を読めません（{reason}）")])
        raise InputError(
            [FieldError("", f"ケースファイル「{path}」は通常のファイルではありません（装置やパイプは読めません）")]
        )
    with os.fdopen(descriptor, "rb") as file:
        try:
            return file.read(limit + 1)
        except OSError as error:
            raise InputError([FieldError("", f"ケースファイル「{path}」を読めません（{error.strerror}）")]) from None


def read_case_bytes(data: bytes, name: str, *, where: str | None = None, limit: int = MAX_CASE_BYTES) -> dict[str, Any]:
    """The raw mapping of a case file's bytes (TOML if `name` ends in .toml, else JSON), with the
    CLI's messages: what the CLI reads from a path and the simulator page from a file or a link.
    `where` names the file in the messages about its bytes (the CLI gives the whole path); `limit`
    is larger only for a file of many facilities (calculator/_batch.py)."""
    if len(data) > limit:
        raise too_large(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = f"ケースファイル「{where or name}」を読めません（UTF-8 のテキストではありません）"
        raise InputError([FieldError("", message)]) from None
    try:
        if name.lower().endswith(".toml"):
            parsed: Any = tomllib.loads(text)
        else:
            parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            [
                FieldError(
                    "",
                    f"ケースファイル「{name}」は JSON として読めません（{error.lineno}行{error.colno}列: {error.msg}）",
                )
            ]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise InputError([FieldError("", f"ケースファイル「{name}」は TOML として読めません（{error}）")]) from None
    except ValueError:  # an integer of more than 4300 digits (Python's limit for reading one)
        raise InputError([FieldError("", f"ケースファイル「{name}」に桁数の多すぎる数があります")]) from None
    except RecursionError:
        raise InputError([FieldError("", f"ケースファイル「{name}」は入れ子が深すぎて読めません")]) from None
    if not isinstance(parsed, dict):
        raise InputError([FieldError("", "ケースファイルの中身は { ... } のオブジェクトにしてください")])
    return parsed


def scheme_id_of(data: object) -> str:
    """The scheme id a raw case names; InputError naming `scheme` if it is missing or not text."""
    if not isinstance(data, dict):
        raise InputError([FieldError("", "ケースは { ... } のオブジェクトにしてください")])
    value = data.get("scheme")
    if value is None:
        raise InputError([FieldError("scheme", '制度（例: "ibaraki-2023"）を指定してください')])
    if not isinstance(value, str) or not value.strip():
        raise InputError([FieldError("scheme", '制度は "ibaraki-2023" のような文字列で指定してください')])
    return value.strip()


def staff_for_file(count: Fraction) -> int | float | str:
    """A head count as a case file writes it, reading back to exactly the same number.

    Whole counts are integers and counts a float holds exactly (10.5) are numbers; any other
    count is written as its exact decimal text ("20.99999999999999999" as a float would be 21.0,
    another band of the cap). Counts come from decimal text, so their decimal expansion ends."""
    if count.denominator == 1:
        return count.numerator
    if Fraction(float(count)) == count:
        return float(count)
    digits = 0
    while (count * 10**digits).denominator != 1:
        digits += 1
    scaled = str(count.numerator * 10**digits // count.denominator).rjust(digits + 1, "0")
    return f"{scaled[:-digits]}.{scaled[-digits:]}"


class _Parser:
    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.errors: list[FieldError] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def yen(self, table: dict[str, Any], key: str, field: str, *, default: int | None = None) -> int:
        if table.get(key) is None:
            if default is None:
                self.error(field, "金額を入力してください")
                return 0
            return default
        try:
            return parse_yen(table[key])
        except ValueError as error:
            self.error(field, str(error))
            return 0

    def boolean(self, table: dict[str, Any], key: str, field: str) -> bool:
        value = table.get(key, False)
        if isinstance(value, bool):
            return value
        self.error(field, f"true（はい）か false（いいえ）で指定してください（「{shown(value)}」）")
        return False

    def text(self, table: dict[str, Any], key: str, field: str, default: str = "", limit: int = 200) -> str:
        value = table.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            self.error(field, "文字列で入力してください")
            return default
        if len(value) > limit:
            self.error(field, f"{limit}文字以内で入力してください")
            return default
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate is not text: it could not be saved or printed
            self.error(field, "文字として読めない符号（対になっていないサロゲート）が含まれています")
            return default
        return value.strip()

    def ids(self, table: dict[str, Any], key: str, allowed: dict[str, str], none_message: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(key, '["..."] のような文字列の配列で指定してください')
            return ()
        chosen: list[str] = []
        for n, entry in enumerate(value):
            field = f"{key}[{n}]"
            if not isinstance(entry, str):
                self.error(field, "文字列で指定してください")
            elif entry not in allowed:
                choices = "、".join(f"{k}（{v}）" for k, v in allowed.items())
                hint = f"使えるのは {choices}" if allowed else none_message
                self.error(field, f"「{shown(entry)}」は{self.scheme.name}の制度にありません。{hint}")
            elif entry in chosen:
                self.error(field, f"「{shown(entry)}」が2回指定されています")
            else:
                chosen.append(entry)
        return tuple(chosen)

    def unknown_keys(self, table: dict[str, Any], allowed: tuple[str, ...] | list[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                self.error(
                    f"{prefix}{shown(key, 60)}",
                    f"「{shown(key)}」という項目はこの制度のケースにありません（綴りを確認してください）",
                )

    def item(self, raw: object, n: int) -> Item | None:
        prefix = f"items[{n}]"
        if not isinstance(raw, dict):
            self.error(prefix, '経費は { "category": ..., "amount_yen": ... } の形で指定してください')
            return None
        flags = self.scheme.item_flags()
        parts = self.scheme.item_parts()
        allowed = [k for k in ITEM_KEYS if k not in ITEM_PARTS or k in parts] + list(flags)
        self.unknown_keys(raw, allowed, f"{prefix}.")
        category = raw.get("category")
        if category is None:
            self.error(f"{prefix}.category", "経費の区分を指定してください")
        elif not isinstance(category, str) or category not in self.scheme.category_ids():
            # The case-file contract's ids first, in their order, then the scheme's own.
            known = sorted(
                self.scheme.category_ids(),
                key=lambda c: (c not in CATEGORY_IDS, CATEGORY_IDS.index(c) if c in CATEGORY_IDS else 0, c),
            )
            self.error(
                f"{prefix}.category",
                f"「{shown(category)}」という区分はありません（使えるのは {', '.join(known)}）",
            )
        payment = raw.get("payment", "purchase")
        if payment not in PAYMENT_IDS:
            self.error(
                f"{prefix}.payment",
                f"「{shown(payment)}」という支払方法はありません"
                f"（{'、'.join(f'{id_}: {words}' for id_, words in PAYMENT_WORDS.items())}）",
            )
        monthly = self.monthly(raw, prefix, payment)
        by_month = any(raw.get(k) is not None for k in ("monthly_amount_yen", "first_payment_month", "payment_count"))
        quantity = self.quantity(raw, prefix)
        unit = (
            self.yen(raw, "unit_amount_yen", f"{prefix}.unit_amount_yen")
            if raw.get("unit_amount_yen") is not None
            else None
        )
        stated = raw.get("amount_yen") is not None or (not by_month and unit is None)
        amount = 0  # without a stated amount, the engine works it out from the payments it counts
        if stated:
            amount = self.yen(raw, "amount_yen", f"{prefix}.amount_yen")
            if unit is not None and amount != unit * quantity:
                self.error(
                    f"{prefix}.amount_yen",
                    f"金額（{amount:,}円）が単価×数量（{unit:,}円×{quantity}＝{unit * quantity:,}円）と合いません",
                )
        elif unit is not None:
            amount = unit * quantity
        elif monthly is not None and monthly[2] is not None:
            amount = monthly[0] * monthly[2]
        if monthly is not None and stated and monthly[2] is not None and amount != monthly[0] * monthly[2]:
            self.error(
                f"{prefix}.amount_yen",
                f"金額（{amount:,}円）が月額×回数"
                f"（{monthly[0]:,}円×{monthly[2]}回＝{monthly[0] * monthly[2]:,}円）と合いません",
            )
        kind = self.kind(raw, prefix, category)
        tax = self.yen(raw, "consumption_tax_yen", f"{prefix}.consumption_tax_yen", default=0)
        other = self.yen(raw, "other_subsidy_yen", f"{prefix}.other_subsidy_yen", default=0) if parts else 0
        if other > amount and "amount_yen" in raw:
            self.error(
                f"{prefix}.other_subsidy_yen",
                f"他の補助金で補助を受ける部分（{other:,}円）が金額（税抜 {amount:,}円）を超えています",
            )
        recurring = raw.get("recurring")
        if recurring is not None and not isinstance(recurring, bool):
            self.error(
                f"{prefix}.recurring",
                f"true（恒常的な費用）か false（一回限り）で指定してください（「{shown(recurring)}」）",
            )
            recurring = None
        name = self.text(raw, "name", f"{prefix}.name") or f"経費{n + 1}"
        marked = frozenset(f for f in flags if self.boolean(raw, f, f"{prefix}.{f}"))
        return Item(
            category if isinstance(category, str) else "",
            name,
            amount,
            tax,
            payment if isinstance(payment, str) else "",
            other,
            marked,
            recurring,
            kind,
            monthly[0] if monthly else None,
            monthly[1] if monthly else None,
            monthly[2] if monthly else None,
            stated,
            quantity,
            unit,
        )

    def quantity(self, raw: dict[str, Any], prefix: str) -> int:
        value = raw.get("quantity", 1)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
            self.error(
                f"{prefix}.quantity", f"数量（台数）を1から10000までの整数で入力してください（「{shown(value)}」）"
            )
            return 1
        return value

    def monthly(
        self, raw: dict[str, Any], prefix: str, payment: object
    ) -> tuple[int, tuple[int, int], int | None] | None:
        """(monthly amount, first month, number of payments or None) where the item gives them."""
        keys = ("monthly_amount_yen", "first_payment_month", "payment_count")
        if all(raw.get(k) is None for k in keys):
            return None
        if payment not in ("lease", "monthly"):
            self.error(
                f"{prefix}.monthly_amount_yen",
                "月額と支払開始月は、支払方法がリース・レンタルか月額払いの経費に書きます",
            )
            return None
        if raw.get("monthly_amount_yen") is None:
            self.error(f"{prefix}.monthly_amount_yen", "月額を入力してください（支払開始月とあわせて使います）")
            return None
        amount = self.yen(raw, "monthly_amount_yen", f"{prefix}.monthly_amount_yen")
        month = self.month(raw.get("first_payment_month"), f"{prefix}.first_payment_month")
        count_raw = raw.get("payment_count")
        count: int | None = None
        if count_raw is not None:
            if isinstance(count_raw, bool) or not isinstance(count_raw, int) or not 1 <= count_raw <= 600:
                self.error(f"{prefix}.payment_count", "支払回数を1から600までの整数で入力してください")
            else:
                count = count_raw
        return (amount, month, count) if month else None

    def month(self, value: object, field: str) -> tuple[int, int] | None:
        if value is None:
            self.error(field, "支払開始月を「2023-10」の形で入力してください（月額とあわせて使います）")
            return None
        if isinstance(value, datetime.date):
            return value.year, value.month
        match = _MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None or not 2000 <= int(match[1]) <= 2100 or not 1 <= int(match[2]) <= 12:
            self.error(field, f"支払開始月は「2023-10」の形で入力してください（「{shown(value)}」）")
            return None
        return int(match[1]), int(match[2])

    def kind(self, raw: dict[str, Any], prefix: str, category: object) -> str | None:
        value = raw.get("kind")
        if value is None:
            return None
        found = self.scheme.category(category) if isinstance(category, str) else None
        kinds = found.kinds if found else ()
        if not isinstance(value, str) or not any(k.id == value for k in kinds):
            choices = "、".join(f"{k.id}（{k.title}）" for k in kinds)
            hint = f"使えるのは {choices}" if kinds else "この区分には種類の指定がありません"
            self.error(f"{prefix}.kind", f"「{shown(value)}」という種類はありません。{hint}")
            return None
        return value


def _prior_subsidies(parser: _Parser, data: dict[str, Any], scheme: Scheme) -> tuple[PriorSubsidy, ...]:
    """Earlier grants listed one by one; the shorthand prior_subsidy_yen/_count may not be given too."""
    raw = data.get("prior_subsidies")
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > 50:
        parser.error(
            "prior_subsidies", '[{ "fiscal_year": 2025, "amount_yen": ... }] の配列（50件まで）で指定してください'
        )
        return ()
    if data.get("prior_subsidy_yen") is not None or data.get("prior_subsidy_count") is not None:
        parser.error(
            "prior_subsidies", "prior_subsidies と prior_subsidy_yen（・_count）は、どちらか一方だけを書いてください"
        )
        return ()
    found: list[PriorSubsidy] = []
    menus = {m.id for m in scheme.menus}
    for n, entry in enumerate(raw):
        field = f"prior_subsidies[{n}]"
        if not isinstance(entry, dict):
            parser.error(field, '{ "fiscal_year": 2025, "amount_yen": ... } の形で指定してください')
            continue
        parser.unknown_keys(entry, ("fiscal_year", "amount_yen", "menu"), f"{field}.")
        year = entry.get("fiscal_year")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            parser.error(f"{field}.fiscal_year", f"年度を西暦の整数（例: 2025）で入力してください（「{shown(year)}」）")
            continue
        amount = parser.yen(entry, "amount_yen", f"{field}.amount_yen")
        menu = entry.get("menu", "")
        if menu and (not isinstance(menu, str) or menu not in menus):
            choices = "、".join(sorted(menus)) or "（この制度に区分はありません）"
            parser.error(f"{field}.menu", f"「{shown(menu)}」という区分はありません（使えるのは {choices}）")
            continue
        found.append(PriorSubsidy(year, amount, menu))
    return tuple(found)


def parse_case(data: object, scheme: Scheme) -> Case:
    """Check a raw case against `scheme`; InputError lists every problem, each naming its field."""
    if not isinstance(data, dict):
        raise InputError([FieldError("", "ケースは { ... } のオブジェクトにしてください")])
    parser = _Parser(scheme)
    parser.unknown_keys(data, CASE_KEYS, "")

    staff: Fraction | None = None
    staff_cap = scheme.staff_cap()
    if staff_cap is not None and scheme.cap is None:
        # With menus, head count matters only where an item falls in the menu capped by it.
        staffed = {m.id for m in scheme.menus if m.cap.kind == "by_staff"}
        rows = data.get("items")
        named = {r.get("category") for r in rows if isinstance(r, dict)} if isinstance(rows, list) else set()
        if not any(c.menu in staffed for c in scheme.categories if c.id in named):
            staff_cap = None
    if staff_cap is not None and data.get("ict_staff_fte") is None:
        label = staff_cap.staff_label or "ICTを活用する職員数（常勤換算）"
        parser.error("ict_staff_fte", f"{label}を入力してください（上限額がこの人数で決まります）")
    if data.get("ict_staff_fte") is not None:
        try:
            staff = parse_staff(data["ict_staff_fte"])
        except ValueError as error:
            parser.error("ict_staff_fte", str(error))

    conditions = parser.ids(
        data,
        "higher_rate_conditions",
        {c.id: f"{c.label} {c.title}" for c in scheme.rate.conditions},
        "この制度には補助率を上げる要件がありません。",
    )
    requirements_met = parser.ids(
        data, "requirements_met", {r.id: r.title for r in scheme.requirements}, "この制度には要件がありません。"
    )
    prior = parser.yen(data, "prior_subsidy_yen", "prior_subsidy_yen", default=0)
    count_raw = data.get("prior_subsidy_count")
    count = 1 if prior else 0
    if count_raw is not None:
        if isinstance(count_raw, bool) or not isinstance(count_raw, int) or count_raw < 0:
            parser.error("prior_subsidy_count", "これまでに補助を受けた回数を0以上の整数で入力してください")
        elif (count_raw == 0) != (prior == 0):
            parser.error(
                "prior_subsidy_count",
                "これまでの補助額（prior_subsidy_yen）と回数が食い違っています（額が0円なら回数も0）",
            )
        else:
            count = count_raw

    service_type = parser.text(data, "service_type", "service_type", limit=60)
    services: tuple[str, ...] = ()
    if service_type:
        found = read_service(service_type)
        if found is None:
            parser.error(
                "service_type",
                f"「{shown(service_type)}」という介護保険のサービスはありません"
                "（「訪問介護」「通所介護」「特定福祉用具販売」のように、介護保険法のサービス名で書いてください）",
            )
        else:
            services = found

    capacity: int | None = None
    if data.get("capacity") is not None:
        raw_capacity = data["capacity"]
        if isinstance(raw_capacity, bool) or not isinstance(raw_capacity, int) or not 1 <= raw_capacity <= 100_000:
            parser.error(
                "capacity", f"利用定員（訪問系は利用者数）を1以上の整数で入力してください（「{shown(raw_capacity)}」）"
            )
        else:
            capacity = raw_capacity
    application_type = parser.text(data, "application_type", "application_type", limit=60)
    if application_type and scheme.application_type(application_type) is None:
        choices = "、".join(f"{t.id}（{t.title}）" for t in scheme.application_types)
        hint = f"使えるのは {choices}" if choices else "この制度には申請の型の選択がありません"
        parser.error("application_type", f"「{shown(application_type)}」という申請の型はありません。{hint}")
        application_type = ""
    priors = _prior_subsidies(parser, data, scheme)
    if priors:
        prior = sum(p.amount_yen for p in priors)
        count = len(priors)

    items_raw = data.get("items")
    items: list[Item] = []
    if items_raw is None:
        parser.error("items", "経費（items）を配列で指定してください（まだなければ []）")
    elif not isinstance(items_raw, list):
        parser.error("items", "経費（items）は [ ... ] の配列で指定してください")
    elif len(items_raw) > 200:
        parser.error("items", "経費は200行までにしてください")
    else:
        for n, raw in enumerate(items_raw):
            item = parser.item(raw, n)
            if item is not None:
                items.append(item)

    limited = {m.id for m in scheme.menus if m.max_units == "capacity"}
    if capacity is None and data.get("capacity") is None:
        for item in items:
            category = scheme.category(item.category)
            if category is not None and category.menu in limited:
                menu = scheme.menu(category.menu)
                parser.error(
                    "capacity",
                    "利用定員（訪問系は利用者数）を入力してください"
                    f"（「{menu.title if menu else ''}」の台数の上限になります）",
                )
                break
    case = Case(
        scheme=scheme.id,
        items=tuple(items),
        ict_staff_fte=staff,
        ikkan_achieved=parser.boolean(data, "ikkan_achieved", "ikkan_achieved"),
        higher_rate_conditions=conditions,
        prior_subsidy_yen=prior,
        prior_subsidy_count=count,
        requirements_met=requirements_met,
        facility_name=parser.text(data, "facility_name", "facility_name"),
        note=parser.text(data, "note", "note", limit=2000),
        service_type=service_type,
        services=services,
        capacity=capacity,
        application_type=application_type,
        prior_subsidies=priors,
    )
    if parser.errors:
        raise InputError(parser.errors)
    return case
