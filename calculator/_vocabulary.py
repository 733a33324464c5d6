"""The fixed words of the case-file contract and of scheme conditions.

Scheme files may only use these; the loader rejects anything else, so a typo in a `when` list is
an error at check time, not a caveat that silently never shows.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final

# Category ids of the case file (public contract). The first five are the expense categories both
# documents share; the rest are things operators list that the documents exclude.
CATEGORY_IDS: Final = (
    "care_software",
    "devices",
    "network",
    "maintenance",
    "back_office",
    "pc_printer",
    "communication_fee",
    "development_platform",
    "other",
)
PAYMENT_IDS: Final = ("purchase", "lease", "monthly")
PAYMENT_WORDS: Final = {"purchase": "購入", "lease": "リース・レンタル", "monthly": "月額払い"}
SUBMIT_METHODS: Final = ("email", "email_or_post", "post")
SUBMIT_WORDS: Final = {"email": "メール", "email_or_post": "メールか郵送", "post": "郵送"}
# How an item's decision (the result's items[n].status) is said.
ITEM_STATUS_WORDS: Final = {"counted": "対象", "partly_counted": "一部対象", "excluded": "対象外"}

ITEM_PARTS: Final = ("other_subsidy_yen",)
RECURRING_UNSAID: Final = ("recurring", "one_off")
# What of a case fills a heading of the plan draft (the kit): the items by category with amounts,
# every higher-rate condition the case claims, or one of them (the heading's `condition`).
PLAN_FACTS: Final = ("items", "rate_conditions", "rate_condition")
# The characters a scheme's e-application takes, where the scheme says (anything else is flagged).
CHARACTER_SETS: Final = ("jis_x_0208",)

# What may satisfy a category's `requires_any`.
REQUIREMENT_FACTS: Final = ("ikkan_achieved", "includes_care_software")
# How the engine and the guide pages name them (one wording, so that site and simulator agree).
REQUIREMENT_FACT_WORDS: Final = {
    "ikkan_achieved": "既に一気通貫（転記なしに記録・情報共有・請求ができること）が実現していること",
    "includes_care_software": "一貫で行える介護ソフトを同じ申請で導入すること",
}
# Why a precondition is not met, in the words of the case (the form's and the case file's).
REQUIREMENT_FACT_MISSING: Final = {
    "ikkan_achieved": "既に一気通貫が実現していない",
    "includes_care_software": "同じ申請に介護ソフトの経費がない",
}

# Predicates of `when` lists: name -> what its argument names ("" for none).
PREDICATES: Final = {
    "always": "",
    # A caveat about the source document itself (「年度の記載がありません」), not about any case: the
    # scheme's pages show it; a case's result never does.
    "about_document": "",
    "staff_between_bands": "",
    "staff_below_bands": "",
    "units_over_capacity": "",
    "subsidy_from_rate": "",
    "has_tax": "",
    "prior_subsidy": "",
    "recurring_assumed": "",
    "prior_not_multiple_of_rounding": "",
    "has_category": "category",
    "lacks_category": "category",
    "has_payment": "payment",
    "has_flag": "flag",
    "has_rate_condition": "rate_condition",
    "excluded_by_requirement": "requirement_fact",
    "prior_count_at_least": "count",
    "one_off_assumed": "",
    "has_other_subsidy": "",
    "counts_category": "category",
    "counts_payment": "payment",
    "has_fact": "requirement_fact",
    "has_flag_on_category": "flag_category",
}

# Where a caveat's document allows two readings, the caveat may name the other reading's rule;
# the engine then computes the case again under it and reports both amounts. Name -> argument kind.
ALTERNATIVE_RULES: Final = {
    # A cost shared with another subsidy is excluded whole, not only the other subsidy's part.
    "other_subsidy_whole_item": "",
    # A category's precondition "ikkan_achieved" is also met by care software in the same application.
    "ikkan_from_application": "",
    # Care software carrying an exclusion flag (e.g. before_decision) does not count as introduced.
    "flagged_software_not_introduced": "",
    # A head count between two staff bands takes the upper band instead of the lower.
    "upper_staff_band": "",
    # The subsidy is rounded down to this unit of yen instead of the scheme's.
    "rounding_unit": "count",
    # The flag excludes only equipment (categories marked `equipment`), not software or services.
    "flag_only_on_equipment": "flag",
    # Lease, rental and monthly payments of this category are not counted (purchase only).
    "purchase_only": "category",
    # Expenses assumed recurring for want of a kind count as one-off (in a later application).
    "assumed_recurring_counted": "",
    # Expenses assumed one-off for want of a kind are recurring (excluded from a later application).
    "assumed_one_off_excluded": "",
    # Payments of this kind are not recurring costs (they count in a later application).
    "payment_not_recurring": "payment",
    # Items of the first category are counted as the second ("pc_printer:devices").
    "category_as": "category_pair",
}


def split_predicate(predicate: str) -> tuple[str, str]:
    name, _, argument = predicate.partition(":")
    return name, argument


def rate_words(rate: Fraction) -> str:
    """Fraction(3, 4) -> '4分の3', as the documents write rates."""
    return f"{rate.denominator}分の{rate.numerator}"
