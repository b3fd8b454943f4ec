"""Cumulative exposure per drug, checked against the drug table's ceilings and watch
thresholds, and the combined anthracycline dose as doxorubicin-equivalent mg/m².

Totals per m² are the sum of each administration's own dose per m² (each with the BSA of
its day). Totals are compared after rounding to 6 decimals, so float noise in a sum
(899.9999999999 for 900) never moves a status across a threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from osdose.course import Administration
from osdose.drugs import Drug, DrugTable
from osdose.errors import OsdoseError

STATUSES = ("ok", "watch", "warn", "over")  # mildest first
_DECIMALS = 6


@dataclass(frozen=True)
class DrugTotal:
    """One drug's lifetime total. ``total`` is in ``unit`` (mg or IU), ``None`` when some
    administration's amount is unknown; ``total_per_m2`` likewise per m².

    ``warn_since`` and ``over_since`` are the dates of the administrations (in date order)
    with which the total first reached the warn band and first went above the maximum.
    """

    drug: str
    unit: str
    total: float | None
    total_per_m2: float | None
    administrations: int
    ceiling_unit: str | None
    warn: float | None
    max: float | None
    watch: tuple[float, ...]
    percent_of_max: float | None
    status: str
    reasons: tuple[str, ...]
    warn_since: dt.date | None = None
    over_since: dt.date | None = None

    @property
    def total_mg(self) -> float | None:
        return self.total if self.unit == "mg" else None

    @property
    def total_mg_per_m2(self) -> float | None:
        return self.total_per_m2 if self.unit == "mg" else None


@dataclass(frozen=True)
class Exposure:
    patient: str
    drugs: tuple[DrugTotal, ...]
    doxorubicin_equivalent_mg_per_m2: float
    equivalence: str
    equivalence_source: str

    def get(self, drug: str) -> DrugTotal | None:
        return next((d for d in self.drugs if d.drug == drug), None)

    @property
    def status(self) -> str:
        return worst(d.status for d in self.drugs)


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=STATUSES.index, default="ok")


def threshold_unit(drug: Drug) -> str | None:
    """What ``drug``'s cumulative total is compared in: ``mg/m2``, ``mg``, ``IU``, or
    ``None`` for a drug with neither a ceiling nor a watch threshold."""
    if drug.ceiling is not None:
        return drug.ceiling.unit
    return drug.watch[0].unit if drug.watch else None


def per_m2_unit(unit: str | None) -> bool:
    return (unit or "").endswith("/m2")


def _sum(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def measured(value: float, drug: Drug) -> tuple[str, float | None, tuple[str, ...]]:
    """Status of a cumulative ``value`` (in the ceiling's unit) for ``drug``: (status,
    percent of maximum, reasons)."""
    v = round(value, _DECIMALS)
    reasons: list[str] = []
    status = "ok"
    for w in drug.watch:
        if v >= w.at:
            status = "watch"
            reasons.append(f"watch {w.at:g} {w.unit} reached: {w.reason}")
    c = drug.ceiling
    pct = None
    if c is not None:
        if c.max is not None:
            pct = value / c.max * 100.0
        if c.max is not None and v > c.max:
            status = "over"
            reasons.append(f"above the maximum {c.max:g} {c.unit} ({c.source})")
        elif c.warn is not None and v >= c.warn:
            status = "warn"
            reasons.append(f"in the warn band from {c.warn:g} {c.unit} ({c.source})")
    return status, pct, tuple(reasons)


def ceiling_value(total: DrugTotal) -> float | None:
    """The total to compare with the drug's thresholds: per m², or the plain total."""
    if total.ceiling_unit is None:
        return None
    return total.total_per_m2 if per_m2_unit(total.ceiling_unit) else total.total


def counted(a: Administration, unit: str) -> float | None:
    """What one administration adds to a total kept in ``unit`` (per m² or plain)."""
    return a.dose_per_m2 if per_m2_unit(unit) else a.dose


def in_date_order(administrations: Iterable[Administration]) -> list[Administration]:
    """Administrations by date; those of one date keep the order they were written in."""
    return sorted(administrations, key=lambda a: a.date)


def _crossings(adms: list[Administration], unit: str, drug: Drug) -> tuple[dt.date | None, ...]:
    warn_since = over_since = None
    running = 0.0
    for a in in_date_order(adms):
        running += counted(a, unit) or 0.0
        status = measured(running, drug)[0]
        if warn_since is None and status in ("warn", "over"):
            warn_since = a.date
        if status == "over":
            over_since = a.date
            break
    return warn_since, over_since


def _no_value(name: str, adms: list[Administration], unit: str) -> OsdoseError:
    missing = next(a for a in adms if counted(a, unit) is None)
    where = f"{missing.source}:{missing.line}: " if missing.source else ""
    need = "BSA" if per_m2_unit(unit) else "amount"
    return OsdoseError(
        f"{where}{name} on {missing.date} has no {need}: its cumulative {unit} cannot be "
        "known; give the day's BSA or height and weight"
    )


def exposure(
    administrations: Iterable[Administration],
    table: DrugTable,
    patient: str = "",
    equivalence: str | None = None,
) -> Exposure:
    """Totals per drug (in the order drugs first appear) with statuses, and the
    doxorubicin-equivalent total."""
    by_drug: dict[str, list[Administration]] = {}
    for a in administrations:
        by_drug.setdefault(a.drug, []).append(a)
    eq = table.factors(equivalence)
    totals = []
    dox_eq = 0.0
    for name, adms in by_drug.items():
        drug = table.resolve(name)
        kinds = {a.unit for a in adms}
        if len(kinds) > 1:
            raise OsdoseError(f"{name} is recorded both in mg and in IU; they cannot be added")
        unit = kinds.pop()
        total = _sum([a.dose for a in adms])
        per_m2 = _sum([a.dose_per_m2 for a in adms])
        c = drug.ceiling
        ceiling_unit = threshold_unit(drug)
        if ceiling_unit is not None and not ceiling_unit.startswith(unit):
            raise OsdoseError(
                f"{name}: the drug table's threshold is in {ceiling_unit} but doses are in {unit}"
            )
        status: str = "ok"
        pct: float | None = None
        reasons: tuple[str, ...] = ()
        warn_since = over_since = None
        if ceiling_unit is not None:
            value = per_m2 if per_m2_unit(ceiling_unit) else total
            if value is None:
                raise _no_value(name, adms, ceiling_unit)
            status, pct, reasons = measured(value, drug)
            if status in ("warn", "over"):
                warn_since, over_since = _crossings(adms, ceiling_unit, drug)
        factor = eq.factors.get(name)
        if factor is not None:
            if per_m2 is None:
                raise _no_value(name, adms, "mg/m2")
            dox_eq += per_m2 * factor
        totals.append(
            DrugTotal(
                drug=name,
                unit=unit,
                total=total,
                total_per_m2=per_m2,
                administrations=len(adms),
                ceiling_unit=ceiling_unit,
                warn=c.warn if c else None,
                max=c.max if c else None,
                watch=tuple(w.at for w in drug.watch),
                percent_of_max=pct,
                status=status,
                reasons=reasons,
                warn_since=warn_since,
                over_since=over_since,
            )
        )
    return Exposure(patient, tuple(totals), dox_eq, eq.name, eq.source)
