"""Course history: administrations given to one patient, from a course file (or the ledger).

An administration is one drug on one date, either written out (``dose: 74 mg`` with that
day's BSA or height/weight, or ``dose: 40 mg/m2``) or expanded from a whole cycle of a
regimen (``regimen: DIA, cycle: 3``) by the one dose engine (:func:`osdose.dosing.amounts`).
Each keeps its own BSA: cumulative mg/m² is summed with the BSA of each day, never today's.

History records what was given: a date after tomorrow is refused, and so is a second
administration of a drug on a date that already has it, unless the entry says it is
intended (``same_day_intended: true``) — as the ledger refuses it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osdose import body, clock, thresholds
from osdose import bsa as bsa_mod
from osdose.basis import parse_basis
from osdose.dosing import Amounts, amounts
from osdose.drugs import DrugTable, load_drugs
from osdose.errors import FileError, InputError, OsdoseError, shown
from osdose.kidney import CalvertGfr
from osdose.reader import Document, input_limit, load, no_cyclic_gc
from osdose.regimen import DrugDose, Regimen

if TYPE_CHECKING:
    from osdose.formats.course import CourseFile

EXAMPLES = {"height": "175 cm", "weight": "70 kg", "bsa": "1.84 m2"}

Where = tuple[str | int, ...]
#: The first line of each drug on each date met so far (:func:`check_history`).
Seen = dict[tuple[str, dt.date], int]


@dataclass(frozen=True)
class Administration:
    """One drug given on one date.

    ``dose`` is the amount given that day in ``unit`` (mg or IU), ``None`` where it is not
    known (a cycle shorthand without measurements); ``dose_per_m2`` is that amount over the
    day's BSA, ``None`` where neither BSA nor a per-m² dose is known.
    """

    date: dt.date
    drug: str
    unit: str
    dose: float | None
    dose_per_m2: float | None
    bsa_m2: float | None
    line: int = 0
    source: str = ""
    regimen: str | None = None
    cycle: int | None = None
    day: int | None = None
    dose_percent: float = 100.0
    weight_kg: float | None = None  # the day's weight (per-kg totals: age ceilings of children)

    def __post_init__(self) -> None:
        # Every source (course file, ledger, FHIR, Python) makes administrations here: a
        # number that is not finite never enters a total, whoever built it. One sum is
        # checked (a NaN or an infinity anywhere makes it so; this runs per administration
        # of a ledger), the field named only when it fails.
        if math.isfinite(
            (self.dose or 0.0)
            + (self.dose_per_m2 or 0.0)
            + (self.bsa_m2 or 0.0)
            + self.dose_percent
            + (self.weight_kg or 0.0)
        ):
            return
        for name in ("dose", "dose_per_m2", "bsa_m2", "dose_percent", "weight_kg"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise OsdoseError(
                    f"{self.where}{name.replace('_', ' ')} of {self.drug} on {self.date} must be a "
                    f"finite number, got {shown(value)}"
                )

    @property
    def dose_mg(self) -> float | None:
        return self.dose if self.unit == "mg" else None

    @property
    def dose_mg_per_m2(self) -> float | None:
        return self.dose_per_m2 if self.unit == "mg" else None

    @property
    def where(self) -> str:
        """``file:line: `` (or ``ledger:record: ``) for messages, empty when unknown."""
        return f"{self.source}:{self.line}: " if self.source and self.line else ""


@dataclass(frozen=True)
class Measurements:
    """Height, weight and BSA known for one day (any may be missing)."""

    height_cm: float | None = None
    weight_kg: float | None = None
    bsa_m2: float | None = None

    def bsa(self, formula: str = bsa_mod.DEFAULT) -> float | None:
        if self.bsa_m2 is not None:
            return self.bsa_m2
        if self.height_cm is not None and self.weight_kg is not None:
            return _computed_bsa(self.height_cm, self.weight_kg, formula)
        return None


@dataclass(frozen=True)
class Course:
    patient: str
    administrations: tuple[Administration, ...]
    path: str = ""
    measurements: Measurements = Measurements()
    bsa_formula: str = bsa_mod.DEFAULT  # the patient's formula, for a BSA from measurements
    dob: dt.date | None = None
    age_years: float | None = None  # during the course, when no dob is given

    def age_on(self, day: dt.date) -> float | None:
        """The patient's age in years on ``day`` (from the date of birth, else the age)."""
        if self.dob is not None:
            return body.age_at(self.dob, day)
        return self.age_years

    def for_drug(self, drug: str) -> tuple[Administration, ...]:
        return tuple(a for a in self.administrations if a.drug == drug)


