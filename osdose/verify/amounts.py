"""A prescribed amount as written on an order: mg (or IU) per administration day."""

from __future__ import annotations

from typing import Any

from osdose import units
from osdose.errors import InputError


def prescribed_amount(text: Any, field: str = "dose") -> tuple[float, str]:
    """A prescribed daily amount as (value, ``mg`` or ``IU``), read exactly as written."""
    s = str(text).strip() if not isinstance(text, bool) and text is not None else ""
    f = units.fast(s)
    if f is None:
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            raise InputError(
                field, f"has no unit, got {s!r}: write it with its unit, e.g. '{s} mg'"
            )
        q = units.parse(s, field)
        if units.is_dimension(q, units.MASS):
            return float(q.to("mg").magnitude), "mg"
        if units.is_dimension(q, units.IU):
            return float(q.to("IU").magnitude), "IU"
        raise InputError(field, f"must be an amount in mg or IU, got {units.fmt(q)}")
    if f.per is not None or f.dimension not in ("mass", "iu"):
        raise InputError(
            field,
            f"must be the amount to give on each day in mg or IU (for example '258 mg'), "
            f"got {f.text}",
        )
    if f.value <= 0:
        raise InputError(field, f"must be greater than zero, got {f.text}")
    if f.dimension == "iu":
        return f.value, "IU"
    # Keep what was written exact (258 mg stays 258.0, not 258.00000000000003).
    scale = {"mg": 1.0, "g": 1000.0, "µg": 0.001, "kg": 1e6, "lb": 453592.37}[f.symbol]
    return f.value * scale, "mg"
