"""The engine: one generic calculation that every scheme file parameterises.

    eligible expense  = the counted part of each item (before tax unless the scheme counts tax),
                        each category capped where the scheme caps it
    rate amount       = eligible expense × rate, rounded down to the scheme's unit
    remaining cap     = the facility's cap less every earlier subsidy (never below 0)
    subsidy           = the lower of the rate amount and the remaining cap

No prefecture is named here: what differs between schemes is data. Where a document allows two
readings, a caveat names the other one as a rule of `ALTERNATIVE_RULES`; the case is computed
again under it, and the caveat is shown only if that changes this case's amount or an item.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction

from calculator._amounts import format_staff, format_yen
from calculator._case import Case, Item
from calculator._result import AlternativeAmount, ItemDecision, MenuResult, Notice, Reason, Result, Step
from calculator._scheme import Cap, Category, Menu, Payment, RateCondition, Scheme, StaffBand
from calculator._status import date_words as _date_words
from calculator._vocabulary import (
    PAYMENT_WORDS,
    REQUIREMENT_FACT_MISSING,
    REQUIREMENT_FACT_WORDS,
    rate_words,
    split_predicate,
)


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


@dataclass(frozen=True)
class Reading:
    """The reading of the document's open questions a calculation follows: the scheme's own (no
    rules), or one caveat's alternative (one rule of `ALTERNATIVE_RULES`, e.g. "rounding_unit:1000")."""

    rules: frozenset[str] = frozenset()

    def on(self, name: str) -> bool:
        return name in self.rules

    def argument(self, name: str) -> str | None:
        for rule in self.rules:
            rule_name, argument = split_predicate(rule)
            if rule_name == name:
                return argument
        return None


_SCHEME_READING = Reading()


@dataclass
class _Facts:
    """What happened in one calculation, for the `when` lists of caveats and requirements."""

    case: Case
    software_introduced: bool = False
    staff_between_bands: bool = False
    staff_below_bands: bool = False
    units_over_capacity: bool = False
    cap_binds: bool = False
    eligible_yen: int = 0
    recurring_assumed: bool = False
    one_off_assumed: bool = False
    unmet_requirements: set[str] = field(default_factory=set)
    rounding_unit: int = 1
    decisions: tuple[ItemDecision, ...] = ()

    def fact(self, name: str) -> bool:
        return {"ikkan_achieved": self.case.ikkan_achieved, "includes_care_software": self.software_introduced}[name]

    def holds(self, predicate: str) -> bool:
        name, argument = split_predicate(predicate)
        items = self.case.items
        counted = [d for d in self.decisions if d.status != "excluded"]
        if name == "units_over_capacity":
            return self.units_over_capacity
        if name == "staff_below_bands":
            return self.staff_below_bands
        if name == "one_off_assumed":
            return self.one_off_assumed
        if name == "has_other_subsidy":
            return any(i.other_subsidy_yen for i in items)
        if name == "counts_category":
            return any(d.category == argument for d in counted)
        if name == "counts_payment":
            return any(d.payment == argument for d in counted)
        if name == "has_fact":
            return self.fact(argument)
        if name == "has_flag_on_category":
            flag, _, category = argument.partition(":")
            return any(flag in i.flags and i.category == category for i in items)
        if name == "always":
            return True
        if name == "about_document":
            return False  # the scheme page's to show, not a result's
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


def _months_between(first: tuple[int, int], last: datetime.date) -> int:
    """How many monthly payments from `first` (year, month) fall on or before `last`'s month."""
    return max(0, (last.year - first[0]) * 12 + last.month - first[1] + 1)


