"""Plan projection: planned cycles applied in order on top of a course's history.

Ceilings are per m², so what a planned cycle adds per m² is the regimen's per-m² dose ×
its days × the dose percent, whatever the patient's BSA. A dose per kg or flat, or a
per-m² dose with a flat cap, becomes mg/m² only through a BSA (and a weight for per kg):
those need the patient's measurements and are refused without them, never guessed.

A cycle's status is the worst status of the tracked drugs that cycle gives (a cycle of
cisplatin and ifosfamide does not carry epirubicin's history into its own status). The
first warn cycle is the first whose status is warn or over (it reached a warn threshold);
watch thresholds count for neither crossing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from osdose import bsa as bsa_mod
from osdose.course import Course
from osdose.cumulative import exposure, measured, per_m2_unit, threshold_unit, worst
from osdose.dosing import check_percent, daily_dose
from osdose.drugs import DrugTable
from osdose.errors import InputError, OsdoseError
from osdose.regimen import DrugDose, Regimen

_DECIMALS = 6  # as in osdose.cumulative: float noise never moves a status


@dataclass(frozen=True)
class Step:
    """``cycles`` planned cycles of ``regimen``."""

    regimen: Regimen
    cycles: int


@dataclass(frozen=True)
class Patient:
    """What the plan may need to turn per-kg or flat doses into mg/m²."""

    bsa_m2: float | None = None
    weight_kg: float | None = None


@dataclass(frozen=True)
class PlannedCycle:
    n: int
    regimen: str
    cumulative: dict[str, float] = field(hash=False)  # each drug in its threshold unit
    status: str
    doxorubicin_equivalent_mg_per_m2: float


@dataclass(frozen=True)
class Plan:
    patient: str
    dose_percent: float
    units: dict[str, str] = field(hash=False)  # tracked drug → threshold unit
    start: dict[str, float] = field(hash=False)
    start_status: dict[str, str] = field(hash=False)
    start_doxorubicin_equivalent_mg_per_m2: float
    per_cycle: dict[str, dict[str, float]] = field(hash=False)  # regimen → drug → added
    cycles: tuple[PlannedCycle, ...]
    first_warn_cycle: int | None
    first_over_cycle: int | None
    cycles_left_before_max: dict[str, int | None] = field(hash=False)
    equivalence: str

    @property
    def goes_over(self) -> bool:
        return self.first_over_cycle is not None


def cycle_additions(
    reg: Regimen, table: DrugTable, dose_percent: float, patient: Patient
) -> dict[str, float]:
    """What one cycle of ``reg`` adds to each tracked drug (one with a ceiling or watch
    threshold, or an anthracycline equivalence factor), in the drug's threshold unit
    (mg/m² for an untracked anthracycline)."""
    eq_drugs = {d for t in table.equivalence.values() for d in t.factors}
    out: dict[str, float] = {}
    for d in reg.drugs:
        drug = table.resolve(d.drug)
        unit = threshold_unit(drug) or ("mg/m2" if drug.name in eq_drugs else None)
        if unit is None:
            continue
        b = d.basis
        if not unit.startswith(b.unit):
            raise OsdoseError(
                f"{reg.name}: {drug.name} is dosed in {b.unit} but its threshold is in {unit}"
            )
        per_m2 = per_m2_unit(unit)
        if b.per == "m2" and per_m2 and d.max_dose is None:
            added = b.amount * dose_percent / 100.0
        else:
            _check_measurements(reg, d, per_m2, patient)
            given = bsa_mod.given(patient.bsa_m2) if patient.bsa_m2 is not None else None
            daily = daily_dose(d, given, patient.weight_kg, dose_percent).daily  # capped
            added = daily / patient.bsa_m2 if per_m2 and patient.bsa_m2 else daily
        out[drug.name] = out.get(drug.name, 0.0) + added * len(d.days)
    return out


def _check_measurements(reg: Regimen, d: DrugDose, per_m2: bool, patient: Patient) -> None:
    """Refuse a dose that needs measurements the patient does not have, saying where to
    give them."""
    cap = f" (capped at {d.max_dose.text})" if d.max_dose is not None else ""
    why = f"{reg.name} gives {d.drug} {d.basis.text}{cap}"
    if (d.basis.per == "m2" or per_m2) and patient.bsa_m2 is None:
        raise OsdoseError(
            f"{why}: projecting its cumulative total needs the patient's BSA; give height and "
            "weight (or bsa) in the course file's patient, or --height and --weight (or --bsa)"
        )
    if d.basis.per == "kg" and patient.weight_kg is None:
        raise OsdoseError(
            f"{why}: a dose per kg needs the patient's weight; give weight in the course file's "
            "patient, or --weight"
        )


def cycles_left(start: float, added: float, maximum: float) -> int:
    """How many cycles each adding ``added`` keep ``start`` at or below ``maximum`` (a total
    equal to the maximum is in the warn band, not over)."""
    if round(start, _DECIMALS) > maximum:
        return 0
    n = max(0, math.floor((maximum - start) / added))
    while round(start + (n + 1) * added, _DECIMALS) <= maximum:
        n += 1
    while n > 0 and round(start + n * added, _DECIMALS) > maximum:
        n -= 1
    return n


def plan(
    course: Course,
    steps: Sequence[Step],
    table: DrugTable,
    dose_percent: float = 100.0,
    patient: Patient | None = None,
    equivalence: str | None = None,
) -> Plan:
    """Apply ``steps`` in order on top of ``course`` and report each cycle's totals."""
    if not steps:
        raise InputError("plan", "needs at least one --regimen NAME --cycles N")
    check_percent(dose_percent)
    for s in steps:
        if s.cycles < 1:
            raise InputError("cycles", f"must be at least 1, got {s.cycles} for {s.regimen.name}")
    who = patient or Patient()
    history = exposure(course.administrations, table, course.patient, equivalence)
    eq = table.factors(equivalence)
    units: dict[str, str] = {}
    start: dict[str, float] = {}
    for t in history.drugs:
        if t.ceiling_unit is not None:
            units[t.drug] = t.ceiling_unit
            start[t.drug] = _value(t.total, t.total_per_m2, t.ceiling_unit)
    per_cycle: dict[str, dict[str, float]] = {}
    full: dict[str, dict[str, float]] = {}
    for s in steps:
        name = s.regimen.name
        if name in per_cycle:
            continue
        per_cycle[name] = cycle_additions(s.regimen, table, dose_percent, who)
        full[name] = cycle_additions(s.regimen, table, 100.0, who)
        for drug in per_cycle[name]:
            unit = threshold_unit(table.drugs[drug])
            if unit is not None:
                units.setdefault(drug, unit)
                start.setdefault(drug, 0.0)
    start_status = {d: measured(v, table.drugs[d])[0] for d, v in start.items()}
    running = dict(start)
    dox_eq = history.doxorubicin_equivalent_mg_per_m2
    cycles: list[PlannedCycle] = []
    for s in steps:
        adds = per_cycle[s.regimen.name]
        for _ in range(s.cycles):
            given = []
            for drug, added in adds.items():
                dox_eq += added * eq.factors.get(drug, 0.0)
                if drug in running:
                    running[drug] += added
                    given.append(measured(running[drug], table.drugs[drug])[0])
            cycles.append(
                PlannedCycle(len(cycles) + 1, s.regimen.name, dict(running), worst(given), dox_eq)
            )
    left: dict[str, int | None] = {}
    for name, adds in full.items():
        counts = [
            cycles_left(start[d], added, mx)
            for d, added in adds.items()
            if d in start and (mx := _maximum(table, d)) is not None
        ]
        left[name] = min(counts) if counts else None
    return Plan(
        patient=course.patient,
        dose_percent=float(dose_percent),
        units=units,
        start=start,
        start_status=start_status,
        start_doxorubicin_equivalent_mg_per_m2=history.doxorubicin_equivalent_mg_per_m2,
        per_cycle=per_cycle,
        cycles=tuple(cycles),
        first_warn_cycle=next((c.n for c in cycles if c.status in ("warn", "over")), None),
        first_over_cycle=next((c.n for c in cycles if c.status == "over"), None),
        cycles_left_before_max=left,
        equivalence=eq.name,
    )


def _value(total: float | None, per_m2: float | None, unit: str) -> float:
    value = per_m2 if per_m2_unit(unit) else total
    if value is None:  # exposure() has already refused this; kept for the type checker
        raise OsdoseError(f"a cumulative total in {unit} is unknown")
    return value


def _maximum(table: DrugTable, drug: str) -> float | None:
    c = table.drugs[drug].ceiling
    return c.max if c is not None else None
