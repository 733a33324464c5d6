"""The services of the long-term care insurance act (介護保険法), by the names a case file may use.

A scheme may exclude some services from its eligible facilities (山口: 特定（介護予防）福祉用具販売).
A case names its facility's service; the engine reads the usual ways of writing it: full- or
half-width brackets and spaces, 「（介護予防）」 written before a name to mean both the service and
its 介護予防 counterpart, and 「介護予防特定福祉用具販売」 for the act's 「特定介護予防福祉用具販売」.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# 介護給付 (居宅・地域密着型・施設サービス, 居宅介護支援), then 予防給付: each service's name in the act.
CARE_SERVICES: Final = (
    "訪問介護",
    "訪問入浴介護",
    "訪問看護",
    "訪問リハビリテーション",
    "居宅療養管理指導",
    "通所介護",
    "通所リハビリテーション",
    "短期入所生活介護",
    "短期入所療養介護",
    "特定施設入居者生活介護",
    "福祉用具貸与",
    "特定福祉用具販売",
    "定期巡回・随時対応型訪問介護看護",
    "夜間対応型訪問介護",
    "地域密着型通所介護",
    "認知症対応型通所介護",
    "小規模多機能型居宅介護",
    "認知症対応型共同生活介護",
    "地域密着型特定施設入居者生活介護",
    "地域密着型介護老人福祉施設入所者生活介護",
    "看護小規模多機能型居宅介護",
    "居宅介護支援",
    "介護老人福祉施設",
    "介護老人保健施設",
    "介護医療院",
    "介護予防訪問入浴介護",
    "介護予防訪問看護",
    "介護予防訪問リハビリテーション",
    "介護予防居宅療養管理指導",
    "介護予防通所リハビリテーション",
    "介護予防短期入所生活介護",
    "介護予防短期入所療養介護",
    "介護予防特定施設入居者生活介護",
    "介護予防福祉用具貸与",
    "特定介護予防福祉用具販売",
    "介護予防認知症対応型通所介護",
    "介護予防小規模多機能型居宅介護",
    "介護予防認知症対応型共同生活介護",
    "介護予防支援",
)

# Other names in common use -> the act's name.
_ALIASES: Final = {
    "介護予防特定福祉用具販売": "特定介護予防福祉用具販売",
    "複合型サービス": "看護小規模多機能型居宅介護",
    "特別養護老人ホーム": "介護老人福祉施設",
    "老人保健施設": "介護老人保健施設",
    "地域密着型介護老人福祉施設": "地域密着型介護老人福祉施設入所者生活介護",
    "グループホーム": "認知症対応型共同生活介護",
}
_PREVENTIVE: Final = "（介護予防）"


def _plain(name: str) -> str:
    """Brackets and spaces as the list writes them: full-width brackets, no spaces."""
    text = unicodedata.normalize("NFKC", name)
    text = text.replace("(", "（").replace(")", "）").replace("･", "・")
    return "".join(text.split())


def read_service(name: str) -> tuple[str, ...] | None:
    """The services a written name means (one, or two for a 「（介護予防）」 form); None if unknown."""
    text = _plain(name)
    if text in CARE_SERVICES:
        return (text,)
    if text in _ALIASES:
        return (_ALIASES[text],)
    if _PREVENTIVE in text:
        care = text.replace(_PREVENTIVE, "")
        preventive = text.replace(_PREVENTIVE, "介護予防")
        found = tuple(
            dict.fromkeys(_ALIASES.get(n, n) for n in (care, preventive) if _ALIASES.get(n, n) in CARE_SERVICES)
        )
        return found or None
    return None
