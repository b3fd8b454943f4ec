"""The treatment before an order: its administrations, its running totals and the cycles
it holds (when each began, and of which regimen)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from osdose.course import Administration
from osdose.cumulative import Exposure, Running, assess
from osdose.drugs import DrugTable


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
    # the history's own exposure, assessed once per drug table and age (a history file is
    # shared by a whole batch): see :meth:`assessed`
    _assessed: dict[tuple[int, float | None], tuple[DrugTable, Exposure]] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )

    def assessed(self, table: DrugTable, age_years: float | None) -> Exposure:
        """``assess(running, table, age_years=age_years, only=())``, worked out once per
        table and age (its ``patient`` is left empty: one history file serves many orders)."""
        key = (id(table), age_years)
        hit = self._assessed.get(key)
        if hit is None or hit[0] is not table:
            if len(self._assessed) >= 256:  # ages from dates of birth are many: stay bounded
                self._assessed.clear()
            hit = self._assessed[key] = (
                table,
                assess(self.running, table, "", age_years=age_years, only=()),
            )
        return hit[1]


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
