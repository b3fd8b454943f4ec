"""Regimens: the checked domain objects, loaded from a YAML file or the shipped library.

A dose in a regimen file is always per administration day (``dose``/``dose_per_day``). A
total per cycle must be written ``dose_per_cycle`` and is divided over the days here; the
two are never confused downstream: :class:`DrugDose` keeps the per-day basis and says what
was written.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from osdose.basis import Basis, parse_basis
from osdose.drugs import DrugTable, load_drugs
from osdose.errors import FileError, InputError, OsdoseError, UnknownNameError
from osdose.source import Document, Pos, parse_text, read_text

_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


@dataclass(frozen=True)
class DrugDose:
    """One drug of a regimen. ``basis`` is always per administration day."""

    drug: str
    basis: Basis
    written_as: Literal["per_day", "per_cycle"]
    written_basis: Basis
    days: tuple[int, ...]
    route: str | None = None
    diluent: str | None = None
    volume: str | None = None
    duration: str | None = None
    max_dose: Basis | None = None
    notes: str | None = None
    source: str | None = None
    acknowledged: tuple[tuple[str, str], ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Regimen:
    name: str
    aliases: tuple[str, ...]
    description: str | None
    cycle_length_days: int
    cycles: int | None
    drugs: tuple[DrugDose, ...]
    supportive_care: dict[str, Any] = field(hash=False, compare=False)
    references: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    acknowledged: tuple[tuple[str, str], ...] = ()
    path: str = ""
    sha256: str = ""


def parse_days(value: Any) -> tuple[int, ...]:
    """``[1, 8]``, ``1``, ``"1-5"`` or ``"1-3, 8"`` → a tuple of days in the order given."""
    if isinstance(value, bool):
        raise ValueError(f"days must be day numbers, got {value!r}")
    if isinstance(value, int):
        return (value,)
    if isinstance(value, list):
        if not all(isinstance(d, int) and not isinstance(d, bool) for d in value):
            raise ValueError(f"days must be whole day numbers, got {value!r}")
        return tuple(value)
    days: list[int] = []
    for part in str(value).split(","):
        m = _RANGE.match(part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if b < a:
                raise ValueError(f"day range {part.strip()!r} runs backwards")
            days.extend(range(a, b + 1))
        elif part.strip().isdigit():
            days.append(int(part.strip()))
        else:
            raise ValueError(f"days must be a list, a day or a range like '1-5', got {value!r}")
    return tuple(days)


@dataclass(frozen=True)
class SchemaProblem:
    """One way a document breaks the regimen file model. ``kind`` is pydantic's error type
    (``missing``, ``extra_forbidden``, ``int_parsing`` …) or ``not_a_mapping``."""

    kind: str
    path: tuple[str | int, ...]
    pos: Pos
    message: str


def _section(loc: tuple[Any, ...]) -> str:
    # the innermost known section decides which field names an unknown field is compared to
    for part in reversed(loc[:-1]):
        if part in ("acknowledge", "supportive_care"):
            return str(part)
        if part == "drugs":
            return "drug"
    return "regimen"


def _pydantic_problem(err: dict[str, Any]) -> str:
    from osdose.schema import FIELD_NAMES

    loc = tuple(err["loc"])
    name = str(loc[-1]) if loc else ""
    if err["type"] == "extra_forbidden":
        known = FIELD_NAMES[_section(loc)]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(known)}"
        return f"unknown field {name!r}{hint}"
    if err["type"] == "missing":
        return f"missing required field {name!r}"
    field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), name)
    if isinstance(err.get("input"), bool) and err["type"].startswith("int"):
        # YAML reads yes/no/true/false as booleans; the schema's integers are strict
        return f"{field_name} must be a whole number, got a yes/no"
    return f"{field_name}: {err['msg']}"


def _doc_path(doc: Document, loc: tuple[Any, ...], missing: bool) -> tuple[str | int, ...]:
    # pydantic adds union branch names ("list[int]", "str") to the location: keep only the
    # parts that exist in the document (and a missing field's own name, which cannot)
    kept: list[str | int] = []
    for part in loc:
        if (*kept, part) in doc.values:
            kept.append(part)
    if missing and loc and loc[-1] not in kept[-1:]:
        kept.append(loc[-1])
    return tuple(kept)


def schema_problems(doc: Document) -> tuple[Any, list[SchemaProblem]]:
    """Validate a parsed document against the file model once: (model or ``None``, every
    problem, at most one per place)."""
    from pydantic import ValidationError

    from osdose.schema import RegimenFile

    if not isinstance(doc.data, dict):
        kind = "empty" if doc.data is None else type(doc.data).__name__
        got = "the file is empty" if doc.data is None else f"got a {_TYPE_WORDS.get(kind, kind)}"
        return None, [
            SchemaProblem(
                "not_a_mapping",
                (),
                Pos(1, 1),
                f"a regimen file must be a mapping of fields (name, cycle_length_days, drugs, "
                f"…): {got}",
            )
        ]
    try:
        return RegimenFile.model_validate(doc.data), []
    except ValidationError as exc:
        problems: dict[tuple[str | int, ...], SchemaProblem] = {}
        for err in exc.errors():
            loc = tuple(err["loc"])
            path = _doc_path(doc, loc, err["type"] == "missing")
            if path in problems:
                continue  # a union reports once per branch: the first says enough
            extra = err["type"] == "extra_forbidden"
            pos = doc.key_where(path) if extra else doc.where(path)
            problems[path] = SchemaProblem(err["type"], path, pos, _pydantic_problem(dict(err)))
        return None, list(problems.values())


_TYPE_WORDS = {"list": "list", "str": "single text value", "int": "number", "float": "number"}


def validate_document(doc: Document) -> Any:
    """Validate a parsed regimen document against the file model; first problem raises."""
    if doc.duplicates:
        d = doc.duplicates[0]
        raise FileError(
            doc.path,
            d.again.line,
            f"duplicate key {d.key!r} (first at line {d.first.line})",
            d.again.column,
        )
    model, problems = schema_problems(doc)
    if problems:
        p = problems[0]
        raise FileError(doc.path, p.pos.line, p.message, p.pos.column)
    return model


DOSE_FIELDS = ("dose", "dose_per_day", "dose_per_cycle")


def dose_field(drug: str, values: dict[str, Any]) -> tuple[str, Any]:
    """The one dose field an entry gives, as (field name, value); refuses none or several."""
    given = [(k, values[k]) for k in DOSE_FIELDS if values.get(k) is not None]
    if len(given) != 1:
        what = " and ".join(k for k, _ in given) if given else "none"
        raise ValueError(
            f"drug {drug!r} needs exactly one of dose (per day), "
            f"dose_per_day or dose_per_cycle, got {what}"
        )
    return given[0]


def check_days(days: tuple[int, ...], cycle_length_days: int) -> None:
    """Refuse no day, a repeated day, or a day outside 1..cycle length."""
    if not days:
        raise ValueError("days must name at least one day")
    if len(set(days)) != len(days):
        raise ValueError(f"days repeat a day: {list(days)}")
    bad = [x for x in days if not 1 <= x <= cycle_length_days]
    if bad:
        raise ValueError(f"day {bad[0]} is outside the cycle (1–{cycle_length_days})")


def check_cap(cap: Basis, written: Basis) -> None:
    """A ``max_dose`` must be a flat amount in the unit of the dose it caps."""
    if cap.per != "flat" or cap.unit != written.unit:
        raise ValueError(
            f"max_dose must be a flat {written.unit} amount like '2 {written.unit}', got {cap.text}"
        )


def per_day(written: Basis, field_name: str, n_days: int) -> Basis:
    """The per-day basis of what was written: a dose per cycle is divided over its days."""
    return written.scaled(1.0 / n_days) if field_name == "dose_per_cycle" else written


def build(doc: Document, drugs: DrugTable | None = None, sha256: str = "") -> Regimen:
    """A checked :class:`Regimen` from a parsed document; the first problem raises with its line."""
    table = drugs or load_drugs()
    model = validate_document(doc)
    entries = []
    for i, d in enumerate(model.drugs):
        path: tuple[str | int, ...] = ("drugs", i)
        try:
            canonical = table.resolve(d.drug).name
        except UnknownNameError as exc:
            raise doc.error((*path, "drug"), str(exc)) from None
        try:
            key, text = dose_field(d.drug, {k: getattr(d, k) for k in DOSE_FIELDS})
        except ValueError as exc:
            raise doc.error(path, str(exc)) from None
        try:
            written = parse_basis(text, key)
        except InputError as exc:
            raise doc.error((*path, key), str(exc)) from None
        try:
            days = parse_days(d.days)
            check_days(days, model.cycle_length_days)
        except ValueError as exc:
            raise doc.error((*path, "days"), str(exc)) from None
        per_cycle = key == "dose_per_cycle"
        basis = per_day(written, key, len(days))
        cap = None
        if d.max_dose is not None:
            try:
                cap = parse_basis(d.max_dose, "max_dose")
                check_cap(cap, written)
            except (InputError, ValueError) as exc:
                raise doc.error((*path, "max_dose"), str(exc)) from None
        entries.append(
            DrugDose(
                drug=canonical,
                basis=basis,
                written_as="per_cycle" if per_cycle else "per_day",
                written_basis=written,
                days=days,
                route=d.route,
                diluent=d.diluent,
                volume=d.volume,
                duration=d.duration,
                max_dose=cap,
                notes=d.notes,
                source=d.source,
                acknowledged=tuple((a.rule, a.reason) for a in d.acknowledge),
                line=doc.where(path).line,
            )
        )
    return Regimen(
        name=model.name,
        aliases=tuple(model.aliases),
        description=model.description,
        cycle_length_days=model.cycle_length_days,
        cycles=model.cycles,
        drugs=tuple(entries),
        supportive_care=model.supportive_care.model_dump(exclude_defaults=True)
        if model.supportive_care
        else {},
        references=tuple(model.references),
        assumptions=tuple(model.assumptions),
        acknowledged=tuple((a.rule, a.reason) for a in model.acknowledge),
        path=doc.path,
        sha256=sha256,
    )


def load_file(path: str | Path, drugs: DrugTable | None = None) -> Regimen:
    """Load and check one regimen file."""
    text = read_text(path)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return build(parse_text(text, path), drugs, sha)


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, ``+`` and ``-`` and spaces alike."""
    return re.sub(r"[\s+_-]+", "-", name.strip().casefold())


