"""Checks that depend on the patient beyond height and weight: ``weight-change``,
``cumulative``, ``renal`` and ``hepatic``.

Every prescribed drug with a renal or hepatic rule is checked; where the order gives a
laboratory value and a drug has no rule in the drug table, or a rule's measure is not on
the order, a ``not-checked`` row says so: silence is never a pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from osdose.basis import flat
from osdose.course import Administration
from osdose.cumulative import (
    CombinedTotal,
    DrugTotal,
    Running,
    assess,
    per_kg_unit,
    per_m2_unit,
    sum_in,
)
from osdose.dosing import amounts
from osdose.drugs import MEASURE_NAMES, Band, Rule
from osdose.kidney import Clearance, Estimate
from osdose.regimen import DrugDose
from osdose.status import VERDICT_OF_LEVEL, Verdict
from osdose.verify.checks_labs import lab_age
from osdose.verify.context import Context
from osdose.verify.result import CheckResult, deviation, graded, num, signed


def weight_change(ctx: Context) -> list[CheckResult]:
    """Weight change from baseline: from the warn threshold (5%) it warns; from the fail
    threshold (10%) BSA and every dose are recalculated with today's weight, and if the
    doses match the old weight instead, ``error-pattern`` fails the order."""
    from osdose import thresholds

    p = ctx.order.patient
    h = ctx.order.history
    base = p.baseline_weight_kg or (h.baseline_weight_kg if h else None)
    if base is None:
        return [
            CheckResult(
                "weight-change",
                Verdict.NOT_CHECKED,
                "no baseline weight on the order or its history: a stale weight cannot be "
                "detected (give baseline_weight)",
            )
        ]
    t = thresholds.current()
    warn = ctx.options.weight_warn_percent
    warn = t.weight_change_warn if warn is None else warn
    fail = ctx.options.weight_fail_percent
    fail = t.weight_change_fail if fail is None else fail
    change = deviation(p.weight_kg, base)
    size = round(abs(change), 6)
    work = (f"change = ({p.weight_kg:g} − {base:g}) / {base:g} × 100 = {signed(change)}",)
    head = f"weight {p.weight_kg:g} kg, baseline {base:g} kg: {signed(change)}"
    if size >= fail:
        msg = (
            f"{head}, {fail:g}% or more: BSA {ctx.bsa.m2:.4f} m² and every dose recalculated "
            "with today's weight; re-verify the order"
        )
    elif size >= warn:
        msg = f"{head}, {warn:g}% or more (under {fail:g}%)"
    else:
        msg = f"{head}, under {warn:g}%"
    status = Verdict.WARN if size >= warn else Verdict.PASS
    return [CheckResult("weight-change", status, msg, deviation_percent=change, work=work)]


def order_administrations(ctx: Context) -> list[Administration]:
    """This order's doses as administrations (each day with today's BSA), through the one
    dose engine, as the ledger will record them once given."""
    out = []
    o = ctx.order
    for p in o.prescribed:
        b = flat(p.dose, p.unit, p.text)
        a = amounts(DrugDose(p.drug, b, "per_day", b, p.days), ctx.bsa.m2, o.patient.weight_kg)
        for day in p.days:
            out.append(
                Administration(
                    o.date + dt.timedelta(days=day - 1),
                    p.drug,
                    p.unit,
                    a.daily,
                    a.per_m2,
                    ctx.bsa.m2,
                    p.line,
                    o.label,
                    o.regimen.name,
                    o.cycle,
                    day,
                    weight_kg=o.patient.weight_kg,
                )
            )
    return out


@cache
def _limits(warn: float | None, maximum: float | None, watch: tuple[float, ...]) -> str:
    """``warn from 900, maximum 1,000`` (the ceiling in force: the drug's, or its age band's)."""
    limits = []
    if warn is not None:
        limits.append(f"warn from {num(warn, 0)}")
    if maximum is not None:
        limits.append(f"maximum {num(maximum, 0)}")
    if watch:
        limits.append("watch at " + ", ".join(num(w, 0) for w in watch))
    return ", ".join(limits)


def _before(running: Running, drug: str, unit: str) -> float:
    s = running.sums.get(drug)
    return (sum_in(s, unit) or 0.0) if s is not None else 0.0


def _drug_row(ctx: Context, t: DrugTotal, before: float) -> CheckResult:
    unit = (t.ceiling_unit or "").replace("m2", "m²")
    value = t.value or 0.0
    now = value - before
    of_max = f" ({t.percent_of_max:.1f}% of maximum)" if t.percent_of_max is not None else ""
    p = next(x for x in ctx.order.prescribed if x.drug == t.drug)
    per_m2 = per_m2_unit(t.ceiling_unit)
    per_kg = per_kg_unit(t.ceiling_unit)
    before_t, now_t, total_t = num(before, 1), num(now, 1), num(value, 1)
    return CheckResult(
        "cumulative",
        VERDICT_OF_LEVEL[t.status],
        f"{t.drug}: {total_t} {unit} after this order (history {before_t} + this order "
        f"{now_t}); {_limits(t.warn, t.max, t.watch)} {unit}{of_max}"
        + (f"; {t.reasons[-1]}" if t.reasons and t.status.rank > 0 else ""),
        t.drug,
        prescribed_mg=p.dose * len(p.days) if p.unit == "mg" else None,
        work=(
            f"{t.drug}: {before_t} (history) + {num(p.dose)} {p.unit} × {len(p.days)} "
            f"day{'s' if len(p.days) > 1 else ''}"
            + (f" / {ctx.bsa.m2:.4f} m²" if per_m2 else "")
            + (f" / {ctx.order.patient.weight_kg:g} kg" if per_kg else "")
            + f" (this order) = {total_t} {unit}",
            *t.reasons,
        ),
    )


def _combined_row(c: CombinedTotal, before: CombinedTotal | None) -> CheckResult:
    prior = before.total_mg_per_m2 if before is not None else 0.0
    of_max = f" ({c.percent_of_max:.1f}% of maximum)" if c.percent_of_max is not None else ""
    parts = " + ".join(
        f"{x.drug} {num(x.mg_per_m2, 1)} × {x.factor:g}"
        if x.factor is not None
        else f"{x.drug} {num(x.mg_per_m2, 1)} (not convertible)"
        for x in c.contributors
    )
    limits = ", ".join(
        s
        for s in (
            f"warn from {num(c.warn, 0)}" if c.warn is not None else "",
            f"maximum {num(c.max, 0)}" if c.max is not None else "",
        )
        if s
    )
    return CheckResult(
        "cumulative",
        VERDICT_OF_LEVEL[c.status],
        f"{c.basis}: {num(c.total_mg_per_m2, 1)} mg/m² after this order (history "
        f"{num(prior, 1)} + this order {num(c.total_mg_per_m2 - prior, 1)}); {limits} mg/m² "
        f"(the {c.reference_drug} ceiling){of_max}"
        + (f"; {c.reasons[-1]}" if c.reasons and c.status.rank > 0 else ""),
        c.basis,
        work=(f"{c.basis} = {parts} = {num(c.total_mg_per_m2, 1)} mg/m²", *c.reasons, c.source),
    )


def cumulative(ctx: Context) -> list[CheckResult]:
    """Lifetime total after this order of each prescribed drug with a ceiling or watch, and
    of each combined group it belongs to (doxorubicin-equivalent): the history's
    administrations and this order's, added and assessed by the one cumulative engine."""
    o = ctx.order
    table = ctx.table
    tracked = [
        p for p in o.prescribed if (d := table.drugs[p.drug]).ceiling or d.watch or d.age_ceilings
    ]
    groups = {g.name: g for p in o.prescribed if (g := table.group_of(p.drug)) is not None}
    if o.history is None:
        names = [p.drug for p in tracked] + [g.basis for g in groups.values()]
        return [
            CheckResult(
                "cumulative",
                Verdict.WARN,
                f"{name}: no history on the order, the lifetime total is unknown; give history "
                "(history: [] for a first course)",
                name,
            )
            for name in names
        ]
    running = o.history.running.copy().extend(order_administrations(ctx))
    age = o.patient.age
    given = {p.drug for p in o.prescribed}
    after = assess(running, table, o.patient.id, age_years=age, only=given)
    before = o.history.assessed(table, age) if groups else None
    out = []
    for p in tracked:
        t = after.get(p.drug)
        if t is not None and t.ceiling_unit is not None:
            out.append(_drug_row(ctx, t, _before(o.history.running, p.drug, t.ceiling_unit)))
    for c in after.combined:
        if c.group in groups:
            out.append(_combined_row(c, before.group(c.group) if before else None))
    return out


