"""calculator/_web.py, what the simulator's worker runs: the CLI's reader and checks, as messages."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import calculator
from calculator import _web

CASE = {
    "scheme": "ibaraki-2023",
    "ict_staff_fte": 12,
    "items": [{"category": "care_software", "amount_yen": 800000, "other_subsidy_yen": 500000}],
}


def link(case: object) -> str:
    """Today's links: base64url of the case's JSON, padding dropped."""
    return base64.urlsafe_b64encode(json.dumps(case, ensure_ascii=False).encode("utf-8")).decode().rstrip("=")


def test_a_link_opens_every_field_as_the_file_has_it() -> None:
    assert json.loads(_web.open_link(link(CASE))) == {"type": "opened", "case": CASE}


def test_a_file_opens_as_the_cli_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    path.write_text('scheme = "yamaguchi-2022"\nnote = "メモ"\nitems = []\n', encoding="utf-8")
    opened = json.loads(_web.open_file(str(path), "case.toml"))
    assert opened == {"type": "opened", "case": {"scheme": "yamaguchi-2022", "note": "メモ", "items": []}}


def test_simulate_answers_as_the_cli_computes() -> None:
    answer = json.loads(_web.simulate(json.dumps(CASE)))
    assert answer == {"type": "result", "result": calculator.simulate(CASE).to_dict()}
    assert answer["result"]["subsidy_yen"] == 150_000


def test_a_typed_value_the_form_can_show_opens_and_is_then_refused_at_its_field() -> None:
    case = {"scheme": "ibaraki-2023", "items": [{"category": "devices", "amount_yen": "abc"}]}
    assert json.loads(_web.open_link(link(case)))["type"] == "opened"
    invalid = json.loads(_web.simulate(json.dumps(case)))
    assert [e["field"] for e in invalid["errors"]] == ["ict_staff_fte", "items[0].amount_yen"]


def test_what_the_form_cannot_hold_is_refused_with_every_message_of_the_cli() -> None:
    case = {"scheme": "yamaguchi-2022", "higher_rate_conditions": "life_csv", "items": [{"amount_yen": 2**60}]}
    refused = json.loads(_web.open_link(link(case)))
    assert refused["type"] == "refused"
    try:
        calculator.simulate(case)
    except calculator.InputError as error:
        assert refused["errors"] == [e.to_dict() for e in error.errors]
    assert len(refused["errors"]) == 3


def test_a_broken_or_oversized_link_is_refused_in_japanese() -> None:
    broken = json.loads(_web.open_link("eyJzY2hlbWUi"))  # '{"scheme"' cut short
    assert broken["type"] == "refused"
    assert broken["errors"][0]["message"].startswith("ケースファイル「共有リンク（#case=）」は JSON として読めません")
    huge = json.loads(_web.open_link("A" * (3 * 1024 * 1024)))
    assert huge["errors"] == [
        {
            "field": "",
            "message": "ケースファイル「共有リンク（#case=）」は大きすぎます（2 MB まで。経費は200行までです）",
        }
    ]


def test_the_documented_share_link_opens() -> None:
    """README's case-file section (also on the site's how-it-works page) documents the link's form."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("[start:case-format]")[1].split("[end:case-format]")[0]
    example = re.search(r"#case=([A-Za-z0-9_-]+)", section)
    assert example is not None
    assert json.loads(_web.open_link(example.group(1))) == {
        "type": "opened",
        "case": {"scheme": "yamaguchi-2022", "items": []},
    }
