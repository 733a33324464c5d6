"""The preparation kit (calculator/_kit.py, `python3 -m calculator kit`): the checklist, the plan draft
pre-filled from a case, the expense table as CSV for Excel, and refused characters, on both shipped
schemes and the invented 星空県 (tests/engine/schemes/hoshizora-2026.toml)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator._kit import (
    EXPENSE_COLUMNS,
    NOT_THE_FORM,
    SUMMARY_COLUMNS,
    TO_WRITE,
    Kit,
    expense_csv,
    forbidden_characters,
    kit_markdown,
    kit_plain,
    make_kit,
    plan_markdown,
    plan_plain,
    text_file,
)
from calculator._quotes import check_quotes, citations
from calculator._status import status
from tests.engine.conftest import ROOT, TEST_SCHEMES, scheme_for
from tests.engine.test_cli import run, write_case

DAY = datetime.date(2026, 6, 10)  # 星空県's window is open (2026-06-01 to 07-31)

IBARAKI: dict[str, Any] = json.loads((ROOT / "examples" / "ibaraki-2023.json").read_text(encoding="utf-8"))
YAMAGUCHI: dict[str, Any] = {
    "scheme": "yamaguchi-2022",
    "facility_name": "山口デイサービス",
    "higher_rate_conditions": ["life_csv"],
    "items": [
        {"category": "care_software", "name": "介護ソフト", "amount_yen": 300000, "consumption_tax_yen": 30000},
        {"category": "devices", "name": "タブレット端末", "quantity": 3, "unit_amount_yen": 60000},
        {"category": "pc_printer", "name": "事務用プリンター", "amount_yen": 40000},
    ],
}
HOSHIZORA: dict[str, Any] = {
    "scheme": "hoshizora-2026",
    "facility_name": "星空①ホーム",
    "note": "髙橋さん担当～",
    "ict_staff_fte": 12,
    "capacity": 10,
    "higher_rate_conditions": ["time_target", "report"],
    "items": [
        {"category": "care_software", "name": "介護ソフトⅡ", "amount_yen": 800000},
        {"category": "tablets", "name": "タブレット 10㎝", "quantity": 4, "unit_amount_yen": 120000},
        {"category": "other_robot", "name": "見守りセンサー", "quantity": 2, "unit_amount_yen": 500000},
    ],
}
CASES = {"ibaraki-2023": IBARAKI, "yamaguchi-2022": YAMAGUCHI, "hoshizora-2026": HOSHIZORA}


def kit_of(raw: dict[str, Any], day: datetime.date = DAY) -> tuple[Kit, calculator.Result]:
    scheme = scheme_for(raw["scheme"])
    case = calculator.load_case(raw, scheme)
    result = calculator.simulate(case, scheme)
    return make_kit(case, scheme, result, day), result


def sections(kit: Kit) -> dict[str, Any]:
    return {s.id: s for s in kit.plan}


# ---------------------------------------------------------------------------------------------------
# The scheme data behind it
# ---------------------------------------------------------------------------------------------------


def test_ibaraki_plan_has_the_named_contents_in_the_tables_order() -> None:
    plan = calculator.get_scheme("ibaraki-2023").plan
    assert plan is not None and plan.title == "ICT導入計画"
    assert [(h.title, h.required, h.parent) for h in plan.headings] == [
        ("導入する意義・目的", True, None),
        ("導入する機器等", True, None),
        ("期待される効果", True, None),
        ("LIFEの利用申請の有無", True, None),
        ("データ連携の有無（予定を含む）", True, None),
        ("具体的なデータ連携の内容", True, "data_link"),
        ("連携先", True, "data_link"),
        ("連携方法", True, "data_link"),
        ("文書量を半減させる計画の有無", True, "data_link"),
        ("ICT導入による業務フローの見直し", False, None),
        ("導入を進めるための実施体制", False, None),
        ("職員への研修計画", False, None),
        ("技術的な支援体制の整備", False, None),
    ]
    assert all(h.citation.anchor == "ibaraki-2023-requirement-2" for h in plan.headings)


@pytest.mark.parametrize("scheme_id", list(CASES))
def test_every_plan_heading_quote_is_checked_against_the_source(scheme_id: str) -> None:
    scheme = scheme_for(scheme_id)
    assert scheme.plan is not None
    checked = {id(c) for c in citations(scheme)}
    assert all(id(h.citation) in checked for h in scheme.plan.headings)
    assert check_quotes(scheme) == []


def test_a_plan_heading_quoting_what_the_source_does_not_say_fails_check(tmp_path: Path) -> None:
    source = TEST_SCHEMES / "hoshizora-2026.toml"
    text = source.read_text(encoding="utf-8")
    text = text.replace('quote = "(2) 導入する機器等"', 'quote = "(2) 導入する機器と効果"')
    copy = tmp_path / source.name
    copy.write_text(text.replace('"sources/', f'"{TEST_SCHEMES.as_posix()}/sources/'), encoding="utf-8")
    problems = check_quotes(calculator.load_scheme(copy))
    assert problems == ["hoshizora-2026-plan: 引用「(2) 導入する機器と効果」が原文にありません"]


def test_only_hoshizora_refuses_characters() -> None:
    assert calculator.get_scheme("ibaraki-2023").forbidden_characters is None
    assert calculator.get_scheme("yamaguchi-2022").forbidden_characters is None
    rule = scheme_for("hoshizora-2026").forbidden_characters
    assert rule is not None and rule.allowed == "jis_x_0208"
    assert rule.citation.anchor == "hoshizora-2026-e-application"


# ---------------------------------------------------------------------------------------------------
# The plan draft
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme_id", list(CASES))
def test_the_plan_draft_follows_the_schemes_headings_in_order(scheme_id: str) -> None:
    kit, _ = kit_of(CASES[scheme_id])
    scheme = scheme_for(scheme_id)
    assert scheme.plan is not None
    assert [s.id for s in kit.plan] == [h.id for h in scheme.plan.headings]
    markdown, plain = plan_markdown(kit), plan_plain(kit)
    lines = [line for line in markdown.splitlines() if line.startswith(("## ", "### "))]
    assert len(lines) == len(scheme.plan.headings)
    for line, heading in zip(lines, scheme.plan.headings, strict=True):
        assert heading.title in line and line.startswith("### " if heading.parent else "## ")
    for heading in scheme.plan.headings:
        assert heading.guidance in plain
        assert heading.citation.quote in plain
    assert TO_WRITE in markdown and TO_WRITE in plain


def test_ibaraki_draft_lists_the_items_by_category_with_amounts() -> None:
    kit, _ = kit_of(IBARAKI)
    equipment = sections(kit)["equipment"]
    assert equipment.filled == (
        "（１）介護ソフト: 介護記録ソフト 1,200,000円（税抜）",
        "（２）情報端末: タブレット端末 10台 500,000円（税抜）",
        "（３）通信環境機器等: Wi-Fiルーター設置 150,000円（税抜）",
        "通信費: インターネット回線 月額 60,000円（税抜）（補助の対象外）",
        "パソコン・プリンター: 事務用パソコン 150,000円（税抜）（補助の対象外）",
    )
    assert not equipment.to_write
    # Nothing in the case answers these: only the facility can write them.
    for heading in ("purpose", "effects", "life", "data_link", "workflow", "team", "training", "support"):
        assert sections(kit)[heading].filled == () and sections(kit)[heading].to_write
    assert "- （１）介護ソフト: 介護記録ソフト 1,200,000円（税抜）" in plan_markdown(kit)
    assert "・（１）介護ソフト: 介護記録ソフト 1,200,000円（税抜）" in plan_plain(kit)


def test_yamaguchi_draft_answers_the_rate_conditions_the_case_claims() -> None:
    kit, result = kit_of(YAMAGUCHI)
    assert result.rate == "3/4"
    claimed = sections(kit)["life_csv"]
    assert claimed.filled == (
        "有（予定を含む）。補助率を上げる要件「ア LIFEへのCSV連携」を満たすとして試算しています。",
    )
    assert claimed.to_write  # the details are the facility's
    assert sections(kit)["careplan_data_link"].filled == ()
    assert sections(kit)["halve_documents"].filled == ()
    assert sections(kit)["equipment"].filled == (
        "①ソフトウェア: 介護ソフト 300,000円（税抜）",
        "②ハードウェア: タブレット端末 数量3 180,000円（税抜）",
        "パソコン・プリンター: 事務用プリンター 40,000円（税抜）（補助の対象外）",
    )


def test_hoshizora_draft_answers_both_conditions_and_details_a_partly_counted_item() -> None:
    kit, _ = kit_of(HOSHIZORA)
    claimed = "有（予定を含む）。補助率を上げる要件"
    assert sections(kit)["time_target"].filled[0].startswith(f"{claimed}「ア 業務時間の削減目標」")
    assert sections(kit)["report"].filled[0].startswith(f"{claimed}「イ 効果の報告」")
    assert "(2)タブレット端末等: タブレット 10㎝ 数量4 480,000円（税抜）（うち補助対象 400,000円）" in (
        sections(kit)["equipment"].filled
    )


def test_a_detail_heading_sits_under_its_heading() -> None:
    kit, _ = kit_of(IBARAKI)
    markdown = plan_markdown(kit)
    assert "## 5. データ連携の有無（予定を含む）（文書が求める内容）" in markdown
    assert "### 連携先（文書が求める内容）" in markdown
    assert "## 6. ICT導入による業務フローの見直し\n" in markdown  # desirable: not marked as required


def test_what_the_user_typed_cannot_make_markdown() -> None:
    raw = {**YAMAGUCHI, "facility_name": "# 見出し *強調* [リンク](x)"}
    kit, _ = kit_of(raw)
    assert "事業所名: \\# 見出し \\*強調\\* \\[リンク\\](x)" in plan_markdown(kit)


# ---------------------------------------------------------------------------------------------------
# The checklist
# ---------------------------------------------------------------------------------------------------


def test_yamaguchi_checklist_says_how_and_where_each_document_goes() -> None:
    kit, _ = kit_of(YAMAGUCHI)
    documents = {c.text: c.detail for c in kit.checklist if c.group == "documents"}
    assert list(documents) == [
        "補助金交付申請書（第1号様式）",
        "導入計画書（別紙1）",
        "経費所要額調書（別紙2）",
        "収支予算書（別紙3）",
        "誓約書（別紙4）",
        "見積書（写し可）",
        "カタログ等参考となる資料（写し可）",
    ]
    assert documents["誓約書（別紙4）"].startswith("メールで提出。メール: kaigo.ictsuishin@pref.yamaguchi.lg.jp")
    assert "郵送" not in documents["誓約書（別紙4）"]
    assert documents["見積書（写し可）"].startswith("メールか郵送で提出。")
    assert "郵送: 〒753-8501 山口市滝町1-1 山口県 健康福祉部 長寿社会課 介護保険班" in documents["見積書（写し可）"]
    assert documents["カタログ等参考となる資料（写し可）"].startswith("郵送で提出。郵送: 〒753-8501")
    texts = [c.text for c in kit.checklist]
    assert "SECURITY ACTIONを自己宣言する" in texts
    window = next(c for c in kit.checklist if c.id == "window")
    assert window.text.startswith("受付期間: 令和4年7月19日（火）から令和4年8月31日（水）まで")
    assert status(scheme_for("yamaguchi-2022"), DAY)[1] in window.detail


def test_the_window_status_follows_the_day() -> None:
    scheme = scheme_for("hoshizora-2026")
    for day, word in ((datetime.date(2026, 5, 1), "受付前"), (DAY, "受付中"), (datetime.date(2026, 8, 1), "受付終了")):
        kit, _ = kit_of(HOSHIZORA, day)
        window = next(c for c in kit.checklist if c.id == "window")
        assert window.detail.endswith(status(scheme, day)[1]) and word in window.detail


def test_hoshizora_checklist_has_the_completion_deadline_and_the_characters_to_fix() -> None:
    kit, _ = kit_of(HOSHIZORA)
    by_id = {c.id: c for c in kit.checklist}
    assert by_id["completion"].text == "事業の完了期限: 令和9年2月26日"
    assert by_id["characters"].text == "使えない文字を直す（4か所: facility_name、note、items[0].name、items[1].name）"
    assert "導入計画書（様式第2号）" in [c.text for c in kit.checklist if c.group == "documents"]
    assert "plan" not in by_id  # the plan is one of the documents already


def test_ibaraki_checklist_names_security_action_and_the_plan_and_sends_to_the_prefecture() -> None:
    kit, _ = kit_of(IBARAKI)
    texts = [c.text for c in kit.checklist]
    assert "（４） セキュリティ対策を行う" in texts
    assert "ICT導入計画" in texts
    assert "提出書類と提出先を県の案内で確かめる" in texts
    assert next(c for c in kit.checklist if c.id == "window").text == "受付期間を県の案内で確かめる"


# ---------------------------------------------------------------------------------------------------
# Every text says it is not the prefecture's form
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme_id", list(CASES))
def test_every_text_says_the_prefectures_forms_are_submitted(scheme_id: str) -> None:
    kit, _ = kit_of(CASES[scheme_id])
    for text in (kit_markdown(kit), kit_plain(kit), plan_markdown(kit), plan_plain(kit)):
        assert NOT_THE_FORM in text
    assert NOT_THE_FORM in expense_csv(kit).decode("utf-8-sig")
    assert "提出するのは県の様式です" in NOT_THE_FORM


def test_the_forms_are_linked_where_the_data_has_their_address() -> None:
    kit, _ = kit_of(HOSHIZORA)
    assert "県の様式と要綱: https://www.pref.hoshizora.example/kaigo-tech/" in plan_plain(kit)
    assert "https://www.pref.hoshizora.example/kaigo-tech/" in kit_markdown(kit)
    kit, _ = kit_of(YAMAGUCHI)
    assert "県の様式と要綱" not in kit_markdown(kit)


def test_the_kit_is_plain_json() -> None:
    kit, _ = kit_of(HOSHIZORA)
    data = json.loads(json.dumps(kit.to_dict(), ensure_ascii=False))
    assert data["plan_markdown"] == plan_markdown(kit)
    assert data["findings"][0] == {"field": "facility_name", "character": "①", "position": 3}


# ---------------------------------------------------------------------------------------------------
# The expense table as CSV
# ---------------------------------------------------------------------------------------------------


def read_csv(data: bytes) -> tuple[list[list[str]], list[list[str]]]:
    """(item rows, summary rows) of the kit's CSV, read back as Excel would."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header, summary = rows.index(list(EXPENSE_COLUMNS)), rows.index(list(SUMMARY_COLUMNS))
    return rows[header + 1 : summary - 1], rows[summary + 1 :]


