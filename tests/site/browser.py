"""Chromium for the site tests: Debian's /usr/bin/chromium, started the way this machine needs.

The site is served from a local folder on 127.0.0.1 by the standard library's HTTP server, so the
tests see exactly the files `mkdocs build` wrote, under a path prefix when the site has one.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def launch(playwright: Any) -> Any:
    """Debian's Chromium; Playwright's own browser only where Debian's is missing (a laptop)."""
    if Path(CHROMIUM).exists():
        return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    if shutil.which("chromium"):
        return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
    return playwright.chromium.launch(args=CHROMIUM_ARGS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".wasm": "application/wasm", ".pagefind": "application/octet-stream"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(root: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `root` at http://127.0.0.1:<port><prefix>; yields that base URL."""
    if prefix != "/":
        # Serve a parent folder in which the site sits at the sub-path, as GitHub Pages does.
        holder = root.parent / f".serve-{root.name}"
        shutil.rmtree(holder, ignore_errors=True)
        (holder / prefix.strip("/")).parent.mkdir(parents=True, exist_ok=True)
        (holder / prefix.strip("/")).symlink_to(root.resolve(), target_is_directory=True)
        directory = holder
    else:
        directory = root
    handler = functools.partial(_QuietHandler, directory=str(directory))
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