def _counted_payments(item: Item, payment: Payment) -> tuple[int, int, Reason | None]:
    """(amount paid, amount within the cutoff, the reason saying so) for a lease or monthly item."""
    if item.monthly_amount_yen is None or item.first_payment_month is None:
        if payment.until is None or item.payment == "purchase":
            return item.amount_yen, item.amount_yen, None
        text = (
            f"{_date_words(payment.until)}までの支払額として入力された{format_yen(item.amount_yen)}を計上します"
            "（月額と支払開始月を入力すると、期限までの回数をこの試算が数えます）。"
        )
        return item.amount_yen, item.amount_yen, Reason(text, payment.basis.citation)
    monthly, first = item.monthly_amount_yen, item.first_payment_month
    months = item.payment_count
    if payment.until is not None:
        within = _months_between(first, payment.until)
        months = within if months is None else min(months, within)
    elif months is None:
        months = 1  # no cutoff and no count: only what the case shows for sure, one payment
    total = item.amount_yen if item.amount_stated or item.payment_count is not None else monthly * months
    start = f"{first[0]}年{first[1]}月"
    if payment.until is not None and months == 0:
        text = (
            f"{_date_words(payment.until)}までの支払分だけが対象ですが、支払開始が{start}のため、"
            "対象になる支払はありません。"
        )
    elif payment.until is not None:
        text = (
            f"{_date_words(payment.until)}までの支払分だけが対象のため、月額{format_yen(monthly)}×{months}か月"
            f"（{start}から）＝{format_yen(monthly * months)}を計上します。"
        )
    else:
        text = f"月額{format_yen(monthly)}×{months}回＝{format_yen(monthly * months)}を計上します。"
    return total, monthly * months, Reason(text, payment.basis.citation)


def _is_recurring(item: Item, category: Category | None, payment: Payment, reading: Reading, facts: _Facts) -> bool:
    """Whether a later application must leave this item out as a recurring cost (恒常的な費用)."""
    if payment.recurring and reading.argument("payment_not_recurring") != item.payment:
        return True
    if item.recurring is not None:
        return item.recurring
    kind = category.kind(item.kind) if category and item.kind else None
    if kind is not None and kind.recurring is not None:
        return kind.recurring
    if category is None:
        return False
    if category.recurring_caveat is None:
        return category.recurring  # the scheme needs no caveat: e.g. equipment bought outright
    if category.recurring:
        facts.recurring_assumed = True
        return not reading.on("assumed_recurring_counted")
    facts.one_off_assumed = True
    return reading.on("assumed_one_off_excluded")


