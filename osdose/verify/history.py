"""The treatment before an order: its administrations and the dates its cycles began."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def cycle_starts(adms: tuple[Administration, ...]) -> tuple[dt.date, ...]:
    return tuple(sorted({a.date - dt.timedelta(days=(a.day or 1) - 1) for a in adms}))


def history(
    adms: tuple[Administration, ...], source: str, baseline_weight_kg: float | None = None
) -> History:
    return History(adms, source, baseline_weight_kg, cycle_starts(adms))
