"""The treatment before an order: its administrations and the dates its cycles began."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from osdose.course import Administration


@dataclass(frozen=True)
class History:
    """The administrations before this order; ``source`` says where they came from.

    ``starts`` are the dates on which each administration's cycle began, sorted and
    distinct (a cycle shorthand entry knows its day of the cycle; a single administration
    counts from its own date). A history file's are worked out once for a whole batch.
    """

    administrations: tuple[Administration, ...]
    source: str
    baseline_weight_kg: float | None = None
    starts: tuple[dt.date, ...] = ()
    #: drug → (unit, total, total per m²); a total is None when a day's amount or BSA is
    #: unknown, the unit "mixed" when mg and IU were both recorded.
    sums: dict[str, tuple[str, float | None, float | None]] = field(
        default_factory=dict, hash=False, compare=False
    )


def cycle_starts(adms: tuple[Administration, ...]) -> tuple[dt.date, ...]:
    return tuple(sorted({a.date - dt.timedelta(days=(a.day or 1) - 1) for a in adms}))


def sums(adms: tuple[Administration, ...]) -> dict[str, tuple[str, float | None, float | None]]:
    out: dict[str, tuple[str, float | None, float | None]] = {}
    for a in adms:
        unit, total, per_m2 = out.get(a.drug, (a.unit, 0.0, 0.0))
        if unit != a.unit:
            unit = "mixed"
        total = None if total is None or a.dose is None else total + a.dose
        per_m2 = None if per_m2 is None or a.dose_per_m2 is None else per_m2 + a.dose_per_m2
        out[a.drug] = (unit, total, per_m2)
    return out


def history(
    adms: tuple[Administration, ...], source: str, baseline_weight_kg: float | None = None
) -> History:
    """A :class:`History` with its cycle starts and per-drug sums worked out once."""
    return History(adms, source, baseline_weight_kg, cycle_starts(adms), sums(adms))
