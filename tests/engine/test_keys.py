"""The keys of a scheme file are described once (calculator/_keys.py); the loader, the JSON Schema for
editors and the reference page are made from that description, so none can drift from another."""

from __future__ import annotations

import datetime
import json
import tomllib

import jsonschema

import calculator
from calculator._keys import SCHEME, Key, json_schema, keys_at
from tests.engine.conftest import ROOT, TEST_SCHEMES
from tests.engine.test_cli import run

SCHEMA_FILE = ROOT / "calculator" / "schemes" / "scheme.schema.json"


def _all_keys(key: Key, prefix: str = "") -> list[tuple[str, Key]]:
    found = []
    for child in key.keys:
        path = f"{prefix}{child.name}"
        found.append((path, child))
        found += _all_keys(child, path + ".")
    return found


def test_the_schema_file_is_the_one_the_engine_makes(cli_env: dict[str, str]) -> None:
    # After changing calculator/_keys.py: python3 -m calculator schema > calculator/schemes/scheme.schema.json
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()
    done = run(["schema"], cli_env)
    assert done.returncode == 0
    assert json.loads(done.stdout) == json_schema()


def test_every_key_is_described_and_tables_have_keys() -> None:
    keys = _all_keys(SCHEME)
    assert len(keys) > 150
    for path, key in keys:
        assert key.description.strip(), path
        assert (key.kind in ("table", "tables")) == bool(key.keys), path


def test_every_scheme_file_names_the_schema_on_its_first_line() -> None:
    files = sorted((ROOT / "calculator" / "schemes").glob("*.toml")) + sorted(TEST_SCHEMES.glob("*.toml"))
    assert len(files) >= 4
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = (path.parent / first.removeprefix("#:schema ").strip()).resolve()
        assert first.startswith("#:schema ") and target == SCHEMA_FILE, path


def test_every_key_used_by_a_scheme_file_is_described() -> None:
    """Walk each file's tables against the description: nothing in a file escapes it."""
    for path in sorted((ROOT / "calculator" / "schemes").glob("*.toml")) + sorted(TEST_SCHEMES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        _within(data, SCHEME, path.name)


def _within(table: dict[str, object], key: Key, where: str) -> None:
    names = {k.name for k in key.keys}
    assert set(table) <= names, (where, sorted(set(table) - names))
    for child in key.keys:
        value = table.get(child.name)
        if child.kind == "table" and isinstance(value, dict):
            _within(value, child, f"{where}.{child.name}")
        elif child.kind == "tables" and isinstance(value, list):
            for n, entry in enumerate(value):
                assert isinstance(entry, dict)
                _within(entry, child, f"{where}.{child.name}[{n}]")


def test_the_loader_takes_its_keys_from_the_description() -> None:
    required, optional = keys_at("categories.kinds")
    assert (required, optional) == ({"id", "title", "cite"}, {"recurring"})
    assert "menus" in keys_at("")[1] and "cap" in keys_at("")[1]
    scheme = calculator.load_scheme(TEST_SCHEMES / "hoshizora-2026.toml")
    assert [m.id for m in scheme.menus] == ["robots", "ict", "improvement"]


def _as_json(value: object) -> object:
    """A parsed TOML value as JSON would hold it: dates as their ISO text."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def test_every_scheme_file_validates_against_the_json_schema() -> None:
    # A validator from PyPI (tests only), as an editor would run it on the file.
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    files = sorted((ROOT / "calculator" / "schemes").glob("*.toml")) + sorted(TEST_SCHEMES.glob("*.toml"))
    assert len(files) == 4
    for path in files:
        data = _as_json(tomllib.loads(path.read_text(encoding="utf-8")))
        assert [e.message for e in validator.iter_errors(data)] == [], path.name
    broken = _as_json(tomllib.loads(files[0].read_text(encoding="utf-8")))
    assert isinstance(broken, dict)
    broken["rate"]["bsae"] = "1/2"  # a typo an editor must flag
    assert [e.message for e in validator.iter_errors(broken)] == [
        "Additional properties are not allowed ('bsae' was unexpected)"
    ]
