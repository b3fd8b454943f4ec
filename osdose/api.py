"""osdose as Python functions: one per command, taking what the command takes (text with
units, as a person writes it) and returning the object the command renders.

The command line is a thin layer over these: it parses options, calls one function, and
picks a renderer for ``--format``. Errors are osdose's own (:class:`osdose.errors.OsdoseError`
and its subclasses), with the message the command prints::

    >>> from osdose import api
    >>> sheet = api.dose("DIA", height="175 cm", weight="70 kg")
    >>> round(sheet.lines[0].daily, 2)            # cisplatin 120 mg/m² × 1.8447 m²
    221.36
    >>> api.bsa(height="175 cm", weight="70 kg")[0].m2 > 1.84
    True
    >>> exposure = api.cumulative("examples/case-report-course.yaml")   # doctest: +SKIP
    >>> exposure.get("epirubicin").status                               # doctest: +SKIP
    'over'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osdose.errors import OsdoseError

if TYPE_CHECKING:
    from osdose.bsa import BSA
    from osdose.course import Course
    from osdose.cumulative import Exposure
    from osdose.dosing import DoseSheet
    from osdose.drugs import DrugTable
    from osdose.kidney import KidneyReport
    from osdose.lint.runner import LintResult
    from osdose.plan import Plan
    from osdose.regimen import Regimen
    from osdose.snapshot import Snapshot
    from osdose.templates import Template
    from osdose.verify import Options, Verification


def _table(drugs: DrugTable | str | Path | None) -> DrugTable:
    from osdose.drugs import DrugTable, load_drugs

    if isinstance(drugs, DrugTable):
        return drugs
    return load_drugs(drugs) if drugs is not None else load_drugs()


def _read(text: str | None, read: Any, field: str, **more: Any) -> Any:
    return read(text, field, **more) if text is not None else None


def _reason(text: str | None, field: str) -> str | None:
    if text is None:
        return None  # before importing the field readers (and pydantic): start-up
    from osdose.errors import InputError
    from osdose.fields import FieldError, reason

    try:
        return reason(text)
    except FieldError as exc:
        raise InputError(field, str(exc)) from None


def bsa(
    *,
    height: str,
    weight: str,
    formula: str = "mosteller",
    bsa_cap: str | None = None,
    cap_reason: str | None = None,
    names: dict[str, str] | None = None,
) -> list[BSA]:
    """The BSA by ``formula`` (or by every formula: ``"all"``), capped at ``bsa_cap`` (with
    its ``cap_reason``): ``osdose bsa``. ``names``: how the inputs are called in messages
    (the command line passes ``--height`` …)."""
    from osdose import body
    from osdose import bsa as bsa_mod

    n = names or bsa_mod.FILE_NAMES
    h, w = body.height_cm(height, n["height"]), body.weight_kg(weight, n["weight"])
    cap = _read(bsa_cap, body.bsa_m2, n["cap"])
    why = _reason(cap_reason, n["cap_reason"])
    if cap is not None and why is None:
        raise OsdoseError(f"{n['cap']} needs {n['cap_reason']}: {bsa_mod.CAP_ADVICE}")
    names_ = (
        list(bsa_mod.FORMULAS)
        if formula.strip().lower() == "all"
        else [bsa_mod.formula(formula).name]
    )
    return [bsa_mod.compute(h, w, f, cap, why) for f in names_]


def dose(
    regimen: str,
    *,
    height: str | None = None,
    weight: str | None = None,
    bsa: str | None = None,
    formula: str | None = None,
    bsa_cap: str | None = None,
    cap_reason: str | None = None,
    dose_percent: float = 100.0,
    age: str | None = None,
    sex: str | None = None,
    creatinine: str | None = None,
    gfr: str | None = None,
    gfr_method: str | None = None,
    gfr_cap: str | None = None,
    creatinine_floor: str | None = None,
    crcl_weight: str | None = None,
    drugs: DrugTable | str | Path | None = None,
    names: dict[str, str] | None = None,
) -> DoseSheet:
    """Every drug's dose per day and per cycle of ``regimen`` (a name, alias or file), with
    its trace and its usual maxima: ``osdose dose``. ``names``: how the inputs are called
    in messages (the command line passes ``--height`` …); a bare GFR is read as mL/min on
    the command line only."""
    from osdose import body
    from osdose import bsa as bsa_mod
    from osdose.dosing import DosingPatient, dose_sheet
    from osdose.governance import admit
    from osdose.kidney import measured_gfr
    from osdose.labs import concentration_mg_dl
    from osdose.library import load_regimen

    n = names or bsa_mod.FILE_NAMES
    table = _table(drugs)
    reg = load_regimen(regimen, table)
    life_cycle = admit(reg)  # a retired regimen is refused here, a draft warned of
    h = _read(height, body.height_cm, n["height"])
    w = _read(weight, body.weight_kg, n["weight"])
    given = _read(bsa, body.bsa_m2, n["bsa"])
    cap = _read(bsa_cap, body.bsa_m2, n["cap"])
    b = bsa_mod.resolve(h, w, given, formula, cap, n, _reason(cap_reason, n["cap_reason"]))
    if b is None and any(d.basis.per == "m2" for d in reg.drugs):
        raise OsdoseError(
            f"{reg.name} has doses per m²: give {n['height']} and {n['weight']}, or {n['bsa']}"
        )
    bare = names is bsa_mod.CLI_NAMES
    patient = DosingPatient(
        age_years=_read(age, body.age_years, n["age"]),
        sex=sex,
        height_cm=h,
        creatinine_mg_dl=_read(creatinine, concentration_mg_dl, n["creatinine"]),
        measured_gfr=_read(gfr, measured_gfr, n["gfr"], bare_is_ml_min=bare),
        gfr_method=gfr_method,
        gfr_cap=_read(gfr_cap, measured_gfr, n["gfr_cap"], bare_is_ml_min=bare),
        creatinine_floor_mg_dl=_read(creatinine_floor, concentration_mg_dl, "creatinine floor"),
        crcl_weight=crcl_weight,
    )
    return dose_sheet(reg, b, w, dose_percent, table, patient, life_cycle)


def gfr(
    *,
    age: str,
    sex: str,
    creatinine: str,
    height: str | None = None,
    weight: str | None = None,
    crcl_weight: str | None = None,
    creatinine_floor: str | None = None,
    names: dict[str, str] | None = None,
) -> KidneyReport:
    """Every kidney-function estimate that applies, side by side: ``osdose gfr``."""
    from osdose import body
    from osdose import bsa as bsa_mod
    from osdose.kidney import report
    from osdose.labs import concentration_mg_dl

    n = names or bsa_mod.FILE_NAMES
    return report(
        body.age_years(age, n["age"]),
        sex,
        concentration_mg_dl(creatinine, n["creatinine"]),
        _read(height, body.height_cm, n["height"]),
        _read(weight, body.weight_kg, n["weight"]),
        crcl_weight,
        _read(creatinine_floor, concentration_mg_dl, "creatinine floor"),
    )


def history(
    course: str | Path | None = None,
    *,
    ledger: str | Path | None = None,
    patient: str | None = None,
    age: str | None = None,
    drugs: DrugTable | str | Path | None = None,
) -> Course:
    """A patient's history: a course file, or the ledger's records of ``patient`` (the
    ledger at ``ledger``, else ``$OSDOSE_LEDGER``, else the default one); ``age`` replaces
    the course file's age or date of birth."""
    from dataclasses import replace

    table = _table(drugs)
    if course is not None and (ledger is not None or patient is not None):
        raise OsdoseError("give either a COURSE file or --ledger PATH --patient ID, not both")
    if course is not None:
        from osdose.course import load_course

        h = load_course(course, table)
    else:
        if ledger is None and patient is None:
            raise OsdoseError(
                "give a COURSE file, or --ledger PATH --patient ID (without --ledger: "
                "$OSDOSE_LEDGER, else the default ledger)"
            )
        if patient is None:
            raise OsdoseError("reading the ledger needs both --ledger and --patient: --patient ID")
        from osdose.ledger.history import course_from_ledger

        h = course_from_ledger(ledger, patient, table)
    if age is None:
        return h
    from osdose import body

    return replace(h, age_years=body.age_years(age, "--age"), dob=None)


