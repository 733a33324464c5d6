"""Guide pages generated from the scheme data: one source of truth for every figure on the site.

A page holds a marker, ``<!-- scheme:rate-cap ibaraki-2023 -->``, and this hook expands it with the
Jinja2 template ``templates/rate-cap.md`` fed by the same loader the engine uses. An unknown marker,
template or scheme fails the build.

Anchors: every clause of every scheme gets exactly one home on the site, the first placed template
(in `TEMPLATE_ORDER`) that cites it. There the citation carries ``id="<anchor>"``; everywhere else it
links to that home. Prose links to a clause as ``[text](cite:<anchor>)``. The build fails on a clause
with no home, on an unknown ``cite:`` link and on an id used twice in a page.
"""

from __future__ import annotations

import datetime
import json
import os
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from branding import public_build  # noqa: E402  (a build for readers, at a real address)
from source_pages import quote_href  # noqa: E402  (a quote links to its place in the 原文 page)

import calculator  # noqa: E402  (the repository root must be importable first)
from calculator._scheme import Cap, Category  # noqa: E402
from calculator._status import date_words, status, status_words, window  # noqa: E402
from calculator._vocabulary import CATEGORY_IDS, PAYMENT_WORDS, SUBMIT_WORDS, rate_words  # noqa: E402
from calculator._vocabulary import ITEM_STATUS_WORDS as STATUS_WORDS  # noqa: E402
from calculator._vocabulary import REQUIREMENT_FACT_WORDS as FACT_WORDS  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent / "templates"
MARKER = re.compile(r"<!--\s*(scheme|site):([a-z-]+)(?:\s+([^\s>]+))?\s*-->")
CITE_LINK = re.compile(r"\]\(cite:([a-z0-9-]+)\)")
FIGURE = re.compile(r"\[\[fig:([a-z0-9-]+):([a-z_]+)\]\]")
# Where a clause lives when several templates cite it: the most specific page first.
TEMPLATE_ORDER = (
    "expenses",
    "rate-cap",
    "requirements",
    "repeat",
    "procedure",
    "references",
    "overview",
    "caveats",
)
SCHEME_TEMPLATES = set(TEMPLATE_ORDER) | {"case"}
SITE_TEMPLATES = {"schemes", "compare", "simulator", "keys"}


@dataclass
class Placement:
    kind: str  # "scheme" or "site"
    template: str
    argument: str | None
    src_uri: str


@dataclass
class SiteState:
    schemes: dict[str, calculator.Scheme] = field(default_factory=dict)
    placements: list[Placement] = field(default_factory=list)
    homes: dict[str, str] = field(default_factory=dict)  # anchor -> src_uri of its page
    home_template: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)  # src_uri -> url
    caveat_pages: dict[str, str] = field(default_factory=dict)  # caveat id -> src_uri
    emitted: dict[str, str] = field(default_factory=dict)  # anchor -> page it was emitted on


STATE = SiteState()
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    undefined=jinja2.StrictUndefined,
    autoescape=True,  # scheme data is text; deliberate HTML is Markup (what cite() returns)
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def yen(amount: int) -> str:
    return f"{amount:,}円"


def man_yen(amount: int) -> str:
    """1,600,000 -> '160万円' where exact, as the documents write caps."""
    return f"{amount // 10_000:,}万円" if amount % 10_000 == 0 else yen(amount)


def when_words(scheme: calculator.Scheme, when: tuple[str, ...]) -> str:
    """A requirement's `when` list in plain Japanese: 「情報端末を導入する場合」."""
    words = []
    for predicate in when:
        name, _, argument = predicate.partition(":")
        category = scheme.category(argument)
        title = category.title if category else argument
        if name in ("has_category", "counts_category"):
            words.append(f"{title}を導入する場合")
        elif name == "lacks_category":
            words.append(f"{title}を導入しない場合")
        else:
            raise PluginError(f"{scheme.id}: 要件の条件「{predicate}」の読み方がありません")
    return "、".join(words)


