"""The one dose engine: patient + regimen + options → each drug's daily dose, with its trace.

Per drug: daily = basis × BSA (per m²) or × weight (per kg) or the flat dose; × the dose
percent of the cycle; × the drug's own percent (an order's single-drug reduction); then
the drug's cap (:attr:`osdose.regimen.DrugDose.cap`); cycle = daily × number of days.
Mass is in mg, units in IU; the two are never converted into each other.

:func:`amounts` is the arithmetic, used by everything that needs a dose — ``dose``, the
cycle entries of course files and of the ledger, ``plan`` and ``verify`` — so that every
command arrives at the same number to the last bit. :func:`daily_dose` adds the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from osdose.basis import Basis
from osdose.bsa import BSA
from osdose.drugs import DrugTable
from osdose.errors import InputError
from osdose.limits import Comparison, Size, compare, schedule
from osdose.regimen import Cap, DrugDose, Regimen


@dataclass(frozen=True)
class Amounts:
    """One drug's amount for one administration day.

    ``daily`` is in the dose's unit (``None`` when it needs a BSA that is not known);
    ``per_m2`` is that amount per m² of the day's BSA: exactly the regimen's per-m² dose ×
    the percents when no cap lowered it (so that totals of 40 mg/m² doses stay exact),
    otherwise the capped amount ÷ BSA (``None`` without a BSA).
    """

    daily: float | None
    per_m2: float | None
    uncapped: float | None
    capped: bool


def check_percent(dose_percent: float, field: str = "dose percent") -> float:
    if not 1 <= dose_percent <= 100:
        raise InputError(
            field,
            f"must be between 1 and 100 (a planned reduction), got {dose_percent:g}",
        )
    return float(dose_percent)


def amounts(
    d: DrugDose,
    bsa_m2: float | None,
    weight_kg: float | None,
    dose_percent: float = 100.0,
    drug_percent: float = 100.0,
) -> Amounts:
    """The arithmetic of one drug's daily dose (see :class:`Amounts`).

    The basis is scaled by the percents first (``120 mg/m² × 80% = 96 mg/m²``), then by the
    patient (``96 mg/m² × 1.81 m²``): the per-m² dose is exact, and the amount is always
    that per-m² dose × the day's BSA, whoever computes it."""
    b = d.basis
    scaled = b.amount
    if dose_percent != 100:
        scaled = scaled * dose_percent / 100.0
    if drug_percent != 100:
        scaled = scaled * drug_percent / 100.0
    value: float | None
    if b.per == "m2":
        value = scaled * bsa_m2 if bsa_m2 is not None else None
    elif b.per == "kg":
        if weight_kg is None:
            raise InputError(
                "weight",
                f"is needed for {d.drug}, dosed per kg ({b.text}): give the weight (--weight on "
                "the command line)",
            )
        value = scaled * weight_kg
    else:
        value = scaled
    uncapped = value
    capped = False
    if value is not None and d.cap is not None and value > d.cap.amount:
        value, capped = d.cap.amount, True
    per_m2: float | None
    if b.per == "m2" and not capped and (d.cap is None or value is not None):
        per_m2 = scaled
    else:
        per_m2 = value / bsa_m2 if value is not None and bsa_m2 else None
    return Amounts(value, per_m2, uncapped, capped)


@dataclass(frozen=True)
class DoseLine:
    """One drug's computed dose. ``daily`` is per administration day, ``cycle`` per cycle."""

    drug: str
    basis: Basis
    written_as: str
    written_basis: Basis
    days: tuple[int, ...]
    route: str | None
    unit: str
    daily: float
    cycle: float
    uncapped_daily: float
    cap: Cap | None
    capped: bool
    daily_per_m2: float | None
    drug_percent: float
    trace: tuple[str, ...]
    no_cap_reason: str | None = None

    @property
    def daily_mg(self) -> float | None:
        return self.daily if self.unit == "mg" else None

    @property
    def cycle_mg(self) -> float | None:
        return self.cycle if self.unit == "mg" else None


@dataclass(frozen=True)
class Limit:
    """One drug of the sheet against one of its usual maxima (:mod:`osdose.limits`);
    ``acknowledged`` is the regimen's reason when it intends to exceed it."""

    comparison: Comparison
    acknowledged: str | None = None


@dataclass(frozen=True)
class DoseSheet:
    regimen: Regimen
    bsa: BSA | None
    weight_kg: float | None
    dose_percent: float
    lines: tuple[DoseLine, ...]
    limits: tuple[Limit, ...] = ()
    not_compared: tuple[str, ...] = ()


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.6g}"


