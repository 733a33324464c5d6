"""The simulator page in Chromium: golden cases through the form, errors at their fields, save/load
and the shared link, a killed worker, and no request leaving the origin."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import calculator
from tests.site.browser import watch
from tests.zips import copy_zip

FIRST_RESULT_TIMEOUT = 60_000  # a cold Pyodide boot takes a few seconds on two cores


def open_simulator(page: Any, base_url: str, fragment: str = "") -> None:
    """The page with a result: the case of a link, or (the form starts empty) the example's."""
    page.goto(base_url + "simulator/" + fragment)
    if not fragment:
        page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
        # Clicked from script: the keyboard's place in the page stays at its start, as after a load.
        page.evaluate("() => document.getElementById('sim-example').click()")
    page.wait_for_selector("#sim-subsidy, .sim-invalid", timeout=FIRST_RESULT_TIMEOUT)


def yen_text(amount: int) -> str:
    return f"{amount:,}円"


def amount_line(eligible: bool, low: int, high: int) -> str:
    """What the amount line reads: 対象外, one amount, or the range the document's readings span."""
    if not eligible:
        return "対象外"
    return yen_text(low) if low == high else f"{low:,}〜{high:,}円"


def fill_case(page: Any, case: dict[str, Any]) -> None:
    """Enter a case through the form, as a user would (typing, choosing, ticking)."""
    page.select_option("#sim-scheme", case["scheme"])
    staff = page.locator(f"#sim-staff-{case['scheme']}")
    if staff.count():
        staff.fill(str(case.get("ict_staff_fte", "")))
    page.set_checked("#sim-ikkan", bool(case.get("ikkan_achieved")))
    for box in page.locator(f"[data-scheme-only='{case['scheme']}'] .sim-condition").all():
        box.set_checked(box.get_attribute("value") in case.get("higher_rate_conditions", []))
    page.fill("#sim-prior", str(case.get("prior_subsidy_yen", "")))
    while page.locator(".sim-item").count() > 0:
        first = page.locator(".sim-item").first
        if first.locator(".sim-item__toggle").get_attribute("aria-expanded") == "false":
            first.locator(".sim-item__toggle").click()  # a folded row (a phone) opens to be removed
        first.locator(".sim-item__remove").click()
    for n, item in enumerate(case["items"]):
        page.click("#sim-add-item")
        row = page.locator(".sim-item").last
        row.locator("[data-name=category]").select_option(item["category"])
        row.locator("[data-name=name]").fill(item.get("name", f"経費{n + 1}"))  # the engine's default name
        row.locator("[data-name=amount_yen]").fill(str(item["amount_yen"]))
        row.locator("[data-name=consumption_tax_yen]").fill(str(item.get("consumption_tax_yen", "")))
        row.locator("[data-name=payment]").select_option(item.get("payment", "purchase"))
        row.locator("[data-name=before_decision]").set_checked(bool(item.get("before_decision")))


def wait_for_subsidy(page: Any, amount: int) -> None:
    """The page shows `amount` as the engine's reading (a range may stand around it: amount_line)."""
    page.wait_for_function(
        """t => { const e = document.getElementById('sim-subsidy');
                  return e && e.dataset.subsidyYen === t && e.textContent.endsWith("円"); }""",
        arg=str(amount),
        timeout=10_000,
    )


GOLDEN = [
    # (case, expected subsidy): each worked out from the documents in tests/engine/golden as well.
    (
        {
            "scheme": "ibaraki-2023",
            "ict_staff_fte": 31,
            "prior_subsidy_yen": 1000000,
            "items": [{"category": "care_software", "amount_yen": "500万円"}],
        },
        1_600_000,
    ),
    (
        {
            "scheme": "ibaraki-2023",
            "ict_staff_fte": "10.5",
            "items": [{"category": "care_software", "amount_yen": 3000000}],
        },
        1_000_000,
    ),
    (
        {
            "scheme": "ibaraki-2023",
            "ict_staff_fte": 12,
            "ikkan_achieved": True,
            "items": [{"category": "devices", "amount_yen": 333333}, {"category": "pc_printer", "amount_yen": 200000}],
        },
        166_666,
    ),
    ({"scheme": "yamaguchi-2022", "items": [{"category": "care_software", "amount_yen": 123456}]}, 61_000),
    (
        {
            "scheme": "yamaguchi-2022",
            "higher_rate_conditions": ["life_csv"],
            "items": [{"category": "care_software", "amount_yen": 123456}],
        },
        92_000,
    ),
    (
        {
            "scheme": "yamaguchi-2022",
            "ikkan_achieved": True,
            "prior_subsidy_yen": 300000,
            "items": [
                {"category": "devices", "amount_yen": 600000},
                {"category": "maintenance", "amount_yen": 100000, "payment": "lease"},
            ],
        },
        100_000,
    ),
    ({"scheme": "yamaguchi-2022", "items": [{"category": "devices", "amount_yen": 200000}]}, 0),
]


