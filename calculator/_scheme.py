"""The typed form of one scheme file: what the engine and the site read.

Every rule that comes from the source document holds a `Citation`; a rule the document is silent
on holds the id of the caveat that says so instead. The loader (`_loader.py`) guarantees one or
the other, so nothing here is optional by accident.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    publisher: str
    source: Path | None  # the text the quotes are checked against; absent where only the wheel is
    date: str | None = None  # as the document writes it (checked against its text); None if it gives none


@dataclass(frozen=True)
class Clause:
    """A clause of a source document, with the anchor id its guide page carries."""

    anchor: str
    document: Document
    clause: str
    title: str


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: document, clause, a short quote and the anchor id on the site."""

    clause: Clause
    quote: str

    @property
    def anchor(self) -> str:
        return self.clause.anchor

    def to_dict(self) -> dict[str, str]:
        return {
            "document": self.clause.document.title,
            "publisher": self.clause.document.publisher,
            "clause": self.clause.clause,
            "quote": self.quote,
            "anchor": self.clause.anchor,
        }


@dataclass(frozen=True)
class Cited:
    """A sentence of our own plain Japanese, and the clause it rests on."""

    text: str
    citation: Citation


@dataclass(frozen=True)
class Basis:
    """A rule's footing: a citation, or, where the document is silent, the caveat that says so."""

    citation: Citation
    caveat: str | None = None  # id of a Caveat; the citation then points at the nearest clause


@dataclass(frozen=True)
class Note:
    """A cited point for the guide pages that is no rule of the engine (e.g. "meet all of (1)-(5)")."""

    id: str
    title: str
    text: str
    citation: Citation


@dataclass(frozen=True)
class RateCondition:
    id: str
    label: str
    title: str
    text: str
    citation: Citation


@dataclass(frozen=True)
class Rate:
    base: Fraction
    citation: Citation
    higher: Fraction | None = None
    higher_citation: Citation | None = None
    conditions: tuple[RateCondition, ...] = ()
    needs: str = "any"  # "any": one condition raises the rate; "all": every one must hold


@dataclass(frozen=True)
class StaffBand:
    min_staff: int
    max_staff: int | None
    amount_yen: int
    citation: Citation

    def label(self) -> str:
        upper = f"{self.max_staff}人" if self.max_staff is not None else ""
        return f"{self.min_staff}～{upper}" if upper else f"{self.min_staff}人以上"


@dataclass(frozen=True)
class StaffCount:
    """How a head count by 常勤換算 is made, for the form's helper: the roles the document lets count by
    head (常勤・非常勤を問わず実人数), and to how many decimals a 常勤換算 is counted (cut below). Where
    the document is silent on the fraction, `fraction_caveat` names the caveat that says so."""

    fraction_digits: int
    fraction_citation: Citation | None = None
    fraction_caveat: str | None = None
    by_head: tuple[str, ...] = ()
    by_head_citation: Citation | None = None


@dataclass(frozen=True)
class Cap:
    kind: str  # "fixed", "by_staff" or "per_unit" (each unit against its category's unit cap)
    citation: Citation
    amount_yen: int | None = None
    bands: tuple[StaffBand, ...] = ()
    staff_label: str = ""
    staff_note: Cited | None = None
    staff_count: StaffCount | None = None


@dataclass(frozen=True)
class Rounding:
    unit_yen: int  # the subsidy is rounded down to a multiple of this
    basis: Basis
    per: str = "total"  # "total": the sum is rounded; "menu": each menu's amount is


@dataclass(frozen=True)
class ConsumptionTax:
    counted: bool
    text: str
    basis: Basis


@dataclass(frozen=True)
class RepeatExample:
    text: str
    ict_staff_fte: int | None
    prior_subsidy_yen: int
    remaining_cap_yen: int
    citation: Citation


@dataclass(frozen=True)
class Repeat:
    # "cap_less_prior": later subsidies fit within the cap less all earlier ones;
    # "once_per_menu_per_year": a menu subsidised earlier in the same fiscal year is not again.
    rule: str
    text: str
    citation: Citation
    recurring_excluded_from_second: bool
    recurring_citation: Citation | None
    examples: tuple[RepeatExample, ...] = ()


