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
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import calculator
from calculator._case import read_case_bytes
from tests.site.test_simulator import FIRST_RESULT_TIMEOUT, amount_line, open_simulator, yen_text

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
    """Wait for the page to show an amount, and read it from data-subsidy-yen (the engine's own
    reading); the line the user reads agrees with the range and eligibility beside it."""
    page.wait_for_selector("#sim-result:not([data-subsidy-yen='']) #sim-subsidy", timeout=FIRST_RESULT_TIMEOUT)
    amount = page.get_attribute("#sim-result", "data-subsidy-yen")
    shown = {
        k: page.get_attribute("#sim-subsidy", f"data-{k}")
        for k in ("subsidy-yen", "subsidy-min-yen", "subsidy-max-yen", "eligible")
    }
    for key, value in shown.items():
        assert page.get_attribute("#sim-result", f"data-{key}") == value
    assert shown["subsidy-yen"] == amount
    line = amount_line(
        shown["eligible"] == "true", int(shown["subsidy-min-yen"] or 0), int(shown["subsidy-max-yen"] or 0)
    )
    assert page.inner_text("#sim-subsidy") == line
    return int(amount)


def assert_shows(page: Any, case: dict[str, Any], name: str) -> None:
    result = calculator.simulate(case)
    assert shown_amount(page) == result.subsidy_yen, name
    low, high = result.subsidy_range_yen
    assert page.inner_text("#sim-subsidy") == amount_line(result.eligible, low, high), name
    readings = page.locator("#sim-readings li").all_inner_texts()
    assert len(readings) == (len(result.alternatives) if result.eligible else 0), name
    for alternative, text in zip(result.alternatives, readings, strict=False):
        assert alternative.reading in text and yen_text(alternative.subsidy_yen) in text, name
    reasons = page.locator("#sim-ineligible li").all_inner_texts()
    assert [r.split(" 出典")[0] for r in reasons] == [r.text for r in result.ineligible_reasons], name
    if result.eligible:
        assert page.inner_text("#sim-eligible") == yen_text(result.eligible_expense_yen), name
    else:  # no eligible expense, rate or cap for a facility that may not apply: only why not
        assert page.locator("#sim-eligible, .sim-bar").count() == 0, name
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
    # About one click in fifty, on a loaded machine, starts no download: the form's layout is still
    # settling after the case opened (measured: the next click always saves). So one more click,
    # after which the saved file must still equal the case. Issue 15 reworks the page's layout.
    try:
        with page.expect_download(timeout=10_000) as download:
            page.click("#sim-save")
        download.value.path()
    except PlaywrightTimeoutError:
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
    for shown in ("requirements_met", "note", "recurring"):
        assert shown in listed
    # The part another subsidy pays is a field of its row now, as the file has it.
    assert "other_subsidy_yen" not in listed
    assert page.input_value(".sim-item [data-name=other_subsidy_yen]") == "500000"
    # facility_name is a field of the form (#15): there, as the file has it, and not in the box.
    assert "facility_name" not in listed
    assert page.input_value("#sim-facility") == "ケアホーム<b>みらい</b>"
    # robot_program is 茨城's own item flag: the form shows it, in the scheme's words, not the box.
    assert "robot_program" not in listed
    flag = page.locator(".sim-item [data-flag=robot_program]")
    assert flag.is_visible()
    assert flag.inner_text() == "茨城県ロボット介護機器普及支援事業の対象となるもの"
    assert not flag.locator("input").is_checked()
    assert page.locator("#sim-kept-list b, #sim-sheet b").count() == 0  # a name is text, never HTML
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


# A case with every field the form gained for issues 12 and 14: a facility's service type, a row with a
# kind, a quantity and a lease by monthly amount (with an item flag ticked), in 山口 2回目.
FORM_FIELDS_CASE = {
    "scheme": "yamaguchi-2022",
    "service_type": "通所介護",
    "prior_subsidy_yen": 100000,
    "ikkan_achieved": True,
    "items": [
        {"category": "care_software", "name": "介護ソフト", "amount_yen": 200000, "kind": "purchase"},
        {"category": "maintenance", "name": "導入研修", "amount_yen": 30000, "kind": "training"},
        {
            "category": "devices",
            "name": "タブレット（リース）",
            "payment": "lease",
            "monthly_amount_yen": 5000,
            "first_payment_month": "2023-01",
            "payment_count": 60,
            "quantity": 3,
        },
        {"category": "network", "name": "ルーター", "amount_yen": 50000, "before_decision": True},
    ],
}


