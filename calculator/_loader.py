"""Strict loading of scheme TOML files: from a parsed file to a `Scheme`.

A whitelist of keys per table (from `_keys.py`), checked types and dates (the reader, `_reader.py`),
a citation (or a named caveat) required on every rule, anchors unique. Quotes are checked against the
source text by `_quotes.py`, figures against their quotes by `_figures.py`. Every problem is reported with
the file and the key path, e.g. ``ibaraki-2023.toml: cap.bands[2].amount_yen: 整数が必要です``.
"""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any, Final

from calculator._case import ITEM_KEYS
from calculator._errors import SchemeError
from calculator._keys import keys_at
from calculator._reader import _ANCHOR, _ID, _MISSING, _join, _Reader
from calculator._scheme import (
    Application,
    ApplicationDocument,
    ApplicationType,
    Basis,
    Cap,
    Category,
    Caveat,
    Clause,
    ConsumptionTax,
    Document,
    Exclusion,
    ExpenseKind,
    Facilities,
    ForbiddenCharacters,
    Menu,
    Note,
    Payment,
    Plan,
    PlanHeading,
    Rate,
    RateCondition,
    Reference,
    Repeat,
    RepeatExample,
    Requirement,
    Rounding,
    Scheme,
    SchemeNotice,
    StaffBand,
    StaffCount,
)
from calculator._services import CARE_SERVICES
from calculator._skeleton import TO_FILL
from calculator._vocabulary import (
    CHARACTER_SETS,
    ITEM_PARTS,
    PAYMENT_IDS,
    PLAN_FACTS,
    REQUIREMENT_FACTS,
    SUBMIT_METHODS,
)

SCHEMA_VERSION: Final = 2  # 2: a value with its own citation nests it (`{ value, cite }`)


def _read_clauses(reader: _Reader, data: dict[str, Any], documents: dict[str, Document]) -> None:
    for n, raw in enumerate(reader.tables(data.get("clauses", _MISSING), "clauses")):
        path = f"clauses[{n}]"
        table = reader.table(raw, path, *keys_at("clauses"))
        anchor = reader.slug(table, "anchor", path, _ANCHOR)
        document = documents.get(reader.text(table, "document", path))
        if document is None:
            reader.problem(f"{path}.document", "[[documents]] にない文書です")
            continue
        if anchor in reader.clauses:
            reader.problem(f"{path}.anchor", f"アンカー「{anchor}」が重複しています")
            continue
        if anchor and not anchor.startswith(str(data.get("id", "")) + "-"):
            reader.problem(
                f"{path}.anchor", f"アンカーは制度id「{data.get('id')}-」で始めてください（サイト全体で一意にするため）"
            )
        reader.clauses[anchor] = Clause(
            anchor, document, reader.text(table, "clause", path), reader.text(table, "title", path)
        )


def _read_rate(reader: _Reader, data: dict[str, Any]) -> Rate | None:
    table = reader.table(data.get("rate"), "rate", *keys_at("rate"))
    needs = reader.choice(table, "needs", "rate", ("any", "all")) if "needs" in table else "any"
    base = reader.rate(table, "base", "rate")
    citation = reader.citation(table.get("cite", _MISSING), "rate.cite")
    higher_value, higher_citation = reader.unwrap(table, "higher", "rate")
    higher = reader.rate(higher_value, "higher", "rate")
    conditions: list[RateCondition] = []
    for n, raw in enumerate(reader.tables(table.get("conditions", _MISSING), "rate.conditions", allow_empty=True)):
        path = f"rate.conditions[{n}]"
        cond = reader.table(raw, path, *keys_at("rate.conditions"))
        cite = reader.citation(cond.get("cite", _MISSING), f"{path}.cite")
        if cite:
            conditions.append(
                RateCondition(
                    reader.slug(cond, "id", path),
                    reader.text(cond, "label", path),
                    reader.text(cond, "title", path),
                    reader.text(cond, "text", path),
                    cite,
                )
            )
    if higher is not None or conditions:
        if higher is None or not conditions:
            reader.problem("rate", "higher（高い補助率）と conditions（その要件）はそろって必要です")
        if higher is not None and base is not None and higher <= base:
            reader.problem("rate.higher", "高い補助率は base より大きくしてください")
    if base is None or citation is None:
        if "base" not in table:
            pass  # reported by table()
        return None
    return Rate(base, citation, higher, higher_citation, tuple(conditions), needs or "any")


