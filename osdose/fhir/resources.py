"""What importing administrations and reading an order share: the patient a Bundle is
about, the day of a resource, the drug a medication names, and measurements by day.

Each function reads validated R4B models and raises :class:`Unusable` with the reason a
resource cannot be used; the caller turns that into a refusal naming the resource.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from osdose.drugs import DrugTable
from osdose.errors import OsdoseError
from osdose.fhir import codes
from osdose.fhir.bundle import Bundle, BundleRefused, Entry, Refusal, validated
from osdose.fhir.quantities import (
    AREA_UNITS,
    CREATININE_UNITS,
    HEIGHT_UNITS,
    WEIGHT_UNITS,
    QuantityError,
    measure_text,
)
from osdose.visible import visible


class Unusable(OsdoseError):
    """A resource osdose cannot use as it is; the message is the reason."""


def day_of(value: Any, what: str = "effectiveDateTime") -> dt.date:
    """The day of a FHIR dateTime as written (its own time zone): a partial date is refused."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        raise Unusable(f"has no {what}: osdose needs the day it happened")
    raise Unusable(f"{what} is {value!r}: osdose needs the day, not only a month or year")


def effective_day(res: Any) -> dt.date:
    """The day of an administration, statement or observation: ``effectiveDateTime`` (or
    ``effectiveInstant``), or a period that starts and ends on the same day."""
    for name in ("effectiveDateTime", "effectiveInstant"):
        if getattr(res, name, None) is not None:
            return day_of(getattr(res, name), name)
    period = getattr(res, "effectivePeriod", None)
    if period is not None:
        start = day_of(period.start, "effectivePeriod.start")
        if period.end is not None and day_of(period.end, "effectivePeriod.end") != start:
            raise Unusable(
                f"effectivePeriod runs from {_text(period.start)} to {_text(period.end)}: "
                "osdose records the "
                "dose given on one day; split it into one resource per day"
            )
        return start
    raise Unusable("has no effective date: osdose needs the day it happened")


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _concept_names(concept: Any) -> tuple[list[str], list[str]]:
    """(RxNorm codes, names) of a CodeableConcept."""
    rx: list[str] = []
    names: list[str] = []
    if concept is None:
        return rx, names
    if concept.text:
        names.append(str(concept.text))
    for c in concept.coding or []:
        if c.system == codes.RXNORM and c.code:
            rx.append(str(c.code))
        if c.display:
            names.append(str(c.display))
    return rx, names


def medication_concept(res: Any, entry: Entry, bundle: Bundle) -> Any:
    """The CodeableConcept of the medication: inline, or the ``code`` of the Medication a
    reference names (contained or in the Bundle)."""
    if res.medicationCodeableConcept is not None:
        return res.medicationCodeableConcept
    ref = res.medicationReference.reference if res.medicationReference is not None else None
    if not ref:
        raise Unusable("names no medication")
    if ref.startswith("#"):
        for c in entry.raw.get("contained") or []:
            if isinstance(c, dict) and c.get("id") == ref[1:]:
                return _medication_code(Entry(entry.index, None, c), bundle.path)
        raise Unusable(f"medicationReference {ref} is not contained in the resource")
    target = bundle.resolve(ref)
    if target is None or target.type != "Medication":
        raise Unusable(f"medicationReference {ref} is not a Medication in the Bundle")
    return _medication_code(target, bundle.path)


def _medication_code(entry: Entry, path: str) -> Any:
    med = validated(entry, path)
    if isinstance(med, Refusal):
        raise Unusable(f"its Medication {med.resource}: {med.reason}")
    if med.code is None:
        raise Unusable(f"its Medication {entry.label} has no code")
    return med.code


def drug_name(concept: Any, table: DrugTable) -> str:
    """The osdose drug a medication names, from a known RxNorm ingredient code or a name
    in the drug table; two different drugs are refused, an unknown name is passed on for
    the course reader to refuse (with its close matches)."""
    rx, names = _concept_names(concept)
    found: dict[str, str] = {}
    unknown_codes = []
    for code in rx:
        name = codes.drug_of_rxnorm(code)
        if name is None:
            unknown_codes.append(code)
        else:
            found.setdefault(name, f"RxNorm {code}")
    for n in names:
        d = table.find(n)
        if d is not None:
            found.setdefault(d.name, repr(n))
    if len(found) > 1:
        said = ", ".join(f"{how} is {name}" for name, how in found.items())
        raise Unusable(f"the medication names two drugs ({said}): which was given?")
    if found:
        return next(iter(found))
    if names:
        return names[0]  # the reader refuses it: "unknown drug …; did you mean …?"
    if unknown_codes:
        raise Unusable(
            f"RxNorm code {unknown_codes[0]} is not a drug osdose knows, and the medication "
            "has no name"
        )
    raise Unusable("the medication has neither an RxNorm code nor a name")


@dataclass(frozen=True)
class Subject:
    """Who a resource is about: the Patient entry it resolves to, else its reference."""

    key: str
    entry: Entry | None

    @property
    def label(self) -> str:
        return self.entry.label if self.entry is not None else self.key


