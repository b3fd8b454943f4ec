"""The order a pharmacist verifies: patient, regimen, cycle, date, prescribed doses.

An order comes from a YAML file or from one line of a JSONL batch; both are read into the
same checked :class:`Order`, and every problem names the file and line. Units are checked
here, at the edge; what leaves this module is plain floats in cm, kg, mg/dL, mg or IU.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from osdose import bsa as bsa_mod
from osdose import units
from osdose.course import Course, Measurements, load_course, parse_administrations
from osdose.drugs import DrugTable
from osdose.errors import FileError, InputError, OsdoseError
from osdose.regimen import Regimen, load_regimen, parse_days
from osdose.source import Document, Path_, as_date
from osdose.verify.amounts import prescribed_amount
from osdose.verify.history import History, history
from osdose.verify.labs import concentration_mg_dl
from osdose.verify.result import ACKNOWLEDGEABLE, CHECKS

ORDER_FIELDS = (
    "patient",
    "regimen",
    "cycle",
    "date",
    "bsa_formula",
    "bsa",
    "dose_percent",
    "prescribed",
    "history",
    "acknowledge",
    "notes",
)
PATIENT_FIELDS = (
    "id",
    "height",
    "weight",
    "baseline_weight",
    "age",
    "sex",
    "serum_creatinine",
    "bilirubin",
    "notes",
)
PRESCRIBED_FIELDS = ("drug", "dose", "days", "route", "notes")
ACK_FIELDS = ("check", "drug", "reason")
_SEX = {"male": "male", "m": "male", "female": "female", "f": "female"}


@dataclass(frozen=True)
class Patient:
    id: str
    height_cm: float
    weight_kg: float
    baseline_weight_kg: float | None = None
    age: int | None = None
    sex: str | None = None
    serum_creatinine_mg_dl: float | None = None
    bilirubin_mg_dl: float | None = None


@dataclass(frozen=True)
class Prescribed:
    """One prescribed drug: ``dose`` per administration day in ``unit`` (mg or IU)."""

    drug: str
    dose: float
    unit: str
    days: tuple[int, ...]
    text: str
    line: int


@dataclass(frozen=True)
class Acknowledgement:
    check: str
    drug: str | None
    reason: str


@dataclass(frozen=True)
class Order:
    label: str  # "orders/p42.yaml", or "batch.jsonl:17" for a line of a batch
    patient: Patient
    regimen: Regimen
    cycle: int
    date: dt.date
    bsa_formula: str
    bsa_given_m2: float | None
    dose_percent: float
    prescribed: tuple[Prescribed, ...]
    history: History | None
    acknowledged: tuple[Acknowledgement, ...] = ()


def _unknown(doc: Document, path: Path_, key: str, known: tuple[str, ...]) -> FileError:
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(known)}"
    pos = doc.key_where((*path, key))
    return FileError(doc.path, pos.line, f"unknown field {key!r}{hint}", pos.column)


def _mapping(doc: Document, path: Path_, raw: Any, known: tuple[str, ...], what: str) -> None:
    if not isinstance(raw, dict):
        raise doc.error(path, f"{what} must be a mapping of fields ({', '.join(known)})")
    for key in raw:
        if key not in known:
            raise _unknown(doc, path, key, known)


def _need(doc: Document, path: Path_, raw: dict[str, Any], key: str, example: str) -> Any:
    if raw.get(key) in (None, ""):
        raise doc.error(path, f"missing required field {key!r} (for example {example})")
    return raw[key]


@lru_cache(maxsize=8192)
def _parsed(fn: Any, value: str, name: str) -> Any:
    # A batch repeats the same spellings ("175 cm", "258 mg") thousands of times.
    return fn(value, name)


def _field(doc: Document, path: Path_, fn: Any, value: Any, name: str) -> Any:
    try:
        return _parsed(fn, value, name) if type(value) is str else fn(value, name)
    except InputError as exc:
        raise doc.error((*path, name), str(exc)) from None


def _whole(doc: Document, path: Path_, value: Any, low: int, high: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise doc.error(path, f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _patient(doc: Document, raw: Any) -> Patient:
    p: Path_ = ("patient",)
    _mapping(doc, p, raw, PATIENT_FIELDS, "patient")
    pid = _need(doc, p, raw, "id", "id: P-0042")
    h = _field(doc, p, units.height_cm, _need(doc, p, raw, "height", "height: 175 cm"), "height")
    w = _field(doc, p, units.weight_kg, _need(doc, p, raw, "weight", "weight: 70 kg"), "weight")
    base = raw.get("baseline_weight")
    age = raw.get("age")
    sex = raw.get("sex")
    if sex is not None and str(sex).strip().casefold() not in _SEX:
        raise doc.error((*p, "sex"), f"sex must be male or female, got {sex!r}")
    scr = raw.get("serum_creatinine")
    bili = raw.get("bilirubin")
    if scr is not None and (age is None or sex is None):
        missing = "age" if age is None else "sex"
        raise doc.error(
            (*p, "serum_creatinine"),
            f"serum_creatinine needs the patient's {missing} too (Cockcroft–Gault uses age, "
            "sex and weight)",
        )
    return Patient(
        id=str(pid),
        height_cm=h,
        weight_kg=w,
        baseline_weight_kg=None
        if base is None
        else _field(doc, p, units.weight_kg, base, "baseline_weight"),
        age=None if age is None else _whole(doc, (*p, "age"), age, 0, 120, "age"),
        sex=None if sex is None else _SEX[str(sex).strip().casefold()],
        serum_creatinine_mg_dl=None
        if scr is None
        else _field(doc, p, concentration_mg_dl, scr, "serum_creatinine"),
        bilirubin_mg_dl=None
        if bili is None
        else _field(doc, p, concentration_mg_dl, bili, "bilirubin"),
    )


def _prescribed(doc: Document, raw: Any, table: DrugTable) -> tuple[Prescribed, ...]:
    p: Path_ = ("prescribed",)
    if not isinstance(raw, list) or not raw:
        raise doc.error(p, "prescribed must be a list of drugs ({drug, dose, days})")
    out: list[Prescribed] = []
    for i, item in enumerate(raw):
        ip: Path_ = (*p, i)
        _mapping(doc, ip, item, PRESCRIBED_FIELDS, "a prescribed drug")
        name = _need(doc, ip, item, "drug", "drug: cisplatin")
        try:
            drug = table.resolve(str(name), "prescribed").name
        except OsdoseError as exc:
            raise doc.error((*ip, "drug"), str(exc)) from None
        if any(x.drug == drug for x in out):
            raise doc.error((*ip, "drug"), f"{drug} is prescribed twice: write it once")
        text = _need(doc, ip, item, "dose", "dose: 258 mg")
        value, unit = _field(doc, ip, prescribed_amount, text, "dose")
        days_raw = _need(doc, ip, item, "days", "days: [1]")
        try:
            days = parse_days(days_raw)
        except ValueError as exc:
            raise doc.error((*ip, "days"), str(exc)) from None
        if not days or len(set(days)) != len(days) or min(days) < 1:
            raise doc.error((*ip, "days"), f"days must be distinct days from 1, got {days_raw!r}")
        out.append(Prescribed(drug, value, unit, days, str(text).strip(), doc.line(ip)))
    return tuple(out)


def _acknowledged(doc: Document, raw: Any, table: DrugTable) -> tuple[Acknowledgement, ...]:
    p: Path_ = ("acknowledge",)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.error(p, "acknowledge must be a list of {check, drug, reason}")
    out = []
    for i, item in enumerate(raw):
        ip: Path_ = (*p, i)
        _mapping(doc, ip, item, ACK_FIELDS, "an acknowledgement")
        check = str(_need(doc, ip, item, "check", "check: max-single-dose"))
        if check not in ACKNOWLEDGEABLE:
            known = "a failure cannot be acknowledged" if check in CHECKS else "unknown check"
            raise doc.error(
                (*ip, "check"),
                f"check {check!r} cannot be acknowledged ({known}); "
                f"acknowledgeable: {', '.join(ACKNOWLEDGEABLE)}",
            )
        drug = None
        if item.get("drug") is not None:
            try:
                drug = table.resolve(str(item["drug"]), "acknowledge").name
            except OsdoseError as exc:
                raise doc.error((*ip, "drug"), str(exc)) from None
        reason = str(_need(doc, ip, item, "reason", "reason: intended escalation")).strip()
        if len(reason) < 3:
            raise doc.error((*ip, "reason"), "reason must say why (at least 3 characters)")
        out.append(Acknowledgement(check, drug, reason))
    return tuple(out)


@cache
def _regimen_cached(name_or_path: str, table: DrugTable) -> Regimen:
    return load_regimen(name_or_path, table)


@cache
def _course_cached(path: str, table: DrugTable) -> tuple[Course, History]:
    course = load_course(path, table)
    return course, history(course.administrations, path, course.measurements.weight_kg)


def clear_caches() -> None:
    """Forget loaded regimens and history files (tests that rewrite a file use this)."""
    _regimen_cached.cache_clear()
    _course_cached.cache_clear()
    _relative.cache_clear()
    _parsed.cache_clear()


def _regimen(doc: Document, raw: Any, base: Path, table: DrugTable) -> Regimen:
    name = str(raw).strip()
    if name.endswith((".yaml", ".yml")):
        name = _relative(base, name)
    try:
        return _regimen_cached(name, table)
    except OsdoseError as exc:
        raise doc.error(("regimen",), str(exc)) from None


@cache
def _relative(base: Path, name: str) -> str:
    """``name`` relative to ``base`` unless absolute (cached: a batch repeats the same few)."""
    p = Path(name)
    return str(p if p.is_absolute() else base / p)


def _history(
    doc: Document, raw: Any, base: Path, table: DrugTable, patient: Patient, formula: str
) -> History:
    if isinstance(raw, str):
        path = _relative(base, raw)
        try:
            course, h = _course_cached(path, table)
        except OsdoseError as exc:
            raise doc.error(("history",), f"history {raw}: {exc}") from None
        if course.patient != patient.id:
            raise doc.error(
                ("history",),
                f"history {raw} is for patient {course.patient!r}, the order for {patient.id!r}",
            )
        return h
    default = Measurements(patient.height_cm, patient.weight_kg, None)
    adms = parse_administrations(doc, ("history",), raw, table, default, formula)
    return history(tuple(adms), f"{doc.path} (inline)")


def build_order(doc: Document, label: str, base: Path, table: DrugTable) -> Order:
    """A checked :class:`Order` from a parsed document; ``base`` resolves relative paths."""
    if doc.duplicates:
        d = doc.duplicates[0]
        raise FileError(
            doc.path, d.again.line, f"duplicate key {d.key!r} (first at line {d.first.line})"
        )
    raw = doc.data
    _mapping(doc, (), raw, ORDER_FIELDS, "an order")
    patient = _patient(doc, _need(doc, (), raw, "patient", "patient: {id: P-0042, ...}"))
    regimen = _regimen(doc, _need(doc, (), raw, "regimen", "regimen: DDP+EPI"), base, table)
    cycle = _whole(doc, ("cycle",), _need(doc, (), raw, "cycle", "cycle: 3"), 1, 1000, "cycle")
    date = as_date(_need(doc, (), raw, "date", "date: 2021-06-01"), doc, ("date",))
    formula = bsa_mod.DEFAULT
    if raw.get("bsa_formula") is not None:
        try:
            formula = bsa_mod.formula(str(raw["bsa_formula"])).name
        except OsdoseError as exc:
            raise doc.error(("bsa_formula",), str(exc)) from None
    given = None if raw.get("bsa") is None else _field(doc, (), units.bsa_m2, raw["bsa"], "bsa")
    pct = raw.get("dose_percent", 100)
    if isinstance(pct, bool) or not isinstance(pct, (int, float)) or not 1 <= pct <= 100:
        raise doc.error(
            ("dose_percent",), f"dose_percent must be a number from 1 to 100, got {pct!r}"
        )
    prescribed = _prescribed(doc, _need(doc, (), raw, "prescribed", "prescribed: [...]"), table)
    history = None
    if "history" in raw and raw["history"] is not None:
        history = _history(doc, raw["history"], base, table, patient, formula)
    return Order(
        label=label,
        patient=patient,
        regimen=regimen,
        cycle=cycle,
        date=date,
        bsa_formula=formula,
        bsa_given_m2=given,
        dose_percent=float(pct),
        prescribed=prescribed,
        history=history,
        acknowledged=_acknowledged(doc, raw.get("acknowledge"), table),
    )


def with_history(order: Order, course: Course) -> Order:
    """The order with its history replaced (``--ledger``): the course must be its patient's."""
    if course.patient and course.patient != order.patient.id:
        raise OsdoseError(
            f"{order.label}: the ledger history is for patient {course.patient!r}, "
            f"the order for {order.patient.id!r}"
        )
    h = history(course.administrations, course.path or "ledger", course.measurements.weight_kg)
    return Order(**{**order.__dict__, "history": h})
