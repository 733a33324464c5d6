"""The simulator's form data (assets/simulator/schemes.json) is drawn from each scheme's own data:
categories by menu, the head count, capacity and ways to apply only where the scheme has them, and
every item flag. Checked with the shipped schemes and the invented 星空県 (tests/engine/schemes)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import calculator

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

from simulator_bundle import form_data  # noqa: E402  (the hooks folder is not a package)

HOSHIZORA = ROOT / "tests" / "engine" / "schemes" / "hoshizora-2026.toml"


def hoshizora() -> dict[str, Any]:
    (scheme,) = form_data((calculator.load_scheme(HOSHIZORA),))["schemes"]
    return scheme


def test_a_scheme_with_menus_offers_its_own_categories_by_menu_and_its_exclusions_as_such() -> None:
    scheme = hoshizora()
    assert [m["id"] for m in scheme["menus"]] == ["robots", "ict", "improvement"]
    by_id = {c["id"]: c for c in scheme["categories"]}
    assert by_id["transfer_bath_robot"]["menu"] == "robots"
    assert by_id["transfer_bath_robot"]["title"] == "(1)ア移乗支援・入浴支援の機器"
    assert by_id["tablets"]["menu"] == "ict"
    assert by_id["improvement_support"]["menu"] == "improvement"
    assert not by_id["pc_printer"]["counted"]
    assert by_id["pc_printer"]["hint"] == "パソコンとプリンターは対象外です。"
    # None of the nine fixed ids that the scheme does not define is offered.
    assert "devices" not in by_id and "maintenance" not in by_id and "other" not in by_id


def test_the_fields_of_a_scheme_with_menus_follow_its_data() -> None:
    scheme = hoshizora()
    # The head count: only the ICT menu's cap goes by staff, and the hint says so.
    assert scheme["staff"]["required"] is True
    assert scheme["staff"]["label"] == "職員数（常勤換算）"
    assert "「ICT」の上限額" in scheme["staff"]["hint"]
    # The capacity: the robots menu counts units up to it.
    assert scheme["capacity"]["required"] is True
    assert "利用定員" in scheme["capacity"]["label"]
    assert [t["id"] for t in scheme["application_types"]] == ["package"]
    assert scheme["application_types"][0]["title"] == "パッケージ型導入"
    # Both conditions are needed for the higher rate, and the legend says so.
    assert [c["id"] for c in scheme["conditions"]] == ["time_target", "report"]
    assert "すべてを満たす" in scheme["conditions_legend"]
    assert "4分の3" in scheme["conditions_legend"]
    assert {m["id"]: m["cap_note"] for m in scheme["menus"]} == {
        "robots": "1台ごとの上限の合計",
        "ict": "職員数（常勤換算）の区分で決まる額",
        "improvement": "",
    }
    assert [f["id"] for f in scheme["flags"]] == ["before_decision"]


def test_the_shipped_schemes_keep_their_fields_and_gain_ibarakis_robot_flag() -> None:
    data = form_data()
    schemes = {s["id"]: s for s in data["schemes"]}
    assert set(schemes) == set(calculator.scheme_ids())
    ibaraki, yamaguchi = schemes["ibaraki-2023"], schemes["yamaguchi-2022"]
    # The keys the page read before stay (extend only).
    kept = ("id", "name", "title", "rate", "staff", "conditions", "flags", "payments", "categories", "requirements")
    assert set(kept) <= set(ibaraki)
    assert ibaraki["staff"]["required"] and not yamaguchi["staff"]["required"]
    assert not ibaraki["capacity"]["required"] and not ibaraki["application_types"] and not ibaraki["menus"]
    assert "robot_program" in [f["id"] for f in ibaraki["flags"]]
    assert [c["id"] for c in ibaraki["categories"] if c["counted"]] == [
        "care_software",
        "devices",
        "network",
        "maintenance",
        "back_office",
    ]
    assert {c["id"] for c in ibaraki["categories"] if not c["counted"]} == {
        "pc_printer",
        "communication_fee",
        "development_platform",
        "other",
    }
    assert "どれか1つ" in yamaguchi["conditions_legend"]
    assert data["services"] and data["max_case_bytes"] > 0
