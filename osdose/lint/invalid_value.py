"""invalid-value: a value of the wrong kind for its field — a file that is not a mapping
(empty, a list, a single value), text where a number belongs, unreadable days, two dose
fields at once, or an acknowledgement of a rule that cannot be acknowledged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from osdose.lint.context import FileContext, Where, read_days
from osdose.lint.finding import Finding, Severity
from osdose.regimen import DOSE_FIELDS

ID = "invalid-value"
SEVERITY: Severity = "error"
DESCRIPTION = "A value of the wrong kind for its field, or a file that is not a regimen mapping."

#: Rules an acknowledgement may excuse: what the loader itself refuses cannot be excused.
ACKNOWLEDGEABLE = ("dose-implausible", "absolute-cap", "cycle-ceiling", "missing-reference")


def check(ctx: FileContext) -> Iterator[Finding]:
    own = ("missing", "extra_forbidden")  # unknown-field's and missing-field's
    yield from ctx.schema_findings(ID, SEVERITY, lambda kind: kind not in own)
    reported = {p.path for p in ctx.schema if p.kind not in own}
    for i, entry in ctx.entries():
        given = [k for k in DOSE_FIELDS if entry.get(k) is not None]
        if len(given) > 1:
            yield ctx.finding(
                ID,
                SEVERITY,
                ("drugs", i, given[1]),
                f"drug {entry.get('drug')!r} gives {' and '.join(given)}: give exactly one "
                "(dose is per administration day; dose_per_cycle is split over the days)",
                key=True,
            )
        days_at: Where = ("drugs", i, "days")
        if "days" in entry and days_at not in reported:
            days = read_days(ctx, i, None)
            if isinstance(days, str):
                yield ctx.finding(ID, SEVERITY, days_at, days)
        yield from _acknowledgements(ctx, ("drugs", i, "acknowledge"), entry.get("acknowledge"))
    yield from _acknowledgements(ctx, ("acknowledge",), ctx.data.get("acknowledge"))


def _acknowledgements(ctx: FileContext, where: Where, acks: Any) -> Iterator[Finding]:
    if not isinstance(acks, list):
        return
    for j, ack in enumerate(acks):
        rule = ack.get("rule") if isinstance(ack, dict) else None
        if isinstance(rule, str) and rule not in ACKNOWLEDGEABLE:
            yield ctx.finding(
                ID,
                SEVERITY,
                (*where, j, "rule"),
                f"rule {rule!r} cannot be acknowledged; only {', '.join(ACKNOWLEDGEABLE)} can",
            )
