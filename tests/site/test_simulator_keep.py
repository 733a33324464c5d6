"""Keep, share, print (#15): the saved file named with the facility and the day, opened back to the
same form and answer; the facility's name through a shared link; 「コピーしました」 when the link is on
the clipboard, and the phone's share sheet only where there is one; the printed 試算結果シート on one
A4 page with the facility, the status, the amount, the dates, the engine's version and the
disclaimer, and nothing of the form."""

from __future__ import annotations

import base64
import datetime
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator._status import date_words
from tests.site.test_simulator import FIRST_RESULT_TIMEOUT, amount_line, fill_case, open_simulator, wait_for_subsidy
from tests.site.test_simulator_cases import link_of

ROOT = Path(__file__).resolve().parents[2]
TOKYO = datetime.timezone(datetime.timedelta(hours=9))
# 8 in the morning in Japan is still the day before in UTC: the file and the sheet take the reader's day.
MORNING = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=TOKYO)

THREE_ROWS = {
    "scheme": "yamaguchi-2022",
    "facility_name": "デイサービスさくら苑",
    "ikkan_achieved": True,
    "items": [
        {"category": "care_software", "name": "介護記録ソフト", "amount_yen": 600000},
        {"category": "devices", "name": "タブレット 3台", "amount_yen": 240000},
        {"category": "pc_printer", "name": "事務用プリンター", "amount_yen": 80000},
    ],
}
# Ten rows, half of them excluded with the engine's longest reasons, and a range: the long case.
TEN_ROWS = {
    "scheme": "ibaraki-2023",
    "facility_name": "社会福祉法人さくら会 特別養護老人ホームさくら苑 本館",
    "ict_staff_fte": 12,
    "items": [
        {
            "category": category,
            "name": f"見積書の品名 その{n + 1}（型番と台数を含む長めの名前）",
            "amount_yen": 100000 * (n + 1),
            "payment": "lease" if n % 3 == 0 else "purchase",
        }
        for n, category in enumerate(
            [
                "care_software",
                "devices",
                "network",
                "maintenance",
                "back_office",
                "pc_printer",
                "communication_fee",
                "devices",
                "maintenance",
                "other",
            ]
        )
    ],
}


def new_page(browser: Any, width: int = 1280, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": width, "height": 900}, **options
    )
    return context, context.new_page()


def open_link(page: Any, base_url: str, case: dict[str, Any]) -> None:
    page.goto(base_url + "simulator/" + link_of(case))
    wait_for_subsidy(page, calculator.simulate(case).subsidy_yen)


def case_in_link(url: str) -> Any:
    fragment = url.split("#case=", 1)[1]
    return json.loads(base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4)))


# Every value of the form: the facility's fields, and each row's.
FORM_STATE = """() => {
  const value = (c) => (c.type === "checkbox" ? c.checked : c.value);
  return {
    scheme: document.getElementById("sim-scheme").value,
    fields: [...document.querySelectorAll("#sim-form [data-field]")].map(value),
    rows: [...document.querySelectorAll(".sim-item")].map((row) => [...row.querySelectorAll("[data-name]")].map(value)),
  };
}"""


# --- the saved file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facility", "name"),
    [
        ("さくら苑", "試算_さくら苑_2026-11-30.json"),
        # Characters Windows refuses in a file name become "_"; the rest stays as typed.
        ('さくら/苑:本館 "東"*?<>|', "試算_さくら_苑_本館 _東_______2026-11-30.json"),
        ("", "試算_yamaguchi-2022_2026-11-30.json"),  # no name: the scheme's id
    ],
)
def test_the_saved_file_is_named_with_the_facility_and_the_readers_day(
    browser: Any, base_url: str, facility: str, name: str
) -> None:
    context, page = new_page(browser)
    page.clock.set_fixed_time(MORNING)
    open_link(page, base_url, {**THREE_ROWS, "facility_name": facility})
    with page.expect_download() as download:
        page.click("#sim-save")
    assert download.value.suggested_filename == name
    context.close()


