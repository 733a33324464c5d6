"""Properties that hold for every case, checked on cases hypothesis makes up.

The invariants: the subsidy is whole yen, never negative, never above the cap less earlier
subsidies nor above rate × eligible expense, a multiple of the rounding unit where the scheme
rounds, and it never falls when an amount grows. Random bad input always gets exit code 2.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calculator
from calculator.__main__ import main
from calculator._vocabulary import CATEGORY_IDS, PAYMENT_IDS
from tests.engine.conftest import scheme_for

SCHEME_IDS = ("ibaraki-2023", "yamaguchi-2022", "mirai-2030")
SCHEMES = {scheme_id: scheme_for(scheme_id) for scheme_id in SCHEME_IDS}

money = st.integers(min_value=0, max_value=20_000_000)


@st.composite
def items(draw: st.DrawFn, scheme: calculator.Scheme) -> dict[str, Any]:
    amount = draw(money)
    item: dict[str, Any] = {
        "category": draw(st.sampled_from(CATEGORY_IDS)),
        "amount_yen": amount,
        "consumption_tax_yen": draw(st.sampled_from([0, amount // 10])),
        "payment": draw(st.sampled_from(PAYMENT_IDS)),
    }
    if scheme.item_parts():
        item["other_subsidy_yen"] = draw(st.integers(min_value=0, max_value=amount))
    for flag in scheme.item_flags():
        item[flag] = draw(st.booleans())
    if draw(st.booleans()):
        item["recurring"] = draw(st.booleans())
    return item


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    scheme_id = draw(st.sampled_from(SCHEME_IDS))
    scheme = SCHEMES[scheme_id]
    case: dict[str, Any] = {
        "scheme": scheme_id,
        "ikkan_achieved": draw(st.booleans()),
        "prior_subsidy_yen": draw(st.sampled_from([0, 0, 1000, 100_000, 1_000_000, 3_000_000])),
        "items": draw(st.lists(items(scheme), max_size=6)),
    }
    if scheme.cap.kind == "by_staff":
        case["ict_staff_fte"] = draw(
            st.one_of(st.integers(min_value=1, max_value=60), st.sampled_from(["0.5", "10.5", "20.25", "30.5"]))
        )
    conditions = [c.id for c in scheme.rate.conditions]
    case["higher_rate_conditions"] = draw(st.lists(st.sampled_from(conditions), unique=True)) if conditions else []
    return case


@settings(max_examples=400, deadline=None)
@given(cases())
def test_invariants(case: dict[str, Any]) -> None:
    scheme = SCHEMES[case["scheme"]]
    result = calculator.simulate(case, scheme)
    rate = Fraction(result.rate)
    assert isinstance(result.subsidy_yen, int)
    assert 0 <= result.subsidy_yen <= result.remaining_cap_yen == max(0, result.cap_yen - case["prior_subsidy_yen"])
    assert result.subsidy_yen <= rate * result.eligible_expense_yen
    if case["prior_subsidy_yen"] % scheme.rounding.unit_yen == 0:
        assert result.subsidy_yen % scheme.rounding.unit_yen == 0
    total = sum(i["amount_yen"] + i["consumption_tax_yen"] for i in case["items"])
    assert result.total_cost_yen == total
    others = sum(i.get("other_subsidy_yen", 0) for i in case["items"])
    assert result.self_pay_yen == total - result.subsidy_yen - others >= 0
    assert result.eligible_expense_yen <= total
    assert result.eligible_expense_yen <= sum(d.eligible_yen for d in result.items)
    assert all(d.eligible_yen >= 0 for d in result.items)
    assert all(d.status != "excluded" or d.eligible_yen == 0 for d in result.items)
    assert result.cap_binds == (result.rate_amount_yen >= result.remaining_cap_yen)
    assert [s.id for s in result.steps][-1] == "subsidy"
    assert all(s.citation.anchor in scheme.clauses for s in result.steps)
    assert all(c.id in scheme.caveats for c in result.caveats)
    json.dumps(result.to_dict())  # the worker posts exactly this


@settings(max_examples=200, deadline=None)
@given(cases(), st.data())
def test_subsidy_never_falls_when_an_amount_grows(case: dict[str, Any], data: st.DataObject) -> None:
    if not case["items"]:
        return
    scheme = SCHEMES[case["scheme"]]
    before = calculator.simulate(case, scheme).subsidy_yen
    n = data.draw(st.integers(min_value=0, max_value=len(case["items"]) - 1))
    grown = json.loads(json.dumps(case))
    grown["items"][n]["amount_yen"] += data.draw(st.integers(min_value=1, max_value=5_000_000))
    assert calculator.simulate(grown, scheme).subsidy_yen >= before


@settings(max_examples=200, deadline=None)
@given(cases())
def test_cap_binds_from_is_where_the_cap_starts_to_decide(case: dict[str, Any]) -> None:
    scheme = SCHEMES[case["scheme"]]
    result = calculator.simulate(case, scheme)
    rate, unit = Fraction(result.rate), scheme.rounding.unit_yen
    at = result.cap_binds_from_yen

    def rate_amount(eligible: int) -> int:
        return math.floor(eligible * rate / unit) * unit

    assert rate_amount(at) >= result.remaining_cap_yen
    assert at == 0 or rate_amount(at - 1) < result.remaining_cap_yen


bad_amounts = st.one_of(
    st.integers(max_value=-1),
    st.text(alphabet="abcxyzあいう-円万.", min_size=1).filter(lambda s: not any(c.isdigit() for c in s)),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.floats(allow_nan=True).filter(lambda f: f != f or f < 0 or not float(f).is_integer()),
)


@st.composite
def bad_cases(draw: st.DrawFn) -> dict[str, Any]:
    case = draw(cases())
    how = draw(st.sampled_from(["amount", "category", "scheme", "staff", "missing_items", "payment", "condition"]))
    if how == "amount" or (how in {"category", "payment"} and not case["items"]):
        case["items"].append({"category": "care_software", "amount_yen": draw(bad_amounts)})
    elif how == "category":
        case["items"][0]["category"] = draw(st.text(min_size=1).filter(lambda s: s not in CATEGORY_IDS))
    elif how == "payment":
        case["items"][0]["payment"] = draw(st.text().filter(lambda s: s not in PAYMENT_IDS))
    elif how == "scheme":
        case["scheme"] = draw(st.text().filter(lambda s: s.strip() not in SCHEME_IDS))
    elif how == "staff":
        case["scheme"] = "ibaraki-2023"
        case["higher_rate_conditions"] = []
        case["ict_staff_fte"] = draw(
            st.one_of(st.just(0), st.integers(max_value=0), st.text(alphabet="abc人-", min_size=1))
        )
    elif how == "missing_items":
        del case["items"]
    else:
        case["higher_rate_conditions"] = [
            draw(st.text(min_size=1).filter(lambda s: s not in {"life_csv", "careplan_data_link", "halve_documents"}))
        ]
    return case


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=bad_cases())
def test_random_bad_input_always_exits_2(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    args = ["simulate", str(path)]
    if case["scheme"] == "mirai-2030":
        args += ["--scheme-file", str(SCHEMES["mirai-2030"].path)]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("入力に誤りがあります:\n  ")
    assert "Traceback" not in err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SCHEME_IDS),
    st.dictionaries(
        st.sampled_from(
            [
                "ict_staff_fte",
                "ikkan_achieved",
                "higher_rate_conditions",
                "prior_subsidy_yen",
                "prior_subsidy_count",
                "requirements_met",
                "items",
                "facility_name",
                "extra",
            ]
        ),
        json_values,
    ),
)
def test_any_json_is_either_computed_or_refused_with_field_errors(scheme_id: str, fields: dict[str, Any]) -> None:
    case = {"scheme": scheme_id, **fields}
    try:
        result = calculator.simulate(case, SCHEMES[scheme_id])
    except calculator.InputError as error:
        assert error.errors
        assert all(e.message for e in error.errors)
    else:
        assert result.subsidy_yen >= 0
