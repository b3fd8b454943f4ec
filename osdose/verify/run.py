"""Run every named check over an order and collect the results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from osdose.bsa import BSA
from osdose.drugs import DrugTable
from osdose.kidney import Clearance
from osdose.status import Verdict, worst
from osdose.verify import (
    checks_approval,
    checks_dose,
    checks_labs,
    checks_patient,
    checks_rounding,
    checks_schedule,
)
from osdose.verify.context import Context, build_context
from osdose.verify.order import Order
from osdose.verify.result import CheckResult, Options

Check = Callable[[Context], list[CheckResult]]

#: The named checks, in report order; their names are this dict's keys (CHECKS).
CHECK_FUNCTIONS: dict[str, Check] = {
    "approval": checks_approval.approval,
    "dose": checks_dose.dose,
    "error-pattern": checks_dose.error_pattern,
    "missing-drug": checks_schedule.missing_drug,
    "extra-drug": checks_schedule.extra_drug,
    "days": checks_schedule.days,
    "bsa": checks_dose.bsa,
    "small-patient": checks_labs.small_patient_check,
    "weight-change": checks_patient.weight_change,
    "interval": checks_schedule.interval,
    "cycle-number": checks_schedule.cycle_number,
    "counts": checks_labs.counts,
    "cumulative": checks_patient.cumulative,
    "max-single-dose": checks_dose.max_single_dose,
    "renal": checks_patient.renal,
    "hepatic": checks_patient.hepatic,
    "rounding": checks_rounding.rounding,
}
CHECKS = tuple(CHECK_FUNCTIONS)


@dataclass(frozen=True)
class Verification:
    """One verified order: its checks, and what the worksheet shows of the work."""

    order: Order
    bsa: BSA
    checks: tuple[CheckResult, ...]
    crcl: Clearance | None

    @property
    def label(self) -> str:
        return self.order.label

    @cached_property
    def status(self) -> Verdict:
        # worked out once: renderers ask for it per check (frozen: the checks never change)
        return worst((c.status for c in self.checks), Verdict.PASS)

    @property
    def not_checked(self) -> tuple[str, ...]:
        return tuple(
            f"{c.check}: {c.message}" for c in self.checks if c.status is Verdict.NOT_CHECKED
        )


@dataclass(frozen=True)
class Unreadable:
    """An order that could not be read (a batch counts it as failed and goes on)."""

    label: str
    message: str
    status: Verdict = Verdict.FAIL


Outcome = Verification | Unreadable


def _acknowledge(order: Order, results: list[CheckResult]) -> list[CheckResult]:
    if not order.acknowledged:
        return results
    out = []
    for r in results:
        ack = next(
            (
                a
                for a in order.acknowledged
                if a.check == r.check and (a.drug is None or a.drug == r.drug)
            ),
            None,
        )
        if ack is not None and r.status is Verdict.WARN:
            r = replace(r, status=Verdict.PASS, message=f"{r.message}; acknowledged: {ack.reason}")
        out.append(r)
    return out


def verify_order(order: Order, table: DrugTable, options: Options | None = None) -> Verification:
    """Every named check of ``order``; a check that does not apply adds nothing, one that
    applies but cannot be made adds a ``not-checked`` row saying why."""
    ctx = build_context(order, table, options or Options())
    results: list[CheckResult] = []
    for fn in CHECK_FUNCTIONS.values():
        results.extend(fn(ctx))
    crcl = ctx.crcl if isinstance(ctx.crcl, Clearance) else None
    return Verification(order, ctx.bsa, tuple(_acknowledge(order, results)), crcl)
