"""Quantities as people type them: one number and one unit, read whole or refused.

Units are a closed vocabulary with exact factors; pint (a test dependency only) is the
oracle that holds every factor to its definition.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osdose import body, units
from osdose.errors import InputError


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("175cm", 175.0),
        ("175 cm", 175.0),
        ("1.75 m", 175.0),
        ("1750 mm", 175.0),
        ("69 in", 69 * 2.54),  # 175.26 cm
        ("69 inches", 69 * 2.54),
        ("5 ft 9 in", (5 * 12 + 9) * 2.54),  # 69 in = 175.26 cm
        ("5ft 9in", 175.26),
        ("5 feet 9 inches", 175.26),
        ("5 foot 9 inch", 175.26),
        ("1 m 75 cm", 175.0),
        ("175 centimetres", 175.0),
        ("175 centimeters", 175.0),
        ("160 CM", 160.0),  # another case, unambiguous in the vocabulary
        ("63 Inches", 63 * 2.54),  # 160.02 cm
    ],
)
def test_heights(text: str, cm: float) -> None:
    assert body.height_cm(text) == pytest.approx(cm, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("70kg", 70.0),
        ("70 kg", 70.0),
        ("55 Kg", 55.0),
        ("70 kilograms", 70.0),
        ("154 lb", 154 * 0.45359237),  # 69.853 kg
        ("121 pounds", 121 * 0.45359237),  # 54.885 kg
        ("70000 g", 70.0),
        ("7 lb 8 oz", (7 * 16 + 8) * 28.349523125 / 1000),  # 120 oz = 3.402 kg
    ],
)
def test_weights(text: str, kg: float) -> None:
    assert body.weight_kg(text) == pytest.approx(kg, rel=1e-12)


# issue 9 §2: a stray number multiplied silently; issue 10 §3: an expression evaluated
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 ft 2", "the number 2 after 3 ft has no unit): did you mean '3 ft 2 in'?"),
        ("7 lb 8", "the number 8 after 7 lb has no unit): did you mean '7 lb 8 oz'?"),
        ("9.2 mg 10", "the number 10 after 9.2 mg has no unit): did you mean '9.2 mg'?"),
        ("100 mg/m2 2", "the number 2 after 100 mg/m² has no unit): did you mean '100 mg/m²'?"),
        ("70 kg - 69 kg", "'-' is not part of a quantity"),
        ("70 kg + 5 kg", "'+' is not part of a quantity"),
        ("7⁰ kg", "'⁰' is not part of a quantity"),
        ("70 kg 5 kg", "the second unit must be the smaller one"),
        ("5 ft 13 in", "13 in is not a part of one ft"),
        ("70 kg 5 cm", "are not two parts of one length or mass"),
        ("mg", "it does not start with a number"),
        ("kg 70", "it does not start with a number"),
        ("9**9**9 kg", "a power cannot follow the number"),
        ("10**400 kg", "a power cannot follow the number"),
        ("1e308 mg", "beyond any value osdose reads"),
        ("nan mg", "it does not start with a number"),
        ("inf kg", "it does not start with a number"),
        ("70 stone", "'stone' is not a unit osdose knows"),
        ("70 kg/m/s", "only one '/' is allowed"),
        ("70 kg²", "only a length can be squared"),
        ("1" * 20 + " kg", "more than 17 significant digits"),
        ("1" * 5000 + " kg", "longer than 100 characters"),
    ],
)
def test_not_one_quantity(text: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        units.parse(text, "weight")
    assert message in str(err.value)
    assert str(err.value).startswith("weight ")
    assert "**" not in str(err.value).split("got", 1)[-1].split(")", 1)[-1]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("weight", "70cm", "weight must be a mass, got 70 cm"),
        ("height", "70 kg", "height must be a length, got 70 kg"),
        (
            "height",
            "175",
            "height has no unit, got '175': write it with its unit, for example '175 cm'",
        ),
        (
            "weight",
            "70",
            "weight has no unit, got '70': write it with its unit, for example '70 kg'",
        ),
        ("weight", "1,5 kg", "must not contain a comma"),
        ("weight", "", "weight is empty"),
        ("height", "300 cm", "outside the plausible range 30–250 cm"),
        ("height", "20 cm", "outside the plausible range 30–250 cm"),
        ("weight", "0.5 kg", "outside the plausible range 1–350 kg"),
        ("weight", "-70 kg", "outside the plausible range 1–350 kg"),
        ("weight", "-0 kg", "outside the plausible range 1–350 kg"),
    ],
)
def test_refused_measurements(field: str, text: str, message: str) -> None:
    fn = body.height_cm if field == "height" else body.weight_kg
    with pytest.raises(InputError) as err:
        fn(text, field)
    assert message in str(err.value)


def test_bsa() -> None:
    assert body.bsa_m2("1.9") == 1.9  # a BSA has no other unit: a bare number is m²
    assert body.bsa_m2("1.9 m2") == pytest.approx(1.9)
    assert body.bsa_m2("1.9 m²") == pytest.approx(1.9)
    assert body.bsa_m2("19000 cm2") == pytest.approx(1.9)  # 1 cm² = 1e-4 m²
    with pytest.raises(InputError, match=r"must be an area in m², got 1.9 m$"):
        body.bsa_m2("1.9 m")
    with pytest.raises(InputError, match=r"outside the plausible range 0\.1–3\.5 m²"):
        body.bsa_m2("18.4 m2")


def test_messages_show_m_squared_never_stars() -> None:
    q = units.parse("120 mg/m**2", "dose")
    assert q.text == "120 mg/m²" and q.dimension == "mass/area"
    assert units.pretty("mg/m**2") == units.pretty("mg/m^2") == units.pretty("mg/m2") == "mg/m²"


# Every factor of the vocabulary against pint's own definition of the same unit.
PINT_NAMES = {
    "mm": "millimeter",
    "cm": "centimeter",
    "m": "meter",
    "in": "inch",
    "ft": "foot",
    "µg": "microgram",
    "mg": "milligram",
    "g": "gram",
    "kg": "kilogram",
    "lb": "pound",
    "oz": "ounce",
    "mL": "milliliter",
    "dL": "deciliter",
    "L": "liter",
    "µmol": "micromole",
    "mmol": "millimole",
    "mol": "mole",
    "s": "second",
    "min": "minute",
    "h": "hour",
    "day": "day",
    "week": "week",
}
BASES = {
    "length": "meter",
    "mass": "gram",
    "volume": "liter",
    "substance": "mole",
    "time": "minute",
}


@functools.cache
def pint_registry() -> object:
    import pint

    return pint.UnitRegistry()


def test_every_factor_is_pints() -> None:
    ureg: Any = pint_registry()
    symbols = {u.symbol for u in units.UNITS.values()}
    for symbol in symbols:
        unit = units.lookup(symbol)
        assert unit is not None
        if unit.dimension in ("iu", "drug unit"):
            continue  # no mass: what an IU or a drug's unit is worth is the drug's
        assert symbol in PINT_NAMES, symbol
        expected = ureg.Quantity(1, PINT_NAMES[symbol]).to(BASES[unit.dimension]).magnitude
        assert unit.factor == pytest.approx(expected, rel=1e-15), symbol


SPELLINGS = {
    "kg": ["kg", "Kg", "KG", "kilogram", "kilograms", "kilo", "kilos"],
    "lb": ["lb", "lbs", "pound", "pounds", "LB"],
    "cm": ["cm", "CM", "centimetre", "centimetres", "centimeter", "centimeters"],
    "in": ["in", "inch", "inches", "IN"],
    "mg": ["mg", "MG", "milligram", "milligrams"],
}


@settings(max_examples=300)
@given(
    st.decimals(min_value="0.001", max_value="100000", places=3, allow_nan=False),
    st.sampled_from(sorted(SPELLINGS)),
    st.data(),
)
def test_every_spelling_reads_the_same_number(value: object, symbol: str, data: object) -> None:
    spelling = data.draw(st.sampled_from(SPELLINGS[symbol]))  # type: ignore[attr-defined]
    typed = units.parse(f"{value} {spelling}", "x")
    canonical = units.parse(f"{value} {symbol}", "x")
    assert typed.to(symbol) == canonical.to(symbol)  # bit for bit: one vocabulary entry
    assert typed.top.unit.symbol == symbol


@settings(max_examples=500)
@given(st.text(max_size=40))
def test_any_text_is_a_quantity_or_one_input_error(text: str) -> None:
    try:
        q = units.parse(text, "x")
    except InputError as exc:
        assert "\n" not in str(exc).replace(repr(text), "")
        return
    assert math.isfinite(q.value) and abs(q.value) <= units.MAX_MAGNITUDE


@settings(max_examples=200)
@given(st.floats(min_value=30, max_value=250), st.sampled_from(["cm", "m", "mm", "in", "ft"]))
def test_lengths_agree_with_pint(cm: float, unit: str) -> None:
    ureg: Any = pint_registry()
    text = f"{units.parse(f'{cm!r} cm', 'h').to(unit)!r} {unit}"
    expected = ureg.Quantity(float(text.split()[0]), PINT_NAMES[unit]).to("cm")
    assert body.height_cm(text) == pytest.approx(expected.magnitude, rel=1e-12)
