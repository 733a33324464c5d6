"""The simulator as an office manager meets it, at 390 px and 1280 px: one loading bar across the
whole start in plain words (never full before the engine answers; the form usable meanwhile), the
answer before its 根拠, expense rows that fold to one line on a phone, and the input helpers the
rules need (常勤換算 with the scheme's own head-count rule, ほかの補助金 per row), each amount as the
CPython engine computes it."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import calculator
from tests.site.browser import axe_violations
from tests.site.test_simulator import FIRST_RESULT_TIMEOUT, open_simulator, wait_for_subsidy
from tests.site.test_simulator_cases import link_of

SNAPSHOTS = "kaigo-ict:/:engine-snapshot"

# Every state of the loading bar and of the engine, from the first parse of the bar to the end: its
# value and max attributes, whether the engine is ready, and the words beside it.
RECORD_BAR = """
window.__bar = [];
new MutationObserver((_, watcher) => {
  const bar = document.getElementById("sim-runtime-progress");
  const sim = document.getElementById("simulator");
  const text = document.getElementById("sim-runtime-text");
  if (!bar || !sim || !text) return;
  watcher.disconnect();
  const note = () => window.__bar.push({
    value: bar.getAttribute("value"), max: bar.getAttribute("max"), ready: sim.dataset.engine === "ready",
    hidden: bar.hidden, text: text.textContent });
  note();
  new MutationObserver(note).observe(bar, { attributes: true });
  new MutationObserver(note).observe(text, { childList: true, characterData: true, subtree: true });
  new MutationObserver(note).observe(sim, { attributes: true, attributeFilter: ["data-engine"] });
}).observe(document, { childList: true, subtree: true });
"""


@pytest.fixture(params=[390, 1280], ids=["390px", "1280px"])
def width(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture
def sized(browser: Any, width: int) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 844})
    yield context.new_page()
    context.close()


def manifest(site: Path) -> dict[str, Any]:
    return dict(json.loads((site / "assets" / "simulator" / "manifest.json").read_text(encoding="utf-8")))


def before_ready(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in states if not s["ready"]]


# --- one loading bar ---------------------------------------------------------------------------


def test_one_bar_across_the_start_never_full_before_the_engine_answers_with_the_form_usable(
    sized: Any, base_url: str, site: Path, width: int
) -> None:
    """The wheel is held back (a slow line's last file): the bar has counted every other file of the
    manifest, is not full, says what a first visit downloads, and the form takes a case meanwhile."""
    page = sized
    held: list[Any] = []

    def hold(route: Any) -> None:  # a function of ours: Playwright cannot tag a builtin like .append
        held.append(route)

    page.route("**/assets/simulator/*.whl", hold)
    page.add_init_script(RECORD_BAR)
    page.goto(base_url + "simulator/")
    page.wait_for_function("() => !document.getElementById('sim-example').disabled")
    files = manifest(site)
    megabytes = max(1, round(files["download_bytes"] / 1e6))
    page.wait_for_function(
        "() => window.__bar.some((s) => s.value && Number(s.value) > 0.5 * Number(s.max))", timeout=FIRST_RESULT_TIMEOUT
    )
    assert held, "the wheel was asked for"
    # The form is usable while the engine loads: a case typed now is computed once it is ready.
    page.fill("#sim-staff-ibaraki-2023", "12")
    row = page.locator(".sim-item").first
    row.locator("[data-name=amount_yen]").fill("300万円")
    words = page.inner_text("#sim-runtime-text")
    assert f"初回のみ約{megabytes}MB" in words and "Wi-Fiをおすすめします" in words, words
    assert page.get_attribute("#simulator", "data-engine") is None
    for route in held:
        route.continue_()
    page.unroute("**/assets/simulator/*.whl")
    case = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": "12",
        "items": [{"category": "care_software", "amount_yen": "300万円"}],
    }
    wait_for_subsidy(page, calculator.simulate(case).subsidy_yen)
    states = page.evaluate("window.__bar")
    loading = [s for s in before_ready(states) if s["value"] is not None and s["max"] is not None]
    assert loading, states[:5]
    # One bar: its length is every file of the start (and the engine's own start after them) ...
    assert {float(s["max"]) for s in loading} == {float(loading[0]["max"])}
    assert float(loading[0]["max"]) > files["bytes"]
    # ... it only grows, and it is never full before the engine answers.
    values = [float(s["value"]) for s in loading]
    assert values == sorted(values)
    assert all(float(s["value"]) < float(s["max"]) for s in loading)
    assert values[-1] >= files["bytes"] - files["files"]["simulator/" + files["wheel"]]
    assert any(s["ready"] for s in states) and page.locator("#sim-runtime-progress").is_hidden()


def test_a_repeat_visit_says_it_uses_the_last_start_not_the_download(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    open_simulator(page, base_url)
    page.wait_for_function(
        "async (name) => (await (await caches.open(name)).keys()).length === 1", arg=SNAPSHOTS, timeout=30_000
    )
    again = context.new_page()
    again.add_init_script(RECORD_BAR)
    again.goto(base_url + "simulator/")
    again.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    assert again.get_attribute("#simulator", "data-start") == "snapshot"
    said = [s["text"] for s in before_ready(again.evaluate("window.__bar"))]
    assert any("前回の読み込みを使って" in t for t in said), said
    assert not any("初回のみ" in t for t in said), said
    context.close()


# --- the answer first, 根拠 closed -------------------------------------------------------------


EXAMPLE = {
    "scheme": "ibaraki-2023",
    "ict_staff_fte": "10",
    "items": [
        {
            "category": "care_software",
            "name": "（例）介護ソフト",
            "amount_yen": "80万円",
            "consumption_tax_yen": "8万円",
        }
    ],
}


def test_the_answer_comes_first_and_the_steps_wait_closed_under_konkyo(sized: Any, base_url: str) -> None:
    page = sized
    open_simulator(page, base_url)
    result = calculator.simulate(EXAMPLE)
    evidence = page.locator("#sim-evidence")
    assert evidence.locator("summary").inner_text() == "根拠（計算の手順と出典）"
    assert evidence.get_attribute("open") is None
    steps = evidence.locator(".sim-steps li")
    assert steps.count() == len(result.steps) and not steps.first.is_visible()
    # The amount, the decisions and the points to check stand before it.
    order = page.evaluate("""() => ["sim-subsidy", "sim-self-pay", "sim-evidence"].map(
        (id) => document.getElementById(id).getBoundingClientRect().top)""")
    assert order == sorted(order)
    table = page.locator("#sim-result-body .sim-table").bounding_box()
    assert table["y"] < evidence.bounding_box()["y"]
    assert axe_violations(page) == []
    # Opened as a reader opens it: the engine's steps word for word, with their citations.
    evidence.locator("summary").click()
    assert steps.first.is_visible()
    assert [t.split(" 出典")[0] for t in steps.all_inner_texts()] == [s.text for s in result.steps]
    assert evidence.locator(".sim-steps a.clause-cite").count() == len(result.steps)
    # An edit keeps 根拠 as the reader left it.
    page.fill("#sim-staff-ibaraki-2023", "11")
    page.wait_for_function(
        "() => document.getElementById('sim-eligible') && document.getElementById('sim-evidence').open"
    )
    assert axe_violations(page) == []


# --- rows that fold to one line ----------------------------------------------------------------

THREE_ROWS = {
    "scheme": "ibaraki-2023",
    "ict_staff_fte": 8,
    "items": [
        {"category": "care_software", "name": "介護記録ソフト", "amount_yen": 800000},
        {"category": "devices", "name": "タブレット", "unit_amount_yen": 40000, "quantity": 5},
        {"category": "pc_printer", "name": "事務用プリンター", "amount_yen": 60000},
    ],
}


def row_heights(page: Any) -> list[float]:
    return list(
        page.evaluate("() => [...document.querySelectorAll('.sim-item')].map((r) => r.getBoundingClientRect().height)")
    )


def test_on_a_phone_filled_rows_fold_to_one_line_and_open_on_their_button(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url + "simulator/" + link_of(THREE_ROWS))
    wait_for_subsidy(page, calculator.simulate(THREE_ROWS).subsidy_yen)
    result = calculator.simulate(THREE_ROWS)
    folded = row_heights(page)
    assert len(folded) == 3 and all(h < 120 for h in folded), folded
    lines = page.locator(".sim-item__line").all_inner_texts()
    assert lines[0].startswith("介護記録ソフト・介護ソフト・800,000円")
    # Each line ends with the engine's decision; the excluded row says 対象外.
    status = calculator._vocabulary.ITEM_STATUS_WORDS
    assert [line.rsplit(" ", 1)[1] for line in lines] == [status[i.status] for i in result.items]
    assert lines[2].endswith("対象外")
    assert axe_violations(page) == []
    toggle = page.locator(".sim-item").nth(1).locator(".sim-item__toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-label") == "経費 2 を編集する"
    toggle.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate(
        "() => document.activeElement.closest('.sim-item') === document.querySelectorAll('.sim-item')[1]"
    )
    assert page.evaluate("() => document.activeElement.dataset.name") == "category"
    opened = row_heights(page)[1]
    assert opened > 3 * folded[1], (opened, folded)
    assert page.input_value(".sim-item >> nth=1 >> [data-name=quantity]") == "5"
    # A new row is the one being edited: the open row folds again, the new one is open.
    page.click("#sim-add-item")
    heights = row_heights(page)
    assert heights[1] < 120 and heights[3] > 120, heights
    assert axe_violations(page) == []
    print(f"row heights at 390 px: folded {folded}, opened {opened:.0f}, new {heights[3]:.0f}")
    context.close()


def test_an_error_opens_its_row_and_a_pc_keeps_every_row_open(browser: Any, base_url: str) -> None:
    bad = json.loads(json.dumps(THREE_ROWS))
    bad["items"][1] = {"category": "devices", "name": "タブレット", "amount_yen": "四万円"}
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url + "simulator/" + link_of(bad))
    page.wait_for_selector(".sim-invalid", timeout=FIRST_RESULT_TIMEOUT)
    heights = row_heights(page)
    assert heights[0] < 120 and heights[1] > 120 and heights[2] < 120, heights
    assert page.locator(".sim-item >> nth=1 >> [data-name=amount_yen]").get_attribute("aria-invalid") == "true"
    # The window made wide (the answer beside the form): every row is open, no fold button shows.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("() => document.querySelectorAll('.sim-item--compact').length === 0")
    assert page.locator(".sim-item__toggle:visible").count() == 0
    assert all(h > 120 for h in row_heights(page))
    context.close()


# --- the input helpers -------------------------------------------------------------------------


def test_the_fte_helper_fills_the_head_count_with_its_formula_and_the_amount_follows(sized: Any, base_url: str) -> None:
    page = sized
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.locator(".sim-item [data-name=amount_yen]").first.fill("500万円")
    helper = page.locator("#sim-fte-ibaraki-2023")
    helper.locator("summary").click()
    assert page.input_value("#sim-fte-ibaraki-2023-week") == "40"  # the facility's week, editable
    page.fill("#sim-fte-ibaraki-2023-full", "5")
    page.fill("#sim-fte-ibaraki-2023-part", "60")
    assert page.input_value("#sim-staff-ibaraki-2023") == "6.5"
    said = helper.locator(".sim-fte__result").inner_text()
    assert "常勤 5人 ＋ 非常勤 60時間 ÷ 40時間 ＝ 6.5人" in said, said
    case = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": "6.5",
        "items": [{"category": "care_software", "amount_yen": "500万円"}],
    }
    wait_for_subsidy(page, calculator.simulate(case).subsidy_yen)
    # Roles the 別表 lets count by head, and a fraction cut as the data says (its caveat beside it).
    page.fill("#sim-fte-ibaraki-2023-by_head", "5")
    page.fill("#sim-fte-ibaraki-2023-part", "50")
    assert page.input_value("#sim-staff-ibaraki-2023") == "11.2"  # 5 + 50/40 + 5 = 11.25
    said = helper.locator(".sim-fte__result").inner_text()
    assert "＝ 11.25人、小数第2位以下を切り捨てて 11.2人" in said, said
    wait_for_subsidy(page, calculator.simulate({**case, "ict_staff_fte": "11.2"}).subsidy_yen)
    assert calculator.simulate({**case, "ict_staff_fte": "11.2"}).subsidy_yen != calculator.simulate(case).subsidy_yen
    ibaraki = calculator.get_scheme("ibaraki-2023")
    count = ibaraki.cap.staff_count if ibaraki.cap else None
    assert count is not None and count.fraction_caveat
    assert ibaraki.caveats[count.fraction_caveat].text in helper.inner_text()
    label = page.inner_text("label[for=sim-fte-ibaraki-2023-by_head]")
    assert all(role in label for role in count.by_head)
    assert axe_violations(page) == []


def test_the_head_count_part_shows_only_for_the_scheme_whose_rule_allows_it(browser: Any, invented_url: str) -> None:
    """星空県's ICT menu goes by 常勤換算 too, but its 要綱 lets no role count by head."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(invented_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.select_option("#sim-scheme", "hoshizora-2026")
    page.locator("#sim-fte-hoshizora-2026 summary").click()
    assert page.locator("#sim-fte-hoshizora-2026-full").is_visible()
    assert page.locator("#sim-fte-hoshizora-2026-by_head").count() == 0
    assert page.locator("#sim-fte-ibaraki-2023-by_head").count() == 1
    page.fill("#sim-fte-hoshizora-2026-full", "5")
    page.fill("#sim-fte-hoshizora-2026-part", "60")
    assert page.input_value("#sim-staff-hoshizora-2026") == "6.5"
    context.close()


def test_other_subsidies_lower_the_self_pay_as_the_engine_computes_and_round_trip(sized: Any, base_url: str) -> None:
    page = sized
    case = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": 10,
        "items": [
            {"category": "care_software", "name": "介護記録ソフト", "amount_yen": 800000, "other_subsidy_yen": 200000}
        ],
    }
    with_other, without = (
        calculator.simulate(case),
        calculator.simulate({**case, "items": [{**case["items"][0], "other_subsidy_yen": 0}]}),
    )
    assert with_other.self_pay_yen < without.self_pay_yen
    page.goto(base_url + "simulator/" + link_of(case))
    wait_for_subsidy(page, with_other.subsidy_yen)
    assert page.inner_text("#sim-self-pay") == f"{with_other.self_pay_yen:,}円"
    row = page.locator(".sim-item").first
    if row.locator(".sim-item__toggle").is_visible():
        row.locator(".sim-item__toggle").click()
    field = row.locator("[data-name=other_subsidy_yen]")
    assert field.input_value() == "200000"
    assert page.inner_text(f"label[for='{field.get_attribute('id')}']").startswith(
        "ほかの補助金（IT導入補助金など）でまかなう額"
    )
    # The case the page holds (the kit link carries it) gives the field back as the link had it.
    kit = page.get_attribute(".sim-kit-link a", "href")
    fragment = kit.split("#case=", 1)[1]
    assert json.loads(base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4))) == case
    # Typed anew: the self-pay follows the engine.
    field.fill("30万円")
    typed = {**case, "items": [{**case["items"][0], "other_subsidy_yen": "30万円"}]}
    page.wait_for_function(
        "want => document.getElementById('sim-self-pay')?.textContent === want",
        arg=f"{calculator.simulate(typed).self_pay_yen:,}円",
        timeout=10_000,
    )
