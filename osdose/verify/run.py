"""Run every named check over an order and collect the results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from osdose.bsa import BSA
from osdose.drugs import DrugTable
from osdose.verify import checks_dose, checks_patient, checks_rounding, checks_schedule
from osdose.verify.context import Context, build_context
from osdose.verify.labs import Clearance
from osdose.verify.order import Order
from osdose.verify.result import CheckResult, Options, worst

Check = Callable[[Context], list[CheckResult]]

#: The named checks, in report order.
CHECK_FUNCTIONS: dict[str, Check] = {
    "dose": checks_dose.dose,
    "error-pattern": checks_dose.error_pattern,
    "missing-drug": checks_schedule.missing_drug,
    "extra-drug": checks_schedule.extra_drug,
    "days": checks_schedule.days,
    "bsa": checks_dose.bsa,
    "weight-change": checks_patient.weight_change,
    "interval": checks_schedule.interval,
    "cumulative": checks_patient.cumulative,
    "max-single-dose": checks_dose.max_single_dose,
    "renal": checks_patient.renal,
    "hepatic": checks_patient.hepatic,
    "rounding": checks_rounding.rounding,
}


@dataclass(frozen=True)
class Verification:
    """One verified order: its checks, and what the worksheet shows of the work."""

    order: Order
    bsa: BSA
    checks: tuple[CheckResult, ...]
    crcl: Clearance | None
    not_checked: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.order.label

    @property
    def status(self) -> str:
        return worst(c.status for c in self.checks)


@dataclass(frozen=True)
class Unreadable:
    """An order that could not be read (a batch counts it as failed and goes on)."""

    label: str
    message: str
    status: str = "fail"


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
        if ack is not None and r.status == "warn":
            r = replace(r, status="pass", message=f"{r.message}; acknowledged: {ack.reason}")
        out.append(r)
    return out


def _not_checked(order: Order, ctx: Context) -> tuple[str, ...]:
    p = order.patient
    notes = []
    if order.bsa_given_m2 is None:
        notes.append("bsa: the order gives no BSA to compare")
    if p.baseline_weight_kg is None and (
        order.history is None or not order.history.baseline_weight_kg
    ):
        notes.append("weight-change: no baseline weight on the order or its history")
    if order.history is None:
        notes.append("interval: no history on the order")
    renal_drugs = [x.drug for x in order.prescribed if ctx.table.drugs[x.drug].renal]
    if renal_drugs and p.serum_creatinine_mg_dl is None:
        notes.append(f"renal: no serum creatinine on the order ({', '.join(renal_drugs)})")
    hepatic_drugs = [x.drug for x in order.prescribed if ctx.table.drugs[x.drug].hepatic]
    if hepatic_drugs and p.bilirubin_mg_dl is None:
        notes.append(f"hepatic: no bilirubin on the order ({', '.join(hepatic_drugs)})")
    return tuple(notes)


def verify_order(order: Order, table: DrugTable, options: Options | None = None) -> Verification:
    """Every named check of ``order``; a check that does not apply adds nothing."""
    ctx = build_context(order, table, options or Options())
    results: list[CheckResult] = []
    for fn in CHECK_FUNCTIONS.values():
        results.extend(fn(ctx))
    return Verification(
        order,
        ctx.bsa,
        tuple(_acknowledge(order, results)),
        checks_patient.crcl(ctx),
        _not_checked(order, ctx),
    )
