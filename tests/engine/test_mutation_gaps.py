"""Behaviour that mutation testing (mutmut) showed no test pinned down.

Each expected figure and sentence below is worked out from the engine's rules and the scheme files
(calculator/schemes/*.toml, tests/engine/schemes/mirai-2030.toml), which quote the source documents
in sources/. The golden cases check the figures; these check what an operator reads next to them:
the steps, the reasons for each item, the messages for bad input, and the case file written back.
"""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator.__main__ import main
from calculator._amounts import parse_staff, parse_yen
from calculator._case import parse_case, read_case_file, scheme_id_of
from tests.engine.conftest import ROOT, TEST_SCHEMES, scheme_for

YAMAGUCHI = calculator.get_scheme("yamaguchi-2022")
IBARAKI = calculator.get_scheme("ibaraki-2023")
MIRAI = scheme_for("mirai-2030")

# The two facts a category's `requires_any` may name, as the engine words them (yamaguchi ②～⑤).
IKKAN = "既に一気通貫（転記なしに記録・情報共有・請求ができること）が実現していること"
SOFTWARE = "一貫で行える介護ソフトを同じ申請で導入すること"


def steps(result: calculator.Result) -> list[tuple[str, str, int | None, str]]:
    return [(s.id, s.text, s.amount_yen, s.citation.anchor) for s in result.steps]


def reasons(decision: calculator.ItemDecision) -> list[tuple[str, str]]:
    return [(r.text, r.citation.anchor) for r in decision.reasons]


def field_errors(data: object, scheme: calculator.Scheme) -> list[tuple[str, str]]:
    with pytest.raises(calculator.InputError) as raised:
        parse_case(data, scheme)
    return [(e.field, e.message) for e in raised.value.errors]


# ---------------------------------------------------------------------------------------------------
# Amounts as operators write them (_amounts.py)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "yen"),
    [
        ("1 200 000", 1_200_000),  # spaces between digit groups
        ("１２０　万円", 1_200_000),  # a full-width space before the unit
        ("\\1,000", 1_000),  # the backslash that Japanese keyboards and fonts show as ¥
        (10**12, 10**12),  # 1兆円 itself is still accepted (MAX_YEN)
    ],
)
def test_parse_yen_more_ways_of_writing(written: object, yen: int) -> None:
    assert parse_yen(written) == yen


@pytest.mark.parametrize("written", ["−5000", "△5000"])  # U+2212 minus and the triangle of Japanese accounts
def test_parse_yen_reads_other_minus_signs_as_minus(written: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_yen(written)
    assert str(raised.value) == f"金額はマイナスにできません（「{written}」）"


def test_long_input_is_shortened_to_30_characters_in_messages() -> None:
    with pytest.raises(ValueError) as raised:
        parse_yen("x" * 30)
    assert str(raised.value) == f"金額を数値で入力してください（「{'x' * 30}」は読み取れません）"
    with pytest.raises(ValueError) as raised:
        parse_yen("x" * 31)
    assert str(raised.value) == f"金額を数値で入力してください（「{'x' * 29}…」は読み取れません）"


def test_parse_staff_accepts_the_maximum() -> None:
    assert parse_staff(100_000) == Fraction(100_000)


# ---------------------------------------------------------------------------------------------------
# Case files and case messages, in process (the CLI tests run a subprocess that mutmut cannot see)
# ---------------------------------------------------------------------------------------------------


def test_case_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "case.json"  # as Windows Notepad saves UTF-8
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"scheme": "yamaguchi-2022", "items": []}).encode())
    assert read_case_file(path) == {"scheme": "yamaguchi-2022", "items": []}


def test_case_file_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "CASE.TOML"
    path.write_text('scheme = "yamaguchi-2022"\nitems = []\n', encoding="utf-8")
    assert read_case_file(path) == {"scheme": "yamaguchi-2022", "items": []}


def test_case_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_bytes('{"scheme": "山口"}'.encode("cp932"))
    with pytest.raises(calculator.InputError) as raised:
        read_case_file(path)
    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("", f"ケースファイル「{path}」を読めません（UTF-8 のテキストではありません）")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "ケースファイルの中身は { ... } のオブジェクトにしてください"),
        (
            "{not json",
            "ケースファイル「case.json」は JSON として読めません"
            "（1行2列: Expecting property name enclosed in double quotes）",
        ),
    ],
)
def test_case_file_refusals_in_process(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "case.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(calculator.InputError) as raised:
        read_case_file(path)
    assert [(e.field, e.message) for e in raised.value.errors] == [("", message)]
    missing = tmp_path / "none.json"
    with pytest.raises(calculator.InputError) as raised:
        read_case_file(missing)
    assert [(e.field, e.message) for e in raised.value.errors] == [("", f"ケースファイル「{missing}」が見つかりません")]


def test_toml_case_file_refused_in_process(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    path.write_text("scheme = ", encoding="utf-8")
    with pytest.raises(calculator.InputError) as raised:
        read_case_file(path)
    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("", "ケースファイル「case.toml」は TOML として読めません（Invalid value (at end of document)）")
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ([], ("", "ケースは { ... } のオブジェクトにしてください")),
        ({"items": []}, ("scheme", '制度（例: "ibaraki-2023"）を指定してください')),
        ({"scheme": 2023}, ("scheme", '制度は "ibaraki-2023" のような文字列で指定してください')),
        ({"scheme": "  "}, ("scheme", '制度は "ibaraki-2023" のような文字列で指定してください')),
    ],
)
def test_scheme_id_of_refusals(data: object, error: tuple[str, str]) -> None:
    with pytest.raises(calculator.InputError) as raised:
        scheme_id_of(data)
    assert [(e.field, e.message) for e in raised.value.errors] == [error]


def test_scheme_id_is_stripped_and_must_match_a_given_scheme() -> None:
    assert scheme_id_of({"scheme": " yamaguchi-2022 "}) == "yamaguchi-2022"
    with pytest.raises(calculator.InputError) as raised:
        calculator.load_case({"scheme": "ibaraki-2023", "items": []}, YAMAGUCHI)
    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("scheme", "ケースの制度「ibaraki-2023」と指定の制度「yamaguchi-2022」が違います")
    ]


def test_parse_case_refuses_what_is_not_an_object() -> None:
    assert field_errors(["scheme"], YAMAGUCHI) == [("", "ケースは { ... } のオブジェクトにしてください")]


