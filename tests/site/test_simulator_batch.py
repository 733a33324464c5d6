"""Many facilities at once on the simulator page (batch.mjs) in Chromium: a CSV in UTF-8 with a BOM
and in CP932 gives the engine's table, a bad row is named and nothing is computed, 1,000 facilities
leave the page answering, the table's CSV is the CLI's, a row opens its facility in the form as a
shared link does, and a single case still opens into the form."""

from __future__ import annotations

import datetime
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from calculator._amounts import format_yen
from calculator._batch import Batch, read_cases_bytes
from calculator._batch_summary import FacilityResult, amount_words, check_all, simulate_all, summary_csv
from calculator._errors import InputError
from tests.site.browser import axe_violations, watch

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60_000  # a cold Pyodide boot takes a few seconds on two cores
# Every message the page posts to its worker, by type: to tell what the page asked the engine to do.
RECORD_REQUESTS = """
window.__asked = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.type) window.__asked.push(message.type);
  return post.call(this, message, ...rest);
};
"""
# What the form holds: every control's value or tick.
FORM_STATE = """() => [...document.querySelectorAll("#sim-form input, #sim-form select")]
  .map(c => c.type === "checkbox" ? c.checked : c.value)"""
# Three facilities, both shipped schemes, a range of readings, categories by the scheme's own titles.
FACILITIES_CSV = (ROOT / "examples" / "facilities.csv").read_text(encoding="utf-8-sig") + (
    "宇部ケアホーム,yamaguchi-2022,,,,ハードウェア,タブレット,,4,"
    '"45,000",,購入,\r\n宇部ケアホーム,yamaguchi-2022,,,,ソフトウェア,記録ソフト,20万円,,,,リース,\r\n'
)


