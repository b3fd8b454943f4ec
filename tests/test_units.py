"""Parsing what people type: dimensions checked, bare numbers refused, plausibility."""

from __future__ import annotations

import pytest

from osdose import units
from osdose.errors import InputError


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("175cm", 175.0),
        ("175 cm", 175.0),
        ("1.75 m", 175.0),
        ("69 in", 69 * 2.54),  # 175.26 cm
        ("5 ft 9 in", (5 * 12 + 9) * 2.54),  # 69 in = 175.26 cm
        ("5ft 9in", 175.26),
        ("1750 mm", 175.0),
    ],
)
def test_heights(text: str, cm: float) -> None:
    assert units.height_cm(text) == pytest.approx(cm, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("70kg", 70.0),
        ("70 kg", 70.0),
        ("154 lb", 154 * 0.45359237),  # 69.853 kg
        ("70000 g", 70.0),
    ],
)
def test_weights(text: str, kg: float) -> None:
    assert units.weight_kg(text) == pytest.approx(kg, rel=1e-12)


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("weight", "70cm", "weight must be a mass, got 70 cm"),
        ("height", "70 kg", "height must be a length, got 70 kg"),
        ("height", "175", "height has no unit, got '175': write it with its unit, for example '175 cm'"),
        ("weight", "70", "weight has no unit, got '70': write it with its unit, for example '70 kg'"),
        ("weight", "1,5 kg", "must not contain a comma"),
        ("weight", "", "weight is empty"),
        ("height", "300 cm", "outside the plausible range 30–250 cm"),
        ("height", "20 cm", "outside the plausible range 30–250 cm"),
        ("weight", "400 kg", "outside the plausible range 1–350 kg"),
        ("weight", "0.5 kg", "outside the plausible range 1–350 kg"),
        ("weight", "5 kg 3 cm", "is not a quantity osdose understands"),
        ("weight", "seventy kg", "is not a quantity osdose understands"),
        ("height", "70 m2", "height must be a length"),
    ],
)
def test_refusals_name_the_field(field: str, text: str, message: str) -> None:
    fn = units.height_cm if field == "height" else units.weight_kg
    with pytest.raises(InputError) as err:
        fn(text)
    assert message in str(err.value)
    assert str(err.value).startswith(field)


def test_given_bsa_bare_number_is_square_metres() -> None:
    assert units.bsa_m2("1.9") == 1.9
    assert units.bsa_m2("1.9 m2") == pytest.approx(1.9)
    assert units.bsa_m2("1.9 m²") == pytest.approx(1.9)
    assert units.bsa_m2("19000 cm**2") == pytest.approx(1.9)


@pytest.mark.parametrize(
    ("text", "message"), [("4", "0.1–3.5"), ("0.05 m2", "0.1–3.5"), ("1.9 kg", "must be an area")]
)
def test_given_bsa_refusals(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        units.bsa_m2(text)


@pytest.mark.parametrize(
    ("text", "dims"),
    [
        ("120 mg/m2", {"[mass]": 1, "[length]": -2}),
        ("120 mg/m^2", {"[mass]": 1, "[length]": -2}),
        ("120 mg/m**2", {"[mass]": 1, "[length]": -2}),
        ("0.9 mg/dL", {"[mass]": 1, "[length]": -3}),
        ("80 µmol/L", {"[substance]": 1, "[length]": -3}),
        ("80 umol/L", {"[substance]": 1, "[length]": -3}),
        ("10000 IU/m2", {"[biologic_activity]": 1, "[length]": -2}),
    ],
)
def test_pint_path_dimensions(text: str, dims: dict[str, int]) -> None:
    assert dict(units.parse(text, "x").dimensionality) == dims


def test_one_registry() -> None:
    assert units.registry() is units.registry()


def test_mass_and_units_never_convert() -> None:
    q = units.parse("30000 IU", "dose")
    with pytest.raises(Exception, match=r"[Cc]annot convert"):
        q.to("mg")