def _yamaguchi(**fields: Any) -> dict[str, Any]:
    return {"scheme": "yamaguchi-2022", "items": [], **fields}


def _item(**fields: Any) -> dict[str, Any]:
    return {"category": "care_software", "amount_yen": 100_000, **fields}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (_yamaguchi(items=[5]), [("items[0]", '経費は { "category": ..., "amount_yen": ... } の形で指定してください')]),
        (_yamaguchi(items=[{"amount_yen": 1}]), [("items[0].category", "経費の区分を指定してください")]),
        (
            _yamaguchi(items=[_item(payment="cash")]),
            [
                (
                    "items[0].payment",
                    "「cash」という支払方法はありません（purchase: 購入、lease: リース・レンタル、monthly: 月額払い）",
                )
            ],
        ),
        (
            _yamaguchi(items=[_item(recurring="yes")]),
            [("items[0].recurring", "true（恒常的な費用）か false（一回限り）で指定してください（「yes」）")],
        ),
        (
            _yamaguchi(items=[_item(before_decision="yes")]),
            [("items[0].before_decision", "true（はい）か false（いいえ）で指定してください（「yes」）")],
        ),
        (
            _yamaguchi(items=[_item(), _item(consumption_tax_yen=-1)]),
            [("items[1].consumption_tax_yen", "金額はマイナスにできません（「-1」）")],
        ),
        (
            _yamaguchi(items=[_item(other_subsidy_yen="x")]),
            [("items[0].other_subsidy_yen", "金額を数値で入力してください（「x」は読み取れません）")],
        ),
        # Without an amount only the amount is reported, not "other subsidy exceeds the amount".
        (
            _yamaguchi(items=[{"category": "devices", "other_subsidy_yen": 5}]),
            [("items[0].amount_yen", "金額を入力してください")],
        ),
        (_yamaguchi(items=[_item(name=5)]), [("items[0].name", "文字列で入力してください")]),
        (_yamaguchi(items=[_item(name="あ" * 201)]), [("items[0].name", "200文字以内で入力してください")]),
        (
            _yamaguchi(items=[_item(colour="red")]),
            [("items[0].colour", "「colour」という項目はこの制度のケースにありません（綴りを確認してください）")],
        ),
        (_yamaguchi(items="many"), [("items", "経費（items）は [ ... ] の配列で指定してください")]),
        (_yamaguchi(items=[_item()] * 201), [("items", "経費は200行までにしてください")]),
        (
            _yamaguchi(higher_rate_conditions=["life_csv", "life_csv"]),
            [("higher_rate_conditions[1]", "「life_csv」が2回指定されています")],
        ),
        (
            _yamaguchi(higher_rate_conditions="life_csv"),
            [("higher_rate_conditions", '["..."] のような文字列の配列で指定してください')],
        ),
        (_yamaguchi(requirements_met=[1]), [("requirements_met[0]", "文字列で指定してください")]),
        (
            _yamaguchi(prior_subsidy_yen="abc"),
            [("prior_subsidy_yen", "金額を数値で入力してください（「abc」は読み取れません）")],
        ),
        (
            _yamaguchi(prior_subsidy_count=-1),
            [("prior_subsidy_count", "これまでに補助を受けた回数を0以上の整数で入力してください")],
        ),
        (
            _yamaguchi(prior_subsidy_count=True),
            [("prior_subsidy_count", "これまでに補助を受けた回数を0以上の整数で入力してください")],
        ),
        (
            _yamaguchi(prior_subsidy_yen=100_000, prior_subsidy_count=0),
            [
                (
                    "prior_subsidy_count",
                    "これまでの補助額（prior_subsidy_yen）と回数が食い違っています（額が0円なら回数も0）",
                )
            ],
        ),
        (
            _yamaguchi(prior_subsidy_count=1),
            [
                (
                    "prior_subsidy_count",
                    "これまでの補助額（prior_subsidy_yen）と回数が食い違っています（額が0円なら回数も0）",
                )
            ],
        ),
        (_yamaguchi(facility_name=["さくら苑"]), [("facility_name", "文字列で入力してください")]),
        (_yamaguchi(facility_name="あ" * 201), [("facility_name", "200文字以内で入力してください")]),
        (_yamaguchi(note="あ" * 2001), [("note", "2000文字以内で入力してください")]),
        (
            {"scheme": "yamaguchi-2022"},
            [("items", "経費（items）を配列で指定してください（まだなければ []）")],
        ),
        (
            _yamaguchi(items=[{"category": "devices", "amount_yen": 100, "other_subsidy_yen": 200}]),
            [("items[0].other_subsidy_yen", "他の補助金で補助を受ける部分（200円）が金額（税抜 100円）を超えています")],
        ),
        (
            _yamaguchi(higher_rate_conditions=["halve"]),
            [
                (
                    "higher_rate_conditions[0]",
                    "「halve」は山口県 令和4年度の制度にありません。使えるのは life_csv（ア LIFEへのCSV連携）、"
                    "careplan_data_link（イ ケアプランのデータ連携）、halve_documents（ウ 文書量の半減）",
                )
            ],
        ),
        (
            _yamaguchi(ikkan_achieved=1),
            [("ikkan_achieved", "true（はい）か false（いいえ）で指定してください（「1」）")],
        ),
    ],
)
def test_case_messages_name_the_field(data: dict[str, Any], errors: list[tuple[str, str]]) -> None:
    assert field_errors(data, YAMAGUCHI) == errors


def test_staff_label_has_a_default_where_the_scheme_names_none(tmp_path: Path) -> None:
    # The loader allows a by-staff cap without `staff_label`; the message then uses a generic label.
    source = (ROOT / "calculator" / "schemes" / "ibaraki-2023.toml").read_text(encoding="utf-8")
    path = tmp_path / "ibaraki-2023.toml"
    path.write_text(source.replace('staff_label = "ICTの活用が見込まれる職員数（常勤換算）"\n', ""), encoding="utf-8")
    scheme = calculator.load_scheme(path)
    assert scheme.cap.staff_label == ""
    assert field_errors({"scheme": "ibaraki-2023", "items": []}, scheme) == [
        ("ict_staff_fte", "ICTを活用する職員数（常勤換算）を入力してください（上限額がこの人数で決まります）")
    ]


