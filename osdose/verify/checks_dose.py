"""Checks on each prescribed dose: ``dose``, ``error-pattern``, ``bsa``, ``max-single-dose``.

Each check is one function of a :class:`Context` returning its results; none prints.
"""

from __future__ import annotations

from osdose.basis import flat
from osdose.dosing import DoseLine
from osdose.limits import Size, compare, schedule
from osdose.status import Verdict
from osdose.verify.context import Context, bsa_work
from osdose.verify.order import Prescribed
from osdose.verify.result import CheckResult, deviation, graded, num, signed


def _mg(value: float, unit: str) -> float | None:
    return value if unit == "mg" else None


def _unit_mismatch(p: Prescribed, e: DoseLine) -> CheckResult:
    return CheckResult(
        "dose",
        Verdict.FAIL,
        f"{p.drug} is prescribed in {p.unit} ({p.text}) but the regimen doses it in {e.unit}: "
        "mass and units are never converted into each other",
        p.drug,
    )


def deviation_work(given: str, expected: str, dev: float) -> str:
    return f"deviation = ({given} − {expected}) / {expected} × 100 = {signed(dev)}"


def how(ctx: Context, e: DoseLine) -> str:
    """How an expected dose was reached, in one line: ``140 mg/m² × 1.8447 m²``."""
    b = e.basis
    text = b.text
    if e.rule is not None:
        text += f" (small-patient rule: {e.rule.text})"
    if e.gfr is not None:
        capped = f", capped from {e.gfr.uncapped:.1f}" if e.gfr.capped else ""
        text += f" × (GFR {e.gfr.value:.1f}{capped} + 25) ({e.gfr.method})"
    elif e.rule is not None and e.rule.rule == "per-kg":
        text += f" × {ctx.order.patient.weight_kg:g} kg"
    elif b.per == "m2":
        text += f" × {ctx.bsa.m2:.4f} m²"
    elif b.per == "kg":
        text += f" × {ctx.order.patient.weight_kg:g} kg"
    if ctx.order.dose_percent != 100:
        text += f" × {ctx.order.dose_percent:g}%"
    if e.drug_percent != 100:
        text += f" × {e.drug_percent:g}% ({e.drug} alone)"
    if e.capped and e.cap is not None:
        text += f", capped at {num(e.cap.amount)} {e.unit} ({e.cap.origin})"
    return text


def dose(ctx: Context) -> list[CheckResult]:
    """Each prescribed daily dose against the recalculated one; a single drug's reduction
    without a reason warns."""
    out = [_unit_mismatch(p, e) for p, e in ctx.pairs() if p.unit != e.unit]
    out += [
        CheckResult(
            "dose",
            Verdict.NOT_CHECKED,
            f"{p.drug}: the expected dose cannot be calculated: {ctx.not_computed[p.drug]}",
            p.drug,
        )
        for p in ctx.order.prescribed
        if p.drug in ctx.not_computed
    ]
    o = ctx.options
    for p, e, dev in ctx.compared():
        status = graded(dev, o)
        if status is Verdict.PASS:
            verdict = f"within {o.warn_percent:g}%"
        else:
            verdict = (
                f"more than {o.warn_percent if status is Verdict.WARN else o.fail_percent:g}% off"
            )
        given, expected = num(p.dose), num(e.daily)
        out.append(
            CheckResult(
                "dose",
                status,
                f"{p.drug}: prescribed {given} {p.unit}/day, expected {expected} "
                f"{e.unit}/day ({how(ctx, e)}): {signed(dev)}, {verdict}",
                p.drug,
                _mg(e.daily, e.unit),
                _mg(p.dose, p.unit),
                dev,
                work=(*e.trace, deviation_work(given, expected, dev)),
            )
        )
        if p.percent != 100 and not p.reason:
            out.append(
                CheckResult(
                    "dose",
                    Verdict.WARN,
                    f"{p.drug}: reduced to {p.percent:g}% with no reason: say why "
                    "(reason: 'CrCl 55')",
                    p.drug,
                )
            )
    return out