# A course repeats the same few spellings hundreds of times ("40 mg/m2", "175 cm"): each is
# read once. Only successful reads are cached; a bad value raises again where it stands.
@lru_cache(maxsize=4096)
def _height_cm(text: str, field: str) -> float:
    return body.height_cm(text, field)


@lru_cache(maxsize=4096)
def _weight_kg(text: str, field: str) -> float:
    return body.weight_kg(text, field)


@lru_cache(maxsize=4096)
def _bsa_m2(text: str, field: str) -> float:
    return body.bsa_m2(text, field)


@lru_cache(maxsize=4096)
def _computed_bsa(height_cm: float, weight_kg: float, formula: str) -> float:
    return bsa_mod.compute(height_cm, weight_kg, formula).m2


def measurements(
    doc: Document, path: Where, raw: Any, default: Measurements, formula: str
) -> Measurements:
    """The height, weight and BSA an entry (or the patient) gives, each checked; the
    ``default`` when it gives none. An entry that gives the day's weight alone takes the
    patient's height (an adult's height does not change from cycle to cycle; the weight
    does); a height without a weight is refused."""

    def field(name: str, fn: Any) -> Any:
        value = getattr(raw, name)
        if value is None:
            return None
        try:
            return fn(value, name)
        except InputError as exc:
            raise doc.error((*path, name), str(exc)) from None

    h = field("height", _height_cm)
    w = field("weight", _weight_kg)
    b = field("bsa", _bsa_m2)
    if h is None and w is None and b is None:
        return default
    if h is None and w is not None and b is None:
        h = default.height_cm
    try:
        if b is None:
            bsa_mod.resolve(h, w, None, formula)  # both-or-neither, BMI, computed range
            if h is not None and w is not None:
                _computed_bsa(h, w, formula)
        elif h is not None and w is not None:
            body.check_pair(h, w)
    except InputError as exc:
        raise doc.error(path, str(exc)) from None
    return Measurements(h, w, b)


def _formula(doc: Document, path: Where, name: str | None, default: str) -> str:
    if name is None:
        return default
    try:
        return bsa_mod.formula(name).name
    except OsdoseError as exc:
        raise doc.error((*path, "bsa_formula"), str(exc)) from None


def _regimen(doc: Document, at: Where, name: str, table: DrugTable) -> Regimen:
    from osdose.library import load_regimen

    if name.endswith((".yaml", ".yml")) and not Path(name).is_absolute():
        name = str(Path(doc.path).parent / name)  # a regimen file next to the course file
    try:
        return load_regimen(name, table)
    except OsdoseError as exc:
        raise doc.error(at, str(exc)) from None


