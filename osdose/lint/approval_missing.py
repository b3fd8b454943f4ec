"""approval-missing: an active regimen that records no approval (warning).

A warning, not an error: a file without ``status`` is active, as every regimen file was
before osdose knew a status, and an error would make every such file uncalculable (the
loader refuses what lint calls an error). ``lint --strict``, as a governed library's CI runs
it, fails on it; ``dose`` and ``verify`` say it each time such a regimen is used.
"""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "approval-missing"
SEVERITY: Severity = "warning"
DESCRIPTION = "An active regimen (a file without status is active) without approved: {by, date}."


def check(ctx: FileContext) -> Iterator[Finding]:
    if not ctx.data or ctx.data.get("approved") is not None:
        return
    status = ctx.data.get("status", "active")
    if status != "active":
        return  # a draft or retired regimen needs none; an unknown status is invalid-value's
    written = "status" in ctx.data
    what = "is active" if written else "has no status, so it is active"
    yield ctx.finding(
        ID,
        SEVERITY,
        ctx.at_field("status"),
        f"the regimen {what} but records no approval: add approved: {{by: WHO, date: "
        "YYYY-MM-DD} (who approved this version for use, and when), or status: draft until "
        "it is approved",
        key=True,
    )
