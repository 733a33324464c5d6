"""Privacy by construction: every page carries a strict Content-Security-Policy that the browser
enforces, the simulator's worker is under it too, and the site stores nothing in the browser."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from tests.conftest import build, copy_project
from tests.site.browser import serve, watch
from tests.site.test_simulator import GOLDEN, fill_case, open_simulator, wait_for_subsidy

POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
WEBASSEMBLY_PAGES = {"simulator/index.html", "kit/index.html", "search/index.html"}


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_every_page_carries_the_policy_before_any_script(site: Path) -> None:
    pages = html_pages(site)
    assert len(pages) >= 24  # 23 pages and 404.html
    for path in pages:
        text = path.read_text(encoding="utf-8")
        found = POLICY.findall(text)
        assert len(found) == 1, path
        # A <meta> policy only governs what comes after it.
        assert text.index("Content-Security-Policy") < text.index("<script"), path
        assert '<meta name="referrer" content="no-referrer">' in text, path
        policy = directives(html.unescape(found[0]))
        assert policy["default-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
        wasm = "'wasm-unsafe-eval'" in policy["script-src"]
        assert wasm == (path.relative_to(site).as_posix() in WEBASSEMBLY_PAGES), path
        # Material's two inline scripts (one depends on the folder depth) and the loader that runs the
        # scripts after the first paint (overrides/main.html) are allowed by hash, and on the
        # simulator page the head's script that starts the engine.
        inline = 4 if path.relative_to(site).as_posix() == "simulator/index.html" else 3
        assert len([s for s in policy["script-src"] if s.startswith("'sha256-")]) == inline, path


def test_an_inline_script_changed_after_the_build_is_refused(browser: Any, site: Path) -> None:
    """The hashes are enforced, not decorative: one changed character and the browser refuses it."""
    with serve(site) as base:
        context = browser.new_context()
        page = context.new_page()

        def tampered(route: Any) -> None:
            body = route.fetch().text().replace("__md_scope=new URL(", "__md_scope = new URL(", 1)
            route.fulfill(body=body, content_type="text/html; charset=utf-8")

        page.route(base + "compare/", tampered)
        seen = watch(page, base)
        page.goto(base + "compare/")
        page.wait_for_load_state("networkidle")
        assert any("script-src" in v for v in seen.violations)
        assert page.evaluate("typeof window.__md_get") == "undefined"
        context.close()


def test_the_simulator_runs_under_the_policy_with_no_violation(page: Any, base_url: str) -> None:
    seen = watch(page, base_url)
    open_simulator(page, base_url)
    case, subsidy = GOLDEN[2]
    fill_case(page, case)
    wait_for_subsidy(page, subsidy)
    page.fill("[data-name=amount_yen] >> nth=0", "abc")
    page.wait_for_selector(".sim-invalid")
    assert seen.violations == []
    assert seen.foreign_requests == []
    assert any(u.endswith("pyodide.asm.wasm") for u in seen.requests)  # the worker's requests are seen


def test_the_simulators_worker_cannot_reach_another_host(page: Any, base_url: str, site: Path) -> None:
    """The worker inherits the page's policy (it starts from a blob:), so even code running inside it
    could not send what is typed anywhere: a fetch to another origin is refused by the policy."""
    seen = watch(page, base_url)
    open_simulator(page, base_url)
    (worker,) = page.workers
    assert worker.url.startswith("blob:")
    with serve(site) as elsewhere:  # a real server on another origin (another port)
        violated = worker.evaluate(
            """url => new Promise((resolve) => {
                 self.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true });
                 fetch(url, { mode: "no-cors" }).then(() => resolve("sent"), () => {});
               })""",
            elsewhere + "sitemap.xml",
        )
    assert violated == "connect-src"
    assert seen.foreign_requests == []


def test_the_site_stores_only_the_engines_start_up_snapshot_and_the_privacy_page_clears_it(
    page: Any, base_url: str
) -> None:
    """No cookie, no localStorage, nothing from the checklist or the search; the two things kept are
    the simulator's start-up snapshot (tests/site/test_simulator.py checks that it holds nothing
    typed) and the simulator's draft in this tab's sessionStorage (tests/site/test_simulator_answer.py),
    which the privacy page's button lists and deletes."""
    page.goto(base_url + "ibaraki-2023/requirements/")
    page.locator("article input[type=checkbox]").first.check(force=True)  # the checklist is not kept
    assert page.locator("article input[type=checkbox]").first.is_checked()
    page.goto(base_url + "search/#q=タブレット端末")
    page.wait_for_selector("#search-results li")
    page.goto(base_url + "privacy/")
    page.wait_for_function("() => document.getElementById('storage-status').textContent.includes('ありません')")
    open_simulator(page, base_url)
    fill_case(page, GOLDEN[0][0])
    wait_for_subsidy(page, GOLDEN[0][1])
    page.wait_for_function(
        "async () => (await (await caches.open('kaigo-ict:/:engine-snapshot')).keys()).length === 1", timeout=30_000
    )
    stored = page.evaluate(
        "async () => [localStorage.length, Object.keys(sessionStorage), await caches.keys(), document.cookie]"
    )
    assert stored == [0, ["kaigo-ict:/:simulator-draft"], ["kaigo-ict:/:engine-snapshot"], ""]
    assert page.context.cookies() == []

    page.goto(base_url + "privacy/")
    status = page.locator("#storage-status")
    page.wait_for_function("() => document.getElementById('storage-status').textContent.includes('キャッシュ 1 件')")
    # On USER.github.io every project site shares this origin: another site's data, and this site's
    # under its own prefix, which the button does clear.
    page.evaluate("""async () => {
        localStorage.setItem('kaigo-ict:/:left-by-an-older-version', '1');
        localStorage.setItem('kaigo-ict:/other-project/:settings', '1');
        localStorage.setItem('another-projects-key', '1');
        sessionStorage.setItem('another-projects-session', '1');
        await caches.open('kaigo-ict:/other-project/:engine-snapshot');
        await caches.open('another-projects-cache');
    }""")
    page.reload()
    page.wait_for_function("() => document.getElementById('storage-status').textContent.includes('localStorage 1 件')")
    page.click("#storage-clear")
    page.wait_for_function("() => document.getElementById('storage-status').textContent.includes('消去しました')")
    assert status.inner_text() == "次のものを消去しました: localStorage 1 件、sessionStorage 1 件、キャッシュ 1 件。"
    left = page.evaluate(
        "async () => [Object.keys(localStorage).sort(), Object.keys(sessionStorage), (await caches.keys()).sort()]"
    )
    assert left == [
        ["another-projects-key", "kaigo-ict:/other-project/:settings"],
        ["another-projects-session"],
        ["another-projects-cache", "kaigo-ict:/other-project/:engine-snapshot"],
    ]


