"""osdose's own errors. The CLI catches :class:`OsdoseError` once and prints one line."""

from __future__ import annotations

from pathlib import Path


class OsdoseError(Exception):
    """Base of every error osdose raises on purpose: bad input, never a bug."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(OsdoseError):
    """A value given on the command line (or in a field) that cannot be used as it is."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field
        self.problem = problem


class FileError(OsdoseError):
    """A problem in a file; the message starts ``path:line:`` (line and column are 1-based)."""

    def __init__(
        self, path: str | Path, line: int | None, problem: str, column: int | None = None
    ) -> None:
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.column = column
        self.problem = problem


class UnknownNameError(OsdoseError):
    """A regimen, drug or formula name that is not known; carries the close matches."""

    def __init__(self, kind: str, name: str, matches: list[str], hint: str = "") -> None:
        suggestion = f"; did you mean {', '.join(matches)}?" if matches else ""
        super().__init__(f"unknown {kind} {name!r}{suggestion}{hint}")
        self.kind = kind
        self.name = name
        self.matches = matches


MAX_SHOWN = 60  # characters of a typed value quoted back in a message


def shown(value: object) -> str:
    """``repr(value)`` for a message, cut to :data:`MAX_SHOWN` characters: a 5,000-digit
    number or a pasted page is named by its start and length, not echoed whole."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4,300-digit limit cannot even be written out
        return "a number of more than 4,300 digits"
    if len(text) <= MAX_SHOWN:
        return text
    n = len(value) if isinstance(value, str) else len(text)
    return f"{text[: MAX_SHOWN - 1]}… ({n:,} characters)"
