"""Checks on the patient's labs and size before a cycle: ``counts`` (the regimen's blood-count
gates), ``small-patient`` (BSA dosing below the small-patient thresholds), and how old each
lab is (:func:`lab_age`, also used by ``renal`` and ``hepatic`` for creatinine and
bilirubin).

A gate is "below": an ANC of exactly 1.5 × 10⁹/L does not meet ``anc_below: 1.5``. Where
the regimen declares no gate, or the order lacks the count a gate reads, the check says
``not-checked``: a missing rule is never a pass.
"""

from __future__ import annotations

import datetime as dt

from osdose.dosing import small_patient, small_patient_warnings
from osdose.regimen import CountGate
from osdose.status import Verdict
from osdose.verify.context import Context
from osdose.verify.result import CheckResult, deviation, graded, num, signed

_NAMES = {"anc": "ANC", "platelets": "platelets"}
_UNIT = "× 10⁹/L"


def lab_age(ctx: Context, check: str, what: str, day: dt.date | None) -> CheckResult:
    """How old ``what`` (counts, serum creatinine, bilirubin) is on the order's date: more
    than the thresholds file's ``labs.stale_days`` warns; no date is not checked."""
    from osdose import thresholds

    t = thresholds.current()
    if day is None:
        return CheckResult(
            check,
            Verdict.NOT_CHECKED,
            f"{what}: no date on the order (labs: date): how old the result is cannot be checked",
        )
    days = (ctx.order.date - day).days
    plural = "s" if days != 1 else ""
    when = f"{what} of {day}, {days} day{plural} before the order's {ctx.order.date}"
    if days > t.labs_stale_days:
        return CheckResult(
            check,
            Verdict.WARN,
            f"{when}: older than {t.labs_stale_days} days; repeat before the cycle "
            f"({t.labs_source})",
        )
    return CheckResult(
        check,
        Verdict.PASS,
        f"{when}: within {t.labs_stale_days} days",
    )


def _measure(g: CountGate) -> tuple[str, float]:
    if g.anc_below is not None:
        return "anc", g.anc_below
    assert g.platelets_below is not None
    return "platelets", g.platelets_below


def _cited(g: CountGate) -> str:
    return f"{g.text}; {g.source}" if g.source else g.text


def counts(ctx: Context) -> list[CheckResult]:
    """The order's ANC and platelets against the regimen's gates: a delay gate met fails
    ("delay the cycle"); a reduction gate met requires the dose at its percent (the most
    restrictive when several are met), and a dose above that fails with the expected mg."""
    o = ctx.order
    labs = o.labs
    gates = o.regimen.counts
    values = {"anc": labs.anc, "platelets": labs.platelets}
    shown = {m: f"{_NAMES[m]} {v:g} {_UNIT}" for m, v in values.items() if v is not None}
    if not gates:
        given = f" ({', '.join(shown.values())})" if shown else ""
        return [
            CheckResult(
                "counts",
                Verdict.NOT_CHECKED,
                f"regimen {o.regimen.name} declares no blood-count gates: the counts{given} "
                "are not checked; check them against the protocol",
            )
        ]
    out: list[CheckResult] = []
    if shown:
        out.append(lab_age(ctx, "counts", "blood counts", labs.date))
    measures = dict.fromkeys(_measure(g)[0] for g in gates)
    for m in measures:
        if values[m] is None:
            rules = "; ".join(g.text for g in gates if _measure(g)[0] == m)
            out.append(
                CheckResult(
                    "counts",
                    Verdict.NOT_CHECKED,
                    f"no {_NAMES[m]} on the order (labs: {m}): the regimen gates on it ({rules})",
                )
            )
    met: list[tuple[CountGate, str]] = []
    for g in gates:
        m, below = _measure(g)
        v = values[m]
        if v is not None and round(v, 6) < below:
            met.append((g, f"{_NAMES[m]} {v:g} {_UNIT} is below {below:g}"))
    delays = [(g, why) for g, why in met if g.action == "delay"]
    if delays:
        out.append(
            CheckResult(
                "counts",
                Verdict.FAIL,
                "delay the cycle: " + "; ".join(f"{why} ({_cited(g)})" for g, why in delays),
                work=tuple(f"{why}: gate {g.text}" for g, why in delays),
            )
        )
        return out
    reductions = [(g, why) for g, why in met if g.percent is not None]
    if not reductions:
        checked = [shown[m] for m in measures if m in shown]
        if checked:
            out.append(
                CheckResult(
                    "counts",
                    Verdict.PASS,
                    f"{', '.join(checked)}: no gate is met ({'; '.join(g.text for g in gates)})",
                )
            )
        return out
    gate, why = min(reductions, key=lambda r: r[0].percent or 100.0)
    assert gate.percent is not None
    required = gate.percent
    work = tuple(f"{w}: gate {g.text}" for g, w in reductions)
    for p in o.prescribed:
        if p.drug in ctx.not_computed:
            out.append(
                CheckResult(
                    "counts",
                    Verdict.NOT_CHECKED,
                    f"{p.drug}: {why}, {required:g}% required, but the dose cannot be "
                    f"calculated: {ctx.not_computed[p.drug]}",
                    p.drug,
                )
            )
            continue
        if p.drug not in ctx.expected or ctx.expected[p.drug].unit != p.unit:
            continue
        e = ctx.expected[p.drug]
        at = ctx.dose_at(p.drug, ctx.bsa, o.patient.weight_kg, required, 100.0)
        dev = deviation(p.dose, at.daily)
        status = Verdict.PASS if dev <= 0 else graded(dev, ctx.options)
        declared = o.dose_percent * e.drug_percent / 100.0
        out.append(
            CheckResult(
                "counts",
                status,
                f"{p.drug}: {why}: {required:g}% required ({_cited(gate)}), expected at most "
                f"{num(at.daily)} {p.unit}/day; prescribed {num(p.dose)} {p.unit} "
                f"({signed(dev)}; the order is at {declared:g}%)",
                p.drug,
                at.daily if p.unit == "mg" else None,
                p.dose if p.unit == "mg" else None,
                dev,
                work=(*work, *at.trace),
            )
        )
    return out


def small_patient_check(ctx: Context) -> list[CheckResult]:
    """A patient under the small-patient thresholds (10 kg, 0.6 m², 1 year) dosed by BSA
    without a small-patient rule warns per drug; where a rule applies, the row names it."""
    pt = ctx.order.patient
    why = small_patient(ctx.bsa.m2, pt.weight_kg, pt.age)
    if why is None:
        return []
    lines = tuple(ctx.expected.values())
    out = [
        CheckResult("small-patient", Verdict.WARN, w, w.split(":", 1)[0])
        for w in small_patient_warnings(lines, ctx.bsa.m2, pt.weight_kg, pt.age)
    ]
    out += [
        CheckResult(
            "small-patient",
            Verdict.PASS,
            f"{e.drug}: {why}: the small-patient rule applies ({e.rule.text})",
            e.drug,
        )
        for e in lines
        if e.rule is not None
    ]
    return out