@pytest.mark.parametrize("scheme_id", list(CASES))
def test_the_csv_read_back_equals_the_results_figures(scheme_id: str) -> None:
    kit, result = kit_of(CASES[scheme_id])
    data = expense_csv(kit)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") > 5  # every line ends CRLF, none a bare LF
    items, summary = read_csv(data)
    assert len(items) == len(result.items)
    for row, item in zip(items, result.items, strict=True):
        assert int(row[0]) == item.index + 1 and row[1] == item.name
        assert int(row[6]) == item.amount_yen and int(row[7]) == item.consumption_tax_yen
        assert int(row[8]) == item.amount_yen + item.consumption_tax_yen
        assert int(row[10]) == item.eligible_yen
        assert row[11] == " ".join(
            f"{r.text}（出典: {r.citation.clause.clause}「{r.citation.quote}」）" for r in item.reasons
        )
    totals = dict(summary)
    assert int(totals["補助額"]) == result.subsidy_yen
    assert int(totals["補助対象経費"]) == result.eligible_expense_yen
    assert int(totals["上限額（これまでの補助を引いた額）"]) == result.remaining_cap_yen
    assert int(totals["経費の総額（税込）"]) == result.total_cost_yen
    assert int(totals["自己負担額"]) == result.self_pay_yen
    assert sum(int(r[10]) for r in items) == result.eligible_expense_yen or result.menus


