"""Is it open? The application window of a scheme and its status on a given day, in plain words.

The words are written here once; the site writes them into each page at build time, for the day of
the build, and a small script picks the one for the reader's own day (scheme-status.js).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final

from calculator._scheme import Scheme

STATUSES: Final = ("before", "open", "closed", "unknown")
# Where the reader looks for this year's scheme once one has closed.
_LOOK_AGAIN: Final = "今年度の制度があるかは、県のホームページで確かめてください。"


@dataclass(frozen=True)
class Window:
    """When applications are taken: the scheme's own window, or only the end of its fiscal year."""

    start: datetime.date | None  # None where the document gives no window
    end: datetime.date
    receipt: str = ""  # 必着 or 消印有効, where the document says


def date_words(date: datetime.date) -> str:
    """2022-08-31 -> '令和4年8月31日', as the documents write dates (令和 began on 2019-05-01)."""
    if date >= datetime.date(2019, 5, 1):
        year = date.year - 2018
        return f"令和{'元' if year == 1 else year}年{date.month}月{date.day}日"
    return f"{date.year}年{date.month}月{date.day}日"


def window(scheme: Scheme) -> Window:
    application = scheme.application
    if application is not None:
        return Window(application.period_start, application.period_end, application.receipt)
    return Window(None, scheme.period_end)


def status_words(scheme: Scheme) -> dict[str, str]:
    """The sentence for each status ({days} is the days left while open; 0 on the last day)."""
    span = window(scheme)
    end = date_words(span.end)
    if span.start is None:
        return {
            "unknown": f"受付期間: 文書に書かれていません。{scheme.fiscal_year_label}の制度です。{_LOOK_AGAIN}",
            "closed": f"受付終了: {scheme.fiscal_year_label}の制度で、その年度は{end}に終わりました。{_LOOK_AGAIN}",
        }
    receipt = f"（{span.receipt}）" if span.receipt else ""
    return {
        "before": f"受付前: {date_words(span.start)}から{end}まで{receipt}受け付けます。",
        "open": f"受付中: {end}まで{receipt}。あと{{days}}日です。",
        "open_last": f"受付中: きょう{end}が締め切りです{receipt}。",
        "closed": f"受付終了: {end}に締め切りました。{_LOOK_AGAIN}",
    }


def status(scheme: Scheme, today: datetime.date) -> tuple[str, str]:
    """(status, sentence) on `today`: before, open, closed, or unknown where the window is not given."""
    span, words = window(scheme), status_words(scheme)
    if today > span.end:
        return "closed", words["closed"]
    if span.start is None:
        return "unknown", words["unknown"]
    if today < span.start:
        return "before", words["before"]
    days = (span.end - today).days
    return "open", words["open_last"] if days == 0 else words["open"].replace("{days}", str(days))
