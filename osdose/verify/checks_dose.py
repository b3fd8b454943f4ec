"""Checks on each prescribed dose: ``dose``, ``error-pattern``, ``bsa``, ``max-single-dose``.

Each check is one function of a :class:`Context` returning its results; none prints.
"""

from __future__ import annotations

from osdose.dosing import DoseLine
from osdose.verify.context import Context
from osdose.verify.order import Prescribed
from osdose.verify.result import CheckResult, deviation, graded, num, signed


def _mg(value: float, unit: str) -> float | None:
    return value if unit == "mg" else None


def _unit_mismatch(p: Prescribed, e: DoseLine) -> CheckResult:
    return CheckResult(
        "dose",
        "fail",
        f"{p.drug} is prescribed in {p.unit} ({p.text}) but the regimen doses it in {e.unit}: "
        "mass and units are never converted into each other",
        p.drug,
    )


def deviation_work(given: str, expected: str, dev: float) -> str:
    return f"deviation = ({given} − {expected}) / {expected} × 100 = {signed(dev)}"


def how(ctx: Context, e: DoseLine) -> str:
    """How an expected dose was reached, in one line: ``140 mg/m² × 1.8447 m²``."""
    b = e.basis
    text = b.text.replace("**2", "²")
    if b.per == "m2":
        text += f" × {ctx.bsa.m2:.4f} m²"
    elif b.per == "kg":
        text += f" × {ctx.order.patient.weight_kg:g} kg"
    if ctx.order.dose_percent != 100:
        text += f" × {ctx.order.dose_percent:g}%"
    if e.capped:
        text += f", capped at {num(e.cap or 0)} {e.unit}"
    return text


def dose(ctx: Context) -> list[CheckResult]:
    """Each prescribed daily dose against the recalculated one."""
    out = [_unit_mismatch(p, e) for p, e in ctx.pairs() if p.unit != e.unit]
    o = ctx.options
    for p, e, dev in ctx.compared():
        status = graded(dev, o)
        if status == "pass":
            verdict = f"within {o.warn_percent:g}%"
        else:
            verdict = f"more than {o.warn_percent if status == 'warn' else o.fail_percent:g}% off"
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
    return out


def _patterns(ctx: Context, p: Prescribed, e: DoseLine) -> list[tuple[str, float, str]]:
    """The known mistakes and the dose each would have produced: (name, dose, how)."""
    n = len(e.days)
    b = e.basis
    pct = ctx.order.dose_percent / 100.0
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
    if b.per == "kg":
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
    if e.capped:
        out.append(
            (
                "the regimen's cap not applied",
                e.uncapped_daily,
                f"uncapped {num(e.uncapped_daily)} {e.unit}, cap {num(e.cap or 0)} {e.unit}",
            )
        )
    if pct < 1:
        full = ctx.full_dose(p.drug).daily
        out.append(
            (
                "the intended dose reduction not applied",
                full,
                f"{num(full)} {e.unit} is the full dose; {ctx.order.dose_percent:g}% "
                f"is {num(e.daily)} {e.unit}",
            )
        )
    for other, oe in ctx.expected.items():
        if other != p.drug and oe.unit == e.unit and abs(deviation(oe.daily, e.daily)) > 1:
            mine = next((q for q in ctx.order.prescribed if q.drug == other), None)
            both = (
                mine is not None and abs(deviation(mine.dose, e.daily)) <= ctx.options.warn_percent
            )
            name = "two drugs' doses swapped" if both else "the wrong drug's dose"
            out.append((name, oe.daily, f"{other}'s dose is {num(oe.daily)} {oe.unit}"))
    return out


def error_pattern(ctx: Context) -> list[CheckResult]:
    """Each dose that does not pass, matched against the known mistakes; each match is
    named. One passing row when every dose agrees."""
    out = []
    o = ctx.options
    compared = ctx.compared()
    for p, e, dev in compared:
        if graded(dev, o) == "pass":
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
                    "pass",
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
                "fail",
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
    return [CheckResult("error-pattern", "pass", "every dose agrees: no error to look for")]


def bsa(ctx: Context) -> list[CheckResult]:
    """The BSA written on the order against the recalculated one."""
    given = ctx.order.bsa_given_m2
    if given is None:
        return []
    b = ctx.bsa
    dev = deviation(given, b.m2)
    status = graded(dev, ctx.options)
    return [
        CheckResult(
            "bsa",
            status,
            f"order BSA {given:.2f} m², recalculated {b.m2:.4f} m² ({b.formula}): {signed(dev)}",
            deviation_percent=dev,
            work=(f"deviation = ({given:g} − {b.m2:.4f}) / {b.m2:.4f} × 100 = {signed(dev)}",),
        )
    ]


def max_single_dose(ctx: Context) -> list[CheckResult]:
    """A daily dose above the drug's usual maximum warns (an order may acknowledge it)."""
    out = []
    for p in ctx.order.prescribed:
        drug = ctx.table.drugs[p.drug]
        mx = drug.max_single_dose
        if mx is None or mx.unit != p.unit or mx.per == "kg":
            continue
        if mx.per == "m2":
            per = p.dose / ctx.bsa.m2
            value_text = f"{num(p.dose)} {p.unit} / {ctx.bsa.m2:.4f} m² = {num(per)} {p.unit}/m²"
            over = round(per, 6) > mx.amount
            limit = mx.amount * ctx.bsa.m2
        else:
            value_text = f"{num(p.dose)} {p.unit}"
            over = round(p.dose, 6) > mx.amount
            limit = mx.amount
        usual = mx.text.replace("**2", "²")
        msg = (
            f"{p.drug}: {value_text} {'is above' if over else 'is within'} the usual maximum "
            f"{usual} per day"
        )
        out.append(
            CheckResult(
                "max-single-dose",
                "warn" if over else "pass",
                msg,
                p.drug,
                _mg(limit, p.unit),
                _mg(p.dose, p.unit),
                deviation(p.dose, limit),
                work=(value_text, f"usual maximum: {drug.max_single_dose_source}"),
            )
        )
    return out