@dataclass(frozen=True)
class Payment:
    id: str  # "purchase", "lease" or "monthly"
    counted: bool
    text: str
    basis: Basis
    until: datetime.date | None = None
    recurring: bool = False


@dataclass(frozen=True)
class ExpenseKind:
    """A kind of expense within a category (e.g. 導入設定), and whether it is a recurring cost.

    `recurring` None means the document does not say: the category's assumption applies."""

    id: str
    title: str
    recurring: bool | None
    citation: Citation


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    title: str
    text: str
    citation: Citation
    conditions: tuple[Cited, ...] = ()
    requires_any: tuple[str, ...] = ()
    requires_citation: Citation | None = None
    recurring: bool = False  # what an item of this category is taken to be when nothing says
    recurring_caveat: str | None = None  # the caveat shown when that assumption decides an item
    eligible_cap_yen: int | None = None
    eligible_cap_citation: Citation | None = None
    equipment: bool = False  # 機器: equipment rather than software or a service
    kinds: tuple[ExpenseKind, ...] = ()
    menu: str | None = None  # the menu (区分) it belongs to, where the scheme has menus
    care_software: bool = False  # an item of it introduces care software (a precondition elsewhere)
    unit_limit_yen: int | None = None  # eligible expense per unit at most (タブレット1台につき10万円)
    unit_limit_citation: Citation | None = None
    unit_cap_yen: int | None = None  # subsidy per unit at most, in a per-unit menu (1台につき上限)
    unit_cap_citation: Citation | None = None

    def kind(self, kind_id: str) -> ExpenseKind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)


@dataclass(frozen=True)
class Menu:
    """A menu (区分) with its own cap: the subsidy is the sum over menus."""

    id: str
    title: str
    text: str
    cap: Cap
    max_units: str | None = None  # "capacity": the units counted are at most the facility's capacity
    max_units_citation: Citation | None = None


@dataclass(frozen=True)
class ApplicationType:
    """Another way to apply (パッケージ型) that replaces the menu caps with one cap and its own rate."""

    id: str
    title: str
    text: str
    rate: Fraction
    cap_yen: int
    citation: Citation
    min_menus: int = 1
    requires_menu: str | None = None


@dataclass(frozen=True)
class Exclusion:
    id: str
    title: str
    text: str
    citation: Citation
    category: str | None = None
    item_flag: str | None = None
    item_part: str | None = None
    caveat: str | None = None


@dataclass(frozen=True)
class Requirement:
    id: str
    label: str
    title: str
    text: str
    citation: Citation
    when: tuple[str, ...] = ("always",)


@dataclass(frozen=True)
class Alternative:
    """The other reading a caveat allows, as one of the engine's rules (ALTERNATIVE_RULES)."""

    rule: str  # e.g. "rounding_unit:1000"
    reading: str  # one line: 「…と読むと」


@dataclass(frozen=True)
class Caveat:
    id: str
    title: str
    text: str
    citation: Citation
    when: tuple[str, ...]
    alternative: Alternative | None = None


@dataclass(frozen=True)
class Facilities:
    """Which facilities may apply: the services a scheme excludes (by their names in the act)."""

    text: str
    citation: Citation
    excluded_services: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    id: str
    label: str
    title: str
    citation: Citation
    url: str | None = None


@dataclass(frozen=True)
class ApplicationDocument:
    name: str
    submit_by: str  # "email", "email_or_post" or "post"
    citation: Citation


@dataclass(frozen=True)
class Application:
    period_start: datetime.date
    period_end: datetime.date
    period_text: str
    citation: Citation
    email: str
    email_note: str
    postal_address: str
    office: str
    contact_citation: Citation
    office_citation: Citation
    documents: tuple[ApplicationDocument, ...] = ()
    receipt: str = ""  # "必着" (must arrive by the end) or "消印有効" (postmarked by it)
    completion_deadline: datetime.date | None = None  # the work must be done by then
    completion_citation: Citation | None = None
    phone: str = ""
    hours: str = ""
    official_url: str = ""  # the prefecture's page of the scheme (forms, 要綱)