def subject_of(res: Any, bundle: Bundle) -> Subject:
    ref = res.subject.reference if getattr(res, "subject", None) is not None else None
    if not ref:
        raise Unusable("has no subject: whose dose is it?")
    target = bundle.resolve(ref)
    if target is not None and target.type != "Patient":
        raise Unusable(f"its subject {ref} is a {target.type}, not a Patient")
    return Subject(f"entry {target.index}" if target else ref, target)


def patient_id(subject: Subject, path: str, given: str | None, what: str = "imported") -> str:
    """The osdose patient id: ``given`` (``--patient``), else the Patient's osdose
    identifier, its only identifier, or (without identifiers) its id. The Patient is
    validated (its R4B model) before any of its fields is read: one that is not valid is
    refused (:class:`BundleRefused`, nothing ``what``)."""
    if given is not None:
        return given
    if subject.entry is None:
        raise OsdoseError(
            f"{path}: the Patient {visible(subject.key)} is not in the Bundle: give --patient ID"
        )
    checked = validated(subject.entry, path)
    if isinstance(checked, Refusal):
        raise BundleRefused(path, [checked], what)
    ids = subject.entry.raw.get("identifier") or []
    values = [i.get("value") for i in ids if isinstance(i, dict) and i.get("value")]
    own = [
        i.get("value") for i in ids if isinstance(i, dict) and i.get("system") == codes.PATIENT_ID
    ]
    if own:
        return str(own[0])
    if len(values) == 1:
        return str(values[0])
    if not values and subject.entry.id:
        return subject.entry.id
    raise OsdoseError(
        f"{path}: {subject.entry.label} has {len(values)} identifiers and none of osdose's "
        "system: give --patient ID"
    )


@dataclass(frozen=True)
class Measured:
    """One measurement of the patient: ``kind`` height, weight, bsa or creatinine."""

    kind: str
    day: dt.date
    text: str
    label: str


_KINDS = {
    codes.LOINC_HEIGHT: ("height", HEIGHT_UNITS),
    codes.LOINC_WEIGHT: ("weight", WEIGHT_UNITS),
    codes.LOINC_BSA: ("bsa", AREA_UNITS),
    codes.LOINC_CREATININE: ("creatinine", CREATININE_UNITS),
}
_USABLE = ("final", "amended", "corrected")


def measurements(bundle: Bundle, subject: Subject, refusals: list[Refusal]) -> list[Measured]:
    """The patient's height, weight, BSA and creatinine Observations (LOINC 8302-2, 29463-7,
    8277-6, 2160-0) with status final, amended or corrected. An unusable one is refused."""
    out = []
    for e in bundle.of_type("Observation"):
        kind = _kind(e.raw)
        if kind is None:
            continue
        obs = validated(e, bundle.path)
        if isinstance(obs, Refusal):
            refusals.append(obs)
            continue
        if kind is _UNREADABLE:  # pragma: no cover - the R4B model refuses every such code
            continue
        if obs.status not in _USABLE:
            continue  # preliminary, cancelled, entered-in-error: not a measurement to use
        try:
            if subject_of(obs, bundle).key != subject.key:
                raise Unusable("is about another patient than the administrations")
            name, units = _KINDS[kind]
            text = measure_text(obs.valueQuantity, units, name)
            out.append(Measured(name, effective_day(obs), text, e.label))
        except (Unusable, QuantityError) as exc:
            refusals.append(Refusal(bundle.path, e.label, str(exc)))
    return out


_UNREADABLE = "?"  # an Observation whose code is of the wrong JSON type


def _kind(raw: dict[str, Any]) -> str | None:
    """The LOINC code of a measurement osdose reads, ``None`` for any other Observation, or
    :data:`_UNREADABLE` when ``code`` is of the wrong JSON type (the Observation is then
    validated, and refused: it may be a measurement osdose needs)."""
    code = raw.get("code")
    if code is None:
        return None
    coding = code.get("coding") if isinstance(code, dict) else None
    if not isinstance(code, dict) or not isinstance(coding, (list, type(None))):
        return _UNREADABLE
    for c in coding or []:
        if not isinstance(c, dict) or not all(
            isinstance(c.get(k), (str, type(None))) for k in ("system", "code")
        ):
            return _UNREADABLE
        if c.get("system") == codes.LOINC and c.get("code") in _KINDS:
            return str(c["code"])
    return None


def by_day(
    found: list[Measured], path: str, refusals: list[Refusal]
) -> dict[tuple[str, dt.date], Measured]:
    """One measurement per kind and day; two different values on one day are refused."""
    out: dict[tuple[str, dt.date], Measured] = {}
    for m in found:
        key = (m.kind, m.day)
        first = out.get(key)
        if first is None:
            out[key] = m
        elif first.text != m.text:
            refusals.append(
                Refusal(
                    path,
                    m.label,
                    f"{m.kind} {m.text} on {m.day} differs from {first.label} ({first.text}) "
                    "on the same day: which is right?",
                )
            )
    return out