# -- renal and hepatic --------------------------------------------------------------------


@dataclass(frozen=True)
class _Measured:
    """One rule evaluated: the value of its measure, the band it falls in (``None``: full
    dose), and the words for messages."""

    rule: Rule
    value: float | str
    band: Band | None
    shown: str


def band_text(b: Band, unit: str) -> str:
    if b.child_pugh is not None:
        return f"Child–Pugh class {b.child_pugh}"
    low = "" if b.low is None else f"{'≥' if b.low_inclusive else '>'} {b.low:g}"
    high = "" if b.high is None else f"{'≤' if b.high_inclusive else '<'} {b.high:g}"
    return f"{' and '.join(x for x in (low, high) if x)} {unit}".strip()


def _shown(rule: Rule, value: float | str) -> str:
    if isinstance(value, str):
        return f"{MEASURE_NAMES[rule.measure]} {value}"
    unit = rule.unit
    sep = "" if unit.startswith("×") else " "
    return f"{MEASURE_NAMES[rule.measure]} {value:.4g}{sep}{unit}"


def _evaluate(
    ctx: Context, check: str, drug: str, measured: list[_Measured], extra_work: tuple[str, ...]
) -> CheckResult | None:
    """One drug's dose against the most restrictive band its rules require."""
    p = next((x for x in ctx.order.prescribed if x.drug == drug), None)
    if p is None:
        return None
    # a drug whose dose could not be recalculated (no measured GFR, …) has none to reduce from
    full = ctx.full_dose(drug) if drug in ctx.expected else None
    sources = tuple(f"{MEASURE_NAMES[m.rule.measure]} rule: {m.rule.cited}" for m in measured)
    work = (*extra_work, *sources)
    binding = [m for m in measured if m.band is not None and m.band.percent < 100]
    reviews = [m for m in measured if m.band is not None and m.band.action == "review"]
    values = "; ".join(dict.fromkeys(m.shown for m in measured))
    if not binding and not reviews:
        return CheckResult(
            check,
            Verdict.PASS,
            f"{drug}: {values}: no reduction required",
            drug,
            full.daily if full and full.unit == "mg" else None,
            p.dose if p.unit == "mg" else None,
            work=work,
        )
    drive = min(binding or reviews, key=lambda m: m.band.percent if m.band else 100.0)
    assert drive.band is not None
    where = f"{drive.shown} is {band_text(drive.band, drive.rule.unit)}"
    if drive.band.percent <= 0:
        return CheckResult(
            check,
            Verdict.FAIL,
            f"{drug}: {where}: {drive.band.action or 'avoid'}; {num(p.dose)} {p.unit} prescribed "
            f"({drive.rule.cited})",
            drug,
            0.0,
            p.dose if p.unit == "mg" else None,
            work=work,
        )
    if full is None or p.unit != full.unit:
        why = (
            f"the regimen's dose of {drug} cannot be calculated ({ctx.not_computed[drug]})"
            if drug in ctx.not_computed
            else f"the regimen gives no dose of {drug} to reduce from"
        )
        return CheckResult(
            check,
            Verdict.WARN,
            f"{drug}: {where}: {drive.band.percent:g}% required; {why}: check by hand",
            drug,
            work=work,
        )
    expected = full.daily * drive.band.percent / 100.0
    dev = deviation(p.dose, expected)
    status = Verdict.PASS if dev <= 0 else graded(dev, ctx.options)
    if drive.band.action == "review":
        status = Verdict.WARN
    full_note = (
        " — a full dose"
        if graded(deviation(p.dose, full.daily), ctx.options) is Verdict.PASS
        else ""
    )
    review = (
        f"; review: the source gives no figure for this range ({drive.rule.cited})"
        if drive.band.action == "review"
        else ""
    )
    return CheckResult(
        check,
        status,
        f"{drug}: {where}: {drive.band.percent:g}% required, expected at most {num(expected)} "
        f"{p.unit}/day; prescribed {num(p.dose)} {p.unit}{full_note} ({signed(dev)}){review}",
        drug,
        expected if p.unit == "mg" else None,
        p.dose if p.unit == "mg" else None,
        dev,
        work=(
            *work,
            f"{drug}: {num(full.daily)} {p.unit} (full dose) × {drive.band.percent:g}% = "
            f"{num(expected)} {p.unit}",
        ),
    )


