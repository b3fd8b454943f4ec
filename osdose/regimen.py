"""Regimens: the checked domain objects, built from a validated regimen document.

A dose in a regimen file is always per administration day (``dose``/``dose_per_day``). A
total per cycle must be written ``dose_per_cycle`` and is divided over the days here; the
two are never confused downstream: :class:`DrugDose` keeps the per-day basis and says what
was written.

Each drug's cap is settled here, once: the regimen's ``max_dose``, the drug table's
absolute cap (vincristine 2 mg) when the regimen gives none, the lower of the two when
both, or no cap where the regimen says ``max_dose: none`` and acknowledges why. Loading a
file, by path or by name, is :mod:`osdose.library`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from osdose.basis import Basis, parse_basis
from osdose.drugs import Drug, DrugTable, load_drugs
from osdose.errors import InputError, UnknownNameError, shown
from osdose.reader import Document

MAX_DAY = 365  # no cycle is longer; a day range is bounded before it is expanded
_RANGE = re.compile(r"^\s*(\d{1,18})\s*-\s*(\d{1,18})\s*$")
_DAY = re.compile(r"^\s*(\d{1,18})\s*$")
NO_CAP = "none"
NO_CAP_RULE = "absolute-cap"  # the lint rule whose acknowledgement lifts a table's cap


@dataclass(frozen=True)
class Cap:
    """The cap applied to one drug's daily dose: ``amount`` in the dose's unit, where it
    comes from (``regimen max_dose`` or ``drug table``), and its source."""

    amount: float
    unit: str
    origin: str
    source: str = ""

    @property
    def text(self) -> str:
        from osdose.units import number_text

        return f"{number_text(self.amount)} {self.unit}"


@dataclass(frozen=True)
class PaediatricRule:
    """A small-patient rule: it applies when every condition given holds (weight below,
    BSA below, age below); ``per-kg`` gives dose per kg = dose per m² ÷ ``divisor``,
    ``percent`` gives ``percent`` of the dose."""

    rule: str
    weight_below_kg: float | None = None
    bsa_below_m2: float | None = None
    age_below_years: float | None = None
    divisor: float | None = None
    percent: float | None = None
    source: str = ""

    @property
    def when(self) -> str:
        parts = []
        if self.weight_below_kg is not None:
            parts.append(f"weight below {self.weight_below_kg:g} kg")
        if self.bsa_below_m2 is not None:
            parts.append(f"BSA below {self.bsa_below_m2:g} m²")
        if self.age_below_years is not None:
            parts.append(f"age below {self.age_below_years:g} years")
        return " and ".join(parts)

    @property
    def text(self) -> str:
        what = (
            f"dose per kg = dose per m² ÷ {self.divisor:g}"
            if self.rule == "per-kg"
            else f"{self.percent:g}% of the dose"
        )
        return f"{self.when}: {what}"


@dataclass(frozen=True)
class CountGate:
    """Below ``anc_below`` or ``platelets_below`` (× 10⁹/L): ``delay``, or give ``percent``."""

    anc_below: float | None
    platelets_below: float | None
    action: str | None
    percent: float | None
    source: str = ""

    @property
    def text(self) -> str:
        what = "ANC" if self.anc_below is not None else "platelets"
        below = self.anc_below if self.anc_below is not None else self.platelets_below
        then = "delay the cycle" if self.action == "delay" else f"give {self.percent:g}%"
        return f"{what} below {below:g} × 10⁹/L: {then}"


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
    cap: Cap | None = None
    no_cap_reason: str | None = None
    notes: str | None = None
    source: str | None = None
    acknowledged: tuple[tuple[str, str], ...] = ()
    line: int = 0
    paediatric: tuple[PaediatricRule, ...] = ()
    gfr_method: str | None = None


@dataclass(frozen=True)
class Approval:
    """Who approved a regimen's version for use (``by``, one line) and on which ``date``."""

    by: str
    date: dt.date


@dataclass(frozen=True)
class Regimen:
    """A checked regimen. Its life cycle (``status``, ``version``, ``approved``,
    ``superseded_by``) is read here and enforced by :mod:`osdose.governance` only;
    ``status_line`` is the line of ``status`` (of ``name`` when the file has none)."""

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
    counts: tuple[CountGate, ...] = ()
    status: Literal["draft", "active", "retired"] = "active"
    version: int | None = None
    approved: Approval | None = None
    superseded_by: str | None = None
    status_line: int = 0

    @property
    def treatment_days(self) -> int:
        """The last day of the cycle on which any drug is given."""
        return max((max(d.days) for d in self.drugs), default=1)