def test_the_csv_gives_quantity_unit_price_and_each_menu() -> None:
    kit, result = kit_of(HOSHIZORA)
    items, summary = read_csv(expense_csv(kit))
    assert items[1][2:6] == ["(2)タブレット端末等", "購入", "4", "120000"]
    assert items[1][9:11] == ["対象", "400000"]
    totals = dict(summary)
    for menu in result.menus:
        assert int(totals[f"区分「{menu.title}」の補助額"]) == menu.subsidy_yen
        assert int(totals[f"区分「{menu.title}」の上限額"]) == menu.cap_yen
    assert totals["補助率"] == "4分の3"  # words: Excel would read 3/4 as a date


def test_the_csv_shows_the_range_of_readings_and_an_excluded_rows_reason() -> None:
    kit, _result = kit_of(IBARAKI)
    items, summary = read_csv(expense_csv(kit))
    assert dict(summary)["補助額の幅（文書の読み方による）"] == ("925,000円〜1,000,000円")
    assert items[4][9] == "対象外" and "パソコンやプリンター" in items[4][11]


def test_the_csv_quotes_what_would_break_a_row() -> None:
    name = '介護ソフト "A", 改行\nあり'
    kit, _ = kit_of({**YAMAGUCHI, "items": [{"category": "care_software", "name": name, "amount_yen": 1000}]})
    data = expense_csv(kit)
    assert '"介護ソフト ""A"", 改行\nあり"'.encode() in data
    items, _ = read_csv(data)
    assert [row[1] for row in items] == [name]


