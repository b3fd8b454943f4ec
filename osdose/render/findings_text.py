"""``path:line:col: severity: message [rule-id]``, one finding a line, for people and editors."""

from __future__ import annotations

from rich.text import Text

from osdose.lint import LintResult
from osdose.visible import visible

_STYLE = {"error": "bold red", "warning": "yellow", "acknowledged": "cyan"}


def render(result: LintResult) -> Text:
    out = Text()
    for f in result.findings:
        # one finding a line, whatever a message quotes from the file
        out.append(f"{visible(f.path)}:{f.line}:{f.column}:", style="bold")
        out.append(" ")
        out.append(f"{f.level}:", style=_STYLE[f.level])
        out.append(f" {visible(f.text)} ")
        out.append(f"[{f.rule}]", style="dim")
        out.append("\n")
    return out
