"""Usual maxima, compared like with like: the one function that ``lint``, ``dose``,
``verify``, ``plan`` and the ledger call.

A maximum in the drug table states its period: per administration, per day, per week, or
per cycle of the length its source assumes. A schedule (the days of a cycle and the
amount given on each) is compared with each maximum in the maximum's own period:

- per administration / per day: the largest amount given on one day;
- per week: the largest amount in any 7 consecutive days of the repeating schedule;
- per cycle of N days (the cycle the maximum's source assumes): the largest amount in any
  N consecutive days of the repeating schedule. A schedule the source itself allows never
  exceeds it; the same cycle given every 14 days instead of 28 counts twice in 28 days.

Amounts are compared in the maximum's terms (per m², per kg or flat); converting between
them needs the patient's BSA or weight (``lint`` uses a large reference adult).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from osdose.basis import Basis
from osdose.drugs import Drug, Maximum


def _n(x: float) -> str:
    """A dose for a message: 2 decimals without trailing zeros (139.86, 240)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


_PER_TEXT = {"m2": "/m²", "kg": "/kg", "flat": ""}


@dataclass(frozen=True)
class Size:
    """What converting a dose between per m², per kg and flat needs (``None``: unknown)."""

    bsa_m2: float | None = None
    weight_kg: float | None = None
    reference: bool = False  # a reference adult (lint), not the patient

    def factor(self, per: str) -> float | None:
        """What one unit per ``per`` is in flat terms (``None`` for an AUC: it depends on the
        GFR, and its bound is the GFR cap of Calvert's formula)."""
        if per == "flat":
            return 1.0
        if per == "auc":
            return None
        return self.bsa_m2 if per == "m2" else self.weight_kg


@dataclass(frozen=True)
class Dose:
    """What is given on ``day`` of a cycle: ``basis`` (per m², per kg or flat, per day)."""

    day: int
    basis: Basis


@dataclass(frozen=True)
class Comparison:
    """One maximum against a schedule. ``value`` and ``limit`` are in the maximum's unit;
    ``ratio`` is value ÷ limit. ``text`` says it in a line; ``work`` shows the arithmetic."""

    drug: str
    maximum: Maximum
    value: float
    limit: float
    ratio: float
    text: str
    work: str

    @property
    def over(self) -> bool:
        return round(self.ratio, 9) > 1.0


def _convert(b: Basis, to_per: str, size: Size) -> float | None:
    """``b``'s amount expressed per ``to_per`` (``None`` when the size needed is unknown, or
    when only a reference adult is known and the conversion is between per m² and per kg,
    which a reference cannot make meaningful)."""
    if b.per == to_per:
        return b.amount
    if size.reference and {b.per, to_per} == {"m2", "kg"}:
        return None
    flat = size.factor(b.per)
    target = size.factor(to_per)
    if flat is None or target is None:
        return None
    return b.amount * flat / target


def _by_day(doses: Iterable[Dose], per: str, size: Size) -> dict[int, float] | None:
    out: dict[int, float] = {}
    for d in doses:
        value = _convert(d.basis, per, size)
        if value is None:
            return None
        out[d.day] = out.get(d.day, 0.0) + value
    return out