def test_the_plain_text_file_opens_as_utf8_in_word_and_notepad(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert text_file("一\n二\r\n") == "\ufeff一\r\n二\r\n".encode()
    out = tmp_path / "kit.txt"
    assert run(["kit", write_case(tmp_path, YAMAGUCHI), "--format", "txt", "-o", str(out)], cli_env).returncode == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == data.count(b"\r\n")
    assert data.decode("utf-8-sig").replace("\r\n", "\n") == kit_plain(kit_of(YAMAGUCHI, datetime.date.today())[0])


# ---------------------------------------------------------------------------------------------------
# Refused characters (環境依存文字)
# ---------------------------------------------------------------------------------------------------


def test_hoshizora_flags_each_refused_character_with_its_field() -> None:
    kit, _ = kit_of(HOSHIZORA)
    assert [(f.field, f.character, f.position) for f in kit.findings] == [
        ("facility_name", "①", 3),
        ("note", "髙", 1),
        ("items[0].name", "Ⅱ", 6),
        ("items[1].name", "㎝", 9),
    ]
    assert "facility_name: 「①」（3文字目）は使えない文字です" in kit_plain(kit)


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("①②⑳", "①②⑳"),
        ("ⅠⅡⅻ", "ⅠⅡⅻ"),
        ("㎝㎏㍉㈱", "㎝㎏㍉㈱"),
        ("髙﨑", "髙﨑"),
        ("😀", "😀"),
        # JIS X 0208 as typed on any machine, Windows' code points for the same characters included.
        ("介護記録ソフト ａｂｃ ABC ｱｲｳ 〜～−－ ￥\\「」（）・", ""),
        ("", ""),
    ],
)
def test_what_counts_as_a_refused_character(text: str, refused: str) -> None:
    scheme = scheme_for("hoshizora-2026")
    assert "".join(f.character for f in forbidden_characters(scheme, {"note": text})) == refused