def _decide(item: Item, index: int, scheme: Scheme, case: Case, facts: _Facts, reading: Reading) -> ItemDecision:
    reasons: list[Reason] = []
    conditions: list[Reason] = []
    excluded = False
    category_id = item.category
    seen_as = reading.argument("category_as")
    if seen_as and category_id == seen_as.partition(":")[0]:
        category_id = seen_as.partition(":")[2]
    category = scheme.category(category_id)
    if category is None:
        exclusion = next(e for e in scheme.exclusions if e.category == item.category)
        title = exclusion.title
        reasons.append(Reason(f"対象外: {exclusion.text}", exclusion.citation))
        excluded = True
    else:
        title = f"{category.label}{category.title}"
        if category.kinds and item.kind:
            kind = category.kind(item.kind)
            title += f"（{kind.title}）" if kind else ""
        reasons.append(Reason(f"補助対象経費「{title}」にあたります。", category.citation))
        conditions.extend(Reason(c.text, c.citation) for c in category.conditions)
        if category.requires_any:
            held = {f: facts.fact(f) for f in category.requires_any}
            if "ikkan_achieved" in held and reading.on("ikkan_from_application"):
                held["ikkan_achieved"] = held["ikkan_achieved"] or facts.software_introduced
            wanted = "」または「".join(REQUIREMENT_FACT_WORDS[f] for f in category.requires_any)
            assert category.requires_citation is not None  # the loader requires it with requires_any
            if any(held.values()):
                reasons.append(Reason(f"この区分の前提「{wanted}」を満たしています。", category.requires_citation))
            else:
                excluded = True
                facts.unmet_requirements.update(category.requires_any)
                why = "こと、".join(REQUIREMENT_FACT_MISSING[f] for f in category.requires_any)
                reasons.append(
                    Reason(
                        f"対象外: この区分は「{wanted}」が前提ですが、{why}ことから、満たしません。",
                        category.requires_citation,
                    )
                )

    only_equipment = reading.argument("flag_only_on_equipment")
    for exclusion in scheme.exclusions:
        if exclusion.item_flag and exclusion.item_flag in item.flags:
            if only_equipment == exclusion.item_flag and not (category and category.equipment):
                continue
            excluded = True
            reasons.append(Reason(f"対象外: {exclusion.text}", exclusion.citation))

    payment = scheme.payments[item.payment]
    if not payment.counted:
        excluded = True
        reasons.append(Reason(f"対象外: {payment.text}", payment.basis.citation))
    elif item.payment != "purchase":
        conditions.append(Reason(payment.text, payment.basis.citation))
        if reading.argument("purchase_only") == category_id:
            excluded = True
    amount, counted_amount, payment_reason = _counted_payments(item, payment)
    if payment_reason is not None:
        reasons.append(payment_reason)

    later = scheme.repeat.recurring_excluded_from_second and case.prior_subsidy_count > 0
    if later and _is_recurring(item, category, payment, reading, facts):
        assert scheme.repeat.recurring_citation is not None
        excluded = True
        what = PAYMENT_WORDS[item.payment] if payment.recurring and item.payment != "purchase" else title
        reasons.append(
            Reason(
                f"対象外: 2回目以降の補助では、恒常的な費用（この項目は{what}）は対象になりません。",
                scheme.repeat.recurring_citation,
            )
        )

    if category is not None and category.unit_limit_yen is not None:
        limit = category.unit_limit_yen * item.quantity
        if counted_amount > limit:
            assert category.unit_limit_citation is not None
            reasons.append(
                Reason(
                    f"1台につき{format_yen(category.unit_limit_yen)}が限度のため、{item.quantity}台分"
                    f"{format_yen(limit)}を対象にします（{format_yen(counted_amount)}のうち）。",
                    category.unit_limit_citation,
                )
            )
            counted_amount = limit
    other_yen = min(item.other_subsidy_yen, counted_amount)
    if item.other_subsidy_yen and reading.on("other_subsidy_whole_item"):
        excluded = True
    eligible = 0
    status = "excluded"
    if counted_amount == 0 and payment_reason is not None:
        excluded = True  # no payment falls within the cutoff
    if not excluded:
        eligible = counted_amount - other_yen
        status = "counted"
        if item.other_subsidy_yen:
            other = next(e for e in scheme.exclusions if e.item_part == "other_subsidy_yen")
            reasons.append(Reason(f"{other.text} 他の補助金の分 {format_yen(other_yen)} を除きます。", other.citation))
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
        amount,
        item.consumption_tax_yen,
        eligible,
        status,
        tuple(reasons),
        tuple(conditions),
    )


def _band(cap: Cap, staff: Fraction, reading: Reading) -> tuple[StaffBand, bool]:
    """The staff band for `staff` and whether the count fell between two bands.

    Between bands the scheme's reading takes the lower band; the alternative takes the upper. A
    count below the first band takes the first band: there is no lower one."""
    below = [b for b in cap.bands if b.min_staff <= staff]
    if not below:
        return cap.bands[0], False
    band = below[-1]
    between = band.max_staff is not None and staff > band.max_staff
    if between and reading.on("upper_staff_band"):
        band = cap.bands[cap.bands.index(band) + 1]
    return band, between


