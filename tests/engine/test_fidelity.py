"""What the second reading of the documents changed, beyond the golden cases' figures: the words of
the new steps and reasons, the case file written back with its new fields, the readings of service
names, and the JSON of the amounts under other readings."""

from __future__ import annotations

import json
from typing import Any

import pytest

import calculator
from calculator._case import parse_case
from calculator._services import read_service


def _lease(**extra: Any) -> dict[str, Any]:
    return {
        "category": "devices",
        "name": "タブレット（リース）",
        "payment": "lease",
        "monthly_amount_yen": 5000,
        "first_payment_month": "2023-01",
        **extra,
    }


def test_monthly_payments_are_counted_to_the_cutoff_and_said_in_a_step_and_a_reason() -> None:
    case = {"scheme": "yamaguchi-2022", "items": [{"category": "care_software", "amount_yen": 1}, _lease()]}
    result = calculator.simulate(case)
    lease = result.items[1]
    assert (lease.amount_yen, lease.eligible_yen) == (15000, 15000)  # 1月～3月: 3回
    assert lease.reasons[-1].text == (
        "令和5年3月31日までの支払分だけが対象のため、月額5,000円×3か月（2023年1月から）＝15,000円を計上します。"
    )
    step = next(s for s in result.steps if s.id == "payments")
    assert step.text == "リース・月額払いは令和5年3月31日までの支払分だけを月ごとに数えました（経費2 15,000円）。"
    assert step.citation.anchor == "yamaguchi-2022-expenses"


def test_a_plain_lease_amount_is_counted_as_entered_with_the_cutoff_shown() -> None:
    case = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": 3,
        "ikkan_achieved": True,
        "items": [{"category": "devices", "amount_yen": 60000, "payment": "lease"}],
    }
    result = calculator.simulate(case)
    assert result.items[0].eligible_yen == 60000
    assert result.items[0].reasons[-1].text.startswith("令和6年3月31日までの支払額として入力された60,000円を計上します")
    assert "payments" not in [s.id for s in result.steps]


def test_a_case_with_the_new_fields_is_written_back_as_it_reads() -> None:
    data = {
        "scheme": "yamaguchi-2022",
        "service_type": "（介護予防）訪問看護",
        "prior_subsidy_yen": 100000,
        "items": [
            _lease(payment_count=60),
            _lease(name="月額", payment="monthly", category="care_software"),
            {"category": "maintenance", "name": "導入設定", "amount_yen": 30000, "kind": "setup"},
        ],
    }
    scheme = calculator.get_scheme("yamaguchi-2022")
    case = parse_case(data, scheme)
    written = case.to_dict()
    assert written["service_type"] == "（介護予防）訪問看護"
    assert written["items"][0]["first_payment_month"] == "2023-01"
    # No amount in the file, none written back: 5,000 × 60 is worked out each time it is read.
    assert "amount_yen" not in written["items"][0]
    assert case.items[0].amount_yen == 300000
    assert "amount_yen" not in written["items"][1]  # no count: the engine counts to the cutoff
    assert written["items"][2]["kind"] == "setup"
    again = parse_case(json.loads(json.dumps(written, ensure_ascii=False)), scheme)
    assert again == case
    assert calculator.simulate(again).to_dict() == calculator.simulate(case).to_dict()


@pytest.mark.parametrize(
    ("written", "services"),
    [
        ("訪問介護", ("訪問介護",)),
        ("通所 介護", ("通所介護",)),
        ("特定（介護予防）福祉用具販売", ("特定福祉用具販売", "特定介護予防福祉用具販売")),
        ("特定(介護予防)福祉用具販売", ("特定福祉用具販売", "特定介護予防福祉用具販売")),
        ("介護予防特定福祉用具販売", ("特定介護予防福祉用具販売",)),
        ("（介護予防）福祉用具貸与", ("福祉用具貸与", "介護予防福祉用具貸与")),
        ("特別養護老人ホーム", ("介護老人福祉施設",)),
        ("訪問販売", None),
    ],
)
def test_service_names_are_read_in_their_usual_variants(written: str, services: tuple[str, ...] | None) -> None:
    assert read_service(written) == services


def test_an_excluded_service_is_refused_with_its_clause_never_as_a_plain_zero() -> None:
    case = {
        "scheme": "yamaguchi-2022",
        "service_type": "介護予防特定福祉用具販売",
        "items": [{"category": "care_software", "amount_yen": 200000}],
    }
    data = calculator.simulate(case).to_dict()
    assert (data["eligible"], data["subsidy_yen"]) == (False, 0)
    assert data["ineligible_reasons"][0]["citation"]["anchor"] == "yamaguchi-2022-facilities"
    assert data["steps"][0]["id"] == "facility"
    assert data["steps"][-1]["text"] == "補助対象事業所ではないため、補助額は0円です。"
    zero = calculator.simulate({"scheme": "yamaguchi-2022", "items": []}).to_dict()
    assert (zero["eligible"], zero["subsidy_yen"], zero["ineligible_reasons"]) == (True, 0, [])


def test_alternatives_carry_the_reading_and_bound_the_range() -> None:
    case = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": 10.5,
        "items": [{"category": "care_software", "amount_yen": 3000001}],
    }
    data = calculator.simulate(case).to_dict()
    assert data["alternatives"] == [
        {
            "caveat": "ibaraki-2023-staff-between-bands",
            "title": "職員数が上限額の区分のあいだにあります",
            "reading": "高い方の区分の上限額を使うと読むと",
            "subsidy_yen": 1500000,
        }
    ]
    assert (data["subsidy_min_yen"], data["subsidy_yen"], data["subsidy_max_yen"]) == (1000000, 1000000, 1500000)


def test_below_the_first_band_is_not_called_the_lower_band() -> None:
    case = {"scheme": "ibaraki-2023", "ict_staff_fte": 0.5, "items": []}
    cap = next(s for s in calculator.simulate(case).steps if s.id == "cap")
    assert cap.text == (
        "ICTの活用が見込まれる職員数（常勤換算）0.5人は最も少ない区分「1～10人」より少ないため、"
        "この区分の上限額1,000,000円とします（注意を参照）。"
    )


def test_the_staff_counting_rule_is_a_step_of_the_explanation() -> None:
    case = {"scheme": "ibaraki-2023", "ict_staff_fte": 4, "items": []}
    step = next(s for s in calculator.simulate(case).steps if s.id == "staff_rule")
    assert "居宅を訪問してサービスを提供する職員" in step.text
    assert step.citation.anchor == "ibaraki-2023-staff-count"


def test_before_decision_is_worded_per_scheme() -> None:
    titles = {
        s.id: next(e.title for e in s.exclusions if e.item_flag == "before_decision") for s in calculator.all_schemes()
    }
    assert titles == {"ibaraki-2023": "交付決定前に導入したもの", "yamaguchi-2022": "交付決定前に契約・購入したもの"}
