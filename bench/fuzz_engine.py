"""Fuzz the case parser, the case-file loader, the CLI and the engine with hypothesis (issue #6).

    .venv/bin/python bench/fuzz_engine.py [--examples N] [--seed S]

N case mappings through `calculator.simulate`, N/2 case files (.json and .toml, often mangled)
through `read_case_file` and `python3 -m calculator simulate`, and N/4 each of amount and
head-count texts through the parsers, checked against the value each text was built from. The
strategies and checks are tests/engine/fuzzing.py, shared with tests/engine/test_fuzz.py.

Every case must be computed with the invariants holding (whole yen, 0 ≤ subsidy ≤ remaining cap,
≤ rate × eligible expense, ≤ total cost, self-pay = total − subsidy, JSON-serialisable,
deterministic, the same after Case.to_dict()) or refused with InputError, each error naming a field
in Japanese. Anything else is a failure: failures are counted, not fatal, grouped by exception and
the place it was raised (for a broken invariant, the assert that failed), and the shortest input of
each group is printed. The summary goes to stdout and to bench/results/fuzz.md; the exit status is 1
if anything failed. The bugs this found before are listed in tests/engine/fuzzing.py FOUND_BY_FUZZING
and are generated like any other input.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime
import linecache
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import hypothesis  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as with_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.engine import fuzzing  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "fuzz.md"


@dataclasses.dataclass
class Failure:
    """One distinct failure: how often it happened, and the shortest input that made it happen."""

    count: int = 0
    example: str = ""
    error: str = ""


@dataclasses.dataclass
class Tally:
    """What one target did: examples, accepted and refused, the fields refused, and the failures."""

    name: str
    runs: int = 0
    accepted: int = 0
    refused: int = 0
    seconds: float = 0.0
    fields: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    failures: dict[str, Failure] = dataclasses.field(default_factory=dict)
    longest_message: tuple[int, str] = (0, "")

    def record(self, outcome: fuzzing.Outcome | bool) -> None:
        accepted = outcome if isinstance(outcome, bool) else outcome.accepted
        if accepted:
            self.accepted += 1
        else:
            self.refused += 1
        if isinstance(outcome, fuzzing.Outcome):
            self.fields.update({fuzzing.normalise_field(f) for f in outcome.fields})
            for field, message in zip(outcome.fields, outcome.messages, strict=True):
                if len(message) > self.longest_message[0]:
                    self.longest_message = (len(message), fuzzing.normalise_field(field))

    def fail(self, error: BaseException, example: Any) -> None:
        failure = self.failures.setdefault(signature(error), Failure())
        failure.count += 1
        shown = fuzzing.short_repr(example, limit=300)
        if not failure.example or len(shown) < len(failure.example):
            failure.example = shown
            failure.error = _first_line(error)

    @property
    def failed(self) -> int:
        return sum(f.count for f in self.failures.values())


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:150]}"


def signature(error: BaseException) -> str:
    """What makes two failures the same: the exception and where it was raised.

    For an AssertionError, the assert that failed (an invariant of tests/engine/fuzzing.py); for
    anything else, the innermost frame of the project (calculator/ or tests/) it went through."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(ROOT)) and "/.venv/" not in f.filename] or frames
    where = ours[-1] if ours else None
    if where is None:
        return type(error).__name__
    place = f"{Path(where.filename).relative_to(ROOT) if where.filename.startswith(str(ROOT)) else where.filename}"
    line = (linecache.getline(where.filename, where.lineno).strip() if where.lineno else "")[:100]
    return f"{type(error).__name__} at {place}:{where.lineno} `{line}`"


def fuzz(tally: Tally, strategy: st.SearchStrategy[Any], check: Callable[[Any], Any], n: int, seed: int) -> None:
    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # no shrinking: every failure is counted, the shortest input kept
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(example: Any) -> None:
        tally.runs += 1
        try:
            outcome = check(example)
        except Exception as error:  # a failure: count it and go on
            tally.fail(error, example)
            return
        tally.record(outcome)

    start = time.perf_counter()
    with_seed(seed)(run)()
    tally.seconds = time.perf_counter() - start


