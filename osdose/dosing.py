"""The one dose engine: patient + regimen + options → each drug's daily dose, with its trace.

Per drug: daily = basis × BSA (per m²) or × weight (per kg) or the flat dose; × the dose
percent of the cycle; × the drug's own percent (an order's single-drug reduction); then
the drug's cap (:attr:`osdose.regimen.DrugDose.cap`); cycle = daily × number of days.
Mass is in mg, units in IU; the two are never converted into each other.

:func:`amounts` is the arithmetic, used by everything that needs a dose — ``dose``, the
cycle entries of course files and of the ledger, ``plan`` and ``verify`` — so that every
command arrives at the same number to the last bit. :func:`daily_dose` adds the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from osdose.basis import Basis, flat
from osdose.bsa import BSA
from osdose.drugs import DrugTable
from osdose.errors import InputError
from osdose.kidney import CalvertGfr
from osdose.limits import Comparison, Size, compare, schedule
from osdose.regimen import Cap, DrugDose, PaediatricRule, Regimen


@dataclass(frozen=True)
class Amounts:
    """One drug's amount for one administration day.

    ``daily`` is in the dose's unit (``None`` when it needs a BSA that is not known);
    ``per_m2`` is that amount per m² of the day's BSA: exactly the regimen's per-m² dose ×
    the percents when no cap or small-patient rule changed it (so that totals of 40 mg/m²
    doses stay exact), otherwise the amount ÷ BSA (``None`` without a BSA). ``rule`` is the
    small-patient rule that applied.
    """

    daily: float | None
    per_m2: float | None
    uncapped: float | None
    capped: bool
    rule: PaediatricRule | None = None


def check_percent(dose_percent: float, field: str = "dose percent") -> float:
    if not 1 <= dose_percent <= 100:
        raise InputError(
            field,
            f"must be between 1 and 100 (a planned reduction), got {dose_percent:g}",
        )
    return float(dose_percent)


def paediatric_rule(
    d: DrugDose, bsa_m2: float | None, weight_kg: float | None, age_years: float | None
) -> PaediatricRule | None:
    """The first of the drug's small-patient rules whose every condition holds; a condition
    on something not known (no age given) is refused, never assumed false."""
    for r in d.paediatric:
        checks = (
            ("weight", r.weight_below_kg, weight_kg),
            ("BSA", r.bsa_below_m2, bsa_m2),
            ("age", r.age_below_years, age_years),
        )
        holds = True
        for what, below, value in checks:
            if below is None:
                continue
            if value is None:
                raise InputError(
                    what.lower(),
                    f"is needed: {d.drug} has a small-patient rule ({r.when}) that cannot be "
                    f"decided without the patient's {what}",
                )
            holds = holds and value < below
        if holds:
            return r
    return None


def amounts(
    d: DrugDose,
    bsa_m2: float | None,
    weight_kg: float | None,
    dose_percent: float = 100.0,
    drug_percent: float = 100.0,
    *,
    age_years: float | None = None,
    gfr: CalvertGfr | None = None,
) -> Amounts:
    """The arithmetic of one drug's daily dose (see :class:`Amounts`).

    The basis is scaled by the small-patient rule and the percents first (``120 mg/m² ×
    80% = 96 mg/m²``), then by the patient (``96 mg/m² × 1.81 m²``; per kg × weight; an AUC
    × (GFR + 25), Calvert): the per-m² dose is exact, and the amount is always that per-m²
    dose × the day's BSA, whoever computes it."""
    b = d.basis
    per = b.per
    scaled = b.amount
    rule = paediatric_rule(d, bsa_m2, weight_kg, age_years) if d.paediatric else None
    if rule is not None and rule.rule == "per-kg":
        if per != "m2":
            raise InputError(
                "paediatric rule",
                f"per-kg applies to a dose per m², but {d.drug} is dosed {b.text}",
            )
        assert rule.divisor is not None
        scaled, per = scaled / rule.divisor, "kg"
    elif rule is not None:
        assert rule.percent is not None
        scaled = scaled * rule.percent / 100.0
    if dose_percent != 100:
        scaled = scaled * dose_percent / 100.0
    if drug_percent != 100:
        scaled = scaled * drug_percent / 100.0
    value: float | None
    if per == "m2":
        value = scaled * bsa_m2 if bsa_m2 is not None else None
    elif per == "kg":
        if weight_kg is None:
            raise InputError(
                "weight",
                f"is needed for {d.drug}, dosed per kg ({b.text}): give the weight (--weight on "
                "the command line)",
            )
        value = scaled * weight_kg
    elif per == "auc":
        if gfr is None:
            raise InputError(
                "gfr",
                f"is needed for {d.drug} by AUC ({b.text}: AUC × (GFR + 25)): give a measured "
                "GFR, or the age, sex and creatinine to estimate it",
            )
        value = scaled * (gfr.value + 25.0)
    else:
        value = scaled
    uncapped = value
    capped = False
    if value is not None and d.cap is not None and value > d.cap.amount:
        value, capped = d.cap.amount, True
    per_m2: float | None
    if per == "m2" and not capped and (d.cap is None or value is not None):
        per_m2 = scaled
    else:
        per_m2 = value / bsa_m2 if value is not None and bsa_m2 else None
    return Amounts(value, per_m2, uncapped, capped, rule)


