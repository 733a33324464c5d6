"""Many facilities at once in the browser: facilities per second in the simulator's worker (Pyodide in
headless Chromium) for 1, 100, 1,000 and 10,000 facilities of 10 items, against CPython in the same
run, and whether the cost grows linearly.

    .venv/bin/python bench/batch_browser_bench.py [runs]    (default 3; rewrites bench/results/batch.md's
                                                             browser section, keeping the CPython one)

The files are bench/batch_bench.py's (the same generator). The site is built into a temporary folder
and served on 127.0.0.1. In the page, a worker of its own (the site's simulator-worker.mjs, started
as the page starts it) is sent what the batch view sends (batch.mjs): the file (read 5,000 rows per
message), then a slice of 200 facilities per "batch-check" and of 50 per "batch-rows", one message
each; the time is the page's wall clock from sending the file to the last slice's answer. Then the
batch view itself is timed on 1,000 and 10,000 facilities, from choosing the file to the last row
shown, with the longest gap
between two animation frames meanwhile (the page's main thread: a frozen page would show a long one).
CPython runs the same files in this process (bench/batch_bench.py's run: read, check and compute,
and the summary CSV), wall and CPU time. The browser has no CPU clock: its times are wall times, and
the machine's load (its 2 cores are shared) is reported with them.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from batch_bench import BROWSER_HEADING, ITEMS, SIZES, facilities_csv, one_run  # noqa: E402

from tests.site.browser import launch, serve  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "batch.md"

# In the page: a worker of our own, and the batch view's messages to it, timed.
START_WORKER = """
async () => {
  const real = new URL("../assets/javascripts/simulator-worker.mjs", location.href).href;
  const blob = URL.createObjectURL(new Blob([`import ${JSON.stringify(real)};\\n`], { type: "text/javascript" }));
  const worker = new Worker(blob, { type: "module" });
  const waiting = new Map();
  let next = 1;
  await new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.type === "ready") resolve();
      else if (m.type === "boot-failed") reject(new Error(m.text));
      else if (waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); }
    };
  });
  window.__ask = (message) => new Promise((resolve) => {
    const id = next++;
    waiting.set(id, resolve);
    worker.postMessage({ id, ...message });
  });
}
"""
RUN_BATCH = """
async (url) => {
  const file = new File([await (await fetch(url)).blob()], "facilities.csv");
  const t0 = performance.now();
  let read = await window.__ask({ type: "open-file", name: file.name, bytes: file });
  while (read.type === "batch-reading") read = await window.__ask({ type: "batch-read-more" });
  if (read.type !== "batch-read") throw new Error(JSON.stringify(read).slice(0, 300));
  const t1 = performance.now();
  let checked = { type: "batch-checking" };
  for (let start = 0; checked.type === "batch-checking"; start += 200) {
    checked = await window.__ask({ type: "batch-check", start, stop: start + 200 });
  }
  if (checked.type !== "batch-opened" || checked.count !== read.count) throw new Error(checked.type);
  const t2 = performance.now();
  let rows = 0;
  for (let start = 0; start < read.count; start += 50) {
    rows += (await window.__ask({ type: "batch-rows", start, stop: start + 50, today: "2026-11-30" })).rows.length;
  }
  if (rows !== read.count) throw new Error(`${rows} rows`);
  const t3 = performance.now();
  return { read: (t1 - t0) / 1000, check: (t2 - t1) / 1000, compute: (t3 - t2) / 1000, total: (t3 - t0) / 1000 };
}
"""
WATCH_VIEW = """
() => {
  window.__view = { longest: 0, start: performance.now() };
  let last = performance.now();
  const frame = (now) => {
    window.__view.longest = Math.max(window.__view.longest, now - last);
    last = now;
    if (document.getElementById("sim-batch").dataset.state !== "done") requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
"""


def build_site(out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT, env=env, check=True)


def least_squares(sizes: list[int], seconds: list[float]) -> tuple[float, float, float, float]:
    """Slope (s per facility), intercept (s), r², and the linearity ratio (per facility at 10,000 / 1,000)."""
    slope, intercept = statistics.linear_regression(sizes, seconds)
    fitted = statistics.correlation(sizes, seconds) ** 2
    per = {size: second / size for size, second in zip(sizes, seconds, strict=True)}
    return slope, intercept, fitted, per[10_000] / per[1_000]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    load_before = os.getloadavg()
    started = time.time()
    browser_rows: list[tuple[int, float, float, float, float, float, float]] = []
    cpython_rows: list[tuple[int, float, float]] = []
    view: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        build_site(site)
        files = site / "bench-files"
        files.mkdir()
        for size in SIZES:
            (files / f"{size}.csv").write_text(facilities_csv(size), encoding="utf-8-sig")
        # CPython, in this process, on the same files.
        for size in SIZES:
            path = files / f"{size}.csv"
            one_run(path)  # warm, as the CLI's schemes are loaded once per process
            timings = [one_run(path) for _ in range(runs)]
            cpu = statistics.median(sum(t[:3]) for t in timings)
            wall = statistics.median(t[3] for t in timings)
            cpython_rows.append((size, wall, cpu))
            print(f"CPython {size:>6}: wall {wall:8.3f} s, CPU {cpu:8.3f} s", flush=True)
        with sync_playwright() as playwright, serve(site) as base:
            browser = launch(playwright)
            context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(0)
            page.goto(base + "simulator/")
            page.wait_for_selector("#simulator[data-engine=ready]", timeout=120_000)
            page.evaluate(START_WORKER)
            page.evaluate(RUN_BATCH, base + "bench-files/1.csv")  # warm: the first file's imports
            for size in SIZES:
                timings = [page.evaluate(RUN_BATCH, f"{base}bench-files/{size}.csv") for _ in range(runs)]
                totals = [t["total"] for t in timings]
                parts = {k: statistics.median(t[k] for t in timings) for k in ("read", "check", "compute")}
                median = statistics.median(totals)
                browser_rows.append(
                    (size, median, min(totals), max(totals), parts["read"], parts["check"], parts["compute"])
                )
                print(f"browser {size:>6}: {median:8.3f} s, {size / median:8.1f} facilities/s", flush=True)
            # The batch view itself, as a user meets it.
            for size in (1_000, 10_000):
                page.goto(base + "simulator/")
                page.wait_for_selector("#simulator[data-engine=ready]", timeout=120_000)
                chosen = page.evaluate("performance.now()")
                page.set_input_files("#sim-load", str(files / f"{size}.csv"))
                page.wait_for_selector("#sim-batch[data-state=computing]", timeout=0)
                page.evaluate(WATCH_VIEW)
                page.wait_for_selector("#sim-batch[data-state=done]", timeout=0)
                done = page.evaluate("window.__batchTimes.done")
                longest = page.evaluate("window.__view.longest")
                view[size] = ((done - chosen) / 1000, longest)
                print(f"view {size:>6}: {view[size][0]:.1f} s, longest frame gap {longest:.0f} ms", flush=True)
            context.close()
            browser.close()
    load_after = os.getloadavg()
    write_report(runs, browser_rows, cpython_rows, view, load_before, load_after, time.time() - started)


def write_report(
    runs: int,
    browser_rows: list[tuple[int, float, float, float, float, float, float]],
    cpython_rows: list[tuple[int, float, float]],
    view: dict[int, tuple[float, float]],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
    seconds: float,
) -> None:
    sizes = [r[0] for r in browser_rows]
    b_slope, b_intercept, b_r2, b_linearity = least_squares(sizes, [r[1] for r in browser_rows])
    c_slope, c_intercept, c_r2, c_linearity = least_squares(sizes, [r[1] for r in cpython_rows])
    cpu_slope, _, _, cpu_linearity = least_squares(sizes, [r[2] for r in cpython_rows])
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True, check=False)
    lines = [
        BROWSER_HEADING,
        "",
        f"`.venv/bin/python bench/batch_browser_bench.py {runs}`, {datetime.date.today().isoformat()}: "
        f"{chromium.stdout.strip() or 'Chromium'} headless on {platform.machine()}, the site's Pyodide worker; "
        f"CPython {platform.python_version()} in the same run on the same files. {ITEMS} items a facility "
        "(bench/batch_bench.py's generator). Wall times, medians of "
        f"{runs} runs: the browser has no CPU clock. Machine load (1-minute average) {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after ({seconds / 60:.0f} min; 2 cores shared with other work, so every figure "
        "here counts the neighbours too).",
        "",
        "The browser's run is what the page's batch view asks of its worker (batch.mjs): the file, then "
        "one message per slice (5,000 CSV rows read, 200 facilities checked, 50 computed), each answered "
        "before the next is sent.",
        "",
        "| facilities | browser s, median (min–max) | browser facilities/s | read s | check s | compute s "
        "| CPython wall s | CPython facilities/s | CPython CPU s | browser / CPython (wall) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (size, median, low, high, read, check, compute), (_, wall, cpu) in zip(browser_rows, cpython_rows, strict=True):
        lines.append(
            f"| {size:,} | {median:.3f} ({low:.3f}–{high:.3f}) | {size / median:,.0f} | {read:.3f} | {check:.3f} "
            f"| {compute:.3f} | {wall:.3f} | {size / wall:,.0f} | {cpu:.3f} | {median / wall:.1f} |"
        )
    lines += [
        "",
        f"Least-squares slope over the four sizes: browser **{b_slope * 1000:.2f} ms per facility** "
        f"(intercept {b_intercept * 1000:.0f} ms, r² {b_r2:.5f}); CPython {c_slope * 1000:.2f} ms per facility wall "
        f"(intercept {c_intercept * 1000:.0f} ms, r² {c_r2:.5f}), {cpu_slope * 1000:.2f} ms CPU. "
        f"The browser costs **{b_slope / c_slope:.1f}×** CPython per facility.",
        f"Linearity ratio (cost per facility at 10,000 / at 1,000): browser **{b_linearity:.2f}**, CPython "
        f"{c_linearity:.2f} wall, {cpu_linearity:.2f} CPU (1.00 is linear).",
        "",
        "The batch view itself (choosing the file to the last row shown, rows added as each slice comes; the "
        "longest gap between two animation frames meanwhile):",
        "",
        "| facilities | to the whole table, s | facilities/s | longest frame gap, ms |",
        "| ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {size:,} | {total:.1f} | {size / total:,.0f} | {longest:.0f} |" for size, (total, longest) in view.items()
    ]
    lines.append("")
    browser_section = "\n".join(lines)
    kept = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    cpython_section = kept.split(BROWSER_HEADING, 1)[0].rstrip("\n")
    RESULTS.write_text(f"{cpython_section}\n\n{browser_section}", encoding="utf-8")
    print(browser_section)


if __name__ == "__main__":
    main()