def _patterns(ctx: Context, p: Prescribed, e: DoseLine) -> list[tuple[str, float, str]]:
    """The known mistakes and the dose each would have produced: (name, dose, how)."""
    n = len(e.days)
    b = e.basis
    pct = ctx.order.dose_percent / 100.0 * e.drug_percent / 100.0
    w = ctx.order.patient.weight_kg
    out: list[tuple[str, float, str]] = []
    if n > 1:
        out.append(
            (
                "per-cycle total written as a daily dose",
                e.daily * n,
                f"{num(e.daily)} × {n} days = {num(e.daily * n)} {e.unit}",
            )
        )
        out.append(
            (
                "daily dose divided as if it were a per-cycle total",
                e.daily / n,
                f"{num(e.daily)} ÷ {n} days = {num(e.daily / n)} {e.unit}",
            )
        )
    for factor, name in ((1000.0, "mg/g slip ×1000"), (10.0, "decimal slip ×10")):
        for value, op in ((e.daily * factor, "×"), (e.daily / factor, "÷")):
            out.append((name, value, f"{num(e.daily)} {op} {factor:g} = {num(value, 3)}"))
    if b.per == "auc":
        out += _auc_patterns(ctx, e, pct)
    elif e.rule is not None:
        pass  # a small-patient rule changed the basis: the per-kg/per-m² slips do not apply
    elif b.per == "kg":
        value = b.amount * ctx.bsa.m2 * pct
        out.append(
            (
                "per-kg basis read as per-m²",
                value,
                f"{num(b.amount)} {b.unit}/kg read as /m² × {ctx.bsa.m2:.4f} m² = {num(value)}",
            )
        )
    elif b.per == "m2":
        value = b.amount * w * pct
        out.append(
            (
                "per-m² basis read as per-kg",
                value,
                f"{num(b.amount)} {b.unit}/m² read as /kg × {w:g} kg = {num(value)}",
            )
        )
    if e.capped and e.cap is not None:
        out.append(
            (
                "the cap not applied",
                e.uncapped_daily,
                f"uncapped {num(e.uncapped_daily)} {e.unit}, cap {num(e.cap.amount)} {e.unit} "
                f"({e.cap.origin})",
            )
        )
    if pct < 1:
        full = ctx.full_dose(p.drug).daily
        out.append(
            (
                "the intended dose reduction not applied",
                full,
                f"{num(full)} {e.unit} is the full dose; the reduced dose is {num(e.daily)} "
                f"{e.unit}",
            )
        )
    full_bsa = ctx.uncapped_bsa
    if full_bsa is not None and b.per == "m2":
        whole = ctx.dose_at(p.drug, full_bsa, ctx.order.patient.weight_kg)
        out.append(
            (
                "the BSA cap not applied",
                whole.daily,
                f"{num(whole.daily)} {e.unit} at the uncapped BSA {full_bsa.m2:.4f} m², "
                f"the order caps it at {ctx.bsa.m2:.4f} m²",
            )
        )
    old = _old_weight(ctx, p.drug)
    if old is not None:
        out.append(old)
    for other, oe in ctx.expected.items():
        if other != p.drug and oe.unit == e.unit and abs(deviation(oe.daily, e.daily)) > 1:
            mine = next((q for q in ctx.order.prescribed if q.drug == other), None)
            both = (
                mine is not None and abs(deviation(mine.dose, e.daily)) <= ctx.options.warn_percent
            )
            name = "two drugs' doses swapped" if both else "the wrong drug's dose"
            out.append((name, oe.daily, f"{other}'s dose is {num(oe.daily)} {oe.unit}"))
    return out


