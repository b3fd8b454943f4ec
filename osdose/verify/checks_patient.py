"""Checks that depend on the patient beyond height and weight: ``weight-change``,
``cumulative``, ``renal`` and ``hepatic``."""

from __future__ import annotations

from functools import cache

from osdose.cumulative import measured
from osdose.drugs import Adjustment, Band, Drug
from osdose.errors import OsdoseError
from osdose.verify.context import Context
from osdose.verify.labs import ADULT_AGE, Clearance, cockcroft_gault
from osdose.verify.result import CheckResult, deviation, graded, num, signed

_CUMULATIVE_STATUS = {"ok": "pass", "watch": "warn", "warn": "warn", "over": "fail"}


def weight_change(ctx: Context) -> list[CheckResult]:
    """Weight 10% or more from baseline warns: BSA and doses are recalculated with today's."""
    p = ctx.order.patient
    h = ctx.order.history
    base = p.baseline_weight_kg or (h.baseline_weight_kg if h else None)
    if base is None:
        return []
    change = deviation(p.weight_kg, base)
    limit = ctx.options.weight_change_percent
    over = round(abs(change), 6) >= limit
    work = (f"change = ({p.weight_kg:g} − {base:g}) / {base:g} × 100 = {signed(change)}",)
    msg = f"weight {p.weight_kg:g} kg, baseline {base:g} kg: {signed(change)}" + (
        f", {limit:g}% or more: BSA {ctx.bsa.m2:.4f} m² and every dose recalculated with "
        "today's weight"
        if over
        else f", under {limit:g}%"
    )
    return [
        CheckResult(
            "weight-change", "warn" if over else "pass", msg, deviation_percent=change, work=work
        )
    ]


def _history_total(ctx: Context, drug: str, per_m2: bool, unit: str) -> float:
    """The drug's total before this order, in the ceiling's unit (plain floats: this runs
    for every order of a batch). Refuses a history day whose amount or BSA is unknown."""
    h = ctx.order.history
    if h is None:
        return 0.0
    known_unit, total_all, per_m2_all = h.sums.get(drug, (unit, 0.0, 0.0))
    known = per_m2_all if per_m2 else total_all
    if known_unit == unit and known is not None:
        return known
    # Something is missing or mixed: find the administration to name in the error.
    total = 0.0
    for a in h.administrations:
        if a.drug != drug:
            continue
        value = a.dose_per_m2 if per_m2 else a.dose
        if value is None or a.unit != unit:
            where = f"{a.source}:{a.line}: " if a.source else ""
            problem = (
                f"is in {a.unit}, the order in {unit}"
                if a.unit != unit
                else "has no BSA for its day"
                if per_m2
                else "has no amount"
            )
            raise OsdoseError(
                f"{where}{drug} on {a.date} {problem}: the lifetime total cannot be known"
            )
        total += value
    return total


@cache
def _limits(drug: Drug) -> str:
    """``warn from 900, maximum 1,000`` — the same for every order of a batch."""
    c = drug.ceiling
    limits = []
    if c is not None and c.warn is not None:
        limits.append(f"warn from {num(c.warn, 0)}")
    if c is not None and c.max is not None:
        limits.append(f"maximum {num(c.max, 0)}")
    if drug.watch:
        limits.append("watch at " + ", ".join(num(w.at, 0) for w in drug.watch))
    return ", ".join(limits)


def cumulative(ctx: Context) -> list[CheckResult]:
    """Lifetime total after this order of each prescribed drug with a ceiling or watch:
    the history's doses (each per m² with the BSA of its day) plus this order's."""
    out = []
    for p in ctx.order.prescribed:
        drug = ctx.table.drugs[p.drug]
        c = drug.ceiling
        ceiling_unit = c.unit if c else (drug.watch[0].unit if drug.watch else None)
        if ceiling_unit is None:
            continue
        per_m2 = ceiling_unit.endswith("/m2")
        unit = ceiling_unit.replace("m2", "m²")
        now = p.dose * len(p.days) / (ctx.bsa.m2 if per_m2 else 1.0)
        given = p.dose * len(p.days) if p.unit == "mg" else None
        if ctx.order.history is None:
            out.append(
                CheckResult(
                    "cumulative",
                    "warn",
                    f"{p.drug}: no history on the order, the lifetime total is unknown "
                    f"(this order alone: {num(now, 1)} {unit}); give history "
                    "(history: [] for a first course)",
                    p.drug,
                    prescribed_mg=given,
                )
            )
            continue
        before = _history_total(ctx, p.drug, per_m2, p.unit)
        total = before + now
        status, pct, reasons = measured(total, drug)
        of_max = f" ({pct:.1f}% of maximum)" if pct is not None else ""
        before_t, now_t, total_t = num(before, 1), num(now, 1), num(total, 1)
        out.append(
            CheckResult(
                "cumulative",
                _CUMULATIVE_STATUS[status],
                f"{p.drug}: {total_t} {unit} after this order (history {before_t} + this "
                f"order {now_t}); {_limits(drug)} {unit}{of_max}"
                + (f"; {reasons[-1]}" if reasons and status != "ok" else ""),
                p.drug,
                prescribed_mg=given,
                work=(
                    f"{p.drug}: {before_t} (history) + {num(p.dose)} {p.unit} × "
                    f"{len(p.days)} day{'s' if len(p.days) > 1 else ''}"
                    + (f" / {ctx.bsa.m2:.4f} m²" if per_m2 else "")
                    + f" (this order) = {total_t} {unit}",
                    *reasons,
                ),
            )
        )
    return out


