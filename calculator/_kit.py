"""The preparation kit: from a case and its result to what the operator prepares for the application.

Four parts, each from the scheme's data and the engine's result, nothing typed twice:
  - the checklist: the documents with how and where each is submitted, the window and its status,
    the completion deadline, and the requirements and declarations still to meet (SECURITY ACTION…);
  - the plan draft: the headings the scheme's 導入計画 asks for, in its order, each with guidance from
    the cited clause, pre-filled where the case knows the answer, and 【記入してください】 elsewhere;
  - the expense table in the layout of a 経費所要額調書, as CSV that Excel opens as is (BOM, CRLF);
  - what the user typed that the scheme's e-application refuses (環境依存文字), by field.

None of it is a prefecture's form, and every text says so: the prefecture's own forms are submitted.
Pure: no clock (the day is passed in), no files; the CLI and the browser's worker write the bytes.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from calculator._amounts import format_yen
from calculator._case import Case
from calculator._result import Result
from calculator._scheme import Citation, PlanHeading, Scheme
from calculator._status import date_words, status
from calculator._vocabulary import ITEM_STATUS_WORDS, PAYMENT_WORDS, SUBMIT_WORDS, rate_words

# Where only the facility can write: the mark a reader finds and replaces.
TO_WRITE: Final = "【記入してください】"
# Said once at the top of every text the kit writes (the checklist, the plan draft, the CSV).
NOT_THE_FORM: Final = (
    "これは準備のための下書きと確認表で、県の様式ではありません。"
    "提出するのは県の様式です。内容を県の様式に書き写し、県の案内で確かめてから提出してください。"
)
KIT_FORMATS: Final = ("md", "txt", "csv")
# Plain text and Markdown in one model: (kind, text) blocks, kind one of h1 h2 h3 p guide li todo.
Block = tuple[str, str]


@dataclass(frozen=True)
class CheckItem:
    """One line of the checklist: what to do, how or by when, and the clause that says so."""

    id: str  # stable within a scheme, so a ticked box keeps its tick when the page is reopened
    group: str  # "documents", "dates" or "requirements"
    text: str
    detail: str = ""
    citation: Citation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "text": self.text,
            "detail": self.detail,
            "citation": self.citation.to_dict() if self.citation else None,
        }


@dataclass(frozen=True)
class PlanSection:
    """A heading of the plan draft: the scheme's guidance, what the case fills in, and whether the
    facility still has to write it."""

    id: str
    title: str
    level: int  # 2 a heading, 3 a detail of the heading before it
    required: bool
    guidance: str
    citation: Citation
    filled: tuple[str, ...]  # lines the case knows
    to_write: bool  # only the facility can write (all or the rest of) it, and has not yet
    answer: str = ""  # what the reader wrote under it (the kit page's text box)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "required": self.required,
            "guidance": self.guidance,
            "citation": self.citation.to_dict(),
            "filled": list(self.filled),
            "to_write": self.to_write,
            "answer": self.answer,
        }


@dataclass(frozen=True)
class ExpenseRow:
    """One line of the expense table: an item as typed and as the engine decided it."""

    number: int
    name: str
    category: str  # label and title, e.g. 「（１）介護ソフト」
    payment: str
    quantity: int
    unit_yen: int | None  # where the file gave a unit price, or the amount divides evenly
    amount_yen: int
    tax_yen: int
    status: str  # 対象, 一部対象 or 対象外
    eligible_yen: int
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "category": self.category,
            "payment": self.payment,
            "quantity": self.quantity,
            "unit_yen": self.unit_yen,
            "amount_yen": self.amount_yen,
            "tax_yen": self.tax_yen,
            "status": self.status,
            "eligible_yen": self.eligible_yen,
            "why": self.why,
        }


@dataclass(frozen=True)
class Finding:
    """A character the scheme's e-application refuses, where the user typed it."""

    field: str  # as the case file spells it: facility_name, items[2].name
    character: str
    position: int  # 1-based, in characters

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "character": self.character, "position": self.position}

    def __str__(self) -> str:
        return f"{self.field}: 「{self.character}」（{self.position}文字目）は使えない文字です"