def test_case_file_that_cannot_be_opened(tmp_path: Path) -> None:
    try:
        tmp_path.read_text(encoding="utf-8")  # a folder: the system's own words for why (e.g. "Is a directory")
    except OSError as error:
        reason = error.strerror
    with pytest.raises(calculator.InputError) as raised:
        read_case_file(tmp_path)
    assert [(e.field, e.message) for e in raised.value.errors] == [
        ("", f"ケースファイル「{tmp_path}」を読めません（{reason}）")
    ]


def test_case_messages_of_other_schemes() -> None:
    assert field_errors({"scheme": "ibaraki-2023", "items": []}, IBARAKI) == [
        ("ict_staff_fte", "ICTの活用が見込まれる職員数（常勤換算）を入力してください（上限額がこの人数で決まります）")
    ]
    assert field_errors({"scheme": "ibaraki-2023", "ict_staff_fte": "十人", "items": []}, IBARAKI) == [
        ("ict_staff_fte", "人数を数値で入力してください（「十人」は読み取れません）")
    ]
    assert field_errors({"scheme": "mirai-2030", "requirements_met": ["security"], "items": []}, MIRAI) == [
        (
            "requirements_met[0]",
            "「security」はみらい県 令和12年度の制度にありません。使えるのは plan（導入計画を提出する）",
        )
    ]
    assert field_errors({"scheme": "mirai-2030", "higher_rate_conditions": ["life_csv"], "items": []}, MIRAI) == [
        (
            "higher_rate_conditions[0]",
            "「life_csv」はみらい県 令和12年度の制度にありません。この制度には補助率を上げる要件がありません。",
        )
    ]


def test_every_problem_is_reported_in_field_order() -> None:
    data = {
        "scheme": "ibaraki-2023",
        "facility": "さくら苑",
        "higher_rate_conditions": ["life_csv"],
        "prior_subsidy_yen": -1,
        "items": [{"category": "tablet", "amount_yen": "たくさん"}],
        "ikkan_achieved": "はい",
        "note": 5,
    }
    assert field_errors(data, IBARAKI) == [
        ("facility", "「facility」という項目はこの制度のケースにありません（綴りを確認してください）"),
        ("ict_staff_fte", "ICTの活用が見込まれる職員数（常勤換算）を入力してください（上限額がこの人数で決まります）"),
        (
            "higher_rate_conditions[0]",
            "「life_csv」は茨城県 令和5年度の制度にありません。この制度には補助率を上げる要件がありません。",
        ),
        ("prior_subsidy_yen", "金額はマイナスにできません（「-1」）"),
        (
            "items[0].category",
            "「tablet」という区分はありません（使えるのは care_software, devices, network, maintenance, "
            "back_office, pc_printer, communication_fee, development_platform, other）",
        ),
        ("items[0].amount_yen", "金額を数値で入力してください（「たくさん」は読み取れません）"),
        ("ikkan_achieved", "true（はい）か false（いいえ）で指定してください（「はい」）"),
        ("note", "文字列で入力してください"),
    ]


def test_input_error_text_and_json_form() -> None:
    error = calculator.InputError(
        [
            calculator.FieldError("", "ケースは { ... } のオブジェクトにしてください"),
            calculator.FieldError("items", "x"),
        ]
    )
    assert str(error) == "ケースは { ... } のオブジェクトにしてください\nitems: x"
    assert error.to_dict() == {
        "errors": [
            {"field": "", "message": "ケースは { ... } のオブジェクトにしてください"},
            {"field": "items", "message": "x"},
        ]
    }


def test_accepted_case_keeps_names_notes_and_limits() -> None:
    case = parse_case(
        _yamaguchi(
            facility_name=" さくら苑 ",
            note="あ" * 2000,
            prior_subsidy_count=0,
            items=[_item(name=" 介護ソフト "), _item(name="い" * 200), _item(), _item(name=None)],
        ),
        YAMAGUCHI,
    )
    assert case.facility_name == "さくら苑"
    assert case.note == "あ" * 2000
    assert case.ict_staff_fte is None  # a fixed cap needs no head count
    assert (case.prior_subsidy_yen, case.prior_subsidy_count) == (0, 0)
    assert [i.name for i in case.items] == ["介護ソフト", "い" * 200, "経費3", "経費4"]
    assert len(parse_case(_yamaguchi(items=[_item()] * 200), YAMAGUCHI).items) == 200


# ---------------------------------------------------------------------------------------------------
# Case.to_dict: the case file the simulator saves and the CLI reads back
# ---------------------------------------------------------------------------------------------------


def test_case_to_dict_writes_the_case_file_form_and_reads_back() -> None:
    raw = {
        "scheme": "yamaguchi-2022",
        "facility_name": "さくら苑",
        "ikkan_achieved": True,
        "higher_rate_conditions": ["halve_documents"],
        "prior_subsidy_yen": "10万円",
        "prior_subsidy_count": 2,
        "requirements_met": ["facility"],
        "note": "見積り 2022-07",
        "items": [
            {"category": "care_software", "name": "介護ソフト", "amount_yen": "30万円", "consumption_tax_yen": 30000},
            {
                "category": "devices",
                "amount_yen": 100000,
                "payment": "lease",
                "other_subsidy_yen": 20000,
                "before_decision": True,
                "recurring": False,
            },
        ],
    }
    case = parse_case(raw, YAMAGUCHI)
    written = case.to_dict()
    assert written == {
        "scheme": "yamaguchi-2022",
        "facility_name": "さくら苑",
        "ikkan_achieved": True,
        "higher_rate_conditions": ["halve_documents"],
        "prior_subsidy_yen": 100000,
        "prior_subsidy_count": 2,
        "requirements_met": ["facility"],
        "items": [
            {
                "category": "care_software",
                "name": "介護ソフト",
                "amount_yen": 300000,
                "consumption_tax_yen": 30000,
                "payment": "purchase",
            },
            {
                "category": "devices",
                "name": "経費2",
                "amount_yen": 100000,
                "consumption_tax_yen": 0,
                "payment": "lease",
                "other_subsidy_yen": 20000,
                "before_decision": True,
                "recurring": False,
            },
        ],
        "note": "見積り 2022-07",
    }
    assert parse_case(json.loads(json.dumps(written, ensure_ascii=False)), YAMAGUCHI) == case