@dataclass(frozen=True)
class SchemeNotice:
    """A dated notice (お知らせ) the prefecture published about the scheme."""

    date: datetime.date
    text: str


@dataclass(frozen=True)
class PlanHeading:
    """A heading of the scheme's 導入計画, with what to write under it and the clause asking for it."""

    id: str
    title: str
    guidance: str
    citation: Citation
    required: bool = False  # the document asks for it; otherwise it is desirable or only suggested
    parent: str | None = None  # the heading it details (e.g. データ連携 when the answer is 有)
    fills: str | None = None  # the case fact that pre-fills it (_vocabulary.PLAN_FACTS)
    condition: str | None = None  # the rate condition, where fills == "rate_condition"


@dataclass(frozen=True)
class Plan:
    """The plan (導入計画) a scheme asks for: its headings in the order they are written."""

    title: str
    text: str
    citation: Citation
    headings: tuple[PlanHeading, ...]


@dataclass(frozen=True)
class ForbiddenCharacters:
    """Where a scheme's e-application refuses 環境依存文字: the characters it takes, in words and cited."""

    allowed: str  # one of _vocabulary.CHARACTER_SETS
    text: str
    citation: Citation


@dataclass(frozen=True)
class Scheme:
    id: str
    prefecture: str
    fiscal_year: int
    fiscal_year_label: str
    title: str
    period_start: datetime.date
    period_end: datetime.date
    year_basis: Cited
    eligible_expenses: Cited
    documents: tuple[Document, ...]
    clauses: dict[str, Clause]
    rate: Rate
    cap: Cap | None  # None where the scheme has menus, each with its own cap
    rounding: Rounding
    consumption_tax: ConsumptionTax
    repeat: Repeat
    payments: dict[str, Payment]
    categories: tuple[Category, ...]
    exclusions: tuple[Exclusion, ...]
    requirements: tuple[Requirement, ...]
    caveats: dict[str, Caveat]
    references: tuple[Reference, ...] = ()
    notes: tuple[Note, ...] = ()
    purpose: Cited | None = None
    application: Application | None = None
    facilities: Facilities | None = None
    menus: tuple[Menu, ...] = ()
    application_types: tuple[ApplicationType, ...] = ()
    notices: tuple[SchemeNotice, ...] = ()
    last_checked: datetime.date | None = None  # when the data were last read against the source
    plan: Plan | None = None  # the 導入計画 and its headings, where the data give them
    forbidden_characters: ForbiddenCharacters | None = None  # where the scheme refuses 環境依存文字
    path: Path | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        """'茨城県 令和5年度' — how the site and messages name the scheme."""
        return f"{self.prefecture} {self.fiscal_year_label}"

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def staff_cap(self) -> Cap | None:
        """The cap by staff band, at the top or in a menu, if the scheme has one (the case then needs staff)."""
        caps = [self.cap] if self.cap else [m.cap for m in self.menus]
        return next((c for c in caps if c.kind == "by_staff"), None)

    def menu(self, menu_id: str) -> Menu | None:
        return next((m for m in self.menus if m.id == menu_id), None)

    def application_type(self, type_id: str) -> ApplicationType | None:
        return next((t for t in self.application_types if t.id == type_id), None)

    def category_ids(self) -> tuple[str, ...]:
        """Every category a case may name: those counted and those the scheme excludes by name."""
        return tuple(c.id for c in self.categories) + tuple(e.category for e in self.exclusions if e.category)

    def item_flags(self) -> tuple[str, ...]:
        """Flags an item may carry in this scheme (each triggers an exclusion)."""
        return tuple(e.item_flag for e in self.exclusions if e.item_flag)

    def item_parts(self) -> tuple[str, ...]:
        return tuple(e.item_part for e in self.exclusions if e.item_part)