@dataclass(frozen=True)
class Kit:
    scheme_id: str
    scheme_name: str
    title: str  # the scheme's title
    facility_name: str
    official_url: str
    checklist: tuple[CheckItem, ...]
    plan_title: str
    plan_text: str
    plan_citation: Citation | None
    plan: tuple[PlanSection, ...]
    expenses: tuple[ExpenseRow, ...]
    summary: tuple[tuple[str, int | str], ...]  # (label, yen or words) under the expense table
    findings: tuple[Finding, ...]
    characters_rule: str  # the scheme's words about refused characters, "" where it says nothing

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme_id,
            "scheme_name": self.scheme_name,
            "title": self.title,
            "facility_name": self.facility_name,
            "official_url": self.official_url,
            "not_the_form": NOT_THE_FORM,
            "checklist": [c.to_dict() for c in self.checklist],
            "plan_title": self.plan_title,
            "plan_text": self.plan_text,
            "plan_citation": self.plan_citation.to_dict() if self.plan_citation else None,
            "plan": [p.to_dict() for p in self.plan],
            "expenses": [e.to_dict() for e in self.expenses],
            "summary": [[label, value] for label, value in self.summary],
            "findings": [f.to_dict() for f in self.findings],
            "characters_rule": self.characters_rule,
            "plan_markdown": plan_markdown(self),
            "plan_text_plain": plan_plain(self),
        }


# ===================================================================================================
# Entry points
# ===================================================================================================


def make_kit(
    case: Case, scheme: Scheme, result: Result, today: datetime.date, answers: Mapping[str, str] | None = None
) -> Kit:
    """The kit for `case` under `scheme`, whose result is `result`, on `today` (for the window).

    `answers` are what the reader wrote under the plan's headings (heading id -> text; others are
    ignored): the draft carries them instead of 【記入してください】, and their characters are checked."""
    plan = scheme.plan
    known = {h.id for h in plan.headings} if plan else set()
    answers = {k: v.strip() for k, v in (answers or {}).items() if k in known and v.strip()}
    typed = typed_fields(case) | {f"plan.{k}": v for k, v in answers.items()}
    findings = forbidden_characters(scheme, typed)
    checklist = _checklist(scheme, result, today)
    if findings and scheme.forbidden_characters:
        where = "、".join(dict.fromkeys(f.field for f in findings))
        checklist.append(
            CheckItem(
                "characters",
                "requirements",
                f"使えない文字を直す（{len(findings)}か所: {where}）",
                scheme.forbidden_characters.text,
                scheme.forbidden_characters.citation,
            )
        )
    return Kit(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        title=scheme.title,
        facility_name=case.facility_name,
        official_url=scheme.application.official_url if scheme.application else "",
        checklist=tuple(checklist),
        plan_title=plan.title if plan else "導入計画",
        plan_text=plan.text if plan else "この制度のデータには、導入計画の見出しがまだありません。",
        plan_citation=plan.citation if plan else None,
        plan=tuple(_plan_sections(case, scheme, result, answers)),
        expenses=tuple(_expense_rows(case, scheme, result)),
        summary=tuple(_summary(result)),
        findings=tuple(findings),
        characters_rule=scheme.forbidden_characters.text if scheme.forbidden_characters else "",
    )


def typed_fields(case: Case) -> dict[str, str]:
    """What the user typed as free text in the case file, by field (the e-application gets these)."""
    fields = {"facility_name": case.facility_name, "note": case.note}
    fields.update({f"items[{n}].name": item.name for n, item in enumerate(case.items)})
    return {field: text for field, text in fields.items() if text}


def forbidden_characters(scheme: Scheme, fields: dict[str, str]) -> list[Finding]:
    """Each character of `fields` the scheme's e-application refuses; none where the scheme says nothing."""
    if scheme.forbidden_characters is None:
        return []
    return [
        Finding(field, character, position)
        for field, text in fields.items()
        for position, character in enumerate(text, 1)
        if not _in_jis_x_0208(character)
    ]


def kit_markdown(kit: Kit) -> str:
    """The whole kit as one Markdown document: checklist, plan draft, expense table, characters."""
    return _markdown(_kit_blocks(kit)) + "\n" + _expense_markdown(kit) + _findings_markdown(kit)