def test_a_script_in_scheme_data_is_text_on_the_page_and_never_gets_a_hash(tmp_path: Path) -> None:
    """Jinja escapes by default: a <script> in a scheme's year_basis.text used to pass `check`, reach
    the overview page as HTML and run there with a hash the build wrote for it."""
    project = copy_project(tmp_path / "project")
    scheme = project / "calculator" / "schemes" / "ibaraki-2023.toml"
    text = scheme.read_text(encoding="utf-8")
    assert text.count("の制度と判断しています。") == 1
    scheme.write_text(
        text.replace("の制度と判断しています。", "の制度と判断しています。<script>window.pwned=1</script>"),
        encoding="utf-8",
    )
    done = build(project, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    overview = (tmp_path / "out" / "ibaraki-2023" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in overview
    assert "<script>window.pwned" not in overview


def test_an_inline_script_no_template_writes_fails_the_build(tmp_path: Path) -> None:
    """The CSP hook hashes only the inline scripts of the theme's and the site's templates."""
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "faq.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<script>window.pwned=1</script>\n", encoding="utf-8")
    done = build(project, tmp_path / "out")
    assert done.returncode != 0
    assert "faq.md: テーマにもサイトのテンプレートにもないインラインスクリプトがあります" in done.stderr
    assert "'window.pwned=1'" in done.stderr
