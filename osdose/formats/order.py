"""The order file format: what a pharmacist verifies (one YAML file, or one JSONL line)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from osdose.fields import (
    INT_SCHEMA,
    Date,
    Days,
    FreeText,
    Identifier,
    OneLine,
    Percent,
    QuantityText,
    Reason,
    whole_in,
)
from osdose.formats.common import Strict
from osdose.formats.course import Entry

Cycle = Annotated[int, whole_in(1, 1000), INT_SCHEMA]
CrclWeight = Literal["actual", "ideal", "adjusted", "standard"]


class OrderPatient(Strict):
    """The patient as the order gives them, with the labs the organ checks read."""

    id: Identifier = Field(description="The patient's id, exactly as written")
    height: QuantityText = Field(description="'175 cm'")
    weight: QuantityText = Field(description="Today's weight: '70 kg'")
    baseline_weight: QuantityText | None = Field(
        None, description="The weight the course started with (weight-change check)"
    )
    age: QuantityText | None = Field(
        None, description="Age: '60' (years), '60 years', '10 months', '6 weeks'"
    )
    dob: Date | None = Field(
        None, description="Date of birth: the age on the order's date (with age, they must agree)"
    )
    sex: Literal["male", "female", "m", "f", "M", "F", "Male", "Female"] | None = None
    serum_creatinine: QuantityText | None = Field(None, description="'0.9 mg/dL' or '80 µmol/L'")
    bilirubin: QuantityText | None = Field(
        None, description="Total bilirubin: '1.0 mg/dL', '17 µmol/L'"
    )
    bilirubin_uln: QuantityText | None = Field(
        None, description="The laboratory's upper limit of normal for bilirubin ('1.2 mg/dL')"
    )
    ast: QuantityText | None = Field(None, description="AST as a multiple of normal: '2.5 x ULN'")
    alt: QuantityText | None = Field(None, description="ALT as a multiple of normal: '1.5 x ULN'")
    child_pugh: Literal["A", "B", "C"] | None = Field(None, description="Child–Pugh class")
    gfr: QuantityText | None = Field(
        None, description="A measured GFR in mL/min (carboplatin by AUC): '100 mL/min'"
    )
    notes: FreeText | None = None


class Prescribed(Strict):
    """One prescribed drug: the amount to give on each of its days."""

    drug: Identifier
    dose: QuantityText = Field(description="Amount per administration day: '258 mg'")
    days: Days = Field(description="[1], '1-3'")
    dose_percent: Percent | None = Field(
        None, description="This drug alone given at a reduced dose (1–100), with its reason"
    )
    reason: Reason | None = Field(None, description="Why this drug is reduced ('CrCl 55')")
    route: OneLine | None = None
    notes: FreeText | None = None


class Labs(Strict):
    """Blood counts, with the day the labs were drawn (and the creatinine's and bilirubin's
    days when those were drawn on another day)."""

    date: Date | None = Field(
        None,
        description="When these labs were drawn; also the creatinine's and bilirubin's date "
        "unless they have their own",
    )
    anc: QuantityText | None = Field(
        None, description="Neutrophils: '1.2 x10^9/L', '1.2 G/L', '1200 /µL'"
    )
    platelets: QuantityText | None = Field(
        None, description="Platelets: '150 x10^9/L', '150 G/L', '150000 /µL'"
    )
    creatinine_date: Date | None = Field(None, description="When the creatinine was drawn")
    bilirubin_date: Date | None = Field(None, description="When the bilirubin was drawn")


class OrderAcknowledgement(Strict):
    check: Identifier
    drug: Identifier | None = None
    reason: Reason


class OrderFile(Strict):
    """A chemotherapy order to verify."""

    patient: OrderPatient
    regimen: Identifier = Field(description="Regimen name, alias, or file")
    cycle: Cycle
    date: Date = Field(description="The day the cycle is to start, YYYY-MM-DD")
    bsa_formula: Identifier | None = None
    bsa: QuantityText | None = Field(None, description="The BSA written on the order, to compare")
    bsa_cap: QuantityText | None = Field(
        None, description="An institution's BSA cap ('2.0 m2'); needs cap_reason"
    )
    cap_reason: Reason | None = Field(None, description="Why the BSA is capped (ASCO 2021)")
    gfr_method: Literal["measured", "cockcroft-gault", "ckd-epi-2021-absolute"] | None = Field(
        None,
        description="Where carboplatin's GFR comes from (else the regimen's, else the "
        "thresholds file's)",
    )
    labs: Labs | None = Field(None, description="Blood counts and the dates of the labs")
    dose_percent: Percent | None = Field(None, description="The whole cycle at a reduced dose")
    crcl_weight: CrclWeight | None = Field(
        None, description="Cockcroft–Gault weight: actual, ideal, adjusted or standard"
    )
    prescribed: list[Prescribed] = Field(min_length=1)
    history: list[Entry] | Identifier | None = Field(
        None,
        description="What was given before: a course file's path, or its administrations "
        "inline ([] for a first course)",
    )
    acknowledge: list[OrderAcknowledgement] = Field(default_factory=list)
    notes: FreeText | None = None