CATEGORY_NAMES = {
    "care_software": "介護ソフト",
    "devices": "タブレットなどの端末",
    "network": "Wi-Fiなどのネットワーク機器",
    "maintenance": "クラウド・保守・導入研修",
    "back_office": "バックオフィス用ソフト（勤怠・シフトなど）",
    "pc_printer": "パソコン・プリンター",
    "communication_fee": "通信費",
    "development_platform": "ソフトの開発基盤",
    "other": "その他の経費",
}
assert set(CATEGORY_NAMES) == set(CATEGORY_IDS), "a name for every category id of the case-file contract"

ENV.filters.update(yen=yen, man_yen=man_yen, rate_words=rate_words, e=escape)


class _Citer:
    """Renders citations for one template on one page: the clause's home gets the id, others link."""

    def __init__(self, page_uri: str | None, template: str, argument: str | None, *, collect: set[str] | None = None):
        self.page_uri = page_uri
        self.key = (template, argument)
        self.collect = collect

    def href(self, anchor: str) -> str:
        home = STATE.homes.get(anchor)
        if home is None:
            raise PluginError(f"条項のアンカー「{anchor}」を置くページがありません")
        return _relative(home, self.page_uri or home, anchor)

    def __call__(self, citation: calculator.Citation, *, quote: bool = True) -> Markup:
        anchor = citation.anchor
        if self.collect is not None:
            self.collect.add(anchor)
            return Markup("")
        label = escape(citation.clause.clause)
        quoted = Markup(f"「{escape(citation.quote)}」") if quote else Markup("")
        source = quote_href(citation, self.page_uri) if quote and self.page_uri else None
        if source:
            quoted = Markup(f'[{quoted}]({source}){{ .source-quote-link title="原文で読む" }}')
        is_home = STATE.home_template.get(anchor) == self.key and self.page_uri == STATE.homes[anchor]
        if is_home and anchor not in STATE.emitted:
            STATE.emitted[anchor] = self.page_uri
            return Markup(f'<span class="clause-cite" id="{anchor}">出典: {label}{quoted}</span>')
        return Markup(f"[出典: {label}]({self.href(anchor)}){{ .clause-cite }}{quoted}")


def _render(placement: Placement, page_uri: str | None, collect: set[str] | None = None) -> str:
    cite = _Citer(page_uri, placement.template, placement.argument, collect=collect)
    context: dict[str, Any] = {"cite": cite, "schemes": list(STATE.schemes.values()), "scheme_keys": _flat_keys()}
    if placement.kind == "scheme":
        if placement.template == "case":
            return _render_case(placement, cite)
        scheme = STATE.schemes.get(placement.argument or "")
        if scheme is None:
            raise PluginError(f"{placement.src_uri}: 「{placement.argument}」という制度はありません")
        context["scheme"] = scheme
        context["caveat_href"] = lambda caveat_id: _caveat_href(caveat_id, page_uri)
    try:
        return ENV.get_template(f"{placement.template}.md").render(context)
    except jinja2.TemplateError as error:
        raise PluginError(f"{placement.src_uri}: テンプレート {placement.template}.md: {error}") from error


KIND_WORDS = {
    "string": "文字列",
    "integer": "整数",
    "boolean": "true / false",
    "date": "日付（2024-03-31）",
    "rate": '分数の文字列（"1/2"）',
    "cite": "出典 { clause, quote }",
    "strings": "文字列の配列",
    "table": "表 [...]",
    "tables": "表の配列 [[...]]",
}


def _flat_keys() -> list[tuple[str, str, bool, str]]:
    """Every key of a scheme file as (path, kind in words, required, description), from calculator._keys."""
    from calculator._keys import SCHEME, Key

    rows: list[tuple[str, str, bool, str]] = []

    def walk(key: Key, prefix: str) -> None:
        for child in key.keys:
            path = f"{prefix}{child.name}" + ("[]" if child.kind == "tables" else "")
            words = KIND_WORDS[child.kind] + (f"（{'、'.join(child.choices)}）" if child.choices else "")
            rows.append((path, words, child.required, child.description))
            walk(child, path + ".")

    walk(SCHEME, "")
    return rows


