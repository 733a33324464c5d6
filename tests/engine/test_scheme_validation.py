"""The strict loader: each kind of defect in a scheme file gets its own message, tested to the letter."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import calculator
from tests.engine.conftest import ENGINE_TESTS, SHIPPED_SCHEME_IDS, TEST_SCHEMES

BASE = TEST_SCHEMES / "mirai-2030.toml"
BAD = tomllib.loads((ENGINE_TESTS / "bad_schemes.toml").read_text(encoding="utf-8"))["cases"]


def test_the_base_of_the_bad_fixtures_is_valid() -> None:
    scheme = calculator.load_scheme(BASE)
    assert calculator.check_quotes(scheme) == []


def test_there_is_a_fixture_for_many_kinds_of_error() -> None:
    assert len(BAD) >= 20


@pytest.mark.parametrize("case", BAD, ids=[c["name"] for c in BAD])
def test_a_defect_is_named_with_file_and_key_path(case: dict[str, Any], tmp_path: Path) -> None:
    old, new = case["replace"]
    text = BASE.read_text(encoding="utf-8")
    assert old in text, "the fixture no longer matches the base scheme"
    path = tmp_path / BASE.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(calculator.SchemeError) as raised:
        calculator.load_scheme(path)
    assert case["expect"] in str(raised.value).splitlines()


@pytest.mark.parametrize("scheme_id", SHIPPED_SCHEME_IDS)
def test_every_quote_of_a_shipped_scheme_is_in_its_source(scheme_id: str) -> None:
    scheme = calculator.get_scheme(scheme_id)
    assert all(d.source is not None and d.source.is_file() for d in scheme.documents)
    assert calculator.check_quotes(scheme) == []


def test_anchors_are_unique_across_schemes() -> None:
    anchors = [a for s in calculator.all_schemes() for a in s.clauses]
    assert len(anchors) == len(set(anchors))


@pytest.mark.parametrize("scheme_id", SHIPPED_SCHEME_IDS)
def test_the_documents_own_example_of_a_later_subsidy_holds(scheme_id: str) -> None:
    scheme = calculator.get_scheme(scheme_id)
    for example in scheme.repeat.examples:
        case = {
            "scheme": scheme_id,
            "ict_staff_fte": example.ict_staff_fte,
            "prior_subsidy_yen": example.prior_subsidy_yen,
            "items": [{"category": "care_software", "amount_yen": 10**8}],
        }
        result = calculator.simulate(case)
        assert result.remaining_cap_yen == example.remaining_cap_yen
        assert result.subsidy_yen == example.remaining_cap_yen


def test_ibaraki_carries_the_documents_example() -> None:
    (example,) = calculator.get_scheme("ibaraki-2023").repeat.examples
    assert (example.ict_staff_fte, example.prior_subsidy_yen, example.remaining_cap_yen) == (31, 1_000_000, 1_600_000)
