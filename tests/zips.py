"""Copies of a zip (a stdlib zip, a wheel) with some members left out: how tests and bench/ make the
shipped bundle lack something."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def copy_zip(source: Path, target: Path | BinaryIO, keep: Callable[[str], bool]) -> list[str]:
    """Write the members of `source` whose names `keep` accepts into a new zip at `target` (deflated,
    as the build writes them); return the names left out."""
    left_out = []
    with zipfile.ZipFile(source) as given, zipfile.ZipFile(target, "w") as copy:
        for info in given.infolist():
            if keep(info.filename):
                copy.writestr(info, given.read(info), zipfile.ZIP_DEFLATED, 9)
            else:
                left_out.append(info.filename)
    return left_out
