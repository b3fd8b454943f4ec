"""The drug table file (``osdose/data/drugs.yaml``, or ``--drugs FILE``), format 2."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from osdose.fields import (
    INT_SCHEMA,
    NUMBER_SCHEMA,
    Bool,
    FreeText,
    Identifier,
    QuantityText,
    decimal_in,
    whole_in,
)
from osdose.formats.common import Sourced, Strict

Percent0 = Annotated[float, decimal_in(0, 100), NUMBER_SCHEMA]
Bound = Annotated[float, decimal_in(0, 1e6), NUMBER_SCHEMA]


class Ceiling(Sourced):
    """A lifetime maximum: ``warn`` starts the warn band, above ``max`` is over."""

    warn: QuantityText | None = Field(None, description="Start of the warn band: '900 mg/m2'")
    max: QuantityText | None = Field(None, description="The maximum: '1000 mg/m2'")


class AgeCeiling(Ceiling):
    """A lifetime maximum that applies in an age range (children)."""

    age_from: QuantityText | None = Field(None, description="From this age: '2 years'")
    age_below: QuantityText | None = Field(None, description="Below this age: '18 years'")


class Watch(Strict):
    """A cumulative threshold to monitor (not a maximum)."""

    at: QuantityText
    reason: FreeText
    source: FreeText | None = None
    unconfirmed: Bool = False


class Maximum(Sourced):
    """A usual maximum dose and the period it is stated for."""

    dose: QuantityText = Field(description="'100 mg/m2', '2 mg'")
    per: Literal["administration", "day", "cycle", "week"]
    cycle_days: Annotated[int, whole_in(1, 365), INT_SCHEMA] | None = Field(
        None, description="With per: cycle, the cycle length the source assumes"
    )


class Cap(Sourced):
    """An absolute cap per administration that dose calculation applies even when a regimen
    gives none (vincristine 2 mg)."""

    dose: QuantityText
    per: Literal["administration"] = "administration"


class Band(Strict):
    """One row of an adjustment rule: first match wins; from/to inclusive, above/below
    exclusive; or a Child–Pugh class."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: Bound | None = Field(None, alias="from")
    to: Bound | None = None
    above: Bound | None = None
    below: Bound | None = None
    child_pugh: Literal["A", "B", "C"] | None = Field(None, alias="class")
    percent: Percent0
    action: FreeText | None = None


Measure = Literal[
    "crcl",
    "egfr_absolute",
    "creatinine",
    "bilirubin",
    "bilirubin_x_uln",
    "ast_x_uln",
    "alt_x_uln",
    "child_pugh",
    "none",
]


class Rule(Sourced):
    """A renal or hepatic dose rule on one measure; ``measure: none`` states (with its
    source) that no adjustment is needed."""

    measure: Measure
    bands: list[Band] = Field(default_factory=list)


class DrugUnits(Sourced):
    """For a drug dosed in international units: what a bare "unit" means."""

    bare_unit_means: Literal["USP"]
    iu_per_unit: Annotated[float, decimal_in(1, 1e6), NUMBER_SCHEMA]
    floor_iu_per_administration: Annotated[float, decimal_in(0, 1e9), NUMBER_SCHEMA]


MAX_VIALS = 20  # vial sizes of one drug: the combination search grows with their number
MAX_BANDS = 100  # dose bands of one drug


class RoundingBand(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: QuantityText = Field(alias="from")
    to: QuantityText
    dose: QuantityText


class Rounding(Strict):
    method: Literal["nearest", "nearest_mg", "vials", "bands"]
    step: QuantityText | None = Field(
        default=None,
        description="Methods nearest and nearest_mg: the step (1 mg if not given); "
        "refused under another method",
    )
    vials: list[QuantityText] = Field(
        default_factory=list,
        max_length=MAX_VIALS,
        description="Method vials: the vial sizes (at most 20); refused under another method",
    )
    bands: list[RoundingBand] = Field(
        default_factory=list,
        max_length=MAX_BANDS,
        description="Method bands: the dose bands (at most 100); refused under another method",
    )
    source: FreeText | None = None


class Code(Sourced):
    code: Identifier | None = Field(description="The code; null when none could be checked")


class DrugEntry(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    synonyms: list[Identifier] = Field(default_factory=list)
    class_: FreeText = Field(alias="class")
    bases: list[Literal["m2", "kg", "flat", "auc"]] = Field(min_length=1)
    rxnorm: Code | None = None
    ceiling: Ceiling | None = None
    age_ceilings: list[AgeCeiling] = Field(default_factory=list)
    watch: list[Watch] = Field(default_factory=list)
    maxima: list[Maximum] = Field(default_factory=list)
    cap: Cap | None = None
    renal: list[Rule] = Field(default_factory=list)
    hepatic: list[Rule] = Field(default_factory=list)
    units: DrugUnits | None = None
    rounding: Rounding | None = None
    notes: FreeText | None = None


class EquivalenceTable(Sourced):
    factors: dict[Identifier, Annotated[float, decimal_in(0.001, 1000), NUMBER_SCHEMA]]


class CombinedGroup(Sourced):
    """Drugs whose exposure adds up against one ceiling (anthracyclines)."""

    basis: Literal["doxorubicin-equivalent"]
    classes: list[FreeText] = Field(min_length=1)
    reference_drug: Identifier


class DrugTableFile(Strict):
    """Drug names, classes and thresholds, each with its source."""

    version: Literal["2"]
    default_equivalence: Identifier
    equivalence_tables: dict[Identifier, EquivalenceTable] = Field(min_length=1)
    combined: dict[Identifier, CombinedGroup] = Field(default_factory=dict)
    drugs: dict[Identifier, DrugEntry] = Field(min_length=1)