def summary(tallies: list[Tally], args: argparse.Namespace, seconds: float) -> str:
    lines = [
        "# Fuzzing the case parser and the engine (bench/fuzz_engine.py)",
        "",
        f"Run on {datetime.date.today().isoformat()}: `python bench/fuzz_engine.py --examples {args.examples}`, "
        f"seed {args.seed}, hypothesis {hypothesis.__version__}, Python {platform.python_version()}; "
        f"{seconds:.0f} s in all.",
        "Generation only (no shrinking): every failing example is counted and the shortest one kept.",
        "",
        "| target | examples | accepted | refused | failures | seconds |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {t.name} | {t.runs} | {t.accepted} | {t.refused} | {t.failed} | {t.seconds:.1f} |" for t in tallies]
    total = Tally(
        "all", sum(t.runs for t in tallies), sum(t.accepted for t in tallies), sum(t.refused for t in tallies)
    )
    total.seconds = sum(t.seconds for t in tallies)
    failed = sum(t.failed for t in tallies)
    lines.append(f"| **all** | {total.runs} | {total.accepted} | {total.refused} | {failed} | {total.seconds:.1f} |")
    fields: collections.Counter[str] = collections.Counter()
    for t in tallies:
        fields.update(t.fields)
    longest = max((t.longest_message for t in tallies), default=(0, ""))
    lines += [
        "",
        f"Distinct error fields seen in refusals ({len(fields)}; indices as [n], counted once a case): "
        + ", ".join(f"`{f or '(file)'}` {c}" for f, c in sorted(fields.items())),
        "",
        f"Longest error message: {longest[0]} characters (field `{longest[1] or '(file)'}`).",
        "",
        "## Failures",
        "",
    ]
    found = [(t, key, f) for t in tallies for key, f in sorted(t.failures.items())]
    if not found:
        lines.append("None: nothing but InputError escaped, and every invariant held.")
    else:
        lines += ["| target | count | where | error | shortest input |", "| --- | ---: | --- | --- | --- |"]
        for t, key, f in found:
            example = f.example.replace("|", "\\|").replace("`", "'")
            where = key.replace("|", "\\|")
            lines.append(f"| {t.name} | {f.count} | {where} | {f.error.replace('|', '/')} | `{example}` |")
    lines += [
        "",
        "## Found by earlier runs, now fixed (tests/engine/fuzzing.py FOUND_BY_FUZZING)",
        "",
        "Each is generated in every run like any other input, and pinned by a test in tests/engine/test_fuzz.py.",
        "",
    ]
    lines += [f"- **{b.id}**: {b.input}. Then: {b.then}. Now: {b.now}." for b in fuzzing.FOUND_BY_FUZZING]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples", type=int, default=20_000, help="case mappings to try (files: half, texts: a quarter each)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = args.examples
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def check_file(example: tuple[tuple[str, bytes], bool]) -> fuzzing.Outcome:
            (suffix, payload), as_json = example
            return fuzzing.check_case_file(folder / f"case{suffix}", payload, as_json=as_json)

        tallies = [
            Tally("case mappings: `calculator.simulate`"),
            Tally("case files (.json, .toml): `read_case_file` and the CLI"),
            Tally("amount texts: `parse_yen` against the value built"),
            Tally("head-count texts: `parse_staff` against the value built"),
        ]
        fuzz(tallies[0], fuzzing.any_cases(), fuzzing.check_case, n, args.seed)
        files = st.tuples(fuzzing.case_files(), st.booleans())
        fuzz(tallies[1], files, check_file, max(1, n // 2), args.seed)
        amounts = fuzzing.amount_texts()
        fuzz(tallies[2], amounts, lambda p: fuzzing.check_amount_text(*p), max(1, n // 4), args.seed)
        staff = fuzzing.staff_texts()
        fuzz(tallies[3], staff, lambda p: fuzzing.check_staff_text(*p), max(1, n // 4), args.seed)
    text = summary(tallies, args, time.perf_counter() - start)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(t.failures for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
