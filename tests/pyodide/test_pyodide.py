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
from tests.zips import copy_zip

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
    # calculator reads money as exact fractions
    assert copy_zip(small, lacking, lambda name: name != "fractions.pyc") == ["fractions.pyc"]
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


def test_the_small_standard_library_is_a_fraction_of_the_full_one_and_only_bytecode(site: Path) -> None:
    runtime = site / "assets" / "pyodide"
    manifest = json.loads((site / "assets" / "simulator" / "manifest.json").read_text())
    with zipfile.ZipFile(runtime / manifest["stdlib"]) as small, zipfile.ZipFile(runtime / "python_stdlib.zip") as full:
        modules = [n for n in small.namelist() if n.endswith((".py", ".pyc"))]
        assert 0 < len(modules) < 0.3 * sum(n.endswith(".py") for n in full.namelist()), len(modules)
        assert all(n.endswith(".pyc") for n in modules)  # compiled at build time, not in the browser
    assert "pyodide/python_stdlib.zip" not in manifest["files"]  # fetched only by the fallback
    assert manifest["bytes"] == sum(manifest["files"].values())


COMPILED_IMPORTS = Path(__file__).with_name("compiled_imports.mjs")


def test_nothing_is_compiled_from_source_when_the_engine_starts(site: Path, tmp_path: Path) -> None:
    """The stdlib zip and the wheel carry bytecode made by the same Pyodide, so the engine's import and
    a first case compile nothing. The control: the same wheel without its __pycache__ compiles every
    module of the engine, so the recorder does see compiling."""
    shipped = json.loads((site / "assets" / "simulator" / "manifest.json").read_text())["wheel"]
    wheel = site / "assets" / "simulator" / shipped
    without = tmp_path / wheel.name
    cached = copy_zip(wheel, without, lambda name: "/__pycache__/" not in name)
    with zipfile.ZipFile(wheel) as source:
        assert len(cached) == len([n for n in source.namelist() if n.startswith("calculator/") and n.endswith(".py")])
    compiled = {}
    for name, given in (("shipped", wheel), ("without bytecode", without)):
        done = subprocess.run(
            ["node", str(COMPILED_IMPORTS), str(site), str(given)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        compiled[name] = json.loads(done.stdout)
    assert compiled["shipped"] == []
    assert any(path.endswith("calculator/_case.py") for path in compiled["without bytecode"]), compiled
