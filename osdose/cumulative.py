"""The one cumulative engine: lifetime totals per drug and per combined group, and where
each stands against its thresholds.

- :class:`Running` sums administrations one by one, in the order given, per drug (mg or
  IU, and per m² with each day's own BSA). Everything that needs a total — ``cumulative``,
  ``plan``, ``verify`` and the ledger — adds administrations to a :class:`Running` in the
  same way, so that their totals agree to the last bit.
- :func:`assess` turns the sums into statuses: each drug against its ceiling and watch
  thresholds, and each combined group (anthracyclines as doxorubicin-equivalent mg/m²)
  against the reference drug's ceiling. A member of a group with no sourced factor is
  never dropped: it is reported as not convertible, and the group's status is at least
  ``warn``.

Totals are compared after rounding to 6 decimals, so float noise in a sum (899.9999999999
for 900) never moves a status across a threshold.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from osdose.course import Administration
from osdose.drugs import Ceiling, CombinedGroup, Drug, DrugTable, EquivalenceTable
from osdose.errors import OsdoseError
from osdose.status import Level, at_least, worst

DECIMALS = 6


@dataclass
class Sums:
    """One drug's running sums; a total is ``None`` once an administration's amount (or
    per-m² value) is unknown, and ``missing`` names the first such administration."""

    unit: str
    total: float | None = 0.0
    per_m2: float | None = 0.0
    count: int = 0
    missing_total: Administration | None = None
    missing_per_m2: Administration | None = None
    per_kg: float | None = 0.0  # each amount over the day's weight (children's age ceilings)
    missing_per_kg: Administration | None = None


@dataclass
class Running:
    """Totals per drug, added to one administration at a time (first appearance order)."""

    sums: dict[str, Sums] = field(default_factory=dict)

    def add(self, a: Administration) -> None:
        s = self.sums.get(a.drug)
        if s is None:
            s = self.sums[a.drug] = Sums(a.unit)
        elif s.unit != a.unit:
            raise OsdoseError(
                f"{a.where}{a.drug} is recorded both in {s.unit} and in {a.unit}; they cannot "
                "be added"
            )
        s.count += 1
        if a.dose is None:
            s.missing_total = s.missing_total or a
            s.total = None
        elif s.total is not None:
            s.total += a.dose
        if a.dose_per_m2 is None:
            s.missing_per_m2 = s.missing_per_m2 or a
            s.per_m2 = None
        elif s.per_m2 is not None:
            s.per_m2 += a.dose_per_m2
        if a.dose is None or not a.weight_kg:
            s.missing_per_kg = s.missing_per_kg or a
            s.per_kg = None
        elif s.per_kg is not None:
            s.per_kg += a.dose / a.weight_kg

    def extend(self, adms: Iterable[Administration]) -> Running:
        for a in adms:
            self.add(a)
        return self

    def copy(self) -> Running:
        return Running({k: Sums(**v.__dict__) for k, v in self.sums.items()})


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
    status: Level
    reasons: tuple[str, ...]
    warn_since: dt.date | None = None
    over_since: dt.date | None = None
    source: str = ""
    # per kg of each day's weight (mg/kg age ceilings); not compared: the ledger keeps no weight
    total_per_kg: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # A total shown or written is a finite number: "total mg inf … ok" is never reported.
        for name in ("total", "total_per_m2", "total_per_kg", "percent_of_max"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise OsdoseError(
                    f"{self.drug}: the cumulative {name.replace('_', ' ')} is not a finite "
                    f"number ({value!r}): no total can be reported; check the doses it sums"
                )

    @property
    def total_mg(self) -> float | None:
        return self.total if self.unit == "mg" else None

    @property
    def total_mg_per_m2(self) -> float | None:
        return self.total_per_m2 if self.unit == "mg" else None

    @property
    def value(self) -> float | None:
        """The total compared with the thresholds (in ``ceiling_unit``)."""
        if self.ceiling_unit is None:
            return None
        if per_kg_unit(self.ceiling_unit):
            return self.total_per_kg
        return self.total_per_m2 if per_m2_unit(self.ceiling_unit) else self.total


@dataclass(frozen=True)
class Contributor:
    """One drug's part of a combined total: ``factor`` is ``None`` when it has none
    (not convertible: its exposure is not in the total)."""

    drug: str
    mg_per_m2: float
    factor: float | None

    @property
    def equivalent_mg_per_m2(self) -> float | None:
        return None if self.factor is None else self.mg_per_m2 * self.factor


@dataclass(frozen=True)
class CombinedTotal:
    """A combined group's total (doxorubicin-equivalent mg/m²) against its ceiling."""

    group: str
    basis: str
    total_mg_per_m2: float
    warn: float | None
    max: float | None
    percent_of_max: float | None
    status: Level
    contributors: tuple[Contributor, ...]
    reasons: tuple[str, ...]
    reference_drug: str
    source: str
    warn_since: dt.date | None = None
    over_since: dt.date | None = None

    @property
    def not_convertible(self) -> tuple[str, ...]:
        return tuple(c.drug for c in self.contributors if c.factor is None)


