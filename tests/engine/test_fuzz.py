"""Fuzzing the case parser, the case-file loader, the CLI and the engine (issue #6, robustness).

The strategies and checks are in tests/engine/fuzzing.py; here they run a few hundred examples a
test, and bench/fuzz_engine.py runs them by the ten thousand. Any case is computed with every
invariant holding or refused with InputError whose errors each name a field in Japanese; nothing
else escapes, and the CLI exits 0 or 2, never with a traceback.

The strategies draw the inputs that broke the engine when this fuzzing first ran
(fuzzing.FOUND_BY_FUZZING) like any others; the tests after the fuzz tests pin the outcome of
each of them to the letter: the field, the Japanese message, the CLI's exit code.
"""

from __future__ import annotations

import json
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calculator
from calculator._amounts import parse_yen
from calculator._case import read_case_file
from calculator._vocabulary import CATEGORY_IDS
from tests.engine import fuzzing
from tests.engine.test_cli import run

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@FUZZ
@given(fuzzing.valid_cases())
def test_a_valid_case_is_computed_and_keeps_every_invariant(case: dict[str, Any]) -> None:
    try:
        result = calculator.simulate(case)
    except calculator.InputError as error:
        pytest.fail(f"a valid case was refused: {error}")
    outcome = fuzzing.check_result(case, result)
    assert outcome.accepted


@FUZZ
@given(fuzzing.any_cases())
def test_any_case_is_computed_within_the_invariants_or_refused_field_by_field(case: Any) -> None:
    outcome = fuzzing.check_case(case)  # asserts the invariants, or the fields and Japanese messages
    assert outcome.accepted or outcome.fields


@FUZZ
@given(fuzzing.broken_cases())
def test_a_broken_field_is_refused_and_named(broken: tuple[dict[str, Any], str]) -> None:
    case, field = broken
    with pytest.raises(calculator.InputError) as refused:
        calculator.simulate(case)
    outcome = fuzzing.check_refusal(refused.value, case)
    assert field in outcome.fields, (field, refused.value.errors)


@settings(max_examples=500, deadline=None)
@given(fuzzing.amount_texts())
def test_an_amount_text_means_what_it_was_built_from(pair: tuple[str, int | None]) -> None:
    fuzzing.check_amount_text(*pair)


@settings(max_examples=300, deadline=None)
@given(fuzzing.staff_texts())
def test_a_head_count_text_means_what_it_was_built_from(pair: tuple[str, Fraction | None]) -> None:
    fuzzing.check_staff_text(*pair)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fuzzing.case_files(), st.booleans())
def test_a_case_file_is_computed_or_refused_by_the_loader_and_the_cli_alike(
    file: tuple[str, bytes], as_json: bool
) -> None:
    suffix, payload = file
    with tempfile.TemporaryDirectory() as folder:
        outcome = fuzzing.check_case_file(Path(folder) / f"case{suffix}", payload, as_json=as_json)
    assert outcome.accepted or outcome.messages


def test_the_strategies_reach_both_outcomes() -> None:
    """The fuzzing is only worth something if it both computes and refuses: a fixed sample of each."""
    from hypothesis import find

    accepted = find(fuzzing.any_cases(), lambda c: fuzzing.check_case(c).accepted and len(c.get("items", [])) >= 2)
    refused = find(fuzzing.any_cases(), lambda c: len(fuzzing.check_case(c).fields) >= 2)
    assert calculator.simulate(accepted).total_cost_yen >= 0
    with pytest.raises(calculator.InputError):
        calculator.simulate(refused)


# --- what the fuzzing found, pinned (fuzzing.FOUND_BY_FUZZING) ------------------------------------

HUGE = fuzzing.HUGE_INT  # more digits than str(int) will write (sys.get_int_max_str_digits() is 4300)
SHOWN = "（桁数の多すぎる数）"  # how a message shows such a number (calculator._errors.shown)
DEVICE = {"category": "devices", "amount_yen": 1}


