"""A dose basis: an amount (mass or international units) per m², per kg, or flat.

Parsed once from text such as ``120 mg/m2``, ``5 mg/kg``, ``12 mg`` or ``10000 IU/m2``; the
amount is normalised to mg or IU. A rate (``/day``, ``/h``) or an AUC is refused: a regimen
dose is always per administration day, and AUC dosing is not supported yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from osdose import units
from osdose.errors import InputError

Per = Literal["m2", "kg", "flat"]
Amount = Literal["mg", "IU"]

_RATE = re.compile(r"/\s*(day|d|cycle|week|wk|h|hr|hour|min)\b", re.IGNORECASE)
_AUC = re.compile(r"\bAUC\b", re.IGNORECASE)

_TO_MG = {"mg": 1.0, "g": 1000.0, "kg": 1e6, "µg": 1e-3, "lb": 453592.37}

_PER_TEXT = {"m2": "/m**2", "kg": "/kg", "flat": ""}


@dataclass(frozen=True)
class Basis:
    """``amount`` (in mg or IU) per m², per kg, or flat; ``text`` is how it reads back."""

    amount: float
    unit: Amount
    per: Per
    text: str

    def scaled(self, factor: float) -> Basis:
        """The same basis times ``factor`` (a dose per cycle divided over its days)."""
        value = self.amount * factor
        return Basis(value, self.unit, self.per, f"{value:g} {self.unit}{_PER_TEXT[self.per]}")

    @property
    def unit_text(self) -> str:
        """``mg/m**2``, ``IU/kg``, ``mg``."""
        return f"{self.unit}{_PER_TEXT[self.per]}"


def parse_basis(text: Any, field: str = "dose") -> Basis:
    """Parse a dose basis, refusing anything that is not mass or IU per m², per kg or flat."""
    s = str(text).strip() if text is not None else ""
    if _AUC.search(s):
        raise InputError(
            field,
            f"is an AUC dose ({s!r}): AUC (Calvert) dosing is not supported yet; give the dose "
            "in mg/m2, mg/kg or mg",
        )
    if _RATE.search(s):
        raise InputError(
            field,
            f"must be a dose per administration day without a time unit, got {s!r}: write "
            "'120 mg/m2' for a daily dose, or use dose_per_cycle for a total split over the days",
        )
    if s and units.is_bare_number(s):
        raise InputError(
            field,
            f"has no unit, got {s!r}: write it with its unit, for example '{s} mg' or '{s} mg/m2'",
        )
    f = units.fast(s)
    if f is not None and f.dimension in ("mass", "iu"):
        if f.value <= 0:
            raise InputError(field, f"must be greater than zero, got {f.text}")
        per_: Per = "m2" if f.per == "m2" else "kg" if f.per == "kg" else "flat"
        if f.dimension == "mass":
            # straight from the typed number: 74 mg stays exactly 74.0, never 0.074 g × 1000
            return Basis(f.value * _TO_MG[f.symbol], "mg", per_, f.text)
        return Basis(f.base, "IU", per_, f.text)
    q = units.parse(s, field)
    if float(q.magnitude) <= 0:
        raise InputError(field, f"must be greater than zero, got {units.fmt(q)}")
    items = list(q.unit_items())
    ureg = units.registry()
    num = [(n, e) for n, e in items if e > 0]
    den = [(n, e) for n, e in items if e < 0]
    expected = "a mass or IU per m², per kg, or flat (for example '120 mg/m2', '5 mg/kg', '12 mg')"
    if len(num) != 1 or num[0][1] != 1:
        raise InputError(field, f"must be {expected}, got {units.fmt(q)}")
    num_dim = dict(ureg.get_dimensionality(num[0][0]))
    if num_dim == units.MASS:
        amount: Amount = "mg"
    elif num_dim == units.IU:
        amount = "IU"
    else:
        raise InputError(field, f"must be {expected}, got {units.fmt(q)}")
    per: Per
    target: str
    if not den:
        per, target = "flat", amount
    elif (
        len(den) == 1
        and den[0][1] == -2
        and dict(ureg.get_dimensionality(den[0][0])) == units.LENGTH
    ):
        per, target = "m2", f"{amount}/m**2"
    elif (
        len(den) == 1 and den[0][1] == -1 and dict(ureg.get_dimensionality(den[0][0])) == units.MASS
    ):
        per, target = "kg", f"{amount}/kg"
    else:
        raise InputError(field, f"must be {expected}, got {units.fmt(q)}")
    value = float(q.to(target).magnitude)
    return Basis(value, amount, per, units.fmt(q))