@dataclass(frozen=True)
class Exposure:
    patient: str
    drugs: tuple[DrugTotal, ...]
    combined: tuple[CombinedTotal, ...]
    equivalence: str
    equivalence_source: str

    def get(self, drug: str) -> DrugTotal | None:
        return next((d for d in self.drugs if d.drug == drug), None)

    def group(self, name: str) -> CombinedTotal | None:
        return next((c for c in self.combined if c.group == name), None)

    @property
    def doxorubicin_equivalent_mg_per_m2(self) -> float:
        g = next((c for c in self.combined if c.basis == "doxorubicin-equivalent"), None)
        return g.total_mg_per_m2 if g is not None else 0.0

    @property
    def status(self) -> Level:
        return worst(
            [*(d.status for d in self.drugs), *(c.status for c in self.combined)], Level.OK
        )


def threshold_unit(drug: Drug) -> str | None:
    """What ``drug``'s cumulative total is compared in: ``mg/m2``, ``mg``, ``IU``, or
    ``None`` for a drug with neither a ceiling nor a watch threshold."""
    if drug.ceiling is not None:
        return drug.ceiling.unit
    return drug.watch[0].unit if drug.watch else None


def per_m2_unit(unit: str | None) -> bool:
    return (unit or "").endswith("/m2")


def per_kg_unit(unit: str | None) -> bool:
    return (unit or "").endswith("/kg")


def sum_in(s: Sums, unit: str) -> float | None:
    """The running total in a threshold's unit: per m², per kg, or the plain total."""
    if per_m2_unit(unit):
        return s.per_m2
    return s.per_kg if per_kg_unit(unit) else s.total


def ceiling_for(drug: Drug, age_years: float | None) -> tuple[Ceiling | None, str]:
    """The lifetime ceiling that applies to a patient of ``age_years``: the drug table's
    age-dependent ceiling for that age, else the drug's ceiling; and the age band applied
    (empty when none)."""
    if age_years is not None:
        for a in drug.age_ceilings:
            if a.applies(age_years):
                return a.ceiling, f"age {age_years:.3g} y: {a.band}"
    return drug.ceiling, ""


def against(
    value: float, ceiling: Ceiling | None, watch: Iterable[tuple[float, str, str]] = ()
) -> tuple[Level, float | None, tuple[str, ...]]:
    """Where a cumulative ``value`` (in the ceiling's unit) stands: (level, percent of the
    maximum, reasons). ``watch`` holds (at, unit, reason) thresholds to monitor.

    A total that is not a finite number has no level: it is refused, never ``ok`` (every
    comparison with NaN is false, so it would otherwise pass every threshold)."""
    if not math.isfinite(value):
        raise OsdoseError(
            f"a cumulative total is not a finite number ({value!r}): no status can be given; "
            "check the doses it sums"
        )
    v = round(value, DECIMALS)
    reasons: list[str] = []
    status = Level.OK
    for at, unit, why in watch:
        if v >= at:
            status = Level.WATCH
            reasons.append(f"watch {at:g} {unit} reached: {why}")
    pct = None
    if ceiling is not None:
        if ceiling.max is not None:
            pct = value / ceiling.max * 100.0
        if ceiling.max is not None and v > ceiling.max:
            status = Level.OVER
            reasons.append(f"above the maximum {ceiling.max:g} {ceiling.unit} ({ceiling.cited})")
        elif ceiling.warn is not None and v >= ceiling.warn:
            status = Level.WARN
            reasons.append(
                f"in the warn band from {ceiling.warn:g} {ceiling.unit} ({ceiling.cited})"
            )
    return status, pct, tuple(reasons)


def _watches(drug: Drug) -> list[tuple[float, str, str]]:
    return [
        (w.at, w.unit, f"{w.reason} ({w.source})" if w.source else w.reason) for w in drug.watch
    ]


