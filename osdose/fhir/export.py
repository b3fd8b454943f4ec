"""A patient's administrations as a FHIR R4 Bundle (type ``collection``).

One ``Patient`` and one ``MedicationAdministration`` per administration, following mCODE
STU4 ``CancerRelatedMedicationAdministration`` where osdose has the data (docs/fhir.md says
which constraints are met). The dose is the amount given in UCUM ``mg`` (``[iU]`` for a
drug dosed in international units); the BSA of the day and the dose over it travel as two
extensions on ``dosage``, with the exact numbers osdose sums, so that importing the bundle
gives back the same cumulative totals to the last bit.

Ids and fullUrls are derived from the patient and the record (ledger) or position (course
file), never random: exporting the same history twice gives the same bytes.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from osdose.course import Administration, Course
from osdose.drugs import DrugTable, load_drugs
from osdose.errors import OsdoseError
from osdose.fhir import codes, model
from osdose.fhir.bundle import problems
from osdose.fhir.quantities import UCUM_OF, quantity

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, codes.BASE)
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


@dataclass(frozen=True)
class Exported:
    """The Bundle as plain JSON data, and warnings for people (a drug without a code)."""

    bundle: dict[str, Any]
    warnings: tuple[str, ...]
    count: int


def _url(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, chr(0).join(parts))}"


def patient_resource(patient: str) -> dict[str, Any]:
    rid = patient if _FHIR_ID.match(patient) else uuid.uuid5(_NAMESPACE, patient).hex
    return {
        "resourceType": "Patient",
        "id": rid,
        "identifier": [{"system": codes.PATIENT_ID, "value": patient}],
    }


def _medication(drug: str, warnings: list[str]) -> dict[str, Any]:
    code = codes.rxnorm(drug)
    if code is None:
        warnings.append(f"{drug} has no RxNorm code in osdose yet: exported by name only")
        return {"text": drug}
    return {"coding": [{"system": codes.RXNORM, "code": code, "display": drug}], "text": drug}


@lru_cache(maxsize=256)
def _basis(regimen: str, drug: str, table: DrugTable) -> str | None:
    # How the dose was normalised is known for a whole cycle given as its regimen says:
    # the regimen's basis for the drug. For a dose typed as an amount it is not known.
    from osdose.library import load_regimen

    try:
        reg = load_regimen(regimen, table)
    except OsdoseError:
        return None
    return next((d.basis.per for d in reg.drugs if d.drug == drug), None)


def _note(a: Administration) -> str | None:
    if not a.regimen:
        return None
    cycle = f" cycle {a.cycle}" if a.cycle is not None else ""
    day = f" day {a.day}" if a.day is not None else ""
    pct = f" at {a.dose_percent:g}%" if a.dose_percent != 100 else ""
    return f"{a.regimen}{cycle}{day}{pct}"


def administration_resource(
    a: Administration, rid: str, subject: str, table: DrugTable, warnings: list[str]
) -> dict[str, Any]:
    """One mCODE-style MedicationAdministration for ``a``."""
    if a.dose is None:
        where = f"{a.source}:{a.line}: " if a.line and a.source else ""
        raise OsdoseError(
            f"{where}{a.drug} on {a.date}: the amount given is not known (its day has no BSA), "
            "and a MedicationAdministration states the dose given: give bsa, or height and "
            "weight, for that day"
        )
    res: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": rid,
        "meta": {"profile": [codes.MCODE_ADMINISTRATION]},
    }
    per = _basis(a.regimen, a.drug, table) if a.regimen else None
    if per is not None:
        code, display = codes.NORMALIZATION[per]
        res["extension"] = [
            {
                "url": codes.MCODE_NORMALIZATION,
                "valueCodeableConcept": {
                    "coding": [{"system": codes.SNOMED, "code": code, "display": display}]
                },
            }
        ]
    res["status"] = "completed"
    res["medicationCodeableConcept"] = _medication(a.drug, warnings)
    res["subject"] = {"reference": subject}
    res["effectiveDateTime"] = a.date.isoformat()
    note = _note(a)
    if note:
        res["note"] = [{"text": note}]
    dosage: dict[str, Any] = {}
    if a.bsa_m2 is not None:
        dosage["extension"] = [
            {"url": codes.BSA, "valueQuantity": quantity(a.bsa_m2, "m2", "m2")},
        ]
        if a.dose_per_m2 is not None:
            per_m2 = UCUM_OF[(a.unit, "m2")]
            dosage["extension"].append(
                {
                    "url": codes.DOSE_PER_BSA,
                    "valueQuantity": quantity(a.dose_per_m2, per_m2, per_m2),
                }
            )
    unit = UCUM_OF[(a.unit, "flat")]
    dosage["dose"] = quantity(a.dose, a.unit if a.unit == "mg" else "IU", unit)
    res["dosage"] = dosage
    return res


def bundle(
    course: Course,
    resource_ids: Sequence[str] | None = None,
    table: DrugTable | None = None,
) -> Exported:
    """The Bundle of ``course``; ``resource_ids`` names each administration's resource
    (default ``adm-1``, ``adm-2`` … in order). The Bundle is validated with the R4B models."""
    t = table or load_drugs()
    ids = (
        list(resource_ids)
        if resource_ids is not None
        else [f"adm-{n}" for n in range(1, len(course.administrations) + 1)]
    )
    if len(ids) != len(course.administrations) or len(set(ids)) != len(ids):
        raise OsdoseError("each administration needs its own resource id")
    warnings: list[str] = []
    patient = patient_resource(course.patient)
    subject = _url(course.patient, "Patient")
    entries = [{"fullUrl": subject, "resource": patient}]
    for a, rid in zip(course.administrations, ids, strict=True):
        entries.append(
            {
                "fullUrl": _url(course.patient, "MedicationAdministration", rid),
                "resource": administration_resource(a, rid, subject, t, warnings),
            }
        )
    doc = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    check(doc)
    return Exported(doc, tuple(dict.fromkeys(warnings)), len(course.administrations))


def check(doc: dict[str, Any]) -> None:
    """Refuse (as a bug) a Bundle the R4B models do not accept."""
    from pydantic import ValidationError

    try:
        model("Bundle").model_validate(doc)
    except ValidationError as exc:  # pragma: no cover - a bug in this module
        raise OsdoseError(
            f"internal error: the exported Bundle is not valid: {problems(exc)}"
        ) from None


def dumps(doc: dict[str, Any]) -> str:
    """Strict JSON, two-space indent, keys in the order built (stable), UTF-8 text."""
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
