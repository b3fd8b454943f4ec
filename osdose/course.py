"""Course history: administrations given to one patient, from a course file (or the ledger).

An administration is one drug on one date, either written out (``dose: 74 mg`` with that
day's BSA or height/weight, or ``dose: 40 mg/m2``) or expanded from a whole cycle of a
regimen (``regimen: DIA, cycle: 3``). Each keeps its own BSA: cumulative mg/m² is summed
with the BSA of each day, never today's.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from osdose import bsa as bsa_mod
from osdose import units
from osdose.basis import Basis, parse_basis
from osdose.drugs import DrugTable, load_drugs
from osdose.errors import FileError, InputError, OsdoseError
from osdose.regimen import Regimen, load_regimen
from osdose.source import Document, as_date, load

ENTRY_FIELDS = (
    "date",
    "drug",
    "dose",
    "bsa",
    "height",
    "weight",
    "bsa_formula",
    "regimen",
    "cycle",
    "dose_percent",
    "route",
    "notes",
)
PATIENT_FIELDS = ("id", "height", "weight", "bsa", "bsa_formula", "notes")
EXAMPLES = {"height": "175 cm", "weight": "70 kg", "bsa": "1.84 m2"}


@dataclass(frozen=True)
class Administration:
    """One drug given on one date.

    ``dose`` is the amount given that day in ``unit`` (mg or IU), ``None`` where it is not
    known (a cycle shorthand without measurements); ``dose_per_m2`` is that amount over the
    day's BSA, ``None`` where neither BSA nor a per-m² dose is known.
    """

    date: dt.date
    drug: str
    unit: str
    dose: float | None
    dose_per_m2: float | None
    bsa_m2: float | None
    line: int = 0
    source: str = ""
    regimen: str | None = None
    cycle: int | None = None
    day: int | None = None
    dose_percent: float = 100.0

    @property
    def dose_mg(self) -> float | None:
        return self.dose if self.unit == "mg" else None

    @property
    def dose_mg_per_m2(self) -> float | None:
        return self.dose_per_m2 if self.unit == "mg" else None


@dataclass(frozen=True)
class Measurements:
    """Height, weight and BSA known for one day (any may be missing)."""

    height_cm: float | None = None
    weight_kg: float | None = None
    bsa_m2: float | None = None

    def bsa(self, formula: str = bsa_mod.DEFAULT) -> float | None:
        if self.bsa_m2 is not None:
            return self.bsa_m2
        if self.height_cm is not None and self.weight_kg is not None:
            return _computed_bsa(self.height_cm, self.weight_kg, formula)
        return None


@dataclass(frozen=True)
class Course:
    patient: str
    administrations: tuple[Administration, ...]
    path: str = ""
    measurements: Measurements = Measurements()
    bsa_formula: str = bsa_mod.DEFAULT  # the patient's formula, for a BSA from measurements

    def for_drug(self, drug: str) -> tuple[Administration, ...]:
        return tuple(a for a in self.administrations if a.drug == drug)


# A course repeats the same few spellings hundreds of times ("40 mg/m2", "175 cm"): each is
# read once. Only successful reads are cached; a bad value raises again where it stands.
def _scalar(doc: Document, path: tuple[str | int, ...], value: Any, example: str) -> Any:
    """``value`` (found at ``path``) as one plain value, also a cache key; a list or mapping
    is refused."""
    if isinstance(value, (list, dict)):
        kind = "a list" if isinstance(value, list) else "a mapping"
        raise doc.error(path, f"{path[-1]} must be one value like {example!r}, got {kind}")
    return value


@lru_cache(maxsize=4096)
def _dose(text: Any) -> Basis:
    return parse_basis(text, "dose")


@lru_cache(maxsize=4096)
def _height_cm(text: Any, field: str) -> float:
    return units.height_cm(text, field)


@lru_cache(maxsize=4096)
def _weight_kg(text: Any, field: str) -> float:
    return units.weight_kg(text, field)


@lru_cache(maxsize=4096)
def _bsa_m2(text: Any, field: str) -> float:
    return units.bsa_m2(text, field)


@lru_cache(maxsize=4096)
def _computed_bsa(height_cm: float, weight_kg: float, formula: str) -> float:
    return bsa_mod.compute(height_cm, weight_kg, formula).m2


def _unknown_field(
    doc: Document, path: tuple[str | int, ...], key: str, known: tuple[str, ...]
) -> FileError:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(known)}"
    pos = doc.key_where((*path, key))
    return FileError(doc.path, pos.line, f"unknown field {key!r}{hint}", pos.column)


def _measurements(
    doc: Document, path: tuple[str | int, ...], raw: dict[str, Any], default: Measurements
) -> Measurements:
    def field(name: str, fn: Any) -> Any:
        if raw.get(name) is None:
            return None
        try:
            return fn(_scalar(doc, (*path, name), raw[name], EXAMPLES[name]), name)
        except InputError as exc:
            raise doc.error((*path, name), str(exc)) from None

    h = field("height", _height_cm)
    w = field("weight", _weight_kg)
    b = field("bsa", _bsa_m2)
    if (h is None) != (w is None) and b is None:
        missing = "weight" if w is None else "height"
        raise doc.error(
            path, f"BSA needs both height and weight: {missing} is missing (or give bsa)"
        )
    if h is None and w is None and b is None:
        return default
    return Measurements(h, w, b)


def _formula(doc: Document, path: tuple[str | int, ...], raw: dict[str, Any], default: str) -> str:
    name = raw.get("bsa_formula")
    if name is None:
        return default
    try:
        return bsa_mod.formula(str(name)).name
    except OsdoseError as exc:
        raise doc.error((*path, "bsa_formula"), str(exc)) from None


def _single(
    doc: Document,
    path: tuple[str | int, ...],
    raw: dict[str, Any],
    day: dt.date,
    table: DrugTable,
    m: Measurements,
    formula: str,
) -> Administration:
    line = doc.line(path)
    try:
        drug = table.resolve(str(raw["drug"])).name
    except OsdoseError as exc:
        raise doc.error((*path, "drug"), str(exc)) from None
    if raw.get("dose") is None:
        raise doc.error(path, "missing required field 'dose' (for example '74 mg' or '40 mg/m2')")
    try:
        b = _dose(_scalar(doc, (*path, "dose"), raw["dose"], "74 mg"))
    except InputError as exc:
        raise doc.error((*path, "dose"), str(exc)) from None
    bsa = m.bsa(formula)
    per_m2: float | None
    amount: float | None
    if b.per == "m2":
        per_m2 = b.amount
        amount = b.amount * bsa if bsa is not None else None
    elif b.per == "kg":
        if m.weight_kg is None:
            raise doc.error(
                (*path, "dose"), f"dose {b.text} is per kg: give the weight of that day"
            )
        amount = b.amount * m.weight_kg
        per_m2 = amount / bsa if bsa is not None else None
    else:
        amount = b.amount
        per_m2 = amount / bsa if bsa is not None else None
    if per_m2 is None and b.unit == "mg":
        raise doc.error(
            path,
            f"{drug} {b.text} on {day} has no BSA for its day: give bsa, or height and weight, "
            "on this entry or in patient (cumulative mg/m² needs the BSA of each day)",
        )
    return Administration(day, drug, b.unit, amount, per_m2, bsa, line, doc.path)


def _cycle(
    doc: Document,
    path: tuple[str | int, ...],
    raw: dict[str, Any],
    day: dt.date,
    table: DrugTable,
    m: Measurements,
    formula: str,
) -> list[Administration]:
    line = doc.line(path)
    name = str(raw["regimen"])
    if name.endswith((".yaml", ".yml")) and not Path(name).is_absolute():
        name = str(Path(doc.path).parent / name)  # a regimen file next to the course file
    try:
        reg: Regimen = load_regimen(name, table)
    except OsdoseError as exc:
        raise doc.error((*path, "regimen"), str(exc)) from None
    cycle = raw.get("cycle")
    if cycle is not None and (not isinstance(cycle, int) or isinstance(cycle, bool) or cycle < 1):
        raise doc.error((*path, "cycle"), f"cycle must be a whole number from 1, got {cycle!r}")
    pct = raw.get("dose_percent", 100)
    if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not 1 <= pct <= 100:
        raise doc.error(
            (*path, "dose_percent"), f"dose_percent must be a number from 1 to 100, got {pct!r}"
        )
    bsa = m.bsa(formula)
    out = []
    for d in reg.drugs:
        b = d.basis
        if b.per == "m2":
            per_m2: float | None = b.amount * pct / 100
            amount = per_m2 * bsa if bsa is not None and per_m2 is not None else None
            if bsa is None and d.max_dose is not None:
                per_m2 = None  # a flat cap may have lowered it: unknown without the BSA
        elif b.per == "kg":
            if m.weight_kg is None:
                raise doc.error(
                    path, f"{reg.name} doses {d.drug} per kg: give the weight of that day"
                )
            amount = b.amount * m.weight_kg * pct / 100
            per_m2 = None
        else:
            amount = b.amount * pct / 100
            per_m2 = None
        if amount is not None and d.max_dose is not None and amount > d.max_dose.amount:
            amount = d.max_dose.amount
            per_m2 = None  # recomputed from the capped amount below
        if per_m2 is None and amount is not None and bsa is not None:
            per_m2 = amount / bsa
        if (
            per_m2 is None
            and b.unit == "mg"
            and table.find(d.drug)
            and (table.drugs[d.drug].ceiling or table.drugs[d.drug].watch)
        ):
            capped = f" (capped at {d.max_dose.text})" if d.max_dose is not None else ""
            raise doc.error(
                path,
                f"{reg.name} gives {d.drug} {b.text}{capped}: its cumulative mg/m² needs "
                "the BSA of that day (give bsa, or height and weight)",
            )
        for cd in d.days:
            out.append(
                Administration(
                    day + dt.timedelta(days=cd - 1),
                    d.drug,
                    b.unit,
                    amount,
                    per_m2,
                    bsa,
                    line,
                    doc.path,
                    reg.name,
                    cycle,
                    cd,
                    float(pct),
                )
            )
    return out


def parse_administrations(
    doc: Document,
    path: tuple[str | int, ...],
    items: Any,
    table: DrugTable,
    default: Measurements,
    formula: str = bsa_mod.DEFAULT,
) -> list[Administration]:
    """Administrations from the YAML list at ``path`` (course files and inline histories)."""
    if not isinstance(items, list):
        raise doc.error(path, "administrations must be a list")
    out: list[Administration] = []
    for i, raw in enumerate(items):
        p = (*path, i)
        if not isinstance(raw, dict):
            raise doc.error(
                p,
                "each administration must be a mapping (date, drug, dose … or "
                "date, regimen, cycle)",
            )
        for key in raw:
            if key not in ENTRY_FIELDS:
                raise _unknown_field(doc, p, key, ENTRY_FIELDS)
        if "date" not in raw:
            raise doc.error(p, "missing required field 'date'")
        day = as_date(raw["date"], doc, (*p, "date"))
        m = _measurements(doc, p, raw, default)
        f = _formula(doc, p, raw, formula)
        if ("drug" in raw) == ("regimen" in raw):
            raise doc.error(
                p,
                "an administration names either one drug (drug, dose) or a whole "
                "cycle (regimen, cycle), not both or neither",
            )
        if "drug" in raw:
            for key in ("cycle", "dose_percent"):
                if key in raw:
                    raise doc.error(
                        (*p, key),
                        f"{key} belongs to a cycle entry (regimen, cycle); "
                        "for one drug write the dose actually given",
                    )
            out.append(_single(doc, p, raw, day, table, m, f))
        else:
            if "dose" in raw:
                raise doc.error(
                    (*p, "dose"),
                    "a cycle entry takes the regimen's doses: use "
                    "dose_percent for a reduction, or write each drug on its own",
                )
            out.extend(_cycle(doc, p, raw, day, table, m, f))
    return out


def parse_course(doc: Document, table: DrugTable | None = None) -> Course:
    """A :class:`Course` from a parsed course document."""
    t = table or load_drugs()
    if doc.duplicates:
        d = doc.duplicates[0]
        raise FileError(
            doc.path, d.again.line, f"duplicate key {d.key!r} (first at line {d.first.line})"
        )
    data = doc.data
    if not isinstance(data, dict):
        raise FileError(
            doc.path, 1, "a course file must be a mapping with patient and administrations"
        )
    for key in data:
        if key not in ("patient", "administrations"):
            raise _unknown_field(doc, (), key, ("patient", "administrations"))
    patient = data.get("patient")
    if not isinstance(patient, dict) or patient.get("id") in (None, ""):
        raise doc.error(("patient",), "patient must be a mapping with an id")
    for key in patient:
        if key not in PATIENT_FIELDS:
            raise _unknown_field(doc, ("patient",), key, PATIENT_FIELDS)
    m = _measurements(doc, ("patient",), patient, Measurements())
    formula = _formula(doc, ("patient",), patient, bsa_mod.DEFAULT)
    if "administrations" not in data:
        raise doc.error((), "missing required field 'administrations'")
    adms = parse_administrations(
        doc, ("administrations",), data["administrations"] or [], t, m, formula
    )
    return Course(str(patient["id"]), tuple(adms), doc.path, m, formula)


def load_course(path: str | Path, table: DrugTable | None = None) -> Course:
    """Read and check one course file."""
    return parse_course(load(path), table)