def test_a_saved_file_opens_back_to_the_same_form_and_the_same_answer(
    browser: Any, base_url: str, tmp_path: Path
) -> None:
    case = {k: v for k, v in THREE_ROWS.items() if k != "facility_name"}
    context, page = new_page(browser)
    open_simulator(page, base_url)
    fill_case(page, case)
    page.fill("#sim-facility", "デイサービスさくら苑")
    # The answer to the whole case: the sheet takes the facility from the case each answer is for.
    page.wait_for_function(
        "() => document.getElementById('sim-sheet-facility').textContent === 'デイサービスさくら苑'", timeout=10_000
    )
    wait_for_subsidy(page, calculator.simulate(case).subsidy_yen)
    form = page.evaluate(FORM_STATE)
    answer = page.inner_text("#sim-result-body")
    with page.expect_download() as download:
        page.click("#sim-save")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert json.loads(saved.read_text(encoding="utf-8"))["facility_name"] == "デイサービスさくら苑"
    context.close()

    context, page = new_page(browser)
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.set_input_files("#sim-load", str(saved))
    wait_for_subsidy(page, calculator.simulate(case).subsidy_yen)
    assert page.evaluate(FORM_STATE) == form
    assert page.input_value("#sim-facility") == "デイサービスさくら苑"
    assert page.inner_text("#sim-result-body") == answer
    context.close()


# --- the shared link ----------------------------------------------------------------------------


def test_the_facility_name_round_trips_through_a_case_link_as_text(browser: Any, base_url: str) -> None:
    case = {**THREE_ROWS, "facility_name": "ケアホーム<b>みらい</b>"}
    context, page = new_page(browser)
    open_link(page, base_url, case)
    assert page.input_value("#sim-facility") == "ケアホーム<b>みらい</b>"
    assert page.locator("#sim-kept").is_hidden()  # the form shows it: not among the fields it keeps
    assert page.locator("#sim-sheet b").count() == 0  # the printed sheet has it as text, never as HTML
    assert page.inner_text("#sim-sheet-facility") == "ケアホーム<b>みらい</b>"
    page.click("#sim-share")
    assert case_in_link(page.url) == case  # untouched: exactly the link's case
    page.fill("#sim-facility", "ケアホームみらい 西")
    page.click("#sim-share")
    assert case_in_link(page.url) == {**case, "facility_name": "ケアホームみらい 西"}
    context.close()


def test_the_link_is_copied_and_the_page_says_so(browser: Any, base_url: str) -> None:
    context, page = new_page(browser, permissions=["clipboard-read", "clipboard-write"])
    open_link(page, base_url, THREE_ROWS)
    page.click("#sim-share")
    page.wait_for_function("() => document.getElementById('sim-share-text').textContent.includes('コピーしました')")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.url
    assert case_in_link(copied) == THREE_ROWS
    context.close()


def test_without_a_clipboard_the_page_points_to_the_address_bar(browser: Any, base_url: str) -> None:
    context, page = new_page(browser)
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });")
    open_link(page, base_url, THREE_ROWS)
    page.click("#sim-share")
    page.wait_for_function("() => document.getElementById('sim-share-text').textContent.includes('アドレスバー')")
    assert "コピーしました" not in page.inner_text("#sim-share-text")
    assert case_in_link(page.url) == THREE_ROWS  # the address bar holds the link
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_share_sheet_button_shows_only_where_the_browser_has_one(browser: Any, base_url: str, width: int) -> None:
    # Without navigator.share (Chromium on Linux has none; removed in case a build adds it): no button.
    context, page = new_page(browser, width)
    page.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    open_link(page, base_url, THREE_ROWS)
    assert page.locator("#sim-share-app").is_hidden()
    context.close()
    # With one (a stub that records what it was given, as a phone's sheet would receive it).
    context, page = new_page(browser, width)
    page.add_init_script("navigator.share = async (data) => { window.__shared = data; };")
    open_link(page, base_url, THREE_ROWS)
    button = page.locator("#sim-share-app")
    assert button.is_visible()
    button.click()
    page.wait_for_function("() => window.__shared")
    shared = page.evaluate("() => window.__shared")
    assert shared["url"] == page.url
    assert case_in_link(shared["url"]) == THREE_ROWS
    context.close()