def test_case_to_dict_leaves_out_what_is_default() -> None:
    case = parse_case(
        {"scheme": "ibaraki-2023", "ict_staff_fte": "10.5", "prior_subsidy_yen": 1000, "items": []}, IBARAKI
    )
    assert case.to_dict() == {
        "scheme": "ibaraki-2023",
        "ict_staff_fte": 10.5,
        "ikkan_achieved": False,
        "higher_rate_conditions": [],
        "prior_subsidy_yen": 1000,  # one earlier subsidy is what the count defaults to
        "items": [],
    }
    whole = parse_case({"scheme": "ibaraki-2023", "ict_staff_fte": "１２人", "items": []}, IBARAKI).to_dict()
    assert whole["ict_staff_fte"] == 12
    assert isinstance(whole["ict_staff_fte"], int)
    assert "prior_subsidy_count" not in whole


# ---------------------------------------------------------------------------------------------------
# The explanation: steps, item reasons and the JSON contract (_rules.py, _result.py)
# ---------------------------------------------------------------------------------------------------


def _yamaguchi_with_higher_rate() -> calculator.Result:
    # ② listed before ①: the software is decided first, so the tablet meets 「②～⑤は(3)の要件が前提」.
    return calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "higher_rate_conditions": ["halve_documents", "life_csv"],
            "items": [
                {"category": "devices", "name": "タブレット端末", "amount_yen": 100000},
                {"category": "care_software", "name": "介護ソフト", "amount_yen": 123456},
            ],
        }
    )


def test_software_listed_after_a_device_still_makes_the_device_eligible() -> None:
    result = _yamaguchi_with_higher_rate()
    assert [(d.index, d.status, d.eligible_yen) for d in result.items] == [
        (0, "counted", 100000),
        (1, "counted", 123456),
    ]
    device, software = result.items
    assert reasons(device) == [
        ("補助対象経費「②ハードウェア」にあたります。", "yamaguchi-2022-expense-2"),
        (f"この区分の前提「{IKKAN}」または「{SOFTWARE}」を満たしています。", "yamaguchi-2022-expenses"),
    ]
    assert [(c.text, c.citation.anchor) for c in device.conditions] == [
        (
            "ICTを活用した生産性向上に効果のあるハードウェアに限ります（パソコン・プリンターは対象外）。",
            "yamaguchi-2022-expense-2",
        )
    ]
    assert reasons(software) == [("補助対象経費「①ソフトウェア」にあたります。", "yamaguchi-2022-expense-1")]
    category = YAMAGUCHI.category("care_software")
    assert category is not None
    assert [c.text for c in software.conditions] == [c.text for c in category.conditions]
    assert (software.name, software.category_title, software.payment) == ("介護ソフト", "①ソフトウェア", "purchase")


def test_any_counted_software_meets_the_precondition() -> None:
    # Another subsidy covers all but 1 yen of the software: what is left still counts, so ② is eligible.
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "items": [
                {"category": "devices", "amount_yen": 100000},
                {"category": "care_software", "amount_yen": 100000, "other_subsidy_yen": 99999},
            ],
        }
    )
    assert [(d.status, d.eligible_yen) for d in result.items] == [("counted", 100000), ("partly_counted", 1)]


def test_steps_with_the_higher_rate() -> None:
    # (100,000 + 123,456) × 3/4 = 167,592 → 千円未満切り捨て 167,000 ≤ 400,000
    assert steps(_yamaguchi_with_higher_rate()) == [
        (
            "eligible",
            "補助対象になる経費は2件、合計223,456円（税抜）です（対象外0件）。",
            223456,
            "yamaguchi-2022-expenses",
        ),
        (
            "rate",
            "要件（ア LIFEへのCSV連携、ウ 文書量の半減）を満たすため、補助率は4分の3です。",
            None,
            "yamaguchi-2022-condition-a",
        ),
        (
            "rate_amount",
            "対象経費223,456円×4分の3＝167,592円。千円未満を切り捨てて167,000円です。",
            167000,
            "yamaguchi-2022-amount",
        ),
        ("cap", "上限額は1事業所あたり400,000円です。", 400000, "yamaguchi-2022-amount"),
        (
            "subsidy",
            "補助率をかけた額167,000円は上限額400,000円以下のため、補助額は167,000円です。",
            167000,
            "yamaguchi-2022-amount",
        ),
    ]


def test_result_json_contract() -> None:
    data = _yamaguchi_with_higher_rate().to_dict()
    assert {k: v for k, v in data.items() if k not in {"items", "steps", "caveats", "requirements"}} == {
        "scheme": "yamaguchi-2022",
        "scheme_name": "山口県 令和4年度",
        "subsidy_yen": 167000,
        "eligible_expense_yen": 223456,
        "rate": "3/4",
        "rate_words": "4分の3",  # the engine's words for the rate (calculator/_vocabulary.py)
        "cap_yen": 400000,
        "remaining_cap_yen": 400000,
        "rate_amount_yen": 167000,
        "cap_binds": False,
        # the rate amount reaches 400,000 from 400,000 ÷ 3/4 = 533,333.3… → 533,334円
        "cap_binds_from_yen": 533334,
        "total_cost_yen": 223456,
        "self_pay_yen": 56456,
        "other_subsidy_yen": 0,
        "eligible": True,
        "ineligible_reasons": [],
        "subsidy_min_yen": 167000,
        "subsidy_max_yen": 167000,
        "alternatives": [],
        "menus": [],  # the shipped schemes have one cap, no menus
        "higher_rate_conditions": ["life_csv", "halve_documents"],  # in the scheme's order
        "requirements_met": [],
    }
    expenses = {
        "document": "令和4年度山口県介護事業所ICT導入推進事業補助金概要",
        "publisher": "山口県",
        "clause": "概要 2(4)",
        "quote": "当該年度中に係る次の経費のみを対象とし",
        "anchor": "yamaguchi-2022-expenses",
    }
    assert data["steps"][0] == {
        "id": "eligible",
        "text": "補助対象になる経費は2件、合計223,456円（税抜）です（対象外0件）。",
        "amount_yen": 223456,
        "citation": expenses,
    }
    device = data["items"][0]
    assert {k: v for k, v in device.items() if k not in {"reasons", "conditions"}} == {
        "index": 0,
        "name": "タブレット端末",
        "category": "devices",
        "category_title": "②ハードウェア",
        "payment": "purchase",
        "payment_words": "購入",
        "amount_yen": 100000,
        "consumption_tax_yen": 0,
        "eligible_yen": 100000,
        "status": "counted",
        "status_words": "対象",
    }
    assert device["reasons"][1] == {
        "text": f"この区分の前提「{IKKAN}」または「{SOFTWARE}」を満たしています。",
        "citation": {
            **expenses,
            "quote": "ただし、②から⑤までが交付の対象となるのは、前述（3）の要件を満たしていることが前提となる。",
        },
    }
    assert [set(c) for c in device["conditions"]] == [{"text", "citation"}]
    caveat = next(c for c in data["caveats"] if c["id"] == "yamaguchi-2022-selection-criteria")
    assert set(caveat) == {"id", "title", "text", "citation"}  # a caveat carries no label
    assert caveat["title"] == "予算を超える応募があった場合は選考があります"
    assert caveat["text"].startswith("予算を超える応募があった場合は、広く介護事業所")
    assert caveat["citation"]["anchor"] == "yamaguchi-2022-selection"
    # A caveat about the document itself is the scheme page's, never a result's (about_document).
    assert "yamaguchi-2022-schedule-missing" not in {c["id"] for c in data["caveats"]}
    project_a = next(r for r in data["requirements"] if r["id"] == "project_a")
    assert (project_a["label"], project_a["title"]) == ("ア", "一貫で行える介護ソフトを導入する")
    assert project_a["text"].startswith("記録業務・情報共有業務")
    facility = next(r for r in data["requirements"] if r["id"] == "facility")
    assert "label" not in facility  # no label in the scheme file: the key is left out


