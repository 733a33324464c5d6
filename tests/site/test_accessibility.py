"""Accessibility to JIS X 8341-3:2016 level AA (WCAG 2.x AA), measured in Chromium: axe-core on every
page and on the simulator's states, keyboard-only use, visible focus, 200 % zoom and narrow screens."""

from __future__ import annotations

import base64
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site.browser import axe_violations
from tests.site.test_build import ALL_PAGES
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
            # The click left the pointer on the button: axe must not sample its colours mid-transition.
            page.mouse.move(0, 0)
        yield path, page  # axe_violations lets running transitions end first
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_has_a_wcag_a_or_aa_violation(browser: Any, base_url: str, width: int) -> None:
    found = {path or "/": axe_violations(page) for path, page in every_page(browser, base_url, width, 900)}
    assert {path: v for path, v in found.items() if v} == {}
    assert len(found) == len(VISITS) + 1 == 28  # the two 原文 pages, the kit, the simulator empty and filled


def test_no_page_skips_a_heading_level(site: Path) -> None:
    """Each heading is at most one level below the one before it (Lighthouse's heading-order, a best
    practice that axe's WCAG A/AA rules leave out): the glossary's terms were h3 under the page's h1."""
    skips = {}
    for path in ALL_PAGES:
        html = (site / path / "index.html").read_text(encoding="utf-8")
        article = html[html.index("<article") : html.index("</article>")]
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", article)]
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        if jumps or levels[:1] != [1]:
            skips[path or "/"] = (levels[:1], jumps)
    assert skips == {}


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


def checkbox_drawn(page: Any, index: int) -> dict[str, float]:
    """Where the index-th checklist item's box is drawn (Material's ::before of its indicator; the
    input itself is transparent), scrolled into view."""
    return dict(
        page.evaluate(
            """i => {
        const indicator = document.querySelectorAll('article .task-list-indicator')[i];
        indicator.closest('li').scrollIntoView({ block: 'center' });
        const s = getComputedStyle(indicator, '::before');
        const li = indicator.closest('li').getBoundingClientRect();
        return { x: li.left + parseFloat(s.left), y: li.top + parseFloat(s.top),
                 width: parseFloat(s.width), height: parseFloat(s.height) };
    }""",
            index,
        )
    )


def box_pixels(page: Any, index: int) -> list[list[tuple[int, int, int]]]:
    """The drawn checkbox of the index-th checklist item as rows of RGB pixels: a screenshot of
    exactly its box, read back through a canvas in the page."""
    box = checkbox_drawn(page, index)
    png = page.screenshot(clip=box, scale="device")
    return page.evaluate(
        """async data => {
        const image = new Image();
        image.src = "data:image/png;base64," + data;
        await image.decode();
        const canvas = document.createElement("canvas");
        [canvas.width, canvas.height] = [image.width, image.height];
        const context = canvas.getContext("2d");
        context.drawImage(image, 0, 0);
        const rgba = context.getImageData(0, 0, image.width, image.height).data;
        const rows = [];
        for (let y = 0; y < image.height; y++) {
            const row = [];
            for (let x = 0; x < image.width; x++) {
                const at = (y * image.width + x) * 4;
                row.push([rgba[at], rgba[at + 1], rgba[at + 2]]);
            }
            rows.push(row);
        }
        return rows;
    }""",
        base64.b64encode(png).decode(),
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_checklist_boxes_are_empty_until_ticked_and_stand_out_from_the_page(
    browser: Any, base_url: str, width: int
) -> None:
    """An unticked item is an empty box (Material's grey disc with a white check read as ticked), a
    ticked one is clearly ticked, and both stand out at 3:1 against the page (1.4.11, which axe does
    not measure: the box is the only sign of the control). Read from the pixels Chromium drew."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    page.goto(base_url + "ibaraki-2023/requirements/")

    def shares(rows: list[list[tuple[int, int, int]]]) -> tuple[float, float, float]:
        """The darkest pixel's contrast on white, and the middle half's shares of pixels at 3:1 or
        more (ink) and of near-white ones (paper)."""
        css = [[f"rgb({r}, {g}, {b})" for r, g, b in row] for row in rows]
        h, w = len(css), len(css[0])
        middle = [contrast(c) for row in css[h // 4 : h - h // 4] for c in row[w // 4 : w - w // 4]]
        darkest = max(contrast(c) for row in css for c in row)
        return darkest, sum(c >= 3.0 for c in middle) / len(middle), sum(c < 1.15 for c in middle) / len(middle)

    darkest, ink, paper = shares(box_pixels(page, 0))
    assert darkest >= 3.0, darkest  # the box's edge
    assert (ink, paper) == (0.0, 1.0), (ink, paper)  # and nothing inside it
    box = checkbox_drawn(page, 0)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # as a reader ticks it
    assert page.locator("article input[type=checkbox]").first.is_checked()
    darkest, ink, paper = shares(box_pixels(page, 0))
    assert darkest >= 3.0, darkest
    assert ink >= 0.4 and paper >= 0.1, (ink, paper)  # a filled box with a check through it
    # The second item, still unticked, stays empty beside it.
    assert shares(box_pixels(page, 1))[1:] == (0.0, 1.0)
    context.close()


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