# --- the printed sheet --------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF as Chromium writes it (each page object uncompressed: /Type /Page)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(
    ("name", "case", "day"),
    [
        # 山口 was open on 2022-08-01: the sheet's status follows the reader's day, as the page's does.
        ("three rows", THREE_ROWS, datetime.datetime(2022, 8, 1, 8, 0, tzinfo=TOKYO)),
        ("ten rows", TEN_ROWS, MORNING),
    ],
)
def test_the_printed_sheet_is_one_a4_page_with_what_the_paper_needs(
    browser: Any, base_url: str, name: str, case: dict[str, Any], day: datetime.datetime, width: int
) -> None:
    context, page = new_page(browser, width)
    page.clock.set_fixed_time(day)
    open_link(page, base_url, case)
    status = page.inner_text(f".sim-status[data-scheme-only='{case['scheme']}'] [data-scheme-status]")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf_pages(pdf) == 1, name
    # What prints: the sheet, and nothing of the form, the header, the footer or the summary bar.
    assert page.locator("#sim-sheet").is_visible()
    for hidden in ("#sim-form", ".md-header", ".md-footer", "#sim-summary", "#sim-result", "h1"):
        assert page.locator(hidden).first.is_hidden(), hidden
    sheet = page.inner_text("#sim-sheet")
    result = calculator.simulate(case)
    scheme = calculator.get_scheme(case["scheme"])
    assert page.inner_text("#sim-sheet-facility") == case["facility_name"]
    assert page.inner_text("#sim-sheet-scheme") == f"{scheme.prefecture} {scheme.fiscal_year_label} {scheme.title}"
    assert page.inner_text("#sim-sheet-status") == status
    assert status.startswith("受付中" if day.year == 2022 else "受付終了")
    assert page.inner_text("#sim-sheet-subsidy") == amount_line(result.eligible, *result.subsidy_range_yen)
    assert page.locator("#sim-sheet-items tr.sim-sheet__item").count() == len(case["items"])
    decisions = page.eval_on_selector_all(
        "#sim-sheet-items .sim-sheet__item td:nth-child(3) strong", "e => e.map(s => s.textContent)"
    )
    words = {"counted": "対象", "partly_counted": "一部対象", "excluded": "対象外"}
    assert decisions == [words[item.status] for item in result.items]
    for caveat in result.caveats:
        assert caveat.title in sheet
    assert page.inner_text("#sim-sheet-date") == date_words(day.date())
    assert scheme.last_checked is not None
    assert page.inner_text("#sim-sheet-checked") == date_words(scheme.last_checked)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert page.inner_text("#sim-sheet-engine").startswith(version)
    assert page.inner_text("#sim-sheet-address") == base_url + "simulator/"  # without the #case=
    assert "実際の交付額は県が決めます" in page.inner_text("#sim-sheet-disclaimer")
    context.close()


def test_with_no_answer_the_sheet_says_there_is_nothing_to_print_yet(page: Any, base_url: str) -> None:
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.emulate_media(media="print")
    assert page.locator("#sim-sheet-empty").is_visible()
    assert page.locator("#sim-sheet-body").is_hidden()
    assert pdf_pages(page.pdf(format="A4")) == 1


def test_schemes_json_carries_the_engines_version_and_each_schemes_last_checked_day(site: Path) -> None:
    data = json.loads((site / "assets" / "simulator" / "schemes.json").read_text(encoding="utf-8"))
    manifest = json.loads((site / "assets" / "simulator" / "manifest.json").read_text(encoding="utf-8"))
    assert data["engine"]["version"] in manifest["wheel"]
    assert manifest["wheel_sha256"].startswith(data["engine"]["build"]) and len(data["engine"]["build"]) == 8
    for scheme in data["schemes"]:
        checked = calculator.get_scheme(scheme["id"]).last_checked
        assert checked is not None
        assert scheme["last_checked"] == checked.isoformat()
        assert scheme["last_checked_words"] == date_words(checked)