def test_requirements_listed_are_those_not_met_whose_conditions_hold() -> None:
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "ikkan_achieved": True,
            "requirements_met": ["facility", "security_action"],
            "items": [{"category": "devices", "amount_yen": 100000}],
        }
    )
    # project_a needs a care software in the case; project_i (already 一貫) applies without one.
    assert [r.id for r in result.requirements] == [
        "project_i",
        "project_u",
        "within_fiscal_year",
        "after_decision",
        "youkou",
    ]
    assert result.requirements_met == ("facility", "security_action")


def test_steps_without_a_higher_rate_condition_with_an_earlier_subsidy() -> None:
    # 199,999 × 1/2 = 99,999.5 → 99,000。400,000 − 250,000 = 150,000
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "prior_subsidy_yen": 250000,
            "items": [{"category": "care_software", "amount_yen": 199999}],
        }
    )
    assert steps(result)[1:] == [
        (
            "rate",
            "補助率を4分の3にする要件（ア・イ・ウ）のどれにもあたらないため、補助率は2分の1です。",
            None,
            "yamaguchi-2022-amount-base",
        ),
        (
            "rate_amount",
            "対象経費199,999円×2分の1＝99,999.5円。千円未満を切り捨てて99,000円です。",
            99000,
            "yamaguchi-2022-amount",
        ),
        ("cap", "上限額は1事業所あたり400,000円です。", 400000, "yamaguchi-2022-amount"),
        (
            "prior",
            "これまでに受けた補助250,000円を上限額から差し引き、今回の上限額は150,000円です。",
            150000,
            "yamaguchi-2022-second",
        ),
        (
            "subsidy",
            "補助率をかけた額99,000円は上限額150,000円以下のため、補助額は99,000円です。",
            99000,
            "yamaguchi-2022-amount",
        ),
    ]


def test_steps_when_earlier_subsidies_used_up_the_cap() -> None:
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "prior_subsidy_yen": 400000,
            "items": [{"category": "care_software", "amount_yen": 500000}],
        }
    )
    assert steps(result)[-2:] == [
        (
            "prior",
            "これまでに受けた補助400,000円が上限額400,000円に達しているため、今回の上限額は0円です。",
            0,
            "yamaguchi-2022-second",
        ),
        (
            "subsidy",
            "補助率をかけた額250,000円が上限額0円を超えるため、補助額は上限額の0円です。",
            0,
            "yamaguchi-2022-amount",
        ),
    ]


def test_rate_amount_equal_to_the_cap_is_not_said_to_exceed_it() -> None:
    # 800,000 × 1/2 = 400,000 exactly: no rounding sentence, and 「以下」 rather than 「超える」.
    result = calculator.simulate(
        {"scheme": "yamaguchi-2022", "items": [{"category": "care_software", "amount_yen": 800000}]}
    )
    assert result.cap_binds
    assert [(s.id, s.text) for s in result.steps if s.id in {"rate_amount", "subsidy"}] == [
        ("rate_amount", "対象経費800,000円×2分の1＝400,000円です。"),
        ("subsidy", "補助率をかけた額400,000円は上限額400,000円以下のため、補助額は400,000円です。"),
    ]


def test_rate_amount_shows_two_decimal_places_when_there_are_two() -> None:
    # 199,999 × 3/4 = 149,999.25
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "higher_rate_conditions": ["life_csv"],
            "items": [{"category": "care_software", "amount_yen": 199999}],
        }
    )
    assert steps(result)[2][1] == "対象経費199,999円×4分の3＝149,999.25円。千円未満を切り捨てて149,000円です。"


@pytest.mark.parametrize(
    ("staff", "text", "cap"),
    [
        (12, "ICTの活用が見込まれる職員数（常勤換算）12人は「11～20人」の区分で、上限額は1,600,000円です。", 1600000),
        (31, "ICTの活用が見込まれる職員数（常勤換算）31人は「31人以上」の区分で、上限額は2,600,000円です。", 2600000),
        (
            "10.5",
            "ICTの活用が見込まれる職員数（常勤換算）10.5人はどの区分にもちょうどはあたらないため、"
            "低い方の区分「1～10人」の上限額1,000,000円とします（注意を参照）。",
            1000000,
        ),
    ],
)
def test_cap_step_by_staff(staff: object, text: str, cap: int) -> None:
    result = calculator.simulate({"scheme": "ibaraki-2023", "ict_staff_fte": staff, "items": []})
    assert [s for s in steps(result) if s[0] == "cap"] == [("cap", text, cap, "ibaraki-2023-cap")]
    assert result.cap_yen == cap


