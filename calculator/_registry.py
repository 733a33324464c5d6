"""The schemes the package knows: one TOML file each in `calculator/schemes/`.

The registry is built from the data folder, so adding a prefecture or a year is adding a file. An
id with no file is an error that lists the ids there are; there is never a fallback to a
neighbouring year or prefecture.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from calculator._errors import FieldError, UnknownSchemeError, shown
from calculator._loader import load_scheme
from calculator._scheme import Scheme

SCHEMES_DIR: Final = Path(__file__).parent / "schemes"


@cache
def scheme_paths() -> dict[str, Path]:
    """Scheme id -> file, for the files shipped with the package."""
    return {path.stem: path for path in sorted(SCHEMES_DIR.glob("*.toml"))}


def scheme_ids() -> tuple[str, ...]:
    return tuple(scheme_paths())


@cache
def get_scheme(scheme_id: str) -> Scheme:
    """The scheme with this id; UnknownSchemeError (naming the field `scheme`) if there is none."""
    path = scheme_paths().get(scheme_id)
    if path is None:
        known = "、".join(scheme_ids())
        raise UnknownSchemeError(
            [FieldError("scheme", f"「{shown(scheme_id)}」という制度はありません（使えるのは {known}）")]
        )
    return load_scheme(path)


def all_schemes() -> tuple[Scheme, ...]:
    return tuple(get_scheme(scheme_id) for scheme_id in scheme_ids())
