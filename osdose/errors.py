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
