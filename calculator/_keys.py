"""Every key of a scheme file, described once: its type, whether it is required, and what it means.

The loader takes each table's allowed and required keys from here; `scheme.schema.json` (JSON Schema,
for editors that read `#:schema`) and the key reference page for prefecture staff are made from it.
A key added to the loader but not described here, or described but not read, fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final

from calculator._vocabulary import CHARACTER_SETS, PAYMENT_WORDS, PLAN_FACTS


@dataclass(frozen=True)
class Key:
    """One key: `kind` is string, integer, boolean, date, rate, cite, strings, table or tables."""

    name: str
    kind: str
    required: bool
    description: str
    keys: tuple[Key, ...] = ()  # for a table, or each table of an array of tables
    choices: tuple[str, ...] = ()
    minimum: int | None = None

    def key(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)


def _s(name: str, description: str, required: bool = True, choices: tuple[str, ...] = ()) -> Key:
    return Key(name, "string", required, description, choices=choices)


def _i(name: str, description: str, required: bool = True, minimum: int = 0) -> Key:
    return Key(name, "integer", required, description, minimum=minimum)


def _b(name: str, description: str, required: bool = False) -> Key:
    return Key(name, "boolean", required, description)


def _d(name: str, description: str, required: bool = True) -> Key:
    return Key(name, "date", required, description)


def _cite(name: str = "cite", description: str = "出典: 条項のアンカーと原文の引用", required: bool = True) -> Key:
    return Key(name, "cite", required, description)


def _t(name: str, description: str, keys: tuple[Key, ...], required: bool = True) -> Key:
    return Key(name, "table", required, description, keys)


def _v(key: Key) -> Key:
    """A value with its own citation, nested under it (schema 2): `name = { value = …, cite = … }`,
    where schema 1 had the sibling `name_cite`. The value keeps its type and its checks."""
    return Key(
        key.name,
        "table",
        key.required,
        f"{key.description}と、その出典",
        (replace(key, name="value", required=True), _cite()),
    )


def _ts(name: str, description: str, keys: tuple[Key, ...], required: bool = False) -> Key:
    return Key(name, "tables", required, description, keys)


_CITED: Final = (_s("text", "やさしい日本語の説明"), _cite())
_BASIS: Final = (
    _cite(required=False),
    _s("caveat", "文書に定めがない場合: 出典の代わりに、そのことを述べる注意（[[caveats]] の id）", required=False),
)


def _cap(name: str, description: str, required: bool) -> Key:
    return _t(
        name,
        description,
        (
            _s(
                "kind",
                "上限の決め方: fixed（1事業所あたり）、by_staff（職員数の区分）、per_unit（1台ごと）",
                choices=("fixed", "by_staff", "per_unit"),
            ),
            _cite(),
            _i("amount_yen", "上限額（円、kind = fixed のとき）", required=False, minimum=1),
            _ts(
                "bands",
                "職員数の区分（kind = by_staff のとき。1人から、すき間なく）",
                (
                    _i("min_staff", "区分の下限の人数", minimum=1),
                    _i("max_staff", "区分の上限の人数（最後の区分は書かない）", required=False, minimum=1),
                    _i("amount_yen", "この区分の上限額（円）", minimum=1),
                    _cite(),
                ),
            ),
            _s("staff_label", "職員数の呼び方（例: ICTの活用が見込まれる職員数（常勤換算））", required=False),
            _t("staff_note", "職員数の数え方の定めと、その出典", _CITED, required=False),
            _t(
                "staff_count",
                "職員数の数え方（試算ページの常勤換算の手伝いが使う。kind = by_staff のとき）",
                (
                    _v(
                        Key(
                            "by_head",
                            "strings",
                            False,
                            "常勤換算によらず、常勤・非常勤を問わず実人数で数えてよい職員（例: 管理者）",
                        )
                    ),
                    _t(
                        "fraction",
                        "常勤換算の人数の端数: 小数第何位まで数えるか",
                        (_i("digits", "小数第何位まで数えるか（それより下は切り捨て）"), *_BASIS),
                    ),
                ),
                required=False,
            ),
        ),
        required,
    )


SCHEME: Final = _t(
    "",
    "制度ファイル",
    (
        _i("schema_version", "この形式の版（2）", minimum=1),
        _s("id", "制度の id: <都道府県>-<年度>（例: ibaraki-2023）。ファイル名と同じ"),
        _s("prefecture", "都道府県名（例: 茨城県）"),
        _i("fiscal_year", "年度（西暦の年度初めの年）", minimum=2000),
        _s("fiscal_year_label", "年度の書き方（例: 令和5年度）"),
        _s("title", "事業の名前"),
        _d("period_start", "年度の初日（fiscal_year-04-01）"),
        _d("period_end", "年度の末日（翌年の03-31）"),
        _d("last_checked", "データを出典と最後に照合した日", required=False),
        _t("year_basis", "年度をどう判断したか", _CITED),
        _t("eligible_expenses", "補助対象経費のあらまし", _CITED),
        _t("purpose", "事業の目的", _CITED, required=False),
        _ts(
            "documents",
            "出典文書",
            (
                _s("id", "文書の id"),
                _s("title", "文書の題名"),
                _s("publisher", "発行者"),
                _s("source", "原文テキストのファイル（引用の照合に使う）", required=False),
                _s("date", "文書に書かれた日付（発行日・施行日など、原文のとおり）。なければ書かない", required=False),
            ),
            required=True,
        ),
        _ts(
            "clauses",
            "条項: 引用される条項ごとに、サイトのアンカー",
            (
                _s("anchor", "アンカー id（制度 id で始める）"),
                _s("document", "文書の id"),
                _s("clause", "条項の番号（例: 別表 補助率、上限額（補助率））"),
                _s("title", "条項の見出し"),
            ),
            required=True,
        ),
        _t(
            "rate",
            "補助率",
            (
                Key("base", "rate", True, '補助率（例: "1/2"）'),
                _cite(),
                _v(Key("higher", "rate", False, '要件を満たすときの補助率（例: "3/4"）')),
                _s("needs", "要件のいずれか（any）か、すべて（all）か", required=False, choices=("any", "all")),
                _ts(
                    "conditions",
                    "補助率を上げる要件",
                    (
                        _s("id", "要件の id（ケースの higher_rate_conditions で使う）"),
                        _s("label", "要件の記号（例: ア）"),
                        _s("title", "要件の短い名前"),
                        _s("text", "要件の説明"),
                        _cite(),
                    ),
                ),
            ),
        ),
        _cap("cap", "上限額（[[menus]] のない制度）", required=False),
        _ts(
            "menus",
            "区分（メニュー）: それぞれの上限額をもつ",
            (
                _s("id", "区分の id"),
                _s("title", "区分の名前"),
                _s("text", "区分の説明"),
                _cap("cap", "この区分の上限額", required=True),
                _v(_s("max_units", "台数の上限: capacity（利用定員まで）", required=False, choices=("capacity",))),
            ),
        ),
        _ts(
            "application_types",
            "ほかの申請の型（例: パッケージ型）: 区分の上限額に代えて一つの上限額と補助率",
            (
                _s("id", "申請の型の id（ケースの application_type で使う）"),
                _s("title", "申請の型の名前"),
                _s("text", "説明"),
                Key("rate", "rate", True, "この型の補助率"),
                _i("cap_yen", "この型の上限額（円）", minimum=1),
                _cite(),
                _i("min_menus", "組み合わせる区分の数の下限", required=False, minimum=1),
                _s("requires_menu", "必ず含める区分の id", required=False),
            ),
        ),
        _t(
            "rounding",
            "端数処理",
            (
                _i("unit_yen", "この単位未満を切り捨てる（1000 なら千円未満）", minimum=1),
                *_BASIS,
                _s("per", "切り捨てる額: total（合計）か menu（区分ごと）", required=False, choices=("total", "menu")),
            ),
        ),
        _t(
            "consumption_tax",
            "消費税の扱い",
            (_b("counted", "消費税を対象経費に含める", required=True), _s("text", "説明"), *_BASIS),
        ),
        _t(
            "repeat",
            "2回目以降の補助",
            (
                _s(
                    "rule",
                    "cap_less_prior（上限額からそれまでの補助を引く）か"
                    " once_per_menu_per_year（同じ年度に同じ区分は1回）",
                    choices=("cap_less_prior", "once_per_menu_per_year"),
                ),
                _s("text", "説明"),
                _cite(),
                _v(_b("recurring_excluded_from_second", "2回目以降は恒常的な費用を除く（書かなければ除かない）")),
                _ts(
                    "examples",
                    "文書にある計算例",
                    (
                        _s("text", "例の説明"),
                        _i("prior_subsidy_yen", "それまでの補助額"),
                        _i("remaining_cap_yen", "残りの上限額"),
                        _cite(),
                        _i("ict_staff_fte", "職員数", required=False, minimum=1),
                    ),
                ),
            ),
        ),
        _t(
            "payments",
            "支払方法ごとの扱い",
            tuple(
                _t(
                    payment,
                    f"{words}の扱い",
                    (
                        _b("counted", "対象になる", required=True),
                        _s("text", "説明"),
                        _d("until", "この日までの支払分が対象", required=False),
                        _b("recurring", "恒常的な費用（2回目以降に除かれる）"),
                        *_BASIS,
                    ),
                )
                for payment, words in PAYMENT_WORDS.items()
            ),
        ),
        _ts(
            "categories",
            "補助対象経費の区分",
            (
                _s("id", "区分の id（ケースの items[n].category で使う）"),
                _s("label", "区分の記号（例: （１）、①）"),
                _s("title", "区分の名前"),
                _s("text", "説明"),
                _cite(),
                _ts("conditions", "この区分の品目が満たす条件", _CITED),
                _v(Key("requires_any", "strings", False, "前提（ikkan_achieved、includes_care_software のいずれか）")),
                _b("recurring", "何も言われなければ恒常的な費用とみなす"),
                _s("recurring_caveat", "そのみなしを述べる注意の id", required=False),
                _v(_i("eligible_cap_yen", "この区分の対象経費の上限（円）", required=False, minimum=1)),
                _b("equipment", "機器である（ソフトやサービスではない）"),
                _ts(
                    "kinds",
                    "区分の中の種類（ケースの items[n].kind）",
                    (
                        _s("id", "種類の id"),
                        _s("title", "種類の名前"),
                        _cite(),
                        _b("recurring", "恒常的な費用か（書かなければ文書に定めがない）"),
                    ),
                ),
                _s("menu", "属する区分（[[menus]] の id）", required=False),
                _b("care_software", "この区分の品目は介護ソフトの導入にあたる（id が care_software なら既定で true）"),
                _v(_i("unit_limit_yen", "1台あたりの対象経費の限度（円）", required=False, minimum=1)),
                _v(_i("unit_cap_yen", "1台あたりの補助の上限（円、per_unit の区分）", required=False, minimum=1)),
            ),
            required=True,
        ),
        _ts(
            "exclusions",
            "対象外の経費: 区分・項目の印・項目の一部のどれか一つ",
            (
                _s("id", "id"),
                _s("title", "名前"),
                _s("text", "説明"),
                _cite(),
                _s("category", "対象外の区分の id（ケースで使える）", required=False),
                _s("item_flag", "項目の印（例: before_decision）", required=False),
                _s("item_part", "項目の一部（other_subsidy_yen）", required=False, choices=("other_subsidy_yen",)),
                _s("caveat", "あいまいな点の注意の id", required=False),
            ),
            required=True,
        ),
        _ts(
            "requirements",
            "満たす必要のある要件",
            (
                _s("id", "id（ケースの requirements_met で使う）"),
                _s("title", "短い名前"),
                _s("text", "説明"),
                _cite(),
                _s("label", "記号", required=False),
                Key("when", "strings", False, "この要件を示す条件（エンジンの条件名）"),
            ),
            required=True,
        ),
        _ts(
            "caveats",
            "注意: 文書に定めがない点、あいまいな点",
            (
                _s("id", "id（制度 id で始める）"),
                _s("title", "短い名前"),
                _s("text", "説明"),
                Key("when", "strings", True, "このケースにあてはまる条件（エンジンの条件名）"),
                _cite(),
                _t(
                    "alternative",
                    "もう一つの読み方: エンジンの規則と、その読み方の一行",
                    (_s("rule", "規則の名前（例: rounding_unit:1000）"), _s("reading", "「…と読むと」")),
                    required=False,
                ),
            ),
            required=True,
        ),
        _ts(
            "references",
            "参照文書",
            (
                _s("id", "id"),
                _s("label", "記号"),
                _s("title", "題名"),
                _cite(),
                _s("url", "https:// のURL", required=False),
            ),
        ),
        _ts("notes", "ガイドのページに出す出典つきの点", (_s("id", "id"), _s("title", "見出し"), *_CITED)),
        _t(
            "application",
            "申請: 期間、提出書類、提出先・問合せ先",
            (
                _d("period_start", "申請期間の初日"),
                _d("period_end", "申請期間の末日"),
                _s("period_text", "申請期間の書き方（文書のとおり）"),
                _cite(),
                _v(_s("email", "提出先・問合せのメールアドレス")),
                _v(_s("office", "担当課")),
                _ts(
                    "documents",
                    "提出書類",
                    (
                        _s("name", "書類の名前"),
                        _s("submit_by", "email、email_or_post、post", choices=("email", "email_or_post", "post")),
                        _cite(),
                    ),
                    required=True,
                ),
                _s("email_note", "メールアドレスの注意", required=False),
                _s("postal_address", "郵送先", required=False),
                _s("receipt", "必着 か 消印有効", required=False, choices=("必着", "消印有効")),
                _v(_d("completion_deadline", "事業の完了期限", required=False)),
                _s("phone", "電話番号", required=False),
                _s("hours", "受付時間", required=False),
                _s("official_url", "県の制度のページ（https://）", required=False),
            ),
            required=False,
        ),
        _t(
            "facilities",
            "補助対象事業所: 除かれるサービス",
            (*_CITED, Key("excluded_services", "strings", False, "除かれるサービス（介護保険法の名前）")),
            required=False,
        ),
        _ts("notices", "お知らせ", (_d("date", "日付"), _s("text", "お知らせ"))),
        _t(
            "plan",
            "導入計画: 制度が計画に求める見出しを、書く順に（申請の準備キットの下書きになる）",
            (
                _s("title", "計画の書類の名前（例: ICT導入計画、導入計画書（別紙1））"),
                _s("text", "計画について: 文書が何を求めているか（求めていないならそのこと）"),
                _cite(),
                _ts(
                    "headings",
                    "見出し（書く順に）",
                    (
                        _s("id", "見出しの id"),
                        _s("title", "見出し"),
                        _s("guidance", "何を書くか（引用した条項から）"),
                        _cite(),
                        _b("required", "文書が計画に盛り込むよう求めている（書かなければ、望ましい・任意のもの）"),
                        _s("parent", "この見出しが細目になる見出しの id（例: データ連携が「有」のときの内容）", False),
                        _s(
                            "fills",
                            "ケースから下書きを埋める事実: items（経費の行を区分ごとに金額つきで）、"
                            "rate_conditions（申し出た補助率の要件すべて）、rate_condition（condition の要件）",
                            required=False,
                            choices=PLAN_FACTS,
                        ),
                        _s("condition", "fills = rate_condition のときの要件（[rate.conditions] の id）", False),
                    ),
                    required=True,
                ),
            ),
            required=False,
        ),
        _t(
            "forbidden_characters",
            "申請に使えない文字（環境依存文字）: 文書がそう定める制度だけ",
            (
                _s(
                    "allowed",
                    "使える文字: jis_x_0208（JIS第1・第2水準の漢字と JIS X 0208 の非漢字、ASCII、半角カナ）",
                    choices=CHARACTER_SETS,
                ),
                _s("text", "やさしい日本語の説明"),
                _cite(),
            ),
            required=False,
        ),
    ),
)


def keys_at(path: str) -> tuple[set[str], set[str]]:
    """(required, optional) key names of the table at a dotted path of names, e.g. "categories.kinds"."""
    table = SCHEME
    for name in filter(None, path.split(".")):
        table = table.key(name)
    return {k.name for k in table.keys if k.required}, {k.name for k in table.keys if not k.required}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scheme file (draft 2020-12), for editors (Taplo reads `#:schema`)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "介護ICT補助金ガイドの制度ファイル",
        **_json(SCHEME),
        "$defs": {
            "cite": {
                "type": "object",
                "description": "出典: 条項のアンカー（clause）と原文の引用（quote）",
                "properties": {
                    "clause": {"type": "string", "description": "[[clauses]] の anchor"},
                    "quote": {"type": "string", "description": "原文からそのまま引いた文"},
                },
                "required": ["clause", "quote"],
                "additionalProperties": False,
            }
        },
    }


def _json(key: Key) -> dict[str, Any]:
    described: dict[str, Any] = {"description": key.description} if key.description else {}
    if key.kind == "cite":
        return {"$ref": "#/$defs/cite", **described}
    if key.kind in ("table", "tables"):
        table: dict[str, Any] = {
            "type": "object",
            "properties": {k.name: _json(k) for k in key.keys},
            "required": [k.name for k in key.keys if k.required],
            "additionalProperties": False,
        }
        if key.kind == "tables":
            return {"type": "array", "items": table, **described}
        return {**table, **described}
    kinds: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "integer": {"type": "integer"},
        "boolean": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "rate": {"type": "string", "pattern": r"^[1-9]\d*/[1-9]\d*$"},
        "strings": {"type": "array", "items": {"type": "string"}},
    }
    simple = kinds[key.kind]
    if key.choices:
        simple = {**simple, "enum": list(key.choices)}
    if key.minimum is not None:
        simple = {**simple, "minimum": key.minimum}
    return {**simple, **described}