@pytest.mark.parametrize(("case", "subsidy"), GOLDEN)
def test_golden_cases_through_the_form(page: Any, base_url: str, case: dict[str, Any], subsidy: int) -> None:
    assert calculator.simulate(case).subsidy_yen == subsidy  # the same engine, in CPython
    open_simulator(page, base_url)
    fill_case(page, case)
    result = calculator.simulate(case)
    # All three at once: a case half entered can show the same subsidy (0円 before any row).
    page.wait_for_function(
        """want => ["sim-subsidy", "sim-eligible", "sim-self-pay"].every(
             (id, n) => document.getElementById(id)?.textContent === want[n])""",
        arg=[
            amount_line(result.eligible, *result.subsidy_range_yen),
            yen_text(result.eligible_expense_yen),
            yen_text(result.self_pay_yen),
        ],
        timeout=10_000,
    )


def test_the_form_starts_empty_and_the_example_button_fills_it(page: Any, base_url: str) -> None:
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.wait_for_timeout(500)  # time for an automatic first result, which must not come
    # No phantom row, no amount: one empty row with hints, and the sentence saying what to do.
    assert page.locator(".sim-item").count() == 1
    assert page.input_value(".sim-item [data-name=amount_yen]") == ""
    assert page.input_value(".sim-item [data-name=name]") == ""
    assert page.locator("#sim-subsidy").count() == 0
    assert page.get_attribute("#sim-result", "data-subsidy-yen") == ""
    assert page.locator("#sim-result-empty").is_visible()
    assert page.locator("#sim-summary").is_hidden()
    page.click("#sim-example")
    page.wait_for_selector("#sim-subsidy", timeout=10_000)
    assert page.inner_text("#sim-subsidy") == "400,000円"  # 10人, 介護ソフト 80万円 × 1/2
    assert page.locator(".sim-steps li").count() >= 4
    step_link = page.locator(".sim-steps a.clause-cite").first
    href = step_link.get_attribute("href")
    assert re.search(r"/ibaraki-2023/[a-z-]+/#ibaraki-2023-", href)


@pytest.mark.parametrize(
    ("field", "value", "selector", "message"),
    [
        ("staff", "0", "#sim-staff-ibaraki-2023", "人数は0より大きい数で入力してください（「0」）"),
        (
            "staff",
            "たくさん",
            "#sim-staff-ibaraki-2023",
            "人数を数値で入力してください（「たくさん」は読み取れません）",
        ),
        ("amount", "-5", ".sim-item [data-name=amount_yen]", "金額はマイナスにできません（「-5」）"),
        (
            "amount",
            "1.5",
            ".sim-item [data-name=amount_yen]",
            "金額は1円単位で入力してください（「1.5」には1円未満の端数があります）",
        ),
        ("prior", "abc", "#sim-prior", "金額を数値で入力してください（「abc」は読み取れません）"),
    ],
)
def test_bad_input_gets_the_engines_message_at_the_field_and_no_number(
    page: Any, base_url: str, field: str, value: str, selector: str, message: str
) -> None:
    open_simulator(page, base_url)
    page.locator(selector).first.fill(value)
    control = page.locator(selector).first
    page.wait_for_function("s => document.querySelector(s).getAttribute('aria-invalid') === 'true'", arg=selector)
    error_id = next(i for i in control.get_attribute("aria-describedby").split() if i.endswith("-error"))
    assert page.inner_text(f"#{error_id}") == message
    assert page.locator("#sim-subsidy").count() == 0, "no number may be shown for an invalid case"


def test_save_and_load_round_trip_a_case_exactly(page: Any, base_url: str, tmp_path: Path) -> None:
    case = GOLDEN[5][0]
    open_simulator(page, base_url)
    fill_case(page, case)
    wait_for_subsidy(page, GOLDEN[5][1])
    with page.expect_download() as download:
        page.click("#sim-save")
    saved = tmp_path / "case.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert calculator.simulate(data).to_dict() == calculator.simulate(case).to_dict()
    page.goto("about:blank")
    open_simulator(page, base_url)
    page.set_input_files("#sim-load", str(saved))
    # The tab's draft (the same case) may show the same amount before the file is open: wait for the
    # file itself, or the save below could catch the form between the two.
    page.wait_for_selector("#sim-share-text:has-text('読み込みました')")
    wait_for_subsidy(page, GOLDEN[5][1])
    with page.expect_download() as again:
        page.click("#sim-save")
    resaved = tmp_path / "again.json"
    again.value.save_as(resaved)
    assert json.loads(resaved.read_text(encoding="utf-8")) == data