def _read_cap(reader: _Reader, value: Any, where: str = "cap") -> Cap | None:
    """A cap: fixed per facility, by staff band, or per unit (each unit against its category's cap)."""
    table = reader.table(value, where, *keys_at("cap"))
    kind = reader.choice(table, "kind", where, ("fixed", "by_staff", "per_unit"))
    citation = reader.citation(table.get("cite", _MISSING), f"{where}.cite")
    if kind in ("fixed", "per_unit") and "staff_count" in table:
        reader.problem(f"{where}.staff_count", 'kind = "by_staff" の上限にだけ書きます')
    if kind == "per_unit":
        return Cap(kind, citation) if citation else None
    if kind == "fixed":
        amount = reader.integer(table, "amount_yen", where, minimum=1)
        if amount is None and "amount_yen" not in table:
            reader.problem(f"{where}.amount_yen", 'kind = "fixed" には amount_yen が必要です')
        if citation is None or amount is None:
            return None
        return Cap(kind, citation, amount_yen=amount)
    if kind != "by_staff":
        return None
    bands: list[StaffBand] = []
    for n, raw in enumerate(reader.tables(table.get("bands", _MISSING), f"{where}.bands")):
        path = f"{where}.bands[{n}]"
        band = reader.table(raw, path, *keys_at("cap.bands"))
        low = reader.integer(band, "min_staff", path, minimum=1)
        high = reader.integer(band, "max_staff", path, minimum=1)
        amount = reader.integer(band, "amount_yen", path, minimum=1)
        cite = reader.citation(band.get("cite", _MISSING), f"{path}.cite")
        if low is None or amount is None or cite is None:
            continue
        if high is not None and high < low:
            reader.problem(f"{path}.max_staff", "min_staff 以上にしてください")
        if bands:
            previous = bands[-1]
            if previous.max_staff is None or low != previous.max_staff + 1:
                reader.problem(
                    f"{path}.min_staff", "区分は前の区分の max_staff + 1 から始めてください（すき間も重なりもなく）"
                )
            if amount < previous.amount_yen:
                reader.problem(f"{path}.amount_yen", "上限額は職員数とともに下がらないようにしてください")
        bands.append(StaffBand(low, high, amount, cite))
    if bands and bands[-1].max_staff is not None:
        reader.problem(f"{where}.bands", "最後の区分は max_staff を書かず、上限なし（○人～）にしてください")
    if bands and bands[0].min_staff != 1:
        reader.problem(f"{where}.bands[0].min_staff", "最初の区分は1人から始めてください")
    staff_label = reader.text(table, "staff_label", where)
    staff_note = reader.cited(table["staff_note"], f"{where}.staff_note") if "staff_note" in table else None
    staff_count = (
        _read_staff_count(reader, table["staff_count"], f"{where}.staff_count") if "staff_count" in table else None
    )
    if citation is None:
        return None
    return Cap(
        kind, citation, bands=tuple(bands), staff_label=staff_label, staff_note=staff_note, staff_count=staff_count
    )


def _read_staff_count(reader: _Reader, value: Any, where: str) -> StaffCount | None:
    """How the head count is counted: the roles counted by head (cited), the fraction (cited or a caveat)."""
    table = reader.table(value, where, *keys_at("cap.staff_count"))
    by_head_value, by_head_citation = reader.unwrap(table, "by_head", where)
    roles = by_head_value.get("by_head", [])
    if by_head_value and (
        not isinstance(roles, list) or not roles or not all(isinstance(r, str) and r.strip() for r in roles)
    ):
        reader.problem(f"{where}.by_head", "職員の呼び方（空でない文字列）の配列が必要です")
        roles = []
    fpath = f"{where}.fraction"
    fraction = reader.table(table.get("fraction", _MISSING), fpath, *keys_at("cap.staff_count.fraction"))
    digits = reader.integer(fraction, "digits", fpath, minimum=0)
    basis = reader.basis(fraction, fpath)
    caveat = fraction.get("caveat") if isinstance(fraction.get("caveat"), str) else None
    if digits is None or (basis is None and caveat is None):
        return None
    return StaffCount(
        fraction_digits=digits,
        fraction_citation=basis.citation if basis else None,
        fraction_caveat=caveat,
        by_head=tuple(roles),
        by_head_citation=by_head_citation,
    )


def _read_payments(reader: _Reader, data: dict[str, Any]) -> dict[str, Payment]:
    table = reader.table(data.get("payments"), "payments", *keys_at("payments"))
    payments: dict[str, Payment] = {}
    for payment_id in PAYMENT_IDS:
        path = f"payments.{payment_id}"
        if payment_id not in table:
            continue
        raw = reader.table(table[payment_id], path, *keys_at(f"payments.{payment_id}"))
        basis = reader.basis(raw, path)
        payments[payment_id] = Payment(
            payment_id,
            reader.flag(raw, "counted", path),
            reader.text(raw, "text", path),
            basis or _PENDING,
            reader.date(raw, "until", path),
            reader.flag(raw, "recurring", path),
        )
    return payments


