"""A FHIR Bundle of MedicationRequest resources as an order for ``osdose verify``.

The Bundle becomes the plain data of an order file and goes through
:func:`osdose.verify.order.build_order`, so every check of an order file applies. Read:

- one ``MedicationRequest`` per drug, ``intent`` ``order``, ``status`` ``active`` or
  ``draft``, all for one patient; the regimen from ``instantiatesCanonical`` (the
  PlanDefinition ``osdose fhir regimen`` writes, or any canonical URL ending in the regimen's
  name), the cycle from osdose's ``regimen-cycle`` extension, the date of day 1 from
  ``dosageInstruction.timing.repeat.boundsPeriod.start``, the days from the core
  ``timing-daysOfCycle`` extension, the dose per day from ``doseAndRate.doseQuantity``;
- the ``Patient`` (``birthDate`` → age on the order date, ``gender`` → sex);
- the latest height (LOINC 8302-2), weight (29463-7) and serum creatinine (2160-0)
  ``Observation`` on or before the order date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from osdose.drugs import DrugTable
from osdose.errors import FileError, OsdoseError
from osdose.fhir import codes, require
from osdose.fhir.bundle import BundleRefused, Entry, Refusal, document, read_bundle, validated
from osdose.fhir.quantities import QuantityError, dose_text
from osdose.fhir.resources import (
    Measured,
    Subject,
    Unusable,
    by_day,
    day_of,
    drug_name,
    measurements,
    medication_concept,
    patient_id,
    subject_of,
)
from osdose.verify.order import Order, build_order

CYCLE = codes.extension("regimen-cycle")
_STATUSES = ("active", "draft")


def is_bundle(path: str | Path) -> bool:
    """Whether ``path`` holds a JSON object with ``resourceType`` Bundle. A file that is no
    JSON at all is not (it is read as YAML); JSON that osdose refuses (nesting too deep, a
    repeated key, NaN, a huge number) is refused here, with the JSON reader's reason."""
    from osdose.reader import read_json

    try:
        data = read_json(path, "FHIR Bundle or order file")
    except FileError as exc:
        if exc.problem.startswith("not strict JSON"):
            raise
        return False
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


