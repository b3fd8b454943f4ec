"""missing-reference: a regimen that names no source (warning)."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "missing-reference"
SEVERITY: Severity = "warning"
DESCRIPTION = "A regimen with no references (where its doses come from)."


def check(ctx: FileContext) -> Iterator[Finding]:
    if not ctx.data:
        return  # not a regimen mapping at all: invalid-value says so
    refs = ctx.data.get("references")
    if not refs:
        where = ("references",) if "references" in ctx.data else ()
        yield ctx.finding(
            ID,
            SEVERITY,
            where,
            "the regimen names no references: add where its doses come from",
            key=True,
        )