def level_of(value: float, drug: Drug) -> tuple[Level, float | None, tuple[str, ...]]:
    """Where ``drug``'s cumulative ``value`` stands against its ceiling and watches."""
    return against(value, drug.ceiling, _watches(drug))


def counted(a: Administration, unit: str) -> float | None:
    """What one administration adds to a total kept in ``unit`` (per m² or plain)."""
    return a.dose_per_m2 if per_m2_unit(unit) else a.dose


def in_date_order(administrations: Iterable[Administration]) -> list[Administration]:
    """Administrations by date; those of one date keep the order they were written in."""
    return sorted(administrations, key=lambda a: a.date)


def _no_value(name: str, s: Sums, unit: str) -> OsdoseError:
    per_m2 = per_m2_unit(unit)
    missing = s.missing_per_m2 if per_m2 else s.missing_total
    need = "BSA" if per_m2 else "amount"
    if per_kg_unit(unit):
        missing, need = s.missing_per_kg, "weight"
    where = missing.where if missing else ""
    date = f" on {missing.date}" if missing else ""
    return OsdoseError(
        f"{where}{name}{date} has no {need}: its cumulative {unit} cannot be known; give the "
        "day's BSA or height and weight"
    )


def _crossings(
    adms: list[Administration], step: dict[str, float], ceiling: Ceiling
) -> tuple[dt.date | None, dt.date | None]:
    """The dates on which a running total (each administration adding ``step[drug]`` × its
    per-m² or plain amount) first reached the warn band and first went over the maximum."""
    warn_since = over_since = None
    running = 0.0
    unit = ceiling.unit
    for a in in_date_order(adms):
        factor = step.get(a.drug)
        if factor is None:
            continue
        running += (counted(a, unit) or 0.0) * factor
        status = against(running, ceiling)[0]
        if warn_since is None and status in (Level.WARN, Level.OVER):
            warn_since = a.date
        if status is Level.OVER:
            over_since = a.date
            break
    return warn_since, over_since


def _age_note(s: Sums, drug: Drug) -> str | None:
    """With the age unknown: why the total warns under one of the drug's age ceilings
    (``None`` when none of them would warn)."""
    worst_level, why = Level.OK, None
    for a in drug.age_ceilings:
        value = sum_in(s, a.ceiling.unit)
        if value is None:
            return (
                f"age not given, and the {a.band} ceiling ({a.ceiling.max or a.ceiling.warn:g} "
                f"{a.ceiling.unit}) cannot be checked without each day's weight: give the age"
            )
        level = against(value, a.ceiling)[0]
        if level in (Level.WARN, Level.OVER) and level.rank > worst_level.rank:
            worst_level = level
            stand = "above the maximum" if level is Level.OVER else "in the warn band"
            why = (
                f"age not given: for a patient {a.band} this total is {stand} of "
                f"{a.ceiling.max or a.ceiling.warn:g} {a.ceiling.unit} ({a.ceiling.cited}); give "
                "the age"
            )
    return why


def _drug_total(
    name: str,
    s: Sums,
    drug: Drug,
    adms: list[Administration] | None,
    age_years: float | None = None,
) -> DrugTotal:
    ceiling, band = ceiling_for(drug, age_years)
    unit = ceiling.unit if ceiling is not None else threshold_unit(drug)
    if unit is not None and not unit.startswith(s.unit):
        raise OsdoseError(
            f"{name}: the drug table's threshold is in {unit} but doses are in {s.unit}"
        )
    status: Level = Level.OK
    pct: float | None = None
    reasons: tuple[str, ...] = ()
    warn_since = over_since = None
    if unit is not None:
        value = sum_in(s, unit)
        if value is None:
            raise _no_value(name, s, unit)
        status, pct, reasons = against(value, ceiling, _watches(drug))
        if band:
            reasons = (*reasons, f"ceiling for {band} ({ceiling.cited if ceiling else ''})")
        if adms is not None and ceiling is not None and status in (Level.WARN, Level.OVER):
            warn_since, over_since = _crossings(adms, {name: 1.0}, ceiling)
    if age_years is None and drug.age_ceilings:
        why = _age_note(s, drug)
        if why is not None:
            status = at_least(status, Level.WARN)
            reasons = (*reasons, why)
    c = ceiling
    return DrugTotal(
        drug=name,
        unit=s.unit,
        total=s.total,
        total_per_m2=s.per_m2,
        administrations=s.count,
        ceiling_unit=unit,
        warn=c.warn if c else None,
        max=c.max if c else None,
        watch=tuple(w.at for w in drug.watch),
        percent_of_max=pct,
        status=status,
        reasons=reasons,
        warn_since=warn_since,
        over_since=over_since,
        source=c.cited if c else "",
        total_per_kg=s.per_kg,
    )


