"""Many facilities at once, in CPython: facilities per second for 1, 100, 1,000 and 10,000 facilities
of 10 expense items each, and whether the cost grows linearly.

    python3 bench/batch_bench.py [runs]          (default 3 runs; writes bench/results/batch.md)

Each run reads a CSV file from disk (calculator/_batch.py: decoding, rows, the facilities' cases),
checks and computes every facility (calculator/_batch_summary.py: the engine's own checks and rules)
and writes the summary CSV, as `python3 -m calculator simulate FILE --csv` does less the start of
the interpreter. The facilities alternate between the two shipped schemes, and their items mix every
counted category, payments and a range of readings, so that every run takes the engine's usual paths.
Reported: the median of the runs (with min and max), facilities per second, the least-squares slope
(seconds per facility) and intercept, and the linearity ratio: the cost per facility at 10,000 over
that at 1,000 (1.00 is linear; above it, each facility costs more the more there are). Times are the
process's CPU time (time.process_time), since the machine's cores are shared and wall time measures
the neighbours too; the wall time of the same runs is given beside it. The 1,000 and 10,000 runs are
repeated with Python's cyclic garbage collector paused, to tell the engine's own cost from the
collector's, whose full passes walk every object still alive (all the results kept so far).
"""

from __future__ import annotations

import datetime
import gc
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from calculator._batch import Batch, read_cases_file  # noqa: E402
from calculator._batch_summary import simulate_all, summary_csv  # noqa: E402

SIZES = (1, 100, 1_000, 10_000)
BROWSER_HEADING = "# Many facilities at once: the browser"  # bench/batch_browser_bench.py's section
ITEMS = 10
HEADER = "事業所名,制度,職員数,補助率の要件,区分,品名,金額,数量,消費税,支払方法"
# Ten items a facility: (category, name, amount, quantity, tax, payment).
ROWS = (
    ("care_software", "介護記録ソフト", "1,200,000", "", "120000", "購入"),
    ("devices", "タブレット端末", "５０万円", "10", "50000", "購入"),
    ("network", "Wi-Fiルーター", "150000", "", "15000", "リース"),
    ("maintenance", "保守サポート", "240000", "", "24000", "月額払い"),
    ("back_office", "勤怠管理ソフト", "300000", "", "30000", "購入"),
    ("devices", "スマートフォン", "40000", "5", "4000", "購入"),
    ("care_software", "請求ソフト", "35万円", "", "35000", "購入"),
    ("network", "アクセスポイント", "80,000", "2", "8000", "購入"),
    ("pc_printer", "事務用プリンター", "60000", "", "6000", "購入"),
    ("communication_fee", "インターネット回線", "60000", "", "", "月額払い"),
)


def facilities_csv(count: int) -> str:
    lines = [HEADER]
    for n in range(count):
        ibaraki = n % 2 == 0
        scheme, staff, conditions = (
            ("ibaraki-2023", str(5 + n % 40), "") if ibaraki else ("yamaguchi-2022", "", "life_csv")
        )
        for category, name, amount, quantity, tax, payment in ROWS:
            lines.append(
                f'事業所{n + 1},{scheme},{staff},{conditions},{category},{name},"{amount}",{quantity},{tax},{payment}'
            )
    return "\r\n".join(lines) + "\r\n"


def one_run(path: Path, collect: bool = True) -> tuple[float, float, float, float]:
    """CPU seconds to read, to check and compute, and to write the summary; and the wall seconds of all.
    `collect`: False pauses the cyclic garbage collector for the run."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        return _timed(path)
    finally:
        gc.enable()


def _timed(path: Path) -> tuple[float, float, float, float]:
    wall, start = time.perf_counter(), time.process_time()
    batch = read_cases_file(path)
    read = time.process_time()
    assert isinstance(batch, Batch)
    results = simulate_all(batch.facilities)
    computed = time.process_time()
    summary_csv(results, datetime.date(2026, 11, 30))
    return read - start, computed - read, time.process_time() - computed, time.perf_counter() - wall


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    rows: list[tuple[int, float, float, float, float, float, float]] = []
    paused: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"facilities-{size}.csv"
            path.write_text(facilities_csv(size), encoding="utf-8-sig")
            one_run(path)  # warm: the schemes are loaded and cached once per process, as in the CLI
            timings = [one_run(path) for _ in range(runs)]
            totals = [sum(t[:3]) for t in timings]
            median = statistics.median(totals)
            parts = [statistics.median(t[i] for t in timings) for i in range(4)]
            rows.append((size, median, min(totals), max(totals), parts[0], parts[1], parts[3]))
            print(f"{size:>6} facilities: {median:8.3f} s, {size / median:8.0f} facilities/s", flush=True)
            if size >= 1_000:
                paused[size] = statistics.median(sum(one_run(path, collect=False)[:3]) for _ in range(runs))
                print(f"{size:>6} facilities, collector paused: {paused[size]:8.3f} s", flush=True)
    sizes = [r[0] for r in rows]
    seconds = [r[1] for r in rows]
    slope, intercept = statistics.linear_regression(sizes, seconds)
    fitted = statistics.correlation(sizes, seconds) ** 2
    per_facility = {size: second / size for size, second in zip(sizes, seconds, strict=True)}
    linearity = per_facility[10_000] / per_facility[1_000]
    report = [
        "# Many facilities at once: CPython",
        "",
        f"`python3 bench/batch_bench.py {runs}` on {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {datetime.date.today().isoformat()}. CPU seconds of the process (the machine's 2 cores"
        " are shared with other work, so wall time, given too, counts the neighbours).",
        "",
        f"Each facility has {ITEMS} expense items; facilities alternate between ibaraki-2023 and yamaguchi-2022. "
        "A run reads the CSV file (UTF-8 with BOM), checks and computes every facility, and writes the summary CSV.",
        "",
        "| facilities | CPU s, median (min–max) | facilities/s | read s | check + compute s | wall s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    report += [
        f"| {size:,} | {median:.4f} ({low:.4f}–{high:.4f}) | {size / median:,.0f} | {read:.4f} | {compute:.4f}"
        f" | {wall:.3f} |"
        for size, median, low, high, read, compute, wall in rows
    ]
    report += [
        "",
        f"Least-squares fit of CPU time over the four sizes: **{slope * 1000:.3f} ms per facility** "
        f"(slope), intercept {intercept * 1000:.1f} ms, r² {fitted:.5f}.",
        f"Linearity ratio (cost per facility at 10,000 / at 1,000): **{linearity:.2f}** (1.00 is linear).",
        "",
        "With the cyclic garbage collector paused: "
        + ", ".join(f"{size:,} facilities {second:.3f} s ({size / second:,.0f}/s)" for size, second in paused.items())
        + f"; linearity ratio **{paused[10_000] / 10_000 / (paused[1_000] / 1_000):.2f}**. What is above it with the"
        " collector running is the collector's: its full passes walk every result kept so far, so their cost"
        " grows with the number of facilities already computed; the engine's own cost per facility does not.",
        "",
    ]
    out = ROOT / "bench" / "results" / "batch.md"
    # The browser's section (bench/batch_browser_bench.py) is kept as it is.
    kept = out.read_text(encoding="utf-8") if out.exists() else ""
    browser = kept[kept.index(BROWSER_HEADING) :] if BROWSER_HEADING in kept else ""
    out.write_text("\n".join(report) + (f"\n{browser}" if browser else ""), encoding="utf-8")
    print("\n".join(report))


if __name__ == "__main__":
    main()
