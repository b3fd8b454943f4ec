"""A JSON list of findings, each with exactly path, line, column, severity, rule, message."""

from __future__ import annotations

import json

from osdose.lint import LintResult


def render(result: LintResult) -> str:
    doc = [f.as_dict() for f in result.findings]
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