def band_text(b: Band, unit: str) -> str:
    low = "" if b.low is None else f"{'≥' if b.low_inclusive else '>'} {b.low:g}"
    high = "" if b.high is None else f"{'≤' if b.high_inclusive else '<'} {b.high:g}"
    return f"{' and '.join(x for x in (low, high) if x)} {unit}"


def _adjusted(
    ctx: Context,
    check: str,
    drug: str,
    table: Adjustment,
    value: float,
    measure: str,
    work: tuple[str, ...],
) -> CheckResult | None:
    """One drug's dose against the adjustment its ``table`` requires at ``value``."""
    p = next((x for x in ctx.order.prescribed if x.drug == drug), None)
    if p is None or drug not in ctx.regimen_drugs:
        return None
    full = ctx.full_dose(drug)
    if p.unit != full.unit:
        return None
    band = table.percent_for(value)
    if band is None or band.percent >= 100:
        return CheckResult(
            check,
            "pass",
            f"{drug}: {measure}: no reduction required",
            drug,
            full.daily if full.unit == "mg" else None,
            p.dose if p.unit == "mg" else None,
            work=(*work, f"table: {table.source}"),
        )
    unit = "mL/min" if table.measure == "crcl" else "mg/dL"
    where = f"{measure} is {band_text(band, unit)}"
    if band.percent <= 0:
        return CheckResult(
            check,
            "fail",
            f"{drug}: {where}: {band.action or 'avoid'}; {num(p.dose)} {p.unit} prescribed",
            drug,
            0.0,
            p.dose if p.unit == "mg" else None,
            work=(*work, f"table: {table.source}"),
        )
    expected = full.daily * band.percent / 100.0
    dev = deviation(p.dose, expected)
    status = "pass" if dev <= 0 else graded(dev, ctx.options)
    full_note = (
        " — a full dose" if graded(deviation(p.dose, full.daily), ctx.options) == "pass" else ""
    )
    return CheckResult(
        check,
        status,
        f"{drug}: {where}: {band.percent:g}% required, expected at most {num(expected)} "
        f"{p.unit}/day; prescribed {num(p.dose)} {p.unit}{full_note} ({signed(dev)})",
        drug,
        expected if p.unit == "mg" else None,
        p.dose if p.unit == "mg" else None,
        dev,
        work=(
            *work,
            f"{drug}: {num(full.daily)} {p.unit} (full dose) × {band.percent:g}% = "
            f"{num(expected)} {p.unit}",
            f"table: {table.source}",
        ),
    )


def crcl(ctx: Context) -> Clearance | None:
    """The patient's creatinine clearance, when the order gives what it needs (adults)."""
    pt = ctx.order.patient
    if pt.serum_creatinine_mg_dl is None or pt.age is None or pt.sex is None:
        return None
    if pt.age < ADULT_AGE:
        return None
    return cockcroft_gault(pt.age, pt.weight_kg, pt.serum_creatinine_mg_dl, pt.sex)


def renal(ctx: Context) -> list[CheckResult]:
    """Per drug with a renal table: CrCl by Cockcroft–Gault and the dose it requires."""
    pt = ctx.order.patient
    covered = [p.drug for p in ctx.order.prescribed if ctx.table.drugs[p.drug].renal]
    if pt.serum_creatinine_mg_dl is None or not covered:
        return []
    c = crcl(ctx)
    if c is None:
        return [
            CheckResult(
                "renal",
                "warn",
                f"{drug}: age {pt.age}: Cockcroft–Gault is an adult formula (from "
                f"{ADULT_AGE} y); CrCl not estimated, check renal function another way",
                drug,
            )
            for drug in covered
        ]
    out = []
    for drug in covered:
        table = ctx.table.drugs[drug].renal
        assert table is not None
        r = _adjusted(ctx, "renal", drug, table, c.ml_min, f"CrCl {c.ml_min:.1f} mL/min", (c.work,))
        if r is not None:
            out.append(r)
    return out


def hepatic(ctx: Context) -> list[CheckResult]:
    """Per drug with a hepatic table: the dose that the bilirubin requires."""
    bili = ctx.order.patient.bilirubin_mg_dl
    if bili is None:
        return []
    out = []
    for p in ctx.order.prescribed:
        table = ctx.table.drugs[p.drug].hepatic
        if table is None or table.measure != "bilirubin":
            continue
        r = _adjusted(
            ctx,
            "hepatic",
            p.drug,
            table,
            bili,
            f"bilirubin {bili:.2f} mg/dL",
            (f"bilirubin {bili:.2f} mg/dL",),
        )
        if r is not None:
            out.append(r)
    return out
