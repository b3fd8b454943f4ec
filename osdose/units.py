"""Quantities people type, read exactly: one number and one unit, or nothing.

A quantity is a decimal number (optional exponent) followed by a unit osdose knows
(``175 cm``, ``70kg``, ``120 mg/m2``, ``0.9 mg/dL``, ``5 feet 3 inches``, ``121 pounds``),
or two such parts of the same dimension each with its own unit (``5 ft 9 in``,
``7 lb 8 oz``). Nothing else is read: no arithmetic (``70 kg - 69 kg``), no stray numbers
(``3 ft 2``), no powers of numbers (``7⁰ kg``), no bare unit (``mg``), no thousands
separators, nothing longer than :data:`MAX_TEXT`. Every number is finite and within
:data:`MAX_MAGNITUDE`; the field's own plausible range is checked by its reader.

The units form a closed vocabulary with exact factors (:data:`UNITS`); a test holds every
factor to pint's definition of the same unit. Symbols are case-sensitive first; a spelling
in another case is accepted only when exactly one unit has it (``55 Kg``, ``160 CM``).
Messages show units as people read them: ``m²``, never ``m**2``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from osdose.errors import InputError, shown

MAX_TEXT = 100  # characters of one quantity
MAX_DIGITS = 17  # significant digits (any float written by repr fits; more is an accident)
MAX_MAGNITUDE = 1e9  # no quantity osdose reads is larger, in any unit


@dataclass(frozen=True)
class Unit:
    """A unit of the vocabulary: ``symbol`` as shown, its ``dimension``, and ``factor`` to
    the dimension's base unit (metre, gram, litre, mole, minute, IU, or the drug's unit)."""

    symbol: str
    dimension: str
    factor: float


def _u(symbol: str, dimension: str, factor: float, *spellings: str) -> list[tuple[str, Unit]]:
    unit = Unit(symbol, dimension, factor)
    return [(s, unit) for s in (symbol, *spellings)]


#: Every spelling osdose reads, exact case, with the unit it means.
UNITS: dict[str, Unit] = dict(
    [
        *_u("mm", "length", 1e-3, "millimetre", "millimetres", "millimeter", "millimeters"),
        *_u("cm", "length", 1e-2, "centimetre", "centimetres", "centimeter", "centimeters"),
        *_u("m", "length", 1.0, "metre", "metres", "meter", "meters"),
        *_u("in", "length", 0.0254, "inch", "inches"),
        *_u("ft", "length", 0.3048, "foot", "feet"),
        *_u("µg", "mass", 1e-6, "μg", "ug", "mcg", "microgram", "micrograms"),
        *_u("mg", "mass", 1e-3, "milligram", "milligrams"),
        *_u("g", "mass", 1.0, "gram", "grams"),
        *_u("kg", "mass", 1e3, "kilogram", "kilograms", "kilo", "kilos"),
        *_u("lb", "mass", 453.59237, "lbs", "pound", "pounds"),
        *_u("oz", "mass", 28.349523125, "ounce", "ounces"),
        *_u("IU", "iu", 1.0, "international unit", "international units"),
        # A drug's own "unit" (bleomycin: the USP unit): what it is worth in IU is the drug
        # table's to say (osdose.drugs), never this module's.
        *_u("units", "drug unit", 1.0, "U", "unit", "USP unit", "USP units", "USP U"),
        *_u("mL", "volume", 1e-3, "millilitre", "millilitres", "milliliter", "milliliters"),
        *_u("dL", "volume", 0.1, "decilitre", "decilitres", "deciliter", "deciliters"),
        *_u("L", "volume", 1.0, "l", "litre", "litres", "liter", "liters"),
        *_u("µmol", "substance", 1e-6, "μmol", "umol", "mcmol"),
        *_u("mmol", "substance", 1e-3),
        *_u("mol", "substance", 1.0),
        *_u("s", "time", 1 / 60, "sec"),
        *_u("min", "time", 1.0),
        *_u("h", "time", 60.0, "hr", "hour", "hours"),
        *_u("day", "time", 1440.0, "d", "days"),
        *_u("week", "time", 10080.0, "wk", "weeks"),
    ]
)


def _folded() -> dict[str, Unit]:
    """Spellings in any case that name exactly one unit."""
    seen: dict[str, set[Unit]] = {}
    for spelling, unit in UNITS.items():
        seen.setdefault(spelling.casefold(), set()).add(unit)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


_FOLDED = _folded()
_DIM_WORDS = {
    "length": "a length",
    "mass": "a mass",
    "iu": "international units",
    "drug unit": "a drug's units",
    "volume": "a volume",
    "substance": "an amount of substance",
    "time": "a time",
}


def lookup(spelling: str) -> Unit | None:
    """The unit spelt ``spelling`` (exact case first, then any unambiguous case)."""
    unit = UNITS.get(spelling)
    if unit is None:
        unit = _FOLDED.get(spelling.casefold())
    return unit


@dataclass(frozen=True)
class Term:
    """A unit, or a length squared (``m²`` is ``Term(m, 2)``)."""

    unit: Unit
    power: int = 1

    @property
    def dimension(self) -> str:
        d = self.unit.dimension
        if self.power == 1:
            return d
        return "area" if (d, self.power) == ("length", 2) else ""

    @property
    def factor(self) -> float:
        return float(self.unit.factor**self.power)

    @property
    def text(self) -> str:
        return self.unit.symbol + ("²" if self.power == 2 else "")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit: ``top`` (optionally ``/ per``). ``text`` is how osdose shows
    it (``120 mg/m²``); ``written`` is what was typed."""

    value: float
    top: Term
    per: Term | None
    written: str

    @property
    def dimension(self) -> str:
        """``length``, ``mass``, ``area``, ``mass/area``, ``mass/mass``, ``mass/volume`` …"""
        return self.top.dimension + (f"/{self.per.dimension}" if self.per else "")

    @property
    def unit_text(self) -> str:
        return self.top.text + (f"/{self.per.text}" if self.per else "")

    @property
    def text(self) -> str:
        return f"{number_text(self.value)} {self.unit_text}"

    def base(self) -> float:
        """The value in the dimension's base units (g, m, L, mol, min, IU; per the same)."""
        value = self.value * self.top.factor
        return value / self.per.factor if self.per else value

    def to(self, unit_text: str) -> float:
        """The value in ``unit_text`` (``"cm"``, ``"mg/m2"``, ``"mg/dL"``), which must be of
        the same dimension (a :class:`ValueError` otherwise: a bug, never user input).
        The same unit returns the value as typed (``74 mg`` is exactly 74.0 mg)."""
        target = _unit_expression(unit_text)
        if target.dimension != self.dimension:
            raise ValueError(f"cannot convert {self.dimension} to {target.dimension}")
        value = self.value
        if self.top != target.top:
            value *= self.top.factor / target.top.factor
        if self.per is not None and target.per is not None and self.per != target.per:
            value /= self.per.factor / target.per.factor
        return value


