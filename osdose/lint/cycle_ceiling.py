"""cycle-ceiling: one cycle of a drug with a lifetime ceiling uses more than a set share of
that ceiling (warning): few cycles would reach it."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext, num
from osdose.lint.finding import Finding, Severity

ID = "cycle-ceiling"
SEVERITY: Severity = "warning"
DESCRIPTION = "One cycle's dose of a drug is more than a set share of its lifetime ceiling."

#: One cycle above a quarter of the lifetime maximum reaches it in under four cycles.
SHARE = 0.25


def check(ctx: FileContext) -> Iterator[Finding]:
    for e in ctx.doses:
        daily = e.per_day
        if e.drug is None or e.drug.ceiling is None or daily is None or not e.days:
            continue
        ceiling = e.drug.ceiling
        if ceiling.max is None:
            continue
        basis_unit = f"{daily.unit}/m2" if daily.per == "m2" else daily.unit
        if daily.per == "kg" or basis_unit != ceiling.unit:
            continue  # a total ceiling against a per-m² dose needs a patient
        cycle = daily.amount * len(e.days)
        share = cycle / ceiling.max
        if share > SHARE:
            unit = ceiling.unit.replace("m2", "m²")
            yield ctx.finding(
                ID,
                SEVERITY,
                ("drugs", e.index, e.field or "drug"),
                f"one cycle of {e.drug.name} gives {num(cycle)} {unit}, {share:.0%} of its "
                f"lifetime maximum of {num(ceiling.max)} {unit} (more than {SHARE:.0%}; "
                f"source: {ceiling.source})",
            )