def _day(text: str, value: Any) -> int:
    m = _DAY.match(text)
    if not m:
        raise ValueError(f"days must be a list, a day or a range like '1-5', got {shown(value)}")
    return _checked_day(int(m.group(1)))


def _checked_day(day: int) -> int:
    if not 1 <= day <= MAX_DAY:
        raise ValueError(f"day {day} is outside 1–{MAX_DAY}")
    return day


def parse_days(value: Any) -> tuple[int, ...]:
    """``[1, 8]``, ``1``, ``"1-5"`` or ``"1-3, 8"`` → a tuple of days in the order given.
    Every day is from 1 to :data:`MAX_DAY` (a range is checked before it is expanded)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"days must be day numbers, got {shown(value)}")
    if isinstance(value, int):
        return (_checked_day(value),)
    if isinstance(value, list):
        if len(value) > MAX_DAY:
            raise ValueError(f"days lists {len(value):,} days: at most {MAX_DAY}")
        out = []
        for d in value:
            if isinstance(d, bool) or not isinstance(d, (int, str)):
                raise ValueError(f"days must be whole day numbers, got {shown(value)}")
            out.append(_checked_day(d) if isinstance(d, int) else _day(d, value))
        return tuple(out)
    days: list[int] = []
    for part in str(value).split(","):
        m = _RANGE.match(part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if b < a:
                raise ValueError(f"day range {part.strip()!r} runs backwards")
            _checked_day(a)
            _checked_day(b)
            days.extend(range(a, b + 1))
        else:
            days.append(_day(part, value))
        if len(days) > MAX_DAY:
            raise ValueError(f"days lists more than {MAX_DAY} days")
    return tuple(days)


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


def is_no_cap(text: Any) -> bool:
    """Whether a ``max_dose`` says ``none`` (no cap intended)."""
    return isinstance(text, str) and text.strip().casefold() == NO_CAP


def check_cap(cap: Basis, written: Basis) -> None:
    """A ``max_dose`` must be a flat amount in the unit of the dose it caps."""
    if cap.per != "flat" or cap.unit != written.unit:
        raise ValueError(
            f"max_dose must be a flat {written.unit} amount like '2 {written.unit}' (or none), "
            f"got {cap.text}"
        )


def per_day(written: Basis, field_name: str, n_days: int) -> Basis:
    """The per-day basis of what was written: a dose per cycle is divided over its days."""
    return written.scaled(1.0 / n_days) if field_name == "dose_per_cycle" else written


def effective_cap(
    drug: Drug, written: Basis, max_dose: Basis | None, no_cap_reason: str | None
) -> Cap | None:
    """The cap one drug's daily dose gets: the regimen's, the table's, the lower of both,
    or none when the regimen says ``max_dose: none`` with an acknowledged reason."""
    if no_cap_reason is not None:
        return None
    table = drug.cap.dose if drug.cap is not None and drug.cap.dose.unit == written.unit else None
    if max_dose is None and table is None:
        return None
    if table is not None and (max_dose is None or table.amount < max_dose.amount):
        assert drug.cap is not None
        return Cap(table.amount, table.unit, "drug table", drug.cap.cited)
    assert max_dose is not None
    return Cap(max_dose.amount, max_dose.unit, "regimen max_dose")


def _paediatric(doc: Document, at: tuple[str | int, ...], rules: Any) -> tuple[PaediatricRule, ...]:
    from osdose.body import age_years, bsa_m2, weight_kg

    out = []
    for i, r in enumerate(rules):
        where = (*at, i)
        w = r.when
        try:
            rule = PaediatricRule(
                rule=r.rule,
                weight_below_kg=weight_kg(w.weight_below, "weight_below")
                if w.weight_below
                else None,
                bsa_below_m2=bsa_m2(w.bsa_below, "bsa_below") if w.bsa_below else None,
                age_below_years=age_years(w.age_below, "age_below") if w.age_below else None,
                divisor=r.divisor,
                percent=r.percent,
                source=r.source or "",
            )
        except InputError as exc:
            raise doc.error((*where, "when"), str(exc)) from None
        if not rule.when:
            raise doc.error((*where, "when"), "when needs weight_below, bsa_below or age_below")
        if (r.rule == "per-kg") != (r.divisor is not None) or (r.rule == "percent") != (
            r.percent is not None
        ):
            raise doc.error(where, "rule per-kg takes a divisor, rule percent a percent")
        out.append(rule)
    return tuple(out)


def _counts(doc: Document, gates: Any) -> tuple[CountGate, ...]:
    out = []
    for i, g in enumerate(gates):
        if (g.anc_below is None) == (g.platelets_below is None):
            raise doc.error(("counts", i), "a count gate names anc_below or platelets_below")
        if (g.action is None) == (g.percent is None):
            raise doc.error(("counts", i), "a count gate says action: delay, or a percent")
        out.append(CountGate(g.anc_below, g.platelets_below, g.action, g.percent, g.source or ""))
    return tuple(out)


def build(doc: Document, drugs: DrugTable | None = None, sha256: str = "") -> Regimen:
    """A checked :class:`Regimen` from a parsed document; the first problem raises with its line."""
    from osdose.documents import validate
    from osdose.formats.regimen import RegimenFile

    table = drugs or load_drugs()
    model = validate(doc, RegimenFile, "a regimen file")
    regimen_rules = _paediatric(doc, ("paediatric",), model.paediatric)
    entries = []
    for i, d in enumerate(model.drugs):
        path: tuple[str | int, ...] = ("drugs", i)
        try:
            drug = table.resolve(d.drug)
        except UnknownNameError as exc:
            raise doc.error((*path, "drug"), str(exc)) from None
        try:
            key, text = dose_field(d.drug, {k: getattr(d, k) for k in DOSE_FIELDS})
        except ValueError as exc:
            raise doc.error(path, str(exc)) from None
        try:
            written = parse_basis(text, key, drug)
        except InputError as exc:
            raise doc.error((*path, key), str(exc)) from None
        try:
            days = parse_days(d.days)
            check_days(days, model.cycle_length_days)
        except ValueError as exc:
            raise doc.error((*path, "days"), str(exc)) from None
        per_cycle = key == "dose_per_cycle"
        basis = per_day(written, key, len(days))
        acknowledged = tuple((a.rule, a.reason) for a in d.acknowledge)
        cap = None
        no_cap = None
        if is_no_cap(d.max_dose):
            no_cap = next((r for rule, r in acknowledged if rule == NO_CAP_RULE), None)
            if no_cap is None:
                raise doc.error(
                    (*path, "max_dose"),
                    f"max_dose: none needs an acknowledgement saying why ({{rule: {NO_CAP_RULE}, "
                    "reason: …}} on this drug)",
                )
        elif d.max_dose is not None:
            try:
                cap = parse_basis(d.max_dose, "max_dose", drug)
                check_cap(cap, written)
            except (InputError, ValueError) as exc:
                raise doc.error((*path, "max_dose"), str(exc)) from None
        entries.append(
            DrugDose(
                drug=drug.name,
                basis=basis,
                written_as="per_cycle" if per_cycle else "per_day",
                written_basis=written,
                days=days,
                route=d.route,
                diluent=d.diluent,
                volume=d.volume,
                duration=d.duration,
                max_dose=cap,
                cap=effective_cap(drug, written, cap, no_cap),
                no_cap_reason=no_cap,
                notes=d.notes,
                source=d.source,
                acknowledged=acknowledged,
                line=doc.where(path).line,
                paediatric=_paediatric(doc, (*path, "paediatric"), d.paediatric) or regimen_rules,
                gfr_method=d.gfr,
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
        counts=_counts(doc, model.counts),
        status=model.status,
        version=model.version,
        approved=Approval(model.approved.by, model.approved.date) if model.approved else None,
        superseded_by=model.superseded_by,
        status_line=doc.line(("status",) if "status" in model.model_fields_set else ("name",)),
    )


_NAME_RUN = re.compile(r"[\s+_-]+")


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, ``+`` and ``-`` and spaces alike."""
    return _NAME_RUN.sub("-", name.strip().casefold())
