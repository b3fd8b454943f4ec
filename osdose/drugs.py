"""The drug table: canonical names and synonyms, class, RxNorm code, lifetime ceilings,
watch thresholds, usual maxima with their periods, absolute caps, renal and hepatic rules,
what a drug's "unit" is worth, rounding, doxorubicin-equivalence factors and the combined
(anthracycline) ceiling.

One table serves every part of osdose (regimen files, course files, checks, lint, the
ledger). The shipped table is ``osdose/data/drugs.yaml``; an institution supplies its own
with ``--drugs FILE``. Every threshold carries its source, and says when it is unconfirmed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from osdose.basis import Basis, parse_basis
from osdose.errors import InputError, OsdoseError, UnknownNameError, shown
from osdose.reader import Document, load, parse_text
from osdose.thresholds import cite

PERIODS = ("administration", "day", "week", "cycle")


@dataclass(frozen=True)
class Ceiling:
    """A lifetime ceiling: ``warn`` starts the warn band, above ``max`` is over.

    ``unit`` is ``mg/m2`` (summed per administration with its own BSA), or ``mg``/``IU``
    for a total (``IU/m2`` for an IU drug dosed per m²).
    """

    warn: float | None
    max: float | None
    unit: str
    source: str
    unconfirmed: bool = False

    @property
    def cited(self) -> str:
        return cite(self.source, self.unconfirmed)


@dataclass(frozen=True)
class AgeCeiling:
    """A ceiling that applies from ``age_from`` to below ``age_below`` (years)."""

    age_from: float | None
    age_below: float | None
    ceiling: Ceiling

    def applies(self, age_years: float) -> bool:
        return (self.age_from is None or age_years >= self.age_from) and (
            self.age_below is None or age_years < self.age_below
        )

    @property
    def band(self) -> str:
        """``under 2 years``, ``from 2 to under 18 years``."""
        if self.age_from is None:
            return f"under {self.age_below:g} years"
        if self.age_below is None:
            return f"from {self.age_from:g} years"
        return f"from {self.age_from:g} to under {self.age_below:g} years"


@dataclass(frozen=True)
class Watch:
    """A cumulative-toxicity threshold to monitor (not a ceiling)."""

    at: float
    unit: str
    reason: str
    source: str = ""


@dataclass(frozen=True)
class Maximum:
    """A usual maximum ``dose`` for one ``period`` (administration, day, week, or cycle of
    ``cycle_days``)."""

    dose: Basis
    period: str
    cycle_days: int | None
    source: str
    unconfirmed: bool = False

    @property
    def cited(self) -> str:
        return cite(self.source, self.unconfirmed)

    @property
    def period_text(self) -> str:
        if self.period == "cycle":
            return f"per {self.cycle_days}-day cycle" if self.cycle_days else "per cycle"
        return f"per {self.period}"


@dataclass(frozen=True)
class Cap:
    """An absolute cap per administration (flat, in the drug's unit)."""

    dose: Basis
    source: str
    unconfirmed: bool = False

    @property
    def cited(self) -> str:
        return cite(self.source, self.unconfirmed)


@dataclass(frozen=True)
class Band:
    """One row of an adjustment rule: the value range it covers (or a Child–Pugh class)
    and the percent of the full dose to give (0: do not give)."""

    percent: float
    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None
    high_inclusive: bool = True
    action: str = ""
    child_pugh: str | None = None

    def covers(self, value: float | str) -> bool:
        if self.child_pugh is not None:
            return value == self.child_pugh
        if isinstance(value, str):
            return False
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )


MEASURE_UNITS = {
    "crcl": "mL/min",
    "egfr_absolute": "mL/min",
    "creatinine": "mg/dL",
    "bilirubin": "mg/dL",
    "bilirubin_x_uln": "× ULN",
    "ast_x_uln": "× ULN",
    "alt_x_uln": "× ULN",
    "child_pugh": "",
    "none": "",
}
MEASURE_NAMES = {
    "crcl": "CrCl (Cockcroft–Gault)",
    "egfr_absolute": "eGFR (CKD-EPI, de-indexed)",
    "creatinine": "serum creatinine",
    "bilirubin": "bilirubin",
    "bilirubin_x_uln": "bilirubin (× ULN)",
    "ast_x_uln": "AST (× ULN)",
    "alt_x_uln": "ALT (× ULN)",
    "child_pugh": "Child–Pugh class",
    "none": "none",
}