def status_html(scheme: calculator.Scheme, today: datetime.date | None = None) -> Markup:
    """Whether the scheme takes applications, as of the build; scheme-status.js redoes it for the
    reader's own day from the same words (calculator/_status.py writes them once)."""
    span = window(scheme)
    code, text = status(scheme, today or build_date())
    data = {"start": span.start.isoformat() if span.start else "", "end": span.end.isoformat()}
    data.update({key.replace("_", "-"): words for key, words in status_words(scheme).items()})
    attributes = " ".join(f'data-{key}="{escape(value)}"' for key, value in data.items())
    return Markup(f'<p class="scheme-status" data-scheme-status data-status="{code}" {attributes}>{escape(text)}</p>')


def one_cap_words(cap: Cap, categories: tuple[Category, ...] = ()) -> str:
    """One cap in a line: 「1事業所あたり50万円」, 「職員数に応じて100万円～260万円」, 「1台ごとに…」."""
    if cap.kind == "fixed" and cap.amount_yen is not None:
        return f"1事業所あたり{man_yen(cap.amount_yen)}"
    if cap.kind == "by_staff":
        label = cap.staff_label or "職員数"
        return f"{label}に応じて{man_yen(cap.bands[0].amount_yen)}～{man_yen(cap.bands[-1].amount_yen)}"
    units = [f"{c.title}{man_yen(c.unit_cap_yen)}" for c in categories if c.unit_cap_yen is not None]
    return "1台ごとに" + ("、".join(units) if units else "定めた額")


def menu_categories(scheme: calculator.Scheme, menu_id: str) -> tuple[Category, ...]:
    return tuple(c for c in scheme.categories if c.menu == menu_id)


def cap_words(scheme: calculator.Scheme, *, short: bool = False) -> str:
    """The scheme's cap in one line, whether it has one cap or one per menu (区分)."""
    if scheme.cap is not None:
        if short and scheme.cap.kind == "fixed" and scheme.cap.amount_yen is not None:
            return man_yen(scheme.cap.amount_yen)
        return one_cap_words(scheme.cap)
    words = "区分ごとに、" + "、".join(
        f"{m.title}は{one_cap_words(m.cap, menu_categories(scheme, m.id))}" for m in scheme.menus
    )
    for kind in scheme.application_types:
        words += f"（{kind.title}は1事業所あたり{man_yen(kind.cap_yen)}）"
    return words


def needs_words(scheme: calculator.Scheme) -> str:
    """How many of the rate's conditions raise it: 「のどれか1つでも」 or 「をすべて」."""
    return "をすべて" if scheme.rate.needs == "all" else "のどれか1つでも"


def tel_href(phone: str) -> str:
    """tel: link of a phone number as the documents write it (099-000-0000, full-width digits)."""
    digits = "".join(
        ch
        for ch in phone.translate(str.maketrans("０１２３４５６７８９＋", "0123456789+"))
        if ch.isdigit() or ch == "+"
    )
    return f"tel:{digits}"


def compare_categories(schemes: list[calculator.Scheme]) -> list[tuple[str, str]]:
    """The comparison's rows of expenses: the nine categories of the case-file contract, then each
    category a scheme defines of its own, by its first title."""
    rows = dict(CATEGORY_NAMES)
    for scheme in schemes:
        for category in scheme.categories:
            rows.setdefault(category.id, category.title)
    return list(rows.items())


ENV.globals.update(
    SUBMIT_WORDS=SUBMIT_WORDS,
    PAYMENT_WORDS=PAYMENT_WORDS,
    STATUS_WORDS=STATUS_WORDS,
    FACT_WORDS=FACT_WORDS,
    when_words=when_words,
    status_html=status_html,
    compare_categories=compare_categories,
    cap_words=cap_words,
    one_cap_words=one_cap_words,
    menu_categories=menu_categories,
    needs_words=needs_words,
    tel_href=tel_href,
    date_words=date_words,
)


def _relative(target_uri: str, page_uri: str, fragment: str) -> str:
    """A Markdown link from one source page to another's fragment, checked by MkDocs' link validation."""
    if target_uri == page_uri:
        return f"#{fragment}"
    return f"{posixpath.relpath(target_uri, posixpath.dirname(page_uri) or '.')}#{fragment}"


