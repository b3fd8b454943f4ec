"""Dose bases: mass or IU per m², per kg or flat; rates and AUC refused."""

from __future__ import annotations

from pathlib import Path

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


def test_a_text_is_read_once_per_spelling() -> None:
    from osdose.drugs import load_drugs

    table = load_drugs()
    cis, epi = table.resolve("cisplatin"), table.resolve("epirubicin")
    first = parse_basis("112 mg/m2", "dose", cis)
    assert parse_basis("112 mg/m2", "dose", cis) is first  # kept
    # a drug not dosed in units, or none, and the field do not change what a text reads as
    assert parse_basis("112 mg/m2", "max_dose", epi) is first
    assert parse_basis("112 mg/m2") is first
    assert parse_basis(" 112 mg/m2", "dose", cis) == first  # another spelling, the same basis
    for _ in range(2):  # a refusal is never kept as an answer: refused again, same words
        with pytest.raises(InputError, match="dose must be greater than zero, got 0 mg/m²"):
            parse_basis("0 mg/m2", "dose", cis)
    for field in ("max_dose", "dose"):  # the field is the refusal's own
        with pytest.raises(InputError, match=f"^{field} must be a dose per administration day"):
            parse_basis("40 mg/m2/day", field, cis)
    for drug, name in ((cis, "cisplatin"), (epi, "epirubicin"), (None, "this drug")):
        with pytest.raises(InputError, match=f"does not say what a unit of {name} is"):
            parse_basis("15 units", "dose", drug)  # the drug's own words, each time


def test_a_drug_dosed_in_units_is_read_against_the_thresholds_in_use_each_time(
    tmp_path: Path,
) -> None:
    from osdose import thresholds
    from osdose.drugs import load_drugs

    bleo = load_drugs().resolve("bleomycin")
    # bleomycin's floor is 1,000 IU an administration; 15 IU/m² × the largest BSA of the
    # shipped thresholds, 3.5 m², is 52.5 IU: surely 15 USP units written as IU, refused
    for _ in range(2):
        with pytest.raises(InputError, match="units written as IU"):
            parse_basis("15 IU/m2", "dose", bleo)
    # thresholds whose largest BSA is 80 m²: 15 × 80 = 1,200 IU reaches the floor
    shipped = Path(thresholds.__file__).with_name("data") / "thresholds.yaml"
    text = shipped.read_text(encoding="utf-8")
    assert "bsa: {min: 0.1 m2, max: 3.5 m2," in text
    custom = tmp_path / "thresholds.yaml"
    custom.write_text(text.replace("max: 3.5 m2,", "max: 80 m2,"), encoding="utf-8")
    thresholds.use(custom)  # (reset after each test by tests/conftest.py)
    assert parse_basis("15 IU/m2", "dose", bleo).amount == 15.0