@dataclass(frozen=True)
class Rule:
    """A renal or hepatic dose rule on one ``measure``; ``measure == "none"`` states that
    no adjustment is needed (with its source)."""

    measure: str
    bands: tuple[Band, ...]
    source: str
    unconfirmed: bool = False

    @property
    def cited(self) -> str:
        return cite(self.source, self.unconfirmed)

    @property
    def unit(self) -> str:
        return MEASURE_UNITS[self.measure]

    def band_for(self, value: float | str) -> Band | None:
        """The first band covering ``value``; ``None`` means full dose."""
        return next((b for b in self.bands if b.covers(value)), None)


@dataclass(frozen=True)
class DrugUnits:
    """What a bare "unit" of an IU-dosed drug is worth, and the IU floor below which an
    amount is surely in those units."""

    bare_unit_means: str
    iu_per_unit: float
    floor_iu_per_administration: float
    source: str


@dataclass(frozen=True)
class Rounding:
    """How ``verify --round`` rounds a dose of the drug, read (and checked) with the table:
    to the nearest ``step`` mg, to the nearest combination of ``vials`` (mg), or by dose
    ``bands`` (from mg, to mg, banded dose mg)."""

    method: str  # "nearest", "vials" or "bands"
    step: float = 1.0
    vials: tuple[float, ...] = ()
    bands: tuple[tuple[float, float, float], ...] = ()
    source: str = ""


#: The range of every amount of a rounding rule (a step, a vial, a band's bounds and dose).
ROUNDING_MG = (0.001, 100_000.0)


@dataclass(frozen=True)
class Drug:
    name: str
    synonyms: tuple[str, ...]
    drug_class: str
    bases: frozenset[str]
    rxnorm: str | None = None
    rxnorm_source: str = ""
    ceiling: Ceiling | None = None
    age_ceilings: tuple[AgeCeiling, ...] = ()
    watch: tuple[Watch, ...] = ()
    maxima: tuple[Maximum, ...] = ()
    cap: Cap | None = None
    renal: tuple[Rule, ...] = ()
    hepatic: tuple[Rule, ...] = ()
    units: DrugUnits | None = None
    rounding: Rounding | None = None


@dataclass(frozen=True)
class EquivalenceTable:
    name: str
    source: str
    factors: dict[str, float] = field(hash=False)
    unconfirmed: bool = False

    @property
    def cited(self) -> str:
        return cite(self.source, self.unconfirmed)


@dataclass(frozen=True)
class CombinedGroup:
    """Drugs whose exposure adds up, converted by a factor, against one ceiling."""

    name: str
    basis: str
    classes: tuple[str, ...]
    reference_drug: str
    ceiling: Ceiling
    source: str

    def members(self, table: DrugTable) -> tuple[str, ...]:
        return tuple(d.name for d in table.drugs.values() if d.drug_class in self.classes)


@dataclass(frozen=True)
class DrugTable:
    path: str
    drugs: dict[str, Drug] = field(hash=False)
    equivalence: dict[str, EquivalenceTable] = field(hash=False)
    default_equivalence: str
    combined: dict[str, CombinedGroup] = field(hash=False)
    _index: dict[str, str] = field(hash=False, repr=False)

    def resolve(self, name: str, field_name: str = "drug") -> Drug:
        """The drug called ``name`` or one of its synonyms (case-insensitive)."""
        key = str(name).strip().casefold()
        canonical = self._index.get(key)
        if canonical is None:
            raise UnknownNameError(
                "drug",
                str(name),
                self.close_matches(str(name)),
                f" (in {field_name}; add it to the drug table with --drugs if it is missing)",
            )
        return self.drugs[canonical]

    def find(self, name: str) -> Drug | None:
        canonical = self._index.get(str(name).strip().casefold())
        return self.drugs[canonical] if canonical else None

    def close_matches(self, name: str, n: int = 3) -> list[str]:
        key = name.strip().casefold()
        hits = difflib.get_close_matches(key, list(self._index), n=n * 2, cutoff=0.6)
        out: list[str] = []
        for h in hits:
            canonical = self._index[h]
            if canonical not in out:
                out.append(canonical)
        return out[:n]

    def factors(self, table: str | None = None) -> EquivalenceTable:
        """The doxorubicin-equivalence table by name (default: the file's default)."""
        name = table or self.default_equivalence
        try:
            return self.equivalence[name]
        except KeyError:
            raise UnknownNameError(
                "equivalence table",
                name,
                difflib.get_close_matches(name, list(self.equivalence), n=3, cutoff=0.4),
            ) from None

    def group_of(self, drug: str) -> CombinedGroup | None:
        """The combined group ``drug`` belongs to, by its class."""
        d = self.drugs.get(drug)
        if d is None:
            return None
        return next((g for g in self.combined.values() if d.drug_class in g.classes), None)


