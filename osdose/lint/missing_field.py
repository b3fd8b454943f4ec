"""missing-field: a required field is absent (a drug entry without any dose counts too)."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity
from osdose.regimen import DOSE_FIELDS

ID = "missing-field"
SEVERITY: Severity = "error"
DESCRIPTION = "A required field is absent."


def check(ctx: FileContext) -> Iterator[Finding]:
    yield from ctx.schema_findings(ID, SEVERITY, lambda kind: kind == "missing")
    for i, entry in ctx.entries():
        if all(entry.get(k) is None for k in DOSE_FIELDS):
            yield ctx.finding(
                ID,
                SEVERITY,
                ("drugs", i),
                f"drug {entry.get('drug')!r} has no dose: give one of dose (per day), "
                "dose_per_day or dose_per_cycle",
            )