def _organ(
    ctx: Context,
    check: str,
    rules_of: str,
    value_of: dict[str, float | str | None],
    given: list[str],
    extra: tuple[tuple[str, object], ...] = (),
    extra_work: tuple[str, ...] = (),
    unavailable: dict[str, str] | None = None,
) -> list[CheckResult]:
    """Every prescribed drug against its ``rules_of`` (renal or hepatic) rules."""
    out = []
    for p in ctx.order.prescribed:
        drug = ctx.table.drugs[p.drug]
        rules: tuple[Rule, ...] = getattr(drug, rules_of)
        if not rules:
            if given:
                out.append(
                    CheckResult(
                        check,
                        Verdict.NOT_CHECKED,
                        f"{p.drug}: {', '.join(given)} given, but the drug table has no {check} "
                        f"rule for {p.drug}",
                        p.drug,
                    )
                )
            continue
        dosed = ctx.regimen_drugs.get(p.drug)
        by_auc = rules_of == "renal" and dosed is not None and dosed.basis.per == "auc"
        if all(r.measure == "none" for r in rules) and not by_auc:
            out.append(
                CheckResult(
                    check,
                    Verdict.PASS,
                    f"{p.drug}: no {check} adjustment needed ({rules[0].cited})",
                    p.drug,
                )
            )
            continue
        measured, missing = [], []
        for r in rules:
            if r.measure == "none":
                continue
            value = value_of.get(r.measure)
            if value is None:
                why = (unavailable or {}).get(r.measure)
                missing.append(why or f"no {MEASURE_NAMES[r.measure]} on the order")
                continue
            measured.append(_Measured(r, value, r.band_for(value), _shown(r, value)))
        if by_auc:
            auc = _by_auc(ctx, check, p.drug, measured)
            out.append(CheckResult(**{**auc.__dict__, "extra": extra}) if extra else auc)
            continue
        if measured:
            result = _evaluate(ctx, check, p.drug, measured, extra_work)
            if result is not None:
                out.append(
                    result
                    if not extra or not any(m.rule.measure == "crcl" for m in measured)
                    else CheckResult(**{**result.__dict__, "extra": extra})
                )
        if missing:
            out.append(
                CheckResult(
                    check,
                    Verdict.NOT_CHECKED,
                    f"{p.drug}: {'; '.join(dict.fromkeys(missing))}: "
                    f"{'its' if not measured else 'some of its'} {check} rules could not be "
                    "applied",
                    p.drug,
                )
            )
    return out