# -- building the table from its file ----------------------------------------------------

Where = tuple[str | int, ...]


def _amount(doc: Document, at: Where, text: str, drug: Drug | None = None) -> Basis:
    try:
        return parse_basis(text, str(at[-1]), drug)
    except InputError as exc:
        raise doc.error(at, str(exc)) from None


def _threshold(
    doc: Document, at: Where, text: str, drug: Drug, per_kg: bool = False
) -> tuple[float, str]:
    """A threshold as (value, unit): ``mg/m2`` per m², a total in ``mg`` or ``IU``, or (an
    age ceiling of small children, ``per_kg``) ``mg/kg``."""
    b = _amount(doc, at, text, drug)
    if b.per == "kg" and not per_kg:
        raise doc.error(at, f"{at[-1]} must be per m² or a total, got {b.text}")
    return b.amount, (b.unit if b.per == "flat" else f"{b.unit}/{b.per}")


def _ceiling(doc: Document, at: Where, c: Any, drug: Drug, per_kg: bool = False) -> Ceiling:
    warn = _threshold(doc, (*at, "warn"), c.warn, drug, per_kg) if c.warn is not None else None
    mx = _threshold(doc, (*at, "max"), c.max, drug, per_kg) if c.max is not None else None
    if warn is None and mx is None:
        raise doc.error(at, "a ceiling needs warn, max or both")
    if warn and mx and warn[1] != mx[1]:
        raise doc.error(at, "warn and max must be in the same unit")
    if warn and mx and warn[0] > mx[0]:
        raise doc.error(at, "warn must not be above max")
    unit = (mx or warn or (0.0, ""))[1]
    return Ceiling(warn[0] if warn else None, mx[0] if mx else None, unit, c.source, c.unconfirmed)


def _years(doc: Document, at: Where, text: str | None) -> float | None:
    if text is None:
        return None
    import re

    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(years?|y|months?)\s*$", text)
    if not m:
        raise doc.error(
            at, f"{at[-1]} must be an age like '2 years' or '6 months', got {shown(text)}"
        )
    value = float(m.group(1))
    return value / 12.0 if m.group(2).startswith("month") else value


def _rule(doc: Document, at: Where, r: Any) -> Rule:
    if r.measure == "none":
        if r.bands:
            raise doc.error((*at, "bands"), "measure: none states no adjustment: give no bands")
    elif not r.bands:
        raise doc.error(at, f"a {r.measure} rule needs its bands")
    bands = []
    for i, b in enumerate(r.bands):
        if (b.child_pugh is not None) != (r.measure == "child_pugh"):
            raise doc.error((*at, "bands", i), "class (A, B, C) goes with measure child_pugh only")
        if (b.from_ is not None and b.above is not None) or (
            b.to is not None and b.below is not None
        ):
            raise doc.error((*at, "bands", i), "give from or above, and to or below, not both")
        low = b.from_ if b.from_ is not None else b.above
        high = b.to if b.to is not None else b.below
        bands.append(
            Band(
                percent=b.percent,
                low=low,
                low_inclusive=b.above is None,
                high=high,
                high_inclusive=b.below is None,
                action=b.action or "",
                child_pugh=b.child_pugh,
            )
        )
    return Rule(r.measure, tuple(bands), r.source, r.unconfirmed)


