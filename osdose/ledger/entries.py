"""Administrations to record, from command-line options or course files.

Both go through :func:`osdose.course.parse_administrations`, so a dose typed at the desk
and the same dose written in a course file become the same :class:`Administration` (same
BSA rules, same cycle expansion, same caps). Then the checks a ledger adds: who records,
a patient id that cannot be confused with another, and no date in the future.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from osdose.course import (
    Administration,
    Course,
    Measurements,
    Seen,
    check_history,
    load_course,
    parse_administrations,
)
from osdose.drugs import DrugTable
from osdose.errors import FileError, InputError, OsdoseError, shown
from osdose.ledger.records import NewRecord
from osdose.reader import Document

FUTURE_ENV = "OSDOSE_LEDGER_FUTURE_DAYS"
MAX_FUTURE_DAYS = 366  # a margin for clocks and time zones, not a way to record plans


def checked_name(value: str, field: str) -> str:
    """A patient id or a person's name, as given, refused when it could be misread: the
    rule of every identifier in a file (:func:`osdose.fields.identifier`)."""
    from osdose.fields import FieldError, identifier

    what = "patient id" if "patient" in field else "name"
    try:
        return identifier(value, f"a {what}")
    except FieldError as exc:
        raise InputError(field, str(exc)) from None


def recorded_by(by: str | None) -> str:
    """``--by`` when given, else the operating-system user."""
    if by is not None:
        return checked_name(by, "--by")
    import getpass

    try:
        return checked_name(getpass.getuser(), "user name")
    except (OSError, KeyError, InputError):
        raise OsdoseError("cannot tell who is recording: give --by NAME") from None


def future_margin(days: int | None) -> int:
    """How many days after today a date may be (``--future-days``, else the environment)."""
    if days is None:
        raw = os.environ.get(FUTURE_ENV, "0")
        try:
            days = int(raw)
        except ValueError:
            raise InputError(
                FUTURE_ENV, f"must be a whole number of days, got {shown(raw)}"
            ) from None
    if not 0 <= days <= MAX_FUTURE_DAYS:
        raise InputError(
            "future days", f"must be a whole number from 0 to {MAX_FUTURE_DAYS}, got {days}"
        )
    return days


def check_dates(administrations: Sequence[Administration], margin_days: int) -> None:
    """Refuse any administration dated after today plus ``margin_days``: the ledger records
    what was given, not what is planned (the one date check, :func:`check_history`)."""
    check_history(administrations, margin_days, same_day=False)


def _parse_one(entry: dict[str, Any], table: DrugTable, future_days: int) -> list[Administration]:
    from osdose.documents import validate
    from osdose.formats.course import Entries

    doc = Document("command line", {"administrations": [entry]})
    try:
        model = validate(doc, Entries, "an administration")
        adms = parse_administrations(
            doc, ("administrations",), model.administrations, table, Measurements(),
            future_days=future_days,
        )  # fmt: skip
    except FileError as exc:  # the positions of a one-entry document say nothing here
        raise OsdoseError(exc.problem) from None
    return [replace(a, line=0, source="") for a in adms]


def from_options(
    table: DrugTable,
    *,
    date: dt.date,
    drug: str | None = None,
    dose: str | None = None,
    bsa: str | None = None,
    height: str | None = None,
    weight: str | None = None,
    formula: str | None = None,
    regimen: str | None = None,
    cycle: int | None = None,
    dose_percent: float | None = None,
    future_days: int = 0,
) -> list[Administration]:
    """The administrations ``osdose ledger record`` was given: one drug, or a whole cycle,
    dated no later than today + ``future_days``."""
    if bsa is None and height is None and weight is None:
        raise InputError(
            "bsa",
            "is needed: give --bsa, or --height and --weight (the ledger keeps each day's BSA; "
            "cumulative mg/m² needs it)",
        )
    if (regimen is None) != (cycle is None):
        raise OsdoseError("--regimen and --cycle go together: give both or neither")
    entry: dict[str, Any] = {"date": date.isoformat()}
    for key, value in (("bsa", bsa), ("height", height), ("weight", weight)):
        if value is not None:
            entry[key] = value
    if formula is not None:
        entry["bsa_formula"] = formula
    if drug is None and dose is None:
        if regimen is None:
            raise OsdoseError(
                "record needs --drug and --dose, or --regimen and --cycle for a whole cycle"
            )
        # `or 100.0` read --dose-percent 0 (and -0) as a full dose: only no option is 100%
        percent = 100.0 if dose_percent is None else dose_percent
        entry.update(regimen=regimen, cycle=cycle, dose_percent=percent)
        return _parse_one(entry, table, future_days)
    if drug is None:
        raise OsdoseError("--dose needs --drug (or give --regimen and --cycle alone)")
    if dose is None:
        raise OsdoseError("--drug needs --dose, the amount given with its unit (--dose '74 mg')")
    if dose_percent is not None:
        raise OsdoseError(
            "--dose-percent belongs to a whole cycle (--regimen, --cycle without --drug); "
            "for one drug give the dose actually given"
        )
    entry.update(drug=drug, dose=dose)
    adms = _parse_one(entry, table, future_days)
    if regimen is None:
        return adms
    from osdose.library import load_regimen

    reg = load_regimen(regimen, table)
    names = [d.drug for d in reg.drugs]
    out = []
    for a in adms:
        if a.drug not in names:
            raise OsdoseError(f"{a.drug} is not part of {reg.name} ({', '.join(names)})")
        out.append(replace(a, regimen=reg.name, cycle=cycle))
    return out


def from_course_file(
    path: str | Path, table: DrugTable, future_days: int, allow_same_day: bool = False
) -> Course:
    """A course file to import, its dates within the ledger's margin (``future_days``), a
    drug twice on a day only when the file says so or ``allow_same_day``; every mg
    administration must know its day's BSA."""
    course = load_course(path, table, future_days, same_day=not allow_same_day)
    return _checked_course(course)