def refusal(case: dict[str, Any]) -> dict[str, str]:
    """The errors simulate(case) refuses it with, field -> message, after the general checks."""
    with pytest.raises(calculator.InputError) as refused:
        calculator.simulate(case)
    fuzzing.check_refusal(refused.value, case)
    return {e.field: e.message for e in refused.value.errors}


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        (
            {"ikkan_achieved": HUGE},
            "ikkan_achieved",
            f"true（はい）か false（いいえ）で指定してください（「{SHOWN}」）",
        ),
        (
            {"prior_subsidy_yen": HUGE},
            "prior_subsidy_yen",
            f"金額が大きすぎます（「{SHOWN}」。1兆円以下で入力してください）",
        ),
        ({"prior_subsidy_yen": -HUGE}, "prior_subsidy_yen", f"金額はマイナスにできません（「{SHOWN}」）"),
        ({"ict_staff_fte": HUGE}, "ict_staff_fte", f"人数が大きすぎます（「{SHOWN}」）"),
        ({"note": HUGE}, "note", "文字列で入力してください"),
        ({"scheme": HUGE}, "scheme", '制度は "ibaraki-2023" のような文字列で指定してください'),
        (
            {"items": [{**DEVICE, "amount_yen": HUGE}]},
            "items[0].amount_yen",
            f"金額が大きすぎます（「{SHOWN}」。1兆円以下で入力してください）",
        ),
        (
            {"items": [{**DEVICE, "category": HUGE}]},
            "items[0].category",
            f"「{SHOWN}」という区分はありません（使えるのは {', '.join(CATEGORY_IDS)}）",
        ),
        (
            {"items": [{**DEVICE, "payment": HUGE}]},
            "items[0].payment",
            f"「{SHOWN}」という支払方法はありません（purchase: 購入、lease: リース・レンタル、monthly: 月額払い）",
        ),
        (
            {"items": [{**DEVICE, "recurring": HUGE}]},
            "items[0].recurring",
            f"true（恒常的な費用）か false（一回限り）で指定してください（「{SHOWN}」）",
        ),
        (
            {"items": [{**DEVICE, "before_decision": HUGE}]},
            "items[0].before_decision",
            f"true（はい）か false（いいえ）で指定してください（「{SHOWN}」）",
        ),
    ],
)
def test_a_huge_integer_is_refused_naming_its_field_in_japanese(case: dict[str, Any], field: str, message: str) -> None:
    """huge-int: str() of it raises ValueError; it used to escape simulate() or be refused in English."""
    assert refusal({"scheme": "yamaguchi-2022", "items": [], **case}) == {field: message}


def _case_file(suffix: str, literal: str) -> str:
    if suffix == ".toml":
        return f'scheme = "yamaguchi-2022"\nprior_subsidy_yen = {literal}\nitems = []\n'
    return f'{{"scheme": "yamaguchi-2022", "prior_subsidy_yen": {literal}, "items": []}}'


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_a_case_file_with_a_huge_integer_is_refused_with_exit_2(
    suffix: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """file-huge-int: json/tomllib raise ValueError for an int literal over 4300 digits."""
    path = tmp_path / f"case{suffix}"
    outcome = fuzzing.check_case_file(path, _case_file(suffix, "1" * 4301).encode())
    message = f"ケースファイル「case{suffix}」に桁数の多すぎる数があります"
    assert (outcome.fields, outcome.messages) == (("",), (message,))
    done = run(["simulate", str(path)], cli_env)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"入力に誤りがあります:\n  {message}\n")


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_a_deeply_nested_case_file_is_refused_with_exit_2(suffix: str, tmp_path: Path, cli_env: dict[str, str]) -> None:
    """file-deep-nesting: json/tomllib raise RecursionError on '[' * 100000."""
    path = tmp_path / f"case{suffix}"
    text = ("a = " if suffix == ".toml" else "") + "[" * 100_000 + "]" * 100_000
    outcome = fuzzing.check_case_file(path, text.encode())
    message = f"ケースファイル「case{suffix}」は入れ子が深すぎて読めません"
    assert (outcome.fields, outcome.messages) == (("",), (message,))
    done = run(["simulate", str(path)], cli_env)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"入力に誤りがあります:\n  {message}\n")