def kit_plain(kit: Kit) -> str:
    """The whole kit as plain text, for a word processor or an e-mail."""
    return _plain(_kit_blocks(kit)) + "\n" + _expense_plain(kit) + _findings_plain(kit)


def plan_markdown(kit: Kit) -> str:
    return _markdown(_plan_blocks(kit))


def plan_plain(kit: Kit) -> str:
    return _plain(_plan_blocks(kit))


def text_file(text: str) -> bytes:
    """Plain text as a file for Windows' word processors: with a BOM Word and Notepad read it as
    UTF-8 (without one, Japanese Word may take it for Shift_JIS), with CRLF line ends."""
    return ("\ufeff" + text.replace("\r\n", "\n").replace("\n", "\r\n")).encode("utf-8")


def expense_csv(kit: Kit) -> bytes:
    """The expense table as CSV that Excel opens as is in Japanese: UTF-8 with a BOM, CRLF lines.

    Amounts are plain integers (so Excel sums them); rates are words (「2分の1」), which Excel
    would otherwise read as a date."""
    rows: list[list[object]] = [[f"経費所要額調書（下書き） {kit.scheme_name} {kit.title}"], [NOT_THE_FORM]]
    if kit.facility_name:
        rows.append(["事業所名", kit.facility_name])
    rows += [[], list(EXPENSE_COLUMNS)]
    for row in kit.expenses:
        rows.append(
            [
                row.number,
                row.name,
                row.category,
                row.payment,
                row.quantity,
                "" if row.unit_yen is None else row.unit_yen,
                row.amount_yen,
                row.tax_yen,
                row.amount_yen + row.tax_yen,
                row.status,
                row.eligible_yen,
                row.why,
            ]
        )
    rows += [[], list(SUMMARY_COLUMNS)]
    rows += [[label, value] for label, value in kit.summary]
    return ("\ufeff" + "".join(",".join(_csv_field(v) for v in row) + "\r\n" for row in rows)).encode("utf-8")


def _csv_field(value: object) -> str:
    """RFC 4180 by hand (the browser's small standard library has no csv module): a field with a
    comma, a quote or a line break is quoted, its quotes doubled."""
    text = str(value)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


SUMMARY_COLUMNS: Final = ("集計", "金額（円）・内容")
EXPENSE_COLUMNS: Final = (
    "番号",
    "品名",
    "区分",
    "支払方法",
    "数量",
    "単価（円）",
    "金額（税抜・円）",
    "消費税（円）",
    "合計（税込・円）",
    "判定",
    "補助対象経費（円）",
    "判定の理由",
)


# ===================================================================================================
# The checklist
# ===================================================================================================


def _checklist(scheme: Scheme, result: Result, today: datetime.date) -> list[CheckItem]:
    items: list[CheckItem] = []
    application = scheme.application
    plan_document = scheme.plan.title if scheme.plan else ""
    if application is not None:
        for n, document in enumerate(application.documents):
            items.append(
                CheckItem(
                    f"document-{n}",
                    "documents",
                    document.name,
                    _how_submitted(document.submit_by, scheme),
                    document.citation,
                )
            )
    if plan_document and not (application and any(d.name == plan_document for d in application.documents)):
        assert scheme.plan is not None
        items.append(
            CheckItem(
                "plan",
                "documents",
                plan_document,
                "このキットの下書きをもとに、県の様式で作ります。",
                scheme.plan.citation,
            )
        )
    if application is None:
        items.append(
            CheckItem(
                "documents-unstated",
                "documents",
                "提出書類と提出先を県の案内で確かめる",
                f"{scheme.documents[0].title}には、提出書類と提出先が書かれていません。",
            )
        )
    _, window_words = status(scheme, today)
    items.append(
        CheckItem(
            "window",
            "dates",
            f"受付期間: {application.period_text}" if application else "受付期間を県の案内で確かめる",
            f"{date_words(today)}の時点で、{window_words}",
            application.citation if application else None,
        )
    )
    if application and application.completion_deadline:
        items.append(
            CheckItem(
                "completion",
                "dates",
                f"事業の完了期限: {date_words(application.completion_deadline)}",
                "導入（契約・納品・支払い）をこの日までに終えます。",
                application.completion_citation,
            )
        )
    for requirement in result.requirements:
        label = f"{requirement.label} " if requirement.label else ""
        items.append(
            CheckItem(
                f"requirement-{requirement.id}",
                "requirements",
                f"{label}{requirement.title}",
                requirement.text,
                requirement.citation,
            )
        )
    seen: set[str] = set()
    for item in result.items:
        if item.status == "excluded":
            continue
        for condition in item.conditions:
            if condition.text in seen:
                continue
            seen.add(condition.text)
            items.append(
                CheckItem(
                    f"condition-{len(seen)}",
                    "requirements",
                    f"{item.category_title}: {condition.text}",
                    "導入するものが満たす条件です。カタログや見積書で確かめます。",
                    condition.citation,
                )
            )
    return items