def daily_dose(
    d: DrugDose,
    bsa: BSA | None,
    weight_kg: float | None,
    dose_percent: float = 100.0,
    drug_percent: float = 100.0,
    drug_reason: str = "",
) -> DoseLine:
    """The daily and cycle dose of one drug, with the trace of how it was reached."""
    b = d.basis
    if b.per == "m2" and bsa is None:
        raise InputError(
            "bsa", f"is needed for {d.drug} ({b.text}): give height and weight, or the BSA"
        )
    a = amounts(d, bsa.m2 if bsa else None, weight_kg, dose_percent, drug_percent)
    assert a.daily is not None and a.uncapped is not None
    trace: list[str] = []
    if d.written_as == "per_cycle":
        trace.append(
            f"{d.written_basis.text} per cycle ÷ {len(d.days)} days = {_num(b.amount)} "
            f"{b.unit_text} per day"
        )
    step = b.amount
    unit = b.unit_text
    for pct, why in ((dose_percent, ""), (drug_percent, f" for {d.drug}")):
        if pct != 100:
            reason = f" ({drug_reason})" if why and drug_reason else ""
            before, step = step, step * pct / 100.0
            trace.append(f"{_num(before)} {unit} × {pct:g}%{why}{reason} = {_num(step)} {unit}")
    if b.per == "m2":
        assert bsa is not None
        capped = " capped" if bsa.capped else ""
        trace.append(
            f"{_num(step)} {unit} × {bsa.m2:.4f} m² ({bsa.formula}{capped}) = "
            f"{_num(a.uncapped)} {b.unit}"
        )
    elif b.per == "kg":
        assert weight_kg is not None
        trace.append(f"{_num(step)} {unit} × {_num(weight_kg)} kg = {_num(a.uncapped)} {b.unit}")
    elif step == b.amount:
        trace.append(f"flat dose {_num(step)} {b.unit}")
    if a.capped:
        assert d.cap is not None
        src = f"; {d.cap.source}" if d.cap.source else ""
        trace.append(
            f"capped at {_num(d.cap.amount)} {b.unit} ({d.cap.origin}{src}; uncapped "
            f"{_num(a.uncapped)} {b.unit})"
        )
    elif d.no_cap_reason is not None:
        trace.append(f"no cap applied: the regimen says max_dose none ({d.no_cap_reason})")
    cycle = a.daily * len(d.days)
    trace.append(
        f"× {len(d.days)} day{'s' if len(d.days) != 1 else ''} = {_num(cycle)} {b.unit} per cycle"
    )
    return DoseLine(
        drug=d.drug,
        basis=b,
        written_as=d.written_as,
        written_basis=d.written_basis,
        days=d.days,
        route=d.route,
        unit=b.unit,
        daily=a.daily,
        cycle=cycle,
        uncapped_daily=a.uncapped,
        cap=d.cap,
        capped=a.capped,
        daily_per_m2=a.per_m2,
        drug_percent=drug_percent,
        trace=tuple(trace),
        no_cap_reason=d.no_cap_reason,
    )


def dose_sheet(
    regimen: Regimen,
    bsa: BSA | None,
    weight_kg: float | None = None,
    dose_percent: float = 100.0,
    table: DrugTable | None = None,
) -> DoseSheet:
    """Every drug of ``regimen`` for a patient of ``bsa`` (and ``weight_kg`` for per-kg
    doses); with the drug ``table``, each drug's schedule against its usual maxima too."""
    pct = check_percent(dose_percent)
    lines = tuple(daily_dose(d, bsa, weight_kg, pct) for d in regimen.drugs)
    if table is None:
        return DoseSheet(regimen, bsa, weight_kg, pct, lines)
    found: list[Limit] = []
    skipped: list[str] = []
    size = Size(bsa.m2 if bsa else None, weight_kg)
    for name in dict.fromkeys(line.drug for line in lines):
        entries = [d for d in regimen.drugs if d.drug == name]
        given = [
            (Basis(x.daily, x.unit, "flat", f"{x.daily:g} {x.unit}"), x.days)  # type: ignore[arg-type]
            for x in lines
            if x.drug == name
        ]
        comparisons, why = compare(
            table.resolve(name), schedule(given), regimen.cycle_length_days, size
        )
        ack = next(
            (r for d in entries for rule, r in d.acknowledged if rule == "dose-implausible"), None
        )
        found += [Limit(c, ack if c.over else None) for c in comparisons]
        skipped += why
    return DoseSheet(regimen, bsa, weight_kg, pct, lines, tuple(found), tuple(skipped))
