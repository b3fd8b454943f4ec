"""The treatment before an order: its administrations, its running totals and the cycles
it holds (when each began, and of which regimen)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from osdose.course import Administration
from osdose.cumulative import Running


@dataclass(frozen=True)
class Start:
    """A date on which a cycle began, with its regimen and cycle number when recorded."""

    date: dt.date
    regimen: str | None = None
    cycle: int | None = None


@dataclass(frozen=True)
class History:
    """The administrations before this order; ``source`` says where they came from.

    ``starts`` are the dates on which each administration's cycle began (a cycle entry, or
    a drug recorded with its day of the cycle, counts from its day 1; any other
    administration from its own date), sorted and distinct. ``running`` holds the totals
    of the whole history, added once (a history file is shared by a whole batch).
    """

    administrations: tuple[Administration, ...]
    source: str
    baseline_weight_kg: float | None = None
    starts: tuple[Start, ...] = ()
    running: Running = field(default_factory=Running, hash=False, compare=False)


def cycle_starts(adms: tuple[Administration, ...]) -> tuple[Start, ...]:
    by_date: dict[dt.date, Start] = {}
    for a in adms:
        day = a.date - dt.timedelta(days=(a.day or 1) - 1)
        known = by_date.get(day)
        if known is None or (known.regimen is None and a.regimen is not None):
            by_date[day] = Start(day, a.regimen, a.cycle)
    return tuple(by_date[d] for d in sorted(by_date))


def history(
    adms: tuple[Administration, ...], source: str, baseline_weight_kg: float | None = None
) -> History:
    """A :class:`History` with its cycle starts and running totals worked out once."""
    return History(adms, source, baseline_weight_kg, cycle_starts(adms), Running().extend(adms))