def _cap(cap: Cap, case: Case, facts: _Facts, reading: Reading, menu: Menu | None = None) -> tuple[int, list[Step]]:
    if cap.kind == "fixed":
        assert cap.amount_yen is not None
        whose = f"「{menu.title}」の上限額は" if menu else "上限額は1事業所あたり"
        return cap.amount_yen, [Step("cap", f"{whose}{format_yen(cap.amount_yen)}です。", cap.amount_yen, cap.citation)]
    assert case.ict_staff_fte is not None  # parse_case requires it where the cap is by staff
    band, between = _band(cap, case.ict_staff_fte, reading)
    facts.staff_between_bands = between
    staff = format_staff(case.ict_staff_fte)
    steps = []
    if cap.staff_note is not None:  # how to count staff decides the band, so the rule is a step
        steps.append(Step("staff_rule", cap.staff_note.text, None, cap.staff_note.citation))
    if between:
        text = (
            f"{cap.staff_label}{staff}はどの区分にもちょうどはあたらないため、"
            f"低い方の区分「{band.label()}」の上限額{format_yen(band.amount_yen)}とします（注意を参照）。"
        )
    elif case.ict_staff_fte < band.min_staff:
        facts.staff_below_bands = True
        text = (
            f"{cap.staff_label}{staff}は最も少ない区分「{band.label()}」より少ないため、"
            f"この区分の上限額{format_yen(band.amount_yen)}とします（注意を参照）。"
        )
    else:
        text = f"{cap.staff_label}{staff}は「{band.label()}」の区分で、上限額は{format_yen(band.amount_yen)}です。"
    steps.append(Step("cap", text, band.amount_yen, band.citation))
    return band.amount_yen, steps


def _cap_binds_from(remaining: int, rate: Fraction, unit: int) -> int:
    """The smallest eligible expense whose rounded rate amount reaches `remaining`."""
    target = math.ceil(Fraction(remaining, unit)) * unit
    return math.ceil(target / rate)


def simulate_case(case: Case, scheme: Scheme) -> Result:
    """Compute the subsidy for a parsed case under `scheme`, explaining every step.

    Each caveat whose conditions hold and that names another reading is computed again under
    it: shown, with the other amount, if the amount or an item's decision changes; left out if
    it cannot change this case."""
    result, facts = _calculate(case, scheme, _SCHEME_READING)
    caveats: list[Notice] = []
    alternatives: list[AlternativeAmount] = []
    for caveat in scheme.caveats.values():
        if not facts.all_hold(caveat.when):
            continue
        if caveat.alternative is not None:
            other, _ = _calculate(case, scheme, Reading(frozenset({caveat.alternative.rule})))
            decisions = [(d.status, d.eligible_yen) for d in other.items]
            if other.subsidy_yen == result.subsidy_yen and decisions == [
                (d.status, d.eligible_yen) for d in result.items
            ]:
                continue
            if other.subsidy_yen != result.subsidy_yen:
                alternatives.append(
                    AlternativeAmount(caveat.id, caveat.title, caveat.alternative.reading, other.subsidy_yen)
                )
        caveats.append(Notice(caveat.id, caveat.title, caveat.text, caveat.citation))
    return replace(result, caveats=tuple(caveats), alternatives=tuple(alternatives))


def _rate(scheme: Scheme, case: Case) -> tuple[Fraction, list[RateCondition], Step]:
    """The rate, the conditions claimed that raise it, and the step that says so."""
    rate = scheme.rate.base
    chosen = [c for c in scheme.rate.conditions if c.id in case.higher_rate_conditions]
    needs_all = scheme.rate.needs == "all"
    raised = bool(chosen) and (not needs_all or len(chosen) == len(scheme.rate.conditions))
    if raised and scheme.rate.higher is not None:
        rate = scheme.rate.higher
        names = "、".join(f"{c.label} {c.title}" for c in chosen)
        every = "をすべて" if needs_all else "を"
        return (
            rate,
            chosen,
            Step(
                "rate", f"要件（{names}）{every}満たすため、補助率は{rate_words(rate)}です。", None, chosen[0].citation
            ),
        )
    if scheme.rate.conditions:
        labels = "・".join(c.label for c in scheme.rate.conditions)
        why = "のすべては満たさない" if needs_all and chosen else "のどれにもあたらない"
        if needs_all and not chosen:
            why = "を満たさない"
        text = (
            f"補助率を{rate_words(scheme.rate.higher or rate)}にする要件（{labels}）{why}ため、"
            f"補助率は{rate_words(rate)}です。"
        )
        return rate, [], Step("rate", text, None, scheme.rate.citation)
    return rate, [], Step("rate", f"補助率は{rate_words(rate)}です。", None, scheme.rate.citation)


