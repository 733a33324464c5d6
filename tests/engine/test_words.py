"""The words a user reads for the engine's fixed values (an item's decision, a way to pay, a way to
submit, a rate) are written once, in calculator/_vocabulary.py: the result carries them, and the CLI,
the pages and the simulator say them from there."""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import calculator
from calculator._vocabulary import ITEM_STATUS_WORDS, PAYMENT_WORDS, SUBMIT_WORDS, rate_words

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "engine" / "golden"
# Where the words may be written: the vocabulary itself (tests say them to check them).
VOCABULARY = ROOT / "calculator" / "_vocabulary.py"
SOURCES = [
    *sorted((ROOT / "calculator").glob("*.py")),
    *sorted((ROOT / "overrides" / "hooks").glob("*.py")),
    *sorted((ROOT / "docs" / "assets" / "javascripts").rglob("*.mjs")),
    *sorted((ROOT / "docs" / "assets" / "javascripts").rglob("*.js")),
]


def golden_results() -> list[dict[str, Any]]:
    """The results of the shipped schemes' golden cases."""
    results = []
    for scheme_id in ("ibaraki-2023", "yamaguchi-2022"):
        for path in sorted((GOLDEN / scheme_id).glob("*.toml")):
            for case in tomllib.loads(path.read_text(encoding="utf-8"))["cases"]:
                results.append(calculator.simulate(case["input"]).to_dict())
    return results


def test_the_result_says_each_decision_payment_and_rate_in_the_vocabulary_words() -> None:
    results = golden_results()
    assert len(results) >= 10
    statuses = set()
    for result in results:
        assert result["rate_words"] == rate_words(Fraction(result["rate"]))
        for menu in result["menus"]:
            assert menu["rate_words"] == rate_words(Fraction(menu["rate"]))
        for item in result["items"]:
            assert item["status_words"] == ITEM_STATUS_WORDS[item["status"]]
            assert item["payment_words"] == PAYMENT_WORDS[item["payment"]]
            statuses.add(item["status"])
    assert statuses == set(ITEM_STATUS_WORDS)  # the golden cases reach every decision


def test_no_source_writes_the_words_of_a_fixed_value_again() -> None:
    # A table of the words again (as the page script, a hook and the CLI each had) is what this finds:
    # a value's id beside its words, in any quoting.
    tables = {**ITEM_STATUS_WORDS, **PAYMENT_WORDS, **SUBMIT_WORDS}
    again = []
    for path in SOURCES:
        if path == VOCABULARY:
            continue
        text = path.read_text(encoding="utf-8")
        for value, words in tables.items():
            if re.search(rf"""["']?{value}["']?\s*:\s*["']{re.escape(words)}["']""", text):
                again.append(f"{path.relative_to(ROOT)}: {value} → {words}")
    assert again == []
