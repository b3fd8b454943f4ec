"""day-out-of-cycle: a day outside 1..cycle length, or a day listed twice."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity
from osdose.regimen import check_days

ID = "day-out-of-cycle"
SEVERITY: Severity = "error"
DESCRIPTION = "A day outside 1..cycle_length_days, or a repeated day."


def check(ctx: FileContext) -> Iterator[Finding]:
    for i, _ in ctx.entries():
        days = ctx.days(i)
        if isinstance(days, str):
            continue  # unreadable days are invalid-value's to report
        try:
            check_days(days, ctx.cycle_length or 365)
        except ValueError as exc:
            yield ctx.finding(ID, SEVERITY, ("drugs", i, "days"), str(exc))
