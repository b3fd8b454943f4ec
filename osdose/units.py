"""The one pint registry of osdose, and parsing of quantities people type.

pint's full default registry parses ~1,000 definitions at start-up (~380 ms here); osdose
needs a dozen units, so it builds a small registry from the definitions below (~15 ms),
and only when it is first needed. Mass and international units are separate dimensions,
so pint itself refuses to convert one into the other.

The everyday spellings (``175cm``, ``70 kg``, ``154 lb``, ``120 mg/m2``, ``5 mg/kg``,
``10000 IU``) take a fast path that reads them without pint: importing pint alone costs
~170 ms, more than the rest of a dose calculation. The fast path only recognises; anything
it does not recognise goes to pint. A property test holds the two paths to the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from osdose.errors import InputError

# A pint Quantity of the registry below. pint's generic hints (Quantity[float | int | ...])
# make every arithmetic result a union that mypy cannot narrow; Any is honest about that.
Quantity = Any

_DEFINITIONS = """
milli- = 1e-3 = m-
centi- = 1e-2 = c-
deci- = 1e-1 = d-
kilo- = 1e3 = k-
micro- = 1e-6 = µ- = u- = mc-
meter = [length] = m = metre
gram = [mass] = g
international_unit = [biologic_activity] = IU = iu
mole = [substance] = mol
second = [time] = s = sec
minute = 60 * second = min
hour = 60 * minute = h = hr
inch = 2.54 * centimeter = in
foot = 12 * inch = ft
pound = 0.45359237 * kilogram = lb = lbs
liter = decimeter ** 3 = l = L = litre
"""

#: Names of the dimensions osdose checks against, as people read them.
DIMENSIONS: dict[str, str] = {
    "length": "a length",
    "mass": "a mass",
    "area": "an area",
}


@cache
def registry() -> Any:
    """The registry, built on first use and shared by the whole program."""
    import pint

    ureg: Any = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False, cache_folder=None)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    ureg.formatter.default_format = "~"
    return ureg


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_BARE_NUMBER = re.compile(rf"^\s*{_NUMBER}\s*$")
# "5 ft 9 in", "5ft 9in": two quantities of the same dimension written side by side.
_COMPOUND = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z]+)\s+({_NUMBER})\s*([A-Za-z]+)\s*$")
# "m2", "m²", "m^2" → "m**2" (pint reads "m2" as an unknown unit name).
_POWER = re.compile(r"([A-Za-zµ])(?:\^|\*\*)?([23²³])(?![\d.])")
_SUPERSCRIPT = {"²": "2", "³": "3"}


def _normalise(text: str) -> str:
    text = text.strip().replace("mcg", "µg").replace("μ", "µ")  # Greek mu → micro sign
    return _POWER.sub(lambda m: f"{m.group(1)}**{_SUPERSCRIPT.get(m.group(2), m.group(2))}", text)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Quantity:
    ureg = registry()
    compound = _COMPOUND.match(text)
    try:
        if compound:
            a = ureg.Quantity(float(compound.group(1)), compound.group(2))
            b = ureg.Quantity(float(compound.group(3)), compound.group(4))
            return a + b  # DimensionalityError if the two parts do not match
        q = ureg.parse_expression(_normalise(text))
    except Exception as exc:  # pint's tokenizer raises many types on odd text; all mean "no"
        raise ValueError(str(exc) or type(exc).__name__) from None
    if not isinstance(q, ureg.Quantity):
        q = ureg.Quantity(q, "")
    return q


# spelling → (symbol as pint prints it, dimension, factor to the dimension's base unit:
# metre, gram, IU). The factors are the same as the registry's definitions above.
_FAST_UNITS: dict[str, tuple[str, str, float]] = {
    "mm": ("mm", "length", 1e-3),
    "cm": ("cm", "length", 1e-2),
    "m": ("m", "length", 1.0),
    "in": ("in", "length", 0.0254),
    "ft": ("ft", "length", 0.3048),
    "µg": ("µg", "mass", 1e-6),
    "mcg": ("µg", "mass", 1e-6),
    "ug": ("µg", "mass", 1e-6),
    "mg": ("mg", "mass", 1e-3),
    "g": ("g", "mass", 1.0),
    "kg": ("kg", "mass", 1e3),
    "lb": ("lb", "mass", 453.59237),
    "lbs": ("lb", "mass", 453.59237),
    "IU": ("IU", "iu", 1.0),
    "iu": ("IU", "iu", 1.0),
}
_FAST_PER = {"m2": "m2", "m^2": "m2", "m**2": "m2", "m²": "m2", "kg": "kg"}
# "1.84 m2", "1.84 m²", "1.84 m^2", "1.84 m**2": a BSA read without pint (every course
# entry may carry one, and importing pint costs more than reading a whole course)
_FAST_AREA = re.compile(rf"^\s*({_NUMBER})\s*m(?:2|²|\^2|\*\*2)\s*$")
_FAST = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-zµμ]+)(?:\s*/\s*(m2|m\^2|m\*\*2|m²|kg))?\s*$")


@dataclass(frozen=True)
class Simple:
    """A quantity read by the fast path: ``value`` of ``symbol`` (``dimension``), optionally
    per m² or per kg. ``base`` is the value in metre, gram or IU (before ``per``)."""

    value: float
    symbol: str
    dimension: str
    base: float
    per: str | None

    @property
    def text(self) -> str:
        per = {"m2": "/m**2", "kg": "/kg", None: ""}[self.per]
        return f"{self.value:g} {self.symbol}{per}"


def fast(text: str) -> Simple | None:
    """Read an everyday spelling without pint, or ``None`` to let pint read it."""
    m = _FAST.match(text)
    if not m:
        return None
    unit = _FAST_UNITS.get(m.group(2).replace("μ", "µ"))
    if unit is None:
        return None
    value = float(m.group(1))
    symbol, dimension, factor = unit
    return Simple(value, symbol, dimension, value * factor, _FAST_PER.get(m.group(3) or ""))


def is_bare_number(text: str) -> bool:
    """Whether ``text`` is a number with no unit."""
    return _BARE_NUMBER.match(text) is not None


def _checked_text(text: Any, field: str, allow_bare: bool, example: str = "") -> str:
    if isinstance(text, bool) or text is None:
        raise InputError(field, f"must be a quantity with a unit, got {text!r}")
    if isinstance(text, (int, float)):
        text = repr(text)
    s = str(text).strip()
    if not s:
        raise InputError(field, "is empty: give a number and a unit, for example '70 kg'")
    if "," in s:
        raise InputError(
            field,
            f"must not contain a comma, got {s!r}: write decimals with a point and no "
            "thousands separator",
        )
    if _BARE_NUMBER.match(s) and not allow_bare:
        how = f", for example '{s} {example}'" if example else " (osdose never guesses one)"
        raise InputError(field, f"has no unit, got {s!r}: write it with its unit{how}")
    return s


def parse(text: Any, field: str, *, allow_bare: bool = False) -> Quantity:
    """Parse what a person typed (``"175cm"``, ``"5 ft 9 in"``, ``"120 mg/m2"``).

    Refuses an empty value, a decimal comma and (unless ``allow_bare``) a bare number:
    osdose never guesses a unit.
    """
    s = _checked_text(text, field, allow_bare)
    try:
        return _parse_cached(s)
    except ValueError as exc:
        raise InputError(
            field, f"is not a quantity osdose understands, got {s!r} ({exc})"
        ) from None


def is_dimension(q: Quantity, dims: dict[str, int]) -> bool:
    """Whether ``q`` has exactly the dimensions ``dims`` (for example ``{"[mass]": 1}``)."""
    return dict(q.dimensionality) == dims


LENGTH = {"[length]": 1}
MASS = {"[mass]": 1}
AREA = {"[length]": 2}
IU = {"[biologic_activity]": 1}


def expect(q: Quantity, dims: dict[str, int], field: str, what: str) -> Quantity:
    """Return ``q`` if it has dimensions ``dims``, else refuse naming the field."""
    if not is_dimension(q, dims):
        raise InputError(field, f"must be {what}, got {fmt(q)}")
    return q


def fmt(q: Quantity) -> str:
    """A quantity as a person would write it: ``70 cm``, ``120 mg/m**2``."""
    mag = q.magnitude
    number = f"{mag:g}" if isinstance(mag, float) else str(mag)
    unit = f"{q.units:~}".replace(" ", "")
    return f"{number} {unit}" if unit else number


def unit_text(q: Quantity) -> str:
    """The unit of ``q`` alone, compact: ``mg/m**2``."""
    return f"{q.units:~}".replace(" ", "")


def quantity(value: float, unit: str) -> Quantity:
    """Build a quantity in the one registry."""
    return registry().Quantity(value, unit)


def _measure(
    text: Any,
    field: str,
    dimension: str,
    unit: str,
    factor: float,
    what: str,
    low: float,
    high: float,
    allow_bare: bool = False,
) -> float:
    """``text`` in ``unit`` (``factor`` of the dimension's base), checked for dimension and
    plausibility; the fast path first, pint for anything else."""
    s = _checked_text(text, field, allow_bare, unit)
    if allow_bare and _BARE_NUMBER.match(s):
        s = f"{s} {unit}"
    f = fast(s)
    if f is not None and f.per is None:
        if f.dimension != dimension:
            raise InputError(field, f"must be {what}, got {f.text}")
        value = f.base / factor
        shown = f.text
    else:
        dims = {"length": LENGTH, "mass": MASS, "area": AREA}[dimension]
        q = expect(parse(s, field), dims, field, what)
        value = float(q.to(unit).magnitude)
        shown = fmt(q)
    if not (low <= value <= high):
        raise InputError(
            field,
            f"{shown} is outside the plausible range {low:g}–{high:g} {unit}: check the value "
            "and its unit",
        )
    return value


def height_cm(text: Any, field: str = "height") -> float:
    """A height in cm from typed text, checked for dimension and plausibility (30–250 cm)."""
    return _measure(text, field, "length", "cm", 1e-2, "a length", 30, 250)


def weight_kg(text: Any, field: str = "weight") -> float:
    """A weight in kg from typed text, checked for dimension and plausibility (1–350 kg)."""
    return _measure(text, field, "mass", "kg", 1e3, "a mass", 1, 350)


def bsa_m2(text: Any, field: str = "bsa") -> float:
    """A given BSA in m² (a bare number is read as m²), plausible range 0.1–3.5 m²."""
    s = _checked_text(text, field, allow_bare=True)
    area = _FAST_AREA.match(s)
    if _BARE_NUMBER.match(s) or area:
        value = float(area.group(1) if area else s)
        shown = f"{value:g} m**2"
    else:
        q = expect(parse(s, field), AREA, field, "an area in m²")
        value = float(q.to("m**2").magnitude)
        shown = fmt(q)
    if not (0.1 <= value <= 3.5):
        raise InputError(
            field,
            f"{shown} is outside the plausible range 0.1–3.5 m**2: check the value and its unit",
        )
    return value
