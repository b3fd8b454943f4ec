"""The regimen file format: one YAML file per regimen."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from osdose.fields import (
    INT_SCHEMA,
    NUMBER_SCHEMA,
    Days,
    FreeText,
    Identifier,
    OneLine,
    PastDate,
    QuantityText,
    Reason,
    decimal_in,
    whole_in,
)
from osdose.formats.common import Strict

DaysText = Annotated[
    Days, Field(description="Days of the cycle it is given on: [1, 8], 1, '1-5' or '1-3, 8'")
]


class Acknowledgement(Strict):
    """An intended exception to a lint rule, written next to what it excuses."""

    rule: Identifier = Field(description="The lint rule id this excuses, e.g. dose-implausible")
    reason: Reason = Field(description="Why the exception is intended (shown in reports)")


class PaediatricWhen(Strict):
    """When a small-patient rule applies: every condition given must hold."""

    weight_below: QuantityText | None = Field(None, description="'10 kg'")
    bsa_below: QuantityText | None = Field(None, description="'0.6 m2'")
    age_below: QuantityText | None = Field(None, description="'1 year', '12 months'")


class PaediatricRule(Strict):
    """A small-patient rule: per-kg (dose per kg = dose per m² ÷ divisor) or a percent."""

    when: PaediatricWhen
    rule: Literal["per-kg", "percent"]
    divisor: Annotated[float, decimal_in(1, 100), NUMBER_SCHEMA] | None = Field(
        None, description="With per-kg: dose per kg = dose per m² ÷ divisor (commonly 30)"
    )
    percent: Annotated[float, decimal_in(1, 100), NUMBER_SCHEMA] | None = Field(
        None, description="With percent: the share of the dose given"
    )
    source: FreeText | None = None


class DrugEntry(Strict):
    """One drug of a regimen. Give exactly one of dose, dose_per_day or dose_per_cycle."""

    drug: Identifier = Field(
        description="Drug name or synonym from the drug table (DDP → cisplatin)"
    )
    dose: QuantityText | None = Field(
        None,
        description="Dose per administration day: '120 mg/m2', '5 mg/kg', '12 mg', '10000 IU/m2'",
    )
    dose_per_day: QuantityText | None = Field(
        None, description="The same as dose, named explicitly: dose per administration day"
    )
    dose_per_cycle: QuantityText | None = Field(
        None, description="Total per cycle, divided equally over the listed days by osdose"
    )
    days: DaysText
    route: OneLine | None = Field(None, description="IV, PO, SC, IM, IT …")
    diluent: FreeText | None = None
    volume: FreeText | None = Field(None, description="Infusion volume, e.g. '500 mL'")
    duration: FreeText | None = Field(None, description="Infusion duration, e.g. '2 h'")
    max_dose: QuantityText | None = Field(
        None,
        description="Cap per administration day, flat ('2 mg'), applied after dose percent; "
        "'none' (with an acknowledgement of absolute-cap) where the drug table's cap is "
        "intentionally not applied",
    )
    notes: FreeText | None = None
    source: FreeText | None = Field(
        None,
        description="Where this dose comes from: 'case report', or 'assumed: …' with a reference",
    )
    paediatric: list[PaediatricRule] = Field(
        default_factory=list,
        description="Small-patient rules for this drug (else the regimen's); the first that "
        "matches applies",
    )
    gfr: Literal["measured", "cockcroft-gault", "ckd-epi-2021-absolute"] | None = Field(
        None, description="For an AUC dose: where the GFR comes from (default cockcroft-gault)"
    )
    acknowledge: list[Acknowledgement] = Field(
        default_factory=list, description="Intended exceptions to lint rules for this drug"
    )


class CountGate(Strict):
    """A blood-count gate before a cycle: below the count, delay the cycle or give a percent."""

    anc_below: Annotated[float, decimal_in(0, 100), NUMBER_SCHEMA] | None = Field(
        None, description="Neutrophils (× 10⁹/L) below which the gate applies"
    )
    platelets_below: Annotated[float, decimal_in(0, 2000), NUMBER_SCHEMA] | None = Field(
        None, description="Platelets (× 10⁹/L) below which the gate applies"
    )
    action: Literal["delay"] | None = None
    percent: Annotated[float, decimal_in(1, 100), NUMBER_SCHEMA] | None = None
    source: FreeText | None = None


class SupportiveCare(Strict):
    hydration: FreeText | None = None
    antiemetic: FreeText | None = None
    mesna: FreeText | None = None
    growth_factor: FreeText | None = None
    other: list[FreeText] = Field(default_factory=list)


class Approval(Strict):
    """Who approved this version of the regimen for use, and when."""

    by: Reason = Field(
        description="Who approved it: a committee or person, and what was reviewed "
        "(one line), e.g. 'Pharmacy & Therapeutics Committee, minute 2026-14'"
    )
    date: PastDate = Field(description="When it was approved, YYYY-MM-DD (not in the future)")


class RegimenFile(Strict):
    """A chemotherapy regimen: one YAML file per regimen."""

    name: Identifier = Field(description="The regimen's own name, e.g. DIA or DDP+EPI")
    aliases: list[Identifier] = Field(
        default_factory=list, description="Other names it is found by"
    )
    description: FreeText | None = None
    indication: FreeText | None = None
    cycle_length_days: Annotated[int, whole_in(1, 365), INT_SCHEMA] = Field(
        description="Length of one cycle in days"
    )
    cycles: Annotated[int, whole_in(1, 100), INT_SCHEMA] | None = Field(
        None, description="Usual number of cycles"
    )
    drugs: list[DrugEntry] = Field(min_length=1)
    supportive_care: SupportiveCare | None = None
    references: list[FreeText] = Field(default_factory=list, description="Sources of the regimen")
    assumptions: list[FreeText] = Field(
        default_factory=list, description="Values not in the source, each with where it comes from"
    )
    notes: FreeText | None = None
    paediatric: list[PaediatricRule] = Field(
        default_factory=list, description="Small-patient rules for every drug without its own"
    )
    counts: list[CountGate] = Field(
        default_factory=list,
        description="Blood-count gates before a cycle, most severe first (× 10⁹/L)",
    )
    acknowledge: list[Acknowledgement] = Field(
        default_factory=list, description="Intended exceptions to regimen-level lint rules"
    )
    status: Literal["draft", "active", "retired"] = Field(
        "active",
        description="Life cycle: draft (calculated with a loud warning), active (in use; "
        "needs approved), retired (never calculated for new treatment). Default active, "
        "for files written before osdose knew a status",
    )
    version: Annotated[int, whole_in(1, 1_000_000), INT_SCHEMA] | None = Field(
        None,
        description="Version of the regimen, a whole number that must increase whenever a "
        "dose changes (osdose lint --base REF checks it)",
    )
    approved: Approval | None = Field(
        None, description="Who approved this version for use, and when (an active regimen needs it)"
    )
    superseded_by: Identifier | None = Field(
        None,
        description="With status retired: the name of the regimen that replaces this one",
    )
