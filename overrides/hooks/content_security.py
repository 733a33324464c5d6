"""A Content-Security-Policy and a referrer policy on every page, as <meta> tags.

GitHub Pages sets no response headers, so the policy travels in the page. It allows what the site
itself serves and nothing else: no other host can be fetched, framed, posted to or run, so what a
visitor types cannot leave the browser even if a script were tampered with.

- Material writes two inline scripts per page (one differs by folder depth), so instead of
  'unsafe-inline' the policy lists the sha256 of each inline script on that page. Only the inline
  scripts that the theme's and the site's own templates write are hashed (each template's script,
  with its {{ ... }} values left open, is the pattern); any other inline script fails the build, so
  a <script> that came in with data (a scheme file) can never be given a hash and run.
- WebAssembly is allowed ('wasm-unsafe-eval') only on the pages that run it: the simulator and the
  preparation kit (Pyodide) and the search page (Pagefind). No page allows 'unsafe-eval' (see
  docs/privacy.md for why the simulator's module worker does not need it).
- Must run after every hook that changes a page's HTML: it hashes the scripts as finally written.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import re
from pathlib import Path
from typing import Final

import material
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

# An inline script is one with no src; JSON data blocks (Material's __config) are never run.
_SCRIPT: Final = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
_CHARSET: Final = re.compile(r'<meta charset="utf-8">', re.IGNORECASE)

BASE_POLICY: Final = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # Material's icons in CSS are data: SVGs
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],  # the simulator's worker starts from a blob: (simulator.mjs says why)
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


# The templates that may write inline scripts: Material's, and this site's overrides.
TEMPLATE_FOLDERS: Final = (
    Path(material.__file__).resolve().parent / "templates",
    Path(__file__).resolve().parents[1],
)
_TEMPLATE_SCRIPT: Final = re.compile(r"<script>(?P<body>.*?)</script>", re.DOTALL)
_TEMPLATE_VALUE: Final = re.compile(r"\\\{\\\{.*?\\\}\\\}")  # {{ ... }} once re.escape()d


@functools.cache
def known_scripts() -> tuple[re.Pattern[str], ...]:
    """Each inline script a template writes, as a pattern: its text, with a {{ value }} (a URL, a
    path) matching any text that cannot end the string or the script it sits in."""
    patterns = []
    for folder in TEMPLATE_FOLDERS:
        for template in sorted(folder.rglob("*.html")):
            for match in _TEMPLATE_SCRIPT.finditer(template.read_text(encoding="utf-8")):
                body = match.group("body")
                if "{%" in body:
                    continue  # not a literal script; none of the templates writes one today
                patterns.append(re.compile(_TEMPLATE_VALUE.sub(r'[^"\\\\<>]*', re.escape(body))))
    return tuple(patterns)


def inline_script_hashes(output: str, where: str = "") -> list[str]:
    """The CSP source expression of every inline script that runs, in page order; PluginError for
    an inline script that no template of the theme or the site writes."""
    hashes = []
    for match in _SCRIPT.finditer(output):
        attrs = match.group("attrs")
        if re.search(r"\ssrc=", attrs) or re.search(r'type="application/(ld\+)?json"', attrs):
            continue
        body = match.group("body")
        if not any(pattern.fullmatch(body) for pattern in known_scripts()):
            raise PluginError(
                f"content_security: {where}: テーマにもサイトのテンプレートにもないインラインスクリプトがあります"
                f"（ハッシュで許可しません）: {body[:120]!r}"
            )
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


def page_policy(output: str, runs_webassembly: bool, where: str = "") -> str:
    policy = {directive: list(sources) for directive, sources in BASE_POLICY.items()}
    policy["script-src"] += inline_script_hashes(output, where)
    if runs_webassembly:
        policy["script-src"].append("'wasm-unsafe-eval'")
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


def with_policy(output: str, runs_webassembly: bool, where: str = "") -> str:
    """The page with its policy and referrer meta right after <meta charset>, before any script."""
    policy = html.escape(page_policy(output, runs_webassembly, where), quote=False)
    tags = f'<meta http-equiv="Content-Security-Policy" content="{policy}"><meta name="referrer" content="no-referrer">'
    found = _CHARSET.search(output)
    if found is None:
        raise PluginError("content_security: <meta charset> が見つからず、CSP を入れられません")
    return output[: found.end()] + tags + output[found.end() :]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    meta = page.meta or {}
    webassembly = bool(meta.get("simulator") or meta.get("kit") or meta.get("search_page"))
    return with_policy(output, runs_webassembly=webassembly, where=page.file.src_uri)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """The stand-alone templates (404.html) get the same policy as a page without WebAssembly."""
    if not template_name.endswith(".html"):
        return output_content
    return with_policy(output_content, runs_webassembly=False, where=template_name)
