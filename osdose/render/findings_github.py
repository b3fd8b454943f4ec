"""GitHub Actions workflow commands: each finding becomes an annotation on its file and line.

Acknowledged findings become notices: visible in review, never failing.
"""

from __future__ import annotations

from osdose.lint import LintResult

_COMMAND = {"error": "error", "warning": "warning", "acknowledged": "notice"}


def _data(text: str) -> str:
    # the escapes GitHub's runner undoes in a command's message
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: LintResult) -> str:
    lines = [
        f"::{_COMMAND[f.level]} file={_prop(f.path)},line={f.line},col={f.column},"
        f"title={_prop(f.rule)}::{_data(f.text)}"
        for f in result.findings
    ]
    return "".join(line + "\n" for line in lines)