SURROGATE_MESSAGE = "文字として読めない符号（対になっていないサロゲート）が含まれています"


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"items": [{**DEVICE, "name": "\ud800"}]}, "items[0].name"),
        ({"items": [], "facility_name": "介護\udfff"}, "facility_name"),
        ({"items": [], "note": "\udc00メモ"}, "note"),
    ],
)
def test_a_lone_surrogate_in_a_text_field_is_refused_and_the_cli_exits_2(
    case: dict[str, Any], field: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """cli-surrogate: a JSON "\\ud800" escape was computed, then the CLI died printing the name."""
    case = {"scheme": "yamaguchi-2022", **case}
    assert refusal(case) == {field: SURROGATE_MESSAGE}
    path = tmp_path / "case.json"
    payload = json.dumps(case).encode()  # ensure_ascii: the surrogate as a \\ud800 escape
    path.write_bytes(payload)
    assert read_case_file(path) == case  # the file reads; the refusal comes from the case
    outcome = fuzzing.check_case_file(path, payload, as_json=False)
    assert (outcome.fields, outcome.messages) == ((field,), (SURROGATE_MESSAGE,))
    done = run(["simulate", str(path)], cli_env)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"入力に誤りがあります:\n  {field}: {SURROGATE_MESSAGE}\n"


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ({"\ud800": 1}, "\\ud800", "「\\ud800」という項目はこの制度のケースにありません（綴りを確認してください）"),
        ({"items": [{**DEVICE, "category": "\ud800"}]}, "items[0].category", "「\\ud800」という区分はありません"),
        ({"scheme": "x\udc00"}, "scheme", "「x\\udc00」という制度はありません"),
    ],
)
def test_a_lone_surrogate_elsewhere_is_shown_escaped_in_the_message(
    case: dict[str, Any], field: str, message: str
) -> None:
    """A message or field name that repeats a lone surrogate escapes it, so the CLI can print it."""
    errors = refusal({"scheme": "yamaguchi-2022", "items": [], **case})
    assert list(errors) == [field]
    assert errors[field].startswith(message)
    errors[field].encode("utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1.00000000000000000000000000001",  # 30 significant digits: used to be read as 1 yen
            "金額は1円単位で入力してください（「1.000000000000000000000000000…」には1円未満の端数があります）",
        ),
        (
            "999999999999.99999999999999999999999",  # used to be read as 1,000,000,000,000 yen
            "金額は1円単位で入力してください（「999999999999.9999999999999999…」には1円未満の端数があります）",
        ),
        (
            "1.0000000000000000000000000001万円",  # used to be read as 10,000 yen
            "金額は1円単位で入力してください（「1.000000000000000000000000000…」には1円未満の端数があります）",
        ),
        ("1" * 41, "金額の桁が多すぎます（「11111111111111111111111111111…」）"),
    ],
)
def test_more_than_28_significant_digits_are_not_rounded_before_the_check(text: str, message: str) -> None:
    """decimal-precision: the default decimal context (28 digits) rounded the fraction away."""
    with pytest.raises(ValueError) as refused:
        parse_yen(text)
    assert str(refused.value) == message
    assert not fuzzing.check_amount_text(text, None)
    assert refusal({"scheme": "yamaguchi-2022", "items": [{**DEVICE, "amount_yen": text}]}) == {
        "items[0].amount_yen": message
    }


def test_long_numbers_that_are_exact_are_read_exactly() -> None:
    """The other side of decimal-precision: long numbers with no fraction of a yen are not refused."""
    assert fuzzing.check_amount_text("5." + "0" * 30 + "万円", 50_000)
    assert fuzzing.check_staff_text("1." + "0" * 28 + "1", Fraction(10**29 + 1, 10**29))
    assert not fuzzing.check_staff_text("1." + "0" * 39 + "1", None)  # 41 digits: too many, refused not rounded


@pytest.mark.parametrize(
    ("staff", "cap_yen"),
    [("10.999999999999999999", 1_000_000), ("20.99999999999999999", 1_600_000), ("30.9999999999999999", 2_000_000)],
)
def test_to_dict_keeps_a_head_count_in_its_band(staff: str, cap_yen: int) -> None:
    """case-round-trip: Case.to_dict() wrote 20.99999999999999999 as 21.0, the next band's cap."""
    case = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": staff,
        "items": [{"category": "care_software", "amount_yen": 10_000_000}],
    }
    result = calculator.simulate(case)
    assert result.cap_yen == cap_yen
    assert "ibaraki-2023-staff-between-bands" in {c.id for c in result.caveats}
    loaded = calculator.load_case(case)
    written = json.loads(json.dumps(loaded.to_dict()))
    assert written["ict_staff_fte"] == staff
    assert calculator.load_case(written) == loaded
    assert calculator.simulate(written).cap_yen == cap_yen
    assert calculator.simulate(written).to_dict() == result.to_dict()
    fuzzing.check_result(case, result)