def _caveat_href(caveat_id: str, page_uri: str | None) -> str:
    home = STATE.caveat_pages.get(caveat_id)
    if home is None or page_uri is None:
        return f"#{caveat_id}"
    return _relative(home, page_uri, caveat_id)


def _render_case(placement: Placement, cite: _Citer) -> str:
    """A worked example computed by the engine from a case file under examples/."""
    path = ROOT / "examples" / (placement.argument or "")
    if not path.is_file():
        raise PluginError(f"{placement.src_uri}: 例のケースファイル examples/{placement.argument} がありません")
    data = calculator._case.read_case_file(path)  # the CLI's own reader: JSON or TOML
    result = calculator.simulate(data)
    return ENV.get_template("case.md").render(
        cite=cite,
        result=result,
        case=data,
        scheme=STATE.schemes[result.scheme_id],
        file=placement.argument,
        caveat_href=lambda caveat_id: _caveat_href(caveat_id, cite.page_uri),
    )


def build_date() -> datetime.date:
    """The day the pages speak for: today, or SOURCE_DATE_EPOCH's day (reproducible builds, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.date.today()


def missing_contact(scheme: calculator.Scheme) -> list[str]:
    """The keys a reader needs to reach the scheme's office: 課, and a phone or an e-mail."""
    app = scheme.application
    missing = [] if app and app.office else ["application.office"]
    if not (app and (app.phone or app.email)):
        missing.append("application.phone か application.email")
    return missing


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    STATE.__init__()  # a fresh state for each build (mkdocs serve rebuilds in one process)
    STATE.schemes = {s.id: s for s in calculator.all_schemes()}
    if public_build(config):
        # A reader of a scheme that still takes (or may take) applications must be able to ask:
        # a public build refuses one without its office and a phone or an e-mail. A closed scheme
        # whose document names none says so in its contact box, with where to look instead.
        today = build_date()
        problems = [
            f"{s.id}: 問い合わせ先の {'、'.join(keys)} がありません（公開するサイトで、受付が終わっていない制度に必須）"
            for s in STATE.schemes.values()
            if status(s, today)[0] != "closed" and (keys := missing_contact(s))
        ]
        if problems:
            raise PluginError("\n".join(problems))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # The hooks' templates and data sit in the theme folder; they are no part of the site.
    for file in [f for f in files if f.src_uri.startswith("hooks/")]:
        files.remove(file)
    for file in files.documentation_pages():
        STATE.urls[file.src_uri] = file.url
        text = file.content_string  # a page in docs/, or one generated_pages.py made from the TOML
        for kind, template, argument in MARKER.findall(text):
            known = SCHEME_TEMPLATES if kind == "scheme" else SITE_TEMPLATES
            if template not in known:
                raise PluginError(f"{file.src_uri}: 「{kind}:{template}」という置き換えはありません")
            STATE.placements.append(Placement(kind, template, argument or None, file.src_uri))
    _assign_homes()
    return files


def _assign_homes() -> None:
    """Give each clause its home: the placed template that cites it first in TEMPLATE_ORDER."""
    order = {name: n for n, name in enumerate(TEMPLATE_ORDER)}
    placed = sorted(
        (p for p in STATE.placements if p.kind == "scheme" and p.template in order),
        key=lambda p: (order[p.template], p.argument or ""),
    )
    seen: set[tuple[str, str | None]] = set()
    for placement in placed:
        key = (placement.template, placement.argument)
        if key in seen:
            raise PluginError(
                f"{placement.src_uri}: 「scheme:{placement.template} {placement.argument}」が2か所にあります"
            )
        seen.add(key)
        cited: set[str] = set()
        _render(placement, None, collect=cited)
        for anchor in sorted(cited):
            if anchor not in STATE.homes:
                STATE.homes[anchor] = placement.src_uri
                STATE.home_template[anchor] = key
        if placement.template in ("overview", "caveats"):
            for caveat_id in STATE.schemes[placement.argument or ""].caveats:
                STATE.caveat_pages.setdefault(caveat_id, placement.src_uri)
    missing = [anchor for scheme in STATE.schemes.values() for anchor in scheme.clauses if anchor not in STATE.homes]
    if missing:
        raise PluginError("ページに置かれていない条項があります: " + ", ".join(missing))