def _facility_step(scheme: Scheme, case: Case) -> Step | None:
    """The step that refuses a facility whose service the scheme excludes; None if it may apply."""
    facilities = scheme.facilities
    if facilities is None or not case.services:
        return None
    excluded = [s for s in case.services if s in facilities.excluded_services]
    if not excluded:
        return None
    text = (
        f"事業所のサービス「{case.service_type}」は、この制度の補助対象事業所から除かれています"
        f"（{'、'.join(excluded)}）。このため補助の対象になりません。"
    )
    return Step("facility", text, 0, facilities.citation)


def _calculate(case: Case, scheme: Scheme, reading: Reading) -> tuple[Result, _Facts]:
    """One calculation under one reading; the caveats are chosen by `simulate_case`."""
    facts = _Facts(case, rounding_unit=scheme.rounding.unit_yen)
    steps: list[Step] = []
    refused = _facility_step(scheme, case)
    if refused is not None:
        steps.append(refused)

    # A care software in the application is "introduced" whatever happens to its own cost (other
    # subsidies, a later application's recurring costs); a flagged one is the open question.
    software = {c.id for c in scheme.categories if c.care_software}
    facts.software_introduced = any(
        i.category in software and not (reading.on("flagged_software_not_introduced") and i.flags) for i in case.items
    )
    items = tuple(_decide(item, n, scheme, case, facts, reading) for n, item in enumerate(case.items))
    facts.decisions = items

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
    cut = [n for n, i in enumerate(case.items) if i.monthly_amount_yen is not None and i.payment != "purchase"]
    if cut:  # the payments counted by month: say which, against which cutoff
        parts = "、".join(
            f"経費{n + 1} {format_yen(items[n].eligible_yen)}" for n in cut if items[n].status != "excluded"
        )
        until = {scheme.payments[case.items[n].payment].until for n in cut} - {None}
        dates = "・".join(_date_words(d) for d in sorted(d for d in until if d is not None))
        text = f"リース・月額払いは{dates}までの支払分だけを月ごとに数えました（{parts or '対象になる支払なし'}）。"
        steps.append(Step("payments", text, None, scheme.payments[case.items[cut[0]].payment].basis.citation))
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

    rate, chosen, rate_step = _rate(scheme, case)
    steps.append(rate_step)
    if scheme.menus:
        return _calculate_menus(case, scheme, reading, facts, items, steps, rate, chosen)

    other_unit = reading.argument("rounding_unit")
    unit = int(other_unit) if other_unit else scheme.rounding.unit_yen
    exact = eligible * rate
    rate_amount = math.floor(exact / unit) * unit
    if rate_amount == exact:
        text = f"対象経費{format_yen(eligible)}×{rate_words(rate)}＝{_exact(exact)}です。"
    else:
        text = (
            f"対象経費{format_yen(eligible)}×{rate_words(rate)}＝{_exact(exact)}。"
            f"{_rounding_words(unit)}を切り捨てて{format_yen(rate_amount)}です。"
        )
    steps.append(Step("rate_amount", text, rate_amount, scheme.rounding.basis.citation))

    assert scheme.cap is not None  # a scheme without menus has its one cap (the loader sees to it)
    cap_yen, cap_steps = _cap(scheme.cap, case, facts, reading)
    steps.extend(cap_steps)
    cap_step = cap_steps[-1]
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
    return _finish(
        case,
        scheme,
        facts,
        items,
        steps,
        rate,
        chosen,
        eligible,
        cap_yen,
        rate_amount,
        subsidy,
        (),
        _cap_binds_from(remaining, rate, unit),
        remaining,
    ), facts