def test_a_toml_case_file_from_the_cli_loads(page: Any, base_url: str) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "yamaguchi-2022.toml"
    expected = calculator.simulate(calculator._case.read_case_file(example)).subsidy_yen
    open_simulator(page, base_url)
    page.set_input_files("#sim-load", str(example))
    wait_for_subsidy(page, expected)


def test_the_engine_boots_on_the_small_standard_library(page: Any, base_url: str) -> None:
    seen = watch(page, base_url)
    open_simulator(page, base_url)
    assert page.get_attribute("#simulator", "data-stdlib") == "engine"
    assert any(u.endswith("/python_stdlib.engine.zip") for u in seen.requests)
    assert not any(u.endswith("/python_stdlib.zip") for u in seen.requests)


def test_a_small_standard_library_missing_a_module_falls_back_to_the_full_one(
    page: Any, base_url: str, site: Path
) -> None:
    """If the small zip ever lacks a module the engine needs (here tomllib, which loading a TOML case
    file uses), the worker boots again on the full python_stdlib.zip and everything still works."""
    small = site / "assets" / "pyodide" / "python_stdlib.engine.zip"
    lacking = io.BytesIO()
    assert "tomllib/__init__.pyc" in copy_zip(small, lacking, lambda name: not name.startswith("tomllib/"))
    page.route("**/python_stdlib.engine.zip", lambda route: route.fulfill(body=lacking.getvalue()))
    seen = watch(page, base_url)
    open_simulator(page, base_url)
    assert page.get_attribute("#simulator", "data-stdlib") == "full"
    assert page.inner_text("#sim-subsidy") == "400,000円"
    assert any(u.endswith("/python_stdlib.zip") for u in seen.requests)
    example = Path(__file__).resolve().parents[2] / "examples" / "yamaguchi-2022.toml"
    page.set_input_files("#sim-load", str(example))
    wait_for_subsidy(page, calculator.simulate(calculator._case.read_case_file(example)).subsidy_yen)


SNAPSHOT_SEARCH = """async (needles) => {
  const cache = await caches.open("kaigo-ict:/:engine-snapshot");
  const keys = await cache.keys();
  if (keys.length !== 1) return { entries: keys.length };
  const bytes = new Uint8Array(await (await cache.match(keys[0])).arrayBuffer());
  const found = {};
  for (const [name, needle] of Object.entries(needles)) {
    const first = needle[0];
    found[name] = false;
    for (let i = bytes.indexOf(first); i !== -1 && i <= bytes.length - needle.length; i = bytes.indexOf(first, i + 1)) {
      let j = 1;
      while (j < needle.length && bytes[i + j] === needle[j]) j++;
      if (j === needle.length) { found[name] = true; break; }
    }
  }
  return { entries: 1, size: bytes.length, found };
}"""


def test_a_repeat_visit_starts_from_a_snapshot_that_holds_nothing_typed(browser: Any, base_url: str) -> None:
    """The second visit restores the engine's start-up state saved by the first, and computes the same.
    The snapshot is taken before the page's first message: a marker typed on the first visit is not
    in it (searched as UTF-8/Latin-1 and as UTF-16, the ways Python and JavaScript hold text), while
    text the engine itself holds (a scheme's name) is, so the search could have found it."""
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    open_simulator(page, base_url)
    assert page.get_attribute("#simulator", "data-start") == "boot"
    marker = "ZQXJ4242秘密の施設"
    case, subsidy = GOLDEN[1]
    fill_case(page, case)
    page.locator(".sim-item [data-name=name]").first.fill(marker)
    page.wait_for_function("m => document.getElementById('sim-result-body').textContent.includes(m)", arg=marker)
    wait_for_subsidy(page, subsidy)  # the engine has seen the marker (the result names the expense)
    page.wait_for_function(
        "async () => (await (await caches.open('kaigo-ict:/:engine-snapshot')).keys()).length === 1", timeout=30_000
    )
    needles = {
        "ascii": list(b"ZQXJ4242"),
        "utf8": list(marker.encode("utf-8")),
        "utf16": list(marker.encode("utf-16-le")),
        "known": list("茨城県".encode("utf-16-le")),
    }
    searched = page.evaluate(SNAPSHOT_SEARCH, needles)
    assert searched["entries"] == 1 and searched["size"] > 10_000_000
    assert searched["found"] == {"ascii": False, "utf8": False, "utf16": False, "known": True}, searched
    page.close()

    again = context.new_page()
    open_simulator(again, base_url)
    assert again.get_attribute("#simulator", "data-start") == "snapshot"
    # Every scheme and a TOML case file work after a restore (the snapshot holds memory, not files).
    for other in (GOLDEN[1], GOLDEN[4]):
        fill_case(again, other[0])
        wait_for_subsidy(again, other[1])
    example = Path(__file__).resolve().parents[2] / "examples" / "yamaguchi-2022.toml"
    again.set_input_files("#sim-load", str(example))
    wait_for_subsidy(again, calculator.simulate(calculator._case.read_case_file(example)).subsidy_yen)
    context.close()


