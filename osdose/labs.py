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
from osdose.errors import InputError, shown

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
            f"must be a concentration with its unit (mg/dL or µmol/L), got {shown(text)}: osdose "
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
            f"must be a multiple of the upper limit of normal like '2.5 x ULN', got {shown(text)}",
        )
    value = float(m.group(1))
    if not 0 < value <= 100:
        raise InputError(field, f"{s} is outside the plausible 0–100 × ULN")
    return value


# -- blood counts ------------------------------------------------------------------------------

#: Plausible counts in × 10⁹/L (a higher value is a unit slip: 1200 written with × 10⁹/L).
COUNT_RANGES = {"anc": (0.0, 100.0), "platelets": (0.0, 2000.0)}
_COUNT = re.compile(r"^\s*([0-9]{1,6}(?:\.[0-9]{1,4})?)\s*(.*?)\s*$")
# Spellings of the unit, after removing spaces and reading µ/μ as u (case kept: G/L is
# giga per litre, g/L would be grams).
_PER_L = {"x10^9/L", "×10^9/L", "x10⁹/L", "×10⁹/L", "x10e9/L", "*10^9/L", "10^9/L", "G/L"}
_PER_UL_THOUSANDS = {"x10^3/uL", "×10^3/uL", "x10³/uL", "×10³/uL", "K/uL", "10^3/uL",
                     "x10^3/mm3", "×10^3/mm3", "x10³/mm³", "×10³/mm³"}  # fmt: skip
_PER_UL = {"/uL", "cells/uL", "/mm3", "/mm³", "cells/mm3", "cells/mm³"}
COUNT_EXAMPLES = "'1.2 x10^9/L', '1.2 G/L' or '1200 /µL'"


def count_g_per_l(text: Any, field: str) -> float:
    """A blood count in × 10⁹/L from ``1.2 x10^9/L``, ``1.2 ×10⁹/L``, ``1.2 G/L``,
    ``1.2 K/µL`` (× 10³/µL is the same number), ``1200 /µL`` or ``1200 cells/uL`` (÷ 1000).
    A bare number is refused: 1.2 and 1200 are both written for the same count."""
    s = str(text) if isinstance(text, (str, int, float)) and not isinstance(text, bool) else ""
    m = _COUNT.match(s)
    unit = m.group(2).replace(" ", "").replace("µ", "u").replace("μ", "u") if m else ""
    if m is None or not unit:
        raise InputError(
            field, f"must be a count with its unit ({COUNT_EXAMPLES}), got {shown(text)}: osdose "
            "never guesses which"
        )  # fmt: skip
    value = float(m.group(1))
    if unit in _PER_L or unit in _PER_UL_THOUSANDS:
        result = value
    elif unit in _PER_UL:
        result = value / 1000.0
    else:
        raise InputError(field, f"unit {m.group(2)!r} is not a count unit: write {COUNT_EXAMPLES}")
    low, high = COUNT_RANGES.get(field, (0.0, 2000.0))
    if not low <= result <= high:
        hint = (
            f" (did you mean {m.group(1)} /µL = {result / 1000:g} × 10⁹/L?)"
            if unit not in _PER_UL
            else ""
        )
        raise InputError(
            field,
            f"{s.strip()} is outside the plausible {low:g}–{high:g} × 10⁹/L{hint}",
        )
    return result
