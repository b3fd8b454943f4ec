"""Patient + regimen + options → a :class:`DoseSheet` whose every line carries its trace.

Per drug: daily = basis × BSA (per m²) or × weight (per kg) or the flat dose; × dose
percent; then the drug's cap; cycle = daily × number of days. Mass is in mg, units in IU;
the two are never converted into each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from osdose.basis import Basis
from osdose.bsa import BSA
from osdose.errors import InputError
from osdose.regimen import DrugDose, Regimen


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
    cap: float | None
    capped: bool
    trace: tuple[str, ...]

    @property
    def daily_mg(self) -> float | None:
        return self.daily if self.unit == "mg" else None

    @property
    def cycle_mg(self) -> float | None:
        return self.cycle if self.unit == "mg" else None


@dataclass(frozen=True)
class DoseSheet:
    regimen: Regimen
    bsa: BSA | None
    weight_kg: float | None
    dose_percent: float
    lines: tuple[DoseLine, ...]


def check_percent(dose_percent: float) -> float:
    if not 1 <= dose_percent <= 100:
        raise InputError(
            "dose percent",
            f"must be between 1 and 100 (a planned reduction), got {dose_percent:g}",
        )
    return float(dose_percent)


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 1e6 else f"{x:.6g}"


def daily_dose(
    d: DrugDose, bsa: BSA | None, weight_kg: float | None, dose_percent: float = 100.0
) -> DoseLine:
    """The daily and cycle dose of one drug, with the trace of how it was reached."""
    b = d.basis
    trace: list[str] = []
    if d.written_as == "per_cycle":
        trace.append(
            f"{d.written_basis.text} per cycle ÷ {len(d.days)} days = {_num(b.amount)} "
            f"{b.unit_text} per day"
        )
    if b.per == "m2":
        if bsa is None:
            raise InputError(
                "bsa", f"is needed for {d.drug} ({b.text}): give --height and --weight, or --bsa"
            )
        value = b.amount * bsa.m2
        how = "given" if bsa.formula == "given" else bsa.formula
        capped = " capped" if bsa.capped else ""
        trace.append(
            f"{_num(b.amount)} {b.unit_text} × {bsa.m2:.4f} m² ({how}{capped}) = "
            f"{_num(value)} {b.unit}"
        )
    elif b.per == "kg":
        if weight_kg is None:
            raise InputError(
                "weight", f"is needed for {d.drug}, dosed per kg ({b.text}): give --weight"
            )
        value = b.amount * weight_kg
        trace.append(
            f"{_num(b.amount)} {b.unit_text} × {_num(weight_kg)} kg = {_num(value)} {b.unit}"
        )
    else:
        value = b.amount
        trace.append(f"flat dose {_num(value)} {b.unit}")
    if dose_percent != 100:
        value = value * dose_percent / 100.0
        trace.append(f"× {dose_percent:g}% = {_num(value)} {b.unit}")
    uncapped = value
    cap = d.max_dose.amount if d.max_dose else None
    if cap is not None and value > cap:
        value = cap
        trace.append(
            f"capped at max_dose {_num(cap)} {b.unit} (uncapped {_num(uncapped)} {b.unit})"
        )
    cycle = value * len(d.days)
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
        daily=value,
        cycle=cycle,
        uncapped_daily=uncapped,
        cap=cap,
        capped=value != uncapped,
        trace=tuple(trace),
    )


def dose_sheet(
    regimen: Regimen,
    bsa: BSA | None,
    weight_kg: float | None = None,
    dose_percent: float = 100.0,
) -> DoseSheet:
    """Every drug of ``regimen`` for a patient of ``bsa`` (and ``weight_kg`` for per-kg doses)."""
    pct = check_percent(dose_percent)
    lines = tuple(daily_dose(d, bsa, weight_kg, pct) for d in regimen.drugs)
    return DoseSheet(regimen, bsa, weight_kg, pct, lines)