def wareki(day: datetime.date) -> str:
    """2024-03-31 -> 令和6年3月31日 (the documents' own calendar; Reiwa began on 2019-05-01)."""
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def figure(scheme: calculator.Scheme, name: str) -> str | None:
    """A figure of a scheme for prose: pages never type a rate, cap or date themselves."""
    cap, rate = scheme.cap, scheme.rate
    lease = scheme.payments["lease"]
    example = scheme.repeat.examples[0] if scheme.repeat.examples else None
    unit = scheme.rounding.unit_yen
    figures: dict[str, str | None] = {
        "rate": rate_words(rate.base),
        "higher_rate": rate_words(rate.higher) if rate.higher else None,
        "cap": cap_words(scheme, short=True),
        "cap_yen": yen(cap.amount_yen) if cap and cap.amount_yen else None,
        "bands": "、".join(f"{b.label()}は{man_yen(b.amount_yen)}" for b in cap.bands) or None if cap else None,
        "rounding": f"{'千円' if unit == 1000 else yen(unit)}未満切り捨て",
        "lease_until": wareki(lease.until) if lease.until else None,
        "period": scheme.application.period_text if scheme.application else None,
        "fiscal_year": scheme.fiscal_year_label,
        "example": example.text if example else None,
    }
    return figures.get(name)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    uri = page.file.src_uri

    def fill(match: re.Match[str]) -> str:
        scheme = STATE.schemes.get(match.group(1))
        value = figure(scheme, match.group(2)) if scheme else None
        if value is None:
            raise PluginError(f"{uri}: 「{match.group(0)}」という数値はありません")
        return value

    markdown = FIGURE.sub(fill, markdown)

    def expand(match: re.Match[str]) -> str:
        kind, template, argument = match.groups()
        return _render(Placement(kind, template, argument, uri), uri)

    markdown = MARKER.sub(expand, markdown)
    scheme_id = uri.split("/", 1)[0]
    if scheme_id in STATE.schemes and "/" in uri:  # every page of a scheme says whether it is open
        title, _, rest = markdown.partition("\n")
        if not title.startswith("# "):
            raise PluginError(f"{uri}: 制度のページは「# 見出し」で始めてください（受付状況をその下に置きます）")
        markdown = f"{title}\n\n{status_html(STATE.schemes[scheme_id])}\n{rest}"

    def link(match: re.Match[str]) -> str:
        anchor = match.group(1)
        if anchor in STATE.homes:
            return f"]({_Citer(uri, '', None).href(anchor)})"
        if anchor in STATE.caveat_pages:
            return f"]({_caveat_href(anchor, uri)})"
        raise PluginError(f"{uri}: リンク先の条項「cite:{anchor}」はありません")

    return CITE_LINK.sub(link, markdown)


ID_ATTRIBUTE = re.compile(r'\sid="([^"]+)"')


def on_post_build(config: MkDocsConfig) -> None:
    site = Path(config.site_dir)
    problems = []
    for html in sorted(site.rglob("*.html")):
        ids = ID_ATTRIBUTE.findall(html.read_text(encoding="utf-8"))
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"{html.relative_to(site)}: id「{duplicate}」が2回以上あります")
    never = [a for a in STATE.homes if a not in STATE.emitted]
    if never:
        problems.append("出典のアンカーが出力されませんでした: " + ", ".join(sorted(never)))
    if problems:
        raise PluginError("\n".join(problems))
    # For the simulator: where each clause and caveat lives on the site (site-relative URLs).
    anchors = {a: f"{STATE.urls[uri]}#{a}" for a, uri in STATE.homes.items()}
    anchors.update({c: f"{STATE.urls[uri]}#{c}" for c, uri in STATE.caveat_pages.items()})
    target = site / "assets" / "anchors.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(dict(sorted(anchors.items())), ensure_ascii=False, indent=1), encoding="utf-8")
