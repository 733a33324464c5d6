"""The CLI as operators and prefecture staff script it: output, exit codes, messages to the letter."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import calculator
from calculator._case import MAX_CASE_BYTES, read_case_file
from tests.engine.conftest import PYTHON, ROOT, TEST_SCHEMES


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "calculator", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def write_case(tmp_path: Path, case: object, name: str = "case.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_schemes_lists_one_scheme_a_line(cli_env: dict[str, str]) -> None:
    done = run(["schemes"], cli_env)
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "ibaraki-2023\t茨城県\t令和5年度（2023年度）\t介護事業所ICT導入支援事業補助金",
        "yamaguchi-2022\t山口県\t令和4年度（2022年度）\t介護事業所ICT導入推進事業補助金",
    ]


def test_schemes_json(cli_env: dict[str, str]) -> None:
    rows = json.loads(run(["schemes", "--json"], cli_env).stdout)
    assert [(r["id"], r["prefecture"], r["fiscal_year"]) for r in rows] == [
        ("ibaraki-2023", "茨城県", 2023),
        ("yamaguchi-2022", "山口県", 2022),
    ]


def test_simulate_json_has_the_contract_keys(cli_env: dict[str, str], tmp_path: Path) -> None:
    case = {
        "scheme": "yamaguchi-2022",
        "higher_rate_conditions": ["life_csv"],
        "items": [{"category": "care_software", "amount_yen": "１２０万円", "name": "介護記録ソフト"}],
    }
    done = run(["simulate", write_case(tmp_path, case), "--json"], cli_env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"subsidy_yen", "eligible_expense_yen", "rate", "cap_yen", "items", "steps", "caveats"} <= set(result)
    assert (result["subsidy_yen"], result["eligible_expense_yen"], result["rate"], result["cap_yen"]) == (
        400000,
        1200000,
        "3/4",
        400000,
    )
    assert all({"text", "citation"} <= set(step) for step in result["steps"])
    assert all(step["citation"]["anchor"].startswith("yamaguchi-2022-") for step in result["steps"])


def test_simulate_text_explains_in_japanese(cli_env: dict[str, str], tmp_path: Path) -> None:
    case = {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": 31,
        "prior_subsidy_yen": 1000000,
        "items": [{"category": "care_software", "amount_yen": 5000000}],
    }
    done = run(["simulate", write_case(tmp_path, case)], cli_env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "茨城県 令和5年度 の試算"
    assert "補助額        1,600,000円" in lines
    assert "これまでに受けた補助1,000,000円を上限額から差し引き、今回の上限額は1,600,000円です。" in done.stdout


def test_simulate_reads_toml_and_stdin(cli_env: dict[str, str], tmp_path: Path) -> None:
    toml_case = tmp_path / "case.toml"
    toml_case.write_text(
        'scheme = "yamaguchi-2022"\n[[items]]\ncategory = "care_software"\namount_yen = 123456\n', encoding="utf-8"
    )
    from_toml = json.loads(run(["simulate", str(toml_case), "--json"], cli_env).stdout)
    stdin = json.dumps({"scheme": "yamaguchi-2022", "items": [{"category": "care_software", "amount_yen": 123456}]})
    from_stdin = json.loads(run(["simulate", "-", "--json"], cli_env, stdin=stdin).stdout)
    assert from_toml == from_stdin
    assert from_toml["subsidy_yen"] == 61000  # 123,456 × 1/2 = 61,728 → 千円未満切り捨て


def test_simulate_with_a_scheme_file_of_ones_own(cli_env: dict[str, str], tmp_path: Path) -> None:
    case = {"scheme": "mirai-2030", "items": [{"category": "care_software", "amount_yen": 100000}]}
    done = run(
        ["simulate", write_case(tmp_path, case), "--json", "--scheme-file", str(TEST_SCHEMES / "mirai-2030.toml")],
        cli_env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["subsidy_yen"] == 80000


@pytest.mark.parametrize(
    ("case", "messages"),
    [
        (
            {"scheme": "tokyo-2024", "items": []},
            ["scheme: 「tokyo-2024」という制度はありません（使えるのは ibaraki-2023、yamaguchi-2022）"],
        ),
        ({"items": []}, ['scheme: 制度（例: "ibaraki-2023"）を指定してください']),
        (
            {"scheme": "ibaraki-2023", "items": []},
            [
                "ict_staff_fte: ICTの活用が見込まれる職員数（常勤換算）を入力してください"
                "（上限額がこの人数で決まります）"
            ],
        ),
        (
            {"scheme": "ibaraki-2023", "ict_staff_fte": 0, "items": []},
            ["ict_staff_fte: 人数は0より大きい数で入力してください（「0」）"],
        ),
        (
            {
                "scheme": "yamaguchi-2022",
                "items": [
                    {"category": "care_software", "amount_yen": 1},
                    {"category": "tablet", "amount_yen": 1},
                    {"category": "devices", "amount_yen": -5},
                ],
            },
            [
                "items[1].category: 「tablet」という区分はありません（使えるのは care_software, devices, "
                "network, maintenance, "
                "back_office, pc_printer, communication_fee, development_platform, other）",
                "items[2].amount_yen: 金額はマイナスにできません（「-5」）",
            ],
        ),
        (
            {"scheme": "yamaguchi-2022", "items": [{"category": "devices", "amount_yen": "たくさん"}]},
            ["items[0].amount_yen: 金額を数値で入力してください（「たくさん」は読み取れません）"],
        ),
        (
            {"scheme": "yamaguchi-2022", "items": [{"category": "devices"}]},
            ["items[0].amount_yen: 金額を入力してください"],
        ),
        (
            {"scheme": "yamaguchi-2022", "items": [{"category": "devices", "amount_yen": 1, "robot_program": True}]},
            [
                "items[0].robot_program: 「robot_program」という項目はこの制度のケースにありません"
                "（綴りを確認してください）"
            ],
        ),
        (
            {"scheme": "ibaraki-2023", "ict_staff_fte": 5, "higher_rate_conditions": ["life_csv"], "items": []},
            [
                "higher_rate_conditions[0]: 「life_csv」は茨城県 令和5年度の制度にありません。"
                "この制度には補助率を上げる要件がありません。"
            ],
        ),
        (
            {"scheme": "yamaguchi-2022", "higher_rate_conditions": ["halve"], "items": []},
            [
                "higher_rate_conditions[0]: 「halve」は山口県 令和4年度の制度にありません。"
                "使えるのは life_csv（ア LIFEへのCSV連携）、"
                "careplan_data_link（イ ケアプランのデータ連携）、halve_documents（ウ 文書量の半減）"
            ],
        ),
        ({"scheme": "yamaguchi-2022"}, ["items: 経費（items）を配列で指定してください（まだなければ []）"]),
        (
            {
                "scheme": "yamaguchi-2022",
                "items": [{"category": "devices", "amount_yen": 100, "other_subsidy_yen": 200}],
            },
            ["items[0].other_subsidy_yen: 他の補助金で補助を受ける部分（200円）が金額（税抜 100円）を超えています"],
        ),
        (
            {"scheme": "yamaguchi-2022", "items": [], "ikkan_achieved": "はい"},
            ["ikkan_achieved: true（はい）か false（いいえ）で指定してください（「はい」）"],
        ),
        (
            {"scheme": "yamaguchi-2022", "items": [], "service_type": "訪問販売"},
            [
                "service_type: 「訪問販売」という介護保険のサービスはありません（「訪問介護」「通所介護」"
                "「特定福祉用具販売」のように、介護保険法のサービス名で書いてください）"
            ],
        ),
        (
            {"scheme": "yamaguchi-2022", "items": [{"category": "maintenance", "amount_yen": 1, "kind": "cleaning"}]},
            [
                "items[0].kind: 「cleaning」という種類はありません。使えるのは cloud（クラウドサービスの利用料）、"
                "support（保守・サポート費）、setup（導入設定）、training（導入研修）、security（セキュリティ対策）"
            ],
        ),
        (
            {"scheme": "yamaguchi-2022", "items": [{"category": "devices", "amount_yen": 1, "kind": "setup"}]},
            ["items[0].kind: 「setup」という種類はありません。この区分には種類の指定がありません"],
        ),
        (
            {
                "scheme": "yamaguchi-2022",
                "items": [{"category": "devices", "monthly_amount_yen": 1000, "first_payment_month": "2022-10"}],
            },
            ["items[0].monthly_amount_yen: 月額と支払開始月は、支払方法がリース・レンタルか月額払いの経費に書きます"],
        ),
        (
            {
                "scheme": "yamaguchi-2022",
                "items": [{"category": "devices", "payment": "lease", "monthly_amount_yen": "５千円"}],
            },
            ["items[0].first_payment_month: 支払開始月を「2023-10」の形で入力してください（月額とあわせて使います）"],
        ),
        (
            {
                "scheme": "yamaguchi-2022",
                "items": [
                    {
                        "category": "devices",
                        "payment": "lease",
                        "monthly_amount_yen": 5000,
                        "first_payment_month": "令和5年1月",
                        "payment_count": 0,
                    }
                ],
            },
            [
                "items[0].first_payment_month: 支払開始月は「2023-10」の形で入力してください（「令和5年1月」）",
                "items[0].payment_count: 支払回数を1から600までの整数で入力してください",
            ],
        ),
        (
            {
                "scheme": "yamaguchi-2022",
                "items": [
                    {
                        "category": "devices",
                        "payment": "lease",
                        "amount_yen": 100000,
                        "monthly_amount_yen": 5000,
                        "first_payment_month": "2023-01",
                        "payment_count": 60,
                    }
                ],
            },
            ["items[0].amount_yen: 金額（100,000円）が月額×回数（5,000円×60回＝300,000円）と合いません"],
        ),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    cli_env: dict[str, str], tmp_path: Path, case: object, messages: list[str]
) -> None:
    done = run(["simulate", write_case(tmp_path, case)], cli_env)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == ["入力に誤りがあります:", *(f"  {m}" for m in messages)]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            "{not json",
            "case.json",
            "  ケースファイル「case.json」は JSON として読めません"
            "（1行2列: Expecting property name enclosed in double quotes）",
        ),
        ("[1, 2]", "case.json", "  ケースファイルの中身は { ... } のオブジェクトにしてください"),
        (
            "scheme = ",
            "case.toml",
            "  ケースファイル「case.toml」は TOML として読めません（Invalid value (at end of document)）",
        ),
    ],
)
def test_malformed_files_exit_2(cli_env: dict[str, str], tmp_path: Path, content: str, name: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    done = run(["simulate", str(path)], cli_env)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["入力に誤りがあります:", message]


def test_missing_file_and_unknown_command_exit_2(cli_env: dict[str, str], tmp_path: Path) -> None:
    done = run(["simulate", str(tmp_path / "nothing.json")], cli_env)
    assert done.returncode == 2
    assert done.stderr.splitlines()[1] == f"  ケースファイル「{tmp_path / 'nothing.json'}」が見つかりません"
    done = run(["calculate"], cli_env)
    assert done.returncode == 2
    assert "コマンドの指定に誤りがあります" in done.stderr


def test_check_passes_on_the_shipped_schemes_and_names_problems_in_others(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    done = run(["check"], cli_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "OK ibaraki-2023: 条項 27、注意 14、すべての引用を原文で、すべての数字を引用で確認しました",
        "OK yamaguchi-2022: 条項 27、注意 15、すべての引用を原文で、すべての数字を引用で確認しました",
    ]
    source = (TEST_SCHEMES / "mirai-2030.toml").read_text(encoding="utf-8")
    broken = tmp_path / "mirai-2030.toml"
    broken.write_text(
        source.replace("補助率は補助対象経費の5分の4とする。", "補助率は補助対象経費の3分の2とする。").replace(
            'source = "sources/mirai-2030.txt"', f'source = "{TEST_SCHEMES / "sources" / "mirai-2030.txt"}"'
        ),
        encoding="utf-8",
    )
    done = run(["check", str(broken)], cli_env)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "NG mirai-2030.toml",
        "  mirai-2030.toml: mirai-2030-rate: 引用「補助率は補助対象経費の3分の2とする。」が原文にありません",
        # and the figure beside it no longer says what the quote says
        "  mirai-2030.toml: rate.base: 「4/5」 が引用「補助率は補助対象経費の3分の2とする。」にありません"
        "（数字を確認してください）",
    ]


# ---------------------------------------------------------------------------------------------------
# Special files: what is not a regular file is refused, and no case is read past the engine's limits
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_the_case_file_is_refused_at_once(cli_env: dict[str, str], device: str) -> None:
    done = run(["simulate", device], cli_env)  # before: read until memory ran out
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "入力に誤りがあります:",
        f"  ケースファイル「{device}」は通常のファイルではありません（装置やパイプは読めません）",
    ]


def test_a_fifo_as_the_case_file_is_refused_without_waiting_for_a_writer(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    done = run(["simulate", str(fifo)], cli_env)  # before: blocked forever (the run's timeout)
    assert done.returncode == 2
    assert (
        done.stderr.splitlines()[1]
        == f"  ケースファイル「{fifo}」は通常のファイルではありません（装置やパイプは読めません）"
    )


def test_a_case_file_larger_than_any_case_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"scheme": "yamaguchi-2022", "items": [], "note": " " * MAX_CASE_BYTES}))
    done = run(["simulate", str(big)], cli_env)
    assert done.returncode == 2
    assert done.stderr.splitlines()[1] == "  ケースファイル「big.json」は大きすぎます（2 MB まで。経費は200行までです）"


def test_an_endless_standard_input_is_refused(cli_env: dict[str, str]) -> None:
    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run(
            [PYTHON, "-m", "calculator", "simulate", "-"],
            cwd=ROOT,
            env=cli_env,
            stdin=zeros,
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    assert (
        done.stderr.decode("utf-8").splitlines()[1]
        == "  ケースファイル「標準入力」は大きすぎます（2 MB まで。経費は200行までです）"
    )


def test_the_largest_case_the_engine_accepts_fits_under_the_bound(tmp_path: Path) -> None:
    """The bound refuses no case the engine would compute: 200 rows with every text at its longest,
    every character written as a JSON escape, indented, stay under it."""
    row = {
        "category": "care_software",
        "name": "経" * 200,
        "amount_yen": "１" * 12,
        "consumption_tax_yen": "１" * 11,
        "payment": "purchase",
        "other_subsidy_yen": "１" * 11,
        "before_decision": False,
        "robot_program": False,
        "recurring": False,
    }
    case = {"scheme": "ibaraki-2023", "ict_staff_fte": 10, "note": "経" * 2000, "items": [row] * 200}
    text = json.dumps(case, indent=2, ensure_ascii=True)
    assert len(text.encode("utf-8")) < MAX_CASE_BYTES
    path = tmp_path / "largest.json"
    path.write_text(text, encoding="utf-8")
    assert calculator.simulate(read_case_file(path)).subsidy_yen >= 0
