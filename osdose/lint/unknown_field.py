"""unknown-field: a field the regimen file model does not have, with the closest known one."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "unknown-field"
SEVERITY: Severity = "error"
DESCRIPTION = "A field the regimen file schema does not have (closest known field suggested)."


def check(ctx: FileContext) -> Iterator[Finding]:
    return ctx.schema_findings(ID, SEVERITY, lambda kind: kind == "extra_forbidden")
