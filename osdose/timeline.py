"""Cumulative totals over time, one point per course entry, for the chart and the plot.

A cycle shorthand is one entry (its days are one point, dated by the cycle's first day);
an entry from the ledger, which has no line, is grouped by its date. The charted drugs are
those given in the course whose ceiling is per m², with the doxorubicin-equivalent when an
anthracycline with an equivalence factor was given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from osdose.course import Administration
from osdose.cumulative import in_date_order, per_m2_unit
from osdose.drugs import DrugTable
from osdose.errors import OsdoseError


@dataclass(frozen=True)
class Series:
    """One charted drug and its ceiling (mg/m²)."""

    drug: str
    warn: float | None
    max: float | None


@dataclass(frozen=True)
class Point:
    """The cumulative mg/m² of every charted drug after one course entry."""

    date: dt.date
    label: str
    values: dict[str, float] = field(hash=False)
    doxorubicin_equivalent_mg_per_m2: float | None


@dataclass(frozen=True)
class Timeline:
    patient: str
    series: tuple[Series, ...]
    points: tuple[Point, ...]
    equivalence: str


def _key(a: Administration) -> tuple[object, ...]:
    return (a.source, a.line) if a.line else (a.date,)


def _label(adms: list[Administration]) -> str:
    first = adms[0]
    if first.regimen:
        return f"{first.regimen} c{first.cycle}" if first.cycle else first.regimen
    return ", ".join(dict.fromkeys(a.drug for a in adms))


def timeline(
    administrations: tuple[Administration, ...],
    table: DrugTable,
    patient: str = "",
    equivalence: str | None = None,
) -> Timeline:
    """The cumulative mg/m² of each charted drug (and the doxorubicin-equivalent) after
    each course entry, in date order."""
    eq = table.factors(equivalence)
    series: list[Series] = []
    for name in dict.fromkeys(a.drug for a in administrations):
        c = table.resolve(name).ceiling
        if c is not None and per_m2_unit(c.unit):
            series.append(Series(name, c.warn, c.max))
    with_eq = any(a.drug in eq.factors for a in administrations)
    groups: dict[tuple[object, ...], list[Administration]] = {}
    for a in in_date_order(administrations):
        groups.setdefault(_key(a), []).append(a)
    charted = {s.drug for s in series}
    running = dict.fromkeys(charted, 0.0)
    dox_eq = 0.0
    points = []
    for adms in groups.values():
        for a in adms:
            if a.drug not in charted and a.drug not in eq.factors:
                continue
            if a.dose_per_m2 is None:
                where = f"{a.source}:{a.line}: " if a.source else ""
                raise OsdoseError(f"{where}{a.drug} on {a.date} has no BSA for its day")
            if a.drug in charted:
                running[a.drug] += a.dose_per_m2
            dox_eq += a.dose_per_m2 * eq.factors.get(a.drug, 0.0)
        points.append(Point(adms[0].date, _label(adms), dict(running), dox_eq if with_eq else None))
    return Timeline(patient, tuple(series), tuple(points), eq.name)
