"""Patient-level thresholds: plausible ranges of what is typed or computed, and policies.

Read once from ``osdose/data/thresholds.yaml`` or the file an institution supplies
(``--thresholds FILE``, ``$OSDOSE_THRESHOLDS``). Every value keeps its source; a value
marked unconfirmed says so wherever osdose shows it (:meth:`Limit.cited`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from osdose import clock, reader
from osdose.errors import InputError

ENV = "OSDOSE_THRESHOLDS"
# A file larger than this (of any kind: regimen, course, order, batch, drug table, FHIR
# bundle) is refused before it is read: far above any file osdose writes for a real
# pharmacy (a million-record export is about 150 MB of YAML), a bound on memory against a
# wrong file. An institution changes it (input.max_file_bytes).
DEFAULT_MAX_FILE_BYTES = reader.DEFAULT_MAX_FILE_BYTES
# The longest list of a FHIR file read (input.max_fhir_list_items): a longer one is refused
# before validation, which would otherwise collect an error per item (millions, gigabytes).
DEFAULT_MAX_FHIR_LIST_ITEMS = 10_000


@dataclass(frozen=True)
class Limit:
    """A plausible range ``low``–``high`` in ``unit``, with its source."""

    low: float
    high: float
    unit: str
    source: str
    unconfirmed: bool = False

    def cited(self) -> str:
        return cite(self.source, self.unconfirmed)


def cite(source: str, unconfirmed: bool) -> str:
    """A source as shown in output: ``unconfirmed`` stands first when it is."""
    return f"unconfirmed: {source}" if unconfirmed else source


@dataclass(frozen=True)
class Thresholds:
    path: str
    height: Limit  # cm
    weight: Limit  # kg
    bsa: Limit  # m²
    bmi: Limit  # kg/m²
    weight_change_warn: float
    weight_change_fail: float
    weight_change_source: str
    crcl_weight: str
    crcl_obese_above_percent: float
    crcl_adjusted_factor: float
    crcl_weight_source: str
    history_future_days: int
    order_future_days: int
    confirm_above_max_factor: float
    confirm_source: str
    labs_stale_days: int
    labs_source: str
    gfr_cap_ml_min: float
    default_gfr_method: str
    calvert_source: str
    small_weight_kg: float
    small_bsa_m2: float
    small_age_years: float
    small_source: str
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_fhir_list_items: int = DEFAULT_MAX_FHIR_LIST_ITEMS


_PATH: list[str] = []  # set by the CLI's --thresholds


def use(path: str | Path | None) -> None:
    """Use the thresholds at ``path`` from now on (``None``: the environment or shipped)."""
    _PATH[:] = [str(path)] if path else []


def current() -> Thresholds:
    """The thresholds in use: ``--thresholds``, else ``$OSDOSE_THRESHOLDS``, else shipped."""
    path = _PATH[0] if _PATH else os.environ.get(ENV) or ""
    return _load(path)


@cache
def _load(path: str) -> Thresholds:
    if not path:
        from osdose import prebuilt

        held = prebuilt.shipped_thresholds()  # the shipped file as this code builds it
        if held is not None:
            return held  # type: ignore[no-any-return]
    from osdose import units
    from osdose.documents import validate
    from osdose.formats.thresholds import Range, ThresholdsFile
    from osdose.reader import load, parse_text

    if path:
        # the thresholds say how large a file may be: their own file is read with the default
        doc = load(path, DEFAULT_MAX_FILE_BYTES, what="thresholds file")
    else:
        text = resources.files("osdose").joinpath("data/thresholds.yaml").read_text("utf-8")
        doc = parse_text(text, "thresholds.yaml")
    f = validate(doc, ThresholdsFile, "a thresholds file")

    def limit(name: str, r: Range, unit: str, dimension: str) -> Limit:
        at = ("plausible", name)
        try:
            low = units.expect(units.parse(r.min, f"{name}.min"), dimension, name, unit)
            high = units.expect(units.parse(r.max, f"{name}.max"), dimension, name, unit)
        except InputError as exc:
            raise doc.error(at, str(exc)) from None
        lo, hi = low.to(unit), high.to(unit)
        if not 0 < lo < hi:
            raise doc.error(at, f"{name}: min must be above 0 and below max")
        return Limit(lo, hi, unit, r.source, r.unconfirmed)

    p = f.plausible
    return Thresholds(
        path=doc.path,
        height=limit("height", p.height, "cm", "length"),
        weight=limit("weight", p.weight, "kg", "mass"),
        bsa=limit("bsa", p.bsa, "m2", "area"),
        bmi=limit("bmi", p.bmi, "kg/m2", "mass/area"),
        weight_change_warn=f.weight_change.warn_percent,
        weight_change_fail=f.weight_change.fail_percent,
        weight_change_source=cite(f.weight_change.source, f.weight_change.unconfirmed),
        crcl_weight=f.crcl_weight.default,
        crcl_obese_above_percent=f.crcl_weight.obese_above_percent_of_ideal,
        crcl_adjusted_factor=f.crcl_weight.adjusted_factor,
        crcl_weight_source=cite(f.crcl_weight.source, f.crcl_weight.unconfirmed),
        history_future_days=f.dates.history_future_days,
        order_future_days=f.dates.order_future_days,
        confirm_above_max_factor=f.ledger.confirm_above_max_factor,
        confirm_source=cite(f.ledger.source, f.ledger.unconfirmed),
        labs_stale_days=f.labs.stale_days,
        labs_source=cite(f.labs.source, f.labs.unconfirmed),
        gfr_cap_ml_min=_quantity(
            doc, ("calvert", "gfr_cap"), f.calvert.gfr_cap, "volume/time", "mL/min"
        ),
        default_gfr_method=f.calvert.default_gfr_method,
        calvert_source=cite(f.calvert.source, f.calvert.unconfirmed),
        small_weight_kg=_quantity(
            doc, ("small_patient", "weight_below"), f.small_patient.weight_below, "mass", "kg"
        ),
        small_bsa_m2=_quantity(
            doc, ("small_patient", "bsa_below"), f.small_patient.bsa_below, "area", "m2"
        ),
        small_age_years=_years(doc, ("small_patient", "age_below"), f.small_patient.age_below),
        small_source=cite(f.small_patient.source, f.small_patient.unconfirmed),
        max_file_bytes=f.input.max_file_bytes if f.input else DEFAULT_MAX_FILE_BYTES,
        max_fhir_list_items=(
            f.input.max_fhir_list_items if f.input else DEFAULT_MAX_FHIR_LIST_ITEMS
        ),
    )


def _quantity(doc: Any, at: tuple[str, ...], text: str, dimension: str, unit: str) -> float:
    from osdose import units

    try:
        return units.expect(units.parse(text, at[-1]), dimension, at[-1], unit).to(unit)
    except InputError as exc:
        raise doc.error(at, str(exc)) from None


def _years(doc: Any, at: tuple[str, ...], text: str) -> float:
    from osdose.age import age_years

    try:
        return age_years(text, at[-1])
    except InputError as exc:
        raise doc.error(at, str(exc)) from None


def max_file_bytes() -> int:
    """The largest file osdose reads (the thresholds file's ``input.max_file_bytes``,
    default 1 GiB): the one limit of every file, including those osdose's own output may
    become (``ledger export``, batches)."""
    return current().max_file_bytes


def max_fhir_list_items() -> int:
    """The most items a list of a FHIR file may have (``input.max_fhir_list_items``,
    default 10,000), counted before validation."""
    return current().max_fhir_list_items


def check(value: float, limit: Limit, field: str, shown: str) -> float:
    """``value`` if inside ``limit``, else an :class:`InputError` that names the field, the
    value as typed (``shown``), the range and its source."""
    if not limit.low <= value <= limit.high:
        from osdose.units import pretty

        raise InputError(
            field,
            f"{shown} is outside the plausible range {limit.low:g}–{limit.high:g} "
            f"{pretty(limit.unit)}: check the value and its unit",
        )
    return value


def _future_days() -> int:
    return current().history_future_days


# the readers below this module ask it through these (they cannot import it: it reads files)
reader.use_limit(max_file_bytes)
clock.use_future_days(_future_days)
