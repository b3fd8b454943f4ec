"""Laboratory values as written on an order: serum creatinine and bilirubin (kept in mg/dL,
the unit of the drug table's rules), and liver enzymes as a multiple of the upper limit of
normal.

Unit factors (clinical.md §10): creatinine µmol/L ÷ 88.42 = mg/dL (mg/L ÷ 10; mmol/L ×
1000 ÷ 88.42) — 113.12 g/mol; bilirubin µmol/L ÷ 17.1 = mg/dL — 584.66 g/mol. A bare
number is refused: a creatinine of 80 could be either unit.
"""

from __future__ import annotations

import re
from typing import Any

from osdose import units
from osdose.errors import InputError

CREATININE_UMOL_PER_MG_DL = 88.42
BILIRUBIN_UMOL_PER_MG_DL = 17.1
_PER_MG_DL = {"serum_creatinine": CREATININE_UMOL_PER_MG_DL, "bilirubin": BILIRUBIN_UMOL_PER_MG_DL}
RANGES = {
    "serum_creatinine": (0.1, 25.0),
    "bilirubin": (0.05, 50.0),
    "bilirubin_uln": (0.1, 5.0),
    "creatinine floor": (0.1, 2.0),
}
_ULN = re.compile(r"^\s*([0-9]{1,4}(?:\.[0-9]{1,4})?)\s*(?:[x×*]\s*)?ULN\s*$", re.IGNORECASE)


def concentration_mg_dl(text: Any, field: str) -> float:
    """A serum concentration in mg/dL from ``0.9 mg/dL``, ``9 mg/L`` or ``80 µmol/L``."""
    if (isinstance(text, (int, float)) and not isinstance(text, bool)) or (
        isinstance(text, str) and units.is_bare_number(text)
    ):
        raise InputError(
            field,
            f"must be a concentration with its unit (mg/dL or µmol/L), got {text!r}: osdose "
            "never guesses which",
        )
    q = units.parse(text, field)
    kind = field if field in _PER_MG_DL else "serum_creatinine"
    if q.dimension == "mass/volume":
        value = q.to("mg/dL")
    elif q.dimension == "substance/volume":
        value = q.to("µmol/L") / _PER_MG_DL[kind]
    else:
        raise InputError(field, f"must be a concentration in mg/dL or µmol/L, got {q.text}")
    low, high = RANGES.get(field, RANGES[kind])
    if not low <= value <= high:
        raise InputError(
            field,
            f"{q.text} ({value:.3g} mg/dL) is outside the plausible range {low:g}–{high:g} "
            "mg/dL: check the value and its unit",
        )
    return value


def times_uln(text: Any, field: str) -> float:
    """A liver enzyme as a multiple of the upper limit of normal: ``2.5 x ULN``."""
    s = str(text).strip() if isinstance(text, str) else ""
    m = _ULN.match(s)
    if not m:
        raise InputError(
            field,
            f"must be a multiple of the upper limit of normal like '2.5 x ULN', got {text!r}",
        )
    value = float(m.group(1))
    if not 0 < value <= 100:
        raise InputError(field, f"{s} is outside the plausible 0–100 × ULN")
    return value