def test_a_damaged_snapshot_falls_back_to_a_normal_boot_and_is_replaced(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    open_simulator(page, base_url)
    page.wait_for_function(
        "async () => (await (await caches.open('kaigo-ict:/:engine-snapshot')).keys()).length === 1", timeout=30_000
    )
    page.evaluate("""async () => {
        const cache = await caches.open("kaigo-ict:/:engine-snapshot");
        const [key] = await cache.keys();
        await cache.put(key, new Response(new Uint8Array(1000).fill(7)));
    }""")
    page.close()
    again = context.new_page()
    open_simulator(again, base_url)
    assert again.get_attribute("#simulator", "data-start") == "boot"
    assert again.inner_text("#sim-subsidy") == "400,000円"
    again.wait_for_function(
        """async () => {
          const cache = await caches.open("kaigo-ict:/:engine-snapshot");
          const keys = await cache.keys();
          return keys.length === 1 && (await (await cache.match(keys[0])).arrayBuffer()).byteLength > 10000000;
        }""",
        timeout=30_000,
    )
    context.close()


def test_the_shared_link_round_trips_and_keeps_the_case_out_of_requests(page: Any, base_url: str) -> None:
    case = GOLDEN[2][0]
    open_simulator(page, base_url)
    fill_case(page, case)
    wait_for_subsidy(page, GOLDEN[2][1])
    page.click("#sim-share")
    link = page.url
    assert "#case=" in link
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("about:blank")
    page.goto(link)
    wait_for_subsidy(page, GOLDEN[2][1])
    assert all("case=" not in url for url in requested)


def test_a_killed_worker_is_restarted_and_nothing_typed_is_lost(page: Any, base_url: str) -> None:
    open_simulator(page, base_url)
    page.fill("#sim-staff-ibaraki-2023", "25")
    wait_for_subsidy(page, 400_000)
    page.evaluate("window.__simulator.kill()")
    page.locator(".sim-item [data-name=amount_yen]").first.fill("300万円")
    wait_for_subsidy(page, 1_500_000)  # after the restart: 3,000,000 × 1/2, cap 2,000,000 for 21–30人
    assert page.input_value("#sim-staff-ibaraki-2023") == "25"


def test_the_engine_reports_when_each_stage_of_its_start_ended(page: Any, base_url: str) -> None:
    """bench/ reads these to say where a start spends its time: they must be in order and on the
    page's clock (before the first result, after the navigation began)."""
    open_simulator(page, base_url)
    stages = page.evaluate("() => window.__engineStages")
    first_result = page.evaluate("() => window.__firstResultAt")
    assert list(stages) == ["worker", "manifest", "runtime", "engine", "snapshot"]
    moments = list(stages.values())
    assert moments[0] > 0 and moments == sorted(moments) and moments[-1] <= first_result, (stages, first_result)


def test_the_head_starts_the_worker_before_the_stylesheets(site: Path) -> None:
    """The engine boots while the rest of the page loads: the inline starter comes before any
    stylesheet (an inline script after a pending stylesheet would wait for it) and only on the
    simulator page."""
    head = (site / "simulator" / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    starter = head.index("window.__simulatorStart")
    assert starter < head.index('rel="stylesheet"')
    assert "__simulatorStart" not in (site / "index.html").read_text(encoding="utf-8")


def hold_module_until(page: Any, base_url: str, condition: str) -> None:
    """Hold simulator.mjs back until `condition` holds in the page, then let it load."""
    held: list[Any] = []

    def hold(route: Any) -> None:  # a function of ours: Playwright cannot tag a builtin like held.append
        held.append(route)

    page.route("**/assets/javascripts/simulator.mjs", hold)
    page.goto(base_url + "simulator/", wait_until="commit")  # "load" would wait for the held script
    page.wait_for_function(condition, timeout=FIRST_RESULT_TIMEOUT)
    for _ in range(200):  # the page may not have asked for the script yet
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.click("#sim-example")
    page.wait_for_selector("#sim-subsidy", timeout=FIRST_RESULT_TIMEOUT)


def test_what_the_early_worker_said_before_the_page_script_ran_is_not_lost(page: Any, base_url: str) -> None:
    """The worker can be ready before simulator.mjs runs (a slow network for that one file): the
    page replays the buffered messages, so it shows ready and computes the example."""
    seen = watch(page, base_url)
    hold_module_until(page, base_url, "() => window.__simulatorStart?.messages.some((m) => m.type === 'ready')")
    assert page.inner_text("#sim-subsidy") == "400,000円"
    assert "準備ができました" in page.inner_text("#sim-runtime-text")
    assert sum(u.endswith("/simulator-worker.mjs") for u in seen.requests) == 1  # adopted, not restarted


def test_an_early_worker_that_failed_before_the_page_script_ran_is_restarted(page: Any, base_url: str) -> None:
    broken = {"left": 1}

    def serve_worker(route: Any) -> None:
        if broken["left"]:
            broken["left"] -= 1
            route.fulfill(status=200, content_type="text/javascript", body="this is not javascript(")
        else:
            route.continue_()

    page.route("**/assets/javascripts/simulator-worker.mjs", serve_worker)
    hold_module_until(page, base_url, "() => window.__simulatorStart?.failed")
    assert page.inner_text("#sim-subsidy") == "400,000円"
    assert broken["left"] == 0


def test_without_webassembly_the_page_says_so_in_japanese(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.add_init_script("delete window.WebAssembly")
    page.goto(base_url + "simulator/")
    page.wait_for_function("() => document.getElementById('sim-runtime-text').textContent.includes('このブラウザでは')")
    assert "WebAssembly か Web Worker が使えません" in page.inner_text("#sim-runtime-text")
    assert page.locator("#sim-subsidy").count() == 0
    context.close()


def test_a_phone_width_has_no_horizontal_scrolling(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    page = context.new_page()
    open_simulator(page, base_url)
    fill_case(page, GOLDEN[2][0])
    wait_for_subsidy(page, GOLDEN[2][1])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_case_can_be_entered_by_keyboard_alone(page: Any, base_url: str) -> None:
    open_simulator(page, base_url)
    page.focus("#sim-scheme")  # the first field; from here on only keys
    page.keyboard.press("ArrowDown")  # 山口県 令和4年度
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.name === 'amount_yen'"):
            break
    assert page.evaluate("() => document.activeElement.dataset.name") == "amount_yen"
    page.keyboard.press("Control+A")
    page.keyboard.type("200000")
    wait_for_subsidy(page, 100_000)  # 200,000 × 1/2 (概要 2(5)②), 千円未満なし
    assert page.input_value("#sim-scheme") == "yamaguchi-2022"


def test_every_field_has_a_visible_label_and_results_are_announced(page: Any, base_url: str) -> None:
    open_simulator(page, base_url)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('#sim-form input, #sim-form select')]
        .filter(c => c.type !== 'file' && !(c.labels && c.labels.length && c.labels[0].offsetParent !== null)
                     && c.offsetParent !== null)
        .map(c => c.id)""")
    assert unlabelled == []
    # Only the new amount is announced (a small live region), not the whole result.
    assert page.get_attribute("#sim-result", "aria-live") is None
    assert page.get_attribute("#sim-announce", "aria-live") == "polite"
    assert page.inner_text("#sim-announce") == "補助額 400,000円"
    hint = page.inner_text(".sim-item [data-hint=payment]")
    assert hint == calculator.get_scheme("ibaraki-2023").payments["purchase"].text


def test_the_print_view_shows_the_result_without_the_site_chrome(page: Any, base_url: str, tmp_path: Path) -> None:
    open_simulator(page, base_url)
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden()
    assert page.locator(".sim-actions").is_hidden()
    # The answer prints as its one-page sheet (test_simulator_keep.py), not as the screen's result.
    assert page.inner_text("#sim-sheet-subsidy") == "400,000円"
    assert page.locator("#sim-sheet-subsidy").is_visible()
    assert page.locator("#sim-result").is_hidden()
    pdf = tmp_path / "simulation.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF")
