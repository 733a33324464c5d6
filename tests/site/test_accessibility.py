"""Accessibility to JIS X 8341-3:2016 level AA (WCAG 2.x AA), measured in Chromium: axe-core on every
page and on the simulator's states, keyboard-only use, visible focus, 200 % zoom and narrow screens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.site.browser import axe_violations
from tests.site.test_pages import VISITS
from tests.site.test_simulator import open_simulator, wait_for_subsidy


def every_page(browser: Any, base_url: str, width: int, height: int) -> Iterator[tuple[str, Any]]:
    """Each page of VISITS in turn, in one tab of the given size, once it has settled (the search's
    results and the simulator's first result shown)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
    page = context.new_page()
    for path in VISITS:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        if "#q=" in path:
            page.wait_for_selector("#search-results li")
        if path.startswith("simulator/"):
            # The form starts empty (checked so), then shows the example's result (checked again).
            page.wait_for_selector("#simulator[data-engine=ready]", timeout=60_000)
            if "#case=" not in path:
                yield path + " (empty)", page
                page.click("#sim-example")
            page.wait_for_selector("#sim-subsidy", timeout=60_000)
        yield path, page
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_has_a_wcag_a_or_aa_violation(browser: Any, base_url: str, width: int) -> None:
    found = {path or "/": axe_violations(page) for path, page in every_page(browser, base_url, width, 900)}
    assert {path: v for path, v in found.items() if v} == {}
    assert len(found) == len(VISITS) + 1 == 27  # with the two 原文 pages, and the simulator empty and filled


def test_the_simulator_with_errors_shown_and_rows_added_has_no_violation(page: Any, base_url: str) -> None:
    open_simulator(page, base_url)
    page.click("#sim-add-item")
    page.locator(".sim-item [data-name=amount_yen]").last.fill("十万")
    page.fill("#sim-staff-ibaraki-2023", "-3")
    page.wait_for_selector(".sim-invalid")
    assert page.locator("[aria-invalid=true]").count() == 2
    assert axe_violations(page) == []
    # The summary names the fields in words (not "the red ones") and each link puts focus in its field.
    summary = page.locator(".sim-invalid li")
    assert summary.count() == 2
    texts = summary.all_inner_texts()
    assert any(t.startswith("ICTの活用が見込まれる職員数") and "マイナス" in t for t in texts), texts
    assert any(t.startswith("経費 2 の金額") for t in texts), texts
    page.locator(".sim-invalid li a").last.press("Enter")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-invalid')") == "true"
    assert page.evaluate("() => document.activeElement.dataset.name") == "amount_yen"
    page.select_option("#sim-scheme", "yamaguchi-2022")  # the other scheme's fields and hints
    page.locator(".sim-item [data-name=amount_yen]").last.fill("100000")
    page.wait_for_selector("#sim-subsidy")
    assert axe_violations(page) == []


def focus_is_visible(page: Any) -> bool:
    """The focused element (or, for a file field hidden behind its label, the label) draws an outline
    or a focus ring (box-shadow)."""
    return bool(
        page.evaluate("""() => {
        let shown = document.activeElement;
        if (shown.classList.contains("visually-hidden") && shown.labels && shown.labels.length) shown = shown.labels[0];
        const s = getComputedStyle(shown);
        return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
    }""")
    )


def test_the_simulator_can_be_completed_by_keyboard_alone_with_visible_focus(page: Any, base_url: str) -> None:
    """From the page's first Tab to a new result: only Tab, arrows, Enter and typing."""
    open_simulator(page, base_url)
    page.mouse.move(0, 0)

    def tab_to(predicate: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            assert page.evaluate("() => document.activeElement !== document.body"), "focus was lost"
            assert focus_is_visible(page), page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
            if page.evaluate(predicate):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    tab_to("() => document.activeElement.id === 'sim-scheme'")
    page.keyboard.press("ArrowDown")  # 山口県 令和4年度
    tab_to("() => document.activeElement.classList.contains('sim-item__remove')")
    page.keyboard.press("Enter")  # the example's expense goes; focus moves to the button that adds one
    page.wait_for_function("() => !document.querySelector('.sim-item')")
    assert page.evaluate("() => document.activeElement.id") == "sim-add-item"
    page.keyboard.press("Enter")
    tab_to("() => document.activeElement.dataset.name === 'amount_yen'")
    page.keyboard.type("20万円")
    wait_for_subsidy(page, 100_000)  # 200,000 × 1/2 (概要 2(5)②)
    assert page.input_value("#sim-scheme") == "yamaguchi-2022"
    assert page.locator(".sim-item").count() == 1
    assert page.get_attribute("#sim-announce", "aria-live") == "polite"  # the new amount is announced
    assert page.inner_text("#sim-announce") == "補助額 100,000円"


@pytest.mark.parametrize(("width", "zoom"), [(390, 1.0), (320, 1.0), (1280, 2.0)])
def test_no_page_scrolls_sideways_on_a_phone_or_at_200_percent_text(
    browser: Any, base_url: str, width: int, zoom: float
) -> None:
    """390 px (a phone), 320 px (WCAG 1.4.10 reflow) and text enlarged to 200 % (1.4.4) on a desktop.
    Wide tables may scroll inside their own box (an exception 1.4.10 allows); the page itself may not."""
    wide = {}
    for path, page in every_page(browser, base_url, width, 800):
        if zoom != 1.0:
            page.evaluate("z => { document.documentElement.style.fontSize = `${125 * z}%`; }", zoom)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide[path] = overflow
    assert wide == {}


def contrast(rgb_a: str, rgb_b: str = "rgb(255, 255, 255)") -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours (rgba blended over white)."""

    def luminance(css: str) -> float:
        parts = [float(x) for x in css[css.index("(") + 1 : -1].replace("/", ",").split(",")]
        alpha = parts[3] if len(parts) > 3 else 1.0
        channels = [(c * alpha + 255 * (1 - alpha)) / 255 for c in parts[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_checklist_boxes_stand_out_from_the_page_ticked_or_not(page: Any, base_url: str) -> None:
    """Non-text contrast (1.4.11), which axe does not measure: the boxes are the only sign of the control."""
    page.goto(base_url + "ibaraki-2023/requirements/")
    colour = "() => getComputedStyle(document.querySelector('.task-list-indicator'), '::before').backgroundColor"
    unticked = page.evaluate(colour)
    page.locator("article input[type=checkbox]").first.check(force=True)
    ticked = page.evaluate(colour)
    assert contrast(unticked) >= 3.0, unticked
    assert contrast(ticked) >= 3.0, ticked
    assert contrast("rgb(0, 230, 118)") < 3.0  # Material's own green: the check above can fail


def golden_case(scheme: str, name_part: str) -> dict[str, Any]:
    import tomllib

    from tests.conftest import ROOT

    path = ROOT / "tests" / "engine" / "golden" / scheme / "08-fidelity.toml"
    cases = tomllib.loads(path.read_text(encoding="utf-8"))["cases"]
    return next(c["input"] for c in cases if name_part in c["name"])


@pytest.mark.parametrize("width", [1280, 390])
def test_a_range_an_ineligible_facility_and_new_row_fields_have_no_violation(
    browser: Any, base_url: str, width: int
) -> None:
    """山口 2回目 with a range (and kinds), a facility whose service is excluded, and a row with a kind,
    a quantity and a lease by monthly amount: no axe violation, and nothing scrolls sideways."""
    from tests.site.test_simulator_cases import FORM_FIELDS_CASE, link_of

    states = {
        "range": golden_case("yamaguchi-2022", "2回目の⑤は種類で分かれ"),
        "ineligible": golden_case("yamaguchi-2022", "特定（介護予防）福祉用具販売"),
        "fields": FORM_FIELDS_CASE,
    }
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    for name, case in states.items():
        page.goto(base_url + "simulator/" + link_of(case))
        page.wait_for_selector("#sim-result:not([data-subsidy-yen='']) #sim-subsidy", timeout=60_000)
        page.wait_for_load_state("networkidle")
        found[name] = axe_violations(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
        page.goto("about:blank")
    context.close()
    assert found == {name: [] for name in states}
