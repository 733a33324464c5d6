"""`python3 -m calculator new <prefecture>-<year>`: a skeleton that `check` refuses until it is filled."""

from __future__ import annotations

from pathlib import Path

from calculator._skeleton import TO_FILL
from tests.engine.test_cli import run


def _new(tmp_path: Path, cli_env: dict[str, str], scheme_id: str = "tochigi-2026") -> tuple[Path, Path]:
    schemes, sources = tmp_path / "a" / "schemes", tmp_path / "sources"
    done = run(["new", scheme_id, "--schemes-dir", str(schemes), "--sources-dir", str(sources)], cli_env)
    assert done.returncode == 0, done.stderr
    return schemes / f"{scheme_id}.toml", sources / f"{scheme_id}.txt"


def test_new_writes_a_skeleton_with_the_schema_line_and_the_year_filled(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    scheme, source = _new(tmp_path, cli_env)
    text = scheme.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "#:schema ./scheme.schema.json"
    assert 'id = "tochigi-2026"' in text
    assert "period_start = 2026-04-01" in text and "period_end = 2027-03-31" in text
    assert 'fiscal_year_label = "令和8年度"' in text
    assert source.read_text(encoding="utf-8").startswith(TO_FILL)


def test_check_refuses_the_skeleton_naming_every_key_left_to_fill(tmp_path: Path, cli_env: dict[str, str]) -> None:
    scheme, _ = _new(tmp_path, cli_env)
    done = run(["check", str(scheme)], cli_env)
    assert done.returncode == 1
    left = [
        line
        for line in done.stderr.splitlines()
        if line.endswith(f"{TO_FILL}が残っています（原文にもとづいて埋めてください）")
    ]
    assert "  tochigi-2026.toml: prefecture: 【要記入】が残っています（原文にもとづいて埋めてください）" in left
    assert "  tochigi-2026.toml: cap.amount_yen: 【要記入】が残っています（原文にもとづいて埋めてください）" in left
    assert len(left) == scheme.read_text(encoding="utf-8").count(TO_FILL) - 2  # less the two comment lines


def test_new_never_overwrites_and_refuses_a_bad_id(tmp_path: Path, cli_env: dict[str, str]) -> None:
    scheme, _ = _new(tmp_path, cli_env)
    again = run(
        ["new", "tochigi-2026", "--schemes-dir", str(scheme.parent), "--sources-dir", str(tmp_path / "sources")],
        cli_env,
    )
    assert again.returncode == 2
    assert "がもうあります（上書きはしません）" in again.stderr
    bad = run(["new", "Tochigi2026", "--schemes-dir", str(tmp_path)], cli_env)
    assert bad.returncode == 2
    assert "id: 「Tochigi2026」は <都道府県>-<年度> の形（例: tochigi-2026）にしてください" in bad.stderr