def _single(
    doc: Document, p: Where, e: Any, table: DrugTable, m: Measurements, formula: str
) -> Administration:
    line = doc.line(p)
    try:
        drug = table.resolve(e.drug)
    except OsdoseError as exc:
        raise doc.error((*p, "drug"), str(exc)) from None
    if e.dose is None:
        raise doc.error(p, "missing required field 'dose' (for example '74 mg' or '40 mg/m2')")
    try:
        b = parse_basis(e.dose, "dose", drug)
    except InputError as exc:
        raise doc.error((*p, "dose"), str(exc)) from None
    if b.per == "auc":
        raise doc.error(
            (*p, "dose"),
            f"dose {b.text} is a regimen's target: a single administration records the amount "
            "given, in mg",
        )
    bsa = m.bsa(formula)
    if b.per == "kg" and m.weight_kg is None:
        raise doc.error((*p, "dose"), f"dose {b.text} is per kg: give the weight of that day")
    given = amounts(DrugDose(drug.name, b, "per_day", b, (1,)), bsa, m.weight_kg)
    if given.per_m2 is None and b.unit == "mg":
        raise doc.error(
            p,
            f"{drug.name} {b.text} on {e.date} has no BSA for its day: give bsa, or height and "
            "weight, on this entry or in patient (cumulative mg/m² needs the BSA of each day)",
        )
    regimen = cycle = day = None
    if e.regimen is not None:
        reg = _regimen(doc, (*p, "regimen"), e.regimen, table)
        names = [d.drug for d in reg.drugs]
        if drug.name not in names:
            raise doc.error(
                (*p, "regimen"), f"{drug.name} is not part of {reg.name} ({', '.join(names)})"
            )
        regimen, cycle, day = reg.name, e.cycle, e.day
    elif e.cycle is not None or e.day is not None:
        key = "cycle" if e.cycle is not None else "day"
        raise doc.error((*p, key), f"{key} of a single drug needs the regimen it was part of")
    return Administration(
        e.date,
        drug.name,
        b.unit,
        given.daily,
        given.per_m2,
        bsa,
        line,
        doc.path,
        regimen,
        cycle,
        day,
        weight_kg=m.weight_kg,
    )


def _tracked(table: DrugTable, drug: str) -> bool:
    """Whether a drug's cumulative total matters: a ceiling, a watch, or a combined group."""
    d = table.find(drug)
    return d is not None and bool(d.ceiling or d.watch or table.group_of(drug))


class NeedsMeasurement(ValueError):
    """A cycle's dose of ``drug`` needs the patient's ``need`` (``BSA``, ``weight``, ``GFR``):
    ``what`` says the regimen's dose (``DIA gives cisplatin 120 mg/m²``)."""

    def __init__(self, need: str, what: str) -> None:
        super().__init__(f"{what}: {need} needed")
        self.need = need
        self.what = what


def expand_cycle(
    reg: Regimen,
    start: dt.date,
    m: Measurements,
    formula: str,
    table: DrugTable,
    cycle: int | None = None,
    pct: float = 100.0,
    age_years: float | None = None,
    gfr: CalvertGfr | None = None,
    line: int = 0,
    source: str = "",
) -> list[Administration]:
    """Every administration of one cycle of ``reg`` from ``start`` (its day 1), at the
    regimen's doses by the one dose engine; :class:`NeedsMeasurement` names a drug whose
    dose (or cumulative mg/m²) needs a weight (or BSA) the measurements do not give.
    ``line`` and ``source`` say where the cycle was written (``0``, ``""``: nowhere)."""
    bsa = m.bsa(formula)
    out = []
    for d in reg.drugs:
        capped = f" (capped at {d.cap.text})" if d.cap is not None else ""
        what = f"{reg.name} gives {d.drug} {d.basis.text}{capped}"
        if d.basis.per == "kg" and m.weight_kg is None:
            raise NeedsMeasurement("weight", what)
        if d.basis.per == "auc" and gfr is None:
            if _tracked(table, d.drug):
                raise NeedsMeasurement("GFR", what)
            a = Amounts(None, None, None, False)  # the amount given is not known
        else:
            try:
                a = amounts(d, bsa, m.weight_kg, pct, age_years=age_years, gfr=gfr)
            except InputError as exc:  # a small-patient rule that needs what is not known
                raise NeedsMeasurement(exc.field, f"{what}: {exc.problem}") from None
        if a.per_m2 is None and d.basis.unit == "mg" and _tracked(table, d.drug):
            raise NeedsMeasurement("BSA", what)
        for cd in d.days:
            out.append(
                Administration(
                    start + dt.timedelta(days=cd - 1),
                    d.drug,
                    d.basis.unit,
                    a.daily,
                    a.per_m2,
                    bsa,
                    line,
                    source,
                    reg.name,
                    cycle,
                    cd,
                    float(pct),
                    m.weight_kg,
                )
            )
    return out


