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
from calculator._result import AlternativeAmount, ItemDecision, Notice, Reason, Result, Step
from calculator._scheme import Cap, Category, Payment, Scheme, StaffBand
from calculator._vocabulary import PAYMENT_WORDS, REQUIREMENT_FACT_MISSING, REQUIREMENT_FACT_WORDS, split_predicate


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


def _date_words(date: datetime.date) -> str:
    """2024-03-31 -> '令和6年3月31日', as the documents write dates (令和 began on 2019-05-01)."""
    if date >= datetime.date(2019, 5, 1):
        year = date.year - 2018
        return f"令和{'元' if year == 1 else year}年{date.month}月{date.day}日"
    return f"{date.year}年{date.month}月{date.day}日"


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


def _cap(scheme: Scheme, case: Case, facts: _Facts, reading: Reading) -> tuple[int, list[Step]]:
    cap = scheme.cap
    if cap.kind == "fixed":
        assert cap.amount_yen is not None
        return cap.amount_yen, [
            Step("cap", f"上限額は1事業所あたり{format_yen(cap.amount_yen)}です。", cap.amount_yen, cap.citation)
        ]
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
    facts.software_introduced = any(
        i.category == "care_software" and not (reading.on("flagged_software_not_introduced") and i.flags)
        for i in case.items
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

    other_unit = reading.argument("rounding_unit")
    unit = int(other_unit) if other_unit else scheme.rounding.unit_yen
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

    cap_yen, cap_steps = _cap(scheme, case, facts, reading)
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
    if refused is not None:
        subsidy = 0
        steps.append(Step("subsidy_refused", "補助対象事業所ではないため、補助額は0円です。", 0, refused.citation))

    total_cost = sum(d.amount_yen + d.consumption_tax_yen for d in items)
    other_subsidies = sum(min(i.other_subsidy_yen, d.amount_yen) for i, d in zip(case.items, items, strict=True))
    requirements = tuple(
        Notice(r.id, r.title, r.text, r.citation, r.label)
        for r in scheme.requirements
        if r.id not in case.requirements_met and facts.all_hold(r.when)
    )
    result = Result(
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
        self_pay_yen=max(0, total_cost - subsidy - other_subsidies),
        items=items,
        steps=tuple(steps),
        caveats=(),
        requirements=requirements,
        requirements_met=case.requirements_met,
        higher_rate_conditions=tuple(c.id for c in chosen),
        eligible=refused is None,
        ineligible_reasons=(Reason(refused.text, refused.citation),) if refused else (),
        other_subsidy_yen=other_subsidies,
    )
    return result, facts