def _checked_course(course: Course) -> Course:
    checked_name(course.patient, "patient id")
    for a in course.administrations:
        if a.unit == "mg" and a.dose_per_m2 is None:
            raise FileError(
                course.path,
                a.line,
                f"{a.drug} on {a.date} has no BSA for its day: the ledger keeps each day's BSA "
                "(give bsa, or height and weight)",
            )
    return course


PART = 10_000  # administrations of a JSON Lines course file read, checked and recorded at once


def course_parts(
    path: str | Path,
    table: DrugTable,
    future_days: int,
    allow_same_day: bool = False,
    size: int | None = None,
) -> Iterator[Course]:
    """:func:`from_course_file` in parts, read as they are asked for: a JSON Lines file
    ``size`` administrations at a time (each part read by the same checked reader, a drug
    twice on a day found across parts too: what is kept of each part read is its drugs
    and dates), any other file whole. So an import holds one part in memory, not the
    file (``size``: :data:`PART`)."""
    if not str(path).lower().endswith(".jsonl"):
        yield from_course_file(path, table, future_days, allow_same_day)
        return
    from osdose.course import parse_course
    from osdose.course_jsonl import jsonl_parts
    from osdose.reader import input_limit

    seen: Seen = {}
    for doc in jsonl_parts(path, input_limit(), size or PART):
        course = parse_course(doc, table, future_days, not allow_same_day, seen)
        yield _checked_course(course)


def to_records(
    administrations: Sequence[Administration], patient: str, by: str, source: str | None = None
) -> list[NewRecord]:
    """Ledger records for ``administrations`` (``source``: where they were typed or read)."""
    return [
        NewRecord(
            kind="administration",
            patient=patient,
            recorded_by=by,
            date=a.date,
            drug=a.drug,
            unit=a.unit,
            dose=a.dose,
            dose_per_m2=a.dose_per_m2,
            bsa_m2=a.bsa_m2,
            regimen=a.regimen,
            cycle=a.cycle,
            day=a.day,
            dose_percent=a.dose_percent,
            source=source or (f"{a.source}:{a.line}" if a.line else a.source) or None,
        )
        for a in administrations
    ]


def check_confirmed(
    administrations: Sequence[Administration], table: DrugTable, confirmed: bool
) -> None:
    """Refuse, unless ``confirmed`` (``--confirm``), an administration above the thresholds
    file's ``ledger.confirm_above_max_factor`` × the drug's maximum for one administration,
    or one alone above its lifetime maximum (:func:`osdose.limits.needs_confirmation`)."""
    if confirmed:
        return
    from osdose import thresholds
    from osdose.limits import needs_confirmation

    t = thresholds.current()
    for a in administrations:
        why = needs_confirmation(
            table.resolve(a.drug), a.dose, a.unit, a.dose_per_m2, a.weight_kg,
            t.confirm_above_max_factor,
        )  # fmt: skip
        if why is not None:
            where = f"{a.source}:{a.line}: " if a.source and a.line else ""
            raise OsdoseError(
                f"{where}{why}: check the dose; if it was given as written, record it with "
                f"--confirm ({t.confirm_source})"
            )