# ---------------------------------------------------------------------------------------------------
# Schemes with menus (区分): each menu has its own cap; the subsidy is the sum over menus, or, for
# another way to apply (パッケージ型), one cap and its own rate over them all.
# ---------------------------------------------------------------------------------------------------


def _round_down(amount: Fraction, unit: int) -> int:
    return math.floor(amount / unit) * unit


def _calculate_menus(
    case: Case,
    scheme: Scheme,
    reading: Reading,
    facts: _Facts,
    items: tuple[ItemDecision, ...],
    steps: list[Step],
    rate: Fraction,
    chosen: list[RateCondition],
) -> tuple[Result, _Facts]:
    other_unit = reading.argument("rounding_unit")
    unit = int(other_unit) if other_unit else scheme.rounding.unit_yen
    rounding_citation = scheme.rounding.basis.citation
    eligible_by_menu: dict[str, list[tuple[ItemDecision, Category]]] = {m.id: [] for m in scheme.menus}
    for decision in items:
        category = scheme.category(decision.category)
        if decision.status != "excluded" and category is not None and category.menu in eligible_by_menu:
            eligible_by_menu[category.menu].append((decision, category))

    # Repeat: a menu already subsidised in this fiscal year gets nothing again (earlier years are free).
    blocked: set[str] = set()
    if scheme.repeat.rule == "once_per_menu_per_year":
        for prior in case.prior_subsidies:
            if prior.fiscal_year == scheme.fiscal_year and prior.menu in eligible_by_menu and prior.menu not in blocked:
                blocked.add(prior.menu)
                menu = scheme.menu(prior.menu)
                assert menu is not None
                steps.append(
                    Step(
                        f"repeat:{menu.id}",
                        f"「{menu.title}」は{scheme.fiscal_year_label}に既に補助を受けているため、今回は対象になりません。",
                        0,
                        scheme.repeat.citation,
                    )
                )

    used = [m for m in scheme.menus if m.id not in blocked and any(d.eligible_yen for d, _ in eligible_by_menu[m.id])]
    package = scheme.application_type(case.application_type) if case.application_type else None
    if package is not None:
        missing = []
        if len(used) < package.min_menus:
            missing.append(f"{package.min_menus}以上の区分（今は{len(used)}区分）")
        if package.requires_menu and package.requires_menu not in {m.id for m in used}:
            required = scheme.menu(package.requires_menu)
            missing.append(f"「{required.title if required else package.requires_menu}」")
        if missing:
            steps.append(
                Step(
                    "application_type",
                    f"「{package.title}」には{'と'.join(missing)}が必要なため、区分ごとの上限額で計算します。",
                    None,
                    package.citation,
                )
            )
            package = None

    total_eligible = 0
    for menu in used:  # the units beyond capacity are not counted, whichever way the case applies
        if menu.cap.kind == "per_unit" and package is not None:
            unit_steps: list[Step] = []
            _, _, _, expense = _per_unit(menu, eligible_by_menu[menu.id], rate, case, unit_steps, facts)
            steps.extend(u for u in unit_steps if u.id.startswith("units:"))  # the count, not the unit caps
            total_eligible += math.floor(expense)
        else:
            total_eligible += sum(d.eligible_yen for d, _ in eligible_by_menu[menu.id])
    menu_results: list[MenuResult] = []
    if package is not None:
        exact = total_eligible * package.rate
        rate_amount = _round_down(exact, unit)
        subsidy = min(rate_amount, package.cap_yen)
        facts.cap_binds = rate_amount >= package.cap_yen
        text = (
            f"「{package.title}」として、対象経費{format_yen(total_eligible)}×{rate_words(package.rate)}"
            f"＝{_exact(exact)}（{_rounding_words(unit)}切り捨て {format_yen(rate_amount)}）と"
            f"上限額{format_yen(package.cap_yen)}の低い方、{format_yen(subsidy)}です。"
        )
        steps.append(Step("subsidy", text, subsidy, package.citation))
        return _finish(
            case,
            scheme,
            facts,
            items,
            steps,
            package.rate,
            chosen,
            total_eligible,
            package.cap_yen,
            rate_amount,
            subsidy,
            (),
            _cap_binds_from(package.cap_yen, package.rate, unit),
        ), facts

    total_exact = Fraction(0)
    cap_total = 0
    rate_total = Fraction(0)
    for menu in scheme.menus:
        if menu.id not in {m.id for m in used}:
            continue
        menu_steps: list[Step] = []
        entries = eligible_by_menu[menu.id]
        eligible = sum(d.eligible_yen for d, _ in entries)
        if menu.cap.kind == "per_unit":
            exact, cap_yen, raw, _ = _per_unit(menu, entries, rate, case, menu_steps, facts)
        else:
            raw = eligible * rate
            cap_yen, cap_steps = _cap(menu.cap, case, facts, reading, menu)
            menu_steps.extend(cap_steps)
            exact = min(raw, Fraction(cap_yen))
        amount = _round_down(exact, unit) if scheme.rounding.per == "menu" else exact
        facts.cap_binds = facts.cap_binds or raw >= cap_yen
        words = f"（{_rounding_words(unit)}切り捨て）" if scheme.rounding.per == "menu" and amount != exact else ""
        if menu.cap.kind == "per_unit":
            text = f"「{menu.title}」: 1台ごとの額を合わせて{_exact(exact)}です。"
            if words:
                text = (
                    f"「{menu.title}」: 1台ごとの額を合わせて{_exact(exact)}、"
                    f"{words[1:-1]}て{_exact(Fraction(amount))}です。"
                )
        else:
            text = (
                f"「{menu.title}」: 対象経費{format_yen(eligible)}×{rate_words(rate)}＝{_exact(raw)}と"
                f"上限額{format_yen(cap_yen)}の低い方{words}、{_exact(Fraction(amount))}です。"
            )
        menu_steps.append(
            Step(f"menu:{menu.id}", text, math.floor(amount), rounding_citation if words else menu.cap.citation)
        )
        steps.extend(menu_steps)
        menu_results.append(
            MenuResult(
                menu.id,
                menu.title,
                eligible,
                f"{rate.numerator}/{rate.denominator}",
                cap_yen,
                math.floor(amount),
                tuple(menu_steps),
            )
        )
        total_exact += Fraction(amount)
        cap_total += cap_yen
        rate_total += raw
    subsidy = _round_down(total_exact, unit)
    steps.append(
        Step(
            "subsidy",
            f"区分ごとの額を合わせて、補助額は{format_yen(subsidy)}です。"
            + (f"（合計の{_rounding_words(unit)}を切り捨て）" if subsidy != total_exact else ""),
            subsidy,
            rounding_citation,
        )
    )
    return _finish(
        case,
        scheme,
        facts,
        items,
        steps,
        rate,
        chosen,
        total_eligible,
        cap_total,
        _round_down(rate_total, unit),
        subsidy,
        tuple(menu_results),
        0,
    ), facts


