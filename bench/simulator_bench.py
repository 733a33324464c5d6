"""The simulator's speed and weight in headless Chromium on localhost, against a bare page that only
boots the same Pyodide in a module worker and computes 1+1, all measured in this one run.

    .venv/bin/python bench/simulator_bench.py [runs]

Reports medians (with min and max) of: cold first result (empty cache, navigation to the first
subsidy shown), warm first result (second visit, cache kept), recalculation after an edit, and
bytes transferred (as this server sends them, uncompressed, and as gzip -6 would send each file, the
way GitHub Pages compresses); each also as a ratio to the bare page. Then the same first results
under network profiles (Chromium's throttling, files compressed and cached as Pages does), where the
bytes a lever adds or saves cost time: the start-up levers are judged there too.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import functools
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.site.browser import launch, serve  # noqa: E402
from tests.zips import copy_zip  # noqa: E402

BARE = """<!doctype html><meta charset="utf-8"><title>bare</title>
<script type="module">
const worker = new Worker(new URL("./worker.mjs", import.meta.url), {type: "module"});
worker.onmessage = (e) => { document.title = "done " + e.data; window.__done = performance.now(); };
</script>"""
BARE_WORKER = """import { loadPyodide } from "../assets/pyodide/pyodide.mjs";
const py = await loadPyodide({indexURL: new URL("../assets/pyodide/", import.meta.url).href});
postMessage(py.runPython("1+1"));"""


# A prototype for issue #7, not shipped: a memory snapshot of Pyodide taken in Node after the engine
# is imported (on the small stdlib), restored in a module worker, which then computes one case.
SNAPSHOT_MAKER = """import { loadPyodide } from "%(pyodide)s/pyodide.mjs";
import { readFileSync, writeFileSync } from "node:fs";
const py = await loadPyodide({ indexURL: "%(pyodide)s/", stdLibURL: "%(stdlib)s", _makeSnapshot: true,
                               stdout: () => {}, stderr: () => {} });
py.unpackArchive(new Uint8Array(readFileSync("%(wheel)s")), "wheel");
py.runPython(`
import json, calculator
def _run():
    item = {"category": "care_software", "amount_yen": 500000}
    case = {"scheme": "ibaraki-2023", "ict_staff_fte": 12, "items": [item]}
    return json.dumps(calculator.simulate(case).to_dict())
_run()
`);
writeFileSync("%(out)s", py.makeMemorySnapshot());"""
SNAPSHOT_WORKER = """import { loadPyodide } from "../assets/pyodide/pyodide.mjs";
const assets = new URL("../assets/", import.meta.url);
const py = await loadPyodide({indexURL: new URL("pyodide/", assets).href,
  stdLibURL: new URL("pyodide/python_stdlib.engine.zip", assets).href,
  _loadSnapshot: fetch(new URL("./engine.snapshot", import.meta.url)).then((r) => r.arrayBuffer())});
