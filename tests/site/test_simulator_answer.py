"""The simulator, answer first (#15): the summary of 補助額 and 自己負担額 in view after each edit on a
phone, two columns on a PC, the draft kept in this tab only (reload, Back, the clear buttons), links
that open in a new tab, a closed scheme's status before the amount."""

from __future__ import annotations

import datetime
import re
from typing import Any

from tests.site.browser import watch
from tests.site.test_simulator import FIRST_RESULT_TIMEOUT, open_simulator, wait_for_subsidy

DRAFT = "() => Object.keys(sessionStorage).filter((k) => k.startsWith('kaigo-ict:') && k.endsWith(':simulator-draft'))"


def in_view(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """s => { const r = document.querySelector(s).getBoundingClientRect();
                      return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""",
            selector,
        )
    )


def phone(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    return context, context.new_page()


def test_on_a_phone_the_summary_stays_in_view_after_each_edit(browser: Any, base_url: str) -> None:
    context, page = phone(browser)
    open_simulator(page, base_url)  # the example: 400,000円, 自己負担 480,000円
    page.click("#sim-add-item")
    row = page.locator(".sim-item").last
    for amount, subsidy in (("40万円", 600_000), ("100万円", 900_000), ("200万円", 1_000_000)):
        row.locator("[data-name=amount_yen]").fill(amount)  # scrolls the field into view, far below the top
        wait_for_subsidy(page, subsidy)
        assert in_view(page, "#sim-summary")
        assert in_view(page, ".sim-item:last-child [data-name=amount_yen]")  # the summary does not hide the field
        assert page.inner_text("#sim-summary-subsidy") == f"{subsidy:,}円"
        assert page.inner_text("#sim-announce") == f"補助額 {subsidy:,}円"
    # The result itself is below the form, out of view: the summary is what the reader sees.
    assert not in_view(page, "#sim-subsidy")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    context.close()


def test_on_a_pc_the_form_and_the_result_stand_side_by_side_and_the_result_stays_in_view(
    page: Any, base_url: str
) -> None:
    open_simulator(page, base_url)
    form = page.locator("#sim-form").bounding_box()
    result = page.locator("#sim-result").bounding_box()
    assert result["x"] >= form["x"] + form["width"]
    page.click("#sim-add-item")
    page.locator(".sim-item").last.locator("[data-name=amount_yen]").fill("40万円")
    wait_for_subsidy(page, 600_000)
    assert in_view(page, "#sim-subsidy")
    assert page.locator("#sim-summary").is_hidden()  # the result itself is in view


def test_the_draft_survives_reload_and_back_and_never_leaves_the_browser(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.add_init_script("window.addEventListener('pageshow', (e) => { window.__fromBfcache = e.persisted; })")
    seen = watch(page, base_url)
    open_simulator(page, base_url)
    page.locator(".sim-item [data-name=name]").first.fill("下書きの目印ソフト")
    page.fill("#sim-staff-ibaraki-2023", "25")
    page.wait_for_function(
        f"() => ({DRAFT})().some((k) => sessionStorage.getItem(k).includes('下書きの目印ソフト'))", timeout=10_000
    )
    assert page.evaluate(f"() => ({DRAFT})().length") == 1
    assert page.evaluate(f"() => ({DRAFT})().every((k) => !localStorage.getItem(k))")

    page.reload()
    page.wait_for_selector("#sim-subsidy", timeout=FIRST_RESULT_TIMEOUT)
    assert page.input_value(".sim-item [data-name=name]") == "下書きの目印ソフト"
    assert page.input_value("#sim-staff-ibaraki-2023") == "25"

    # Back: Playwright's Chromium runs with the back-forward cache switched off, so the page comes
    # back from the draft; Chromium says why it was not cached, and nothing of the page's own (an
    # unload handler, say) may be among the reasons.
    listeners = context.new_cdp_session(page)
    listeners.send("Page.enable")
    not_cached: list[Any] = []

    def record(event: Any) -> None:  # a function of ours: Playwright cannot tag a builtin like .append
        not_cached.append(event)

    listeners.on("Page.backForwardCacheNotUsed", record)
    page.goto(base_url + "glossary/")
    page.go_back()
    page.wait_for_selector("#sim-subsidy", timeout=FIRST_RESULT_TIMEOUT)
    assert page.input_value(".sim-item [data-name=name]") == "下書きの目印ソフト"
    assert page.input_value("#sim-staff-ibaraki-2023") == "25"
    page.wait_for_timeout(300)
    reasons = [e for event in not_cached for e in event["notRestoredExplanations"]]
    assert page.evaluate("window.__fromBfcache") or reasons, "neither cached nor told why"
    assert [r["reason"] for r in reasons if r["type"] != "Circumstantial"] == []
    # No unload handler keeps the page out of the back-forward cache (the page's own scripts add none).
    window = listeners.send("Runtime.evaluate", {"expression": "window"})["result"]["objectId"]
    kinds = {e["type"] for e in listeners.send("DOMDebugger.getEventListeners", {"objectId": window})["listeners"]}
    assert not kinds & {"unload", "beforeunload"}, kinds
    # What was typed never reached the network (the case would be in an address; the draft stays here).
    assert not [u for u in seen.requests if "目印" in u or "%E7%9B%AE%E5%8D%B0" in u]
    assert seen.foreign_requests == []

    # The clear button empties the form and the draft; a reload then starts empty.
    page.click("#sim-clear")
    assert page.evaluate(f"() => ({DRAFT})().length") == 0 or "目印" not in page.evaluate(
        f"() => ({DRAFT})().map((k) => sessionStorage.getItem(k)).join()"
    )
    assert page.input_value(".sim-item [data-name=name]") == ""
    assert page.get_attribute("#sim-result", "data-subsidy-yen") == ""
    page.reload()
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    assert page.input_value(".sim-item [data-name=name]") == ""
    context.close()


def test_the_privacy_pages_button_deletes_the_draft(browser: Any, base_url: str) -> None:
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    open_simulator(page, base_url)
    page.locator(".sim-item [data-name=name]").first.fill("消される下書き")
    page.wait_for_function(f"() => ({DRAFT})().length === 1", timeout=10_000)
    page.goto(base_url + "privacy/")
    page.wait_for_function("() => document.getElementById('storage-status').textContent.includes('sessionStorage')")
    page.click("#storage-clear")
    page.wait_for_function("() => document.getElementById('storage-status').textContent.includes('消去しました')")
    assert page.evaluate(f"() => ({DRAFT})().length") == 0
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    assert page.input_value(".sim-item [data-name=name]") == ""
    context.close()


def test_links_in_the_form_and_the_result_open_in_a_new_tab(page: Any, base_url: str) -> None:
    open_simulator(page, base_url)
    links = page.evaluate("""() => [...document.querySelectorAll('#sim-form a[href], #sim-result-body a[href]')]
        .map((a) => [a.getAttribute('href'), a.target, a.rel])""")
    assert len(links) >= 5  # glossary terms in the form, citations in the result
    assert [link for link in links if link[1] != "_blank" or "noopener" not in link[2]] == []


def test_a_closed_scheme_says_so_before_the_amount_and_an_open_one_does_not(browser: Any, base_url: str) -> None:
    for day, closed in (("2026-11-30", True), ("2022-08-01", False)):
        context = browser.new_context(locale="ja-JP")
        page = context.new_page()
        page.clock.set_fixed_time(datetime.datetime.fromisoformat(f"{day}T09:00:00"))
        page.goto(base_url + "simulator/")
        page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
        page.select_option("#sim-scheme", "yamaguchi-2022")
        page.click("#sim-example")
        page.wait_for_selector("#sim-subsidy", timeout=10_000)
        notice = page.locator("#sim-closed")
        if closed:
            assert re.match(r"受付終了: 令和4年8月31日に締め切りました", notice.inner_text())
            order = page.evaluate(
                "() => document.getElementById('sim-closed')"
                ".compareDocumentPosition(document.getElementById('sim-subsidy'))"
            )
            assert order & 4  # DOCUMENT_POSITION_FOLLOWING: the status comes first
        else:
            assert notice.count() == 0
            status = page.locator(".sim-status[data-scheme-only='yamaguchi-2022'] [data-scheme-status]")
            assert status.get_attribute("data-status") == "open"
        context.close()


def test_four_man_yen_times_five_reads_as_unit_price_and_quantity(page: Any, base_url: str) -> None:
    from tests.site.test_form_fuzz import exported_case

    open_simulator(page, base_url)
    amount = page.locator(".sim-item [data-name=amount_yen]").first
    amount.fill("4万円×5台")  # 200,000 × 1/2 (茨城, 10人): computed while still typed as one expression
    wait_for_subsidy(page, 100_000)
    assert exported_case(page)["items"][0] | {"name": ""} == {
        "category": "care_software",
        "name": "",
        "unit_amount_yen": "4万円",
        "quantity": 5,
        "consumption_tax_yen": "8万円",
    }
    amount.blur()  # the box is split into the row's unit price and quantity, as understood
    assert page.input_value(".sim-item [data-name=unit_amount_yen]") == "4万円"
    assert page.input_value(".sim-item [data-name=quantity]") == "5"
    assert amount.input_value() == ""
    wait_for_subsidy(page, 100_000)
    assert page.locator(".sim-invalid").count() == 0


def test_caveats_about_the_document_itself_are_left_to_the_scheme_page(page: Any, base_url: str) -> None:
    open_simulator(page, base_url)  # 茨城: 「年度の記載がありません」 is about the 別表, not any case
    body = page.inner_text("#sim-result-body")
    assert page.locator("#sim-caveat-ibaraki-2023-fiscal-year").count() == 0
    assert "年度の記載がありません" not in body
    # What could change this case's amount stays, in full (応募額による制限 holds for every case).
    assert page.locator("#sim-caveat-ibaraki-2023-application-limits strong").inner_text() == (
        "応募額によって補助率や台数が制限されることがあります"
    )