def _per_unit(
    menu: Menu,
    entries: list[tuple[ItemDecision, Category]],
    rate: Fraction,
    case: Case,
    steps: list[Step],
    facts: _Facts,
) -> tuple[Fraction, int, Fraction, Fraction]:
    """A menu whose cap is per unit, unit by unit: (amount, the unit caps summed, the rate amount,
    the eligible expense of the units counted). Where the units exceed the facility's capacity, the
    units with the largest amounts are counted (the scheme's caveat says the document is silent)."""
    units: list[tuple[Fraction, Fraction, int, int, Fraction]] = []  # amount, rate amount, cap, item, expense
    for decision, category in entries:
        quantity = case.items[decision.index].quantity
        assert category.unit_cap_yen is not None  # the loader requires it in a per-unit menu
        each = Fraction(decision.eligible_yen, quantity)
        for _ in range(quantity):
            amount = min(each * rate, Fraction(category.unit_cap_yen))
            units.append((amount, each * rate, category.unit_cap_yen, decision.index, each))
    units.sort(key=lambda u: (u[0], u[4]), reverse=True)
    if menu.max_units == "capacity" and case.capacity is not None and len(units) > case.capacity:
        assert menu.max_units_citation is not None
        facts.units_over_capacity = True
        steps.append(
            Step(
                f"units:{menu.id}",
                f"「{menu.title}」は利用定員（{case.capacity}）の台数までが対象のため、{len(units)}台のうち"
                f"補助額の大きい{case.capacity}台を数えます。",
                None,
                menu.max_units_citation,
            )
        )
        units = units[: case.capacity]
    for decision, category in entries:
        assert category.unit_cap_citation is not None and category.unit_cap_yen is not None
        counted = [u for u in units if u[3] == decision.index]
        if counted:
            steps.append(
                Step(
                    f"unit_cap:{decision.index}",
                    f"{decision.name}: 1台ごとに、補助率をかけた額と上限{format_yen(category.unit_cap_yen)}の"
                    f"低い方をとり、{len(counted)}台分で{_exact(sum((u[0] for u in counted), Fraction(0)))}です。",
                    None,
                    category.unit_cap_citation,
                )
            )
    return (
        sum((u[0] for u in units), Fraction(0)),
        sum(u[2] for u in units),
        sum((u[1] for u in units), Fraction(0)),
        sum((u[4] for u in units), Fraction(0)),
    )


