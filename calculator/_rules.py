"""The engine: one generic calculation that every scheme file parameterises.

    eligible expense  = the counted part of each item (before tax unless the scheme counts tax),
                        each category capped where the scheme caps it
    rate amount       = eligible expense × rate, rounded down to the scheme's unit
    remaining cap     = the facility's cap less every earlier subsidy (never below 0)
    subsidy           = the lower of the rate amount and the remaining cap

No prefecture is named here: what differs between schemes is data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from calculator._amounts import format_staff, format_yen
from calculator._case import Case, Item
from calculator._result import ItemDecision, Notice, Reason, Result, Step
from calculator._scheme import Cap, Scheme, StaffBand
from calculator._vocabulary import PAYMENT_WORDS, REQUIREMENT_FACT_WORDS, split_predicate


def rate_words(rate: Fraction) -> str:
    """Fraction(3, 4) -> '4分の3', as the documents write rates."""
    return f"{rate.denominator}分の{rate.numerator}"


def _exact(value: Fraction) -> str:
    """An exact amount in yen, with decimals where it has them (rates have small denominators)."""
    if value.denominator == 1:
        return format_yen(value.numerator)
    for places in range(1, 7):
        scaled = value * 10**places
        if scaled.denominator == 1:
            whole, frac = divmod(scaled.numerator, 10**places)
            return f"{whole:,}.{frac:0{places}d}円"
    return f"約{float(value):,.2f}円"


@dataclass
class _Facts:
    """What happened in one calculation, for the `when` lists of caveats and requirements."""

    case: Case
    staff_between_bands: bool = False
    cap_binds: bool = False
    eligible_yen: int = 0
    recurring_assumed: bool = False
    unmet_requirements: set[str] = field(default_factory=set)
    rounding_unit: int = 1

    def holds(self, predicate: str) -> bool:
        name, argument = split_predicate(predicate)
        items = self.case.items
        if name == "always":
            return True
        if name == "staff_between_bands":
            return self.staff_between_bands
        if name == "subsidy_from_rate":
            return not self.cap_binds and self.eligible_yen > 0
        if name == "has_tax":
            return any(i.consumption_tax_yen for i in items)
        if name == "prior_subsidy":
            return self.case.prior_subsidy_yen > 0
        if name == "prior_count_at_least":
            return self.case.prior_subsidy_count >= int(argument)
        if name == "prior_not_multiple_of_rounding":
            return self.case.prior_subsidy_yen % self.rounding_unit != 0
        if name == "recurring_assumed":
            return self.recurring_assumed
        if name == "has_category":
            return any(i.category == argument for i in items)
        if name == "lacks_category":
            return not any(i.category == argument for i in items)
        if name == "has_payment":
            return any(i.payment == argument for i in items)
        if name == "has_flag":
            return any(argument in i.flags for i in items)
        if name == "has_rate_condition":
            return argument in self.case.higher_rate_conditions
        if name == "excluded_by_requirement":
            return argument in self.unmet_requirements
        raise ValueError(f"unknown predicate {predicate!r}")  # the loader admits none

    def all_hold(self, predicates: tuple[str, ...]) -> bool:
        return all(self.holds(p) for p in predicates)


def _decide(item: Item, index: int, scheme: Scheme, case: Case, software_counted: bool, facts: _Facts) -> ItemDecision:
    reasons: list[Reason] = []
    conditions: list[Reason] = []
    excluded = False
    category = scheme.category(item.category)
    if category is None:
        exclusion = next(e for e in scheme.exclusions if e.category == item.category)
        title = exclusion.title
        reasons.append(Reason(f"対象外: {exclusion.text}", exclusion.citation))
        excluded = True
    else:
        title = f"{category.label}{category.title}"
        reasons.append(Reason(f"補助対象経費「{title}」にあたります。", category.citation))
        conditions.extend(Reason(c.text, c.citation) for c in category.conditions)
        if category.requires_any:
            held = {"ikkan_achieved": case.ikkan_achieved, "includes_care_software": software_counted}
            wanted = "」または「".join(REQUIREMENT_FACT_WORDS[f] for f in category.requires_any)
            assert category.requires_citation is not None  # the loader requires it with requires_any
            if any(held[f] for f in category.requires_any):
                reasons.append(Reason(f"この区分の前提「{wanted}」を満たしています。", category.requires_citation))
            else:
                excluded = True
                facts.unmet_requirements.update(category.requires_any)
                reasons.append(
                    Reason(
                        f"対象外: この区分は「{wanted}」が前提ですが、この試算ではどれにもあたりません。",
                        category.requires_citation,
                    )
                )

    for exclusion in scheme.exclusions:
        if exclusion.item_flag and exclusion.item_flag in item.flags:
            excluded = True
            reasons.append(Reason(f"対象外: {exclusion.text}", exclusion.citation))

    payment = scheme.payments[item.payment]
    if not payment.counted:
        excluded = True
        reasons.append(Reason(f"対象外: {payment.text}", payment.basis.citation))
    elif item.payment != "purchase":
        conditions.append(Reason(payment.text, payment.basis.citation))

    if scheme.repeat.recurring_excluded_from_second and case.prior_subsidy_count > 0:
        said = item.recurring if item.recurring is not None else (category.recurring if category else False)
        if payment.recurring or said:
            assert scheme.repeat.recurring_citation is not None
            excluded = True
            if not payment.recurring and item.recurring is None:
                facts.recurring_assumed = True
            what = PAYMENT_WORDS[item.payment] if payment.recurring else title
            reasons.append(
                Reason(
                    f"対象外: 2回目以降の補助では、恒常的な費用（この項目は{what}）は対象になりません。",
                    scheme.repeat.recurring_citation,
                )
            )

    eligible = 0
    status = "excluded"
    if not excluded:
        eligible = item.amount_yen - item.other_subsidy_yen
        status = "counted"
        if item.other_subsidy_yen:
            other = next(e for e in scheme.exclusions if e.item_part == "other_subsidy_yen")
            reasons.append(
                Reason(f"{other.text} 他の補助金の分 {format_yen(item.other_subsidy_yen)} を除きます。", other.citation)
            )
            status = "partly_counted" if eligible else "excluded"
    tax = scheme.consumption_tax
    if item.consumption_tax_yen:
        if tax.counted and not excluded:
            eligible += item.consumption_tax_yen
        elif not tax.counted:
            reasons.append(
                Reason(f"{tax.text}（消費税 {format_yen(item.consumption_tax_yen)} は含めません）", tax.basis.citation)
            )
    return ItemDecision(
        index,
        item.name,
        item.category,
        title,
        item.payment,
        item.amount_yen,
        item.consumption_tax_yen,
        eligible,
        status,
        tuple(reasons),
        tuple(conditions),
    )


def _band(cap: Cap, staff: Fraction) -> tuple[StaffBand, bool]:
    """The staff band for `staff` and whether the count fell between bands (then the lower one)."""
    below = [b for b in cap.bands if b.min_staff <= staff]
    band = below[-1] if below else cap.bands[0]
    between = staff < band.min_staff or (band.max_staff is not None and staff > band.max_staff)
    return band, between


def _cap(scheme: Scheme, case: Case, facts: _Facts) -> tuple[int, Step]:
    cap = scheme.cap
    if cap.kind == "fixed":
        assert cap.amount_yen is not None
        return cap.amount_yen, Step(
            "cap", f"上限額は1事業所あたり{format_yen(cap.amount_yen)}です。", cap.amount_yen, cap.citation
        )
    assert case.ict_staff_fte is not None  # parse_case requires it where the cap is by staff
    band, between = _band(cap, case.ict_staff_fte)
    facts.staff_between_bands = between
    staff = format_staff(case.ict_staff_fte)
    if between:
        text = (
            f"{cap.staff_label}{staff}はどの区分にもちょうどはあたらないため、"
            f"低い方の区分「{band.label()}」の上限額{format_yen(band.amount_yen)}とします（注意を参照）。"
        )
    else:
        text = f"{cap.staff_label}{staff}は「{band.label()}」の区分で、上限額は{format_yen(band.amount_yen)}です。"
    return band.amount_yen, Step("cap", text, band.amount_yen, band.citation)


def _cap_binds_from(remaining: int, rate: Fraction, unit: int) -> int:
    """The smallest eligible expense whose rounded rate amount reaches `remaining`."""
    target = math.ceil(Fraction(remaining, unit)) * unit
    return math.ceil(target / rate)


def simulate_case(case: Case, scheme: Scheme) -> Result:
    """Compute the subsidy for a parsed case under `scheme`, explaining every step."""
    facts = _Facts(case, rounding_unit=scheme.rounding.unit_yen)
    steps: list[Step] = []

    # Software first: under some schemes a counted care software makes the other categories eligible.
    decisions: dict[int, ItemDecision] = {}
    software_counted = False
    order = sorted(range(len(case.items)), key=lambda n: case.items[n].category != "care_software")
    for n in order:
        decision = _decide(case.items[n], n, scheme, case, software_counted, facts)
        decisions[n] = decision
        if decision.category == "care_software" and decision.eligible_yen > 0:
            software_counted = True
    items = tuple(decisions[n] for n in range(len(case.items)))

    counted = [d for d in items if d.status != "excluded"]
    eligible = sum(d.eligible_yen for d in counted)
    tax = scheme.consumption_tax
    tax_words = "税込" if tax.counted else "税抜"
    steps.append(
        Step(
            "eligible",
            f"補助対象になる経費は{len(counted)}件、合計{format_yen(eligible)}（{tax_words}）です"
            f"（対象外{len(items) - len(counted)}件）。",
            eligible,
            scheme.eligible_expenses.citation,
        )
    )
    for category in scheme.categories:
        if category.eligible_cap_yen is None:
            continue
        in_category = sum(d.eligible_yen for d in counted if d.category == category.id)
        if in_category > category.eligible_cap_yen:
            assert category.eligible_cap_citation is not None
            eligible -= in_category - category.eligible_cap_yen
            steps.append(
                Step(
                    f"category_cap:{category.id}",
                    f"「{category.label}{category.title}」の対象経費は上限{format_yen(category.eligible_cap_yen)}までのため、"
                    f"{format_yen(in_category)}を{format_yen(category.eligible_cap_yen)}とし、対象経費は合計{format_yen(eligible)}になります。",
                    eligible,
                    category.eligible_cap_citation,
                )
            )
    facts.eligible_yen = eligible

    rate = scheme.rate.base
    chosen = [c for c in scheme.rate.conditions if c.id in case.higher_rate_conditions]
    if chosen and scheme.rate.higher is not None:
        rate = scheme.rate.higher
        names = "、".join(f"{c.label} {c.title}" for c in chosen)
        steps.append(
            Step("rate", f"要件（{names}）を満たすため、補助率は{rate_words(rate)}です。", None, chosen[0].citation)
        )
    elif scheme.rate.conditions:
        labels = "・".join(c.label for c in scheme.rate.conditions)
        steps.append(
            Step(
                "rate",
                f"補助率を{rate_words(scheme.rate.higher or rate)}にする要件（{labels}）のどれにもあたらないため、"
                f"補助率は{rate_words(rate)}です。",
                None,
                scheme.rate.citation,
            )
        )
    else:
        steps.append(Step("rate", f"補助率は{rate_words(rate)}です。", None, scheme.rate.citation))

    unit = scheme.rounding.unit_yen
    exact = eligible * rate
    rate_amount = math.floor(exact / unit) * unit
    rounding = {1: "1円未満", 1_000: "千円未満", 10_000: "1万円未満"}.get(unit, f"{unit:,}円未満")
    if rate_amount == exact:
        text = f"対象経費{format_yen(eligible)}×{rate_words(rate)}＝{_exact(exact)}です。"
    else:
        text = (
            f"対象経費{format_yen(eligible)}×{rate_words(rate)}＝{_exact(exact)}。"
            f"{rounding}を切り捨てて{format_yen(rate_amount)}です。"
        )
    steps.append(Step("rate_amount", text, rate_amount, scheme.rounding.basis.citation))

    cap_yen, cap_step = _cap(scheme, case, facts)
    steps.append(cap_step)
    remaining = max(0, cap_yen - case.prior_subsidy_yen)
    if case.prior_subsidy_yen:
        if remaining:
            text = (
                f"これまでに受けた補助{format_yen(case.prior_subsidy_yen)}を上限額から差し引き、"
                f"今回の上限額は{format_yen(remaining)}です。"
            )
        else:
            text = (
                f"これまでに受けた補助{format_yen(case.prior_subsidy_yen)}が上限額{format_yen(cap_yen)}に"
                "達しているため、今回の上限額は0円です。"
            )
        steps.append(Step("prior", text, remaining, scheme.repeat.citation))

    subsidy = min(rate_amount, remaining)
    facts.cap_binds = rate_amount >= remaining
    if rate_amount > remaining:
        text = (
            f"補助率をかけた額{format_yen(rate_amount)}が上限額{format_yen(remaining)}を超えるため、"
            f"補助額は上限額の{format_yen(subsidy)}です。"
        )
    else:
        text = (
            f"補助率をかけた額{format_yen(rate_amount)}は上限額{format_yen(remaining)}以下のため、"
            f"補助額は{format_yen(subsidy)}です。"
        )
    steps.append(Step("subsidy", text, subsidy, cap_step.citation))

    total_cost = sum(i.total_yen for i in case.items)
    caveats = tuple(
        Notice(c.id, c.title, c.text, c.citation) for c in scheme.caveats.values() if facts.all_hold(c.when)
    )
    requirements = tuple(
        Notice(r.id, r.title, r.text, r.citation, r.label)
        for r in scheme.requirements
        if r.id not in case.requirements_met and facts.all_hold(r.when)
    )
    return Result(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        subsidy_yen=subsidy,
        eligible_expense_yen=eligible,
        rate=f"{rate.numerator}/{rate.denominator}",
        cap_yen=cap_yen,
        remaining_cap_yen=remaining,
        rate_amount_yen=rate_amount,
        cap_binds=facts.cap_binds,
        cap_binds_from_yen=_cap_binds_from(remaining, rate, unit),
        total_cost_yen=total_cost,
        self_pay_yen=total_cost - subsidy,
        items=items,
        steps=tuple(steps),
        caveats=caveats,
        requirements=requirements,
        requirements_met=case.requirements_met,
        higher_rate_conditions=tuple(c.id for c in chosen),
    )
