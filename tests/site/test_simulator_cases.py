"""Cases opened in the simulator page are the CLI's cases: every golden case, by link and by file,
shows CPython's amount and saves back unchanged; fields the form does not show are kept; a malformed
file gets the CLI's words and leaves the form as it was; many rows are refused or built quickly."""

from __future__ import annotations

import base64
import json
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator._case import read_case_bytes
from tests.site.test_simulator import FIRST_RESULT_TIMEOUT, open_simulator, yen_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = set(calculator.scheme_ids())
# The golden cases of the shipped schemes (mirai-2030 is a test scheme the site does not carry).
GOLDEN = [
    (f"{path.parent.name}/{path.stem}[{n}]", case["input"])
    for path in sorted((ROOT / "tests" / "engine" / "golden").glob("*/*.toml"))
    if path.parent.name in SHIPPED
    for n, case in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["cases"])
]


def link_of(case: object) -> str:
    """The shared link's form (public contract): "#case=" and the base64url of the case's JSON."""
    text = json.dumps(case, ensure_ascii=False).encode("utf-8")
    return "#case=" + base64.urlsafe_b64encode(text).decode("ascii").rstrip("=")


def shown_amount(page: Any) -> int:
    """Wait for the page to show an amount, and read it from data-subsidy-yen."""
    page.wait_for_selector("#sim-result:not([data-subsidy-yen='']) #sim-subsidy", timeout=FIRST_RESULT_TIMEOUT)
    amount = page.get_attribute("#sim-result", "data-subsidy-yen")
    assert page.get_attribute("#sim-subsidy", "data-subsidy-yen") == amount
    assert page.inner_text("#sim-subsidy") == yen_text(int(amount))
    return int(amount)


def assert_shows(page: Any, case: dict[str, Any], name: str) -> None:
    result = calculator.simulate(case)
    assert shown_amount(page) == result.subsidy_yen, name
    assert page.inner_text("#sim-eligible") == yen_text(result.eligible_expense_yen), name
    assert page.inner_text("#sim-self-pay") == yen_text(result.self_pay_yen), name
    statuses = page.eval_on_selector_all(
        "#sim-result tbody tr[class^=sim-status-]", "rows => rows.map(r => r.className)"
    )
    assert statuses == [f"sim-status-{i.status}" for i in result.items], name


# Before opening a case, a test blanks the amount the page shows, so that the next amount it reads is
# the one the page computed for that case (the page sets it only when it shows a result).
FORGET_AMOUNT = "() => { document.getElementById('sim-result').dataset.subsidyYen = ''; }"


def paste_link(page: Any, case: object) -> None:
    """A link pasted into the open page: only the address's "#..." changes."""
    page.evaluate(FORGET_AMOUNT)
    page.evaluate("hash => { location.hash = hash; }", link_of(case))


def open_file(page: Any, name: str, data: bytes) -> None:
    page.evaluate(FORGET_AMOUNT)
    page.set_input_files("#sim-load", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}])


def saved(page: Any, tmp_path: Path) -> Any:
    with page.expect_download() as download:
        page.click("#sim-save")
    target = tmp_path / "saved.json"
    download.value.save_as(target)
    return json.loads(target.read_text(encoding="utf-8"))


def test_the_golden_cases_are_many_and_of_every_shipped_scheme() -> None:
    assert {name.split("/")[0] for name, _ in GOLDEN} == SHIPPED
    assert len(GOLDEN) >= 30


def test_every_golden_case_opened_by_link_shows_cpythons_amount(page: Any, base_url: str) -> None:
    """The first by loading the link, the rest pasted into the open page (only "#..." changes)."""
    first_name, first = GOLDEN[0]
    open_simulator(page, base_url, link_of(first))
    assert_shows(page, first, first_name)
    for name, case in GOLDEN[1:]:
        paste_link(page, case)
        assert_shows(page, case, name)


