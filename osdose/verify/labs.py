"""Laboratory values on an order, and creatinine clearance by Cockcroft–Gault.

Serum creatinine and bilirubin are accepted in mg/dL or µmol/L and kept in mg/dL, the unit
of the adjustment tables. Conversion factors follow from the molar masses:
creatinine 113.12 g/mol → 1 mg/dL = 10 000 / 113.12 = 88.4 µmol/L (the factor the clinical
reference gives); bilirubin 584.66 g/mol → 1 mg/dL = 10 000 / 584.66 = 17.1 µmol/L.

Cockcroft DW, Gault MH, Nephron 1976: CrCl (mL/min) = (140 − age) × weight kg /
(72 × SCr mg/dL), × 0.85 for women. It is an adult formula; osdose does not apply it under 18.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from osdose import units
from osdose.errors import InputError

CREATININE_UMOL_PER_MG_DL = 88.4
BILIRUBIN_UMOL_PER_MG_DL = 17.1
ADULT_AGE = 18

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
# The spellings people write on an order; anything else goes to pint.
_FAST = re.compile(
    rf"^\s*({_NUMBER})\s*(mg/dl|mg/dL|µmol/L|µmol/l|umol/L|umol/l|μmol/L|μmol/l|mcmol/L)\s*$"
)
_RANGES = {"serum_creatinine": (0.1, 25.0), "bilirubin": (0.05, 50.0)}


def _per_mg_dl(field: str) -> float:
    return CREATININE_UMOL_PER_MG_DL if field == "serum_creatinine" else BILIRUBIN_UMOL_PER_MG_DL


def concentration_mg_dl(text: object, field: str) -> float:
    """A serum concentration in mg/dL from ``0.9 mg/dL`` or ``80 µmol/L`` (never a bare
    number: a creatinine of 80 could be either unit)."""
    s = str(text).strip() if not isinstance(text, bool) and text is not None else ""
    if (isinstance(text, (int, float)) and not isinstance(text, bool)) or not s:
        raise InputError(
            field, f"must be a concentration with its unit (mg/dL or µmol/L), got {text!r}"
        )
    m = _FAST.match(s)
    if m:
        value = float(m.group(1))
        molar = "mol" in m.group(2)
    else:
        q = units.parse(s, field)
        dims = dict(q.dimensionality)
        if dims == {"[mass]": 1, "[length]": -3}:
            value, molar = float(q.to("mg/dL").magnitude), False
        elif dims == {"[substance]": 1, "[length]": -3}:
            value, molar = float(q.to("µmol/L").magnitude), True
        else:
            raise InputError(field, f"must be in mg/dL or µmol/L, got {s!r}")
    mg_dl = value / _per_mg_dl(field) if molar else value
    low, high = _RANGES[field]
    if not low <= mg_dl <= high:
        raise InputError(
            field,
            f"{s} ({mg_dl:.3g} mg/dL) is outside the plausible range {low:g}–{high:g} mg/dL: "
            "check the value and its unit",
        )
    return mg_dl


@dataclass(frozen=True)
class Clearance:
    """A Cockcroft–Gault creatinine clearance and the arithmetic that gave it."""

    ml_min: float
    work: str


def cockcroft_gault(age: int, weight_kg: float, scr_mg_dl: float, sex: str) -> Clearance:
    """CrCl in mL/min; ``sex`` is ``male`` or ``female``; age in years (adults only)."""
    value = (140 - age) * weight_kg / (72 * scr_mg_dl)
    work = (
        f"CrCl = (140 − {age}) × {weight_kg:g} kg / (72 × {scr_mg_dl:.4g} mg/dL) "
        f"= {value:.1f} mL/min"
    )
    if sex == "female":
        value *= 0.85
        work += f" × 0.85 (female) = {value:.1f} mL/min"
    return Clearance(value, work + " (Cockcroft–Gault)")