@dataclass(frozen=True)
class DoseLine:
    """One drug's computed dose. ``daily`` is per administration day, ``cycle`` per cycle."""

    drug: str
    basis: Basis
    written_as: str
    written_basis: Basis
    days: tuple[int, ...]
    route: str | None
    unit: str
    daily: float
    cycle: float
    uncapped_daily: float
    cap: Cap | None
    capped: bool
    daily_per_m2: float | None
    drug_percent: float
    trace: tuple[str, ...]
    no_cap_reason: str | None = None
    rule: PaediatricRule | None = None
    gfr: CalvertGfr | None = None

    @property
    def daily_mg(self) -> float | None:
        return self.daily if self.unit == "mg" else None

    @property
    def cycle_mg(self) -> float | None:
        return self.cycle if self.unit == "mg" else None


@dataclass(frozen=True)
class Limit:
    """One drug of the sheet against one of its usual maxima (:mod:`osdose.limits`);
    ``acknowledged`` is the regimen's reason when it intends to exceed it."""

    comparison: Comparison
    acknowledged: str | None = None


@dataclass(frozen=True)
class DosingPatient:
    """What a dose may need besides BSA and weight: the age (small-patient rules) and what
    Calvert's GFR is estimated from (or a measured GFR), with the run's choices."""

    age_years: float | None = None
    sex: str | None = None
    height_cm: float | None = None
    creatinine_mg_dl: float | None = None
    measured_gfr: float | None = None
    gfr_method: str | None = None  # the run's choice, before the regimen's
    gfr_cap: float | None = None
    creatinine_floor_mg_dl: float | None = None
    crcl_weight: str | None = None

    def gfr(self, d: DrugDose, bsa_m2: float | None, weight_kg: float | None) -> CalvertGfr | None:
        """The GFR of Calvert's formula for ``d`` (``None`` for a dose not by AUC): a measured
        GFR when given, else the run's method, the regimen's, or the thresholds file's."""
        if d.basis.per != "auc":
            return None
        from osdose import thresholds
        from osdose.kidney import calvert_gfr

        method = (
            self.gfr_method
            or ("measured" if self.measured_gfr is not None else None)
            or d.gfr_method
            or thresholds.current().default_gfr_method
        )
        g = calvert_gfr(
            method,
            measured_ml_min=self.measured_gfr,
            age_years=self.age_years,
            sex=self.sex,
            weight_kg=weight_kg,
            height_cm=self.height_cm,
            bsa_m2=bsa_m2,
            creatinine_mg_dl=self.creatinine_mg_dl,
            crcl_weight_policy=self.crcl_weight,
            creatinine_floor_mg_dl=self.creatinine_floor_mg_dl,
            cap_ml_min=self.gfr_cap,
        )
        if d.gfr_method is not None and method != d.gfr_method:
            from dataclasses import replace

            g = replace(
                g,
                work=f"{g.work} [GFR by {method}, while the regimen declares {d.gfr_method}: "
                "check that the regimen's AUC assumes this method]",
            )
        return g