def _read_categories(reader: _Reader, data: dict[str, Any]) -> list[Category]:
    categories: list[Category] = []
    for n, raw in enumerate(reader.tables(data.get("categories", _MISSING), "categories")):
        path = f"categories[{n}]"
        table = reader.table(raw, path, *keys_at("categories"))
        cite = reader.citation(table.get("cite", _MISSING), f"{path}.cite")
        conditions = [
            reader.cited(c, f"{path}.conditions[{m}]")
            for m, c in enumerate(
                reader.tables(table.get("conditions", _MISSING), f"{path}.conditions", allow_empty=True)
            )
        ]
        requires_value, requires_citation = reader.unwrap(table, "requires_any", path)
        requires = requires_value.get("requires_any", [])
        if requires_value and (
            not isinstance(requires, list) or not requires or any(r not in REQUIREMENT_FACTS for r in requires)
        ):
            reader.problem(f"{path}.requires_any", f"使えるのは {', '.join(REQUIREMENT_FACTS)} の配列です")
            requires = []
        cap_value, cap_citation = reader.unwrap(table, "eligible_cap_yen", path)
        cap = reader.integer(cap_value, "eligible_cap_yen", path, minimum=1)
        recurring = reader.flag(table, "recurring", path)
        recurring_caveat = reader.caveat_ref(table, "recurring_caveat", path)
        if recurring and recurring_caveat is None:
            reader.problem(f"{path}.recurring_caveat", "区分を恒常的な費用とみなすときは、その注意（caveat）が必要です")
        kinds: list[ExpenseKind] = []
        for m, raw_kind in enumerate(reader.tables(table.get("kinds", _MISSING), f"{path}.kinds", allow_empty=True)):
            kpath = f"{path}.kinds[{m}]"
            kind = reader.table(raw_kind, kpath, *keys_at("categories.kinds"))
            kind_cite = reader.citation(kind.get("cite", _MISSING), f"{kpath}.cite")
            said = kind.get("recurring")
            if said is not None and not isinstance(said, bool):
                reader.problem(f"{kpath}.recurring", "true か false が必要です（書かなければ「文書に定めがない」）")
                said = None
            if kind_cite:
                kinds.append(
                    ExpenseKind(reader.slug(kind, "id", kpath), reader.text(kind, "title", kpath), said, kind_cite)
                )
        _check_ids(reader, f"{path}.kinds", [k.id for k in kinds])
        unit_limit_value, unit_limit_cite = reader.unwrap(table, "unit_limit_yen", path)
        unit_limit = reader.integer(unit_limit_value, "unit_limit_yen", path, minimum=1)
        unit_cap_value, unit_cap_cite = reader.unwrap(table, "unit_cap_yen", path)
        unit_cap = reader.integer(unit_cap_value, "unit_cap_yen", path, minimum=1)
        category_id = reader.slug(table, "id", path)
        menu = reader.slug(table, "menu", path) if "menu" in table else None
        if cite is None:
            continue
        categories.append(
            Category(
                reader.slug(table, "id", path),
                reader.text(table, "label", path),
                reader.text(table, "title", path),
                reader.text(table, "text", path),
                cite,
                tuple(c for c in conditions if c),
                tuple(requires),
                requires_citation,
                recurring,
                recurring_caveat,
                cap,
                cap_citation,
                reader.flag(table, "equipment", path),
                tuple(kinds),
                menu,
                reader.flag(table, "care_software", path, default=category_id == "care_software"),
                unit_limit,
                unit_limit_cite,
                unit_cap,
                unit_cap_cite,
            )
        )
    return categories


def _read_exclusions(reader: _Reader, data: dict[str, Any]) -> list[Exclusion]:
    exclusions: list[Exclusion] = []
    for n, raw in enumerate(reader.tables(data.get("exclusions", _MISSING), "exclusions")):
        path = f"exclusions[{n}]"
        table = reader.table(raw, path, *keys_at("exclusions"))
        triggers = [k for k in ("category", "item_flag", "item_part") if k in table]
        if len(triggers) != 1:
            reader.problem(path, "category・item_flag・item_part のどれか1つで、何が対象外になるかを示してください")
        category = reader.slug(table, "category", path) if "category" in table else None
        item_flag = reader.slug(table, "item_flag", path) if "item_flag" in table else None
        if item_flag in ITEM_KEYS:  # a flag is a key of the item: it may not be one the case file has
            reader.problem(f"{path}.item_flag", f"「{item_flag}」は項目の既存のキーなので印には使えません")
        item_part = reader.choice(table, "item_part", path, ITEM_PARTS) if "item_part" in table else None
        cite = reader.citation(table.get("cite", _MISSING), f"{path}.cite")
        caveat = reader.caveat_ref(table, "caveat", path)
        if cite:
            exclusions.append(
                Exclusion(
                    reader.slug(table, "id", path),
                    reader.text(table, "title", path),
                    reader.text(table, "text", path),
                    cite,
                    category or None,
                    item_flag or None,
                    item_part or None,
                    caveat,
                )
            )
    return exclusions