def test_a_file_with_the_new_fields_opens_them_in_the_form_and_saves_back_unchanged(
    page: Any, base_url: str, tmp_path: Path
) -> None:
    case = FORM_FIELDS_CASE
    open_simulator(page, base_url)
    open_file(page, "fields.json", json.dumps(case, ensure_ascii=False).encode("utf-8"))
    assert_shows(page, case, "fields")
    assert page.locator("#sim-kept").is_hidden()  # every field is in the form, none only in the box
    assert page.input_value("#sim-service") == "通所介護"
    rows = page.locator(".sim-item")
    assert rows.nth(0).locator("[data-name=kind]").input_value() == "purchase"
    assert rows.nth(1).locator("[data-name=kind] option:checked").inner_text() == "導入研修"
    lease = rows.nth(2)
    assert lease.locator("[data-shown-for=kind]").is_hidden()  # ③ defines no kinds
    assert lease.locator("[data-name=monthly_amount_yen]").input_value() == "5000"
    assert lease.locator("[data-name=first_payment_month]").input_value() == "2023-01"
    assert lease.locator("[data-name=payment_count]").input_value() == "60"
    assert lease.locator("[data-name=quantity]").input_value() == "3"
    # 山口's own wording of its before_decision exclusion, and no 茨城-only flag.
    flag = rows.nth(3).locator("[data-flag=before_decision]")
    assert flag.inner_text() == "交付決定前に契約・購入したもの"
    assert flag.locator("input").is_checked()
    assert rows.nth(3).locator("[data-flag=robot_program]").is_hidden()
    assert rows.nth(3).locator("[data-shown-for=monthly]").is_hidden()  # a purchase
    assert saved(page, tmp_path) == case
    # Changed in the form, saved as the engine reads them (counts as integers), and computed as the CLI.
    lease.locator("[data-name=payment_count]").fill("")
    lease.locator("[data-name=quantity]").fill("2")
    rows.nth(1).locator("[data-name=kind]").select_option("support")
    page.fill("#sim-service", "訪問介護")
    expected = json.loads(json.dumps(case))
    expected["service_type"] = "訪問介護"
    expected["items"][1]["kind"] = "support"
    del expected["items"][2]["payment_count"]
    expected["items"][2]["quantity"] = 2
    page.wait_for_function(
        "want => document.getElementById('sim-result').dataset.subsidyYen === want",
        arg=str(calculator.simulate(expected).subsidy_yen),
    )
    assert saved(page, tmp_path) == expected
    # The kind select follows the category: ③ has none; ① offers 山口's two.
    rows.nth(0).locator("[data-name=category]").select_option("devices")
    assert rows.nth(0).locator("[data-shown-for=kind]").is_hidden()
    rows.nth(0).locator("[data-name=category]").select_option("back_office")
    options = rows.nth(0).locator("[data-name=kind] option").all_inner_texts()
    assert options[1:] == [k.title for k in calculator.get_scheme("yamaguchi-2022").category("back_office").kinds]


def test_a_new_lease_row_by_monthly_amount_and_a_service_type_from_the_list(page: Any, base_url: str) -> None:
    """Typed into the form: a lease by monthly amount, no total; and an excluded service gives 対象外."""
    open_simulator(page, base_url)
    page.select_option("#sim-scheme", "ibaraki-2023")
    row = page.locator(".sim-item").first
    row.locator("[data-name=amount_yen]").fill("1000000")
    page.click("#sim-add-item")
    lease = page.locator(".sim-item").nth(1)
    assert lease.locator("[data-shown-for=monthly]").is_hidden()
    lease.locator("[data-name=category]").select_option("network")
    lease.locator("[data-name=payment]").select_option("lease")
    assert lease.locator("[data-shown-for=monthly]").is_visible()
    lease.locator("[data-name=name]").fill("ルーター")
    lease.locator("[data-name=monthly_amount_yen]").fill("3000")
    lease.locator("[data-name=first_payment_month]").fill("2023-10")
    lease.locator("[data-name=payment_count]").fill("60")
    expected = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": "10",
        "ikkan_achieved": False,
        "items": [
            {
                "category": "care_software",
                "name": "（例）介護記録ソフト",
                "amount_yen": "1000000",
                "consumption_tax_yen": "8万円",
            },
            {
                "category": "network",
                "name": "ルーター",
                "payment": "lease",
                "monthly_amount_yen": "3000",
                "first_payment_month": "2023-10",
                "payment_count": 60,
            },
        ],
    }
    result = calculator.simulate(expected)
    assert result.alternatives  # 茨城 (3): a rented router, the other reading
    page.wait_for_function(
        "want => document.getElementById('sim-result').dataset.subsidyYen === want", arg=str(result.subsidy_yen)
    )
    assert_shows(page, expected, "typed lease")
    # Each other reading links to its caveat on the scheme's pages.
    links = page.locator("#sim-readings li a")
    assert links.count() == len(result.alternatives)
    assert all("#" in (links.nth(n).get_attribute("href") or "") for n in range(links.count()))
    # The services the engine knows are offered; one a scheme excludes says 対象外, with the clause.
    offered = page.eval_on_selector_all("#sim-services option", "os => os.map(o => o.value)")
    assert "特定福祉用具販売" in offered and "介護老人福祉施設" in offered
    page.select_option("#sim-scheme", "yamaguchi-2022")
    page.fill("#sim-service", "特定福祉用具販売")
    page.wait_for_function("() => document.getElementById('sim-result').dataset.eligible === 'false'")
    assert page.inner_text("#sim-subsidy") == "対象外"
    assert "出典: 概要 2(2)" in page.inner_text("#sim-ineligible")