def _gfr(doc: Document, p: Where, e: Any) -> CalvertGfr | None:
    if e.gfr is None:
        return None
    from osdose.kidney import calvert_gfr, measured_gfr

    try:
        return calvert_gfr("measured", measured_ml_min=measured_gfr(e.gfr))
    except InputError as exc:
        raise doc.error((*p, "gfr"), str(exc)) from None


_HOW = {
    "BSA": "its cumulative mg/m² needs the BSA of that day (give bsa, or height and weight)",
    "weight": "a dose per kg needs the weight of that day",
    "GFR": "a dose by AUC needs the GFR of that day (gfr: 90 mL/min), or write the dose given",
}


def _cycle(
    doc: Document,
    p: Where,
    e: Any,
    table: DrugTable,
    m: Measurements,
    formula: str,
    age_years: float | None = None,
) -> list[Administration]:
    reg = _regimen(doc, (*p, "regimen"), e.regimen, table)
    pct = e.dose_percent if e.dose_percent is not None else 100.0
    gfr = _gfr(doc, p, e)
    try:
        # each administration made once, with the line of its entry
        return expand_cycle(
            reg, e.date, m, formula, table, e.cycle, pct, age_years, gfr, doc.line(p), doc.path
        )
    except NeedsMeasurement as exc:
        raise doc.error(p, f"{exc.what}: {_HOW.get(exc.need, exc.need + ' is needed')}") from None


def _check_entry_fields(doc: Document, p: Where, e: Any) -> None:
    if (e.drug is None) == (e.regimen is None) and e.drug is None:
        raise doc.error(
            p,
            "an administration names one drug (drug, dose) or a whole cycle (regimen, cycle)",
        )
    if e.drug is not None:
        if e.dose_percent is not None:
            raise doc.error(
                (*p, "dose_percent"),
                "dose_percent belongs to a cycle entry (regimen, cycle); for one drug write the "
                "dose actually given",
            )
    else:
        for key in ("dose", "day"):
            if getattr(e, key) is not None:
                what = (
                    "use dose_percent for a reduction, or write each drug on its own"
                    if key == "dose"
                    else "a cycle entry starts on its day 1 (its date)"
                )
                raise doc.error((*p, key), f"a cycle entry takes the regimen's doses: {what}")


def check_history(
    adms: Sequence[Administration],
    future_days: int | None = None,
    intended: frozenset[int] = frozenset(),
    same_day: bool = True,
    seen: Seen | None = None,
) -> None:
    """Refuse an administration dated after today + ``future_days`` (the thresholds file's,
    by default), and (``same_day``) a second administration of a drug on a date that
    already has it unless its entry says it is intended (``intended``: the lines that say
    so). The one date check of course files, inline histories and the ledger.

    ``seen``: the drugs and dates of the parts of the file checked before (a file read in
    parts), updated with these."""
    margin = thresholds.current().history_future_days if future_days is None else future_days
    latest = clock.today() + dt.timedelta(days=margin)
    if seen is None:
        seen = {}
    for a in adms:
        if a.date > latest:
            day = f" (cycle day {a.day})" if a.day is not None else ""
            raise OsdoseError(
                f"{a.where}{a.drug} on {a.date}{day} is in the future (latest date accepted "
                f"{latest}): history records what was given, once it has been given"
            )
        first = seen.get((a.drug, a.date)) if same_day else None
        if first is not None and a.line not in intended:
            at = f" (line {first})" if first else ""
            raise OsdoseError(
                f"{a.where}{a.drug} is already given on {a.date}{at}: a double entry? If a second "
                "administration that day is intended, say so with same_day_intended: true"
            )
        seen.setdefault((a.drug, a.date), a.line)


