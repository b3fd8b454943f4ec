"""FHIR R4 for osdose (issue 14 §1–§2), with the R4B models of ``fhir.resources``.

- :mod:`osdose.fhir.codes` — code systems, profile and extension URLs, RxNorm codes;
- :mod:`osdose.fhir.bundle` — reading a Bundle file, refusals that name the resource;
- :mod:`osdose.fhir.quantities` — UCUM quantities to the text osdose's readers take;
- :mod:`osdose.fhir.export` — administrations (a course or the ledger) as a Bundle;
- :mod:`osdose.fhir.ingest` — a Bundle's MedicationAdministration/Statement as a course;
- :mod:`osdose.fhir.order` — a MedicationRequest Bundle as an order for ``verify``;
- :mod:`osdose.fhir.plandefinition` — regimen files as PlanDefinition and back.

Files are written by :func:`osdose.atomic.write_atomic`, as every output of osdose.

``fhir.resources`` is an optional extra (``pip install 'osdose[fhir]'``); it is imported only
when a FHIR command runs, and its default import (R5) is never used: R4 systems exchange R4,
which ``fhir.resources.R4B`` models (R4B changed no resource osdose reads or writes).
"""

from __future__ import annotations

from typing import Any

from osdose.errors import OsdoseError

INSTALL = "pip install 'osdose[fhir]'"


class FhirMissing(OsdoseError):
    """``fhir.resources`` is not installed."""

    def __init__(self) -> None:
        super().__init__(f"FHIR support needs the fhir extra: {INSTALL}")


def model(resource_type: str) -> Any:
    """The R4B model class of ``resource_type`` (``Bundle``, ``PlanDefinition`` …)."""
    try:
        from fhir.resources.R4B import get_fhir_model_class
    except ImportError:
        raise FhirMissing() from None
    return get_fhir_model_class(resource_type)


def require() -> None:
    """Refuse early, before any work, when the FHIR models are missing."""
    model("Bundle")