def _read_application(reader: _Reader, data: dict[str, Any]) -> Application | None:
    if "application" not in data:
        return None
    path = "application"
    table = reader.table(data["application"], path, *keys_at("application"))
    receipt = reader.choice(table, "receipt", path, ("必着", "消印有効")) if "receipt" in table else ""
    deadline_value, deadline_cite = reader.unwrap(table, "completion_deadline", path)
    deadline = reader.date(deadline_value, "completion_deadline", path)
    official_url = reader.text(table, "official_url", path, default="")
    if official_url and not official_url.startswith("https://"):
        reader.problem(f"{path}.official_url", "https:// で始まるURLが必要です")
    start, end = reader.date(table, "period_start", path), reader.date(table, "period_end", path)
    if start and end and end < start:
        reader.problem(f"{path}.period_end", "period_start より後の日付にしてください")
    documents = []
    for n, raw in enumerate(reader.tables(table.get("documents", _MISSING), f"{path}.documents")):
        dpath = f"{path}.documents[{n}]"
        doc = reader.table(raw, dpath, *keys_at("application.documents"))
        cite = reader.citation(doc.get("cite", _MISSING), f"{dpath}.cite")
        if cite:
            documents.append(
                ApplicationDocument(
                    reader.text(doc, "name", dpath), reader.choice(doc, "submit_by", dpath, SUBMIT_METHODS), cite
                )
            )
    period_cite = reader.citation(table.get("cite", _MISSING), f"{path}.cite")
    email, contact_cite = reader.unwrap(table, "email", path)
    office, office_cite = reader.unwrap(table, "office", path)
    if not (start and end and period_cite and contact_cite and office_cite):
        return None
    return Application(
        start,
        end,
        reader.text(table, "period_text", path),
        period_cite,
        reader.text(email, "email", path),
        reader.text(table, "email_note", path, default=""),
        reader.text(table, "postal_address", path, default=""),
        reader.text(office, "office", path),
        contact_cite,
        office_cite,
        tuple(documents),
        receipt,
        deadline,
        deadline_cite,
        reader.text(table, "phone", path, default=""),
        reader.text(table, "hours", path, default=""),
        official_url,
    )


def _read_menus(reader: _Reader, data: dict[str, Any]) -> list[Menu]:
    """Menus (区分), each with its own cap; a scheme without them has the one top-level cap."""
    menus: list[Menu] = []
    for n, raw in enumerate(reader.tables(data.get("menus", _MISSING), "menus", allow_empty=True)):
        path = f"menus[{n}]"
        table = reader.table(raw, path, *keys_at("menus"))
        cap = _read_cap(reader, table.get("cap"), f"{path}.cap")
        max_units_value, max_units_cite = reader.unwrap(table, "max_units", path)
        max_units = reader.choice(max_units_value, "max_units", path, ("capacity",)) if max_units_value else None
        if cap is not None:
            menus.append(
                Menu(
                    reader.slug(table, "id", path),
                    reader.text(table, "title", path),
                    reader.text(table, "text", path),
                    cap,
                    max_units or None,
                    max_units_cite,
                )
            )
    _check_ids(reader, "menus", [m.id for m in menus])
    if "menus" in data and "cap" in data:
        reader.problem("cap", "[[menus]] のある制度では、上限額は区分ごと（menus[n].cap）に書きます")
    return menus


def _read_application_types(reader: _Reader, data: dict[str, Any], menus: list[Menu]) -> list[ApplicationType]:
    """Other ways to apply (パッケージ型) that replace the menu caps with one cap and a rate."""
    found: list[ApplicationType] = []
    for n, raw in enumerate(
        reader.tables(data.get("application_types", _MISSING), "application_types", allow_empty=True)
    ):
        path = f"application_types[{n}]"
        table = reader.table(raw, path, *keys_at("application_types"))
        rate = reader.rate(table, "rate", path)
        cap = reader.integer(table, "cap_yen", path, minimum=1)
        cite = reader.citation(table.get("cite", _MISSING), f"{path}.cite")
        requires = reader.slug(table, "requires_menu", path) if "requires_menu" in table else None
        if requires and requires not in {m.id for m in menus}:
            reader.problem(f"{path}.requires_menu", f"「{requires}」という区分（[[menus]] の id）はありません")
        if not menus:
            reader.problem(path, "申請の型は [[menus]] のある制度で使います")
        if rate is not None and cap is not None and cite is not None:
            found.append(
                ApplicationType(
                    reader.slug(table, "id", path),
                    reader.text(table, "title", path),
                    reader.text(table, "text", path),
                    rate,
                    cap,
                    cite,
                    reader.integer(table, "min_menus", path, minimum=1) or 1,
                    requires,
                )
            )
    _check_ids(reader, "application_types", [t.id for t in found])
    return found


