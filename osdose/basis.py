"""A dose basis: an amount (mass or international units) per m², per kg, flat, or a target
AUC (carboplatin, by Calvert's formula from the GFR).

Parsed once from text such as ``120 mg/m2``, ``5 mg/kg``, ``12 mg``, ``10000 IU/m2``, ``AUC 5``
or, for a drug dosed in units (bleomycin), ``15 units`` (the drug table says what its unit is
worth in IU). The amount is normalised to mg or IU. A rate (``/day``, ``/h``) is refused: a
regimen dose is always per administration day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from osdose import units
from osdose.errors import InputError, shown


class _Units(Protocol):
    """What a bare "unit" of an IU-dosed drug is worth (:class:`osdose.drugs.DrugUnits`)."""

    @property
    def bare_unit_means(self) -> str: ...
    @property
    def iu_per_unit(self) -> float: ...
    @property
    def floor_iu_per_administration(self) -> float: ...


class Drug(Protocol):
    """What reading a dose needs of its drug (:class:`osdose.drugs.Drug` is one): its name
    and, for a drug dosed in units, what a unit is."""

    @property
    def name(self) -> str: ...
    @property
    def units(self) -> _Units | None: ...


Per = Literal["m2", "kg", "flat", "auc"]
Amount = Literal["mg", "IU"]

_AUC = re.compile(r"\bAUC\b", re.IGNORECASE)
_AUC_DOSE = re.compile(
    r"^\s*AUC\s*=?\s*([0-9]{1,2}(?:\.[0-9]{1,3})?)\s*(?:mg\s*[·*.]?\s*min\s*/\s*mL)?\s*$",
    re.IGNORECASE,
)
AUC_RANGE = (0.5, 30.0)  # mg·min/mL: below or above this no regimen doses carboplatin
_RATE = re.compile(r"/\s*(day|days|d|cycle|week|wk|h|hr|hour|min)\s*$", re.IGNORECASE)
_PER_TEXT = {"m2": "/m²", "kg": "/kg", "flat": "", "auc": ""}
_PER_OF = {None: "flat", "area": "m2", "mass": "kg"}
EXPECTED = "a mass or IU per m², per kg, or flat (for example '120 mg/m2', '5 mg/kg', '12 mg')"


@dataclass(frozen=True)
class Basis:
    """``amount`` (in mg or IU) per m², per kg, or flat; ``text`` is how it reads back."""

    amount: float
    unit: Amount
    per: Per
    text: str

    def scaled(self, factor: float) -> Basis:
        """The same basis times ``factor`` (a dose per cycle divided over its days)."""
        value = self.amount * factor
        return Basis(value, self.unit, self.per, units.quantity_text(value, self.unit_text))

    @property
    def unit_text(self) -> str:
        """``mg/m²``, ``IU/kg``, ``mg``, ``mg·min/mL`` (an AUC)."""
        return "mg·min/mL" if self.per == "auc" else f"{self.unit}{_PER_TEXT[self.per]}"


def flat(amount: float, unit: str, text: str = "") -> Basis:
    """A flat amount of ``unit`` (``mg`` or ``IU``) as a basis."""
    if unit not in ("mg", "IU"):
        raise ValueError(f"a dose is in mg or IU, not {unit}")
    return Basis(amount, "mg" if unit == "mg" else "IU", "flat", text or f"{amount:g} {unit}")


def parse_basis(text: Any, field: str = "dose", drug: Drug | None = None) -> Basis:
    """Parse a dose basis, refusing anything that is not mass or IU per m², per kg or flat.

    ``drug`` is the drug dosed: it says what a bare "units" means (bleomycin: USP units)
    and how small an IU amount may be before it is surely USP units written as IU.

    A text is read once per spelling (a library, a batch of orders and a ledger import
    repeat the same doses thousands of times, for many drugs): what it reads as depends on
    the drug only for a drug dosed in units, whose dose is read every time (its floor
    depends on the thresholds file in use), and on the field only in the words of a
    refusal; a text that is refused is refused again, with the same words, each time."""
    if type(text) is not str or (drug is not None and drug.units is not None):
        return _parse_basis(text, field, drug)
    kept = _KEPT.get(text)
    if kept is None:
        kept = _parse_basis(text, field, drug)
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        _KEPT[text] = kept
    return kept


#: text -> its basis (for no drug, or a drug not dosed in units); emptied when full
_KEPT: dict[str, Basis] = {}
_KEPT_MAX = 8192


def _parse_basis(text: Any, field: str, drug: Drug | None) -> Basis:
    s = str(text).strip() if isinstance(text, str) else text
    if isinstance(s, str) and _AUC.search(s):
        return _auc(s, field)
    if isinstance(s, str) and _RATE.search(s):
        _rate(s, field)
    q = units.parse(s, field, example="mg")
    top = q.top.dimension
    per_dim = q.per.dimension if q.per else None
    if per_dim == "time":
        _rate(q.written, field)
    if top not in ("mass", "iu", "drug unit") or per_dim not in _PER_OF:
        raise InputError(field, f"must be {EXPECTED}, got {q.text}")
    if q.value <= 0:
        raise InputError(field, f"must be greater than zero, got {q.text}")
    per: Per = _PER_OF[per_dim]  # type: ignore[assignment]
    per_unit = {"m2": "/m2", "kg": "/kg", "flat": ""}[per]
    if top == "mass":
        return Basis(q.to(f"mg{per_unit}"), "mg", per, q.text)
    if top == "iu":
        amount = q.to(f"IU{per_unit}")
    else:
        amount = _drug_units(q, field, drug) * q.to(f"units{per_unit}")
    _check_iu_floor(amount, per, q.text, field, drug)
    return Basis(amount, "IU", per, q.text)


def _auc(text: str, field: str) -> Basis:
    """``AUC 5`` (mg·min/mL): a target exposure, turned into mg by Calvert's formula."""
    m = _AUC_DOSE.match(text)
    if not m:
        raise InputError(
            field,
            f"is not a target AUC, got {shown(text)}: write 'AUC 5' (mg·min/mL; the dose in mg is "
            "AUC × (GFR + 25))",
        )
    value = float(m.group(1))
    low, high = AUC_RANGE
    if not low <= value <= high:
        raise InputError(field, f"AUC {value:g} is outside {low:g}–{high:g} mg·min/mL")
    return Basis(value, "mg", "auc", f"AUC {value:g}")