def library_files() -> list[tuple[str, str]]:
    """The shipped regimen files as (display path, text), sorted by file name."""
    folder = resources.files("osdose.regimens")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yaml", ".yml")):
            out.append((f"regimens/{entry.name}", entry.read_text("utf-8")))
    return out


@cache
def _library(drugs_path: str) -> tuple[Regimen, ...]:
    table = load_drugs(drugs_path or None)
    out = []
    for display, text in library_files():
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        out.append(build(parse_text(text, display), table, sha))
    return tuple(out)


def _library_key(drugs: DrugTable | None) -> str:
    return drugs.path if drugs and drugs.path != load_drugs().path else ""


def library(drugs: DrugTable | None = None) -> tuple[Regimen, ...]:
    """Every regimen of the shipped library, checked."""
    return _library(_library_key(drugs))


@cache
def _library_index(drugs_path: str) -> dict[str, tuple[Regimen, ...]]:
    # Name lookups happen once per cycle entry of every history (10,000s in a verify batch).
    index: dict[str, tuple[Regimen, ...]] = {}
    for r in _library(drugs_path):
        for key in dict.fromkeys(name_key(n) for n in (r.name, *r.aliases)):
            index[key] = (*index.get(key, ()), r)
    return index


def load_regimen(name_or_path: str, drugs: DrugTable | None = None) -> Regimen:
    """A regimen by name or alias from the shipped library, or from a YAML file path."""
    # Only something that looks like a path is read as one: a stray file called "DIA" in the
    # working folder must not shadow the library's DIA.
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path or "\\" in name_or_path:
        return load_file(Path(name_or_path), drugs)
    key = name_key(name_or_path)
    hits = list(_library_index(_library_key(drugs)).get(key, ()))
    if len(hits) > 1:
        raise OsdoseError(
            f"regimen name {name_or_path!r} is ambiguous: it names "
            f"{', '.join(r.path for r in hits)}; give a file path instead"
        )
    if hits:
        return hits[0]
    regs = library(drugs)
    names = {name_key(n): r.name for r in regs for n in (r.name, *r.aliases)}
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.5)
    matches = list(dict.fromkeys(names[c] for c in close))
    raise UnknownNameError(
        "regimen",
        name_or_path,
        matches,
        f" (known: {', '.join(r.name for r in regs)}; or give a path to a YAML file)",
    )
