"""The two kinds of error the package raises: bad input (a case) and a bad scheme file.

Both carry messages in Japanese that name where the problem is, so that the CLI and the browser
can show them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass


def shown(value: object, limit: int = 30) -> str:
    """`value` as it may appear inside a message: short, and printable whatever it is.

    str() of an int over 4300 digits raises ValueError, and a lone surrogate cannot be printed to
    a UTF-8 terminal, so neither may reach a message as it is."""
    try:
        text = str(value)
    except ValueError:
        return "（桁数の多すぎる数）"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a case, e.g. ``items[2].amount_yen``."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class InputError(ValueError):
    """A case that cannot be computed. Holds every problem found, not only the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def to_dict(self) -> dict[str, object]:
        return {"errors": [e.to_dict() for e in self.errors]}


class SchemeError(ValueError):
    """A scheme file that breaks the schema. The message names the file and the key path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(f"{source}: {p}" for p in self.problems))


class UnknownSchemeError(InputError):
    """A scheme id with no scheme file: never a silent fallback to another year or prefecture."""