def _how_submitted(submit_by: str, scheme: Scheme) -> str:
    application = scheme.application
    assert application is not None
    where = []
    if submit_by in ("email", "email_or_post") and application.email:
        note = f"（{application.email_note}）" if application.email_note else ""
        where.append(f"メール: {application.email}{note}")
    if submit_by in ("post", "email_or_post") and application.postal_address:
        where.append(f"郵送: {application.postal_address} {application.office}")
    return f"{SUBMIT_WORDS[submit_by]}で提出。" + "　".join(where)


# ===================================================================================================
# The plan draft
# ===================================================================================================


def _plan_sections(case: Case, scheme: Scheme, result: Result, answers: Mapping[str, str]) -> list[PlanSection]:
    if scheme.plan is None:
        return []
    return [
        PlanSection(
            heading.id,
            heading.title,
            3 if heading.parent else 2,
            heading.required,
            heading.guidance,
            heading.citation,
            tuple(filled := _filled(heading, case, scheme, result)),
            heading.id not in answers and (not filled or heading.fills != "items"),
            answers.get(heading.id, ""),
        )
        for heading in scheme.plan.headings
    ]


def _filled(heading: PlanHeading, case: Case, scheme: Scheme, result: Result) -> list[str]:
    """What the case says under this heading: its items, or the rate conditions it claims."""
    conditions = {c.id: c for c in scheme.rate.conditions}
    if heading.fills == "items":
        order = {c.id: n for n, c in enumerate(scheme.categories)}
        labels = {c.id: f"{c.label}{c.title}" for c in scheme.categories}
        return [
            f"{labels.get(item.category, item.category_title)}: {item.name}"
            + (f" 数量{case.items[item.index].quantity}" if case.items[item.index].quantity > 1 else "")
            + f" {format_yen(item.amount_yen)}（税抜）"
            + _item_note(item.amount_yen, item.eligible_yen)
            for item in sorted(result.items, key=lambda i: (order.get(i.category, len(order)), i.index))
        ]
    if heading.fills == "rate_conditions":
        return [
            f"{conditions[c].label} {conditions[c].title}: {conditions[c].text}"
            for c in result.higher_rate_conditions
            if c in conditions
        ]
    if heading.fills == "rate_condition" and heading.condition in case.higher_rate_conditions:
        condition = conditions[heading.condition]
        claimed = f"{condition.label} {condition.title}"
        return [f"有（予定を含む）。補助率を上げる要件「{claimed}」を満たすとして試算しています。"]
    return []


def _item_note(amount_yen: int, eligible_yen: int) -> str:
    if eligible_yen == amount_yen:
        return ""
    if eligible_yen:
        return f"（うち補助対象 {format_yen(eligible_yen)}）"
    return "（補助の対象外）"


def _plan_blocks(kit: Kit) -> list[Block]:
    blocks: list[Block] = [("h1", f"{kit.plan_title}（下書き）"), ("p", f"{kit.scheme_name} {kit.title}")]
    if kit.facility_name:
        blocks.append(("p", f"事業所名: {kit.facility_name}"))
    blocks += [("p", NOT_THE_FORM)]
    if kit.official_url:
        blocks.append(("p", f"県の様式と要綱: {kit.official_url}"))
    blocks.append(("p", kit.plan_text + (f" {_cite_words(kit.plan_citation)}" if kit.plan_citation else "")))
    if kit.characters_rule:
        blocks.append(("p", f"使えない文字: {kit.characters_rule}"))
    number = 0
    for section in kit.plan:
        if section.level == 2:
            number += 1
            title = f"{number}. {section.title}"
        else:
            title = section.title
        if section.required:
            title += "（文書が求める内容）"
        blocks.append(("h2" if section.level == 2 else "h3", title))
        blocks.append(("guide", f"書くこと: {section.guidance} {_cite_words(section.citation)}"))
        blocks.extend(("li", line) for line in section.filled)
        blocks.extend(("p", line) for line in section.answer.splitlines() if line.strip())
        if section.to_write:
            blocks.append(("todo", TO_WRITE))
    return blocks