def _rate(text: str, field: str) -> None:
    raise InputError(
        field,
        f"must be a dose per administration day without a time unit, got {shown(text)}: write "
        "'120 mg/m2' for a daily dose, or use dose_per_cycle for a total split over the days",
    )


def _drug_units(q: units.Quantity, field: str, drug: Drug | None) -> float:
    """IU per "unit" of ``drug``; refused for a drug whose unit the table does not define."""
    if drug is None or drug.units is None:
        name = drug.name if drug is not None else "this drug"
        raise InputError(
            field,
            f"gives {q.text}, but the drug table does not say what a unit of {name} is: write "
            "the amount in IU or mg",
        )
    return drug.units.iu_per_unit


def _check_iu_floor(amount: float, per: Per, shown: str, field: str, drug: Drug | None) -> None:
    if drug is None or drug.units is None:
        return
    floor = drug.units.floor_iu_per_administration
    # what the largest plausible patient would be given: still below the floor means the
    # number is surely in the drug's own units, written as IU
    from osdose import thresholds

    t = thresholds.current()
    largest = amount * {"flat": 1.0, "m2": t.bsa.high, "kg": t.weight.high}[per]
    if largest < floor:
        per_unit = {"m2": "/m2", "kg": "/kg", "flat": ""}[per]
        as_units = units.number_text(amount)
        raise InputError(
            field,
            f"{drug.name} {shown} is below {floor:,.0f} IU per administration: probably "
            f"{drug.units.bare_unit_means} units written as IU ({as_units} units{per_unit} = "
            f"{amount * drug.units.iu_per_unit:,.0f} IU{per_unit}); write "
            f"'{as_units} units{per_unit}' or the amount in IU",
        )
