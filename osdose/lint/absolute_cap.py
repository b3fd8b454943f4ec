"""absolute-cap: a drug whose per-dose cap in the drug table (vincristine 2 mg) the regimen
lifts — a ``max_dose`` above the table's cap, or ``max_dose: none``. Both are errors unless
the entry acknowledges the rule with its reason; an acknowledged ``max_dose: none`` is how
a regimen says that it intends no cap (dose calculation then applies none)."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity
from osdose.regimen import is_no_cap

ID = "absolute-cap"
SEVERITY: Severity = "error"
DESCRIPTION = "A regimen lifts the drug table's absolute per-dose cap (max_dose above it, or none)."


def check(ctx: FileContext) -> Iterator[Finding]:
    for e in ctx.doses:
        entry = ctx.data["drugs"][e.index]
        raw = entry.get("max_dose")
        at = ("drugs", e.index, "max_dose")
        if e.drug is None or raw is None:
            continue
        cap = e.drug.cap
        if is_no_cap(raw):
            if cap is None:
                yield ctx.finding(
                    ID,
                    "warning",
                    at,
                    f"max_dose: none, but the drug table has no cap for {e.drug.name}: remove it",
                )
            else:
                yield ctx.finding(
                    ID,
                    SEVERITY,
                    at,
                    f"max_dose: none lifts the drug table's cap of {cap.dose.text} per "
                    f"administration for {e.drug.name} ({cap.cited}): acknowledge why, or "
                    "remove it",
                )
            continue
        if (
            cap is not None
            and e.cap is not None
            and e.cap.unit == cap.dose.unit
            and e.cap.amount > cap.dose.amount
        ):
            yield ctx.finding(
                ID,
                SEVERITY,
                at,
                f"max_dose {e.cap.text} is above the drug table's cap of {cap.dose.text} per "
                f"administration for {e.drug.name} ({cap.cited}); the table's cap applies "
                "unless this is acknowledged",
            )
