"""The preparation kit page (docs/kit.md, kit.mjs) in Chromium: the plan draft pre-filled from a shared
link's case, what is written saved as Markdown and text, the expense table saved as CSV and compared
with the engine's, nothing stored, the A4 print, and no axe violation."""

from __future__ import annotations

import base64
import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator._kit import expense_csv, make_kit, plan_markdown, plan_plain, text_file
from tests.site.browser import axe_violations, watch

CASE: dict[str, Any] = {
    "scheme": "yamaguchi-2022",
    "facility_name": "（例）山口デイサービスセンター",
    "higher_rate_conditions": ["life_csv"],
    "items": [
        {
            "category": "care_software",
            "name": "介護ソフト（記録・請求一体型）",
            "amount_yen": 300000,
            "consumption_tax_yen": 30000,
        },
        {"category": "devices", "name": "タブレット端末", "quantity": 3, "unit_amount_yen": 60000},
        {"category": "pc_printer", "name": "事務用プリンター", "amount_yen": 40000},
    ],
}


def link_of(case: dict[str, Any]) -> str:
    data = json.dumps(case, ensure_ascii=False).encode("utf-8")
    return "kit/#case=" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@pytest.fixture(scope="module")
def kit_url(base_url: str) -> str:
    """The built site: its worker routes the page's "kit" message to calculator/_web.py's `kit`."""
    return base_url


def open_kit(page: Any, kit_url: str, case: dict[str, Any]) -> None:
    page.goto(kit_url + link_of(case))
    page.wait_for_selector("#kit-plan-title", timeout=120_000)


def expected_kit(answers: dict[str, str] | None = None) -> Any:
    case = calculator.load_case(CASE)
    scheme = calculator.get_scheme("yamaguchi-2022")
    return make_kit(case, scheme, calculator.simulate(case), datetime.date.today(), answers)


def test_the_plan_draft_is_pre_filled_from_the_case_and_saves_what_is_written(
    browser: Any, kit_url: str, tmp_path: Path
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    seen = watch(page, kit_url)
    open_kit(page, kit_url, CASE)
    kit = expected_kit()
    # The headings in the scheme's order, each with its guidance; the items and the claimed condition filled.
    headings = page.locator(".kit-plan h3, .kit-plan h4").all_inner_texts()
    assert [h.split(". ", 1)[-1] for h in headings] == [s.title for s in kit.plan]
    equipment = page.locator("#kit-answer-equipment").locator("xpath=..").locator(".kit-filled li").all_inner_texts()
    assert equipment == list(next(s for s in kit.plan if s.id == "equipment").filled)
    assert equipment[1] == "②ハードウェア: タブレット端末 数量3 180,000円（税抜）"
    life = page.locator("#kit-answer-life_csv").locator("xpath=..").locator(".kit-filled li").all_inner_texts()
    assert life == ["有（予定を含む）。補助率を上げる要件「ア LIFEへのCSV連携」を満たすとして試算しています。"]
    assert page.locator(".kit-notice").inner_text().count("提出するのは県の様式です") == 1

    written = "記録の転記をなくし、\n記録にかかる時間を半分にする。"
    page.fill("#kit-answer-purpose", written)
    with page.expect_download() as markdown:
        page.click("#kit-save-md")
    saved = tmp_path / "plan.md"
    markdown.value.save_as(saved)
    assert markdown.value.suggested_filename == "yamaguchi-2022-導入計画の下書き.md"
    assert saved.read_text(encoding="utf-8") == plan_markdown(expected_kit({"purpose": written}))
    with page.expect_download() as plain:
        page.click("#kit-save-txt")
    plain.value.save_as(tmp_path / "plan.txt")
    assert (tmp_path / "plan.txt").read_bytes() == text_file(plan_plain(expected_kit({"purpose": written})))
    assert seen.errors == [] and seen.foreign_requests == []
    context.close()


def test_the_csv_downloaded_is_the_engines_and_reads_back_as_its_figures(
    browser: Any, kit_url: str, tmp_path: Path
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    open_kit(page, kit_url, CASE)
    with page.expect_download() as download:
        page.click("#kit-save-csv")
    saved = tmp_path / "expenses.csv"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data == expense_csv(expected_kit())
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == data.count(b"\r\n")
    result = calculator.simulate(CASE)
    assert f"\r\n補助額,{result.subsidy_yen}\r\n".encode() in data
    shown = page.locator(".kit-expenses tbody tr").first.locator("td").all_inner_texts()
    assert shown[:3] == ["1", "介護ソフト（記録・請求一体型）", "①ソフトウェア"] and shown[-1] == "300,000円"
    context.close()


def test_nothing_ticked_or_written_is_stored(page: Any, kit_url: str) -> None:
    open_kit(page, kit_url, CASE)
    page.check("#kit-check-document-1")
    page.fill("#kit-answer-purpose", "書いた内容")
    stored = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert stored == [0, 0, ""]
    page.reload()
    page.wait_for_selector("#kit-plan-title", timeout=120_000)
    assert not page.is_checked("#kit-check-document-1")  # as the requirement pages' checklists
    assert page.input_value("#kit-answer-purpose") == ""


def test_the_kit_prints_on_a4_with_what_is_written_and_no_buttons(page: Any, kit_url: str) -> None:
    open_kit(page, kit_url, CASE)
    page.fill("#kit-answer-purpose", "印刷される記入")
    page.emulate_media(media="print")
    assert page.locator("#kit-answer-purpose").is_hidden() and page.locator("#kit-save-csv").is_hidden()
    assert page.locator(".kit-answer-print").first.inner_text() == "印刷される記入"
    pdf = page.pdf(format="A4", print_background=True)
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert boxes and all(abs(float(w) - 595.9) < 1 and abs(float(h) - 842.9) < 1 for w, h in boxes)  # A4 in points
    assert 3 <= len(pages) <= 8, len(pages)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_kit_with_a_case_has_no_axe_violation(browser: Any, kit_url: str, width: int) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    open_kit(page, kit_url, CASE)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the table scrolls in its box
    context.close()


def test_a_broken_link_says_so_in_words(page: Any, kit_url: str) -> None:
    page.goto(kit_url + "kit/#case=not-base64!")
    page.wait_for_function(
        "() => document.getElementById('kit-status').textContent.includes('共有リンクを読めませんでした')"
    )
    assert page.locator("#kit-plan-title").count() == 0


def test_a_result_in_the_simulator_links_to_its_own_kit(page: Any, kit_url: str) -> None:
    from tests.site.test_simulator import open_simulator

    open_simulator(page, kit_url, "#case=" + link_of(CASE).split("#case=", 1)[1])
    link = page.locator(".sim-kit-link a")
    href = link.get_attribute("href")
    assert href and "/kit/#case=" in href and link.get_attribute("target") == "_blank"
    fragment = href.split("#case=", 1)[1]
    sent = json.loads(base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4)).decode("utf-8"))
    assert sent["scheme"] == CASE["scheme"] and len(sent["items"]) == len(CASE["items"])
    page.goto(href)
    page.wait_for_selector("#kit-plan-title", timeout=120_000)
    assert "（例）山口デイサービスセンター" in page.inner_text("main")