def test_every_golden_case_opened_as_a_file_shows_cpythons_amount_and_saves_back_unchanged(
    page: Any, base_url: str, tmp_path: Path
) -> None:
    open_simulator(page, base_url)
    for name, case in GOLDEN:
        open_file(page, "case.json", json.dumps(case, ensure_ascii=False, indent=1).encode("utf-8"))
        assert_shows(page, case, name)
        assert saved(page, tmp_path) == case, name


def test_the_toml_example_opens_and_saves_back_unchanged(page: Any, base_url: str, tmp_path: Path) -> None:
    example = ROOT / "examples" / "yamaguchi-2022.toml"
    case = tomllib.loads(example.read_text(encoding="utf-8"))
    open_simulator(page, base_url)
    page.evaluate(FORGET_AMOUNT)
    page.set_input_files("#sim-load", str(example))
    assert_shows(page, case, example.name)
    assert saved(page, tmp_path) == case


KEPT = {
    "scheme": "ibaraki-2023",
    "facility_name": "ケアホーム<b>みらい</b>",
    "ict_staff_fte": 12,
    "ikkan_achieved": False,
    "prior_subsidy_yen": 0,
    "requirements_met": ["ibaraki-2023-req-plan"],
    "note": "メモ",
    "items": [
        {
            "category": "care_software",
            "name": "介護記録ソフト",
            "amount_yen": 800000,
            "other_subsidy_yen": 500000,
            "robot_program": False,
            "recurring": False,
        }
    ],
}


def kept_case() -> dict[str, Any]:
    """KEPT with a requirement id the scheme really has (the data names them)."""
    case = json.loads(json.dumps(KEPT))
    case["requirements_met"] = [calculator.get_scheme("ibaraki-2023").requirements[0].id]
    return case


def test_fields_the_form_does_not_show_are_kept_computed_listed_and_saved(
    page: Any, base_url: str, tmp_path: Path
) -> None:
    """The issue's case: other_subsidy_yen 500,000 gives 150,000円 in the CLI; the page used to drop
    the field and show 400,000円."""
    case = kept_case()
    assert calculator.simulate(case).subsidy_yen == 150_000
    open_simulator(page, base_url)
    open_file(page, "kept.json", json.dumps(case, ensure_ascii=False).encode("utf-8"))
    assert_shows(page, case, "kept")
    listed = page.inner_text("#sim-kept-list")
    for shown in ("facility_name", "requirements_met", "note", "other_subsidy_yen", "robot_program", "recurring"):
        assert shown in listed
    assert "ケアホーム<b>みらい</b>" in listed  # as text, never as HTML
    assert page.locator("#sim-kept-list b").count() == 0
    assert saved(page, tmp_path) == case
    # A field the form shows, changed there, is what is saved; the kept ones stay.
    page.locator(".sim-item [data-name=amount_yen]").first.fill("900000")
    page.wait_for_function("() => document.getElementById('sim-result').dataset.subsidyYen === '200000'")
    again = saved(page, tmp_path)
    assert again == {**case, "items": [{**case["items"][0], "amount_yen": "900000"}]}
    assert calculator.simulate(again).subsidy_yen == 200_000


def test_the_shared_link_keeps_every_field(page: Any, base_url: str) -> None:
    case = kept_case()
    open_simulator(page, base_url)
    open_file(page, "kept.json", json.dumps(case, ensure_ascii=False).encode("utf-8"))
    assert_shows(page, case, "kept")
    page.click("#sim-share")
    fragment = page.url.split("#case=", 1)[1]
    assert json.loads(base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4))) == case


def deep_toml() -> bytes:
    return b"scheme = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"


def cli_messages(name: str, data: bytes) -> list[str]:
    """What `python3 -m calculator simulate` prints for the file, one line a problem."""
    try:
        calculator.simulate(read_case_bytes(data, name))
    except calculator.InputError as error:
        return [str(e) for e in error.errors]
    raise AssertionError("the CLI computes this file")


