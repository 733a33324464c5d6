"""The explanation: a tree of small dataclasses with a plain-JSON form.

What the CLI prints with ``--json`` is exactly what the simulator's worker posts to the page, so
every field here is part of the public contract. Each step and decision keeps its citation.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from calculator._scheme import Citation
from calculator._vocabulary import ITEM_STATUS_WORDS, PAYMENT_WORDS, rate_words


@dataclass(frozen=True)
class Reason:
    """Why an item is counted or excluded, in one sentence, with the clause it rests on."""

    text: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citation": self.citation.to_dict()}


@dataclass(frozen=True)
class ItemDecision:
    index: int
    name: str
    category: str
    category_title: str
    payment: str
    amount_yen: int
    consumption_tax_yen: int
    eligible_yen: int
    status: str  # "counted", "partly_counted" or "excluded"
    reasons: tuple[Reason, ...]
    conditions: tuple[Reason, ...] = ()  # what the item must still satisfy to count

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "category": self.category,
            "category_title": self.category_title,
            "payment": self.payment,
            "payment_words": PAYMENT_WORDS[self.payment],
            "amount_yen": self.amount_yen,
            "consumption_tax_yen": self.consumption_tax_yen,
            "eligible_yen": self.eligible_yen,
            "status": self.status,
            "status_words": ITEM_STATUS_WORDS[self.status],
            "reasons": [r.to_dict() for r in self.reasons],
            "conditions": [c.to_dict() for c in self.conditions],
        }


@dataclass(frozen=True)
class Step:
    """One step of the calculation: a plain-Japanese sentence, its figure and its clause."""

    id: str
    text: str
    amount_yen: int | None
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "amount_yen": self.amount_yen, "citation": self.citation.to_dict()}


@dataclass(frozen=True)
class Notice:
    """A caveat that applies, or a requirement still to meet."""

    id: str
    title: str
    text: str
    citation: Citation
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "title": self.title, "text": self.text, "citation": self.citation.to_dict()}
        if self.label:
            data["label"] = self.label
        return data


@dataclass(frozen=True)
class MenuResult:
    """One menu (区分) of a scheme with menus: its eligible expense, rate, cap, amount and steps."""

    id: str
    title: str
    eligible_expense_yen: int
    rate: str
    cap_yen: int
    subsidy_yen: int
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "eligible_expense_yen": self.eligible_expense_yen,
            "rate": self.rate,
            "rate_words": rate_words(Fraction(self.rate)),
            "cap_yen": self.cap_yen,
            "subsidy_yen": self.subsidy_yen,
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class AlternativeAmount:
    """The subsidy under the other reading a shown caveat allows (the document is ambiguous)."""

    caveat: str  # the caveat's id
    title: str
    reading: str  # one line: 「…と読むと」
    subsidy_yen: int

    def to_dict(self) -> dict[str, Any]:
        return {"caveat": self.caveat, "title": self.title, "reading": self.reading, "subsidy_yen": self.subsidy_yen}


@dataclass(frozen=True)
class Result:
    scheme_id: str
    scheme_name: str
    subsidy_yen: int
    eligible_expense_yen: int
    rate: str  # e.g. "3/4"
    cap_yen: int  # the facility's cap before earlier subsidies are deducted
    remaining_cap_yen: int  # cap less earlier subsidies
    rate_amount_yen: int  # eligible × rate, rounded as the scheme says
    cap_binds: bool  # the cap, not the rate, decided the subsidy
    cap_binds_from_yen: int  # the eligible expense from which the cap decides the subsidy
    total_cost_yen: int  # every item with tax, counted or not
    self_pay_yen: int  # total cost less the subsidy and what other subsidies pay
    items: tuple[ItemDecision, ...]
    steps: tuple[Step, ...]
    caveats: tuple[Notice, ...]
    requirements: tuple[Notice, ...]  # still to meet
    requirements_met: tuple[str, ...]
    higher_rate_conditions: tuple[str, ...]
    eligible: bool = True  # False: the facility may not apply at all (never the same as 0円)
    ineligible_reasons: tuple[Reason, ...] = ()
    alternatives: tuple[AlternativeAmount, ...] = ()
    other_subsidy_yen: int = 0  # what other subsidies pay of these costs (the operator does not)
    menus: tuple[MenuResult, ...] = ()  # each menu, where the scheme has menus (区分)

    @property
    def subsidy_range_yen(self) -> tuple[int, int]:
        """The lowest and highest subsidy over this result and its alternative readings."""
        amounts = [self.subsidy_yen, *(a.subsidy_yen for a in self.alternatives)]
        return min(amounts), max(amounts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme_id,
            "scheme_name": self.scheme_name,
            "subsidy_yen": self.subsidy_yen,
            "eligible_expense_yen": self.eligible_expense_yen,
            "rate": self.rate,
            "rate_words": rate_words(Fraction(self.rate)),
            "cap_yen": self.cap_yen,
            "remaining_cap_yen": self.remaining_cap_yen,
            "rate_amount_yen": self.rate_amount_yen,
            "cap_binds": self.cap_binds,
            "cap_binds_from_yen": self.cap_binds_from_yen,
            "total_cost_yen": self.total_cost_yen,
            "self_pay_yen": self.self_pay_yen,
            "other_subsidy_yen": self.other_subsidy_yen,
            "eligible": self.eligible,
            "ineligible_reasons": [r.to_dict() for r in self.ineligible_reasons],
            "subsidy_min_yen": self.subsidy_range_yen[0],
            "subsidy_max_yen": self.subsidy_range_yen[1],
            "alternatives": [a.to_dict() for a in self.alternatives],
            "menus": [m.to_dict() for m in self.menus],
            "higher_rate_conditions": list(self.higher_rate_conditions),
            "items": [i.to_dict() for i in self.items],
            "steps": [s.to_dict() for s in self.steps],
            "caveats": [c.to_dict() for c in self.caveats],
            "requirements": [r.to_dict() for r in self.requirements],
            "requirements_met": list(self.requirements_met),
        }