def _rounding_mg(doc: Document, at: Where, text: str) -> float:
    from osdose.units import parse

    what = str(at[-1] if isinstance(at[-1], str) else at[-2])  # "step", "vials", "from" …
    try:
        q = parse(text, what, example="mg")
    except InputError as exc:
        raise doc.error(at, str(exc)) from None
    low, high = ROUNDING_MG
    if q.dimension != "mass" or not low <= q.to("mg") <= high:
        raise doc.error(at, f"{what} must be an amount from {low:g} mg to 100 g, got {shown(text)}")
    return q.to("mg")


def _rounding(doc: Document, at: Where, r: Any) -> Rounding:
    """A drug's rounding rule, every amount checked here (file:line), not when it is used.
    A field of another method is refused, not ignored: vials under ``method: nearest``
    would say the dose is rounded to a vial when it is not."""
    uses = {"nearest": "step", "nearest_mg": "step", "vials": "vials", "bands": "bands"}
    given = {"step": r.step is not None, "vials": bool(r.vials), "bands": bool(r.bands)}
    for other, there in given.items():
        if there and other != uses[r.method]:
            raise doc.error(
                (*at, other),
                f"{other} is not used by method {r.method} (it takes {uses[r.method]}): "
                f"remove {other}, or choose the method that uses it",
            )
    if r.method in ("nearest", "nearest_mg"):
        step = _rounding_mg(doc, (*at, "step"), r.step) if r.step is not None else 1.0
        return Rounding("nearest", step=step, source=r.source or "")
    if r.method == "vials":
        if not r.vials:
            raise doc.error(at, "method vials needs vials: the vial sizes, like [10 mg, 50 mg]")
        sizes = sorted(_rounding_mg(doc, (*at, "vials", i), v) for i, v in enumerate(r.vials))
        return Rounding("vials", vials=tuple(sizes), source=r.source or "")
    if not r.bands:
        raise doc.error(at, "method bands needs bands: from, to and dose of each")
    bands = []
    for i, b in enumerate(r.bands):
        where: Where = (*at, "bands", i)
        low = _rounding_mg(doc, (*where, "from"), b.from_)
        high = _rounding_mg(doc, (*where, "to"), b.to)
        if low > high:
            raise doc.error(where, f"a band's from ({b.from_}) must not be above its to ({b.to})")
        bands.append((low, high, _rounding_mg(doc, (*where, "dose"), b.dose)))
    return Rounding("bands", bands=tuple(bands), source=r.source or "")


def _drug(doc: Document, name: str, e: Any) -> Drug:
    at: Where = ("drugs", name)
    units_block = (
        DrugUnits(
            e.units.bare_unit_means,
            e.units.iu_per_unit,
            e.units.floor_iu_per_administration,
            cite(e.units.source, e.units.unconfirmed),
        )
        if e.units
        else None
    )
    base = Drug(
        name=name,
        synonyms=tuple(e.synonyms),
        drug_class=e.class_,
        bases=frozenset(e.bases),
        rxnorm=e.rxnorm.code if e.rxnorm else None,
        rxnorm_source=cite(e.rxnorm.source, e.rxnorm.unconfirmed) if e.rxnorm else "",
        units=units_block,
        rounding=_rounding(doc, (*at, "rounding"), e.rounding) if e.rounding else None,
    )
    ceiling = _ceiling(doc, (*at, "ceiling"), e.ceiling, base) if e.ceiling else None
    ages = tuple(
        AgeCeiling(
            _years(doc, (*at, "age_ceilings", i, "age_from"), a.age_from),
            _years(doc, (*at, "age_ceilings", i, "age_below"), a.age_below),
            _ceiling(doc, (*at, "age_ceilings", i), a, base, per_kg=True),
        )
        for i, a in enumerate(e.age_ceilings)
    )
    watch = []
    for i, w in enumerate(e.watch):
        value, unit = _threshold(doc, (*at, "watch", i, "at"), w.at, base)
        source = cite(w.source, w.unconfirmed) if w.source else ""
        watch.append(Watch(value, unit, w.reason, source))
    maxima = []
    for i, m in enumerate(e.maxima):
        where: Where = (*at, "maxima", i)
        if (m.per == "cycle") != (m.cycle_days is not None):
            raise doc.error(
                where,
                "per: cycle needs cycle_days (the cycle length the source assumes), and only it",
            )
        maxima.append(
            Maximum(
                _amount(doc, (*where, "dose"), m.dose, base),
                m.per,
                m.cycle_days,
                m.source,
                m.unconfirmed,
            )
        )
    cap = None
    if e.cap is not None:
        dose = _amount(doc, (*at, "cap", "dose"), e.cap.dose, base)
        if dose.per != "flat":
            raise doc.error(
                (*at, "cap", "dose"), f"a cap is a flat amount like '2 mg', got {dose.text}"
            )
        cap = Cap(dose, e.cap.source, e.cap.unconfirmed)
    return Drug(
        **{
            **base.__dict__,
            "ceiling": ceiling,
            "age_ceilings": ages,
            "watch": tuple(watch),
            "maxima": tuple(maxima),
            "cap": cap,
            "renal": tuple(_rule(doc, (*at, "renal", i), r) for i, r in enumerate(e.renal)),
            "hepatic": tuple(_rule(doc, (*at, "hepatic", i), r) for i, r in enumerate(e.hepatic)),
        }
    )