def _cite_words(citation: Citation) -> str:
    return f"（出典: {citation.clause.clause}「{citation.quote}」）"


# ===================================================================================================
# The expense table
# ===================================================================================================


def _expense_rows(case: Case, scheme: Scheme, result: Result) -> list[ExpenseRow]:
    rows = []
    for decision, item in zip(result.items, case.items, strict=True):
        category = scheme.category(decision.category)
        unit = item.unit_amount_yen
        if unit is None and item.amount_yen % item.quantity == 0:
            unit = item.amount_yen // item.quantity
        rows.append(
            ExpenseRow(
                decision.index + 1,
                decision.name,
                f"{category.label}{category.title}" if category else decision.category_title,
                PAYMENT_WORDS.get(decision.payment, decision.payment),
                item.quantity,
                unit,
                decision.amount_yen,
                decision.consumption_tax_yen,
                ITEM_STATUS_WORDS[decision.status],
                decision.eligible_yen,
                " ".join(f"{r.text}{_cite_words(r.citation)}" for r in decision.reasons),
            )
        )
    return rows


def _summary(result: Result) -> list[tuple[str, int | str]]:
    rows: list[tuple[str, int | str]] = []
    for menu in result.menus:
        rows += [
            (f"区分「{menu.title}」の補助対象経費", menu.eligible_expense_yen),
            (f"区分「{menu.title}」の補助率", rate_words(Fraction(menu.rate))),
            (f"区分「{menu.title}」の上限額", menu.cap_yen),
            (f"区分「{menu.title}」の補助額", menu.subsidy_yen),
        ]
    rows += [
        ("経費の総額（税込）", result.total_cost_yen),
        ("補助対象経費", result.eligible_expense_yen),
        ("補助率", rate_words(Fraction(result.rate))),
        ("上限額（これまでの補助を引いた額）", result.remaining_cap_yen),
        ("補助額", result.subsidy_yen),
    ]
    low, high = result.subsidy_range_yen
    if low != high:
        rows.append(("補助額の幅（文書の読み方による）", f"{format_yen(low)}〜{format_yen(high)}"))
    if not result.eligible:
        rows.append(("補助の対象", "この事業所は補助の対象になりません（対象外）"))
    rows.append(("自己負担額", result.self_pay_yen))
    return rows


# ===================================================================================================
# Rendering: one block model, two outputs
# ===================================================================================================


def _kit_blocks(kit: Kit) -> list[Block]:
    blocks: list[Block] = [
        ("h1", f"申請の準備キット: {kit.scheme_name} {kit.title}"),
        ("p", NOT_THE_FORM),
    ]
    if kit.official_url:
        blocks.append(("p", f"県の様式と要綱: {kit.official_url}"))
    groups = {"documents": "提出するもの", "dates": "期限", "requirements": "満たす必要のある要件と宣言"}
    for group, title in groups.items():
        entries = [c for c in kit.checklist if c.group == group]
        if not entries:
            continue
        blocks.append(("h2", title))
        for entry in entries:
            cite = f" {_cite_words(entry.citation)}" if entry.citation else ""
            blocks.append(("check", f"{entry.text} — {entry.detail}{cite}" if entry.detail else entry.text + cite))
    return blocks + _demoted(_plan_blocks(kit))


def _demoted(blocks: list[Block]) -> list[Block]:
    """The plan draft inside the kit: its headings one level down."""
    lower = {"h1": "h2", "h2": "h3", "h3": "h4"}
    return [(lower.get(kind, kind), text) for kind, text in blocks]