def small_patient(
    bsa_m2: float | None, weight_kg: float | None, age_years: float | None
) -> str | None:
    """Why the patient counts as small (BSA dosing overestimates exposure), or ``None``."""
    from osdose import thresholds

    t = thresholds.current()
    if weight_kg is not None and weight_kg < t.small_weight_kg:
        return f"weight {weight_kg:g} kg is below {t.small_weight_kg:g} kg"
    if bsa_m2 is not None and bsa_m2 < t.small_bsa_m2:
        return f"BSA {bsa_m2:.3f} m² is below {t.small_bsa_m2:g} m²"
    if age_years is not None and age_years < t.small_age_years:
        return f"age {age_years:.2g} years is below {t.small_age_years:g} year"
    return None


def small_patient_warnings(
    lines: tuple[DoseLine, ...],
    bsa_m2: float | None,
    weight_kg: float | None,
    age_years: float | None,
) -> tuple[str, ...]:
    """A warning per drug dosed by BSA in a small patient without a small-patient rule."""
    why = small_patient(bsa_m2, weight_kg, age_years)
    if why is None:
        return ()
    from osdose import thresholds

    source = thresholds.current().small_source
    return tuple(
        f"{line.drug}: {why}, and no small-patient rule applies: the dose is by BSA "
        f"({line.basis.text}), which overestimates exposure in infants and small children; "
        f"check the protocol's rule ({source})"
        for line in lines
        if line.basis.per == "m2" and line.rule is None
    )


@dataclass(frozen=True)
class DoseSheet:
    regimen: Regimen
    bsa: BSA | None
    weight_kg: float | None
    dose_percent: float
    lines: tuple[DoseLine, ...]
    limits: tuple[Limit, ...] = ()
    not_compared: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    patient: DosingPatient = DosingPatient()


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.6g}"


def daily_dose(
    d: DrugDose,
    bsa: BSA | None,
    weight_kg: float | None,
    dose_percent: float = 100.0,
    drug_percent: float = 100.0,
    drug_reason: str = "",
    *,
    age_years: float | None = None,
    gfr: CalvertGfr | None = None,
) -> DoseLine:
    """The daily and cycle dose of one drug, with the trace of how it was reached."""
    b = d.basis
    if b.per == "m2" and bsa is None:
        raise InputError(
            "bsa", f"is needed for {d.drug} ({b.text}): give height and weight, or the BSA"
        )
    a = amounts(
        d, bsa.m2 if bsa else None, weight_kg, dose_percent, drug_percent,
        age_years=age_years, gfr=gfr,
    )  # fmt: skip
    if a.daily is None or a.uncapped is None:
        raise InputError("bsa", f"is needed for {d.drug} ({b.text}): give height and weight")
    trace: list[str] = []
    if d.written_as == "per_cycle":
        trace.append(
            f"{d.written_basis.text} per cycle ÷ {len(d.days)} days = {_num(b.amount)} "
            f"{b.unit_text} per day"
        )
    step = b.amount
    unit = b.unit_text
    per = b.per
    if a.rule is not None:
        src = f"; {a.rule.source}" if a.rule.source else ""
        if a.rule.rule == "per-kg":
            assert a.rule.divisor is not None
            before, step, per, unit = step, step / a.rule.divisor, "kg", f"{b.unit}/kg"
            trace.append(
                f"small-patient rule ({a.rule.when}{src}): {_num(before)} {b.unit_text} ÷ "
                f"{a.rule.divisor:g} = {_num(step)} {unit}"
            )
        else:
            assert a.rule.percent is not None
            before, step = step, step * a.rule.percent / 100.0
            trace.append(
                f"small-patient rule ({a.rule.when}{src}): {_num(before)} {unit} × "
                f"{a.rule.percent:g}% = {_num(step)} {unit}"
            )
    for pct, why in ((dose_percent, ""), (drug_percent, f" for {d.drug}")):
        if pct != 100:
            reason = f" ({drug_reason})" if why and drug_reason else ""
            before, step = step, step * pct / 100.0
            trace.append(f"{_num(before)} {unit} × {pct:g}%{why}{reason} = {_num(step)} {unit}")
    if per == "m2":
        assert bsa is not None
        capped = " capped" if bsa.capped else ""
        trace.append(
            f"{_num(step)} {unit} × {bsa.m2:.4f} m² ({bsa.formula}{capped}) = "
            f"{_num(a.uncapped)} {b.unit}"
        )
    elif per == "kg":
        assert weight_kg is not None
        trace.append(f"{_num(step)} {unit} × {_num(weight_kg)} kg = {_num(a.uncapped)} {b.unit}")
    elif per == "auc":
        assert gfr is not None
        cap = f", capped from {gfr.uncapped:.1f}" if gfr.capped else ""
        trace.append(
            f"Calvert: AUC {_num(step)} × (GFR {gfr.value:.1f}{cap} + 25) = {_num(a.uncapped)} "
            f"{b.unit}; GFR ({gfr.method}): {gfr.work}"
        )
    elif step == b.amount:
        trace.append(f"flat dose {_num(step)} {b.unit}")
    if a.capped:
        assert d.cap is not None
        src = f"; {d.cap.source}" if d.cap.source else ""
        trace.append(
            f"capped at {_num(d.cap.amount)} {b.unit} ({d.cap.origin}{src}; uncapped "
            f"{_num(a.uncapped)} {b.unit})"
        )
    elif d.no_cap_reason is not None:
        trace.append(f"no cap applied: the regimen says max_dose none ({d.no_cap_reason})")
    cycle = a.daily * len(d.days)
    trace.append(
        f"× {len(d.days)} day{'s' if len(d.days) != 1 else ''} = {_num(cycle)} {b.unit} per cycle"
    )
    return DoseLine(
        drug=d.drug,
        basis=b,
        written_as=d.written_as,
        written_basis=d.written_basis,
        days=d.days,
        route=d.route,
        unit=b.unit,
        daily=a.daily,
        cycle=cycle,
        uncapped_daily=a.uncapped,
        cap=d.cap,
        capped=a.capped,
        daily_per_m2=a.per_m2,
        drug_percent=drug_percent,
        trace=tuple(trace),
        no_cap_reason=d.no_cap_reason,
        rule=a.rule,
        gfr=gfr if per == "auc" else None,
    )