@pytest.fixture(scope="module")
def batch_page(browser: Any, base_url: str) -> Iterator[Any]:
    """One simulator page for the tests that only open files (each opening replaces the last)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.add_init_script(RECORD_REQUESTS)
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=READY_TIMEOUT)
    yield page
    context.close()


def open_file(page: Any, path: Path) -> str:
    """Open `path` with the page's file button; the batch view's state once it has settled."""
    # The last opening's state goes first: its "done" must not be taken for this one's (the page
    # learns that a file is a batch only when the worker has read it).
    page.evaluate(
        "() => { window.__asked.length = 0; document.getElementById('sim-batch').removeAttribute('data-state'); }"
    )
    page.set_input_files("#sim-load", str(path))
    page.wait_for_selector("#sim-batch[data-state=done], #sim-batch[data-state=refused]", timeout=120_000)
    return str(page.get_attribute("#sim-batch", "data-state"))


def expected_results(data: bytes, name: str) -> list[FacilityResult]:
    batch = read_cases_bytes(data, name)
    assert isinstance(batch, Batch)
    return simulate_all(batch.facilities)


def table_rows(page: Any) -> list[list[str]]:
    return [
        [cell.strip() for cell in row]
        for row in page.eval_on_selector_all(
            "#sim-batch-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_a_csv_in_utf8_with_bom_or_cp932_gives_the_table_with_the_engines_amounts(
    batch_page: Any, tmp_path: Path, encoding: str
) -> None:
    data = FACILITIES_CSV.replace("\r\n", "\n").replace("\n", "\r\n").encode(encoding)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    path = tmp_path / "事業所一覧.csv"
    path.write_bytes(data)
    results = expected_results(data, path.name)
    form = batch_page.evaluate(FORM_STATE)
    assert open_file(batch_page, path) == "done"
    rows = table_rows(batch_page)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (r.name, r.scheme.id, amount_words(r.result), format_yen(r.result.self_pay_yen)) for r in results
    ]
    assert [r[-1] for r in rows] == [f"{len(r.result.caveats)}件" for r in results]
    assert len({r.result.subsidy_range_yen for r in results}) == 3  # three different answers, one a range
    assert any(r.result.subsidy_range_yen[0] < r.result.subsidy_range_yen[1] for r in results)
    assert batch_page.evaluate(FORM_STATE) == form, "a file of many never changes the form"


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_computed(batch_page: Any, tmp_path: Path) -> None:
    lines = FACILITIES_CSV.splitlines()
    lines[2] = lines[2].replace("５０万円", "五十万円くらい")
    lines[4] = lines[4].replace("network", "通信機器")
    path = tmp_path / "誤りのある一覧.csv"
    data = "\r\n".join(lines).encode("cp932")
    path.write_bytes(data)
    batch = read_cases_bytes(data, path.name)
    assert isinstance(batch, Batch)
    with pytest.raises(InputError) as refused:
        check_all(batch.facilities)
    expected = [f"{e.field}: {e.message}" for e in refused.value.errors]
    assert [e.split(":")[0] for e in expected] == ["3行目の「金額」", "5行目の「区分」"]
    assert open_file(batch_page, path) == "refused"
    shown = batch_page.eval_on_selector_all("#sim-batch-errors li", "items => items.map(i => i.textContent)")
    assert shown == expected
    assert "どの事業所も計算していません" in batch_page.inner_text("#sim-batch-status")
    assert table_rows(batch_page) == []
    asked = batch_page.evaluate("window.__asked")
    assert "batch-check" in asked and "batch-rows" not in asked, asked
    assert batch_page.locator("#sim-batch-csv").is_hidden()


def test_the_csv_saved_is_the_clis_and_reads_back_as_the_table(batch_page: Any, tmp_path: Path) -> None:
    path = tmp_path / "一覧.csv"
    path.write_bytes(FACILITIES_CSV.encode("utf-8-sig"))
    assert open_file(batch_page, path) == "done"
    with batch_page.expect_download() as download:
        batch_page.click("#sim-batch-csv")
    saved = tmp_path / "saved.csv"
    download.value.save_as(saved)
    today = datetime.date.today()
    assert download.value.suggested_filename == f"事業所ごとの試算-{today.isoformat()}.csv"
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == data.count(b"\r\n") > 3
    assert data == summary_csv(expected_results(path.read_bytes(), path.name), today)
    # Read back as Excel would, the saved lines are the table's rows.
    lines = [line.split(",") for line in data.decode("utf-8-sig").splitlines()[1:]]
    assert [line[0] for line in lines] == [row[0] for row in table_rows(batch_page)]


def test_a_row_opens_its_facility_in_the_form_as_a_shared_link(batch_page: Any, tmp_path: Path) -> None:
    path = tmp_path / "一覧.csv"
    path.write_bytes(FACILITIES_CSV.encode("utf-8-sig"))
    results = expected_results(path.read_bytes(), path.name)
    assert open_file(batch_page, path) == "done"
    for n in (2, 0):
        batch_page.locator(".sim-batch__open").nth(n).click()
        batch_page.wait_for_function(
            "t => { const e = document.getElementById('sim-subsidy'); return e && e.dataset.subsidyYen === t; }",
            arg=str(results[n].result.subsidy_yen),
            timeout=20_000,
        )
        assert batch_page.evaluate("location.hash").startswith("#case=")
        assert batch_page.input_value("#sim-scheme") == results[n].scheme.id
        names = batch_page.eval_on_selector_all(".sim-item [data-name=name]", "boxes => boxes.map(b => b.value)")
        assert names == [item.name for item in results[n].result.items]
    assert axe_violations(batch_page) == []


def test_a_case_file_with_facilities_goes_to_the_table_and_a_single_case_still_fills_the_form(
    batch_page: Any, tmp_path: Path
) -> None:
    many = tmp_path / "法人.json"
    shared = {"scheme": "yamaguchi-2022", "higher_rate_conditions": ["life_csv"]}
    facilities = [
        {"facility_name": f"事業所{n}", "items": [{"category": "care_software", "amount_yen": n * 100_000}]}
        for n in (1, 2, 3)
    ]
    many.write_text(json.dumps({**shared, "facilities": facilities}, ensure_ascii=False), encoding="utf-8")
    assert open_file(batch_page, many) == "done"
    assert [row[:3] for row in table_rows(batch_page)] == [
        ["事業所1", "yamaguchi-2022", "75,000円"],
        ["事業所2", "yamaguchi-2022", "150,000円"],
        ["事業所3", "yamaguchi-2022", "225,000円"],
    ]
    batch_page.click("#sim-batch-close")
    single = ROOT / "examples" / "yamaguchi-2022.toml"
    batch_page.evaluate("() => { window.__asked.length = 0; }")
    batch_page.set_input_files("#sim-load", str(single))
    batch_page.wait_for_function("() => document.getElementById('sim-subsidy')", timeout=20_000)
    assert batch_page.locator("#sim-batch").is_hidden()
    assert batch_page.evaluate("window.__asked").count("open-file") == 1
    assert "batch-check" not in batch_page.evaluate("window.__asked")
    assert batch_page.locator(".sim-item").count() > 0


def facilities_csv(count: int) -> str:
    """bench/batch_bench.py's file: `count` facilities of 10 items, both shipped schemes."""
    spec = importlib.util.spec_from_file_location("batch_bench", ROOT / "bench" / "batch_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.facilities_csv(count)
    return text


# While the batch computes: the longest gap between animation frames, and the progress values seen.
WATCH_FRAMES = """
() => {
  const seen = { longest: 0, progress: new Set(), frames: 0 };
  let last = performance.now();
  const frame = (now) => {
    seen.longest = Math.max(seen.longest, now - last);
    last = now;
    seen.frames += 1;
    const bar = document.getElementById("sim-batch-progress");
    if (!bar.hidden) seen.progress.add(bar.value);
    if (document.getElementById("sim-batch").dataset.state !== "done") requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  window.__frames = seen;
}
"""


def test_a_thousand_facilities_give_their_table_while_the_page_answers(
    browser: Any, base_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "1000.csv"
    path.write_text(facilities_csv(1_000), encoding="utf-8-sig")
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = watch(page, base_url)
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=READY_TIMEOUT)
    page.set_input_files("#sim-load", str(path))
    page.wait_for_selector("#sim-batch[data-state=computing]", timeout=60_000)
    page.evaluate(WATCH_FRAMES)
    page.wait_for_function("() => document.getElementById('sim-batch-progress').value >= 100", timeout=60_000)
    # An edit in the form while the table is computed: its answer comes before the table is done
    # (the worker answers it between two slices; a batch computed in one request would hold it back).
    page.click("#sim-example")
    page.wait_for_selector("#sim-subsidy", timeout=30_000)
    assert page.get_attribute("#sim-batch", "data-state") == "computing", "the form was answered only after"
    page.wait_for_selector("#sim-batch[data-state=done]", timeout=180_000)
    frames = page.evaluate(
        "({ longest: window.__frames.longest, frames: window.__frames.frames,"
        " progress: [...window.__frames.progress] })"
    )
    assert page.locator("#sim-batch-table tbody tr").count() == 1_000
    assert len(frames["progress"]) >= 10, frames["progress"]  # progress shown as it went
    # Never a frozen page: the main thread only adds rows between the worker's answers (about 0.2 s
    # at most here with the machine's 2 cores shared; 1 s leaves room for a busier machine).
    assert frames["longest"] < 1_000, frames
    first, last = table_rows(page)[0], table_rows(page)[-1]
    results = expected_results(path.read_bytes(), path.name)
    assert (first[0], first[2]) == (results[0].name, amount_words(results[0].result))
    assert (last[0], last[2]) == (results[-1].name, amount_words(results[-1].result))
    assert re.fullmatch(r"1,000事業所を計算しました。.*", page.inner_text("#sim-batch-status"))
    assert seen.errors == [] and seen.foreign_requests == []
    context.close()


def test_a_worker_restarted_midway_never_leaves_a_short_table_reading_as_whole(batch_page: Any, tmp_path: Path) -> None:
    """The page restarts a worker that stops; the new one has not read the file, and says so."""
    path = tmp_path / "300.csv"
    path.write_text(facilities_csv(300), encoding="utf-8-sig")
    batch_page.set_input_files("#sim-load", str(path))
    batch_page.wait_for_selector("#sim-batch[data-state=computing]", timeout=60_000)
    batch_page.evaluate("window.__simulator.kill()")
    batch_page.wait_for_selector("#sim-batch[data-state=failed]", timeout=60_000)
    assert "起動し直しました" in batch_page.inner_text("#sim-batch-status")
    assert batch_page.locator("#sim-batch-table tbody tr").count() < 300
    assert batch_page.locator("#sim-batch-csv").is_hidden()


def test_on_a_phone_each_facility_is_a_card_and_nothing_scrolls_sideways(
    browser: Any, base_url: str, tmp_path: Path
) -> None:
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_REQUESTS)
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=READY_TIMEOUT)
    path = tmp_path / "事業所一覧.csv"
    path.write_bytes(FACILITIES_CSV.encode("utf-8-sig"))
    assert open_file(page, path) == "done"
    layout = page.evaluate(
        """() => {
          const box = document.querySelector(".sim-batch__table");
          const rows = [...document.querySelectorAll("#sim-batch-table tbody tr")];
          return {
            sideways: box.scrollWidth - box.clientWidth,
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            head: getComputedStyle(document.querySelector("#sim-batch-table thead")).display,
            widths: rows.map((r) => Math.round(r.getBoundingClientRect().width)),
            label: getComputedStyle(rows[0].cells[1], "::before").content,
          };
        }"""
    )
    assert layout["sideways"] <= 1 and layout["page"] <= 1, layout
    assert layout["head"] == "none", layout  # the headings ride on each cell instead
    assert layout["label"] not in ("none", "normal", ""), layout
    assert len(set(layout["widths"])) == 1 and layout["widths"][0] >= 300, layout
    context.close()