def window(by_day: dict[int, float], cycle_days: int, width: int) -> tuple[float, int]:
    """The largest total in ``width`` consecutive days of a schedule that repeats every
    ``cycle_days``, and the day (of the cycle) on which that window starts.

    Each start's total is summed day by day in the same order (the first start day's
    sum, not a running difference), so that the figure is exactly the schedule's sum of
    those doses; only the starts on which a dose is given can begin the largest window."""
    best, start = 0.0, 1
    n = cycle_days
    # the days of the repeating schedule from day 1, long enough for a window from any day
    # of the cycle: a window from day s is a slice of it, summed in the same order
    days = [by_day.get(d, 0.0) for d in range(1, n + 1)] * (-(-(n + width) // n))
    for s in sorted(d for d in by_day if 1 <= d <= n) or [1]:
        total = sum(days[s - 1 : s - 1 + width])
        if total > best:
            best, start = total, s
    return best, start


def _days(days: list[int]) -> str:
    days = sorted(days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"days {days[0]}–{days[-1]}"
    return ("day " if len(days) == 1 else "days ") + ", ".join(map(str, days))


def _schedule_text(by_day: dict[int, float], unit: str) -> str:
    """``40 mg/m² on days 1–3``; several amounts joined by ``and``."""
    groups: dict[float, list[int]] = {}
    for day, value in sorted(by_day.items()):
        groups.setdefault(round(value, 4), []).append(day)
    return " and ".join(f"{_n(v)} {unit} on {_days(d)}" for v, d in groups.items())


def compare(
    drug: Drug, doses: list[Dose], cycle_days: int, size: Size
) -> tuple[list[Comparison], list[str]]:
    """Each of ``drug``'s maxima against the schedule ``doses`` (a cycle of ``cycle_days``):
    (the comparisons, and a line for each maximum that could not be compared and why)."""
    out: list[Comparison] = []
    skipped: list[str] = []
    for m in drug.maxima:
        unit = m.dose.unit + _PER_TEXT[m.dose.per]
        limit_text = f"{_n(m.dose.amount)} {unit} {m.period_text}"
        if any(d.basis.unit != m.dose.unit for d in doses):
            skipped.append(f"{drug.name}: the usual maximum {limit_text} is in {m.dose.unit}")
            continue
        by_day = _by_day(doses, m.dose.per, size)
        if by_day is None:
            pers = {m.dose.per, *(d.basis.per for d in doses)}
            if "auc" in pers:
                skipped.append(
                    f"{drug.name}: a dose by AUC is not compared with the usual maximum "
                    f"{limit_text}: Calvert's capped GFR bounds it"
                )
                continue
            need = "BSA" if "m2" in pers else "weight"
            skipped.append(
                f"{drug.name}: comparing with the usual maximum {limit_text} needs the {need}"
            )
            continue
        width = (
            {"administration": 1, "day": 1, "week": 7}.get(m.period) or m.cycle_days or cycle_days
        )
        value, start = window(by_day, cycle_days, width)
        amount = f"{_n(value)} {unit}"
        plan = _schedule_text(by_day, unit)
        if width == 1:
            what = f"{amount} on day {start}"
        elif width <= cycle_days and round(value, 9) == round(sum(by_day.values()), 9):
            what = f"{amount} per {cycle_days}-day cycle"
            if len(by_day) > 1:
                what += f" ({plan})"
        else:
            what = f"{amount} in {width} days ({plan}, every {cycle_days} days)"
        work = what
        if size.reference and any(d.basis.per != m.dose.per for d in doses):
            at = f"{size.bsa_m2:g} m²" if m.dose.per == "flat" else f"{size.weight_kg:g} kg"
            what += f" at a reference {at}"
        ratio = value / m.dose.amount
        out.append(
            Comparison(
                drug.name,
                m,
                value,
                m.dose.amount,
                ratio,
                f"{drug.name} {what} {'is above' if round(ratio, 9) > 1 else 'is within'} the "
                f"usual maximum {limit_text}",
                f"{work}; usual maximum {limit_text} ({m.cited})",
            )
        )
    return out, skipped


def schedule(drug_doses: Iterable[tuple[Basis, tuple[int, ...]]]) -> list[Dose]:
    """A schedule from (per-day basis, days) pairs of one drug."""
    return [Dose(day, b) for b, days in drug_doses for day in days]


def single_administration_limit(drug: Drug) -> tuple[Basis, str] | None:
    """The tightest maximum that bounds ONE administration, with its period: per
    administration, else per day, else per week, else per cycle (one administration can
    never legitimately exceed the cycle's maximum); ``None`` when the table has none."""
    for period in ("administration", "day", "week", "cycle"):
        found = [m for m in drug.maxima if m.period == period]
        if found:
            m = min(found, key=lambda x: x.dose.amount)
            return m.dose, m.period_text
    return None


def needs_confirmation(
    drug: Drug,
    dose: float | None,
    unit: str,
    dose_per_m2: float | None,
    weight_kg: float | None,
    factor: float,
) -> str | None:
    """Why one administration of ``drug`` is too large to record without saying so: above
    ``factor`` × the tightest maximum that bounds one administration
    (:func:`single_administration_limit`), or alone above the drug's lifetime maximum. A
    real overdose must stay recordable (with ``--confirm``), never a slip (740 mg for 74).
    ``None`` when neither applies."""
    if dose is None:
        return None
    found = single_administration_limit(drug)
    if found is not None:
        limit, period = found
        size = Size(dose / dose_per_m2 if dose_per_m2 else None, weight_kg)
        per = size.factor(limit.per)
        if limit.unit == unit and per:
            value = dose / per
            if round(value, 9) > factor * limit.amount:
                shown = _PER_TEXT.get(limit.per, "")
                return (
                    f"{drug.name} {_n(dose)} {unit} ({_n(value)} {limit.unit}{shown}) is "
                    f"{value / limit.amount:.1f} times the usual maximum {limit.text} "
                    f"{period} (more than {factor:g} times: a slip?)"
                )
    c = drug.ceiling
    if c is not None and c.max is not None:
        total = dose_per_m2 if c.unit.endswith("/m2") else dose
        if total is not None and c.unit.startswith(unit) and round(total, 9) > c.max:
            return (
                f"{drug.name} {_n(dose)} {unit} alone is above the lifetime maximum "
                f"{_n(c.max)} {c.unit}"
            )
    return None