def test_ibaraki_rate_and_one_yen_rounding_steps() -> None:
    # 100,001 × 1/2 = 50,000.5 → 1円未満切り捨て 50,000。別表に端数処理の定めはない（注意 rounding-unstated）。
    result = calculator.simulate(
        {"scheme": "ibaraki-2023", "ict_staff_fte": 5, "items": [{"category": "care_software", "amount_yen": 100001}]}
    )
    assert steps(result)[1:3] == [
        ("rate", "補助率は2分の1です。", None, "ibaraki-2023-rate"),
        (
            "rate_amount",
            "対象経費100,001円×2分の1＝50,000.5円。1円未満を切り捨てて50,000円です。",
            50000,
            "ibaraki-2023-rate",
        ),
    ]
    # Rounded down to a thousand yen it is 50,000 too: the caveat cannot change this case.
    assert "ibaraki-2023-rounding-unstated" not in {c.id for c in result.caveats}
    assert result.alternatives == ()


def test_rounding_caveat_needs_an_eligible_expense() -> None:
    def caveats(items: list[dict[str, Any]], prior: int = 0) -> list[str]:
        case = {"scheme": "ibaraki-2023", "ict_staff_fte": 5, "prior_subsidy_yen": prior, "items": items}
        return [c.id for c in calculator.simulate(case).caveats]

    always = ["ibaraki-2023-application-limits"]  # 年度の記載がありません is the scheme page's (about_document)
    assert caveats([]) == always  # nothing to round: no rounding caveat
    # 1 × 1/2 = 0.5 → 0, and 0 rounded to a thousand: the caveat cannot change this case
    assert caveats([{"category": "care_software", "amount_yen": 1}]) == always
    # 2,001 × 1/2 = 1,000.5 → 1,000 either way; 3,001 × 1/2 = 1,500.5 → 1,500, or 1,000 to a thousand
    assert caveats([{"category": "care_software", "amount_yen": 2001}]) == always
    assert caveats([{"category": "care_software", "amount_yen": 3001}]) == [*always, "ibaraki-2023-rounding-unstated"]
    assert caveats([], prior=1) == [*always, "ibaraki-2023-second-year-staff"]


def test_mirai_tax_counted_category_cap_and_a_payment_not_counted() -> None:
    # ② 300,000 + 税 30,000 = 330,000 → 限度 300,000。③ 100,000 は限度ちょうどなので削らない。月額払いは対象外。
    result = calculator.simulate(
        {
            "scheme": "mirai-2030",
            "items": [
                {"category": "devices", "amount_yen": 300000, "consumption_tax_yen": 30000},
                {"category": "network", "amount_yen": 100000},
                {"category": "care_software", "amount_yen": 50000, "payment": "monthly"},
            ],
        },
        MIRAI,
    )
    assert [(d.status, d.eligible_yen) for d in result.items] == [
        ("counted", 330000),
        ("counted", 100000),
        ("excluded", 0),
    ]
    assert reasons(result.items[2]) == [
        ("補助対象経費「(1)介護ソフト」にあたります。", "mirai-2030-expenses"),
        ("対象外: 月額で支払う利用料は対象外です。", "mirai-2030-payments"),
    ]
    assert reasons(result.items[0]) == [
        ("補助対象経費「(2)情報端末」にあたります。", "mirai-2030-expenses")
    ]  # tax counted
    assert steps(result) == [
        (
            "eligible",
            "補助対象になる経費は2件、合計430,000円（税込）です（対象外1件）。",
            430000,
            "mirai-2030-expenses",
        ),
        (
            "category_cap:devices",
            "「(2)情報端末」の対象経費は上限300,000円までのため、330,000円を300,000円とし、対象経費は合計400,000円になります。",
            400000,
            "mirai-2030-expenses",
        ),
        ("rate", "補助率は5分の4です。", None, "mirai-2030-rate"),
        ("rate_amount", "対象経費400,000円×5分の4＝320,000円です。", 320000, "mirai-2030-cap"),
        ("cap", "上限額は1事業所あたり1,000,000円です。", 1000000, "mirai-2030-cap"),
        (
            "subsidy",
            "補助率をかけた額320,000円は上限額1,000,000円以下のため、補助額は320,000円です。",
            320000,
            "mirai-2030-cap",
        ),
    ]


def _own_scheme(tmp_path: Path, base: str, unit: int) -> calculator.Scheme:
    """mirai-2030 with another rate and rounding unit: the loader admits any 0 < rate ≤ 1 and unit ≥ 1."""
    source = (TEST_SCHEMES / "mirai-2030.toml").read_text(encoding="utf-8")
    path = tmp_path / "mirai-2030.toml"
    path.write_text(
        source.replace('base = "4/5"', f'base = "{base}"').replace("unit_yen = 1\n", f"unit_yen = {unit}\n"),
        encoding="utf-8",
    )
    scheme = calculator.load_scheme(path)
    assert (scheme.rate.base, scheme.rounding.unit_yen) == (Fraction(base), unit)
    return scheme


@pytest.mark.parametrize(
    ("unit", "text"),
    [
        (10_000, "対象経費100,000円×3分の2＝約66,666.67円。1万円未満を切り捨てて60,000円です。"),
        (500, "対象経費100,000円×3分の2＝約66,666.67円。500円未満を切り捨てて66,500円です。"),
    ],
)
def test_rate_amount_of_a_rate_without_a_finite_decimal(tmp_path: Path, unit: int, text: str) -> None:
    scheme = _own_scheme(tmp_path, "2/3", unit)
    result = calculator.simulate(
        {"scheme": "mirai-2030", "items": [{"category": "care_software", "amount_yen": 100000}]}, scheme
    )
    assert [s.text for s in result.steps if s.id == "rate_amount"] == [text]


def test_four_fifths_shows_one_decimal_place() -> None:
    # 100,001 × 4/5 = 80,000.8
    result = calculator.simulate(
        {"scheme": "mirai-2030", "items": [{"category": "care_software", "amount_yen": 100001}]}, MIRAI
    )
    assert [s.text for s in result.steps if s.id == "rate_amount"] == [
        "対象経費100,001円×5分の4＝80,000.8円。1円未満を切り捨てて80,000円です。"
    ]