GOOD_ITEM = {"category": "care_software", "amount_yen": 100000}
MALFORMED = [
    ("null.json", b"null"),
    ("items.json", json.dumps({"scheme": "yamaguchi-2022", "items": "abc"}).encode()),
    ("half.json", json.dumps({"scheme": "yamaguchi-2022", "items": [GOOD_ITEM, None]}).encode()),
    (
        "number.json",
        json.dumps({"scheme": "yamaguchi-2022", "higher_rate_conditions": 3, "items": [GOOD_ITEM]}).encode(),
    ),
    (
        "string.json",
        json.dumps({"scheme": "yamaguchi-2022", "higher_rate_conditions": "life_csv", "items": [GOOD_ITEM]}).encode(),
    ),
    ("deep.toml", deep_toml()),
    ("inf.toml", b'scheme = "yamaguchi-2022"\n[[items]]\ncategory = "care_software"\namount_yen = inf\n'),
    ("nan.toml", b'scheme = "yamaguchi-2022"\nnote = nan\nitems = []\n'),
    ("sjis.json", '{"scheme": "yamaguchi-2022", "note": "山口", "items": []}'.encode("cp932")),
    ("rows.json", json.dumps({"scheme": "yamaguchi-2022", "items": [GOOD_ITEM] * 201}).encode()),
    ("large.json", json.dumps({"scheme": "yamaguchi-2022", "items": [], "note": " " * 3_000_000}).encode()),
]


@pytest.mark.parametrize(("name", "data"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_gets_the_clis_words_and_leaves_the_form_as_it_was(
    page: Any, base_url: str, name: str, data: bytes
) -> None:
    open_simulator(page, base_url)
    assert shown_amount(page) == 400_000  # the example
    open_file(page, name, data)
    page.wait_for_function(
        "() => document.getElementById('sim-share-text').textContent.includes('読み込めませんでした')"
    )
    shown = page.eval_on_selector_all("#sim-share-text li", "items => items.map(i => i.textContent)")
    assert shown == cli_messages(name, data)
    assert len(page.inner_text("#sim-share-text")) < 2000  # a message, never a traceback
    # The form is the example still, and so is the amount.
    assert page.input_value("#sim-scheme") == "ibaraki-2023"
    assert page.input_value("#sim-staff-ibaraki-2023") == "10"
    assert page.input_value(".sim-item [data-name=amount_yen]") == "80万円"
    assert page.locator(".sim-item").count() == 1
    assert page.get_attribute("#sim-subsidy", "data-subsidy-yen") == "400000"
    assert page.inner_text("#sim-subsidy") == "400,000円"


def test_a_link_of_2000_rows_is_refused_at_once_and_one_of_200_rows_builds_quickly(
    page: Any, base_url: str, tmp_path: Path
) -> None:
    """The engine takes 200 rows; the page used to build 2,000 rows of an 8 KB link for 46 s before
    the engine refused them, and 1,000 added rows took 16 s (every add renumbered every row)."""
    open_simulator(page, base_url)
    rows = {"scheme": "yamaguchi-2022", "items": [{}] * 2000}
    began = time.monotonic()
    paste_link(page, rows)
    page.wait_for_function(
        "() => document.getElementById('sim-share-text').textContent.includes('読み込めませんでした')"
    )
    refused = time.monotonic() - began
    assert "items: 経費は200行までにしてください" in page.inner_text("#sim-share-text")
    assert page.locator(".sim-item").count() == 1
    assert refused < 3, refused

    many = {
        "scheme": "yamaguchi-2022",
        "items": [{"category": "care_software", "name": f"ソフト{n}", "amount_yen": 1000 + n} for n in range(200)],
    }
    began = time.monotonic()
    open_file(page, "many.json", json.dumps(many, ensure_ascii=False).encode("utf-8"))
    assert shown_amount(page) == calculator.simulate(many).subsidy_yen
    built = time.monotonic() - began
    assert page.locator(".sim-item").count() == 200
    assert page.inner_text(".sim-item >> nth=199 >> .sim-item__legend") == "経費 200"
    assert built < 5, built
    print(f"\n2,000-row link refused in {refused:.2f} s; 200-row file shown in {built:.2f} s")
