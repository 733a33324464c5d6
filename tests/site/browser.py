"""Chromium for the site tests: Debian's /usr/bin/chromium, started the way this machine needs.

The site is served from a local folder on 127.0.0.1 by the standard library's HTTP server, so the
tests see exactly the files `mkdocs build` wrote, under a path prefix when the site has one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import functools
import gzip
import http.server
import io
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(playwright: Any) -> Any:
    """Debian's Chromium; Playwright's own browser only where Debian's is missing (a laptop)."""
    if Path(CHROMIUM).exists():
        return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    if shutil.which("chromium"):
        return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
    return playwright.chromium.launch(args=CHROMIUM_ARGS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".pagefind": "application/octet-stream",
    }
    not_found_page: Path | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing path gets the site's 404.html with status 404, as GitHub Pages serves it."""
        if code != 404 or self.not_found_page is None or not self.not_found_page.exists():
            super().send_error(code, message, explain)
            return
        body = self.not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _PagesLikeHandler(_QuietHandler):
    """Files sent the way GitHub Pages sends them, for the bench's network profiles: gzip-compressed
    (level 6) when the browser accepts it, `Cache-Control: max-age=600`, and 304 to a revalidation.
    Which types Pages compresses was not measurable here (no internet): every file is compressed,
    which favours the page with more bytes, i.e. the baseline."""

    cache_seconds: ClassVar[int] = 600

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        modified = int(path.stat().st_mtime)
        since = self.headers.get("If-Modified-Since")
        if since:
            with contextlib.suppress(TypeError, ValueError, IndexError):
                if modified <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self.send_header("Cache-Control", f"max-age={self.cache_seconds}")
                    self.end_headers()
                    return None
        body = _gzipped(path, modified)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(modified))
        self.send_header("Cache-Control", f"max-age={self.cache_seconds}")
        self.end_headers()
        return io.BytesIO(body)


@functools.cache
def _gzipped(path: Path, modified: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=modified)


@contextlib.contextmanager
def serve(root: Path, prefix: str = "/", pages_like: bool = False, cache_seconds: int = 600) -> Iterator[str]:
    """Serve `root` at http://127.0.0.1:<port><prefix>; yields that base URL. `pages_like` compresses
    and sets cache headers as GitHub Pages does (see _PagesLikeHandler); `cache_seconds` 0 makes
    every repeat visit revalidate, as Pages' after its 10 minutes."""
    if prefix != "/":
        # Serve a parent folder in which the site sits at the sub-path, as GitHub Pages does.
        holder = root.parent / f".serve-{root.name}"
        shutil.rmtree(holder, ignore_errors=True)
        (holder / prefix.strip("/")).parent.mkdir(parents=True, exist_ok=True)
        (holder / prefix.strip("/")).symlink_to(root.resolve(), target_is_directory=True)
        directory = holder
    else:
        directory = root
    base = _PagesLikeHandler if pages_like else _QuietHandler
    handler_class = type("SiteHandler", (base,), {"not_found_page": root / "404.html", "cache_seconds": cache_seconds})
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        if prefix != "/":
            shutil.rmtree(directory, ignore_errors=True)


# Every Content-Security-Policy violation on a page, including in its workers, reaches the console:
# the page's own through this listener, a worker's through Chromium's console error.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `CSP violation: ${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclasses.dataclass
class Watch:
    """What a page did while a test looked: every request, error and policy violation."""

    origin: str
    requests: list[str] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)  # URLs answered with 4xx/5xx

    @property
    def violations(self) -> list[str]:
        return [e for e in self.errors if "CSP violation" in e or "Content Security Policy" in e]

    @property
    def foreign_requests(self) -> list[str]:
        """Requests to any host but the site's own (data: and blob: URLs never leave the browser)."""
        return [
            u
            for u in self.requests
            if urllib.parse.urlsplit(u).netloc != self.origin and not u.startswith(("data:", "blob:"))
        ]


def watch(page: Any, base_url: str) -> Watch:
    """Start recording before the page loads (call before goto)."""
    seen = Watch(origin=urllib.parse.urlsplit(base_url).netloc)
    page.add_init_script(_REPORT_VIOLATIONS)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("response", lambda response: seen.failed.append(response.url) if response.status >= 400 else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
    page.on(
        "worker",
        lambda worker: worker.on(
            "console", lambda message: seen.errors.append(message.text) if message.type == "error" else None
        ),
    )
    return seen


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA (JIS X 8341-3:2016 is WCAG 2.0 AA; the later ones are stricter).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG A/AA violations on the page as it is now, one line per rule and element.

    axe is put into the page by the test (through the DevTools protocol, which the page's
    Content-Security-Policy does not govern); the site itself never loads it."""
    # Transitions end first (Material's back-to-top button fades in as the page scrolls up): axe must
    # judge the colours a reader sees, not a frame halfway through a fade. evaluate, not
    # wait_for_function: the pages' CSP allows no eval in them.
    for _ in range(50):
        if page.evaluate("() => document.getAnimations().every((a) => a.playState !== 'running')"):
            break
        page.wait_for_timeout(50)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """tags => axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
             .then(r => r.violations.flatMap(v => v.nodes.map(
               n => `${v.id}: ${n.target.join(" ")}: ${n.failureSummary}`)))""",
        AXE_TAGS,
    )
    return list(found)
