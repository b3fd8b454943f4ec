"""A patient's body measurements from what was typed: height, weight and BSA, each of the
right dimension and inside its plausible range, and the pair checked together (BMI).

The ranges come from the thresholds file (:mod:`osdose.thresholds`); a computed BSA is
held to the same range as a typed one (:func:`osdose.bsa.compute`).
"""

from __future__ import annotations

from typing import Any

from osdose import thresholds, units
from osdose.errors import InputError


def _measure(text: Any, field: str, dimension: str, unit: str, example: str) -> tuple[float, str]:
    q = units.parse(text, field, example=example)
    units.expect(q, dimension, field, units.dimension_words(dimension))
    return q.to(unit), q.text


def height_cm(text: Any, field: str = "height") -> float:
    """A height in cm, checked for dimension and plausibility."""
    value, shown = _measure(text, field, "length", "cm", "cm")
    return thresholds.check(value, thresholds.current().height, field, shown)


def weight_kg(text: Any, field: str = "weight") -> float:
    """A weight in kg, checked for dimension and plausibility."""
    value, shown = _measure(text, field, "mass", "kg", "kg")
    return thresholds.check(value, thresholds.current().weight, field, shown)


def bsa_m2(text: Any, field: str = "bsa") -> float:
    """A BSA in m² (a bare number is read as m²: a BSA has no other unit), plausible."""
    s = text if isinstance(text, str) else repr(text) if isinstance(text, float) else text
    if isinstance(s, (str, int)) and not isinstance(s, bool) and units.is_bare_number(str(s)):
        s = f"{s} m2"
    q = units.parse(s, field)
    if q.dimension != "area":
        raise InputError(field, f"must be an area in m², got {q.text}")
    return thresholds.check(q.to("m2"), thresholds.current().bsa, field, q.text)


def bmi(height_cm: float, weight_kg: float) -> float:
    return weight_kg / (height_cm / 100.0) ** 2


def check_pair(height_cm: float, weight_kg: float) -> None:
    """Refuse a height and weight that cannot belong to one person (BMI outside the
    plausible range): a typing or unit error in one of them."""
    value = bmi(height_cm, weight_kg)
    limit = thresholds.current().bmi
    if not limit.low <= value <= limit.high:
        raise InputError(
            "height and weight",
            f"{height_cm:g} cm with {weight_kg:g} kg give a BMI of {value:.1f} kg/m², outside "
            f"the plausible {limit.low:g}–{limit.high:g} kg/m²: one of them is mistyped or in "
            "the wrong unit",
        )