def test_reasons_for_excluded_items() -> None:
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "items": [
                {"category": "pc_printer", "name": "ノートパソコン", "amount_yen": 100000},
                {"category": "care_software", "amount_yen": 100000, "before_decision": True},
                {"category": "network", "amount_yen": 50000},
            ],
        }
    )
    printer, early, network = result.items
    assert (printer.category_title, printer.status, printer.conditions) == ("パソコン・プリンター", "excluded", ())
    assert reasons(printer) == [
        ("対象外: パソコン・プリンターはハードウェアの対象外です。", "yamaguchi-2022-expense-2")
    ]
    assert reasons(early) == [
        ("補助対象経費「①ソフトウェア」にあたります。", "yamaguchi-2022-expense-1"),
        ("対象外: 交付決定の前に契約・購入したものは対象外です。", "yamaguchi-2022-before-decision"),
    ]
    # The software's cost is excluded, but the software is introduced: ④'s precondition holds, and
    # the reading in which software contracted before the decision does not count is an alternative.
    assert reasons(network) == [
        ("補助対象経費「④ネットワーク機器」にあたります。", "yamaguchi-2022-expense-4"),
        (f"この区分の前提「{IKKAN}」または「{SOFTWARE}」を満たしています。", "yamaguchi-2022-expenses"),
    ]
    assert steps(result)[0][1] == "補助対象になる経費は1件、合計50,000円（税抜）です（対象外2件）。"
    assert [(a.caveat, a.subsidy_yen) for a in result.alternatives] == [("yamaguchi-2022-software-before-decision", 0)]
    alone = calculator.simulate({"scheme": "yamaguchi-2022", "items": [{"category": "network", "amount_yen": 50000}]})
    assert reasons(alone.items[0])[1] == (
        f"対象外: この区分は「{IKKAN}」または「{SOFTWARE}」が前提ですが、"
        "既に一気通貫が実現していないこと、同じ申請に介護ソフトの経費がないことから、満たしません。",
        "yamaguchi-2022-expenses",
    )


def test_ibaraki_precondition_names_only_ikkan() -> None:
    result = calculator.simulate(
        {"scheme": "ibaraki-2023", "ict_staff_fte": 5, "items": [{"category": "devices", "amount_yen": 50000}]}
    )
    assert reasons(result.items[0])[1] == (
        f"対象外: この区分は「{IKKAN}」が前提ですが、既に一気通貫が実現していないことから、満たしません。",
        "ibaraki-2023-devices",
    )


def test_other_subsidy_and_tax_reasons() -> None:
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "items": [
                {
                    "category": "care_software",
                    "amount_yen": 300000,
                    "consumption_tax_yen": 30000,
                    "other_subsidy_yen": 100000,
                },
                {"category": "care_software", "amount_yen": 50000, "other_subsidy_yen": 50000},
            ],
        }
    )
    partly, wholly = result.items
    other = "他の補助金を受ける部分は、この補助金の対象になりません。"
    tax = "概要には消費税の扱いが書かれていないため、この試算は税抜の金額で計算します。"
    assert (partly.status, partly.eligible_yen) == ("partly_counted", 200000)
    assert reasons(partly)[1:] == [
        (f"{other} 他の補助金の分 100,000円 を除きます。", "yamaguchi-2022-expenses"),
        (f"{tax}（消費税 30,000円 は含めません）", "yamaguchi-2022-youkou"),
    ]
    # Another subsidy covering the whole amount leaves nothing: the item is excluded, not partly counted.
    assert (wholly.status, wholly.eligible_yen) == ("excluded", 0)
    assert steps(result)[0][1] == "補助対象になる経費は1件、合計200,000円（税抜）です（対象外1件）。"


def test_lease_and_monthly_items_carry_the_payment_condition() -> None:
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "ikkan_achieved": True,
            "items": [
                {"category": "devices", "amount_yen": 50000, "payment": "lease"},
                {"category": "devices", "amount_yen": 50000},
            ],
        }
    )
    lease, purchase = result.items
    assert (lease.conditions[-1].text, lease.conditions[-1].citation.anchor) == (
        YAMAGUCHI.payments["lease"].text,
        "yamaguchi-2022-expenses",
    )
    assert YAMAGUCHI.payments["purchase"].text not in {c.text for c in purchase.conditions}
    assert len(lease.conditions) == len(purchase.conditions) + 1


def test_second_subsidy_reasons_name_what_is_recurring() -> None:
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "ikkan_achieved": True,
            "prior_subsidy_yen": 100000,
            "items": [
                {"category": "devices", "amount_yen": 50000, "payment": "lease"},
                {"category": "care_software", "amount_yen": 50000, "payment": "monthly"},
                {"category": "maintenance", "amount_yen": 50000},
            ],
        }
    )
    second = "yamaguchi-2022-second"
    assert [reasons(d)[-1] for d in result.items] == [
        ("対象外: 2回目以降の補助では、恒常的な費用（この項目はリース・レンタル）は対象になりません。", second),
        ("対象外: 2回目以降の補助では、恒常的な費用（この項目は月額払い）は対象になりません。", second),
        (
            "対象外: 2回目以降の補助では、恒常的な費用"
            "（この項目は⑤クラウドサービス・保守・導入設定等）は対象になりません。",
            second,
        ),
    ]


def test_second_subsidy_does_not_call_an_excluded_category_recurring() -> None:
    # A PC is excluded as such; it is neither recurring nor "assumed recurring" (no one-off caveat).
    result = calculator.simulate(
        {
            "scheme": "yamaguchi-2022",
            "prior_subsidy_yen": 100000,
            "items": [{"category": "pc_printer", "amount_yen": 100000}],
        }
    )
    assert reasons(result.items[0]) == [
        ("対象外: パソコン・プリンターはハードウェアの対象外です。", "yamaguchi-2022-expense-2")
    ]
    assert "yamaguchi-2022-one-off-maintenance" not in {c.id for c in result.caveats}