def _by_auc(ctx: Context, check: str, drug: str, measured: list[_Measured]) -> CheckResult:
    """A drug dosed by AUC (Calvert: AUC × (GFR + 25)): its renal adjustment is the GFR in
    its dose, which the dose check recalculates. The drug table's renal bands are for doses
    per m² or flat (the label's); applied to an AUC dose they would reduce it twice. A band
    that gives no dose (review, or 0%) still warns: the source has no recommendation for
    kidneys that poor, whatever the formula gives."""
    stop = [m for m in measured if m.band and (m.band.action == "review" or m.band.percent <= 0)]
    if stop:
        m = stop[0]
        assert m.band is not None
        return CheckResult(
            check,
            Verdict.WARN,
            f"{drug}: dosed by AUC, but {m.shown} is {band_text(m.band, m.rule.unit)}: "
            f"{m.band.action or 'avoid'} — the source gives no dose for this range, whatever "
            f"Calvert's formula gives ({m.rule.cited})",
            drug,
        )
    if drug in ctx.not_computed:
        return CheckResult(
            check,
            Verdict.NOT_CHECKED,
            f"{drug}: dosed by AUC, whose GFR is its renal adjustment, but its dose cannot be "
            f"calculated ({ctx.not_computed[drug]}): check renal function by hand",
            drug,
        )
    return CheckResult(
        check,
        Verdict.PASS,
        f"{drug}: dosed by AUC: renal function is in the dose itself (the GFR of the dose "
        f"check); the drug table's renal bands, for doses per m² or flat, are not applied",
        drug,
    )


