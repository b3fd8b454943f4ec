"""The regimen file format as pydantic models: the loader validates with them and
``osdose schema`` prints their JSON Schema, so the format is written down once."""

from __future__ import annotations

from typing import Any

# Strict integers: YAML reads `yes`/`true` as booleans, and pydantic would quietly take them as 1.
from pydantic import BaseModel, ConfigDict, Field, StrictInt

DoseText = str | int | float  # numbers are accepted here so that the unit check can say "no unit"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Acknowledgement(_Strict):
    """An intended exception to a lint rule, written next to what it excuses."""

    rule: str = Field(description="The lint rule id this excuses, e.g. dose-implausible")
    reason: str = Field(
        min_length=3, description="Why the exception is intended (shown in reports)"
    )


class DrugEntry(_Strict):
    """One drug of a regimen. Give exactly one of dose, dose_per_day or dose_per_cycle."""

    drug: str = Field(description="Drug name or synonym from the drug table (DDP → cisplatin)")
    dose: DoseText | None = Field(
        None,
        description="Dose per administration day: '120 mg/m2', '5 mg/kg', '12 mg', '10000 IU/m2'",
    )
    dose_per_day: DoseText | None = Field(
        None, description="The same as dose, named explicitly: dose per administration day"
    )
    dose_per_cycle: DoseText | None = Field(
        None, description="Total per cycle, divided equally over the listed days by osdose"
    )
    days: list[StrictInt] | StrictInt | str = Field(
        description="Days of the cycle it is given on: [1, 8], 1, '1-5' or '1-3, 8'"
    )
    route: str | None = Field(None, description="IV, PO, SC, IM, IT …")
    diluent: str | None = None
    volume: str | None = Field(None, description="Infusion volume, e.g. '500 mL'")
    duration: str | None = Field(None, description="Infusion duration, e.g. '2 h'")
    max_dose: DoseText | None = Field(
        None, description="Cap per administration day, flat ('2 mg'), applied after dose percent"
    )
    notes: str | None = None
    source: str | None = Field(
        None,
        description="Where this dose comes from: 'case report', or 'assumed: …' with a reference",
    )
    acknowledge: list[Acknowledgement] = Field(
        default_factory=list, description="Intended exceptions to lint rules for this drug"
    )


class SupportiveCare(_Strict):
    hydration: str | None = None
    antiemetic: str | None = None
    mesna: str | None = None
    growth_factor: str | None = None
    other: list[str] = Field(default_factory=list)


class RegimenFile(_Strict):
    """A chemotherapy regimen: one YAML file per regimen."""

    name: str = Field(min_length=1, description="The regimen's own name, e.g. DIA or DDP+EPI")
    aliases: list[str] = Field(default_factory=list, description="Other names it is found by")
    description: str | None = None
    indication: str | None = None
    cycle_length_days: StrictInt = Field(ge=1, le=365, description="Length of one cycle in days")
    cycles: StrictInt | None = Field(None, ge=1, le=100, description="Usual number of cycles")
    drugs: list[DrugEntry] = Field(min_length=1)
    supportive_care: SupportiveCare | None = None
    references: list[str] = Field(default_factory=list, description="Sources of the regimen")
    assumptions: list[str] = Field(
        default_factory=list, description="Values not in the source, each with where it comes from"
    )
    notes: str | None = None
    acknowledge: list[Acknowledgement] = Field(
        default_factory=list, description="Intended exceptions to regimen-level lint rules"
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of regimen files."""
    schema = RegimenFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/osdose/osdose/schema/regimen.schema.json"
    return schema


FIELD_NAMES: dict[str, list[str]] = {
    "regimen": list(RegimenFile.model_fields),
    "drug": list(DrugEntry.model_fields),
    "supportive_care": list(SupportiveCare.model_fields),
    "acknowledge": list(Acknowledgement.model_fields),
}