def combined_total(
    g: CombinedGroup,
    per_m2: dict[str, float | None],
    eq: EquivalenceTable,
    adms: list[Administration] | None = None,
    own: dict[str, Level] | None = None,
) -> CombinedTotal:
    """A group's total from its members' mg/m² totals (``per_m2``, in first-appearance
    order); a member whose total is unknown is refused, one without a factor is reported.

    The group's ceiling binds once two or more members have been given: no single-drug
    label speaks for a mixture. With one member alone, that drug's own ceiling governs and
    the group's status is the drug's (``own``): the equivalent total is shown for reference,
    and is never more lenient than the drug's row."""
    contributors = []
    total = 0.0
    for drug, value in per_m2.items():
        if value is None:
            raise OsdoseError(
                f"{drug} has an administration without a BSA: its {g.basis} mg/m² cannot be known"
            )
        factor = eq.factors.get(drug)
        contributors.append(Contributor(drug, value, factor))
        if factor is not None:
            total += value * factor
    status, pct, reasons = against(total, g.ceiling)
    if len(contributors) == 1 and contributors[0].factor is not None and own is not None:
        only = contributors[0].drug
        status = own.get(only, Level.OK)
        reasons = (
            f"only {only} given: its own ceiling applies; the {g.reference_drug} ceiling binds "
            f"the {g.basis} total once a second {g.name} is given",
        )
    missing = [c.drug for c in contributors if c.factor is None]
    if missing:
        status = at_least(status, Level.WARN)
        reasons = (
            *reasons,
            f"not convertible: {', '.join(missing)} has no {g.basis} factor in the "
            f"{eq.name} table, so its exposure is NOT in this total; assess it by hand",
        )
    warn_since = over_since = None
    if adms is not None and status in (Level.WARN, Level.OVER) and len(contributors) > 1:
        step = {c.drug: c.factor for c in contributors if c.factor is not None}
        warn_since, over_since = _crossings(adms, step, g.ceiling)
    return CombinedTotal(
        group=g.name,
        basis=g.basis,
        total_mg_per_m2=total,
        warn=g.ceiling.warn,
        max=g.ceiling.max,
        percent_of_max=pct,
        status=status,
        contributors=tuple(contributors),
        reasons=reasons,
        reference_drug=g.reference_drug,
        source=f"{g.source}; ceiling of {g.reference_drug}: {g.ceiling.cited}",
        warn_since=warn_since,
        over_since=over_since,
    )


def assess(
    running: Running,
    table: DrugTable,
    patient: str = "",
    equivalence: str | None = None,
    adms: list[Administration] | None = None,
    age_years: float | None = None,
    only: Collection[str] | None = None,
) -> Exposure:
    """Statuses of every drug and combined group of ``running``. With ``adms`` (those that
    were summed), the dates on which warn and over were first reached are found too. With
    ``age_years``, a drug's age-dependent ceiling for that age applies; without it, a total
    that would warn under one of them warns, saying so. With ``only``, the drugs outside it
    are left out, except members of a combined group (every group is assessed)."""
    eq = table.factors(equivalence)
    totals = []
    members: dict[str, dict[str, float | None]] = {}
    for name, s in running.sums.items():
        g = table.group_of(name)
        if only is not None and name not in only and g is None:
            continue
        drug = table.resolve(name)
        totals.append(_drug_total(name, s, drug, adms, age_years))
        if g is not None:
            if s.unit != "mg":
                raise OsdoseError(f"{name} is a {g.name} recorded in {s.unit}, not mg")
            members.setdefault(g.name, {})[name] = s.per_m2
    own = {t.drug: t.status for t in totals}
    combined = tuple(
        combined_total(table.combined[gname], values, eq, adms, own)
        for gname, values in members.items()
    )
    return Exposure(patient, tuple(totals), combined, eq.name, eq.cited)


def exposure(
    administrations: Iterable[Administration],
    table: DrugTable,
    patient: str = "",
    equivalence: str | None = None,
    age_years: float | None = None,
) -> Exposure:
    """Totals per drug (in the order drugs first appear) and per combined group, with their
    statuses and the dates thresholds were first reached (``age_years``: see :func:`assess`)."""
    adms = list(administrations)
    return assess(Running().extend(adms), table, patient, equivalence, adms, age_years)
