"""A JSON list of findings, each with exactly path, line, column, severity, rule, message."""

from __future__ import annotations

import json
from collections.abc import Iterator

from osdose.lint import LintResult

_ONE = json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=False)


def render(result: LintResult) -> str:
    return "".join(chunks(result))


def chunks(result: LintResult) -> Iterator[str]:
    """The report in pieces, one finding each, to be written as they come (a library's
    report is not held whole): the text of ``json.dumps(findings, indent=2,
    ensure_ascii=False)`` and a line break. A finding's object has no nested value and its
    strings no raw line break (JSON escapes them), so each object is indented alone."""
    if not result.findings:
        yield "[]\n"
        return
    sep = "[\n  "
    for f in result.findings:
        yield sep + _ONE.encode(f.as_dict()).replace("\n", "\n  ")
        sep = ",\n  "
    yield "\n]\n"
