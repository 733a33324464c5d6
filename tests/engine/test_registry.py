"""The registry is the data folder; the README and the examples list exactly what it holds."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

import calculator
from tests.engine.conftest import ROOT, SHIPPED_SCHEME_IDS


def test_registry_is_the_schemes_folder() -> None:
    files = sorted(p.stem for p in (ROOT / "calculator" / "schemes").glob("*.toml"))
    assert list(calculator.scheme_ids()) == files == list(SHIPPED_SCHEME_IDS)


def test_a_scheme_with_no_file_is_an_error_not_a_fallback() -> None:
    for missing in ("ibaraki-2024", "yamaguchi-2023", "tokyo-2023"):
        with pytest.raises(calculator.UnknownSchemeError) as raised:
            calculator.get_scheme(missing)
        assert [e.field for e in raised.value.errors] == ["scheme"]
        assert f"「{missing}」という制度はありません" in str(raised.value)


def test_readme_lists_exactly_the_schemes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z]+-\d{4})` \| (\S+) \| (\S+) \|", readme, flags=re.MULTILINE)
    expected = [(s.id, s.prefecture, s.fiscal_year_label) for s in calculator.all_schemes()]
    assert listed == expected


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in first_block] == ["./dev serve", "./dev test"]
    assert "./dev test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme_id", SHIPPED_SCHEME_IDS)
def test_every_scheme_has_an_example_case_that_computes(scheme_id: str) -> None:
    (path,) = [p for p in (ROOT / "examples").iterdir() if p.stem == scheme_id]
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    result = calculator.simulate(data)
    assert result.scheme_id == scheme_id
    assert result.subsidy_yen > 0
