"""How operators write money and head counts, and the exact messages when it cannot be read."""

from __future__ import annotations

from fractions import Fraction

import pytest

from calculator._amounts import format_staff, format_yen, parse_staff, parse_yen


@pytest.mark.parametrize(
    ("written", "yen"),
    [
        (500000, 500000),
        (0, 0),
        (500000.0, 500000),
        ("500000", 500000),
        ("1,200,000", 1200000),
        ("１２０万円", 1200000),
        ("１，２００，０００円", 1200000),
        ("120万", 1200000),
        ("1.5万円", 15000),
        ("3千円", 3000),
        ("¥1,000", 1000),
        ("￥１０００", 1000),
        (" 40万円 ", 400000),
        ("１０００円", 1000),
    ],
)
def test_parse_yen_accepts_what_operators_write(written: object, yen: int) -> None:
    assert parse_yen(written) == yen


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (-1, "金額はマイナスにできません（「-1」）"),
        ("-5", "金額はマイナスにできません（「-5」）"),
        ("▲5000", "金額はマイナスにできません（「▲5000」）"),
        ("abc", "金額を数値で入力してください（「abc」は読み取れません）"),
        ("1e6", "金額を数値で入力してください（「1e6」は読み取れません）"),
        ("", "金額を入力してください"),
        ("   ", "金額を入力してください"),
        (True, "金額を数値で入力してください（「True」は数値ではありません）"),
        (None, "金額を数値で入力してください（「None」は数値ではありません）"),
        ([1], "金額を数値で入力してください（「[1]」は数値ではありません）"),
        (float("nan"), "金額を数値で入力してください（「nan」は数値ではありません）"),
        (1.5, "金額は1円単位で入力してください（「1.5」には1円未満の端数があります）"),
        ("1.23456万円", "金額は1円単位で入力してください（「1.23456万円」には1円未満の端数があります）"),
        (10**12 + 1, "金額が大きすぎます（「1000000000001」。1兆円以下で入力してください）"),
        # Found by fuzzing (bench/fuzz_engine.py): exact arithmetic, no 28-digit rounding first.
        (
            "1.00000000000000000000000000001",
            "金額は1円単位で入力してください（「1.000000000000000000000000000…」には1円未満の端数があります）",
        ),
        (
            "1.0000000000000000000000000001万円",
            "金額は1円単位で入力してください（「1.000000000000000000000000000…」には1円未満の端数があります）",
        ),
        ("1" * 41, "金額の桁が多すぎます（「11111111111111111111111111111…」）"),
        ("٣٤", "金額を数値で入力してください（「٣٤」は読み取れません）"),  # Arabic-Indic digits
        ("①120万円", "金額を数値で入力してください（「①120万円」は読み取れません）"),  # not 1120万円 (NFKC)
        ("1²", "金額を数値で入力してください（「1²」は読み取れません）"),
    ],
)
def test_parse_yen_refuses_with_a_message_to_the_letter(written: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_yen(written)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("written", "count"),
    [(12, Fraction(12)), ("10.5", Fraction(21, 2)), ("１０．５人", Fraction(21, 2)), (0.5, Fraction(1, 2))],
)
def test_parse_staff_keeps_exact_fractions(written: object, count: Fraction) -> None:
    assert parse_staff(written) == count


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (0, "人数は0より大きい数で入力してください（「0」）"),
        ("0人", "人数は0より大きい数で入力してください（「0人」）"),
        ("-3", "人数はマイナスにできません（「-3」）"),
        ("十人", "人数を数値で入力してください（「十人」は読み取れません）"),
        (100001, "人数が大きすぎます（「100001」）"),
        ("10円", "人数を数値で入力してください（「10円」は読み取れません）"),  # money units are not people
        (9.039560168457493e-285, "人数の桁が多すぎます（「9.039560168457493e-285」）"),  # as "0.000…" typed
        ("⑳", "人数を数値で入力してください（「⑳」は読み取れません）"),
        ("100000.0000000000000000000000000005", "人数が大きすぎます（「100000.0000000000000000000000…」）"),
    ],
)
def test_parse_staff_refuses_with_a_message_to_the_letter(written: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_staff(written)
    assert str(raised.value) == message


def test_formatting() -> None:
    assert format_yen(1234567) == "1,234,567円"
    assert format_staff(Fraction(21, 2)) == "10.5人"
    assert format_staff(Fraction(31)) == "31人"


def test_an_integer_too_long_to_print_is_refused_in_japanese() -> None:
    """str() of an int over 4300 digits raises ValueError; the message must not depend on it."""
    with pytest.raises(ValueError) as raised:
        parse_yen(10**5000)
    assert str(raised.value) == "金額が大きすぎます（「（桁数の多すぎる数）」。1兆円以下で入力してください）"
