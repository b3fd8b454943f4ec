"""FHIR Quantities as the text osdose's readers take (``221.36 mg``, ``1.8447 m2``), and back.

Only UCUM (``system`` http://unitsofmeasure.org, the ``code`` read, never the display text)
is accepted, and only the codes below: a unit osdose would have to guess is refused with
the reason. The number is written as the resource gives it, so the reader sees the same
value to the last digit.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from osdose.basis import parse_basis
from osdose.errors import OsdoseError
from osdose.fhir.codes import SNOMED, UCUM

# UCUM code → the spelling osdose reads
DOSE_UNITS = {
    "mg": "mg",
    "g": "g",
    "ug": "µg",
    "mg/m2": "mg/m2",
    "g/m2": "g/m2",
    "ug/m2": "µg/m2",
    "mg/kg": "mg/kg",
    "ug/kg": "µg/kg",
    "[iU]": "IU",
    "[IU]": "IU",
    "[iU]/m2": "IU/m2",
    "[IU]/m2": "IU/m2",
    "[iU]/kg": "IU/kg",
    "[IU]/kg": "IU/kg",
    "mg.min/mL": "AUC",  # a target AUC (carboplatin, Calvert): written 'AUC 5'
}
# UCUM codes that look like a dose but are not one osdose can take, and why
NOT_A_DOSE = {
    "U": "'U' is the UCUM enzyme unit (µmol/min), not an international unit ([iU])",
    "[U]": "'[U]' is not an international unit ([iU])",
    "[USP'U]": "USP units are not converted (bleomycin: 1 USP unit = 1,000 IU): give [iU]",
    "mL": "mL is a volume, not an amount of drug",
    "L": "L is a volume, not an amount of drug",
    "mg/d": "a rate per day is not the dose given on one day",
    "mg/h": "a rate is not a dose",
    "mg/(24.h)": "a rate per day is not the dose given on one day",
    "1": "a bare count has no amount of drug",
    "{tbl}": "tablets are not an amount of drug",
}
# SNOMED CT dose units as the HL7 NZ Cancer Control Agency IG uses them in regimens
# (its sact-dose-unit value set), read on PlanDefinition import only.
SNOMED_DOSE_UNITS = {
    "258684004": "mg",
    "258682000": "g",
    "258685003": "µg",
    "404216004": "mg/m2",
    "396163008": "mg/kg",
    "258997004": "IU",
    "414524001": "IU/m2",
    "413573002": "AUC",  # "AUC (area under the curve)" in the NZ IG's sact-dose-unit value set
}
SNOMED_NOT_A_DOSE = {
    "258773002": "mL is a volume, not an amount of drug",
    "118582008": "a percent is not an amount of drug",
}
HEIGHT_UNITS = {"cm": "cm", "m": "m", "mm": "mm", "[in_i]": "in", "[ft_i]": "ft"}
WEIGHT_UNITS = {"kg": "kg", "g": "g", "[lb_av]": "lb"}
AREA_UNITS = {"m2": "m2"}
CREATININE_UNITS = {"mg/dL": "mg/dL", "umol/L": "µmol/L"}

# osdose amount and basis → UCUM code
UCUM_OF = {
    ("mg", "flat"): "mg",
    ("mg", "m2"): "mg/m2",
    ("mg", "kg"): "mg/kg",
    ("IU", "flat"): "[iU]",
    ("IU", "m2"): "[iU]/m2",
    ("IU", "kg"): "[iU]/kg",
    ("mg", "auc"): "mg.min/mL",
}


class QuantityError(OsdoseError):
    """A Quantity osdose does not read; the message is the reason."""


def number(value: Any) -> str:
    """A FHIR decimal as text, digit for digit (``Decimal('221.36')`` → ``221.36``)."""
    return str(value)


def quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    """A UCUM Quantity; ``value`` is written in Python's shortest round-trip form."""
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _get(q: Any, name: str) -> Any:
    return q.get(name) if isinstance(q, dict) else getattr(q, name, None)


@lru_cache(maxsize=256)
def _display_disagrees(display: str, reads_as: str) -> bool:
    # A display that osdose reads as another amount or basis than the code makes the unit
    # ambiguous; a display it cannot read at all ("milligram(s)") is only text.
    if display.strip() == reads_as:
        return False
    try:
        shown = parse_basis(f"1 {display.strip()}")
        coded = parse_basis(f"1 {reads_as}")
    except OsdoseError:
        return False
    return (shown.amount, shown.unit, shown.per) != (coded.amount, coded.unit, coded.per)


def dose_text(q: Any, what: str = "dose", snomed: bool = False) -> str:
    """A dose Quantity as osdose text (``221.36 mg``, ``120 mg/m2``); refuses with why."""
    if q is None:
        raise QuantityError(f"has no {what}")
    value = _get(q, "value")
    if value is None:
        raise QuantityError(f"{what} has no value")
    if _get(q, "comparator") is not None:
        raise QuantityError(
            f"{what} is '{_get(q, 'comparator')} {number(value)}', not the amount given"
        )
    system, code = _get(q, "system"), _get(q, "code")
    unit = _get(q, "unit")
    if system == SNOMED and snomed:
        if code in SNOMED_NOT_A_DOSE:
            raise QuantityError(f"{what} unit SNOMED {code}: {SNOMED_NOT_A_DOSE[code]}")
        if code not in SNOMED_DOSE_UNITS:
            raise QuantityError(f"{what} unit SNOMED {code} ({unit!r}) is not one osdose reads")
        return _as_dose(number(value), SNOMED_DOSE_UNITS[code])
    if system != UCUM or not code:
        shown = f" {unit!r}" if unit else ""
        sys_text = f"system {system!r}" if system else "no system"
        raise QuantityError(
            f"{what} unit{shown} is not UCUM ({sys_text}, code {code!r}): osdose reads "
            f"UCUM codes ({UCUM}) and never guesses a unit from its display text"
        )
    if code in NOT_A_DOSE:
        raise QuantityError(f"{what} unit {code!r}: {NOT_A_DOSE[code]}")
    reads_as = DOSE_UNITS.get(code)
    if reads_as is None:
        raise QuantityError(
            f"{what} unit {code!r} is not one osdose reads ({', '.join(sorted(set(DOSE_UNITS)))})"
        )
    if unit and _display_disagrees(str(unit), reads_as):
        raise QuantityError(f"{what} unit is ambiguous: UCUM code {code!r} but display {unit!r}")
    return _as_dose(number(value), reads_as)


def _as_dose(value: str, unit: str) -> str:
    return f"AUC {value}" if unit == "AUC" else f"{value} {unit}"


def measure_text(q: Any, units: dict[str, str], what: str) -> str:
    """A measurement Quantity (height, weight, BSA, creatinine) as osdose text."""
    if q is None or _get(q, "value") is None:
        raise QuantityError(f"{what} has no value")
    if _get(q, "comparator") is not None:
        raise QuantityError(f"{what} is '{_get(q, 'comparator')} …', not a measured value")
    system, code = _get(q, "system"), _get(q, "code")
    if system != UCUM or code not in units:
        raise QuantityError(
            f"{what} unit {code or _get(q, 'unit')!r} is not a UCUM unit osdose reads for it "
            f"({', '.join(units)})"
        )
    return f"{number(_get(q, 'value'))} {units[code]}"