postMessage(py.runPython("_run()").length);"""


def make_snapshot_page(site: Path) -> None:
    folder = site / "bench-snapshot"
    folder.mkdir()
    pyodide = site / "assets" / "pyodide"
    manifest = json.loads((site / "assets" / "simulator" / "manifest.json").read_text(encoding="utf-8"))
    maker = folder / "make.mjs"
    maker.write_text(
        SNAPSHOT_MAKER
        % {
            "pyodide": pyodide,
            "stdlib": pyodide / manifest["stdlib"],
            "wheel": site / "assets" / "simulator" / manifest["wheel"],
            "out": folder / "engine.snapshot",
        },
        encoding="utf-8",
    )
    subprocess.run(["node", str(maker)], check=True, capture_output=True, timeout=300)
    maker.unlink()
    (folder / "index.html").write_text(BARE, encoding="utf-8")
    (folder / "worker.mjs").write_text(SNAPSHOT_WORKER, encoding="utf-8")


def make_late_start_page(site: Path) -> None:
    """The simulator page as it was before the head started the worker: simulator.mjs, which runs once
    the page is parsed, starts it instead (the same folder depth, so every relative address holds)."""
    page = (site / "simulator" / "index.html").read_text(encoding="utf-8")
    start = page.index("window.__simulatorStart = start;")
    opening, closing = page.rindex("<script>", 0, start), page.index("</script>", start) + len("</script>")
    (site / "bench-late").mkdir()
    (site / "bench-late" / "index.html").write_text(page[:opening] + page[closing:], encoding="utf-8")


def median(values: list[float]) -> str:
    return f"{statistics.median(values):8.0f} (min {min(values):.0f}, max {max(values):.0f})"


@functools.cache
def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6)) if path.is_file() else 0


def gzipped_bytes(site: Path, urls: list[str]) -> int:
    total = 0
    for url in urls:
        relative = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        path = site / relative
        total += gzip_size(path / "index.html" if path.is_dir() else path)
    return total


# The simulator's form starts empty and computes nothing by itself: its first result is the answer to a
# case opened by link (the case the form used to start from, so the cold and warm figures keep their
# meaning): 10 staff, care software 800,000 yen + tax 80,000 yen under ibaraki-2023.
START_CASE = {
    "scheme": "ibaraki-2023",
    "ict_staff_fte": "10",
    "items": [
        {
            "category": "care_software",
            "name": "（例）介護記録ソフト",
            "amount_yen": "80万円",
            "consumption_tax_yen": "8万円",
        }
    ],
}
START_JSON = json.dumps(START_CASE, ensure_ascii=False).encode()
START_LINK = "#case=" + base64.urlsafe_b64encode(START_JSON).decode().rstrip("=")


def first_result_ms(
    page: Any, url: str, bare: bool, urls: list[str] | None = None
) -> tuple[float, int, dict[str, float]]:
    """ms from navigation to the first result (on the simulator, of the case of START_LINK), bytes
    received, and (on the simulator) when each stage of the engine's start ended (the worker reports
    them)."""
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    if urls is not None:
        page.on("requestfinished", lambda request: urls.append(request.url))
    page.goto(url if bare else url + START_LINK)
    done = "window.__done" if bare else "window.__firstResultAt"
    page.wait_for_function(f"() => {done}", timeout=120_000)
    ms = page.evaluate(f"() => {done}")
    stages = {} if bare else page.evaluate("() => window.__engineStages || {}")
    page.wait_for_timeout(200)
    return ms, sum(sizes), stages


STAGES = {
    "worker": "worker started",
    "manifest": "manifest read",
    "runtime": "Pyodide loaded (or restored)",
    "engine": "engine imported and checked",
    "snapshot": "snapshot taken",
}


# What each page is: its name, the site copy it lives in, its path there, and whether it is a bare
# page (done when it sets window.__done) or the simulator (done at its first result).
VARIANTS = (
    ("bare", "site", "bench-bare/", True),
    ("sim", "site", "simulator/", False),
    ("late", "site", "bench-late/", False),
    ("source", "source", "simulator/", False),
    ("snapshot", "site", "bench-snapshot/", True),
)
LEVERS = {
    "late": "the worker started by simulator.mjs after parsing, not by the page's head",
    "source": "the standard library and the engine as source, compiled in the browser, not bytecode",
    "snapshot": "prototype, not shipped: a memory snapshot made at build time and downloaded",
}

# Network profiles for the trade-offs a localhost run cannot show (the bytes of the runtime against the
# time of its start-up): Chromium's own throttling (DevTools protocol), which also holds the worker's
# fetches, against a server that compresses and caches as GitHub Pages does. The last profile serves
# with max-age=0, so the warm visit revalidates every file, as on Pages 10 minutes after the first
# visit: what that costs is the most a service worker caching the runtime could save.
NETWORKS = (
    ("mobile, 10 Mbps, 60 ms", 10, 60, 600),
    ("office, 100 Mbps, 10 ms", 100, 10, 600),
    ("mobile, 10 Mbps, 60 ms, HTTP cache expired (max-age=0)", 10, 60, 0),
)


def make_source_site(site: Path, copy: Path) -> None:
    """The site as it was before the bytecode lever: the same small standard library as source files
    (taken from Pyodide's own zip), and the wheel without its __pycache__."""
    shutil.copytree(site, copy, symlinks=True)
    runtime = copy / "assets" / "pyodide"
    small = runtime / "python_stdlib.engine.zip"
    with zipfile.ZipFile(small) as compiled:
        wanted = {name[:-1] if name.endswith(".pyc") else name for name in compiled.namelist()}
    copy_zip(runtime / "python_stdlib.zip", small, wanted.__contains__)
    wheel = json.loads((copy / "assets" / "simulator" / "manifest.json").read_text(encoding="utf-8"))["wheel"]
    copy_zip(
        site / "assets" / "simulator" / wheel, copy / "assets" / "simulator" / wheel, lambda n: "/__pycache__/" not in n
    )


def throttled_page(context: Any, network: tuple[float, float] | None) -> Any:
    page = context.new_page()
    if network is not None:
        mbps, rtt_ms = network
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": rtt_ms, "downloadThroughput": mbps * 1e6 / 8, "uploadThroughput": 2e6},
        )
    return page


