"""The course file format: a patient and the administrations given.

An administration is one drug on one date (``drug``, ``dose`` with that day's BSA or height
and weight), or a whole cycle of a regimen (``regimen``, ``cycle``) expanded at the
regimen's doses. A single drug may say which cycle it belonged to (``regimen``, ``cycle``,
``day``): the interval check then knows that cycle's length.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from osdose.fields import (
    INT_SCHEMA,
    Bool,
    Date,
    FreeText,
    Identifier,
    OneLine,
    Percent,
    QuantityText,
    whole_in,
)
from osdose.formats.common import Strict

Cycle = Annotated[int, whole_in(1, 1000), INT_SCHEMA]
Day = Annotated[int, whole_in(1, 365), INT_SCHEMA]


class Measured(Strict):
    """Height, weight or BSA of a day (or of the patient, for every day without its own)."""

    height: QuantityText | None = Field(None, description="'175 cm', '5 ft 9 in'")
    weight: QuantityText | None = Field(None, description="'70 kg', '154 lb'")
    bsa: QuantityText | None = Field(None, description="'1.84 m2' (instead of height and weight)")
    bsa_formula: Identifier | None = Field(
        None, description="mosteller (default), dubois, haycock, gehan-george, boyd"
    )


class CoursePatient(Measured):
    id: Identifier = Field(description="The patient's id, exactly as written")
    dob: Date | None = Field(
        None, description="Date of birth (the age at each administration: small-patient rules)"
    )
    age: QuantityText | None = Field(
        None, description="Age during the course when no dob is given: '2 years', '10 months'"
    )
    notes: FreeText | None = None


class Entry(Measured):
    """One administration (drug, dose) or one whole cycle (regimen, cycle)."""

    date: Date = Field(description="The day it was given (a cycle entry: its day 1), YYYY-MM-DD")
    drug: Identifier | None = Field(None, description="The drug given (a single administration)")
    dose: QuantityText | None = Field(
        None, description="The amount given that day: '74 mg', '40 mg/m2', '15 units'"
    )
    regimen: Identifier | None = Field(
        None,
        description="A cycle entry: the regimen given (name or file); with drug: the regimen "
        "the drug was part of",
    )
    cycle: Cycle | None = Field(None, description="The cycle number")
    day: Day | None = Field(None, description="With drug and regimen: the day of the cycle")
    dose_percent: Percent | None = Field(
        None, description="A cycle entry given at a reduced dose: 1–100"
    )
    gfr: QuantityText | None = Field(
        None, description="A carboplatin cycle by AUC: the GFR of that day, '90 mL/min'"
    )
    same_day_intended: Bool = Field(
        False,
        description="true when a second administration of the same drug on the same date is "
        "intended (otherwise refused as a double entry)",
    )
    route: OneLine | None = None
    notes: FreeText | None = None


class CourseFile(Strict):
    """A patient's course: the administrations given, each with the BSA of its day."""

    patient: CoursePatient
    administrations: list[Entry] | None = Field(
        description="What was given, in any order (an empty list for none yet)"
    )


class Entries(Strict):
    """Administrations alone (what ``ledger record`` is given on the command line)."""

    administrations: list[Entry]
