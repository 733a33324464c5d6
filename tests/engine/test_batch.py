"""Many facilities at once: a case file with `facilities`, and a CSV of expense items (calculator/_batch.py).

Each facility must come out exactly as its own case file would; a CSV reads the same in UTF-8 with
or without BOM and in CP932 as Excel writes it; and a file with a bad row computes nothing and names
every bad row and column.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator import _batch
from calculator.__main__ import main
from calculator._batch_summary import _width
from calculator._status import status
from tests.engine.conftest import ENGINE_TESTS, PYTHON, ROOT, TEST_SCHEMES

BATCH = ENGINE_TESTS / "batch"
HOSHIZORA = TEST_SCHEMES / "hoshizora-2026.toml"
# What a facility's entry adds to the single case's result JSON.
ADDED = ("facility_name", "window_status", "window_status_text")


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """The CLI as a user runs it, its output as the bytes it wrote (the CSV's BOM and CRLF)."""
    return subprocess.run(
        [PYTHON, "-m", "calculator", *args], cwd=ROOT, env=env, capture_output=True, timeout=60, check=False
    )


def batch_json(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, err = cli(["simulate", str(path), "--json", "--scheme-file", str(HOSHIZORA)], capsys)
    assert code == 0, err
    entries: list[dict[str, Any]] = json.loads(out)
    return entries


def alone(case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The result of `case` as its own case file, through the CLI."""
    path = tmp_path / "alone.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    args = ["simulate", str(path), "--json"]
    if case["scheme"] == "hoshizora-2026":
        args += ["--scheme-file", str(HOSHIZORA)]
    code, out, err = cli(args, capsys)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def without_added(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ADDED}


# ----------------------------------------------------------------------------------------------
# The case file with `facilities`


@pytest.mark.parametrize("name", ["facilities.toml", "facilities.json"])
def test_each_facility_of_a_case_file_computes_as_its_own_case_file(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BATCH / name
    raw = tomllib.loads(path.read_text("utf-8")) if name.endswith(".toml") else json.loads(path.read_text("utf-8"))
    shared = {k: v for k, v in raw.items() if k != "facilities"}
    entries = batch_json(path, capsys)
    assert len(entries) == len(raw["facilities"]) == 3
    for n, (entry, own) in enumerate(zip(entries, raw["facilities"], strict=True), start=1):
        case = {**shared, **own}
        assert without_added(entry) == alone(case, tmp_path, capsys)
        assert entry["facility_name"] == case.get("facility_name", f"事業所{n}")


def test_shared_keys_are_inherited_unless_the_facility_gives_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    entries = batch_json(BATCH / "facilities.toml", capsys)
    # 山口デイサービス inherits life_csv (its rate is 3/4); 山口訪問介護 gives [] and keeps 1/2;
    # つくば names its own scheme and its own (empty) conditions.
    assert [e["higher_rate_conditions"] for e in entries] == [["life_csv"], [], []]
    assert [(e["scheme"], e["rate"]) for e in entries] == [
        ("yamaguchi-2022", "3/4"),
        ("yamaguchi-2022", "1/2"),
        ("ibaraki-2023", "1/2"),
    ]


def test_the_json_batch_gives_each_result_its_name_and_the_window_today(capsys: pytest.CaptureFixture[str]) -> None:
    entries = batch_json(BATCH / "facilities.json", capsys)
    today = datetime.date.today()
    assert [(e["facility_name"], e["subsidy_yen"], e["eligible"]) for e in entries] == [
        ("星空ケアホーム", 600_000, True),  # (800,000 + 4 × 100,000 限度) × 1/2
        ("つくば通所介護", 1_600_000, True),  # 31人 → 上限 260万 − これまで 100万
        ("事業所3", 0, False),  # 特定福祉用具販売 is excluded by 山口
    ]
    for entry in entries:
        scheme = calculator.load_scheme(HOSHIZORA) if entry["scheme"] == "hoshizora-2026" else None
        scheme = scheme or calculator.get_scheme(entry["scheme"])
        assert (entry["window_status"], entry["window_status_text"]) == status(scheme, today)


def test_a_bad_facility_is_named_by_its_place_and_nothing_is_computed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.toml"
    path.write_text(
        'scheme = "ibaraki-2023"\nict_staff_fte = "abc"\nfacility_nam = "x"\n'
        '[[facilities]]\nict_staff_fte = 12\nitems = [{ category = "care_software", amount_yen = 100000 }]\n'
        '[[facilities]]\nitems = [{ category = "care_software", amount_yen = -1 }]\n'
        '[[facilities]]\nict_staff_fte = 12\nitems = [{ category = "care_software", amount_yen = 1 }]\n',
        encoding="utf-8",
    )
    assert cli(["simulate", str(path)], capsys) == (
        2,
        "",
        [
            "入力に誤りがあります:",
            "  facility_nam: 「facility_nam」という項目はケースにありません（綴りを確認してください）",
            "  facilities[1].ict_staff_fte（共通の値）: 人数を数値で入力してください（「abc」は読み取れません）",
            "  facilities[1].items[0].amount_yen: 金額はマイナスにできません（「-1」）",
        ],
    )
    path.write_text(path.read_text("utf-8").replace('facility_nam = "x"\n', ""), encoding="utf-8")
    assert cli(["simulate", str(path), "--json"], capsys) == (
        2,
        "",
        [
            "入力に誤りがあります:",
            "  facilities[1].ict_staff_fte（共通の値）: 人数を数値で入力してください（「abc」は読み取れません）",
            "  facilities[1].items[0].amount_yen: 金額はマイナスにできません（「-1」）",
        ],
    )


@pytest.mark.parametrize(
    ("facilities", "message"),
    [
        ("[]", "facilities: 事業所を [{ ... }, ...] の配列で1つ以上指定してください"),
        ('"x"', "facilities: 事業所を [{ ... }, ...] の配列で1つ以上指定してください"),
        ('["x"]', "facilities[0]: ケースは { ... } のオブジェクトにしてください"),
    ],
)
def test_a_facilities_list_that_is_not_one_is_refused(
    facilities: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.json"
    path.write_text(f'{{"facilities": {facilities}}}', encoding="utf-8")
    assert cli(["simulate", str(path)], capsys) == (2, "", ["入力に誤りがあります:", f"  {message}"])


def test_a_batch_may_be_larger_than_a_single_case_but_a_single_case_may_not(tmp_path: Path) -> None:
    item = {"category": "care_software", "name": "介護記録ソフト" * 20, "amount_yen": 100000}
    facility = {"facility_name": "事業所", "items": [item] * 10}
    many = {"scheme": "yamaguchi-2022", "facilities": [facility] * 1_000}
    path = tmp_path / "many.json"
    path.write_text(json.dumps(many, ensure_ascii=False), encoding="utf-8")
    assert path.stat().st_size > 2 * 1024 * 1024
    read = _batch.read_cases_file(path)
    assert isinstance(read, _batch.Batch) and len(read.facilities) == 1_000
    single = {"scheme": "yamaguchi-2022", "items": [], "note": " " * (3 * 1024 * 1024)}
    path.write_text(json.dumps(single), encoding="utf-8")
    with pytest.raises(calculator.InputError) as raised:
        _batch.read_cases_file(path)
    assert str(raised.value) == "ケースファイル「many.json」は大きすぎます（2 MB まで。経費は200行までです）"


# ----------------------------------------------------------------------------------------------
# The CSV


def csv_text() -> str:
    return (BATCH / "facilities.csv").read_text(encoding="utf-8")


ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 with BOM": lambda text: text.encode("utf-8-sig"),
    # Excel's 「CSV（コンマ区切り）」 on Japanese Windows: CP932, CRLF.
    "cp932 as Excel writes it": lambda text: text.replace("\n", "\r\n").encode("cp932"),
}


def test_the_csv_reads_the_same_in_utf8_with_or_without_bom_and_in_cp932(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = []
    for n, encode in enumerate(ENCODINGS.values()):
        data = encode(csv_text())
        path = tmp_path / f"facilities-{n}.csv"
        path.write_bytes(data)
        seen.append(batch_json(path, capsys))
    assert ENCODINGS["cp932 as Excel writes it"](csv_text()) != csv_text().encode("utf-8")  # a real test
    assert seen[0] == seen[1] == seen[2]
    assert [(e["facility_name"], e["subsidy_min_yen"], e["subsidy_max_yen"]) for e in seen[0]] == [
        ("つくば訪問介護事業所", 850_000, 925_000),
        ("山口デイサービス", 400_000, 400_000),
        ("星空ケアホーム", 600_000, 600_000),
    ]


def test_each_facility_of_the_csv_computes_as_the_case_file_it_stands_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The rows of a facility, written out by hand as its case file (cells read as the engine reads
    values: 「５０万円」, 単価×数量, 購入 and リース in words, TRUE and FALSE, ids separated by 、)."""
    cases = [
        {
            "scheme": "ibaraki-2023",
            "facility_name": "つくば訪問介護事業所",
            "ict_staff_fte": "12",
            "ikkan_achieved": True,
            "items": [
                {
                    "category": "care_software",
                    "name": "介護記録ソフト",
                    "amount_yen": 1200000,
                    "consumption_tax_yen": 120000,
                },
                {
                    "category": "devices",
                    "name": "タブレット端末",
                    "amount_yen": 500000,
                    "quantity": 10,
                    "consumption_tax_yen": 50000,
                },
                {
                    "category": "network",
                    "name": "Wi-Fiルーター",
                    "amount_yen": 150000,
                    "consumption_tax_yen": 15000,
                    "payment": "lease",
                    "before_decision": False,
                },
            ],
        },
        {
            "scheme": "yamaguchi-2022",
            "facility_name": "山口デイサービス",
            "higher_rate_conditions": ["life_csv", "careplan_data_link"],
            "items": [
                {"category": "care_software", "name": "記録ソフト", "amount_yen": 1200000},
                {
                    "category": "devices",
                    "name": 'タブレット "10.1インチ"',
                    "quantity": 3,
                    "unit_amount_yen": 45000,
                    "consumption_tax_yen": 13500,
                },
            ],
        },
        {
            "scheme": "hoshizora-2026",
            "facility_name": "星空ケアホーム",
            "ict_staff_fte": 12,
            "items": [
                {"category": "care_software", "name": "介護ソフト", "amount_yen": 800000},
                {"category": "tablets", "name": "タブレット", "quantity": 4, "unit_amount_yen": 120000},
            ],
        },
    ]
    path = tmp_path / "facilities.csv"
    path.write_text(csv_text(), encoding="utf-8")
    entries = batch_json(path, capsys)
    assert [without_added(e) for e in entries] == [alone(case, tmp_path, capsys) for case in cases]


def write_csv(tmp_path: Path, rows: list[str], encoding: str = "utf-8") -> str:
    path = tmp_path / "rows.csv"
    path.write_bytes("\r\n".join(rows).encode(encoding))
    return str(path)


HEADER = "事業所名,制度,職員数,区分,品名,金額,数量,消費税,支払方法"


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_computed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        HEADER,
        "つくば,ibaraki-2023,12,care_software,介護ソフト,abc,,120000,購入",
        "つくば,ibaraki-2023,10,devices,タブレット,５０万円,x,50000,現金",
        "山口,yamaguchi-2022,,care_softwar,記録ソフト,120万円,,,",
        ",yamaguchi-2022,,care_software,記録ソフト,120万円,,,",
        "星,nowhere-2020,,care_software,記録ソフト,120万円,,,",
        "正しい事業所,yamaguchi-2022,,care_software,記録ソフト,120万円,,,",
    ]
    for encoding in ("utf-8", "cp932"):
        code, out, err = cli(["simulate", write_csv(tmp_path, rows, encoding), "--csv"], capsys)
        assert (code, out) == (2, "")
        assert err == [
            "入力に誤りがあります:",
            "  2行目の「金額」: 金額を数値で入力してください（「abc」は読み取れません）",
            "  3行目の「職員数」: 同じ事業所「つくば」の2行目の値（「12」）と違います（「10」）。"
            "事業所の列は、その事業所のどの行でも同じ値にしてください",
            "  3行目の「数量」: 数量（台数）を1から10000までの整数で入力してください（「x」）",
            "  3行目の「支払方法」: 「現金」という支払方法はありません"
            "（purchase: 購入、lease: リース・レンタル、monthly: 月額払い）",
            "  4行目の「区分」: 「care_softwar」という区分はありません（使えるのは care_software, devices, network, "
            "maintenance, back_office, pc_printer, communication_fee, development_platform, other）",
            "  5行目の「事業所名」: 事業所名を入力してください（同じ名前の行が1つの事業所です）",
            "  6行目の「制度」: 「nowhere-2020」という制度はありません（使えるのは ibaraki-2023、yamaguchi-2022）",
        ]


def test_a_column_is_named_as_the_file_heads_it_and_a_missing_value_at_its_facility_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        "facility_name,scheme,category,amount_yen",
        "つくば,ibaraki-2023,care_software,",
        "つくば,ibaraki-2023,devices,100000",
    ]
    assert cli(["simulate", write_csv(tmp_path, rows)], capsys) == (
        2,
        "",
        [
            "入力に誤りがあります:",
            "  2行目の「職員数」: ICTの活用が見込まれる職員数（常勤換算）を入力してください"
            "（上限額がこの人数で決まります）",
            "  2行目の「amount_yen」: 金額を入力してください",
        ],
    )


@pytest.mark.parametrize(
    ("header", "errors"),
    [
        (
            "事業所名,制度,金額,価格",
            [
                "  1行目の「価格」: この見出しの列はありません（使えるのは "
                + "、".join(c.header for c in _batch.COLUMNS)
                + "）"
            ],
        ),
        ("事業所名,制度,金額,amount_yen", ["  1行目の「amount_yen」: 「金額」と同じ項目の列が2つあります"]),
        (
            "品名,金額",
            ["  1行目: 「事業所名」（facility_name）の列がありません", "  1行目: 「制度」（scheme）の列がありません"],
        ),
    ],
)
def test_a_bad_header_is_named(
    header: str, errors: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, [header, "つくば,ibaraki-2023,1,2"])
    assert cli(["simulate", path], capsys) == (2, "", ["入力に誤りがあります:", *errors])


def test_utf8_that_would_also_read_as_cp932_is_read_as_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "山口".encode().decode("cp932") == "螻ｱ蜿｣"  # valid in both: UTF-8 must be tried first
    path = write_csv(tmp_path, ["facility_name,scheme,category,amount_yen", "山口,yamaguchi-2022,care_software,1000"])
    code, out, _ = cli(["simulate", path, "--json"], capsys)
    assert (code, json.loads(out)[0]["facility_name"]) == (0, "山口")


def test_a_file_in_neither_utf8_nor_cp932_is_refused_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(HEADER.encode("utf-8") + b"\r\n\x80\xff,ibaraki-2023\r\n")
    assert cli(["simulate", str(path)], capsys) == (
        2,
        "",
        ["入力に誤りがあります:", "  CSV を読めません（UTF-8 でも Shift_JIS（CP932）でもありません）"],
    )


def test_a_json_case_file_named_csv_is_read_as_it_always_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = {"scheme": "yamaguchi-2022", "items": [{"category": "care_software", "amount_yen": 100000}]}
    path = tmp_path / "case.csv"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, out, _ = cli(["simulate", str(path), "--json"], capsys)
    assert (code, json.loads(out)) == (0, calculator.simulate(case).to_dict())


# ----------------------------------------------------------------------------------------------
# The summary: the table, and the CSV for Excel


def test_the_table_shows_each_facility_amount_eligibility_window_and_caveats(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = cli(["simulate", str(BATCH / "facilities.json"), "--scheme-file", str(HOSHIZORA)], capsys)
    assert code == 0, err
    lines = out.splitlines()
    today = datetime.date.today()
    window = status(calculator.get_scheme("yamaguchi-2022"), today)[1].split("。")[0]
    assert lines[0].startswith("3事業所の試算（受付の状況は")
    assert lines[2].split() == ["事業所名", "制度", "補助額", "判定", "受付の状況", "注意"]
    assert lines[5].split()[:5] == ["3.", "事業所3", "yamaguchi-2022", "0円", "対象外"]
    assert window in lines[5]
    _, as_json, _ = cli(["simulate", str(BATCH / "facilities.json"), "--scheme-file", str(HOSHIZORA), "--json"], capsys)
    assert lines[5].endswith(f"{len(json.loads(as_json)[2]['caveats'])}件")  # the caveats its result shows
    assert lines[7] == "補助額の合計  2,200,000円（対象外 1事業所）"
    # Columns line up in a terminal (a wide character takes two columns): each header starts where
    # the cells under it start.
    cells = {"制度": ("hoshizora-2026", "yamaguchi-2022"), "補助額": ("600,000円", "0円"), "判定": ("対象", "対象外")}
    for header, (first, third) in cells.items():
        column = _width(lines[2][: lines[2].index(header)])
        assert column == _width(lines[3][: lines[3].index(first)]) == _width(lines[5][: lines[5].index(third)])


def test_the_csv_output_opens_in_excel_as_it_is(tmp_path: Path, cli_env: dict[str, str]) -> None:
    done = run(["simulate", str(BATCH / "facilities.csv"), "--csv", "--scheme-file", str(HOSHIZORA)], cli_env)
    assert done.returncode == 0, done.stderr
    data = done.stdout
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 4 and b"\n" not in data.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:5] == ["事業所名", "制度", "補助額（円）", "補助額の下限（円）", "補助額の上限（円）"]
    assert [(r[0], r[1], r[2], r[3], r[4], r[8]) for r in rows[1:]] == [
        ("つくば訪問介護事業所", "ibaraki-2023", "925000", "850000", "925000", "対象"),
        ("山口デイサービス", "yamaguchi-2022", "400000", "400000", "400000", "対象"),
        ("星空ケアホーム", "hoshizora-2026", "600000", "600000", "600000", "対象"),
    ]


def test_a_single_case_file_gives_a_one_row_table_with_csv(cli_env: dict[str, str]) -> None:
    done = run(["simulate", "examples/yamaguchi-2022.toml", "--csv"], cli_env)
    assert done.returncode == 0
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8-sig"), newline="")))
    expected = calculator.simulate(tomllib.loads((ROOT / "examples/yamaguchi-2022.toml").read_text("utf-8")))
    assert len(rows) == 2 and rows[1][2] == str(expected.subsidy_yen)


def test_a_facility_name_excel_would_run_as_a_formula_stays_text(tmp_path: Path, cli_env: dict[str, str]) -> None:
    path = write_csv(tmp_path, ["事業所名,制度,区分,金額", "=1+1,yamaguchi-2022,care_software,100000"])
    done = run(["simulate", path, "--csv"], cli_env)
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "'=1+1"


def test_the_readme_lists_exactly_the_csv_columns() -> None:
    """README's case-format section (also the site's how-it-works page) is where the columns are described."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("[start:case-format]")[1].split("[end:case-format]")[0]
    table = section.split("| 見出し | キー | 列 |\n| --- | --- | --- |\n")[1].split("\n\n")[0]
    listed = [tuple(cell.strip(" `") for cell in line.strip("|").split("|")) for line in table.splitlines()]
    assert listed == [(c.header, c.key, "事業所" if c.level == "facility" else "経費") for c in _batch.COLUMNS]


def test_json_and_csv_together_are_refused_as_a_command_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["simulate", str(BATCH / "facilities.toml"), "--json", "--csv"])
    assert exited.value.code == 2
    assert "コマンドの指定に誤りがあります: argument --csv: not allowed with argument --json" in capsys.readouterr().err


def test_a_batch_on_standard_input_is_read_as_from_a_file(cli_env: dict[str, str]) -> None:
    text = (BATCH / "facilities.toml").read_text("utf-8")
    data = json.dumps(tomllib.loads(text), ensure_ascii=False).encode("utf-8")
    piped = subprocess.run(
        [PYTHON, "-m", "calculator", "simulate", "-", "--json"],
        cwd=ROOT,
        env=cli_env,
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    from_file = run(["simulate", str(BATCH / "facilities.toml"), "--json"], cli_env)
    assert piped.returncode == from_file.returncode == 0
    assert json.loads(piped.stdout) == json.loads(from_file.stdout)
    assert len(json.loads(piped.stdout)) == 3


@pytest.mark.parametrize("text", ['"facilities"', "[1]", '["facilities"]'])
def test_what_is_not_a_case_on_standard_input_is_refused_with_csv_too(text: str, cli_env: dict[str, str]) -> None:
    piped = subprocess.run(
        [PYTHON, "-m", "calculator", "simulate", "-", "--csv"],
        cwd=ROOT,
        env=cli_env,
        input=text.encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (piped.returncode, piped.stdout) == (2, b"")
    assert piped.stderr.decode().splitlines() == [
        "入力に誤りがあります:",
        "  ケースは { ... } のオブジェクトにしてください",
    ]


def test_a_name_with_a_line_break_keeps_the_table_one_line_a_facility(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, ["事業所名,制度,区分,金額", '"星の\n丘",yamaguchi-2022,care_software,100000'])
    code, out, _ = cli(["simulate", path], capsys)
    assert code == 0
    assert out.splitlines()[3].split()[:3] == ["1.", "星の", "丘"]
    code, out, _ = cli(["simulate", path, "--json"], capsys)
    assert json.loads(out)[0]["facility_name"] == "星の\n丘"


def test_the_readme_example_of_many_facilities_runs(cli_env: dict[str, str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m calculator simulate examples/facilities.csv --csv" in readme
    done = run(["simulate", "examples/facilities.csv", "--csv"], cli_env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == ["つくば訪問介護事業所", "山口デイサービス"]


def test_a_csv_may_name_a_category_by_the_schemes_title_and_a_case_file_may_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    by_title = [
        "事業所名,制度,職員数,区分,金額",
        "A,ibaraki-2023,12,介護ソフト,100000",
        "A,ibaraki-2023,12,ﾊﾟｿｺﾝ・プリンター,50000",
    ]
    by_id = [
        "事業所名,制度,職員数,区分,金額",
        "A,ibaraki-2023,12,care_software,100000",
        "A,ibaraki-2023,12,pc_printer,50000",
    ]
    code, out, err = cli(["simulate", write_csv(tmp_path, by_title), "--json"], capsys)
    assert code == 0, err
    titled = json.loads(out)
    code, out, _ = cli(["simulate", write_csv(tmp_path, by_id), "--json"], capsys)
    assert titled == json.loads(out)
    assert [i["status"] for i in titled[0]["items"]] == ["counted", "excluded"]
    path = tmp_path / "many.json"
    path.write_text(
        json.dumps(
            {"scheme": "yamaguchi-2022", "facilities": [{"items": [{"category": "介護ソフト", "amount_yen": 1}]}]}
        ),
        encoding="utf-8",
    )
    code, _, err = cli(["simulate", str(path)], capsys)
    assert code == 2
    assert err[1].startswith("  facilities[0].items[0].category: 「介護ソフト」という区分はありません")
