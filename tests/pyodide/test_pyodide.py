"""The same engine in Pyodide: every golden case (and some bad input) gives, as JSON, exactly what
CPython gives. The Node runner loads the bundle the site ships, not a copy made for the test,
including the small standard library (python_stdlib.engine.zip) the simulator boots with."""

from __future__ import annotations

import json
import subprocess
import tomllib
import zipfile
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


def test_a_module_missing_from_the_small_standard_library_fails_the_golden_run(site: Path, tmp_path: Path) -> None:
    """The run above is what guards the small zip: take one module the engine imports out of it, and
    the same run fails, naming the module."""
    small = (
        site
        / "assets"
        / "pyodide"
        / json.loads((site / "assets" / "simulator" / "manifest.json").read_text())["stdlib"]
    )
    lacking = tmp_path / "lacking.zip"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(lacking, "w") as target:
        names = source.namelist()
        assert "fractions.py" in names  # calculator reads money as exact fractions
        for info in source.infolist():
            if info.filename != "fractions.py":
                target.writestr(info, source.read(info))
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(BAD[:1]), encoding="utf-8")
    done = subprocess.run(
        ["node", str(RUNNER), str(site), str(cases), str(lacking)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "No module named 'fractions'" in done.stderr


def test_the_small_standard_library_is_a_fraction_of_the_full_one(site: Path) -> None:
    runtime = site / "assets" / "pyodide"
    manifest = json.loads((site / "assets" / "simulator" / "manifest.json").read_text())
    small, full = (runtime / manifest["stdlib"]).stat().st_size, (runtime / "python_stdlib.zip").stat().st_size
    assert small < full * 0.4, (small, full)
    assert "pyodide/python_stdlib.zip" not in manifest["files"]  # fetched only by the fallback
    assert manifest["bytes"] == sum(manifest["files"].values())
