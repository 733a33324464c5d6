"""The simulator with the invented 星空県 (tests/engine/schemes/hoshizora-2026.toml) added by its TOML
alone (the `invented_site` of tests/conftest.py): its form comes from schemes.json (categories by menu,
the head count for the ICT menu, capacity for the robots menu, the package way to apply, excluded
services), and its result shows each menu with its cap and its 「1台ごとに」 steps, as CPython computes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import calculator
from tests.site.test_simulator import FIRST_RESULT_TIMEOUT, wait_for_subsidy

SCHEME = "hoshizora-2026"
HOSHIZORA = Path(__file__).resolve().parents[1] / "engine" / "schemes" / f"{SCHEME}.toml"


def computed(case: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = calculator.simulate(case, calculator.load_scheme(HOSHIZORA)).to_dict()
    return result


@pytest.fixture
def invented(browser: Any, invented_url: str) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(invented_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.select_option("#sim-scheme", SCHEME)
    yield page
    context.close()


def row_values(page: Any, n: int, category: str, name: str, amount: str) -> Any:
    if page.locator(".sim-item").count() <= n:
        page.click("#sim-add-item")
    row = page.locator(".sim-item").nth(n)
    row.locator("[data-name=category]").select_option(category)
    row.locator("[data-name=name]").fill(name)
    row.locator("[data-name=amount_yen]").fill(amount)
    return row


def test_the_form_offers_the_schemes_own_categories_by_menu_and_its_own_fields(invented: Any) -> None:
    page = invented
    groups = page.evaluate("""() => [...document.querySelector('.sim-item [data-name=category]').children]
        .map((g) => [g.label, [...g.children].map((o) => o.value)])""")
    assert groups == [
        ["介護ロボット", ["transfer_bath_robot", "other_robot"]],
        ["ICT", ["care_software", "tablets", "network", "cloud"]],
        ["業務改善支援", ["improvement_support"]],
        ["対象外（補助の対象になりません）", ["pc_printer", "communication_fee"]],
    ]
    assert page.locator(f"#sim-staff-{SCHEME}").is_visible()  # the ICT menu's cap goes by staff
    assert "「ICT」の上限額" in page.inner_text(f"#sim-staff-{SCHEME}-hint")
    assert page.locator(f"#sim-capacity-{SCHEME}").is_visible()
    assert page.locator(f"#sim-application-{SCHEME}").is_visible()
    assert page.locator("#sim-ikkan").is_hidden()  # no category of this scheme depends on 一気通貫
    legend = page.inner_text(f".sim-conditions[data-scheme-only='{SCHEME}'] legend")
    assert "すべてを満たす" in legend
    # The shipped schemes' fields are not this scheme's: none shows.
    assert page.locator("#sim-staff-ibaraki-2023").is_hidden()
    page.select_option("#sim-scheme", "ibaraki-2023")
    assert page.locator(f"#sim-capacity-{SCHEME}").is_hidden()
    assert page.locator("#sim-ikkan").is_visible()
    assert "devices" in page.evaluate(
        "() => [...document.querySelector('.sim-item [data-name=category]').options].map((o) => o.value)"
    )


def test_a_robot_row_with_a_quantity_shows_each_menus_cap_and_one_unit_at_a_time(invented: Any) -> None:
    page = invented
    page.fill(f"#sim-staff-{SCHEME}", "12")
    page.fill(f"#sim-capacity-{SCHEME}", "5")
    row = row_values(page, 0, "other_robot", "見守りセンサー", "")
    row.locator("[data-name=quantity]").fill("2")
    row.locator("[data-name=unit_amount_yen]").fill("700000")  # the amount is the row's total: 1台の額
    row_values(page, 1, "care_software", "介護ソフト", "800000")
    case = {
        "scheme": SCHEME,
        "ict_staff_fte": "12",
        "capacity": 5,
        "items": [
            {"category": "other_robot", "name": "見守りセンサー", "unit_amount_yen": "700000", "quantity": 2},
            {"category": "care_software", "name": "介護ソフト", "amount_yen": "800000"},
        ],
    }
    result = computed(case)
    # 見守り 2台 各 350,000 → 1台ごとに上限 300,000 → 600,000; ICT 800,000 × 1/2 = 400,000
    assert result["subsidy_yen"] == 1_000_000
    wait_for_subsidy(page, result["subsidy_yen"])
    menus = page.locator("#sim-menus .sim-menu")
    assert menus.count() == 2
    robots = page.locator("#sim-menus [data-menu=robots]")
    assert robots.locator(".sim-menu__amount").inner_text() == "600,000円"
    assert robots.locator(".sim-menu__cap").inner_text() == "600,000円（1台ごとの上限の合計）"
    ict = page.locator("#sim-menus [data-menu=ict]")
    assert ict.locator(".sim-menu__amount").inner_text() == "400,000円"
    assert ict.locator(".sim-menu__cap").inner_text() == "1,600,000円（職員数（常勤換算）の区分で決まる額）"
    # Each menu's steps are under 根拠, opened as a reader opens it.
    page.locator("#sim-evidence summary").click()
    steps = page.locator("#sim-evidence [data-menu=robots] .sim-steps").inner_text()
    assert "見守りセンサー: 1台ごとに、補助率をかけた額と上限300,000円の低い方をとり、2台分で600,000円です。" in steps
    # The menu steps are the engine's own, word for word.
    shown = [li.inner_text() for li in page.locator("#sim-evidence [data-menu=ict] .sim-steps li").all()]
    assert [s.split(" 出典")[0] for s in shown] == [s["text"] for s in result["menus"][1]["steps"]]


def test_the_package_way_to_apply_and_an_excluded_service(invented: Any) -> None:
    page = invented
    page.fill(f"#sim-staff-{SCHEME}", "12")
    page.fill(f"#sim-capacity-{SCHEME}", "5")
    row_values(page, 0, "transfer_bath_robot", "移乗支援機器", "1500000")
    row_values(page, 1, "care_software", "介護ソフト", "800000")
    row_values(page, 2, "improvement_support", "業務改善の伴走支援", "1000000")
    case: dict[str, Any] = {
        "scheme": SCHEME,
        "ict_staff_fte": "12",
        "capacity": 5,
        "items": [
            {"category": "transfer_bath_robot", "amount_yen": "1500000"},
            {"category": "care_software", "amount_yen": "800000"},
            {"category": "improvement_support", "amount_yen": "1000000"},
        ],
    }
    standard = computed(case)["subsidy_yen"]
    wait_for_subsidy(page, standard)
    page.select_option(f"#sim-application-{SCHEME}", "package")
    package = computed(case | {"application_type": "package"})
    assert package["rate"] == "3/4" and package["subsidy_yen"] != standard
    wait_for_subsidy(page, package["subsidy_yen"])
    assert page.inner_text("#sim-rate") == "4分の3"

    # A service the scheme excludes: 対象外 with its reason and clause, not an amount of 0円.
    page.fill("#sim-service", "居宅介護支援")
    page.wait_for_function("() => document.getElementById('sim-result').dataset.eligible === 'false'", timeout=10_000)
    assert page.inner_text("#sim-subsidy") == "対象外"
    assert "居宅介護支援" in page.inner_text("#sim-ineligible")
    assert page.inner_text("#sim-summary-subsidy") == "対象外"


def test_the_schemes_json_of_the_invented_site_is_form_data_of_its_three_schemes(invented_site: Path) -> None:
    data = json.loads((invented_site / "assets" / "simulator" / "schemes.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in data["schemes"]] == [SCHEME, "ibaraki-2023", "yamaguchi-2022"]
    (hoshizora,) = [s for s in data["schemes"] if s["id"] == SCHEME]
    assert [t["id"] for t in hoshizora["application_types"]] == ["package"]