def measure(
    browser: Any,
    bases: dict[str, str],
    sites: dict[str, Path],
    variants: tuple[tuple[str, str, str, bool], ...],
    runs: int,
    network: tuple[float, float] | None = None,
) -> dict[str, list[float]]:
    """Cold and warm first results of each variant, `runs` times, interleaved so that drift in the
    machine's speed touches every variant alike; bytes of the cold visit; recalculation on `sim`."""
    figures: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(runs):
        for name, where, path, bare in variants:
            context = browser.new_context()
            page = throttled_page(context, network)
            urls: list[str] = []
            ms, size, stages = first_result_ms(page, bases[where] + path, bare, urls)
            figures[f"{name} cold"].append(ms)
            for stage, at in stages.items():
                figures[f"{name} cold {stage}"].append(at)
            figures[f"{name} bytes"].append(size)
            figures[f"{name} gzip bytes"].append(gzipped_bytes(sites[where], urls))
            page.close()
            page = throttled_page(context, network)  # second visit, HTTP cache (and Cache Storage) kept
            ms, _, stages = first_result_ms(page, bases[where] + path, bare)
            figures[f"{name} warm"].append(ms)
            for stage, at in stages.items():
                figures[f"{name} warm {stage}"].append(at)
            if name == "sim" and network is None:
                figures["recalc"] += [recalculation_ms(page) for _ in range(3)]
            context.close()
    return figures


def guide_page_pyodide_bytes(browser: Any, base: str) -> int:
    context = browser.new_context()
    page = context.new_page()
    sizes: list[int] = []
    page.on(
        "requestfinished",
        lambda request: sizes.append(request.sizes()["responseBodySize"]) if "/pyodide/" in request.url else None,
    )
    page.goto(base + "ibaraki-2023/rate-cap/")
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes)


def ratio_line(label: str, values: list[float], baseline: list[float], unit: str = "ms") -> str:
    return f"  {label:10} {median(values)} {unit}  {statistics.median(values) / statistics.median(baseline):.2f}×"


def report(
    figures: dict[str, list[float]],
    variants: tuple[tuple[str, str, str, bool], ...],
    visits: tuple[str, ...] = ("cold", "warm"),
) -> list[str]:
    lines = []
    for visit in visits:
        lines.append(f"{visit} first result, ms from navigation start (ratio to bare {visit}):")
        lines += [ratio_line(name, figures[f"{name} {visit}"], figures[f"bare {visit}"]) for name, *_ in variants]
    return lines


def recalculation_ms(page: Any) -> float:
    return page.evaluate("""() => new Promise((resolve) => {
      const input = document.querySelector('.sim-item [data-name=amount_yen]');
      const start = performance.now();
      const target = document.getElementById('sim-result-body');
      const observer = new MutationObserver(() => {
        const s = document.getElementById('sim-subsidy');
        if (s && s.textContent !== before) { observer.disconnect(); resolve(performance.now() - start - 300); }
      });
      const before = document.getElementById('sim-subsidy').textContent;
      observer.observe(target, {childList: true, subtree: true, characterData: true});
      input.value = String(1000000 + Math.floor(Math.random() * 900000));
      input.dispatchEvent(new Event('input', {bubbles: true}));
    })""")


