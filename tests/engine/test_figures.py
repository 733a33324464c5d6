"""`check` reads the numbers: each figure of a scheme must be written in the quote it cites.

Every figure of each shipped scheme is changed, one at a time, and the check must name its key; the
number readers are tested on the ways the documents write numbers."""

from __future__ import annotations

import dataclasses
import datetime
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator._figures import _figures, check_figures, dates_in, numbers_in, rates_in
from tests.engine.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
SCHEMES = calculator.all_schemes()


def _changed(value: int | Fraction | datetime.date) -> int | Fraction | datetime.date:
    if isinstance(value, datetime.date):
        return value + datetime.timedelta(days=1)
    if isinstance(value, Fraction):
        return value / 2
    return value + 1


def _set(obj: Any, path: list[str], value: object) -> Any:
    """A copy of `obj` with the attribute, index ([n]) or key at `path` replaced."""
    head, rest = path[0], path[1:]
    index = re.fullmatch(r"(\w+)\[(\d+)\]", head)
    name = index[1] if index else head
    if isinstance(obj, dict):
        return {**obj, name: _set(obj[name], rest, value) if rest else value}
    inner = getattr(obj, name)
    if index:
        n = int(index[2])
        items = list(inner)
        items[n] = _set(items[n], rest, value) if rest else value
        return dataclasses.replace(obj, **{name: tuple(items)})
    return dataclasses.replace(obj, **{name: _set(inner, rest, value) if rest else value})


FIGURES = [
    pytest.param(scheme, key, figure, id=f"{scheme.id}:{key}")
    for scheme in SCHEMES
    for key, figure, citation in _figures(scheme)
    if citation is not None
]


def test_the_shipped_schemes_have_figures_to_check() -> None:
    counted = {s.id: sum(1 for p in FIGURES if p.values[0] is s) for s in SCHEMES}
    assert counted == {"ibaraki-2023": 15, "yamaguchi-2022": 8}, counted
    assert all(check_figures(s) == [] for s in SCHEMES)


@pytest.mark.parametrize(("scheme", "key", "figure"), FIGURES)
def test_a_changed_figure_is_named(scheme: calculator.Scheme, key: str, figure: Any) -> None:
    path = key.split(".")  # payments.lease.until: a dict of Payment by id, handled by _set
    changed = _set(scheme, path, _changed(figure))
    problems = check_figures(changed)
    assert [p for p in problems if p.startswith(f"{key}: ")], problems


def test_the_cli_refuses_a_cap_changed_under_its_quote(tmp_path: Path, cli_env: dict[str, str]) -> None:
    # The issue's own example: 500,000 where the quote says 400,000円.
    (tmp_path / "sources").mkdir()
    shutil.copy(ROOT / "sources/yamaguchi-2022-gaiyo.txt", tmp_path / "sources")
    folder = tmp_path / "a" / "schemes"
    folder.mkdir(parents=True)
    text = (ROOT / "calculator/schemes/yamaguchi-2022.toml").read_text(encoding="utf-8")
    assert text.count("amount_yen = 400_000") == 1
    copy = folder / "yamaguchi-2022.toml"
    copy.write_text(text.replace("amount_yen = 400_000", "amount_yen = 500_000"), encoding="utf-8")
    done = run(["check", str(copy)], cli_env)
    assert done.returncode == 1
    assert (
        "  yamaguchi-2022.toml: cap.amount_yen: 「500,000」 が引用「1事業所あたり、次の①、②に掲げる区分に応じて"
        "定める額と、400,000円を比較していずれか低い方の額とする。」にありません（数字を確認してください）"
    ) in done.stderr.splitlines()


@pytest.mark.parametrize(
    ("quote", "numbers"),
    [
        ("※上限額40万円", {400000}),
        ("400,000円を比較して", {400000}),
        ("1,000万円", {10000000}),
        ("・11～20人　160万", {11, 20, 1600000}),
        ("３１人～　２６０万", {31, 2600000}),
        ("千円未満の端数", {1000}),
        ("①、②に掲げる区分", set()),
    ],
)
def test_numbers_are_read_as_the_documents_write_them(quote: str, numbers: set[int]) -> None:
    assert numbers_in(quote) == numbers


def test_rates_and_dates_are_read_in_every_width_and_era() -> None:
    assert rates_in("補助率２分の１") == {Fraction(1, 2)}
    assert rates_in("4分の3を乗じて、または 1/2") == {Fraction(3, 4), Fraction(1, 2)}
    assert dates_in("令和６年３月31日までの支払い分") == {datetime.date(2024, 3, 31)}
    assert dates_in("令和元年5月1日、2023年4月1日、2022-07-19") == {
        datetime.date(2019, 5, 1),
        datetime.date(2023, 4, 1),
        datetime.date(2022, 7, 19),
    }
    assert dates_in("令和5年2月30日") == set()
