"""The fixed words of the case-file contract and of scheme conditions.

Scheme files may only use these; the loader rejects anything else, so a typo in a `when` list is
an error at check time, not a caveat that silently never shows.
"""

from __future__ import annotations

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
ITEM_PARTS: Final = ("other_subsidy_yen",)

# What may satisfy a category's `requires_any`.
REQUIREMENT_FACTS: Final = ("ikkan_achieved", "includes_care_software")
# How the engine and the guide pages name them (one wording, so that site and simulator agree).
REQUIREMENT_FACT_WORDS: Final = {
    "ikkan_achieved": "既に一気通貫（転記なしに記録・情報共有・請求ができること）が実現していること",
    "includes_care_software": "一貫で行える介護ソフトを同じ申請で導入すること",
}

# Predicates of `when` lists: name -> what its argument names ("" for none).
PREDICATES: Final = {
    "always": "",
    "staff_between_bands": "",
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
}


def split_predicate(predicate: str) -> tuple[str, str]:
    name, _, argument = predicate.partition(":")
    return name, argument