def _auc_patterns(ctx: Context, e: DoseLine, pct: float) -> list[tuple[str, float, str]]:
    """The mistakes of carboplatin by AUC: the GFR cap not applied; an eGFR per 1.73 m² used
    as mL/min; the AUC (or Calvert's dose) multiplied by the BSA as if it were per m²."""
    from osdose.kidney import ADULT_AGE, ckd_epi_2021

    g = e.gfr
    assert g is not None
    auc = e.basis.amount * pct
    out: list[tuple[str, float, str]] = []
    if g.capped:
        value = auc * (g.uncapped + 25.0)
        out.append(
            (
                "GFR not capped",
                value,
                f"AUC {num(auc)} × ({g.uncapped:.1f} + 25) = {num(value)} mg; the GFR is capped "
                f"at {g.cap:g} mL/min",
            )
        )
    pt = ctx.order.patient
    if (
        pt.serum_creatinine_mg_dl is not None
        and pt.age is not None
        and pt.sex is not None
        and pt.age >= ADULT_AGE
    ):
        indexed = ckd_epi_2021(pt.age, pt.sex, pt.serum_creatinine_mg_dl).value
        for gfr, note in ((min(indexed, g.cap), ""), (indexed, ", uncapped")):
            value = auc * (gfr + 25.0)
            out.append(
                (
                    "eGFR per 1.73 m² used as mL/min",
                    value,
                    f"CKD-EPI {indexed:.1f} mL/min/1.73 m² taken as mL/min{note}: AUC "
                    f"{num(auc)} × ({gfr:.1f} + 25) = {num(value)} mg",
                )
            )
    m2 = ctx.bsa.m2
    out.append(
        (
            "AUC applied to BSA (mg/m²) instead of GFR",
            e.uncapped_daily * m2,
            f"Calvert's {num(e.uncapped_daily)} mg read as mg/m² × {m2:.4f} m² = "
            f"{num(e.uncapped_daily * m2)} mg",
        )
    )
    out.append(
        (
            "AUC applied to BSA (mg/m²) instead of GFR",
            auc * m2,
            f"AUC {num(auc)} read as {num(auc)} mg/m² × {m2:.4f} m² = {num(auc * m2)} mg",
        )
    )
    return out


def _old_weight(ctx: Context, drug: str) -> tuple[str, float, str] | None:
    """The dose at the baseline weight's BSA, when that differs from today's."""
    base = ctx.baseline_bsa
    e = ctx.expected[drug]
    if base is None or e.basis.per == "flat" or base.weight_kg is None:
        return None
    old = ctx.dose_at(drug, base, base.weight_kg)
    if abs(deviation(old.daily, e.daily)) < 0.5:
        return None
    size = (
        f"BSA {base.m2:.4f} m² (baseline {base.weight_kg:g} kg) instead of {ctx.bsa.m2:.4f} m² "
        f"(today {ctx.order.patient.weight_kg:g} kg)"
    )
    return ("doses calculated on an old weight", old.daily, f"{num(old.daily)} {e.unit} at {size}")


def stale_weight(ctx: Context) -> CheckResult | None:
    """The order's doses match the baseline weight better than today's, and the weight has
    changed by the fail threshold or more: a failing error pattern naming both BSAs."""
    from osdose import thresholds

    base = ctx.baseline_bsa
    if base is None or base.weight_kg is None:
        return None
    limit = ctx.options.weight_fail_percent
    limit = thresholds.current().weight_change_fail if limit is None else limit
    change = deviation(ctx.order.patient.weight_kg, base.weight_kg)
    if round(abs(change), 6) < limit:
        return None
    closer = []
    for p, e, _ in ctx.compared():
        if e.basis.per == "flat":
            continue
        old = ctx.dose_at(p.drug, base, base.weight_kg)
        to_old, to_now = abs(deviation(p.dose, old.daily)), abs(deviation(p.dose, e.daily))
        if not (to_old < to_now and round(to_old, 6) <= ctx.options.warn_percent):
            return None
        closer.append(
            f"{p.drug} {num(p.dose)} {p.unit} (old weight {num(old.daily)}, today {num(e.daily)})"
        )
    if not closer:
        return None
    return CheckResult(
        "error-pattern",
        Verdict.FAIL,
        f"doses calculated on an old weight: weight {ctx.order.patient.weight_kg:g} kg is "
        f"{signed(change)} from the baseline {base.weight_kg:g} kg, and the doses match the "
        f"baseline BSA {base.m2:.4f} m² better than today's {ctx.bsa.m2:.4f} m²: "
        + "; ".join(closer),
        work=(
            f"baseline BSA ({base.formula}) from {base.height_cm:g} cm and {base.weight_kg:g} kg "
            f"= {base.m2:.4f} m²",
            f"today's BSA = {ctx.bsa.m2:.4f} m²",
        ),
    )


