"""The drug table: canonical names and synonyms, class, ceilings, watch thresholds,
doxorubicin-equivalence factors, usual maximum single doses, adjustment and rounding rules.

One table serves every part of osdose (regimen files, course files, checks, lint). The
shipped table is ``osdose/data/drugs.yaml``; an institution supplies its own with
``--drugs FILE``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from osdose.basis import Basis, parse_basis
from osdose.errors import FileError, InputError, OsdoseError, UnknownNameError
from osdose.source import Document, load, parse_text

_BASES = {"m2", "kg", "flat"}


@dataclass(frozen=True)
class Ceiling:
    """A lifetime ceiling: ``warn`` starts the warn band, above ``max`` is over.

    ``unit`` is ``mg/m2`` (summed per administration with its own BSA), or ``mg``/``IU``
    for a total.
    """

    warn: float | None
    max: float | None
    unit: str
    source: str


@dataclass(frozen=True)
class Watch:
    """A cumulative-toxicity threshold to monitor (not a ceiling)."""

    at: float
    unit: str
    reason: str


@dataclass(frozen=True)
class Band:
    """One row of an adjustment table: the value range it covers and the percent to give."""

    percent: float
    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None
    high_inclusive: bool = True
    action: str = ""

    def covers(self, value: float) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )


@dataclass(frozen=True)
class Adjustment:
    """A renal (``crcl``, mL/min) or hepatic (``bilirubin``, mg/dL) dose-adjustment table."""

    measure: str
    bands: tuple[Band, ...]
    source: str

    def percent_for(self, value: float) -> Band | None:
        """The first band covering ``value``; ``None`` means full dose."""
        return next((b for b in self.bands if b.covers(value)), None)


@dataclass(frozen=True)
class Drug:
    name: str
    synonyms: tuple[str, ...]
    drug_class: str
    bases: frozenset[str]
    ceiling: Ceiling | None = None
    watch: tuple[Watch, ...] = ()
    max_single_dose: Basis | None = None
    max_single_dose_source: str = ""
    renal: Adjustment | None = None
    hepatic: Adjustment | None = None
    rounding: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class EquivalenceTable:
    name: str
    source: str
    factors: dict[str, float] = field(hash=False)


@dataclass(frozen=True)
class DrugTable:
    path: str
    drugs: dict[str, Drug] = field(hash=False)
    equivalence: dict[str, EquivalenceTable] = field(hash=False)
    default_equivalence: str
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


def _threshold(doc: Document, path: tuple[str | int, ...], value: Any) -> tuple[float, str]:
    """A threshold as (value, unit): ``mg/m2`` per m², or a total in ``mg`` or ``IU``."""
    try:
        b = parse_basis(value, str(path[-1]))
    except InputError as exc:
        raise doc.error(path, str(exc)) from None
    if b.per == "kg":
        raise doc.error(path, f"{path[-1]} must be per m² or a total, got {b.text}")
    return b.amount, (f"{b.unit}/m2" if b.per == "m2" else b.unit)


def _adjustment(doc: Document, path: tuple[str | int, ...], raw: Any) -> Adjustment:
    if not isinstance(raw, dict) or not isinstance(raw.get("bands"), list):
        raise doc.error(path, "an adjustment needs measure and a list of bands")
    bands = []
    for i, b in enumerate(raw["bands"]):
        if not isinstance(b, dict) or "percent" not in b:
            raise doc.error((*path, "bands", i), "each band needs a percent")
        low = b.get("from", b.get("above"))
        high = b.get("to", b.get("below"))
        bands.append(
            Band(
                percent=float(b["percent"]),
                low=float(low) if low is not None else None,
                low_inclusive="above" not in b,
                high=float(high) if high is not None else None,
                high_inclusive="below" not in b,
                action=str(b.get("action", "")),
            )
        )
    return Adjustment(str(raw.get("measure", "")), tuple(bands), str(raw.get("source", "")))


def _drug(doc: Document, name: str, raw: Any) -> Drug:
    path: tuple[str | int, ...] = ("drugs", name)
    if not isinstance(raw, dict):
        raise doc.error(path, f"drug {name!r} must be a mapping of its fields")
    bases = frozenset(raw.get("bases") or ["m2", "kg", "flat"])
    if not bases <= _BASES:
        raise doc.error((*path, "bases"), f"bases must be among {sorted(_BASES)}")
    ceiling = None
    if raw.get("ceiling"):
        c = raw["ceiling"]
        warn = _threshold(doc, (*path, "ceiling", "warn"), c["warn"]) if "warn" in c else None
        mx = _threshold(doc, (*path, "ceiling", "max"), c["max"]) if "max" in c else None
        unit = (mx or warn or (0.0, ""))[1]
        if warn and mx and warn[1] != mx[1]:
            raise doc.error((*path, "ceiling"), "warn and max must be in the same unit")
        ceiling = Ceiling(
            warn[0] if warn else None, mx[0] if mx else None, unit, str(c.get("source", ""))
        )
    watch = []
    for i, w in enumerate(raw.get("watch") or []):
        at, unit = _threshold(doc, (*path, "watch", i, "at"), w.get("at"))
        watch.append(Watch(at, unit, str(w.get("reason", ""))))
    msd = None
    if raw.get("max_single_dose"):
        try:
            msd = parse_basis(raw["max_single_dose"].get("dose"), "max_single_dose")
        except InputError as exc:
            raise doc.error((*path, "max_single_dose", "dose"), str(exc)) from None
    return Drug(
        name=name,
        synonyms=tuple(str(s) for s in raw.get("synonyms") or []),
        drug_class=str(raw.get("class", "")),
        bases=bases,
        ceiling=ceiling,
        watch=tuple(watch),
        max_single_dose=msd,
        max_single_dose_source=str((raw.get("max_single_dose") or {}).get("source", "")),
        renal=_adjustment(doc, (*path, "renal"), raw["renal"]) if raw.get("renal") else None,
        hepatic=_adjustment(doc, (*path, "hepatic"), raw["hepatic"])
        if raw.get("hepatic")
        else None,
        rounding=dict(raw.get("rounding") or {}),
    )


def _build(doc: Document) -> DrugTable:
    data = doc.data
    if doc.duplicates:
        d = doc.duplicates[0]
        raise FileError(
            doc.path, d.again.line, f"duplicate key {d.key!r} (first at line {d.first.line})"
        )
    if not isinstance(data, dict) or not isinstance(data.get("drugs"), dict):
        raise FileError(doc.path, 1, "a drug table needs a 'drugs' mapping")
    drugs: dict[str, Drug] = {}
    index: dict[str, str] = {}
    for name, raw in data["drugs"].items():
        drug = _drug(doc, str(name), raw)
        for alias in (drug.name, *drug.synonyms):
            key = alias.casefold()
            if key in index and index[key] != drug.name:
                raise doc.error(
                    ("drugs", name), f"name {alias!r} is used by {index[key]} and {drug.name}"
                )
            index[key] = drug.name
        drugs[drug.name] = drug
    tables = {}
    for tname, t in (data.get("equivalence_tables") or {}).items():
        factors = {}
        for k, v in (t.get("factors") or {}).items():
            if k.casefold() not in index:
                raise doc.error(("equivalence_tables", tname, "factors", k), f"unknown drug {k!r}")
            factors[index[k.casefold()]] = float(v)
        tables[str(tname)] = EquivalenceTable(str(tname), str(t.get("source", "")), factors)
    default = str(data.get("default_equivalence") or next(iter(tables), ""))
    if tables and default not in tables:
        raise doc.error(("default_equivalence",), f"default_equivalence {default!r} is not a table")
    return DrugTable(doc.path, drugs, tables, default, index)


@cache
def default_path() -> str:
    # importlib.resources costs ~0.1 ms a call, and load_drugs() asks on every call.
    return str(resources.files("osdose").joinpath("data/drugs.yaml"))


@cache
def _load_cached(path: str) -> DrugTable:
    if path == default_path():
        text = resources.files("osdose").joinpath("data/drugs.yaml").read_text("utf-8")
        return _build(parse_text(text, "drugs.yaml"))
    return _build(load(path))


def load_drugs(path: str | Path | None = None) -> DrugTable:
    """The drug table at ``path``, or the shipped one; loaded once per path."""
    try:
        return _load_cached(str(path) if path else default_path())
    except OsdoseError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FileError(str(path or "drugs.yaml"), None, f"malformed drug table ({exc})") from None

