"""A scheme's guide pages and its place in the navigation, from its TOML file alone.

A prefecture publishing a new year writes one scheme file (and puts its source text under sources/);
it writes no Markdown and edits no nav. For each scheme this hook adds the pages docs/ does not hold:
the seven guide pages (``PAGES``, made from ``templates/pages/<name>.md``, which hold the same
``<!-- scheme:… -->`` markers a hand-written page uses) and a 原文 page for each source document. A
page written under ``docs/<id>/`` replaces its generated twin, so prose pages are optional additions.
A scheme with no section in mkdocs.yml's nav gets one, among the scheme sections, newest year first.

Runs before source_pages.py and scheme_pages.py: both read the markers in the generated text.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Final

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT: Final = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import calculator  # noqa: E402  (the repository root must be importable first)

TEMPLATES: Final = Path(__file__).resolve().parent / "templates" / "pages"
# (file name, its title in the nav): the guide's pages of a scheme, in reading order.
PAGES: Final = (
    ("index", None),
    ("requirements", "補助の要件"),
    ("expenses", "対象となる経費・対象外の経費"),
    ("rate-cap", "補助率と上限額"),
    ("repeat", "2回目以降の補助"),
    ("procedure", "手続き・提出書類・問い合わせ先"),
    ("references", "参考資料"),
)
SOURCES_DIR: Final = "sources"  # where source_pages.py looks for a document's 原文 page

ENV: Final = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    undefined=jinja2.StrictUndefined,
    autoescape=True,  # scheme data is text, and Markdown reads &lt; as <
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def source_stems(scheme: calculator.Scheme) -> list[tuple[str, str]]:
    """(file stem, title) of each document of the scheme that has its text under sources/."""
    return [(d.source.stem, d.title) for d in scheme.documents if d.source is not None]


def section_title(scheme: calculator.Scheme) -> str:
    return f"{scheme.prefecture} {scheme.fiscal_year_label}"


def nav_section(scheme: calculator.Scheme) -> dict[str, list[Any]]:
    """The nav section a scheme gets when mkdocs.yml has none for it."""
    entries: list[Any] = [
        f"{scheme.id}/{name}.md" if title is None else {title: f"{scheme.id}/{name}.md"} for name, title in PAGES
    ]
    entries += [{f"原文（{title}）": f"{SOURCES_DIR}/{stem}.md"} for stem, title in source_stems(scheme)]
    return {section_title(scheme): entries}


def _section_scheme(entry: Any, schemes: dict[str, calculator.Scheme]) -> calculator.Scheme | None:
    """The scheme whose section this nav entry is (it lists <id>/index.md), if any."""
    if not isinstance(entry, dict) or len(entry) != 1:
        return None
    (children,) = entry.values()
    if not isinstance(children, list):
        return None
    for child in children:
        target = (
            child if isinstance(child, str) else next(iter(child.values()), None) if isinstance(child, dict) else None
        )
        if isinstance(target, str) and target.endswith("/index.md") and target.split("/")[0] in schemes:
            return schemes[target.split("/")[0]]
    return None


def place_sections(nav: list[Any], schemes: dict[str, calculator.Scheme]) -> list[Any]:
    """The nav with a section for every scheme that has none, among the others, newest year first."""
    present = {s.id for s in (_section_scheme(e, schemes) for e in nav) if s is not None}
    for scheme in sorted((s for s in schemes.values() if s.id not in present), key=lambda s: -s.fiscal_year):
        positions = [(n, s) for n, s in ((n, _section_scheme(e, schemes)) for n, e in enumerate(nav)) if s]
        older = [n for n, s in positions if s.fiscal_year < scheme.fiscal_year]
        if older:
            at = older[0]
        elif positions:
            at = positions[-1][0] + 1
        else:  # no scheme section yet: after the simulator, or at the end
            at = next((n + 1 for n, e in enumerate(nav) if "simulator.md" in str(e)), len(nav))
        nav.insert(at, nav_section(scheme))
    return nav


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if config.nav is not None:
        schemes = {s.id: s for s in calculator.all_schemes()}
        config.nav = place_sections(list(config.nav), schemes)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for scheme in calculator.all_schemes():
        for name, _ in PAGES:
            uri = f"{scheme.id}/{name}.md"
            if files.get_file_from_path(uri) is None:
                text = ENV.get_template(f"{name}.md").render(scheme=scheme, title=section_title(scheme))
                files.append(File.generated(config, uri, content=text))
        for stem, title in source_stems(scheme):
            uri = f"{SOURCES_DIR}/{stem}.md"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, content=f"# 原文: {title}\n\n<!-- source:{stem} -->\n"))
    return files
