"""The reference patients file of ``osdose snapshot``."""

from __future__ import annotations

from typing import Literal

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
    age: QuantityText | None = Field(
        None, description="Age ('60', '10 months'): small-patient rules, Calvert's GFR"
    )
    sex: Literal["male", "female"] | None = Field(None, description="For Calvert's GFR")
    creatinine: QuantityText | None = Field(
        None, description="Serum creatinine ('1.0 mg/dL'): carboplatin by AUC"
    )
    gfr: QuantityText | None = Field(None, description="A measured GFR ('100 mL/min')")


class PatientsFile(Strict):
    """Reference patients for golden dose snapshots."""

    patients: list[ReferencePatient] = Field(min_length=1)
