"""yaml-syntax: the file cannot be read as YAML — a syntax error (at the parser's position),
binary or non-UTF-8 content, a file too large, too deep or expanding too far (alias bombs),
or a tag that asks for more than plain data (``!!python/...``)."""

from __future__ import annotations

from osdose.errors import FileError
from osdose.lint.finding import Finding, Severity
from osdose.reader import Document, parse_text, read_text

ID = "yaml-syntax"
SEVERITY: Severity = "error"
DESCRIPTION = "The file cannot be read as plain YAML text."


def read(path: str) -> Document | Finding:
    """The parsed document, or the finding that says why there is none."""
    try:
        return parse_text(read_text(path), path)
    except FileError as exc:
        return finding(exc)


def parse(text: str, path: str) -> Document | Finding:
    try:
        return parse_text(text, path)
    except FileError as exc:
        return finding(exc)


def finding(exc: FileError) -> Finding:
    return Finding(exc.path, exc.line or 1, exc.column or 1, ID, SEVERITY, exc.problem)
