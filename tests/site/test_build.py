"""The site is generated from the scheme data: one source of truth, anchors checked by the build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import calculator
from tests.conftest import ROOT, build, copy_project

SITE_PATH = "/kaigo-ict-guide/"  # the path of mkdocs.yml's default site_url
ID = re.compile(r'\sid="([^"]+)"')
HREF = re.compile(r'\shref="([^"]+)"')
# Every page of the site, one per Markdown file under docs/ (docs/a/b.md is served at a/b/).
ALL_PAGES = sorted(
    str(md.relative_to(ROOT / "docs").with_suffix("")).removesuffix("index").rstrip("/") + "/"
    for md in (ROOT / "docs").rglob("*.md")
    if "_drafts" not in md.parts
)
ALL_PAGES = ["" if p == "/" else p for p in ALL_PAGES]
PAGES = (
    "index.html",
    "compare/index.html",
    "faq/index.html",
    "glossary/index.html",
    "search/index.html",
    *(
        f"{s}/{p}index.html"
        for s in ("ibaraki-2023", "yamaguchi-2022")
        for p in ("", "requirements/", "expenses/", "rate-cap/", "repeat/", "procedure/", "references/")
    ),
)


def test_the_build_writes_every_page_and_the_search_index(site: Path) -> None:
    for page in PAGES:
        assert (site / page).is_file(), page
    built = sorted(str(p.relative_to(site).parent) + "/" for p in site.rglob("index.html") if "pagefind" not in p.parts)
    assert built == sorted("./" if p == "" else p for p in ALL_PAGES)
    assert len(ALL_PAGES) == 27  # with the two 原文 pages (docs/sources/) and the kit
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert not (site / "hooks").exists(), "the hooks' templates and data are no part of the site"


def test_every_clause_and_caveat_has_exactly_one_anchor_on_the_site(site: Path) -> None:
    ids: dict[str, list[str]] = {}
    for html in site.rglob("*.html"):
        for anchor in ID.findall(html.read_text(encoding="utf-8")):
            ids.setdefault(anchor, []).append(str(html.relative_to(site)))
    for scheme in calculator.all_schemes():
        for anchor in [*scheme.clauses, *scheme.caveats]:
            assert len(ids.get(anchor, [])) == 1, (anchor, ids.get(anchor))


def test_anchor_map_for_the_simulator_points_at_real_anchors(site: Path) -> None:
    anchors = json.loads((site / "assets" / "anchors.json").read_text(encoding="utf-8"))
    expected = {a for s in calculator.all_schemes() for a in [*s.clauses, *s.caveats]}
    assert set(anchors) == expected
    for anchor, url in anchors.items():
        path, fragment = url.split("#")
        assert fragment == anchor
        assert f'id="{anchor}"' in (site / path / "index.html").read_text(encoding="utf-8")


def test_every_internal_link_lands_on_an_existing_page_and_anchor(site: Path) -> None:
    broken = []
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for href in HREF.findall(text):
            if href.startswith(("http://", "https://", "mailto:", "data:")) or href == "#":
                continue
            path, _, fragment = href.partition("#")
            fragment = fragment.split(":~:", 1)[0]  # a text fragment (:~:text=) is the browser's, not an id
            if path.startswith("/"):  # 404.html links from the site's root path, wherever it is served
                target = site / path.removeprefix(SITE_PATH)
            else:
                target = (html.parent / path).resolve() if path else html
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or (
                fragment
                and fragment not in {"__consent", "__search"}
                and f'id="{fragment}"' not in target.read_text(encoding="utf-8")
            ):
                broken.append(f"{html.relative_to(site)} -> {href}")
    assert broken == []


def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    tags = re.compile(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", re.I)
    remote = re.compile(r'\s(?:src|href)="(?:https?:)?//', re.I)
    for html in site.rglob("*.html"):
        for tag in tags.findall(html.read_text(encoding="utf-8")):
            if 'rel="canonical"' not in tag:  # a canonical link names the page's address; nothing is fetched
                assert not remote.search(tag), (html, tag)


def test_a_figure_changed_in_the_toml_changes_the_pages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    scheme = project / "calculator" / "schemes" / "ibaraki-2023.toml"
    text = scheme.read_text(encoding="utf-8")
    assert text.count("amount_yen = 2_600_000") == 1
    scheme.write_text(text.replace("amount_yen = 2_600_000", "amount_yen = 2_700_000"), encoding="utf-8")
    done = build(project, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    rate_cap = (tmp_path / "out" / "ibaraki-2023" / "rate-cap" / "index.html").read_text(encoding="utf-8")
    compare = (tmp_path / "out" / "compare" / "index.html").read_text(encoding="utf-8")
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for page in (rate_cap, compare):
        assert "270万円" in page
        assert "260万円" not in page
    assert "2,700,000円" in rate_cap
    assert "100万円～270万円" in home


def _fails(tmp_path: Path, page: str, old: str, new: str) -> str:
    project = copy_project(tmp_path / "project")
    path = project / "docs" / page
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    done = build(project, tmp_path / "out")
    assert done.returncode != 0
    return done.stderr


def test_an_unknown_marker_fails_the_build(tmp_path: Path) -> None:
    stderr = _fails(tmp_path, "compare.md", "<!-- site:compare -->", "<!-- site:comparison -->")
    assert "compare.md: 「site:comparison」という置き換えはありません" in stderr


def test_a_citation_link_to_a_missing_clause_fails_the_build(tmp_path: Path) -> None:
    stderr = _fails(tmp_path, "faq.md", "](cite:ibaraki-2023-staff-count)", "](cite:ibaraki-2023-staff-counts)")
    assert "faq.md: リンク先の条項「cite:ibaraki-2023-staff-counts」はありません" in stderr


def test_a_clause_left_without_a_page_fails_the_build(tmp_path: Path) -> None:
    stderr = _fails(tmp_path, "ibaraki-2023/references.md", "<!-- scheme:references ibaraki-2023 -->", "")
    assert "ページに置かれていない条項があります: " in stderr
    assert "ibaraki-2023-ref-3" in stderr


def test_a_template_placed_twice_fails_the_build(tmp_path: Path) -> None:
    stderr = _fails(
        tmp_path,
        "ibaraki-2023/repeat.md",
        "<!-- scheme:repeat ibaraki-2023 -->",
        "<!-- scheme:repeat ibaraki-2023 -->\n\n<!-- scheme:repeat ibaraki-2023 -->",
    )
    assert "「scheme:repeat ibaraki-2023」が2か所にあります" in stderr


def test_glossary_terms_are_explained_where_they_appear(site: Path) -> None:
    expenses = (site / "ibaraki-2023" / "expenses" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="glossary-term" href="../../glossary/#term-ikkan" title="[^"]+">一気通貫</a>', expenses)
    glossary = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    for term_id in ("ikkan", "jokin-kansan", "life", "security-action", "kofu-kettei", "lease"):
        assert f'id="term-{term_id}"' in glossary, term_id


FIGURE = re.compile(
    r"[0-9０-９,.]+万円|[0-9０-９]+分の[0-9０-９]+|[0-9０-９][0-9０-９,]*円|令和[0-9０-９]+年[0-9０-９]+月"
    r"|[0-9０-９]+～[0-9０-９]+人|[0-9０-９]+人以上|千円未満"
)


def test_hand_written_pages_type_no_figure_of_a_scheme() -> None:
    """Rates, caps, bands, dates and rounding come from the TOML ([[fig:...]] and the templates)."""
    typed = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            typed += [f"{page.relative_to(ROOT)}:{n}: {m}" for m in FIGURE.findall(line)]
    assert typed == []


def test_figure_markers_are_filled_from_the_data(site: Path) -> None:
    faq = (site / "faq" / "index.html").read_text(encoding="utf-8")
    assert "[[fig:" not in faq
    assert "1～10人は100万円、11～20人は160万円、21～30人は200万円、31人以上は260万円" in faq
    assert "令和6年3月31日までの支払い分" in faq


def test_only_the_simulator_page_starts_the_runtime(site: Path) -> None:
    """Guide pages load zero Pyodide bytes: only the simulator page has the script that starts it."""
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        starts = bool(re.search(r'(?:src|href)="[^"]*(?:simulator\.mjs|/pyodide/)', text))
        assert starts == (html.relative_to(site).as_posix() == "simulator/index.html"), html


def test_japanese_line_breaks_leave_no_stray_spaces(site: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
    from japanese_lines import join_japanese_lines

    assert join_japanese_lines("ほかのサ\nイトの\n  データ") == "ほかのサイトのデータ"
    assert join_japanese_lines("English\nwords") == "English\nwords"  # a space is right there
    assert join_japanese_lines("説明です。\n- 項目") == "説明です。\n- 項目"  # a list starts
    assert join_japanese_lines("見出し\n\n本文") == "見出し\n\n本文"  # a new paragraph
    assert join_japanese_lines("| 表 |\n| 行 |") == "| 表 |\n| 行 |"
    assert join_japanese_lines("```\nコード\n例\n```") == "```\nコード\n例\n```"
    assert join_japanese_lines("強調  \n改行") == "強調  \n改行"  # a hard break written on purpose
    privacy = (site / "privacy" / "index.html").read_text(encoding="utf-8")
    assert "ほかのサイトのデータには触れません" in privacy
