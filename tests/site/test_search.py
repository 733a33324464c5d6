"""Japanese search in a real Chromium: recall and precision on our own pages, through the page's UI."""

from __future__ import annotations

import random
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.site.search_eval import QUERIES, Outcome, article_texts, site_results

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
from search_index import search_terms

SAMPLES = [
    "介護ソフト",
    "タブレット端末",
    "4分の3",
    "Wi-Fiルーター",
    "400,000円",
    "１２０万円",
    "SECURITY ACTION",
    "令和6年3月31日",
    "ｶﾀｶﾅ",
    "一気通貫（＊１）",
    "々〆ヶ",
    "10.5人",
    "e-mail",
    "Ｗｉ－Ｆｉ",
    "",
    "　",
    "額",
]


def test_there_are_the_issues_queries_and_30_more() -> None:
    asked = [
        "介護ソフト",
        "タブレット端末",
        "4分の3",
        "常勤換算",
        "Wi-Fi",
        "ルーター",
        "通信費",
        "千円未満",
        "切り捨て",
        "交付決定",
        "リース",
        "勤怠管理",
        "SECURITY ACTION",
    ]
    queries = [q["q"] for q in QUERIES]
    assert set(asked) <= set(queries)
    assert len(queries) >= len(asked) + 30
    assert len(set(queries)) == len(queries)


def test_the_page_cuts_a_query_exactly_as_the_build_cuts_the_pages(page: Any, base_url: str) -> None:
    page.goto(base_url + "search/")
    rng = random.Random(8)
    alphabet = "あいうアイウー介護費用額abcXYZ0123456789-.,、。・（）　 Ｗｉ"
    samples = SAMPLES + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(200)]
    from_page = page.evaluate(
        "async samples => { await window.searchWords.load(); return samples.map(s => window.searchTerms(s)); }", samples
    )
    assert from_page == [search_terms(s) for s in samples]


def test_every_query_finds_its_page_in_the_top_5_and_nothing_unrelated_in_the_top_3(
    page: Any, base_url: str, site: Path
) -> None:
    texts = article_texts(site)
    missed, unrelated = [], []
    for query in QUERIES:
        outcome = Outcome(query["q"], query["page"], site_results(page, base_url, query["q"]))
        if not outcome.found:
            missed.append((outcome.query, outcome.expected, outcome.results[:5]))
        unrelated += [(outcome.query, url) for url in outcome.unrelated_in_top3(texts)]
    assert missed == []
    assert unrelated == []


def test_the_header_form_opens_the_search_page_and_the_query_is_never_sent(page: Any, base_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urllib.parse.unquote(request.url)))
    page.goto(base_url + "ibaraki-2023/")
    page.fill("#site-search-query", "リース")
    page.press("#site-search-query", "Enter")
    page.wait_for_url("**/search/#q=*")
    page.wait_for_selector("a.search-page__title")
    assert urllib.parse.unquote(page.url).endswith("search/#q=リース")
    assert page.locator("#search-status").inner_text().startswith("「リース」を含むページが")
    assert requested, "the page made no request at all?"
    assert not [url for url in requested if "リース" in url]


@pytest.mark.parametrize("query", ["ライセンス", "MIT"])  # words of the footer only
def test_only_the_article_is_indexed_not_header_navigation_or_footer(page: Any, base_url: str, query: str) -> None:
    assert site_results(page, base_url, query) == []
    assert "見つかりませんでした" in page.locator("#search-status").inner_text()


def _timed_search(page: Any, query: str) -> float:
    """Milliseconds from asking for `query` (the page and Pagefind already loaded) to its results shown."""
    return float(
        page.evaluate(
            """q => new Promise(done => {
              const status = document.getElementById('search-status');
              const start = performance.now();
              new MutationObserver((_, observer) => {
                if (!status.textContent.startsWith('「' + q + '」')) return;
                observer.disconnect();
                done(performance.now() - start);
              }).observe(status, { childList: true, characterData: true, subtree: true });
              location.hash = 'q=' + encodeURIComponent(q);
            })""",
            query,
        )
    )


@pytest.mark.parametrize("query", [" ".join(["a"] * 50), " ".join(["i"] * 50), "a i e o u c t m l g p q r s 1 2 3"])
def test_many_repeated_words_are_answered_well_under_a_second(page: Any, base_url: str, query: str) -> None:
    site_results(page, base_url, "介護")  # Pagefind loaded once, as after a first search
    assert _timed_search(page, query) < 1000


@pytest.mark.parametrize("query", ["ict m", "t", "schemes 県", "schemes t", "ict a"])
def test_the_excerpts_show_the_text_with_the_words_marked_and_nothing_else(
    page: Any, base_url: str, query: str
) -> None:
    assert site_results(page, base_url, query)
    excerpts = page.locator("#search-results p").evaluate_all(
        "ps => ps.map(p => ({ text: p.textContent, html: p.innerHTML, "
        "marks: Array.from(p.querySelectorAll('mark')).map(m => m.textContent) }))"
    )
    words = set(query.split())
    for shown in excerpts:
        assert "mark>" not in shown["text"] and "&lt;" not in shown["text"] and "&amp;" not in shown["text"]
        assert shown["marks"] and {m.lower() for m in shown["marks"]} <= words
        assert "<mark><mark>" not in shown["html"] and shown["html"].count("<mark>") == len(shown["marks"])