def stage_lines(figures: dict[str, list[float]], variants: tuple[tuple[str, str, str, bool], ...]) -> list[str]:
    """Medians of when each stage of the engine's start ended, in ms from navigation start."""
    lines = []
    for name, _, _, bare in variants:
        for visit in ("cold", "warm"):
            ended = [
                f"{label} {statistics.median(figures[key]):.0f}"
                for stage, label in STAGES.items()
                if (key := f"{name} {visit} {stage}") in figures
            ]
            if not bare and ended:
                result = statistics.median(figures[f"{name} {visit}"])
                lines.append(f"  {name} {visit}: " + ", ".join(ended) + f", first result {result:.0f}")
    return lines


def bound_lines(figures: dict[str, list[float]]) -> list[str]:
    """What bounds the shipped simulator's start: the moment Pyodide itself is loaded (cold) or restored
    (warm), before any work of ours, as a ratio to the bare page's whole start."""
    lines = []
    for visit in ("cold", "warm"):
        loaded = statistics.median(figures[f"sim {visit} runtime"])
        bare = statistics.median(figures[f"bare {visit}"])
        lines.append(
            f"  bound, {visit}: Pyodide {'loaded' if visit == 'cold' else 'restored'} at {loaded:.0f} ms = "
            f"{loaded / bare:.2f}× the bare {visit} start, before the engine's own work"
        )
    return lines


def main(runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        site = Path(tmp) / "site"
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
            cwd=ROOT,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        (site / "bench-bare").mkdir()
        (site / "bench-bare" / "index.html").write_text(BARE, encoding="utf-8")
        (site / "bench-bare" / "worker.mjs").write_text(BARE_WORKER, encoding="utf-8")
        make_snapshot_page(site)
        make_late_start_page(site)
        sites = {"site": site, "source": Path(tmp) / "source"}
        make_source_site(site, sites["source"])
        p = stack.enter_context(sync_playwright())
        browser = launch(p)
        bases = {key: stack.enter_context(serve(folder)) for key, folder in sites.items()}
        figures = measure(browser, bases, sites, VARIANTS, runs)
        guide_bytes = guide_page_pyodide_bytes(browser, bases["site"])
        networks = []
        for label, mbps, rtt_ms, cache_seconds in NETWORKS:
            pages = {
                key: stack.enter_context(serve(f, pages_like=True, cache_seconds=cache_seconds))
                for key, f in sites.items()
            }
            variants = VARIANTS if cache_seconds else VARIANTS[:2]
            networks.append(
                (label, variants, cache_seconds, measure(browser, pages, sites, variants, runs, (mbps, rtt_ms)))
            )
        browser.close()

    lines = [f"runs: {runs} of each, interleaved; Chromium headless; localhost; medians (min, max)"]
    lines += [
        f"{name:10} {text}"
        for name, text in (
            ("bare", "stock Pyodide 314 in a module worker, computing 1+1"),
            ("sim", "the simulator as shipped"),
            *LEVERS.items(),
        )
    ]
    lines += report(figures, VARIANTS)
    lines.append("bytes of a first visit, raw as served here (ratio to bare):")
    lines += [ratio_line(n, figures[f"{n} bytes"], figures["bare bytes"], "B") for n, *_ in VARIANTS]
    lines.append("bytes of a first visit, each file gzip -6 as GitHub Pages sends it (ratio to bare):")
    lines += [ratio_line(n, figures[f"{n} gzip bytes"], figures["bare gzip bytes"], "B") for n, *_ in VARIANTS]
    lines.append("where a start spends its time: when each stage ended, ms from navigation start (medians)")
    lines += stage_lines(figures, VARIANTS)
    lines += bound_lines(figures)
    lines.append(f"recalculation after an edit: {median(figures['recalc'])} ms (after the 300 ms typing debounce)")
    lines.append(f"bytes of Pyodide loaded by a guide page (ibaraki-2023/rate-cap/): {guide_bytes}")
    lines.append("")
    lines.append("network profiles: the same pages served as GitHub Pages would (gzip, max-age=600), throttled")
    lines.append("by Chromium")
    for label, variants, cache_seconds, measured in networks:
        lines.append(f"-- {label}")
        # With an expired cache only the warm visit differs from the first profile.
        lines += report(measured, variants, ("cold", "warm") if cache_seconds else ("warm",))
    table = "\n".join(lines)
    print(table)
    (ROOT / "bench" / "results.md").write_text(
        "# Simulator benchmark (bench/simulator_bench.py)\n\n```\n" + table + "\n```\n"
        "\nSearch: see bench/results/search.md.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