def _regimen(mr: Any) -> str:
    for url in mr.instantiatesCanonical or []:
        tail = str(url).split("|", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if tail:
            return unquote(tail)
    raise Unusable(
        "names no regimen: give instantiatesCanonical, the regimen's PlanDefinition URL "
        "(osdose fhir regimen writes it)"
    )


def _cycle(mr: Any) -> int:
    for x in mr.extension or []:
        if x.url == CYCLE and x.valueInteger is not None:
            return int(x.valueInteger)
    raise Unusable(f"has no cycle number (extension {CYCLE}, valueInteger)")


def _days(timing: Any, mr: Any) -> list[int]:
    for holder in (timing, mr):
        for x in getattr(holder, "extension", None) or []:
            if x.url == codes.DAYS_OF_CYCLE:
                parts = [d for d in x.extension or [] if d.url == "day"]
                if any(d.valueInteger is None for d in parts):
                    raise Unusable(f"extension {codes.DAYS_OF_CYCLE}: a day has no valueInteger")
                days = [int(d.valueInteger) for d in parts]
                if days:
                    return days
    raise Unusable(
        "has no days of the cycle (extension timing-daysOfCycle on dosageInstruction.timing)"
    )


def _prescribed(e: Entry, mr: Any, bundle: Any, table: DrugTable) -> tuple[dict[str, Any], Any]:
    """(prescribed entry, date of day 1) of one MedicationRequest."""
    if mr.intent != "order":
        raise Unusable(f"intent {mr.intent!r} is not an order")
    if mr.status not in _STATUSES:
        raise Unusable(f"status {mr.status!r}: only an active or draft order is verified")
    instructions = mr.dosageInstruction or []
    if len(instructions) != 1:
        raise Unusable(f"has {len(instructions)} dosage instructions: osdose reads one")
    d = instructions[0]
    rates = d.doseAndRate or []
    if len(rates) != 1 or rates[0].doseQuantity is None:
        raise Unusable("has no dose (dosageInstruction.doseAndRate.doseQuantity)")
    timing = d.timing
    bounds = timing.repeat.boundsPeriod if timing is not None and timing.repeat else None
    if bounds is None or bounds.start is None:
        raise Unusable("has no date of day 1 (dosageInstruction.timing.repeat.boundsPeriod.start)")
    out: dict[str, Any] = {
        "drug": drug_name(medication_concept(mr, e, bundle), table),
        "dose": dose_text(rates[0].doseQuantity),
        "days": _days(timing, mr),
    }
    if d.route is not None and (d.route.text or d.route.coding):
        out["route"] = d.route.text or d.route.coding[0].display or d.route.coding[0].code
    return out, day_of(bounds.start, "boundsPeriod.start")


def _agree(values: list[tuple[Any, str]], what: str, path: str) -> Any:
    first, label = values[0]
    for value, other in values[1:]:
        if value != first:
            raise BundleRefused(
                path,
                [Refusal(path, other, f"{what} {value} differs from {label} ({first})")],
                "verified",
            )
    return first


def _latest(found: dict[tuple[str, dt.date], Measured], kind: str, day: dt.date) -> Measured | None:
    best = [m for (k, d), m in found.items() if k == kind and d <= day]
    return max(best, key=lambda m: m.day) if best else None


def _patient(
    subject: Subject,
    pid: str,
    found: dict[tuple[str, dt.date], Measured],
    day: dt.date,
    owners: list[tuple[tuple[str | int, ...], str]],
    path: str,
) -> dict[str, Any]:
    raw = subject.entry.raw if subject.entry else {}
    label = subject.entry.label if subject.entry else subject.key
    owners.append((("patient",), label))
    out: dict[str, Any] = {"id": pid}
    for kind, field, loinc in (
        ("height", "height", codes.LOINC_HEIGHT),
        ("weight", "weight", codes.LOINC_WEIGHT),
        ("creatinine", "serum_creatinine", codes.LOINC_CREATININE),
    ):
        m = _latest(found, kind, day)
        if m is None:
            if kind != "creatinine":
                raise BundleRefused(
                    path,
                    [
                        Refusal(
                            path,
                            label,
                            f"no {kind} Observation (LOINC {loinc}) on or "
                            f"before the order date {day}",
                        )
                    ],
                    "verified",
                )
            continue
        out[field] = m.text
        owners.append((("patient", field), m.label))
    birth = raw.get("birthDate")
    if isinstance(birth, str) and len(birth) == 10:
        from osdose.fields import FieldError, date

        try:  # "2020-13-45" was a traceback; a birth after the order is no birth
            b = date(birth, high=day)
        except FieldError as exc:
            refusal = Refusal(path, label, f"birthDate {exc}")
            raise BundleRefused(path, [refusal], "verified") from None
        out["age"] = day.year - b.year - ((day.month, day.day) < (b.month, b.day))
    if raw.get("gender") in ("male", "female"):
        out["sex"] = raw["gender"]
    return out


def load_bundle_order(path: str | Path, table: DrugTable) -> Order:
    """The order in a FHIR MedicationRequest Bundle; a problem names the resource."""
    require()
    bundle = read_bundle(path)
    name = bundle.path
    refusals: list[Refusal] = []
    rows: list[tuple[Entry, dict[str, Any], dt.date, str, int, Subject]] = []
    for e in bundle.of_type("MedicationRequest"):
        mr = validated(e, name)
        if isinstance(mr, Refusal):
            refusals.append(mr)
            continue
        try:
            item, day = _prescribed(e, mr, bundle, table)
            rows.append((e, item, day, _regimen(mr), _cycle(mr), subject_of(mr, bundle)))
        except (Unusable, QuantityError) as exc:
            refusals.append(Refusal(name, e.label, str(exc)))
    if refusals:
        raise BundleRefused(name, refusals, "verified")
    if not rows:
        raise OsdoseError(f"{name}: no MedicationRequest to verify")
    day = _agree([(r[2], r[0].label) for r in rows], "date of day 1", name)
    regimen = _agree([(r[3], r[0].label) for r in rows], "regimen", name)
    cycle = _agree([(r[4], r[0].label) for r in rows], "cycle", name)
    if len({r[5].key for r in rows}) > 1:
        other = next(r for r in rows if r[5].key != rows[0][5].key)
        _agree([(rows[0][5].label, rows[0][0].label), (other[5].label, other[0].label)],
               "patient", name)  # fmt: skip
    subject = rows[0][5]
    found = by_day(measurements(bundle, subject, refusals), name, refusals)
    if refusals:
        raise BundleRefused(name, refusals, "verified")
    first = rows[0][0].label
    owners: list[tuple[tuple[str | int, ...], str]] = [
        (("regimen",), first),
        (("cycle",), first),
        (("date",), first),
    ]
    patient = _patient(
        subject, patient_id(subject, name, None, "verified"), found, day, owners, name
    )
    owners += [(("prescribed", i), r[0].label) for i, r in enumerate(rows)]
    data = {
        "patient": patient,
        "regimen": regimen,
        "cycle": cycle,
        "date": day,
        "prescribed": [r[1] for r in rows],
    }
    doc, located = document(name, data, owners)
    try:
        return build_order(doc, name, Path(name).parent, table)
    except FileError as exc:
        raise BundleRefused(name, [located.refusal(exc)], "verified") from None