def _read_notices(reader: _Reader, data: dict[str, Any]) -> tuple[SchemeNotice, ...]:
    notices = []
    for n, raw in enumerate(reader.tables(data.get("notices", _MISSING), "notices", allow_empty=True)):
        path = f"notices[{n}]"
        table = reader.table(raw, path, *keys_at("notices"))
        date = reader.date(table, "date", path)
        if date:
            notices.append(SchemeNotice(date, reader.text(table, "text", path)))
    return tuple(sorted(notices, key=lambda notice: notice.date, reverse=True))


def _read_plan(reader: _Reader, data: dict[str, Any], rate: Rate | None) -> Plan | None:
    """The plan's headings, in order: each cited, a detail under a heading before it, and a fact
    that pre-fills it only from what a case can hold (a rate condition the scheme has)."""
    if "plan" not in data:
        return None
    table = reader.table(data["plan"], "plan", *keys_at("plan"))
    citation = reader.citation(table.get("cite", _MISSING), "plan.cite")
    conditions = {c.id for c in rate.conditions} if rate else set()
    headings: list[PlanHeading] = []
    for n, raw in enumerate(reader.tables(table.get("headings", _MISSING), "plan.headings")):
        path = f"plan.headings[{n}]"
        heading = reader.table(raw, path, *keys_at("plan.headings"))
        cite = reader.citation(heading.get("cite", _MISSING), f"{path}.cite")
        parent = reader.slug(heading, "parent", path) if "parent" in heading else None
        if parent and parent not in {h.id for h in headings}:
            reader.problem(f"{path}.parent", f"「{parent}」という見出しが、この見出しより前にありません")
        fills = reader.choice(heading, "fills", path, PLAN_FACTS) if "fills" in heading else None
        condition = reader.slug(heading, "condition", path) if "condition" in heading else None
        if (fills == "rate_condition") != (condition is not None):
            reader.problem(f"{path}.condition", 'condition は fills = "rate_condition" のときだけ、必ず書きます')
        elif condition and condition not in conditions:
            message = f"「{condition}」という補助率の要件（[[rate.conditions]] の id）はありません"
            reader.problem(f"{path}.condition", message)
        if cite:
            headings.append(
                PlanHeading(
                    reader.slug(heading, "id", path),
                    reader.text(heading, "title", path),
                    reader.text(heading, "guidance", path),
                    cite,
                    reader.flag(heading, "required", path),
                    parent or None,
                    fills or None,
                    condition or None,
                )
            )
    _check_ids(reader, "plan.headings", [h.id for h in headings])
    if citation is None:
        return None
    return Plan(reader.text(table, "title", "plan"), reader.text(table, "text", "plan"), citation, tuple(headings))


def _read_forbidden_characters(reader: _Reader, data: dict[str, Any]) -> ForbiddenCharacters | None:
    if "forbidden_characters" not in data:
        return None
    path = "forbidden_characters"
    table = reader.table(data[path], path, *keys_at(path))
    allowed = reader.choice(table, "allowed", path, CHARACTER_SETS)
    citation = reader.citation(table.get("cite", _MISSING), f"{path}.cite")
    if citation is None or not allowed:
        return None
    return ForbiddenCharacters(allowed, reader.text(table, "text", path), citation)


def _read_facilities(reader: _Reader, data: dict[str, Any]) -> Facilities | None:
    if "facilities" not in data:
        return None
    table = reader.table(data["facilities"], "facilities", *keys_at("facilities"))
    cite = reader.citation(table.get("cite", _MISSING), "facilities.cite")
    services = table.get("excluded_services", [])
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        reader.problem("facilities.excluded_services", "サービス名の配列が必要です")
        services = []
    for name in services:
        if name not in CARE_SERVICES:
            reader.problem("facilities.excluded_services", f"「{name}」は介護保険法のサービス名にありません")
    if cite is None:
        return None
    return Facilities(reader.text(table, "text", "facilities"), cite, tuple(services))


# A placeholder for a rule that rests on a caveat alone; replaced by the caveat's citation in _resolve.
_PENDING: Final = Basis(citation=None, caveat=None)  # type: ignore[arg-type]


def _resolve(basis: Basis | None, raw: dict[str, Any], caveats: dict[str, Caveat]) -> Basis:
    if basis is not None and basis is not _PENDING:
        return basis
    caveat_id = raw.get("caveat")
    caveat = caveats.get(caveat_id) if isinstance(caveat_id, str) else None
    return Basis(caveat.citation, caveat.id) if caveat else _PENDING