def parse_administrations(
    doc: Document,
    path: Where,
    entries: Sequence[Any],
    table: DrugTable,
    default: Measurements,
    formula: str = bsa_mod.DEFAULT,
    future_days: int | None = None,
    age_on: Any = None,
    same_day: bool = True,
    seen: Seen | None = None,
) -> list[Administration]:
    """Administrations from validated entries (:class:`osdose.formats.course.Entry`) found
    at ``path`` of ``doc`` (course files, inline histories, the ledger's input)."""
    out: list[Administration] = []
    intended: set[int] = set()
    for i, e in enumerate(entries):
        p = (*path, i)
        _check_entry_fields(doc, p, e)
        f = _formula(doc, p, e.bsa_formula, formula)
        m = measurements(doc, p, e, default, f)
        if e.same_day_intended:
            intended.add(doc.line(p))
        if e.drug is not None:
            out.append(_single(doc, p, e, table, m, f))
        else:
            age = None
            if age_on is not None:
                try:
                    age = age_on(e.date)
                except InputError as exc:
                    raise doc.error((*p, "date"), str(exc)) from None
            out.extend(_cycle(doc, p, e, table, m, f, age))
    check_history(out, future_days, frozenset(intended), same_day, seen)
    return out


def parse_course(
    doc: Document,
    table: DrugTable | None = None,
    future_days: int | None = None,
    same_day: bool = True,
    seen: Seen | None = None,
) -> Course:
    """A :class:`Course` from a parsed course document (``future_days``, ``same_day`` and
    ``seen``: see :func:`check_history`)."""
    from osdose.documents import validate
    from osdose.formats.course import CourseFile

    t = table or load_drugs()
    with no_cyclic_gc():  # a large course builds many objects, none of them cyclic
        model = validate(doc, CourseFile, "a course file")
        return _parse_course(doc, t, future_days, same_day, model, seen)


def _parse_course(
    doc: Document,
    t: DrugTable,
    future_days: int | None,
    same_day: bool,
    model: CourseFile,
    seen: Seen | None = None,
) -> Course:
    patient = model.patient
    formula = _formula(doc, ("patient",), patient.bsa_formula, bsa_mod.DEFAULT)
    m = measurements(doc, ("patient",), patient, Measurements(), formula)
    age = None
    if patient.age is not None:
        from osdose.body import age_years

        try:
            age = age_years(patient.age)
        except InputError as exc:
            raise doc.error(("patient", "age"), str(exc)) from None
    shell = Course(patient.id, (), doc.path, m, formula, patient.dob, age)
    adms = parse_administrations(
        doc, ("administrations",), model.administrations or [], t, m, formula,
        future_days=future_days, age_on=shell.age_on, same_day=same_day, seen=seen,
    )  # fmt: skip
    return Course(patient.id, tuple(adms), doc.path, m, formula, patient.dob, age)


def load_course(
    path: str | Path,
    table: DrugTable | None = None,
    future_days: int | None = None,
    same_day: bool = True,
) -> Course:
    """Read and check one course file, YAML or JSON Lines (``.jsonl``: see
    :mod:`osdose.course_jsonl`), of at most the thresholds file's ``input.max_file_bytes``
    (``future_days``, ``same_day``: see :func:`check_history`)."""
    limit = input_limit()  # the thresholds file's input.max_file_bytes
    with no_cyclic_gc():  # (see parse_course)
        if str(path).lower().endswith(".jsonl"):
            from osdose.course_jsonl import load_jsonl

            return parse_course(load_jsonl(path, limit), table, future_days, same_day)
        return parse_course(load(path, limit, "course file"), table, future_days, same_day)


__all__ = [
    "Administration",
    "Course",
    "FileError",
    "Measurements",
    "check_history",
    "expand_cycle",
    "load_course",
    "parse_administrations",
    "parse_course",
]