def cumulative(
    course: str | Path | None = None,
    *,
    ledger: str | Path | None = None,
    patient: str | None = None,
    age: str | None = None,
    equivalence: str | None = None,
    drugs: DrugTable | str | Path | None = None,
) -> Exposure:
    """Lifetime totals per drug and per combined group against their ceilings:
    ``osdose cumulative``. The age (for age-dependent ceilings) is the patient's on the
    date of the last administration."""
    table = _table(drugs)
    h = history(course, ledger=ledger, patient=patient, age=age, drugs=table)
    return exposure_of(h, equivalence, table)


def exposure_of(
    course: Course, equivalence: str | None = None, drugs: DrugTable | str | Path | None = None
) -> Exposure:
    """The lifetime totals of a loaded history (:func:`history`), the age being the
    patient's on the date of the last administration."""
    from osdose.cumulative import exposure

    adms = course.administrations
    years = course.age_on(max(a.date for a in adms)) if adms else course.age_years
    return exposure(adms, _table(drugs), course.patient, equivalence, years)


def plan(
    course: str | Path | None = None,
    *,
    steps: Sequence[tuple[str, int]],
    ledger: str | Path | None = None,
    patient: str | None = None,
    dose_percent: float = 100.0,
    height: str | None = None,
    weight: str | None = None,
    bsa: str | None = None,
    age: str | None = None,
    equivalence: str | None = None,
    drugs: DrugTable | str | Path | None = None,
) -> Plan:
    """Planned cycles (``steps``: (regimen, cycles) in order) on top of the history, with
    the cumulative totals after each: ``osdose plan``. Planning cycles is planning
    treatment: a retired regimen is refused, a draft warned of (``Plan.warnings``)."""
    from osdose import body
    from osdose.governance import admit
    from osdose.library import load_regimen
    from osdose.plan import Step, patient_for_plan
    from osdose.plan import plan as project

    if not steps:
        raise OsdoseError("give each planned regimen with its number of cycles")
    table = _table(drugs)
    h = history(course, ledger=ledger, patient=patient, age=age, drugs=table)
    planned = [Step(load_regimen(r, table), n) for r, n in steps]
    warnings = tuple(dict.fromkeys(w for s in planned for w in admit(s.regimen)))
    return project(
        h,
        planned,
        table,
        dose_percent,
        patient_for_plan(
            h,
            body.height_cm(height) if height is not None else None,
            body.weight_kg(weight) if weight is not None else None,
            body.bsa_m2(bsa) if bsa is not None else None,
        ),
        equivalence,
        warnings,
    )


