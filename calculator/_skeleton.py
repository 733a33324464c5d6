"""`python3 -m calculator new <prefecture>-<year>`: the skeleton of a new scheme file and its source text.

The skeleton holds every required key, with 【要記入】 where only the prefecture's document can say
what goes; `check` refuses a file while any 【要記入】 is left, naming each key. Dates that follow
from the fiscal year are filled in.
"""

from __future__ import annotations

import re
from typing import Final

# What `check` refuses until it is replaced (a string no document writes).
TO_FILL: Final = "【要記入】"
_ID: Final = re.compile(r"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)-(\d{4})")


def parse_new_id(scheme_id: str) -> tuple[str, int] | None:
    """('tochigi', 2026) for 'tochigi-2026'; None if it is not <prefecture>-<year> in lower case."""
    match = _ID.fullmatch(scheme_id)
    if match is None or not 2000 <= int(match[2]) <= 2100:
        return None
    return match[1], int(match[2])


def skeleton(scheme_id: str, fiscal_year: int) -> str:
    """The scheme file for a new id: every required key, 【要記入】 where the document must say."""
    reiwa = fiscal_year - 2018
    f = TO_FILL
    return f'''#:schema ./scheme.schema.json
# {f} 県の事業名（{fiscal_year}年度）
#
# python3 -m calculator new が作った下書きです。{f} をすべて原文にもとづいて埋め、
# python3 -m calculator check が OK になるまで直してください。キーの意味は「県の担当者の方へ」の
# 「制度ファイルのキーの一覧」にあります。数字・条件・除外のすべてに原文の引用（cite）が必要です。

schema_version = 2
id = "{scheme_id}"
prefecture = "{f}"
fiscal_year = {fiscal_year}
fiscal_year_label = "令和{reiwa}年度"
title = "{f}"
period_start = {fiscal_year}-04-01
period_end = {fiscal_year + 1}-03-31

[year_basis]
text = "{f} どこから年度がわかるか（例: 要綱の表題に令和{reiwa}年度とあります。）"
cite = {{ clause = "{scheme_id}-title", quote = "{f}" }}

[eligible_expenses]
text = "{f} 補助対象経費のあらまし"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[[documents]]
id = "youkou"
title = "{f} 出典文書の題名"
publisher = "{f} 発行者"
source = "../../sources/{scheme_id}.txt"

[[clauses]]
anchor = "{scheme_id}-title"
document = "youkou"
clause = "表題"
title = "表題"

[[clauses]]
anchor = "{scheme_id}-expenses"
document = "youkou"
clause = "{f} 条項の番号"
title = "補助対象経費"

[[clauses]]
anchor = "{scheme_id}-rate"
document = "youkou"
clause = "{f} 条項の番号"
title = "補助率と上限額"

[rate]
base = "{f} 例: 1/2"
cite = {{ clause = "{scheme_id}-rate", quote = "{f}" }}

[cap]
kind = "fixed"
amount_yen = "{f} 上限額（円の整数）"
cite = {{ clause = "{scheme_id}-rate", quote = "{f}" }}

[rounding]
unit_yen = 1
caveat = "{scheme_id}-rounding-unstated"

[consumption_tax]
counted = false
text = "{f} 消費税の扱い"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[repeat]
rule = "cap_less_prior"
text = "{f} 2回目以降の補助の扱い"
cite = {{ clause = "{scheme_id}-rate", quote = "{f}" }}

[payments.purchase]
counted = true
text = "購入・設置の費用です。"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[payments.lease]
counted = true
text = "{f} リースの扱い"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[payments.monthly]
counted = true
text = "{f} 月額払いの扱い"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[[categories]]
id = "care_software"
label = "{f} 例: （１）"
title = "介護ソフト"
text = "{f} 区分の説明"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[[exclusions]]
id = "before_decision"
item_flag = "before_decision"
title = "{f} 例: 交付決定前に契約したもの"
text = "{f}"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[[requirements]]
id = "{f}"
title = "{f}"
text = "{f}"
cite = {{ clause = "{scheme_id}-expenses", quote = "{f}" }}

[[caveats]]
id = "{scheme_id}-rounding-unstated"
title = "端数処理の定めがありません"
text = "{f} 文書に端数処理の定めがないこと、この試算の扱い"
when = ["subsidy_from_rate"]
cite = {{ clause = "{scheme_id}-rate", quote = "{f}" }}
'''


def source_placeholder(scheme_id: str) -> str:
    return (
        f"{TO_FILL} ここに {scheme_id} の出典文書（要綱・要領・実施要項）のテキストを、"
        "PDF から写したまま貼ってください。\n"
        "制度ファイルの引用（quote）は、このテキストと1字ずつ照合されます（空白と改行は無視）。\n"
    )