def acknowledged_maximum(regimen: Regimen, drug: str) -> str | None:
    """The regimen's reason for giving ``drug`` above its usual maximum (its acknowledgement
    of lint's ``dose-implausible``), or ``None``."""
    return next(
        (
            reason
            for d in regimen.drugs
            if d.drug == drug
            for rule, reason in d.acknowledged
            if rule == "dose-implausible"
        ),
        None,
    )


def dose_sheet(
    regimen: Regimen,
    bsa: BSA | None,
    weight_kg: float | None = None,
    dose_percent: float = 100.0,
    table: DrugTable | None = None,
    patient: DosingPatient | None = None,
    warnings: tuple[str, ...] = (),
) -> DoseSheet:
    """Every drug of ``regimen`` for a patient of ``bsa`` (and ``weight_kg`` for per-kg doses,
    ``patient`` for small-patient rules and AUC doses); with the drug ``table``, each drug's
    schedule against its usual maxima too. ``warnings`` come from outside the dose engine
    (the regimen's life cycle, :func:`osdose.governance.admit`) and are shown first."""
    pct = check_percent(dose_percent)
    who = patient or DosingPatient()
    m2 = bsa.m2 if bsa else None
    lines = tuple(
        daily_dose(
            d,
            bsa,
            weight_kg,
            pct,
            age_years=who.age_years,
            gfr=who.gfr(d, bsa.uncapped_m2 if bsa else None, weight_kg),
        )
        for d in regimen.drugs
    )
    warnings = (*warnings, *small_patient_warnings(lines, m2, weight_kg, who.age_years))
    if table is None:
        return DoseSheet(regimen, bsa, weight_kg, pct, lines, warnings=warnings, patient=who)
    found: list[Limit] = []
    skipped: list[str] = []
    size = Size(m2, weight_kg)
    for name in dict.fromkeys(line.drug for line in lines):
        # what each day gives, in mg; a dose by AUC is bounded by Calvert's capped GFR (its
        # trace says so), not by a maximum per m²
        given = [
            (flat(x.daily, x.unit), x.days)
            for x in lines
            if x.drug == name and x.basis.per != "auc"
        ]
        if not given:
            continue
        comparisons, why = compare(
            table.resolve(name), schedule(given), regimen.cycle_length_days, size
        )
        ack = acknowledged_maximum(regimen, name)
        found += [Limit(c, ack if c.over else None) for c in comparisons]
        skipped += why
    return DoseSheet(
        regimen, bsa, weight_kg, pct, lines, tuple(found), tuple(skipped), warnings, who
    )