def verify(
    order: str | Path | dict[str, Any],
    options: Options | None = None,
    *,
    drugs: DrugTable | str | Path | None = None,
) -> Verification:
    """Every check of one order (a YAML file, or an order as a dict, as one JSON line of a
    batch holds it): ``osdose verify``."""
    from osdose.orders import load_any_order
    from osdose.verify import order_from_object, verify_order

    table = _table(drugs)
    if isinstance(order, dict):
        o = order_from_object(order, Path("order"), 1, table)
    else:
        o = load_any_order(Path(order), table)
    return verify_order(o, table, options)


def lint(
    paths: Sequence[str | Path] = (),
    *,
    builtin: bool = False,
    base: str | None = None,
    drugs: DrugTable | str | Path | None = None,
) -> LintResult:
    """Every finding of the regimen files and folders at ``paths`` (or of the shipped
    library, ``builtin``), each file compared with its version at the git revision ``base``
    when given: ``osdose lint``."""
    from osdose.lint import lint_paths, lint_texts
    from osdose.shipped import library_files

    if builtin == bool(paths):
        raise OsdoseError("give PATHs or --builtin (one of them)")
    table = _table(drugs)
    return lint_texts(library_files(), table) if builtin else lint_paths(paths, table, base)


def snapshot(
    paths: Sequence[str | Path] = (),
    *,
    builtin: bool = False,
    patients: str | Path | None = None,
    drugs: DrugTable | str | Path | None = None,
) -> Snapshot:
    """Every regimen's doses for the reference patients: ``osdose snapshot``."""
    from osdose import snapshot as snap

    if builtin == bool(paths):
        raise OsdoseError("give PATHs or --builtin (one of them)")
    table = _table(drugs)
    people = snap.load_patients(patients) if patients is not None else snap.shipped_patients()
    if builtin:
        return snap.compute_builtin(people, table)
    return snap.compute_paths(list(paths), people, table)


def regimens(drugs: DrugTable | str | Path | None = None) -> tuple[Regimen, ...]:
    """Every regimen of the shipped library: ``osdose regimens list``."""
    from osdose.library import library

    return library(_table(drugs))


def regimen(name: str, drugs: DrugTable | str | Path | None = None) -> Regimen:
    """One regimen by name, alias or file (lint-checked): ``osdose regimens show``."""
    from osdose.library import load_regimen

    return load_regimen(name, _table(drugs))


def template(kind: str) -> Template:
    """A commented, valid example of a file format: ``osdose template``."""
    from osdose.templates import template as make

    return make(kind)


def today() -> dt.date:
    """The date osdose takes as today (``$OSDOSE_TODAY`` pins it, for reproducible runs)."""
    from osdose import clock

    return clock.today()


__all__ = [
    "bsa",
    "cumulative",
    "dose",
    "exposure_of",
    "gfr",
    "history",
    "lint",
    "plan",
    "regimen",
    "regimens",
    "snapshot",
    "template",
    "today",
    "verify",
]
