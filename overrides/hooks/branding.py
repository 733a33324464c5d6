"""The prefecture's name and contact, from mkdocs.yml `extra.brand`, wherever a page names them.

A page writes `[[brand:publisher]]` or `[[brand:contact]]` (a link); the footer template reads the
same keys. A prefecture adopting the site edits only mkdocs.yml, never a page or a template, and a
missing or unknown key fails the build with its name.

A public build (``site_url`` at a real address, not example.* or this machine) also refuses a
placeholder: readers must reach whoever publishes the site. The GitHub workflow gives the
repository's own issues page (``SITE_CONTACT_URL``) unless mkdocs.yml names another address.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

REQUIRED: Final = ("publisher", "contact_text", "contact_url")
# A marker, or code (inline or fenced) that may show a marker as an example and is left as it is.
MARK: Final = re.compile(r"(`+).+?\1|\[\[brand:([a-z_]+)\]\]", re.DOTALL)


PLACEHOLDER: Final = re.compile(r"(^|[./])example([./]|$)")


def placeholder(url: str) -> bool:
    """An address of the example.* kind, kept for documentation (RFC 2606), or this machine."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    path = urllib.parse.urlsplit(url).path.lower()
    return not host or host in ("localhost", "127.0.0.1") or bool(PLACEHOLDER.search(host) or PLACEHOLDER.search(path))


def public_build(config: MkDocsConfig) -> bool:
    """Whether this build is for readers: the site has a real address (the workflow sets SITE_URL)."""
    return not placeholder(str(config.site_url or ""))


def brand(config: MkDocsConfig) -> dict[str, str]:
    values = (config.extra or {}).get("brand") or {}
    missing = [key for key in REQUIRED if not str(values.get(key, "")).strip()]
    if missing:
        raise PluginError(f"mkdocs.yml の extra.brand に {', '.join(missing)} がありません（docs/for-prefectures.md）")
    return {key: str(value) for key, value in values.items()}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    values = brand(config)  # fail before anything is built
    if public_build(config) and placeholder(values["contact_url"]):
        raise PluginError(
            f"mkdocs.yml の extra.brand.contact_url が例のアドレスのままです（{values['contact_url']}）。"
            "公開するサイトでは、読者がご意見を送れる実際のアドレスにしてください（docs/for-prefectures.md）"
        )
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    values = brand(config)
    values["contact"] = f"[{values['contact_text']}]({values['contact_url']})"

    def filled(match: re.Match[str]) -> str:
        if match.group(1):  # code: 「`[[brand:publisher]]` と書くと」 shows the syntax itself
            return match.group(0)
        key = match.group(2)
        if key not in values:
            raise PluginError(f"{page.file.src_uri}: [[brand:{key}]] の {key} は extra.brand にありません")
        return values[key]

    return MARK.sub(filled, markdown)
