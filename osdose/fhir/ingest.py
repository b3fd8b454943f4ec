"""A Bundle's MedicationAdministration and MedicationStatement resources as a course.

Each resource becomes one entry of a course file (date, drug, dose, and the BSA — or
height and weight — of its day), and the whole goes through
:func:`osdose.course.parse_course`: every unit rule, plausibility limit and drug check of a
course file applies to imported data too. A resource that cannot be used is refused with
its id and the reason, and nothing is imported while any is refused: the caller gets either
every administration or :class:`~osdose.fhir.bundle.BundleRefused` listing them all.

Rules (docs/fhir.md): one patient; status ``completed`` (``entered-in-error`` and
``not-done``/``not-taken`` are left out and reported; any other status is refused); the day
from ``effectiveDateTime`` or a one-day ``effectivePeriod``; the drug from a known RxNorm
ingredient code or a name in the drug table; the dose as a UCUM quantity; a mass dose needs
the BSA of its day: osdose's BSA extension, or an Observation of that day (BSA, or height
and weight); a dose per kg needs that day's weight.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from osdose.course import Course, parse_course
from osdose.drugs import DrugTable, load_drugs
from osdose.errors import FileError, OsdoseError
from osdose.fhir import codes, require
from osdose.fhir.bundle import Bundle, BundleRefused, Entry, Refusal, document, read_bundle
from osdose.fhir.bundle import validated as valid
from osdose.fhir.quantities import AREA_UNITS, QuantityError, dose_text, measure_text, number
from osdose.fhir.resources import (
    Measured,
    Subject,
    Unusable,
    by_day,
    drug_name,
    effective_day,
    measurements,
    medication_concept,
    patient_id,
    subject_of,
)

RESOURCES = ("MedicationAdministration", "MedicationStatement")
_LEFT_OUT = {  # status → why the resource is not a dose given
    "entered-in-error": "status entered-in-error: recorded by mistake",
    "not-done": "status not-done: not given",
    "not-taken": "status not-taken: not taken",
}


@dataclass(frozen=True)
class Imported:
    """The course read from a Bundle, the course-file data it was read from, the resource
    of each administration, and the resources left out on purpose (with why)."""

    course: Course
    data: dict[str, Any]
    labels: tuple[str, ...]
    left_out: tuple[Refusal, ...]


def _usable(e: Entry, res: Any, path: str) -> Refusal | None:
    """``None`` if the status says a dose was given; else why not (left out or refused)."""
    status = res.status
    if status == "completed":
        return None
    if status in _LEFT_OUT:
        return Refusal(path, e.label, _LEFT_OUT[status])
    raise Unusable(
        f"status {status!r}: the amount given is not known to be complete (only completed "
        "resources are imported)"
    )


def dose_quantity(res: Any) -> Any:
    """The dose of an administration (``dosage.dose``) or a statement (its one
    ``dosage.doseAndRate.doseQuantity``)."""
    if res.get_resource_type() == "MedicationAdministration":
        if res.dosage is None or res.dosage.dose is None:
            raise Unusable("has no dose (dosage.dose): osdose never assumes one")
        return res.dosage.dose
    dosages = res.dosage or []
    if len(dosages) != 1:
        raise Unusable(f"has {len(dosages)} dosages: osdose imports one dose given on one day")
    d = dosages[0]
    if d.timing is not None and d.timing.repeat is not None:
        raise Unusable("its dosage has a repeating timing: a schedule, not one dose given")
    rates = d.doseAndRate or []
    if len(rates) != 1 or rates[0].doseQuantity is None:
        what = "a dose range" if rates and rates[0].doseRange is not None else "no single dose"
        raise Unusable(
            f"its dosage has {what} (doseAndRate.doseQuantity): osdose never assumes one"
        )
    return rates[0].doseQuantity


def _ext(element: Any, url: str) -> Any:
    for x in getattr(element, "extension", None) or []:
        if x.url == url:
            return x.valueQuantity
    return None


def _route(res: Any) -> str | None:
    d = res.dosage if res.get_resource_type() == "MedicationAdministration" else None
    route = d.route if d is not None else None
    if route is None:
        return None
    return route.text or next((c.display or c.code for c in route.coding or []), None)


def _exact(dose: str, q: Any, bsa: Any, per_bsa: Any) -> str:
    """The dose text that makes the reader give exactly the amount and the amount per m²
    of an osdose export (``P mg/m2`` if P × BSA is the amount, else the amount itself)."""
    amount, area, per = float(q.value), float(bsa.value), float(per_bsa.value)
    unit = dose.split(" ", 1)[1]
    if per * area == amount:
        return f"{number(per_bsa.value)} {unit}/m2"
    if amount / area != per and abs(per * area - amount) > 1e-9 * max(amount, 1.0):
        raise Unusable(
            f"dose {dose} and its dose per BSA {number(per_bsa.value)} {unit}/m2 disagree at "
            f"BSA {number(bsa.value)} m2 ({per * area:g} {unit}): which is right?"
        )
    return dose


def _entry(
    e: Entry, res: Any, bundle: Bundle, table: DrugTable, days: dict[tuple[str, dt.date], Measured]
) -> dict[str, Any]:
    day = effective_day(res)
    drug = drug_name(medication_concept(res, e, bundle), table)
    q = dose_quantity(res)
    dose = dose_text(q)
    out: dict[str, Any] = {"date": day, "drug": drug, "dose": dose}
    unit = dose.split(" ", 1)[1]
    per = unit.rsplit("/", 1)[1] if "/" in unit else None
    dosage = res.dosage if res.get_resource_type() == "MedicationAdministration" else None
    bsa = _ext(dosage, codes.BSA)
    if bsa is not None:
        out["bsa"] = measure_text(bsa, AREA_UNITS, "BSA extension")
        per_bsa = _ext(dosage, codes.DOSE_PER_BSA)
        if per_bsa is not None and per is None and q.code in ("mg", "[iU]", "[IU]"):
            out["dose"] = _exact(dose, q, bsa, per_bsa)
    elif (m := days.get(("bsa", day))) is not None:
        out["bsa"] = m.text
    elif ("height", day) in days and ("weight", day) in days:
        out["height"] = days[("height", day)].text
        out["weight"] = days[("weight", day)].text
    elif not unit.startswith("IU"):
        raise Unusable(
            f"no BSA for {day}: a {unit} dose needs the BSA of its day (cumulative mg/m²): "
            "osdose's BSA extension, or an Observation of that day: BSA (LOINC 8277-6), or "
            "height (8302-2) and weight (29463-7)"
        )
    if per == "kg" and "weight" not in out:
        w = days.get(("weight", day))
        if w is None:
            raise Unusable(
                f"dose {dose} is per kg: no body weight Observation (LOINC 29463-7) on {day}"
            )
        out["weight"] = w.text
    route = _route(res)
    if route:
        out["route"] = route
    out["notes"] = f"{e.label} in {Path(bundle.path).name}"
    return out


def _course_data(patient: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"patient": {"id": patient}, "administrations": entries}


def _one_by_one(
    path: str, patient: str, entries: list[dict[str, Any]], labels: list[str], table: DrugTable
) -> list[Refusal]:
    """Every entry the course reader refuses, each read alone (to list them all)."""
    out = []
    for entry, label in zip(entries, labels, strict=True):
        doc, located = document(
            path, _course_data(patient, [entry]), [(("administrations", 0), label)]
        )
        try:
            parse_course(doc, table)
        except FileError as exc:
            out.append(located.refusal(exc))
    return out


def _subject(items: list[tuple[Entry, Any]], bundle: Bundle, refusals: list[Refusal]) -> Subject:
    subjects: dict[str, Subject] = {}
    for e, res in items:
        try:
            s = subject_of(res, bundle)
        except Unusable as exc:
            refusals.append(Refusal(bundle.path, e.label, str(exc)))
            continue
        subjects.setdefault(s.key, s)
    if len(subjects) != 1:
        if refusals:
            raise BundleRefused(bundle.path, refusals)
        raise OsdoseError(
            f"{bundle.path}: the administrations are about {len(subjects)} patients "
            f"({', '.join(s.label for s in subjects.values())}): import one patient at a time"
        )
    return next(iter(subjects.values()))


def read(path: str | Path, table: DrugTable | None = None, patient: str | None = None) -> Imported:
    """Every administration of the Bundle at ``path``, read as a course, or
    :class:`BundleRefused` naming each resource that cannot be used."""
    require()
    t = table or load_drugs()
    bundle = read_bundle(path)
    name = bundle.path
    refusals: list[Refusal] = []
    left_out: list[Refusal] = []
    items: list[tuple[Entry, Any]] = []
    for e in bundle.of_type(*RESOURCES):
        res = valid(e, name)
        if isinstance(res, Refusal):
            refusals.append(res)
            continue
        try:
            skip = _usable(e, res, name)
        except Unusable as exc:
            refusals.append(Refusal(name, e.label, str(exc)))
            continue
        if skip is not None:
            left_out.append(skip)
        else:
            items.append((e, res))
    if not items and not refusals:
        raise OsdoseError(f"{name}: no completed MedicationAdministration or MedicationStatement")
    subject = _subject(items, bundle, refusals)
    pid = patient_id(subject, name, patient)
    days = by_day(measurements(bundle, subject, refusals), name, refusals)
    entries: list[dict[str, Any]] = []
    labels: list[str] = []
    for e, res in items:
        try:
            entries.append(_entry(e, res, bundle, t, days))
        except (Unusable, QuantityError) as exc:
            refusals.append(Refusal(name, e.label, str(exc)))
            continue
        labels.append(e.label)
    if refusals:
        raise BundleRefused(name, refusals + _one_by_one(name, pid, entries, labels, t))
    owners = [(("administrations", i), label) for i, label in enumerate(labels)]
    doc, located = document(name, _course_data(pid, entries), owners)
    try:
        course = parse_course(doc, t)
    except FileError as exc:
        raise BundleRefused(
            name, _one_by_one(name, pid, entries, labels, t) or [located.refusal(exc)]
        ) from None
    return Imported(course, _course_data(pid, entries), tuple(labels), tuple(left_out))


def course_text(imported: Imported, header: str) -> str:
    """The course file the import read: ``header`` as comment lines, then the data."""
    import yaml

    body = yaml.safe_dump(
        imported.data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return "".join(f"# {line}\n" for line in header.splitlines()) + body
