"""Shared helpers for the engine tests: where the data lives, and the test-only schemes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import calculator

ROOT = Path(__file__).resolve().parents[2]
ENGINE_TESTS = Path(__file__).resolve().parent
TEST_SCHEMES = ENGINE_TESTS / "schemes"
SHIPPED_SCHEME_IDS = ("ibaraki-2023", "yamaguchi-2022")


def scheme_for(scheme_id: str) -> calculator.Scheme:
    """A shipped scheme, or one that exists only under tests/engine/schemes/."""
    path = TEST_SCHEMES / f"{scheme_id}.toml"
    if path.is_file():
        return calculator.load_scheme(path)
    return calculator.get_scheme(scheme_id)


@pytest.fixture
def cli_env() -> dict[str, str]:
    """Run the CLI as a user would: the repository root, the interpreter running the tests."""
    return {"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"}


PYTHON = sys.executable
