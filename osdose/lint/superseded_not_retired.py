"""superseded-not-retired: ``superseded_by`` on a regimen that is not retired — two regimens
would both be in use, and nobody could tell which one to give."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "superseded-not-retired"
SEVERITY: Severity = "error"
DESCRIPTION = "superseded_by on a regimen whose status is not retired."


def check(ctx: FileContext) -> Iterator[Finding]:
    successor = ctx.data.get("superseded_by")
    status = ctx.data.get("status", "active")
    if successor is None or status == "retired" or not isinstance(status, str):
        return
    yield ctx.finding(
        ID,
        SEVERITY,
        ("superseded_by",),
        f"superseded_by names {successor!r}, but the regimen is {status}: a regimen another "
        "replaces is status: retired (or remove superseded_by)",
        key=True,
    )
