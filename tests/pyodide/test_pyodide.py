"""The same engine in Pyodide: every golden case (and some bad input) gives, as JSON, exactly what
CPython gives. The Node runner loads the bundle the site ships, not a copy made for the test."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import calculator
from tests.conftest import ROOT
from tests.engine.conftest import SHIPPED_SCHEME_IDS

RUNNER = Path(__file__).with_name("run_cases.mjs")
BAD = [
    {"scheme": "ibaraki-2023", "ict_staff_fte": 0, "items": [{"category": "x", "amount_yen": "-5"}]},
    {"scheme": "tokyo-2024", "items": []},
    {"scheme": "yamaguchi-2022", "items": [{"category": "devices", "amount_yen": "１２０万円"}]},
]


def _cases() -> list[dict[str, Any]]:
    cases = []
    for scheme_id in SHIPPED_SCHEME_IDS:
        for path in sorted((ROOT / "tests" / "engine" / "golden" / scheme_id).glob("*.toml")):
            cases += [case["input"] for case in tomllib.loads(path.read_text(encoding="utf-8"))["cases"]]
    return cases + BAD


def _in_cpython(case: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"result": calculator.simulate(case).to_dict()}
    except calculator.InputError as error:
        return {"errors": [e.to_dict() for e in error.errors]}


def test_pyodide_gives_exactly_cpythons_results(site: Path, tmp_path: Path) -> None:
    cases = _cases()
    assert len(cases) >= 30 + len(BAD)
    source = tmp_path / "cases.json"
    source.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(RUNNER), str(site), str(source)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    in_pyodide = json.loads(done.stdout)
    assert in_pyodide == [_in_cpython(case) for case in cases]
    assert sum("result" in r for r in in_pyodide) >= 30