@pytest.mark.parametrize("scheme_id", ["ibaraki-2023", "yamaguchi-2022"])
def test_a_scheme_that_says_nothing_flags_nothing(scheme_id: str) -> None:
    kit, _ = kit_of({**CASES[scheme_id], "facility_name": "①髙"})
    assert kit.findings == () and "使えない文字" not in kit_markdown(kit)
    assert "characters" not in {c.id for c in kit.checklist}


# ---------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------


def test_kit_writes_markdown_to_stdout(cli_env: dict[str, str], tmp_path: Path) -> None:
    done = run(["kit", write_case(tmp_path, YAMAGUCHI)], cli_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# 申請の準備キット: 山口県 令和4年度 介護事業所ICT導入推進事業補助金\n")
    assert "- [ ] 誓約書（別紙4） — メールで提出。" in done.stdout
    assert TO_WRITE in done.stdout and done.stderr == ""


def test_kit_writes_the_csv_to_a_file_with_bom_and_crlf(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "経費.csv"
    done = run(["kit", write_case(tmp_path, YAMAGUCHI), "--format", "csv", "-o", str(out)], cli_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"書き出しました: {out}\n"
    data = out.read_bytes()
    kit, result = kit_of(YAMAGUCHI)
    assert data == expense_csv(kit)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert int({r[0]: r[1] for r in read_csv(data)[1]}["補助額"]) == result.subsidy_yen == 360000


def test_kit_plain_text_for_a_scheme_file_of_ones_own(cli_env: dict[str, str], tmp_path: Path) -> None:
    scheme = str(TEST_SCHEMES / "hoshizora-2026.toml")
    done = run(["kit", write_case(tmp_path, HOSHIZORA), "--format", "txt", "--scheme-file", scheme], cli_env)
    assert done.returncode == 0, done.stderr
    assert "■ 使えない文字（環境依存文字）" in done.stdout
    assert "items[1].name: 「㎝」（9文字目）は使えない文字です" in done.stdout


def test_kit_refuses_bad_input_with_the_fields_named(cli_env: dict[str, str], tmp_path: Path) -> None:
    bad = {"scheme": "yamaguchi-2022", "items": [{"category": "care_software", "amount_yen": -5}]}
    done = run(["kit", write_case(tmp_path, bad)], cli_env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "入力に誤りがあります:\n  items[0].amount_yen: 金額はマイナスにできません（「-5」）\n"
    done = run(["kit", write_case(tmp_path, YAMAGUCHI), "-o", str(tmp_path / "no" / "x.md")], cli_env)
    assert done.returncode == 2
    assert done.stderr.endswith("に書き出せません（フォルダがないか、書き込めない場所です）\n")
    assert run(["kit", write_case(tmp_path, YAMAGUCHI), "--format", "pdf"], cli_env).returncode == 2
    assert run(["kit", str(tmp_path / "missing.json")], cli_env).returncode == 2


# ---------------------------------------------------------------------------------------------------
# The worker's message (calculator/_web.py's kit): what the page kit.mjs gets
# ---------------------------------------------------------------------------------------------------


def test_the_worker_message_carries_the_kit_the_files_and_what_was_written() -> None:
    from calculator._web import kit

    answers = {"purpose": "記録の転記をなくす", "no_such_heading": "x", "ikkan": 5}
    message = json.loads(kit(json.dumps(YAMAGUCHI), json.dumps(answers), "2022-08-01"))
    assert message["type"] == "kit"
    made, _ = kit_of(YAMAGUCHI, datetime.date(2022, 8, 1))
    expected = make_kit(
        calculator.load_case(YAMAGUCHI),
        scheme_for("yamaguchi-2022"),
        calculator.simulate(YAMAGUCHI),
        datetime.date(2022, 8, 1),
        {"purpose": "記録の転記をなくす"},
    )
    assert message["kit"] == json.loads(json.dumps(expected.to_dict(), ensure_ascii=False))
    assert message["kit"]["plan"][0]["answer"] == "記録の転記をなくす" and not message["kit"]["plan"][0]["to_write"]
    assert "受付中: 令和4年8月31日まで" in next(c for c in message["kit"]["checklist"] if c["id"] == "window")["detail"]
    assert message["files"]["expenses.csv"].encode() == expense_csv(made)
    assert message["files"]["plan.txt"].encode() == text_file(plan_plain(expected))
    assert message["files"]["plan.md"] == plan_markdown(expected)
    assert "記録の転記をなくす" in message["files"]["plan.md"]


def test_the_worker_message_for_a_bad_case_is_the_clis_messages() -> None:
    from calculator._web import kit

    bad = {"scheme": "yamaguchi-2022", "items": [{"category": "care_software", "amount_yen": -5}]}
    assert json.loads(kit(json.dumps(bad), "{}", "2026-11-30")) == {
        "type": "invalid",
        "errors": [{"field": "items[0].amount_yen", "message": "金額はマイナスにできません（「-5」）"}],
    }


def test_what_is_written_under_a_heading_is_checked_for_refused_characters() -> None:
    scheme = scheme_for("hoshizora-2026")
    case = calculator.load_case({**HOSHIZORA, "facility_name": "", "note": "", "items": []}, scheme)
    made = make_kit(case, scheme, calculator.simulate(case, scheme), DAY, {"purpose": "目標Ⅰ", "time_target": " "})
    assert [(f.field, f.character) for f in made.findings] == [("plan.purpose", "Ⅰ")]
    assert sections(made)["time_target"].to_write  # blank is not an answer