def _rounding_words(unit: int) -> str:
    return {1: "1円未満", 1_000: "千円未満", 10_000: "1万円未満"}.get(unit, f"{unit:,}円未満")


def _finish(
    case: Case,
    scheme: Scheme,
    facts: _Facts,
    items: tuple[ItemDecision, ...],
    steps: list[Step],
    rate: Fraction,
    chosen: list[RateCondition],
    eligible: int,
    cap_yen: int,
    rate_amount: int,
    subsidy: int,
    menus: tuple[MenuResult, ...],
    cap_binds_from: int,
    remaining: int | None = None,
) -> Result:
    """The result of one calculation: a refused facility gets 0円 with its reason; the caveats are
    chosen afterwards by `simulate_case`."""
    facts.eligible_yen = eligible
    refused = steps[0] if steps and steps[0].id == "facility" else None
    if refused is not None:
        subsidy = 0
        steps.append(Step("subsidy_refused", "補助対象事業所ではないため、補助額は0円です。", 0, refused.citation))
    total_cost = sum(d.amount_yen + d.consumption_tax_yen for d in items)
    others = sum(min(i.other_subsidy_yen, d.amount_yen) for i, d in zip(case.items, items, strict=True))
    return Result(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        subsidy_yen=subsidy,
        eligible_expense_yen=eligible,
        rate=f"{rate.numerator}/{rate.denominator}",
        cap_yen=cap_yen,
        remaining_cap_yen=cap_yen if remaining is None else remaining,
        rate_amount_yen=rate_amount,
        cap_binds=facts.cap_binds,
        cap_binds_from_yen=cap_binds_from,
        total_cost_yen=total_cost,
        self_pay_yen=max(0, total_cost - subsidy - others),
        items=items,
        steps=tuple(steps),
        caveats=(),
        requirements=tuple(
            Notice(r.id, r.title, r.text, r.citation, r.label)
            for r in scheme.requirements
            if r.id not in case.requirements_met and facts.all_hold(r.when)
        ),
        requirements_met=case.requirements_met,
        higher_rate_conditions=tuple(c.id for c in chosen),
        eligible=refused is None,
        ineligible_reasons=(Reason(refused.text, refused.citation),) if refused else (),
        other_subsidy_yen=others,
        menus=menus,
    )
