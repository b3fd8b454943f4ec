"""One order from a file, whatever its format: osdose's own (YAML, or the same as JSON), or
a FHIR MedicationRequest Bundle (``osdose[fhir]``). It sits above both :mod:`osdose.verify`,
which reads only osdose's format, and :mod:`osdose.fhir`, which builds on it."""

from __future__ import annotations

from pathlib import Path

from osdose.drugs import DrugTable
from osdose.verify.order import Order
from osdose.verify.order_files import load_order


def load_any_order(path: Path, table: DrugTable) -> Order:
    """The order in the file at ``path``: a ``.json`` file holding a FHIR Bundle is read by
    the FHIR reader, anything else as osdose's own order format."""
    if str(path).lower().endswith(".json"):
        from osdose.fhir.order import is_bundle, load_bundle_order

        if is_bundle(path):
            return load_bundle_order(path, table)
    return load_order(path, table)