# ---------------------------------------------------------------------------------------------------
# The command line, in process (test_cli.py runs it as a subprocess, out of mutmut's sight)
# ---------------------------------------------------------------------------------------------------


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_cli_text_explanation_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = {
        "scheme": "yamaguchi-2022",
        "items": [
            {"category": "care_software", "name": "介護ソフト", "amount_yen": 123456},
            {"category": "pc_printer", "name": "プリンター", "amount_yen": 30000},
            {"category": "care_software", "name": "連携ソフト", "amount_yen": 20000, "other_subsidy_yen": 5000},
        ],
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, out, err = _cli(["simulate", str(path)], capsys)
    assert (code, err) == (0, [])
    # 123,456 + 15,000 = 138,456 × 1/2 = 69,228 → 69,000。総額 173,456 − 69,000 − 他の補助金 5,000 = 99,456
    # 他の補助金を受ける経費をまるごと除くと 123,456 × 1/2 = 61,728 → 61,000
    result = calculator.simulate(case)
    assert out == [
        "山口県 令和4年度 の試算",
        "",
        "補助額        69,000円（読み方によって 61,000円〜69,000円。下の「読み方によって変わる額」を参照）",
        "補助対象経費  138,456円（補助率 2分の1、上限額 400,000円）",
        "自己負担額    99,456円（経費の総額 173,456円 − 補助額 − 他の補助金 5,000円）",
        "",
        "経費の判定",
        "  1. 介護ソフト（①ソフトウェア）123,456円 → 対象 123,456円",
        "     ・補助対象経費「①ソフトウェア」にあたります。 ［概要 2(4)①］",
        "  2. プリンター（パソコン・プリンター）30,000円 → 対象外 0円",
        "     ・対象外: パソコン・プリンターはハードウェアの対象外です。 ［概要 2(4)②］",
        "  3. 連携ソフト（①ソフトウェア）20,000円 → 一部対象 15,000円",
        "     ・補助対象経費「①ソフトウェア」にあたります。 ［概要 2(4)①］",
        "     ・他の補助金を受ける部分は、この補助金の対象になりません。"
        " 他の補助金の分 5,000円 を除きます。 ［概要 2(4)］",
        "",
        "計算の手順",
        "  1. 補助対象になる経費は2件、合計138,456円（税抜）です（対象外1件）。 ［概要 2(4)］",
        "  2. 補助率を4分の3にする要件（ア・イ・ウ）のどれにもあたらないため、補助率は2分の1です。 ［概要 2(5)②］",
        "  3. 対象経費138,456円×2分の1＝69,228円。千円未満を切り捨てて69,000円です。 ［概要 2(5)］",
        "  4. 上限額は1事業所あたり400,000円です。 ［概要 2(5)］",
        "  5. 補助率をかけた額69,000円は上限額400,000円以下のため、補助額は69,000円です。 ［概要 2(5)］",
        "",
        "読み方によって変わる額（文書からはどちらとも読めるため、県の判断によります）",
        "  ・他の補助金を受ける経費はまるごと対象外と読むと: 61,000円（注意「他の補助金とあわせて使う経費」）",
        "",
        "注意（文書に定めがない点・あいまいな点）",
        *(f"  ・{c.title}: {c.text} ［{c.citation.clause.clause}］" for c in result.caveats),
        "",
        "満たす必要のある要件",
        *(f"  ・{r.title} ［{r.citation.clause.clause}］" for r in result.requirements),
        # the product conditions of ① once, though two items share them
        *(f"  ・①ソフトウェア: {c.text} ［{c.citation.clause.clause}］" for c in result.items[0].conditions),
    ]
    assert len(result.items[0].conditions) == 3
    assert result.caveats
    assert result.requirements


def test_cli_explanation_without_items_and_json_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.toml"
    path.write_text('scheme = "yamaguchi-2022"\nitems = []\nrequirements_met = []\n', encoding="utf-8")
    code, out, _ = _cli(["simulate", str(path)], capsys)
    assert code == 0
    assert out[6:9] == ["経費の判定", "  （経費の入力がありません）", ""]
    code, out, _ = _cli(["simulate", str(path), "--json"], capsys)
    assert code == 0
    assert json.loads("\n".join(out)) == calculator.simulate({"scheme": "yamaguchi-2022", "items": []}).to_dict()


def test_cli_scheme_file_and_bad_input_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "case.json"
    path.write_text(
        json.dumps({"scheme": "mirai-2030", "items": [{"category": "care_software", "amount_yen": 100000}]})
    )
    code, out, _ = _cli(
        ["simulate", str(path), "--json", "--scheme-file", str(TEST_SCHEMES / "mirai-2030.toml")], capsys
    )
    assert (code, json.loads("\n".join(out))["subsidy_yen"]) == (0, 80000)  # 100,000 × 4/5
    monkeypatch.setattr("sys.stdin", io.StringIO("{not json"))
    code, out, err = _cli(["simulate", "-"], capsys)
    assert (code, out) == (2, [])
    assert err == [
        "入力に誤りがあります:",
        "  標準入力を JSON として読めません（1行2列: Expecting property name enclosed in double quotes）",
    ]
    path.write_text(json.dumps({"scheme": "yamaguchi-2022", "items": [{"category": "devices"}]}), encoding="utf-8")
    assert _cli(["simulate", str(path)], capsys) == (
        2,
        [],
        ["入力に誤りがあります:", "  items[0].amount_yen: 金額を入力してください"],
    )
    broken = tmp_path / "broken.toml"
    broken.write_text("id = ", encoding="utf-8")
    code, out, err = _cli(["simulate", str(path), "--scheme-file", str(broken)], capsys)
    assert (code, out) == (1, [])
    assert err == [
        "制度ファイルに誤りがあります:",
        "  broken.toml: TOML として読めません（Invalid value (at end of document)）",
    ]


def test_cli_schemes_and_check_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schemes = calculator.all_schemes()
    code, out, _ = _cli(["schemes"], capsys)
    assert (code, out) == (
        0,
        [f"{s.id}\t{s.prefecture}\t{s.fiscal_year_label}（{s.fiscal_year}年度）\t{s.title}" for s in schemes],
    )
    code, out, _ = _cli(["schemes", "--json"], capsys)
    assert json.loads("\n".join(out)) == [
        {
            "id": s.id,
            "prefecture": s.prefecture,
            "fiscal_year": s.fiscal_year,
            "fiscal_year_label": s.fiscal_year_label,
            "title": s.title,
        }
        for s in schemes
    ]
    code, out, err = _cli(["check"], capsys)
    assert (code, err) == (0, [])
    assert out == [
        f"OK {s.id}: 条項 {len(s.clauses)}、注意 {len(s.caveats)}、"
        "すべての引用を原文で、すべての数字を引用で確認しました"
        for s in schemes
    ]
    # A file that breaks the schema: named with its problems on stderr, the shipped ones still checked.
    copy = tmp_path / "ibaraki-copy.toml"
    copy.write_text(
        (ROOT / "calculator" / "schemes" / "ibaraki-2023.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, out, err = _cli(["check", str(copy)], capsys)
    assert (code, len(out)) == (1, len(schemes))
    assert err == [
        "NG ibaraki-copy.toml",
        "  ibaraki-copy.toml: id: ファイル名（ibaraki-copy.toml）と id（ibaraki-2023）をそろえてください",
    ]