def error_pattern(ctx: Context) -> list[CheckResult]:
    """Each dose that does not pass, matched against the known mistakes; each match is
    named. Doses that all match an old weight fail as such. One passing row when every
    dose agrees."""
    out = []
    stale = stale_weight(ctx)
    if stale is not None:
        out.append(stale)
    o = ctx.options
    compared = ctx.compared()
    for p, e, dev in compared:
        if graded(dev, o) is Verdict.PASS:
            continue
        hits = [
            (name, value, how)
            for name, value, how in _patterns(ctx, p, e)
            if round(abs(deviation(p.dose, value)), 6) <= o.warn_percent
        ]
        if not hits:
            out.append(
                CheckResult(
                    "error-pattern",
                    Verdict.PASS,
                    f"{p.drug}: the deviation matches no known error pattern",
                    p.drug,
                )
            )
            continue
        seen = dict.fromkeys(h[0] for h in hits)  # one hit per pattern, in order
        named = "; or ".join(f"{n} ({next(h[2] for h in hits if h[0] == n)})" for n in seen)
        out.append(
            CheckResult(
                "error-pattern",
                Verdict.FAIL,
                f"{p.drug}: {num(p.dose)} {p.unit} instead of {num(e.daily)} {e.unit} "
                f"looks like: {named}",
                p.drug,
                _mg(e.daily, e.unit),
                _mg(p.dose, p.unit),
                dev,
                work=tuple(f"{h[0]}: {h[2]}" for h in hits),
            )
        )
    if out or not compared:
        return out
    return [CheckResult("error-pattern", Verdict.PASS, "every dose agrees: no error to look for")]


def bsa(ctx: Context) -> list[CheckResult]:
    """The BSA written on the order against the recalculated one (the capped one when the
    order caps it); a cap is said with its reason and how far below full weight-based
    dosing it puts every per-m² dose."""
    out = []
    b = ctx.bsa
    if ctx.uncapped_bsa is not None:
        from osdose.bsa import GUIDANCE

        below = b.below_full_percent
        out.append(
            CheckResult(
                "bsa",
                Verdict.PASS,
                f"BSA {ctx.uncapped_bsa.m2:.4f} m² ({b.formula}) "
                + (
                    f"capped at {b.m2:g} m² ({b.cap_reason}): per-m² doses are {below:.0f}% "
                    "below full weight-based dosing"
                    if b.capped
                    else f"is under the order's cap {ctx.order.bsa_cap_m2:g} m²: not capped"
                )
                + f"; {GUIDANCE}",
                work=(
                    bsa_work(ctx.uncapped_bsa),
                    f"cap {ctx.order.bsa_cap_m2:g} m²: {b.m2:.4f} m²",
                ),
            )
        )
    given = ctx.order.bsa_given_m2
    if given is None:
        return out
    dev = deviation(given, b.m2)
    status = graded(dev, ctx.options)
    return [
        *out,
        CheckResult(
            "bsa",
            status,
            f"order BSA {given:.2f} m², recalculated {b.m2:.4f} m² ({b.formula}): {signed(dev)}",
            deviation_percent=dev,
            work=(f"deviation = ({given:g} − {b.m2:.4f}) / {b.m2:.4f} × 100 = {signed(dev)}",),
        ),
    ]


