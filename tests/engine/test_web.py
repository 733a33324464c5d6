"""calculator/_web.py, what the simulator's worker runs: the CLI's reader and checks, as messages."""

from __future__ import annotations

import base64
import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator import _web
from calculator._batch import facilities_in, read_cases_file
from calculator._batch_summary import check_all, simulate_all, summary_cells, summary_csv

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


def test_a_batch_file_computes_as_the_cli_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The page's many facilities: the same bytes (CP932 here, as Excel saves), the CLI's --json entries."""
    from calculator.__main__ import main

    text = (Path(__file__).resolve().parent / "batch" / "facilities.csv").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if "hoshizora" not in line)  # shipped schemes only
    path = tmp_path / "upload"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp932"))
    answer = json.loads(_web.simulate_batch(str(path), "事業所一覧.csv"))
    (tmp_path / "facilities.csv").write_bytes(path.read_bytes())
    assert main(["simulate", str(tmp_path / "facilities.csv"), "--json"]) == 0
    assert answer == {"type": "batch", "results": json.loads(capsys.readouterr().out)}
    assert [r["facility_name"] for r in answer["results"]] == ["つくば訪問介護事業所", "山口デイサービス"]


def test_a_batch_opens_checked_then_computes_a_slice_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    facilities = [
        {"facility_name": f"事業所{n}", "items": [{"category": "care_software", "amount_yen": n * 10_000}]}
        for n in range(1, 6)
    ]
    path.write_text(json.dumps({"scheme": "yamaguchi-2022", "facilities": facilities}), encoding="utf-8")
    opened = json.loads(_web.open_batch(str(path), "many.json"))
    assert opened == {"type": "batch-opened", "count": 5, "names": [f"事業所{n}" for n in range(1, 6)]}
    first = json.loads(_web.batch_results(0, 2))
    rest = json.loads(_web.batch_results(2, 5))
    assert (first["type"], first["start"], rest["start"]) == ("batch-results", 0, 2)
    every = json.loads(_web.simulate_batch(str(path), "many.json"))["results"]
    assert first["results"] + rest["results"] == every
    assert [r["subsidy_yen"] for r in every] == [5_000, 10_000, 15_000, 20_000, 25_000]  # × 1/2


def test_a_bad_batch_is_refused_with_every_row_named_and_nothing_left_open(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_text("事業所名,制度,区分,金額\nA,yamaguchi-2022,care_software,100000\n", encoding="utf-8")
    assert json.loads(_web.open_batch(str(path), "a.csv"))["count"] == 1
    path.write_text("事業所名,制度,区分,金額\nA,yamaguchi-2022,devices,abc\nB,yamaguchi-2022,x,1\n", encoding="utf-8")
    refused = json.loads(_web.open_batch(str(path), "a.csv"))
    assert refused == {
        "type": "invalid",
        "errors": [
            {"field": "2行目の「金額」", "message": "金額を数値で入力してください（「abc」は読み取れません）"},
            {
                "field": "3行目の「区分」",
                "message": "「x」という区分はありません（使えるのは care_software, devices, network, maintenance, "
                "back_office, pc_printer, communication_fee, development_platform, other）",
            },
        ],
    }
    assert json.loads(_web.batch_results(0, 10))["results"] == []  # the earlier file's facilities are gone


# Every text box of the form (form.mjs): a value there that does not read opens, and the engine's
# message then lands at its box, as if typed (these were refused whole, the form unchanged).
TYPED_IN_A_BOX = [
    ({"items": [{"category": "devices", "unit_amount_yen": "abc", "quantity": 2}]}, "items[0].unit_amount_yen"),
    ({"items": [{"category": "devices", "amount_yen": 100, "other_subsidy_yen": "x"}]}, "items[0].other_subsidy_yen"),
    ({"items": [{"category": "devices", "amount_yen": 100, "quantity": "二"}]}, "items[0].quantity"),
    (
        {
            "items": [
                {"category": "devices", "payment": "lease", "monthly_amount_yen": "?", "first_payment_month": "2023-10"}
            ]
        },
        "items[0].monthly_amount_yen",
    ),
]


@pytest.mark.parametrize(("fields", "field"), TYPED_IN_A_BOX)
def test_a_value_in_any_text_box_of_a_row_opens_and_is_then_refused_at_its_field(
    fields: dict[str, Any], field: str
) -> None:
    case = {"scheme": "ibaraki-2023", "ict_staff_fte": 5, **fields}
    assert json.loads(_web.open_link(link(case)))["type"] == "opened"
    invalid = json.loads(_web.simulate(json.dumps(case)))
    assert [e["field"] for e in invalid["errors"]] == [field]


def test_the_capacity_opens_to_its_box_only_where_the_form_has_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The invented scheme counts units up to the capacity (its form has the box); 茨城 does not."""
    from tests.conftest import INVENTED

    typed = {"ict_staff_fte": 5, "capacity": "たくさん", "items": []}
    assert json.loads(_web.open_link(link({"scheme": "ibaraki-2023", **typed})))["type"] == "refused"
    invented = calculator.load_scheme(INVENTED / "hoshizora-2026.toml")
    monkeypatch.setattr(_web, "scheme_ids", lambda: (invented.id,))  # shipped, as on the invented site
    monkeypatch.setattr(_web, "get_scheme", lambda _: invented)
    assert _web._fixable_in_the_form("capacity", {"scheme": invented.id, **typed})
    assert _web._fixable_in_the_form("capacity", {"scheme": invented.id, "items": []})  # missing: an empty box


