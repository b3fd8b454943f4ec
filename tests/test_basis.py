"""Dose bases: mass or IU per m², per kg or flat; rates and AUC refused."""

from __future__ import annotations

import pytest

from osdose.basis import parse_basis
from osdose.errors import InputError


@pytest.mark.parametrize(
    ("text", "amount", "unit", "per", "shown"),
    [
        ("120 mg/m2", 120.0, "mg", "m2", "120 mg/m²"),
        ("120 mg/m^2", 120.0, "mg", "m2", "120 mg/m²"),
        ("120 mg/m**2", 120.0, "mg", "m2", "120 mg/m²"),
        ("2 g/m2", 2000.0, "mg", "m2", "2 g/m²"),  # 2 g = 2000 mg
        ("5 mg/kg", 5.0, "mg", "kg", "5 mg/kg"),
        ("12 mg", 12.0, "mg", "flat", "12 mg"),
        ("25 mcg/kg", 0.025, "mg", "kg", "25 µg/kg"),  # 25 µg = 0.025 mg
        ("10000 IU/m2", 10000.0, "IU", "m2", "10000 IU/m²"),
        ("30000 IU", 30000.0, "IU", "flat", "30000 IU"),
        ("1.5 g/m²", 1500.0, "mg", "m2", "1.5 g/m²"),
        ("0.5 g / kg", 500.0, "mg", "kg", "0.5 g/kg"),
        ("120 milligram/meter**2", 120.0, "mg", "m2", "120 mg/m²"),  # unit words
        ("1200 mg/cm2", 1200.0 / 1e-4, "mg", "m2", None),  # 1 cm² = 1e-4 m²: 1200 mg ÷ 1e-4 m²
        ("0.5 mg/lb", 0.5 / 0.45359237, "mg", "kg", None),  # per lb → per kg: ÷ 0.45359237
        ("15 units", 15000.0, "IU", "flat", "15 units"),  # bleomycin: 1 USP unit = 1,000 IU
    ],
)
def test_bases(text: str, amount: float, unit: str, per: str, shown: str | None) -> None:
    from osdose.drugs import load_drugs

    b = parse_basis(text, "dose", load_drugs().resolve("bleomycin") if "units" in text else None)
    assert b.amount == pytest.approx(amount, rel=1e-12)
    assert (b.unit, b.per) == (unit, per)
    if shown is not None:
        assert b.text == shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("120", "has no unit"),
        ("40 mg/m2/day", "per administration day without a time unit"),
        ("40 mg/m2/d", "per administration day without a time unit"),
        ("120 mg/m2/cycle", "dose_per_cycle"),
        ("AUC five", "is not a target AUC, got 'AUC five'"),
        ("AUC 50", "AUC 50 is outside 0.5–30 mg·min/mL"),
        ("5 AUC", "is not a target AUC"),
        ("120 cm", "must be a mass or IU per m², per kg, or flat"),
        ("120 mg/m", "must be a mass or IU per m², per kg, or flat"),
        ("120 mg/m**3", "is not one quantity"),
        ("0 mg/m2", "greater than zero"),
        ("-5 mg", "greater than zero"),
        ("120 mg*IU", "'*' is not part of a quantity"),
        ("15 units", "does not say what a unit of this drug is"),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_basis(text)