def _left_to_fill(value: object, path: str) -> list[str]:
    """Key paths whose text still holds the skeleton's 【要記入】 (python3 -m calculator new)."""
    if isinstance(value, str):
        return [path] if TO_FILL in value else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _left_to_fill(v, _join(path, str(k)))]
    if isinstance(value, list):
        return [p for n, v in enumerate(value) for p in _left_to_fill(v, f"{path}[{n}]")]
    return []


def load_scheme(path: Path | str) -> Scheme:
    """Read and validate one scheme file; SchemeError lists every problem with its key path."""
    path = Path(path)
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SchemeError(name, [f"ファイルを読めません（{error.strerror}）"]) from None
    except UnicodeDecodeError:
        raise SchemeError(name, ["UTF-8 のテキストではありません"]) from None
    except tomllib.TOMLDecodeError as error:
        raise SchemeError(name, [f"TOML として読めません（{error}）"]) from None
    return _build(data, path)


def _build(data: dict[str, Any], path: Path) -> Scheme:
    reader = _Reader(path.name)
    for where in _left_to_fill(data, ""):
        reader.problem(where, f"{TO_FILL}が残っています（原文にもとづいて埋めてください）")
    top = reader.table(data, "", *keys_at(""))
    if top.get("schema_version") != SCHEMA_VERSION:
        upgrade = "（版1の `<キー>_cite` は `<キー> = { value = …, cite = { … } }` にまとめます）"
        reader.problem(
            "schema_version", f"{SCHEMA_VERSION} が必要です" + (upgrade if top.get("schema_version") == 1 else "")
        )
    scheme_id = reader.slug(top, "id", "", _ID).strip()
    if scheme_id and scheme_id != path.stem:
        reader.problem("id", f"ファイル名（{path.stem}.toml）と id（{scheme_id}）をそろえてください")
    fiscal_year = reader.integer(top, "fiscal_year", "", minimum=2000)
    if scheme_id and fiscal_year and not scheme_id.endswith(f"-{fiscal_year}"):
        reader.problem("id", f"id は「<都道府県>-{fiscal_year}」の形にしてください（fiscal_year と一致）")
    period_start, period_end = reader.date(top, "period_start", ""), reader.date(top, "period_end", "")
    if fiscal_year and period_start and period_start != datetime.date(fiscal_year, 4, 1):
        reader.problem("period_start", f"年度の初日 {fiscal_year}-04-01 が必要です")
    if fiscal_year and period_end and period_end != datetime.date(fiscal_year + 1, 3, 31):
        reader.problem("period_end", f"年度の末日 {fiscal_year + 1}-03-31 が必要です")

    documents: dict[str, Document] = {}
    for n, raw in enumerate(reader.tables(top.get("documents", _MISSING), "documents")):
        dpath = f"documents[{n}]"
        table = reader.table(raw, dpath, *keys_at("documents"))
        source = table.get("source")
        documents[reader.slug(table, "id", dpath)] = Document(
            table.get("id", ""),
            reader.text(table, "title", dpath),
            reader.text(table, "publisher", dpath),
            (path.parent / source).resolve() if isinstance(source, str) else None,
            reader.text(table, "date", dpath) if "date" in table else None,
        )
    _read_clauses(reader, top, documents)

    year_basis = reader.cited(top.get("year_basis", _MISSING), "year_basis")
    eligible_expenses = reader.cited(top.get("eligible_expenses", _MISSING), "eligible_expenses")
    purpose = reader.cited(top["purpose"], "purpose") if "purpose" in top else None
    rate = _read_rate(reader, top)
    cap = _read_cap(reader, top.get("cap"), "cap") if "cap" in top or "menus" not in top else None

    rounding_raw = reader.table(top.get("rounding"), "rounding", *keys_at("rounding"))
    rounding_per = (
        reader.choice(rounding_raw, "per", "rounding", ("total", "menu")) if "per" in rounding_raw else "total"
    )
    unit = reader.integer(rounding_raw, "unit_yen", "rounding", minimum=1)
    rounding_basis = reader.basis(rounding_raw, "rounding")
    tax_raw = reader.table(top.get("consumption_tax"), "consumption_tax", *keys_at("consumption_tax"))
    tax_basis = reader.basis(tax_raw, "consumption_tax")

    repeat_raw = reader.table(top.get("repeat"), "repeat", *keys_at("repeat"))
    reader.choice(repeat_raw, "rule", "repeat", ("cap_less_prior", "once_per_menu_per_year"))
    repeat_cite = reader.citation(repeat_raw.get("cite", _MISSING), "repeat.cite")
    recurring_value, recurring_cite = reader.unwrap(repeat_raw, "recurring_excluded_from_second", "repeat")
    recurring_excluded = reader.flag(recurring_value, "recurring_excluded_from_second", "repeat")
    if recurring_value and not recurring_excluded:
        reader.problem("repeat.recurring_excluded_from_second", "除かないときは、このキーを書きません")
    examples = []
    for n, raw in enumerate(reader.tables(repeat_raw.get("examples", _MISSING), "repeat.examples", allow_empty=True)):
        epath = f"repeat.examples[{n}]"
        ex = reader.table(raw, epath, *keys_at("repeat.examples"))
        cite = reader.citation(ex.get("cite", _MISSING), f"{epath}.cite")
        prior, remaining = (
            reader.integer(ex, "prior_subsidy_yen", epath),
            reader.integer(ex, "remaining_cap_yen", epath),
        )
        if cite and prior is not None and remaining is not None:
            examples.append(
                RepeatExample(
                    reader.text(ex, "text", epath),
                    reader.integer(ex, "ict_staff_fte", epath, minimum=1),
                    prior,
                    remaining,
                    cite,
                )
            )

    payments = _read_payments(reader, top)
    categories = _read_categories(reader, top)
    exclusions = _read_exclusions(reader, top)
    reader.category_ids = {c.id for c in categories} | {e.category for e in exclusions if e.category}
    menus = _read_menus(reader, top)
    application_types = _read_application_types(reader, top, menus)
    flags = {e.item_flag for e in exclusions if e.item_flag}

    requirements: list[Requirement] = []
    for n, raw in enumerate(reader.tables(top.get("requirements", _MISSING), "requirements")):
        rpath = f"requirements[{n}]"
        table = reader.table(raw, rpath, *keys_at("requirements"))
        cite = reader.citation(table.get("cite", _MISSING), f"{rpath}.cite")
        when = reader.predicates(table, "when", rpath, flags, {c.id for c in rate.conditions} if rate else set())
        if cite:
            requirements.append(
                Requirement(
                    reader.slug(table, "id", rpath),
                    reader.text(table, "label", rpath, default=""),
                    reader.text(table, "title", rpath),
                    reader.text(table, "text", rpath),
                    cite,
                    when,
                )
            )

    caveats: dict[str, Caveat] = {}
    for n, raw in enumerate(reader.tables(top.get("caveats", _MISSING), "caveats", allow_empty=True)):
        cpath = f"caveats[{n}]"
        table = reader.table(raw, cpath, *keys_at("caveats"))
        caveat_id = reader.slug(table, "id", cpath, _ANCHOR)
        if caveat_id and scheme_id and not caveat_id.startswith(scheme_id + "-"):
            reader.problem(f"{cpath}.id", f"注意のidは制度id「{scheme_id}-」で始めてください")
        if caveat_id in caveats:
            reader.problem(f"{cpath}.id", f"注意のid「{caveat_id}」が重複しています")
        if caveat_id in reader.clauses:
            reader.problem(
                f"{cpath}.id", f"注意のid「{caveat_id}」が条項のアンカーと同じです（サイトで同じidになります）"
            )
        cite = reader.citation(table.get("cite", _MISSING), f"{cpath}.cite")
        when = reader.predicates(table, "when", cpath, flags, {c.id for c in rate.conditions} if rate else set())
        alternative = (
            reader.alternative(table["alternative"], f"{cpath}.alternative", flags) if "alternative" in table else None
        )
        if cite and caveat_id:
            caveats[caveat_id] = Caveat(
                caveat_id,
                reader.text(table, "title", cpath),
                reader.text(table, "text", cpath),
                cite,
                when,
                alternative,
            )

    references: list[Reference] = []
    for n, raw in enumerate(reader.tables(top.get("references", _MISSING), "references", allow_empty=True)):
        fpath = f"references[{n}]"
        table = reader.table(raw, fpath, *keys_at("references"))
        url = table.get("url")
        if url is not None and (not isinstance(url, str) or not url.startswith("https://")):
            reader.problem(f"{fpath}.url", "https:// で始まるURLが必要です")
        cite = reader.citation(table.get("cite", _MISSING), f"{fpath}.cite")
        if cite:
            references.append(
                Reference(
                    reader.slug(table, "id", fpath, _ANCHOR),
                    reader.text(table, "label", fpath),
                    reader.text(table, "title", fpath),
                    cite,
                    url if isinstance(url, str) else None,
                )
            )
    notes: list[Note] = []
    for n, raw in enumerate(reader.tables(top.get("notes", _MISSING), "notes", allow_empty=True)):
        npath = f"notes[{n}]"
        table = reader.table(raw, npath, *keys_at("notes"))
        cite = reader.citation(table.get("cite", _MISSING), f"{npath}.cite")
        if cite:
            notes.append(
                Note(
                    reader.slug(table, "id", npath, _ANCHOR),
                    reader.text(table, "title", npath),
                    reader.text(table, "text", npath),
                    cite,
                )
            )
    application = _read_application(reader, top)
    facilities = _read_facilities(reader, top)
    plan = _read_plan(reader, top, rate)
    forbidden_characters = _read_forbidden_characters(reader, top)

    # Cross-checks that need the whole file.
    for where, caveat_id in reader.caveat_refs:
        if caveat_id not in caveats:
            reader.problem(where, f"「{caveat_id}」という注意（[[caveats]] の id）はありません")
    _check_ids(reader, "categories", [c.id for c in categories])
    _check_ids(reader, "exclusions", [e.id for e in exclusions])
    _check_ids(reader, "requirements", [r.id for r in requirements])
    _check_ids(reader, "references", [r.id for r in references])
    _check_ids(reader, "notes", [n.id for n in notes])
    if rate:
        _check_ids(reader, "rate.conditions", [c.id for c in rate.conditions])
    covered = [c.id for c in categories] + [e.category for e in exclusions if e.category]
    for category_id in sorted({c for c in covered if covered.count(c) > 1}):
        reader.problem(
            "categories",
            f"区分「{category_id}」は [[categories]] か category の [[exclusions]] の"
            f"どちらか1か所で扱ってください（今は{covered.count(category_id)}か所）",
        )
    for n, category in enumerate(categories):
        if menus and category.menu not in {m.id for m in menus}:
            reader.problem(f"categories[{n}].menu", f"[[menus]] の id が必要です（「{category.menu}」）")
        if not menus and category.menu is not None:
            reader.problem(f"categories[{n}].menu", "[[menus]] のない制度では menu を書きません")
        in_menu = next((m for m in menus if m.id == category.menu), None)
        if in_menu and (in_menu.cap.kind == "per_unit") != (category.unit_cap_yen is not None):
            reader.problem(
                f"categories[{n}].unit_cap_yen",
                '1台ごとの上限の区分（kind = "per_unit"）の経費には unit_cap_yen が必要で、ほかの区分には書きません',
            )
    for payment_id in PAYMENT_IDS:
        if payment_id not in payments:
            reader.problem(f"payments.{payment_id}", "支払方法ごとに扱いが必要です")
    for anchor in sorted(set(reader.clauses) - reader.used_anchors):
        reader.problem("clauses", f"条項「{anchor}」はどこからも引用されていません")

    if reader.problems:
        raise SchemeError(path.name, reader.problems)

    def resolved(basis: Basis | None, raw: dict[str, Any]) -> Basis:
        return _resolve(basis, raw, caveats)

    payments = {
        k: Payment(p.id, p.counted, p.text, resolved(p.basis, top["payments"][k]), p.until, p.recurring)
        for k, p in payments.items()
    }
    assert (
        rate
        and (cap or menus)
        and year_basis
        and eligible_expenses
        and repeat_cite
        and fiscal_year
        and period_start
        and period_end
    )
    return Scheme(
        id=scheme_id,
        prefecture=top["prefecture"],
        fiscal_year=fiscal_year,
        fiscal_year_label=top["fiscal_year_label"],
        title=top["title"],
        period_start=period_start,
        period_end=period_end,
        year_basis=year_basis,
        eligible_expenses=eligible_expenses,
        documents=tuple(documents.values()),
        clauses=dict(reader.clauses),
        rate=rate,
        cap=cap,
        rounding=Rounding(unit or 1, resolved(rounding_basis, rounding_raw), rounding_per or "total"),
        consumption_tax=ConsumptionTax(
            reader.flag(tax_raw, "counted", "consumption_tax"), tax_raw["text"], resolved(tax_basis, tax_raw)
        ),
        repeat=Repeat(
            repeat_raw["rule"], repeat_raw["text"], repeat_cite, recurring_excluded, recurring_cite, tuple(examples)
        ),
        payments=payments,
        categories=tuple(categories),
        exclusions=tuple(exclusions),
        requirements=tuple(requirements),
        caveats=caveats,
        references=tuple(references),
        notes=tuple(notes),
        purpose=purpose,
        application=application,
        facilities=facilities,
        menus=tuple(menus),
        application_types=tuple(application_types),
        notices=_read_notices(reader, top),
        last_checked=reader.date(top, "last_checked", ""),
        plan=plan,
        forbidden_characters=forbidden_characters,
        path=path,
    )


def _check_ids(reader: _Reader, where: str, ids: list[str]) -> None:
    for item_id in sorted({i for i in ids if ids.count(i) > 1}):
        reader.problem(where, f"id「{item_id}」が重複しています")
