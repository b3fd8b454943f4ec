"""The reference patients file of ``osdose snapshot``."""

from __future__ import annotations

from pydantic import Field

from osdose.fields import Identifier, QuantityText, Reason
from osdose.formats.common import Strict


class ReferencePatient(Strict):
    id: Identifier
    height: QuantityText
    weight: QuantityText
    formula: Identifier | None = Field(None, description="BSA formula (default mosteller)")
    bsa_cap: QuantityText | None = Field(None, description="A BSA cap, '2 m2'")
    cap_reason: Reason | None = Field(None, description="Why the BSA is capped (required with it)")


class PatientsFile(Strict):
    """Reference patients for golden dose snapshots."""

    patients: list[ReferencePatient] = Field(min_length=1)