def _calvert_bound(ctx: Context, p: Prescribed, auc: float) -> CheckResult:
    """A dose by AUC against the most Calvert's formula gives at the GFR cap: AUC × (cap +
    25), the AUC with the order's reductions. Above it warns (a GFR above the cap was used)."""
    from osdose import thresholds

    e = ctx.expected.get(p.drug)
    cap = e.gfr.cap if e is not None and e.gfr is not None else None
    if cap is None:
        cap = ctx.options.gfr_cap_ml_min or thresholds.current().gfr_cap_ml_min
    target = auc * ctx.order.dose_percent / 100.0 * ctx.order.percent_of(p.drug) / 100.0
    bound = target * (cap + 25.0)
    over = round(p.dose, 6) > round(bound, 6)
    tail = "ABOVE" if over else "within"
    return CheckResult(
        "max-single-dose",
        Verdict.WARN if over else Verdict.PASS,
        f"{p.drug}: {num(p.dose)} {p.unit} is {tail} the most AUC {target:g} gives at the GFR "
        f"cap {cap:g} mL/min: {num(bound)} mg",
        p.drug,
        bound,
        _mg(p.dose, p.unit),
        deviation(p.dose, bound),
        work=(f"AUC {target:g} × ({cap:g} + 25) = {num(bound)} mg",),
    )


def max_single_dose(ctx: Context) -> list[CheckResult]:
    """Each prescribed drug against the drug table's usual maxima, each in its own period
    (the one comparison of :mod:`osdose.limits`): above warns (an order may acknowledge
    it). A daily dose above the drug's absolute cap fails (warns, with the regimen's reason,
    where the regimen says it intends no cap)."""
    out = []
    size = Size(ctx.bsa.m2, ctx.order.patient.weight_kg)
    cycle_days = ctx.order.regimen.cycle_length_days
    for p in ctx.order.prescribed:
        drug = ctx.table.drugs[p.drug]
        regimen_drug = ctx.regimen_drugs.get(p.drug)
        if regimen_drug is not None and regimen_drug.basis.per == "auc":
            out.append(_calvert_bound(ctx, p, regimen_drug.basis.amount))
            continue
        doses = schedule([(flat(p.dose, p.unit, p.text), p.days)])
        found, skipped = compare(drug, doses, cycle_days, size)
        for c in found:
            out.append(
                CheckResult(
                    "max-single-dose",
                    Verdict.WARN if c.over else Verdict.PASS,
                    f"{p.drug}: {c.text.removeprefix(p.drug + ' ')}",
                    p.drug,
                    _mg(c.limit * (size.factor(c.maximum.dose.per) or 1.0), p.unit),
                    _mg(p.dose, p.unit),
                    deviation(c.value, c.limit),
                    work=(c.work,),
                )
            )
        for why in skipped:
            out.append(CheckResult("max-single-dose", Verdict.NOT_CHECKED, why, p.drug))
        if not drug.maxima and drug.cap is None:
            out.append(
                CheckResult(
                    "max-single-dose",
                    Verdict.NOT_CHECKED,
                    f"{p.drug}: the drug table gives no usual maximum: not compared",
                    p.drug,
                )
            )
        cap = drug.cap
        if cap is None or cap.dose.unit != p.unit:
            continue
        over = round(p.dose, 6) > cap.dose.amount
        reason = regimen_drug.no_cap_reason if regimen_drug is not None else None
        if not over:
            status, tail = Verdict.PASS, "within"
        elif reason is not None:
            status, tail = Verdict.WARN, f"above (the regimen intends no cap: {reason})"
        else:
            status, tail = Verdict.FAIL, "ABOVE"
        out.append(
            CheckResult(
                "max-single-dose",
                status,
                f"{p.drug}: {num(p.dose)} {p.unit} per administration is {tail} the absolute cap "
                f"{cap.dose.text} ({cap.cited})",
                p.drug,
                _mg(cap.dose.amount, p.unit),
                _mg(p.dose, p.unit),
                deviation(p.dose, cap.dose.amount),
                work=(f"cap {cap.dose.text} per administration: {cap.cited}",),
            )
        )
    return out