# The batch view's slices (batch.mjs): the file opened through open_file, checked and computed a
# slice at a time, gives what the CLI gives at once.

BATCH_CSV = (Path(__file__).resolve().parent / "batch" / "facilities.csv").read_text(encoding="utf-8")
SHIPPED_CSV = "\r\n".join(line for line in BATCH_CSV.splitlines() if "hoshizora" not in line) + "\r\n"


def open_sliced(path: Path, name: str, check: int = 1) -> dict[str, object]:
    """open_file, then check_batch a slice of `check` facilities at a time: the last answer."""
    answer = json.loads(_web.open_file(str(path), name))
    while answer["type"] == "batch-reading":
        answer = json.loads(_web.read_more())
    if answer["type"] != "batch-read":
        return dict(answer)
    start = 0
    while answer["type"] in ("batch-read", "batch-checking"):
        answer = json.loads(_web.check_batch(start, start + check))
        start += check
    return dict(answer)


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("一覧.csv", SHIPPED_CSV, "batch-opened"),
        (
            "法人.json",
            json.dumps({"scheme": "yamaguchi-2022", "facilities": [{"items": []}, {"items": []}]}),
            "batch-opened",
        ),
        ("case.json", json.dumps({"scheme": "yamaguchi-2022", "items": []}), "opened"),
        ("case.csv", json.dumps({"scheme": "yamaguchi-2022", "items": []}), "opened"),  # JSON named .csv, as ever
        ("一覧.csv", "事業所名,制度,色\r\nA,yamaguchi-2022,赤\r\n", "batch-refused"),
        ("case.json", '{"scheme": ', "refused"),
    ],
)
def test_a_file_opens_into_the_form_or_the_batch_view_by_what_it_holds(
    tmp_path: Path, name: str, text: str, kind: str
) -> None:
    path = tmp_path / "upload"
    path.write_text(text, encoding="utf-8")
    assert open_sliced(path, name)["type"] == kind


