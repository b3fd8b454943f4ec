"""A patient's body measurements from what was typed: height, weight and BSA, each of the
right dimension and inside its plausible range, and the pair checked together (BMI).

The ranges come from the thresholds file (:mod:`osdose.thresholds`); a computed BSA is
held to the same range as a typed one (:func:`osdose.bsa.compute`).
"""

from __future__ import annotations

from typing import Any

from osdose import thresholds, units
from osdose.age import age_at, age_years
from osdose.errors import InputError

#: The units a bare number of a height or weight could have been meant in (to the base unit).
_GUESSES = {"length": (("cm", 1.0), ("m", 100.0), ("in", 2.54)),
            "mass": (("kg", 1.0), ("lb", 0.45359237), ("g", 0.001))}  # fmt: skip


def _example(text: Any, dimension: str, limit: thresholds.Limit) -> str:
    """For a bare number, the units in which it would be a plausible value ('1.6' → 'm'
    for a height), to suggest; never used to read the number."""
    s = str(text).strip() if isinstance(text, (str, int, float)) else ""
    if not units.is_bare_number(s):
        return _GUESSES[dimension][0][0]
    try:
        value = float(s)
    except ValueError:
        return _GUESSES[dimension][0][0]
    fits = [u for u, f in _GUESSES[dimension] if limit.low <= value * f <= limit.high]
    if not fits:
        return ""  # no unit makes it plausible: suggest none
    return f"{fits[0]}' or '{s} {fits[1]}" if len(fits) > 1 else fits[0]


def _measure(
    text: Any, field: str, dimension: str, unit: str, limit: thresholds.Limit
) -> tuple[float, str]:
    q = units.parse(text, field, example=_example(text, dimension, limit))
    units.expect(q, dimension, field, units.dimension_words(dimension))
    return q.to(unit), q.text


def height_cm(text: Any, field: str = "height") -> float:
    """A height in cm, checked for dimension and plausibility."""
    limit = thresholds.current().height
    value, shown = _measure(text, field, "length", "cm", limit)
    return thresholds.check(value, limit, field, shown)


def weight_kg(text: Any, field: str = "weight") -> float:
    """A weight in kg, checked for dimension and plausibility."""
    limit = thresholds.current().weight
    value, shown = _measure(text, field, "mass", "kg", limit)
    return thresholds.check(value, limit, field, shown)


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


__all__ = ["age_at", "age_years", "bmi", "bsa_m2", "check_pair", "height_cm", "weight_kg"]