def _markdown(blocks: list[Block]) -> str:
    marks = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "li": "- ", "check": "- [ ] ", "guide": "> "}
    lines = []
    for kind, text in blocks:
        lines += [marks.get(kind, "") + _md_escape(text), ""]
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    """A line of the user's or the data's words, kept as words in Markdown (no markup from them)."""
    flat = " ".join(text.splitlines())  # a line break typed in a name would end the list item
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in flat)


def _plain(blocks: list[Block]) -> str:
    marks = {"h1": "", "h2": "■ ", "h3": "● ", "h4": "◆ ", "li": "・", "check": "□ ", "guide": "　"}
    lines = []
    for kind, text in blocks:
        if kind == "h1":
            lines += [text, "=" * 40, ""]
        else:
            lines += [marks.get(kind, "") + text, ""]
    return "\n".join(lines)


def _expense_markdown(kit: Kit) -> str:
    lines = ["## 経費所要額調書（下書き）", ""]
    lines.append("| " + " | ".join(EXPENSE_COLUMNS[:-1]) + " |")
    lines.append("|" + " --- |" * (len(EXPENSE_COLUMNS) - 1))
    for row in kit.expenses:
        cells = [
            str(row.number),
            _md_escape(row.name),
            row.category,
            row.payment,
            str(row.quantity),
            "" if row.unit_yen is None else format_yen(row.unit_yen),
            format_yen(row.amount_yen),
            format_yen(row.tax_yen),
            format_yen(row.amount_yen + row.tax_yen),
            row.status,
            format_yen(row.eligible_yen),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"- {label}: {_value_words(value)}" for label, value in kit.summary]
    return "\n".join(lines) + "\n"


def _expense_plain(kit: Kit) -> str:
    lines = ["■ 経費所要額調書（下書き）", ""]
    for row in kit.expenses:
        unit = f" 単価{format_yen(row.unit_yen)}" if row.unit_yen is not None else ""
        lines.append(
            f"{row.number}. {row.name}（{row.category}、{row.payment}）数量{row.quantity}{unit}"
            f" 金額{format_yen(row.amount_yen)} 消費税{format_yen(row.tax_yen)}"
            f" → {row.status} {format_yen(row.eligible_yen)}"
        )
    lines.append("")
    lines += [f"{label}: {_value_words(value)}" for label, value in kit.summary]
    return "\n".join(lines) + "\n"


def _value_words(value: int | str) -> str:
    return format_yen(value) if isinstance(value, int) else value


def _findings_markdown(kit: Kit) -> str:
    if not kit.findings:
        return ""
    lines = ["", "## 使えない文字（環境依存文字）", "", _md_escape(kit.characters_rule), ""]
    lines += [f"- {_md_escape(str(f))}" for f in kit.findings]
    return "\n".join(lines) + "\n"


def _findings_plain(kit: Kit) -> str:
    if not kit.findings:
        return ""
    return "\n".join(["", "■ 使えない文字（環境依存文字）", "", kit.characters_rule, *map(str, kit.findings)]) + "\n"


# ===================================================================================================
# Characters
# ===================================================================================================


# The C codecs themselves: built into Pyodide, where the small standard library of the simulator's
# worker has no encodings.shift_jis module to look them up by name; the same codecs in CPython.
_CODECS_JP: Final = importlib.import_module("_codecs_jp")
_SHIFT_JIS: Final = _CODECS_JP.getcodec("shift_jis")
_CP932: Final = _CODECS_JP.getcodec("cp932")


def _in_jis_x_0208(character: str) -> bool:
    """JIS X 0208 (JIS第1・第2水準 and its non-kanji), with ASCII and half-width kana (JIS X 0201).

    Shift_JIS is exactly that. A character Windows writes with another code point for the same JIS
    character (～ U+FF5E for 〜, － U+FF0D for −) is taken too: CP932 gives it a JIS X 0208 byte pair.
    What CP932 adds (NEC row 13: ①, Ⅰ, ㎝; IBM extensions: 髙, 﨑) and everything outside it is not."""
    try:
        _SHIFT_JIS.encode(character)
        return True
    except UnicodeEncodeError:
        pass
    try:
        _SHIFT_JIS.decode(_CP932.encode(character)[0])
        return True
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
