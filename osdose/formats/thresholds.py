"""The thresholds file (``osdose/data/thresholds.yaml``, or ``--thresholds FILE``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from osdose.fields import INT_SCHEMA, NUMBER_SCHEMA, QuantityText, decimal_in, whole_in
from osdose.formats.common import Sourced, Strict


class Range(Sourced):
    min: QuantityText
    max: QuantityText


class Plausible(Strict):
    height: Range
    weight: Range
    bsa: Range
    bmi: Range


class WeightChange(Sourced):
    warn_percent: Annotated[float, decimal_in(0, 100), NUMBER_SCHEMA]
    fail_percent: Annotated[float, decimal_in(0, 100), NUMBER_SCHEMA]


class CrclWeight(Sourced):
    default: Literal["actual", "ideal", "adjusted", "standard"]
    obese_above_percent_of_ideal: Annotated[float, decimal_in(100, 300), NUMBER_SCHEMA]
    adjusted_factor: Annotated[float, decimal_in(0, 1), NUMBER_SCHEMA]


class Dates(Sourced):
    history_future_days: Annotated[int, whole_in(0, 366), INT_SCHEMA]
    order_future_days: Annotated[int, whole_in(0, 3660), INT_SCHEMA]


class Ledger(Sourced):
    confirm_above_max_factor: Annotated[float, decimal_in(1, 100), NUMBER_SCHEMA]


class Labs(Sourced):
    stale_days: Annotated[int, whole_in(0, 365), INT_SCHEMA]


class Calvert(Sourced):
    gfr_cap: QuantityText
    default_gfr_method: Literal["cockcroft-gault", "ckd-epi-2021-absolute"]


class SmallPatient(Sourced):
    weight_below: QuantityText
    bsa_below: QuantityText
    age_below: QuantityText


class Input(Sourced):
    max_file_bytes: Annotated[int, whole_in(1 << 20, 1 << 40), INT_SCHEMA] = Field(
        description="The largest file osdose reads, of any kind, in bytes (1 MiB to 1 TiB); "
        "a larger file, a device or a pipe is refused before it is read"
    )
    max_fhir_list_items: Annotated[int, whole_in(10, 1 << 30), INT_SCHEMA] = Field(
        default=10_000,  # thresholds.DEFAULT_MAX_FHIR_LIST_ITEMS
        description="The most items of any one list in a FHIR file (Bundle.entry included), "
        "counted before the file is validated: a longer list is refused, so that a wrong "
        "file cannot make the validator collect millions of errors",
    )


class ThresholdsFile(Strict):
    """Patient-level plausibility limits and policies, each with its source."""

    version: Literal["1"] = Field(description="Format version: 1")
    plausible: Plausible
    weight_change: WeightChange
    crcl_weight: CrclWeight
    dates: Dates
    ledger: Ledger
    labs: Labs
    calvert: Calvert
    small_patient: SmallPatient
    input: Input | None = Field(
        None, description="Bounds on what osdose reads; default: files of at most 1 GiB"
    )