def number_text(x: float) -> str:
    """A number as people write it: ``120``, ``1.5``, ``0.001``, ``1e-07``."""
    return f"{x:g}" if x != int(x) or abs(x) >= 1e15 else str(int(x))


_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_TOKEN = re.compile(
    rf"(?P<num>{_NUM})|(?P<word>[A-Za-zµμ]+(?: (?:unit|units|U)\b)?)|(?P<pow>\^|\*\*|²)"
    r"|(?P<slash>/)|(?P<space>\s+)|(?P<other>.)"
)
_BARE = re.compile(rf"^\s*{_NUM}\s*$")


def is_bare_number(text: str) -> bool:
    """Whether ``text`` is a number with no unit."""
    return _BARE.match(text) is not None


class _Refused(ValueError):
    """Why a text is not one quantity; ``hint`` is a suggestion (``did you mean …``)."""

    def __init__(self, problem: str, hint: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


@dataclass(frozen=True)
class _Token:
    kind: str  # num, word, pow, slash, other
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "other" and m.group() in "+-*×·^()⁰¹³⁴⁵⁶⁷⁸⁹":
            raise _Refused(
                f"{m.group()!r} is not part of a quantity: write one number and its unit"
            )
        if kind == "other":
            raise _Refused(f"the character {m.group()!r} is not part of a quantity")
        if kind != "space":
            out.append(_Token(kind, m.group(), m.start(), m.end()))
    return out


def _number(text: str) -> float:
    mantissa = re.split(r"[eE]", text)[0]
    digits = len(mantissa.lstrip("+-").replace(".", "").lstrip("0"))
    if digits > MAX_DIGITS:
        raise _Refused(f"its number has more than {MAX_DIGITS} significant digits")
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise _Refused(f"its number is beyond any value osdose reads (at most {MAX_MAGNITUDE:g})")
    if value != 0 and abs(value) < 1 / MAX_MAGNITUDE:
        raise _Refused(f"its number is too small to be a measurement (below {1 / MAX_MAGNITUDE:g})")
    return value + 0.0  # -0.0 reads as 0


def _term(tokens: list[_Token], i: int) -> tuple[Term, int]:
    """A unit term starting at ``tokens[i]`` (a word, then an optional square)."""
    word = tokens[i]
    unit = lookup(word.text.replace("μ", "µ"))
    if unit is None:
        raise _Refused(f"{word.text!r} is not a unit osdose knows")
    i += 1
    squared = False
    if i < len(tokens):
        t = tokens[i]
        if t.kind == "pow" and t.text == "²":
            squared, i = True, i + 1
        elif t.kind == "pow" and i + 1 < len(tokens) and tokens[i + 1].text == "2":
            squared, i = True, i + 2
        elif t.kind == "num" and t.text == "2" and t.start == word.end:  # "m2", not "m 2"
            squared, i = True, i + 1
    if squared and unit.dimension != "length":
        raise _Refused(f"only a length can be squared, not {unit.symbol}")
    return Term(unit, 2 if squared else 1), i


def _unit_part(tokens: list[_Token], i: int) -> tuple[Term, Term | None, int]:
    """``term`` or ``term / term`` from ``tokens[i]``."""
    top, i = _term(tokens, i)
    per = None
    if i < len(tokens) and tokens[i].kind == "slash":
        i += 1
        if i >= len(tokens) or tokens[i].kind != "word":
            raise _Refused("a '/' must be followed by a unit")
        per, i = _term(tokens, i)
        if i < len(tokens) and tokens[i].kind == "slash":
            raise _Refused("only one '/' is allowed in a unit")
    return top, per, i


_NEXT_SMALLER = {"ft": "in", "lb": "oz", "m": "cm", "kg": "g"}


def _parse(text: str) -> Quantity:
    tokens = _tokens(text)
    if not tokens or tokens[0].kind != "num":
        raise _Refused("it does not start with a number")
    if len(tokens) == 1:
        raise _Refused("it has no unit")
    if tokens[1].kind != "word":
        what = "a power" if tokens[1].kind == "pow" else repr(tokens[1].text)
        raise _Refused(f"{what} cannot follow the number")
    value = _number(tokens[0].text)
    top, per, i = _unit_part(tokens, 1)
    first = Quantity(value, top, per, text)
    if i == len(tokens):
        return first
    t = tokens[i]
    if t.kind != "num":
        raise _Refused(f"{t.text!r} is not part of a quantity")
    # A second part: "5 ft 9 in". Both parts need their unit, of one length or mass, the
    # second unit smaller than the first and its value less than one of the first.
    if i + 1 == len(tokens):
        smaller = _NEXT_SMALLER.get(top.unit.symbol) if per is None else None
        hint = (
            f"did you mean '{first.text} {t.text} {smaller}'?"
            if smaller
            else f"did you mean '{first.text}'?"
        )
        raise _Refused(f"the number {t.text} after {first.text} has no unit", hint)
    value2 = _number(t.text)
    if tokens[i + 1].kind != "word":
        raise _Refused(f"{tokens[i + 1].text!r} is not part of a quantity")
    top2, per2, j = _unit_part(tokens, i + 1)
    second = f"{number_text(value2)} {top2.text}"
    if j != len(tokens):
        raise _Refused(f"{tokens[j].text!r} after {second} is one part too many")
    if per is not None or per2 is not None or top.power != 1 or top2.power != 1:
        raise _Refused("only a length or a mass may be written in two parts ('5 ft 9 in')")
    u1, u2 = top.unit, top2.unit
    if u1.dimension != u2.dimension or u1.dimension not in ("length", "mass"):
        raise _Refused(f"{first.text} and {second} are not two parts of one length or mass")
    if not u2.factor < u1.factor:
        raise _Refused(f"in '{first.text} {second}' the second unit must be the smaller one")
    if value < 0 or value2 < 0 or value2 * u2.factor >= u1.factor:
        raise _Refused(f"{second} is not a part of one {u1.symbol} (write it in one unit)")
    total = value * u1.factor + value2 * u2.factor  # in the base unit
    return Quantity(total / u2.factor, top2, None, text)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Quantity:
    return _parse(text)


def _checked_text(text: Any, field: str, example: str = "") -> str:
    if isinstance(text, bool) or text is None:
        raise InputError(field, f"must be a quantity with a unit, got {shown(text)}")
    if isinstance(text, float) and not math.isfinite(text):
        raise InputError(field, f"must be a finite number with a unit, got {shown(text)}")
    s = str(text).strip() if isinstance(text, str) else repr(text)
    if not s:
        raise InputError(field, "is empty: give a number and a unit, for example '70 kg'")
    if len(s) > MAX_TEXT:
        raise InputError(field, f"is longer than {MAX_TEXT} characters: not a quantity")
    if re.search(r"\d,\d", s):
        raise InputError(
            field,
            f"must not contain a comma, got {s!r}: write decimals with a point and no "
            "thousands separator",
        )
    if is_bare_number(s):
        how = f", for example '{s} {example}'" if example else " (osdose never guesses one)"
        raise InputError(field, f"has no unit, got {s!r}: write it with its unit{how}")
    return s


def parse(text: Any, field: str, *, example: str = "") -> Quantity:
    """One quantity from what a person typed, or an :class:`InputError` naming ``field``,
    quoting the text and, where it can, suggesting what was meant. ``example`` is the unit
    to suggest for a bare number (``cm`` for a height)."""
    s = _checked_text(text, field, example)
    try:
        return _parse_cached(s)
    except _Refused as exc:
        hint = f": {exc.hint}" if exc.hint else ""
        raise InputError(field, f"is not one quantity, got {s!r} ({exc.problem}){hint}") from None


def expect(q: Quantity, dimension: str, field: str, what: str) -> Quantity:
    """``q`` if it is of ``dimension`` (``"length"``, ``"mass/area"`` …), else refuse."""
    if q.dimension != dimension:
        raise InputError(field, f"must be {what}, got {q.text}")
    return q


def dimension_words(dimension: str) -> str:
    return _DIM_WORDS.get(dimension, dimension)


def _unit_expression(text: str) -> Quantity:
    """A unit written alone (``"mg/m2"``) as a quantity of 1 of it (for conversions)."""
    return _parse_unit_cached(text)


@lru_cache(maxsize=256)
def _parse_unit_cached(text: str) -> Quantity:
    return _parse(f"1 {text}")


def pretty(unit_text: str) -> str:
    """A unit as people read it: ``m**2``, ``m^2`` and ``m2`` become ``m²``."""
    return re.sub(r"([A-Za-zµ])(?:\*\*|\^)?2\b", r"\1²", unit_text)


def quantity_text(value: float, unit_text: str) -> str:
    """``120 mg/m²`` for a value and a unit as stored (``mg/m2``)."""
    return f"{number_text(value)} {pretty(unit_text)}"
