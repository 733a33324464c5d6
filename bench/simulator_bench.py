"""The simulator's speed and weight in headless Chromium on localhost, against a bare page that only
boots the same Pyodide in a module worker and computes 1+1, all measured in this one run.

    .venv/bin/python bench/simulator_bench.py [runs]

Reports medians (with min and max) of: cold first result (empty cache, navigation to the first
subsidy shown), warm first result (second visit, cache kept), recalculation after an edit, and
bytes transferred (as this server sends them, uncompressed, and as gzip -6 would send each file, the
way GitHub Pages compresses); each also as a ratio to the bare page.
"""

from __future__ import annotations

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
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.site.browser import launch, serve  # noqa: E402

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


def first_result_ms(page: Any, url: str, bare: bool, urls: list[str] | None = None) -> tuple[float, int]:
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    if urls is not None:
        page.on("requestfinished", lambda request: urls.append(request.url))
    page.goto(url)
    if bare:
        page.wait_for_function("() => window.__done", timeout=120_000)
        ms = page.evaluate("() => window.__done")
    else:
        page.wait_for_function("() => window.__firstResultAt", timeout=120_000)
        ms = page.evaluate("() => window.__firstResultAt")
    page.wait_for_timeout(200)
    return ms, sum(sizes)


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


def main(runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
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
        figures: dict[str, list[float]] = {
            k: []
            for k in (
                "bare cold",
                "bare warm",
                "bare bytes",
                "sim cold",
                "sim warm",
                "sim bytes",
                "bare gzip bytes",
                "sim gzip bytes",
                "snapshot cold",
                "snapshot warm",
                "snapshot bytes",
                "snapshot gzip bytes",
                "recalc",
                "guide pyodide bytes",
            )
        }
        with serve(site) as base, sync_playwright() as p:
            browser = launch(p)
            for _ in range(runs):
                pages = (
                    ("bare", base + "bench-bare/", True),
                    ("sim", base + "simulator/", False),
                    ("snapshot", base + "bench-snapshot/", True),
                )
                for name, url, bare in pages:
                    context = browser.new_context()
                    page = context.new_page()
                    urls: list[str] = []
                    ms, size = first_result_ms(page, url, bare, urls)
                    figures[f"{name} cold"].append(ms)
                    figures[f"{name} bytes"].append(size)
                    figures[f"{name} gzip bytes"].append(gzipped_bytes(site, urls))
                    page.close()
                    page = context.new_page()  # second visit, HTTP cache kept
                    ms, _ = first_result_ms(page, url, bare)
                    figures[f"{name} warm"].append(ms)
                    if name == "sim":
                        for _ in range(3):
                            figures["recalc"].append(recalculation_ms(page))
                    context.close()
            context = browser.new_context()
            page = context.new_page()
            sizes: list[int] = []
            page.on(
                "requestfinished",
                lambda request: (
                    sizes.append(request.sizes()["responseBodySize"]) if "/pyodide/" in request.url else None
                ),
            )
            page.goto(base + "ibaraki-2023/rate-cap/")
            page.wait_for_load_state("networkidle")
            figures["guide pyodide bytes"].append(sum(sizes))
            context.close()
            browser.close()
        bare_cold, bare_warm = statistics.median(figures["bare cold"]), statistics.median(figures["bare warm"])
        bare_bytes = statistics.median(figures["bare bytes"])
        lines = [f"runs: {runs} each, Chromium headless, localhost, ms from navigation start"]
        say = lines.append
        say(f"bare page, cold first result   {median(figures['bare cold'])} ms")
        say(f"bare page, warm first result   {median(figures['bare warm'])} ms")
        say(
            f"simulator, cold first result   {median(figures['sim cold'])} ms  "
            f"ratio {statistics.median(figures['sim cold']) / bare_cold:.2f}× bare cold"
        )
        say(
            f"simulator, warm first result   {median(figures['sim warm'])} ms  "
            f"ratio {statistics.median(figures['sim warm']) / bare_warm:.2f}× bare warm, "
            f"{statistics.median(figures['sim warm']) / bare_cold:.2f}× bare cold"
        )
        say(f"simulator, recalculation       {median(figures['recalc'])} ms (after the 300 ms typing debounce)")
        say(f"bytes, bare page               {bare_bytes:10.0f}")
        say(
            f"bytes, simulator               {statistics.median(figures['sim bytes']):10.0f}  "
            f"ratio {statistics.median(figures['sim bytes']) / bare_bytes:.2f}× bare"
        )
        bare_gzip = statistics.median(figures["bare gzip bytes"])
        say(f"bytes gzipped, bare page       {bare_gzip:10.0f}")
        say(
            f"bytes gzipped, simulator       {statistics.median(figures['sim gzip bytes']):10.0f}  "
            f"ratio {statistics.median(figures['sim gzip bytes']) / bare_gzip:.2f}× bare"
        )
        say("prototype, not shipped: memory snapshot after the engine import, restored in a module worker")
        say(
            f"snapshot, cold first result    {median(figures['snapshot cold'])} ms  "
            f"ratio {statistics.median(figures['snapshot cold']) / bare_cold:.2f}× bare cold"
        )
        say(
            f"snapshot, warm first result    {median(figures['snapshot warm'])} ms  "
            f"ratio {statistics.median(figures['snapshot warm']) / bare_warm:.2f}× bare warm, "
            f"{statistics.median(figures['snapshot warm']) / bare_cold:.2f}× bare cold"
        )
        say(
            f"snapshot, bytes raw / gzipped  {statistics.median(figures['snapshot bytes']):10.0f} / "
            f"{statistics.median(figures['snapshot gzip bytes']):.0f}  "
            f"ratio {statistics.median(figures['snapshot gzip bytes']) / bare_gzip:.2f}× bare gzipped"
        )
        guide_pyodide_bytes = figures["guide pyodide bytes"][0]
        say(f"bytes of Pyodide loaded by a guide page (ibaraki-2023/rate-cap/): {guide_pyodide_bytes:.0f}")
        shutil.rmtree(site, ignore_errors=True)
    table = "\n".join(lines)
    print(table)
    (ROOT / "bench" / "results.md").write_text(
        "# Simulator benchmark (bench/simulator_bench.py)\n\n```\n" + table + "\n```\n"
        "\nSearch: see bench/results/search.md.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