def test_a_file_checked_a_slice_at_a_time_names_every_problem_in_the_clis_order(tmp_path: Path) -> None:
    lines = SHIPPED_CSV.splitlines()
    bad = [lines[0], lines[1].replace("1,200,000", "たくさん"), *lines[2:], lines[3].replace("care_software", "x")]
    path = tmp_path / "bad.csv"
    path.write_text("\r\n".join(bad) + "\r\n", encoding="utf-8")
    answer = open_sliced(path, "bad.csv", check=1)
    with pytest.raises(calculator.InputError) as at_once:
        check_all(facilities_in(read_cases_file(path)))
    assert answer == {"type": "batch-refused", "errors": [e.to_dict() for e in at_once.value.errors]}
    assert [e.field for e in at_once.value.errors] == ["2行目の「金額」", f"{len(bad)}行目の「区分」"]
    assert json.loads(_web.batch_rows(0, 10, "2026-11-30"))["rows"] == []  # nothing is left to compute


def test_the_tables_rows_and_csv_are_the_clis_and_a_row_opens_as_a_link(tmp_path: Path) -> None:
    path = tmp_path / "facilities.csv"
    path.write_bytes(SHIPPED_CSV.encode("cp932"))
    opened = open_sliced(path, path.name, check=1)
    assert opened["type"] == "batch-opened" and opened["count"] == 2
    assert opened["headings"] == ["事業所名", "制度", "補助額", "自己負担額", "判定", "受付の状況", "注意"]
    today = datetime.date(2026, 11, 30)
    rows = [row for n in (0, 1) for row in json.loads(_web.batch_rows(n, n + 1, today.isoformat()))["rows"]]
    results = simulate_all(facilities_in(read_cases_file(path)))
    assert [r["cells"] for r in rows] == [
        [*summary_cells(r, today)[:3], f"{r.result.self_pay_yen:,}円", *summary_cells(r, today)[3:]] for r in results
    ]
    assert [r["subsidy_yen"] for r in rows] == [r.result.subsidy_yen for r in results]
    assert json.loads(_web.batch_csv())["text"].encode("utf-8") == summary_csv(results, today)
    for n, result in enumerate(results):
        fragment = json.loads(_web.batch_case(n))["fragment"]
        case = json.loads(_web.open_link(fragment))
        assert case["type"] == "opened"
        assert calculator.simulate(case["case"]).to_dict() == result.result.to_dict()


def test_a_toml_file_over_a_cases_limit_is_refused_unread_and_a_csv_or_json_may_be_larger(tmp_path: Path) -> None:
    from calculator._case import MAX_CASE_BYTES

    assert _web.read_limit("a.toml") == MAX_CASE_BYTES + 1
    assert _web.read_limit("a.csv") == _web.read_limit("a.JSON") > 20 * MAX_CASE_BYTES
    path = tmp_path / "upload"
    path.write_bytes(b'scheme = "yamaguchi-2022"\nnote = """' + b"x" * MAX_CASE_BYTES)  # not even TOML
    refused = json.loads(_web.open_file(str(path), "big.toml"))
    assert refused["type"] == "refused" and "大きすぎます" in refused["errors"][0]["message"]
    facilities = [{"facility_name": f"事業所{n}", "note": "x" * 1000, "items": []} for n in range(3000)]
    path.write_text(json.dumps({"scheme": "yamaguchi-2022", "facilities": facilities}), encoding="utf-8")
    assert path.stat().st_size > MAX_CASE_BYTES
    assert json.loads(_web.open_file(str(path), "big.json")) == {"type": "batch-read", "count": 3000}


def test_a_long_csv_is_read_a_few_thousand_rows_per_message_and_opens_as_the_cli_reads_it(tmp_path: Path) -> None:
    rows = [f"事業所{n},yamaguchi-2022,care_software,{n + 1}0000" for n in range(600) for _ in range(10)]
    path = tmp_path / "long.csv"
    path.write_text("事業所名,制度,区分,金額\r\n" + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    first = json.loads(_web.open_file(str(path), "long.csv"))
    assert first == {"type": "batch-reading", "rows": 5_000}
    assert json.loads(_web.read_more()) == {"type": "batch-read", "count": 600}
    opened = open_sliced(path, "long.csv", check=250)  # from the start again, as the page would
    assert opened["type"] == "batch-opened" and opened["names"] == [f"事業所{n}" for n in range(600)]
