"""Is it open? Every scheme page and the home page's list say 受付前, 受付中, 受付終了 or 期間不明 for the
reader's own day (the browser's clock), from the words the engine writes once (calculator/_status.py)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

import calculator
from calculator._status import status

LOOK = "今年度の制度があるかは、県のホームページで確かめてください。"
YAMAGUCHI = calculator.get_scheme("yamaguchi-2022")
IBARAKI = calculator.get_scheme("ibaraki-2023")


@pytest.mark.parametrize(
    ("scheme", "day", "expected"),
    [
        (YAMAGUCHI, "2022-07-18", "受付前: 令和4年7月19日から令和4年8月31日まで受け付けます。"),
        (YAMAGUCHI, "2022-07-19", "受付中: 令和4年8月31日まで。あと43日です。"),
        (YAMAGUCHI, "2022-08-30", "受付中: 令和4年8月31日まで。あと1日です。"),
        (YAMAGUCHI, "2022-08-31", "受付中: きょう令和4年8月31日が締め切りです。"),
        (YAMAGUCHI, "2022-09-01", f"受付終了: 令和4年8月31日に締め切りました。{LOOK}"),
        (IBARAKI, "2024-03-31", f"受付期間: 文書に書かれていません。令和5年度の制度です。{LOOK}"),
        (IBARAKI, "2024-04-01", f"受付終了: 令和5年度の制度で、その年度は令和6年3月31日に終わりました。{LOOK}"),
    ],
)
def test_the_page_follows_the_readers_clock(
    browser: Any, base_url: str, scheme: calculator.Scheme, day: str, expected: str
) -> None:
    assert status(scheme, datetime.date.fromisoformat(day))[1] == expected  # the engine's own words
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.clock.set_fixed_time(datetime.datetime.fromisoformat(f"{day}T09:00:00"))
    end = (scheme.application.period_end if scheme.application else scheme.period_end).isoformat()
    for path in (f"{scheme.id}/rate-cap/", ""):  # a scheme page, and the home page's list
        page.goto(base_url + path)
        line = page.locator(f'[data-scheme-status][data-end="{end}"]')
        assert line.first.inner_text() == expected, (path, day)
    context.close()


def test_every_scheme_page_says_it_without_javascript(site: Path) -> None:
    pages = sorted(p for s in ("ibaraki-2023", "yamaguchi-2022") for p in (site / s).rglob("index.html"))
    assert len(pages) == 14
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.count("data-scheme-status") == 1, page
        assert 'data-status="closed"' in html, page  # both closed long before any build of this site
