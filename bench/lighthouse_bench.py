"""Lighthouse on every page of the built site, the way a prefecture's web team would measure it: mobile
defaults (a mid-range phone, 4x slower CPU, slow 4G, simulated from the trace), against the site served
compressed and cached as GitHub Pages serves it (tests/site/browser.py's Pages-like server), in Debian's
Chromium. Never part of the test suite.

    .venv/bin/python bench/lighthouse_bench.py [--runs 3] [--baseline GIT-REF [--baseline-pages a/,b/]]
        [--pages a/,b/] [--keep DIR]

Lighthouse 12.2.3 (13.x needs Node 22) is pinned in bench/lighthouse/package-lock.json and installed
there by this script (npm ci), so `./dev test` and the site build never install it. Each page is run
`runs` times, the runs of all pages interleaved so that the machine's drift touches every page alike;
the table gives medians. With --baseline, the site of that revision (git archive, built with this
checkout's tools) is measured in the same run, interleaved too, and a second table shows it.
--keep saves each run's Lighthouse JSON (with its audits: main-thread work by script, long tasks,
layout shifts, the LCP element) for looking into a figure.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.simulator_bench import BARE, BARE_WORKER, first_result_ms  # noqa: E402
from tests.site.browser import CHROMIUM, CHROMIUM_ARGS, launch, serve  # noqa: E402

TOOL = ROOT / "bench" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse.md"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# What the table shows of each run: the four category scores (0-100) and these audits' numeric values.
METRICS = {
    "FCP s": ("first-contentful-paint", 1000),
    "LCP s": ("largest-contentful-paint", 1000),
    "TBT ms": ("total-blocking-time", 1),
    "CLS": ("cumulative-layout-shift", 1),
    "SI s": ("speed-index", 1000),
    "KB": ("total-byte-weight", 1000),
}
# The goals (docs: issue 18): guide pages and the simulator.
GUIDE_GOAL = {"performance": 98, "TBT ms": 50, "LCP s": 1.8}
SIMULATOR_GOAL = {"performance": 95, "TBT ms": 100}
FINDINGS = "## What the traces show"


def install_lighthouse() -> Path:
    """npm ci in bench/lighthouse when its lock changed since the last install (as ./dev does)."""
    stamp = TOOL / "node_modules" / ".installed-from"
    lock = hashlib.sha256((TOOL / "package-lock.json").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != lock:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOL, check=True)
        stamp.write_text(lock, encoding="utf-8")
    return TOOL / "node_modules" / "lighthouse" / "cli" / "index.js"


def build(source: Path, out: Path) -> None:
    """`mkdocs build` of the checkout at `source` with this checkout's Python tools and Pyodide."""
    if source != ROOT and not (source / "node_modules").exists():
        (source / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
        cwd=source,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def export(ref: str, into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def pages_of(site: Path) -> list[str]:
    """Every page of the site as its path under the site's root (directory URLs), home first."""
    pages = sorted(str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html"))
    pages = [p for p in pages if not p.startswith(("assets/", "pagefind/"))]
    return ["" if p == "./" else p for p in pages]


def lighthouse(cli: Path, url: str, keep: Path | None) -> dict[str, float]:
    """One Lighthouse run with its mobile defaults; the scores and metrics the table shows."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        flags = " ".join(CHROMIUM_ARGS)
        done = subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--quiet",
                f"--chrome-path={CHROMIUM}",
                f"--chrome-flags={flags}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--output=json",
                f"--output-path={report}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not report.exists():
            raise RuntimeError(f"Lighthouse failed on {url}: {done.stderr[-2000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            name = url.split("/", 3)[3].replace("/", "_") or "home"
            (keep / f"{name}-{time.time_ns()}.json").write_text(json.dumps(data), encoding="utf-8")
    if data.get("runtimeError"):
        raise RuntimeError(f"Lighthouse on {url}: {data['runtimeError']}")
    figures = {c: round(100 * data["categories"][c]["score"]) for c in CATEGORIES}
    for label, (audit, scale) in METRICS.items():
        figures[label] = data["audits"][audit]["numericValue"] / scale
    return figures


# Lighthouse's mobile profile applied for real (its "devtools" values), for what Lighthouse cannot see: when
# the simulator shows its first result, beside the bench's bare Pyodide page on the same profile.
MOBILE = {"latency": 562.5, "downloadThroughput": 1474.56 * 1024 / 8, "uploadThroughput": 675 * 1024 / 8}
CPU_SLOWDOWN = 4


def first_results_on_mobile(bases: dict[str, str], runs: int) -> dict[str, list[float]]:
    """ms from navigation to the simulator's first result and to the bare page's 1+1, cold (new
    context), on Lighthouse's mobile profile applied by Chromium (network; CPU of the page's thread)."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = collections.defaultdict(list)
    with sync_playwright() as p:
        browser = launch(p)
        for _ in range(runs):
            for name, base in bases.items():
                for label, path, bare in (("bare", "bench-bare/", True), ("simulator", "simulator/", False)):
                    context = browser.new_context()
                    page = context.new_page()
                    session = context.new_cdp_session(page)
                    session.send("Network.enable")
                    session.send("Network.emulateNetworkConditions", {"offline": False, **MOBILE})
                    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                    ms, _, _ = first_result_ms(page, base + path, bare)
                    figures[f"{name} {label}"].append(ms)
                    context.close()
        browser.close()
    return figures


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def misses(page: str, figures: dict[str, float]) -> list[str]:
    """The goals a page's medians miss (issue 18); 100 for accessibility, best practices and SEO."""
    goal = SIMULATOR_GOAL if page == "simulator/" else GUIDE_GOAL
    missed = [c for c in CATEGORIES[1:] if figures[c] < 100]
    missed += [k for k, v in goal.items() if (figures[k] < v if k == "performance" else figures[k] > v)]
    return missed


def table(results: dict[str, list[dict[str, float]]]) -> list[str]:
    head = ["page", "perf", "a11y", "BP", "SEO", *METRICS, "goals missed"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for page, runs in results.items():
        m = medians(runs)
        cells = [f"`/{page}`", *(f"{m[c]:.0f}" for c in CATEGORIES)]
        cells += [f"{m['FCP s']:.2f}", f"{m['LCP s']:.2f}", f"{m['TBT ms']:.0f}", f"{m['CLS']:.3f}"]
        cells += [f"{m['SI s']:.2f}", f"{m['KB']:.0f}", ", ".join(misses(page, m)) or "none"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def first_result_lines(first: dict[str, list[float]], runs: int) -> list[str]:
    lines = [
        "The simulator's first result on this profile, applied by Chromium (network for the page and its worker; "
        f"CPU {CPU_SLOWDOWN}x slower on the page's thread only), cold, against the bench's bare Pyodide page "
        f"(bench/simulator_bench.py's `bare`, computing 1+1); median of {runs}:",
        "",
        "| site | simulator first result s | bare Pyodide 1+1 s | ratio |",
        "|---|---|---|---|",
    ]
    for name in dict.fromkeys(key.split()[0] for key in first):
        sim, bare = statistics.median(first[f"{name} simulator"]), statistics.median(first[f"{name} bare"])
        lines.append(f"| {name} | {sim / 1000:.1f} | {bare / 1000:.1f} | {sim / bare:.2f}x |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="also measure the site of this git revision, in the same run")
    parser.add_argument("--pages", help="only these pages, comma-separated paths under the root ('' is home)")
    parser.add_argument(
        "--baseline-pages",
        help="measure the baseline on these pages only (comma-separated), to keep a loaded machine's run short",
    )
    parser.add_argument("--keep", type=Path, help="save every run's Lighthouse JSON in this folder")
    args = parser.parse_args()
    cli = install_lighthouse()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        sites = {"now": Path(tmp) / "now"}
        build(ROOT, sites["now"])
        if args.baseline:
            sites["baseline"] = Path(tmp) / "baseline"
            build(export(args.baseline, Path(tmp) / "baseline-source"), sites["baseline"])
        for site in sites.values():  # the bench's bare page, never a page of the site (not in `pages`)
            (site / "bench-bare").mkdir()
            (site / "bench-bare" / "index.html").write_text(BARE, encoding="utf-8")
            (site / "bench-bare" / "worker.mjs").write_text(BARE_WORKER, encoding="utf-8")
        pages = (
            [p for p in pages_of(sites["now"]) if p != "bench-bare/"] if args.pages is None else args.pages.split(",")
        )
        baseline_pages = (args.baseline_pages or "").split(",")
        bases = {name: stack.enter_context(serve(site, pages_like=True)) for name, site in sites.items()}
        results: dict[str, dict[str, list[dict[str, float]]]] = {n: collections.defaultdict(list) for n in sites}
        loads: list[float] = []  # the machine's 1-minute load average after each run
        for run in range(args.runs):
            for page in pages:
                for name, base in bases.items():
                    if name == "baseline" and args.baseline_pages is not None and page not in baseline_pages:
                        continue
                    keep = args.keep / name if args.keep else None
                    results[name][page].append(lighthouse(cli, base + page, keep))
                    loads.append(os.getloadavg()[0])
                    print(f"run {run + 1}/{args.runs} {name} /{page}: {results[name][page][-1]}", flush=True)
        # The simulator's first result only when its page is measured (--pages without it skips ~1 min a run).
        first = first_results_on_mobile(bases, args.runs) if "simulator/" in pages else {}
    version = json.loads((TOOL / "node_modules" / "lighthouse" / "package.json").read_text(encoding="utf-8"))
    finished = time.strftime("%H:%M UTC", time.gmtime())
    text = [
        "# Lighthouse on every page (bench/lighthouse_bench.py)",
        "",
        f"Lighthouse {version['version']}, mobile defaults (simulated slow 4G, 4x CPU slowdown), Debian's Chromium "
        f"headless, the site served gzip-compressed with max-age=600 as GitHub Pages does; {args.runs} runs a page, "
        f"interleaved; medians. Run {started} to {finished}; the machine's 2 cores were shared with other work "
        f"(1-minute load average {min(loads):.1f}–{max(loads):.1f} across the runs, "
        f"median {statistics.median(loads):.1f}), "
        "so timings are noisy: compare tables of the same run. Goals (issue 18): guide "
        "pages performance ≥ 98, TBT ≤ 50 ms, LCP ≤ 1.8 s; the simulator ≥ 95, TBT ≤ 100 ms; accessibility, "
        "best practices and SEO 100 everywhere.",
        "",
        "## Now" if args.baseline else "## Results",
        "",
        *table(results["now"]),
    ]
    if first:
        text += ["", *first_result_lines(first, args.runs)]
    if args.baseline:
        text += ["", f"## Baseline: `{args.baseline}`, measured in the same run", "", *table(results["baseline"])]
    print("\n".join(text))
    if args.pages is None:
        # The findings written by hand below the tables stay.
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        kept = old[old.index(FINDINGS) :] if FINDINGS in old else ""
        RESULTS.write_text("\n".join(text) + "\n\n" + kept, encoding="utf-8")


if __name__ == "__main__":
    main()
