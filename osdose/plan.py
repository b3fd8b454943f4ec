"""Plan projection: planned cycles applied in order on top of a course's history.

Each planned cycle is expanded exactly as a cycle entry of a course file would be
(:func:`osdose.course.expand_cycle`, the one dose engine) and added to the history's
running totals (:class:`osdose.cumulative.Running`), then assessed by the one cumulative
engine: a planned total is, to the last bit, what ``cumulative`` will say once the cycle
has been given and recorded. A dose per kg, a flat dose, or a per-m² dose with a cap
becomes mg/m² only through the patient's BSA (and a weight for per kg): those need the
patient's measurements and are refused without them, never guessed.

A cycle's status is the worst status of the tracked drugs that cycle gives and of the
combined groups (anthracyclines) it adds to. The first warn cycle is the first whose
status is warn or over; watch thresholds count for neither.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from osdose import bsa as bsa_mod
from osdose import clock
from osdose.course import (
    Administration,
    Course,
    Measurements,
    NeedsMeasurement,
    expand_cycle,
)
from osdose.cumulative import Exposure, Running, assess, per_m2_unit, threshold_unit
from osdose.dosing import Limit, acknowledged_maximum, check_percent
from osdose.drugs import DrugTable
from osdose.errors import InputError, OsdoseError
from osdose.limits import Size, compare, schedule
from osdose.regimen import Regimen
from osdose.status import Level, worst

DECIMALS = 6  # as in osdose.cumulative: float noise never moves a status


@dataclass(frozen=True)
class Step:
    """``cycles`` planned cycles of ``regimen``."""

    regimen: Regimen
    cycles: int


@dataclass(frozen=True)
class PlanPatient:
    """What the plan may need to turn per-kg, flat or capped doses into mg/m²."""

    bsa_m2: float | None = None
    weight_kg: float | None = None


@dataclass(frozen=True)
class PlannedCycle:
    n: int
    regimen: str
    cumulative: dict[str, float] = field(hash=False)  # each tracked drug in its threshold unit
    status: Level
    combined: dict[str, float] = field(hash=False)  # group → total (mg/m² equivalent)
    combined_status: dict[str, Level] = field(hash=False)

    @property
    def doxorubicin_equivalent_mg_per_m2(self) -> float:
        return self.combined.get("anthracycline", 0.0)


@dataclass(frozen=True)
class Plan:
    patient: str
    dose_percent: float
    units: dict[str, str] = field(hash=False)  # tracked drug → threshold unit
    start: dict[str, float] = field(hash=False)
    start_status: dict[str, Level] = field(hash=False)
    start_combined: dict[str, float] = field(hash=False)
    start_combined_status: dict[str, Level] = field(hash=False)
    per_cycle: dict[str, dict[str, float]] = field(hash=False)  # regimen → drug → added
    cycles: tuple[PlannedCycle, ...]
    first_warn_cycle: int | None
    first_over_cycle: int | None
    cycles_left_before_max: dict[str, int | None] = field(hash=False)
    equivalence: str
    limits: tuple[tuple[str, Limit], ...] = ()  # (regimen, a maximum it is above)
    history: Exposure | None = None
    warnings: tuple[str, ...] = ()  # from outside the engine: the regimens' life cycle

    @property
    def goes_over(self) -> bool:
        return self.first_over_cycle is not None

    @property
    def start_doxorubicin_equivalent_mg_per_m2(self) -> float:
        return self.start_combined.get("anthracycline", 0.0)


def _value(e: Exposure, drug: str) -> float | None:
    t = e.get(drug)
    return t.value if t is not None else None


def _expand(
    reg: Regimen, patient: PlanPatient, formula: str, table: DrugTable, pct: float, day: dt.date
) -> list[Administration]:
    m = Measurements(None, patient.weight_kg, patient.bsa_m2)
    try:
        return expand_cycle(reg, day, m, formula, table, None, pct)
    except NeedsMeasurement as exc:
        if exc.need == "weight":
            how = (
                "a dose per kg needs the patient's weight; give weight in the course file's "
                "patient, or --weight"
            )
        else:
            how = (
                "projecting its cumulative total needs the patient's BSA; give height and "
                "weight (or bsa) in the course file's patient, or --height and --weight (or "
                "--bsa)"
            )
        raise OsdoseError(f"{exc.what}: {how}") from None


def cycles_left(start: float, added: float, maximum: float) -> int:
    """How many cycles each adding ``added`` keep ``start`` at or below ``maximum`` (a total
    equal to the maximum is in the warn band, not over)."""
    if round(start, DECIMALS) > maximum:
        return 0
    n = max(0, math.floor((maximum - start) / added))
    while round(start + (n + 1) * added, DECIMALS) <= maximum:
        n += 1
    while n > 0 and round(start + n * added, DECIMALS) > maximum:
        n -= 1
    return n


def _added(before: Exposure, after: Exposure) -> tuple[dict[str, float], dict[str, float]]:
    """What one cycle added per tracked drug (threshold unit) and per combined group."""
    drugs = {}
    for t in after.drugs:
        if t.value is None:
            continue
        drugs[t.drug] = t.value - (_value(before, t.drug) or 0.0)
    groups = {}
    for c in after.combined:
        b = before.group(c.group)
        groups[c.group] = c.total_mg_per_m2 - (b.total_mg_per_m2 if b else 0.0)
    return drugs, groups


def plan(
    course: Course,
    steps: Sequence[Step],
    table: DrugTable,
    dose_percent: float = 100.0,
    patient: PlanPatient | None = None,
    equivalence: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Plan:
    """Apply ``steps`` in order on top of ``course`` and report each cycle's totals;
    ``warnings`` (a draft regimen's) are carried to the output."""
    if not steps:
        raise InputError("plan", "needs at least one --regimen NAME --cycles N")
    check_percent(dose_percent)
    for s in steps:
        # a whole number, never a truth value (True is an int in Python) nor 2.5 cycles
        whole = isinstance(s.cycles, int) and not isinstance(s.cycles, bool)
        if not whole or not 1 <= s.cycles <= 1000:
            raise InputError(
                "cycles",
                f"must be a whole number from 1 to 1000, got {s.cycles!r} for {s.regimen.name}",
            )
    who = patient or PlanPatient()
    formula = course.bsa_formula
    history_run = Running().extend(course.administrations)
    day = clock.today()
    age = course.age_on(day)
    history = assess(
        history_run, table, course.patient, equivalence, list(course.administrations), age
    )
    units: dict[str, str] = {}
    for t in history.drugs:
        if t.ceiling_unit is not None:
            units[t.drug] = t.ceiling_unit
    per_cycle: dict[str, dict[str, float]] = {}
    cycle_adms: dict[str, list[Administration]] = {}
    full_adms: dict[str, list[Administration]] = {}
    for s in steps:
        name = s.regimen.name
        if name in cycle_adms:
            continue
        cycle_adms[name] = _expand(s.regimen, who, formula, table, dose_percent, day)
        full_adms[name] = _expand(s.regimen, who, formula, table, 100.0, day)
        one = assess(Running().extend(cycle_adms[name]), table, "", equivalence, age_years=age)
        per_cycle[name] = {t.drug: t.value for t in one.drugs if t.value is not None}
        for t in one.drugs:
            if t.ceiling_unit is not None:
                units.setdefault(t.drug, t.ceiling_unit)
    start = {d: _value(history, d) or 0.0 for d in units}
    start_status = {d: (history.get(d).status if history.get(d) else Level.OK) for d in units}  # type: ignore[union-attr]
    running = history_run.copy()
    cycles: list[PlannedCycle] = []
    for s in steps:
        given = set(per_cycle[s.regimen.name])
        for _ in range(s.cycles):
            running.extend(cycle_adms[s.regimen.name])
            e = assess(running, table, course.patient, equivalence, age_years=age)
            statuses = [t.status for t in e.drugs if t.drug in given and t.drug in units]
            groups = {c.group: c for c in e.combined}
            statuses += [
                c.status for c in e.combined if any(x.drug in given for x in c.contributors)
            ]
            cycles.append(
                PlannedCycle(
                    len(cycles) + 1,
                    s.regimen.name,
                    {d: _value(e, d) or 0.0 for d in units},
                    worst(statuses, Level.OK),
                    {g: c.total_mg_per_m2 for g, c in groups.items()},
                    {g: c.status for g, c in groups.items()},
                )
            )
    left = _cycles_left(history, history_run, full_adms, table, equivalence, age)
    limits: list[tuple[str, Limit]] = []
    size = Size(who.bsa_m2, who.weight_kg)
    for reg in {s.regimen.name: s.regimen for s in steps}.values():
        for name in dict.fromkeys(d.drug for d in reg.drugs):
            drug = table.resolve(name)
            doses = schedule((d.basis, d.days) for d in reg.drugs if d.drug == name)
            found, _ = compare(drug, doses, reg.cycle_length_days, size)
            ack = acknowledged_maximum(reg, name)
            limits += [(reg.name, Limit(c, ack)) for c in found if c.over]
    return Plan(
        patient=course.patient,
        dose_percent=float(dose_percent),
        units=units,
        start=start,
        start_status=start_status,
        start_combined={c.group: c.total_mg_per_m2 for c in history.combined},
        start_combined_status={c.group: c.status for c in history.combined},
        per_cycle=per_cycle,
        cycles=tuple(cycles),
        first_warn_cycle=next((c.n for c in cycles if c.status in (Level.WARN, Level.OVER)), None),
        first_over_cycle=next((c.n for c in cycles if c.status is Level.OVER), None),
        cycles_left_before_max=left,
        equivalence=history.equivalence,
        limits=tuple(limits),
        history=history,
        warnings=warnings,
    )


def _cycles_left(
    history: Exposure,
    history_run: Running,
    full_adms: dict[str, list[Administration]],
    table: DrugTable,
    equivalence: str | None,
    age: float | None = None,
) -> dict[str, int | None]:
    """Full-dose cycles of each regimen before any drug or combined group with a maximum
    goes over it (``None``: the regimen adds to nothing that has a maximum)."""
    left: dict[str, int | None] = {}
    for name, adms in full_adms.items():
        after = assess(history_run.copy().extend(adms), table, "", equivalence, age_years=age)
        drugs, groups = _added(history, after)
        counts = []
        for d, added in drugs.items():
            t = after.get(d)  # its ceiling: the drug's, or its age band's
            if t is None or t.max is None or added <= 0:
                continue
            counts.append(cycles_left(_value(history, d) or 0.0, added, t.max))
        for g, added in groups.items():
            c = after.group(g)
            if c is None or c.max is None or added <= 0 or len(c.contributors) < 2:
                continue  # one drug alone: its own ceiling governs (counted above)
            before = history.group(g)
            counts.append(cycles_left(before.total_mg_per_m2 if before else 0.0, added, c.max))
        left[name] = min(counts) if counts else None
    return left


def patient_for_plan(
    course: Course, height_cm: float | None, weight_kg: float | None, bsa_m2: float | None
) -> PlanPatient:
    """The patient's BSA and weight for the plan: what was given now, else the course's."""
    m = course.measurements
    w = weight_kg if weight_kg is not None else m.weight_kg
    if bsa_m2 is not None:
        return PlanPatient(bsa_m2, w)
    if height_cm is not None:
        if weight_kg is None and m.weight_kg is None:
            raise InputError("bsa", "needs both height and weight: weight is missing")
        b = bsa_mod.resolve(height_cm, w, None, course.bsa_formula)
        return PlanPatient(b.m2 if b else None, w)
    if weight_kg is not None and m.bsa_m2 is None and m.height_cm is not None:
        b = bsa_mod.resolve(m.height_cm, weight_kg, None, course.bsa_formula)
        return PlanPatient(b.m2 if b else None, w)
    return PlanPatient(m.bsa(course.bsa_formula), w)


__all__ = ["Plan", "PlanPatient", "PlannedCycle", "Step", "per_m2_unit", "plan", "threshold_unit"]