def _build(doc: Document) -> DrugTable:
    from osdose.documents import validate
    from osdose.formats.drugs import DrugTableFile

    f = validate(doc, DrugTableFile, "a drug table")
    drugs: dict[str, Drug] = {}
    index: dict[str, str] = {}
    for name, entry in f.drugs.items():
        drug = _drug(doc, name, entry)
        for alias in (drug.name, *drug.synonyms):
            key = alias.casefold()
            if key in index and index[key] != drug.name:
                raise doc.error(
                    ("drugs", name), f"name {alias!r} is used by {index[key]} and {drug.name}"
                )
            index[key] = drug.name
        drugs[drug.name] = drug
    tables = {}
    for tname, t in f.equivalence_tables.items():
        factors = {}
        for k, v in t.factors.items():
            if k.casefold() not in index:
                raise doc.error(("equivalence_tables", tname, "factors", k), f"unknown drug {k!r}")
            factors[index[k.casefold()]] = v
        tables[tname] = EquivalenceTable(tname, t.source, factors, t.unconfirmed)
    if f.default_equivalence not in tables:
        raise doc.error(
            ("default_equivalence",),
            f"default_equivalence {f.default_equivalence!r} is not a table",
        )
    combined = {}
    for gname, g in f.combined.items():
        at: Where = ("combined", gname, "reference_drug")
        ref = drugs.get(index.get(g.reference_drug.casefold(), ""))
        if ref is None or ref.ceiling is None or ref.ceiling.unit != "mg/m2":
            raise doc.error(
                at,
                f"reference_drug must be a drug with a ceiling in mg/m², got {g.reference_drug!r}",
            )
        combined[gname] = CombinedGroup(
            gname, g.basis, tuple(g.classes), ref.name, ref.ceiling, cite(g.source, g.unconfirmed)
        )
    return DrugTable(doc.path, drugs, tables, f.default_equivalence, combined, index)


@cache
def default_path() -> str:
    # importlib.resources costs ~0.1 ms a call, and load_drugs() asks on every call.
    return str(resources.files("osdose").joinpath("data/drugs.yaml"))


@cache
def _load_cached(path: str, checked_with: Any) -> DrugTable:
    """The table at ``path``, built once per thresholds in use (``checked_with``): its checks
    read them (an IU dose's floor against the largest plausible patient)."""
    if path == default_path():
        from osdose import prebuilt

        held = prebuilt.shipped_drugs()  # the shipped file as this code builds it
        if held is not None:
            return held  # type: ignore[no-any-return]
        text = resources.files("osdose").joinpath("data/drugs.yaml").read_text("utf-8")
        return _build(parse_text(text, "drugs.yaml"))
    return _build(load(path, what="drug table"))


def load_drugs(path: str | Path | None = None) -> DrugTable:
    """The drug table at ``path``, or the shipped one; loaded once per path."""
    try:
        from osdose import thresholds

        return _load_cached(str(path) if path else default_path(), thresholds.current())
    except OsdoseError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise OsdoseError(f"{path or 'drugs.yaml'}: malformed drug table ({exc})") from None