def renal(ctx: Context) -> list[CheckResult]:
    """Per drug with renal rules: CrCl by Cockcroft–Gault (with the weight policy) or serum
    creatinine, and the dose the most restrictive band requires."""
    pt = ctx.order.patient
    c = ctx.crcl
    values: dict[str, float | str | None] = {"creatinine": pt.serum_creatinine_mg_dl}
    unavailable: dict[str, str] = {}
    g = ctx.egfr_absolute
    if isinstance(g, Estimate):
        values["egfr_absolute"] = g.value
        egfr_work = (f"eGFR (CKD-EPI 2021, de-indexed): {g.formula} ({g.reference})",)
    else:
        unavailable["egfr_absolute"] = g or "no serum creatinine on the order (eGFR needs it)"
    extra: tuple[tuple[str, object], ...] = ()
    work: tuple[str, ...] = ()
    if isinstance(c, Clearance):
        values["crcl"] = c.ml_min
        extra = (
            ("crcl_ml_min", c.ml_min),
            ("crcl_weight", c.weight.policy),
            ("crcl_weight_kg", c.weight.kg),
        )
        floor = f"; creatinine floor {c.floor_applied:g} mg/dL applied" if c.floor_applied else ""
        work = (f"body weight: {c.weight.work} (policy {c.weight.policy})", c.work + floor)
    if isinstance(g, Estimate):
        work = (*work, *egfr_work)
    elif isinstance(c, str):
        unavailable["crcl"] = c
    else:
        unavailable["crcl"] = "no serum creatinine on the order (CrCl needs it)"
        unavailable["creatinine"] = "no serum creatinine on the order"
    given = ["serum creatinine"] if pt.serum_creatinine_mg_dl is not None else []
    out = _organ(ctx, "renal", "renal", values, given, extra, work, unavailable)
    if given:
        out.append(lab_age(ctx, "renal", "serum creatinine", ctx.order.labs.creatinine_date))
    if isinstance(c, Clearance):
        note = (
            f", creatinine raised to the floor {c.floor_applied:g} mg/dL" if c.floor_applied else ""
        )
        out = [
            CheckResult(
                **{
                    **r.__dict__,
                    "message": f"{r.message} [CrCl {c.ml_min:.1f} mL/min with the "
                    f"{c.weight.used} weight {c.weight.kg:.1f} kg (policy "
                    f"{c.weight.policy}){note}]",
                }
            )
            if r.extra
            else r
            for r in out
        ]
    if isinstance(c, str) and c.startswith("age"):
        out = [
            CheckResult(**{**r.__dict__, "status": Verdict.WARN})
            if r.status is Verdict.NOT_CHECKED and c in r.message
            else r
            for r in out
        ]
    return out


def hepatic(ctx: Context) -> list[CheckResult]:
    """Per drug with hepatic rules: each rule's measure (bilirubin, bilirubin × ULN, AST or
    ALT × ULN, Child–Pugh class) and the dose the most restrictive band requires."""
    pt = ctx.order.patient
    values: dict[str, float | str | None] = {
        m: pt.lab(m)
        for m in ("bilirubin", "bilirubin_x_uln", "ast_x_uln", "alt_x_uln", "child_pugh")
    }
    given = [
        name
        for name, v in (
            ("bilirubin", pt.bilirubin_mg_dl),
            ("AST", pt.ast_x_uln),
            ("ALT", pt.alt_x_uln),
            ("Child–Pugh class", pt.child_pugh),
        )
        if v is not None
    ]
    unavailable = {}
    if pt.bilirubin_mg_dl is not None and pt.bilirubin_uln_mg_dl is None:
        unavailable["bilirubin_x_uln"] = (
            "no bilirubin_uln (the laboratory's upper limit) on the order"
        )
    out = _organ(ctx, "hepatic", "hepatic", values, given, unavailable=unavailable)
    if pt.bilirubin_mg_dl is not None:
        out.append(lab_age(ctx, "hepatic", "bilirubin", ctx.order.labs.bilirubin_date))
    return out
