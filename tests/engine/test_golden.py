"""Golden cases: worked out by hand from the source documents, kept as data (one TOML per theme).

Each case states its figures; the engine must give exactly those. The glob must find cases for
every scheme, so a renamed folder cannot turn this test into a silent pass.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import calculator
from tests.engine.conftest import ENGINE_TESTS, scheme_for

GOLDEN = ENGINE_TESTS / "golden"
OUTPUT_KEYS = {
    "subsidy_yen",
    "eligible_expense_yen",
    "rate",
    "cap_yen",
    "remaining_cap_yen",
    "self_pay_yen",
    "rate_amount_yen",
    "cap_binds",
    "items",
    "caveats_include",
    "caveats_exclude",
    "requirements_include",
    "requirements_exclude",
    "alternatives",
    "eligible",
}


def _cases() -> list[Any]:
    found = []
    for path in sorted(GOLDEN.glob("*/*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for n, case in enumerate(data["cases"]):
            found.append(pytest.param(path, case, id=f"{path.parent.name}/{path.stem}[{n}]"))
    return found


CASES = _cases()


def test_every_scheme_has_at_least_15_golden_cases() -> None:
    counts: dict[str, int] = {}
    for param in CASES:
        path = param.values[0]
        counts[path.parent.name] = counts.get(path.parent.name, 0) + 1
    for scheme_id in ("ibaraki-2023", "yamaguchi-2022"):
        assert counts.get(scheme_id, 0) >= 15, counts


@pytest.mark.parametrize(("path", "case"), CASES)
def test_golden_case(path: Path, case: dict[str, Any]) -> None:
    assert set(case) == {"name", "input", "output"}, f"{path}: keys {sorted(case)}"
    expected = case["output"]
    assert set(expected) <= OUTPUT_KEYS, f"{path}: unknown output keys {sorted(set(expected) - OUTPUT_KEYS)}"
    assert "subsidy_yen" in expected
    assert case["input"]["scheme"] == path.parent.name
    result = calculator.simulate(case["input"], scheme_for(case["input"]["scheme"])).to_dict()

    for key in (
        "subsidy_yen",
        "eligible_expense_yen",
        "rate",
        "cap_yen",
        "remaining_cap_yen",
        "self_pay_yen",
        "rate_amount_yen",
        "cap_binds",
        "eligible",
    ):
        if key in expected:
            assert result[key] == expected[key], f"{case['name']}: {key}"
    if "items" in expected:
        got = [{"status": i["status"], "eligible_yen": i["eligible_yen"]} for i in result["items"]]
        want = [{"status": i["status"], "eligible_yen": i["eligible_yen"]} for i in expected["items"]]
        assert got == want, case["name"]
    if "alternatives" in expected:  # the amount under each other reading a shown caveat allows
        got_alternatives = sorted((a["caveat"], a["subsidy_yen"]) for a in result["alternatives"])
        want_alternatives = sorted((a["caveat"], a["subsidy_yen"]) for a in expected["alternatives"])
        assert got_alternatives == want_alternatives, case["name"]
        amounts = [result["subsidy_yen"], *(a["subsidy_yen"] for a in result["alternatives"])]
        assert (result["subsidy_min_yen"], result["subsidy_max_yen"]) == (min(amounts), max(amounts))
    caveats = {c["id"] for c in result["caveats"]}
    assert set(expected.get("caveats_include", [])) <= caveats, case["name"]
    assert not set(expected.get("caveats_exclude", [])) & caveats, case["name"]
    requirements = {r["id"] for r in result["requirements"]}
    assert set(expected.get("requirements_include", [])) <= requirements, case["name"]
    assert not set(expected.get("requirements_exclude", [])) & requirements, case["name"]
