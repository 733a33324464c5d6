"""What blocks the main thread, read from the Lighthouse JSON that bench/lighthouse_bench.py --keep saves.

    .venv/bin/python bench/lighthouse/long_tasks.py KEEP-DIR

For every site (a folder of KEEP-DIR: now, baseline) and page, over its kept runs: the long tasks of
Lighthouse's `long-tasks` audit (its simulated timeline: 4x CPU, slow 4G, the same one TBT is
computed on), each attributed by Lighthouse to a script URL, the page itself or nothing, and the
part of each that counts towards TBT: what lies after the first contentful paint beyond the task's
first 50 ms. Medians over the runs, one markdown row per site and page.
"""

from __future__ import annotations

import collections
import json
import statistics
import sys
from pathlib import Path

BLOCKING_MS = 50


def who(url: str, page_url: str) -> str:
    """Who a long task belongs to: Material's bundle, one of the site's scripts, the page, nobody."""
    if not url or url == "Unattributable":
        return "unattributed"
    name = url.rsplit("/", 1)[-1]
    if name.startswith("bundle.") and name.endswith(".min.js"):
        return "Material's bundle"
    if url.rstrip("/") == page_url.rstrip("/") or url.split("#")[0] == page_url.split("#")[0]:
        return "the page (HTML, style, layout)"
    return name


def blocking(task: dict[str, float], fcp: float) -> float:
    """TBT's share of one task: its time after the first contentful paint beyond its first 50 ms."""
    start, end = task["startTime"], task["startTime"] + task["duration"]
    return max(0.0, end - max(start + BLOCKING_MS, fcp))


def one_run(report: dict) -> tuple[str, dict[str, float], dict[str, int], float]:
    audits = report["audits"]
    page_url = report["finalDisplayedUrl"]
    fcp = audits["first-contentful-paint"]["numericValue"]
    blocked: dict[str, float] = collections.defaultdict(float)
    counted: dict[str, int] = collections.defaultdict(int)
    for task in audits["long-tasks"]["details"]["items"]:
        share = blocking(task, fcp)
        if share > 0:
            owner = who(task["url"], page_url)
            blocked[owner] += share
            counted[owner] += 1
    return page_url, blocked, counted, audits["total-blocking-time"]["numericValue"]


def main() -> None:
    keep = Path(sys.argv[1])
    rows: dict[tuple[str, str], list[tuple[dict[str, float], dict[str, int], float]]] = collections.defaultdict(list)
    for site in sorted(p for p in keep.iterdir() if p.is_dir()):
        for path in sorted(site.glob("*.json")):
            page_url, blocked, counted, tbt = one_run(json.loads(path.read_text(encoding="utf-8")))
            page = "/" + page_url.split("/", 3)[3]
            rows[(page, site.name)].append((blocked, counted, tbt))
    owners = sorted({owner for runs in rows.values() for blocked, _, _ in runs for owner in blocked})
    print("| page | site | runs | TBT ms | " + " | ".join(f"{o} ms (tasks)" for o in owners) + " |")
    print("|" + "---|" * (4 + len(owners)))
    for (page, site), runs in sorted(rows.items()):
        cells = [f"`{page}`", site, str(len(runs)), f"{statistics.median(t for _, _, t in runs):.0f}"]
        for owner in owners:
            ms = statistics.median(b.get(owner, 0.0) for b, _, _ in runs)
            tasks = statistics.median(c.get(owner, 0) for _, c, _ in runs)
            cells.append(f"{ms:.0f} ({tasks:g})" if ms or tasks else "0")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
