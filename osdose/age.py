"""Ages: in years from what people write (``60``, ``10 months``, ``6 weeks``), or from a
date of birth on a given day. Below the thresholds (which read ages in their own file)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from osdose.errors import InputError, shown

_AGE = re.compile(
    r"^\s*([0-9]{1,3}(?:\.[0-9]{1,3})?)\s*(years?|yrs?|y|months?|mo|weeks?|wk|days?|d)?\s*$",
    re.IGNORECASE,
)
_AGE_UNIT = {"y": 1.0, "m": 1 / 12, "w": 7 / 365.25, "d": 1 / 365.25}


def age_years(text: Any, field: str = "age") -> float:
    """An age in years from ``60``, ``60 years``, ``0.8``, ``10 months``, ``6 weeks`` (a bare
    number is years: an age has no other everyday unit), from 0 to 120."""
    s = (
        str(text).strip()
        if isinstance(text, (str, int, float)) and not isinstance(text, bool)
        else ""
    )
    m = _AGE.match(s)
    if not m:
        raise InputError(
            field, f"must be an age like '60', '60 years' or '10 months', got {shown(text)}"
        )
    unit = (m.group(2) or "y").lower()
    value = float(m.group(1)) * _AGE_UNIT["m" if unit.startswith("mo") else unit[0]]
    if not 0 <= value <= 120:
        raise InputError(field, f"{s} is outside the plausible 0–120 years")
    return value


def age_at(dob: dt.date, day: dt.date, field: str = "dob") -> float:
    """The age in years on ``day`` of someone born on ``dob``: the completed years by the
    calendar, plus the part of the current year of age (a 29 February birthday counts from
    1 March in other years). Refused when ``day`` is before ``dob`` or the age is above
    120 years."""
    if day < dob:
        raise InputError(field, f"{dob} is after {day}: check the date of birth")
    years = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def birthday(year: int) -> dt.date:
        try:
            return dob.replace(year=year)
        except ValueError:  # 29 February in a common year
            return dt.date(year, 3, 1)

    last = birthday(dob.year + years)
    following = birthday(dob.year + years + 1)
    value = years + (day - last).days / (following - last).days
    if value > 120:
        raise InputError(field, f"{dob} gives an age of {value:.0f} years: check the year")
    return value
