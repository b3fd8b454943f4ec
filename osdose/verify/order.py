"""The order a pharmacist verifies: patient, regimen, cycle, date, prescribed doses.

An order comes from a YAML file or from one line of a JSONL batch; both are validated by
the order file model (:class:`osdose.formats.order.OrderFile`) into the same checked
:class:`Order`, and every problem names the file and line. Units are checked here, at the
edge; what leaves this module is plain floats in cm, kg, mg/dL, mg or IU.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from osdose import body, clock, thresholds
from osdose import bsa as bsa_mod
from osdose.basis import parse_basis
from osdose.course import Course, Measurements, load_course, parse_administrations
from osdose.drugs import Drug, DrugTable
from osdose.errors import InputError, OsdoseError
from osdose.labs import concentration_mg_dl, times_uln
from osdose.reader import Document
from osdose.regimen import Regimen, parse_days
from osdose.verify.prior_treatment import History, history
from osdose.verify.result import ACKNOWLEDGEABLE

Where = tuple[str | int, ...]
_SEX = {"male": "male", "m": "male", "female": "female", "f": "female"}


@dataclass(frozen=True)
class OrderPatient:
    id: str
    height_cm: float
    weight_kg: float
    baseline_weight_kg: float | None = None
    age: float | None = None  # years, on the order's date
    sex: str | None = None
    serum_creatinine_mg_dl: float | None = None
    bilirubin_mg_dl: float | None = None
    bilirubin_uln_mg_dl: float | None = None
    ast_x_uln: float | None = None
    alt_x_uln: float | None = None
    child_pugh: str | None = None
    measured_gfr_ml_min: float | None = None

    def lab(self, measure: str) -> float | str | None:
        """The value an adjustment rule's ``measure`` reads (``None`` when not on the order);
        ``crcl``/``egfr_absolute`` are computed elsewhere."""
        if measure == "bilirubin_x_uln":
            if self.bilirubin_mg_dl is None or self.bilirubin_uln_mg_dl is None:
                return None
            return self.bilirubin_mg_dl / self.bilirubin_uln_mg_dl
        return {
            "bilirubin": self.bilirubin_mg_dl,
            "creatinine": self.serum_creatinine_mg_dl,
            "ast_x_uln": self.ast_x_uln,
            "alt_x_uln": self.alt_x_uln,
            "child_pugh": self.child_pugh,
        }.get(measure)


@dataclass(frozen=True)
class Labs:
    """Blood counts in × 10⁹/L and the days the labs were drawn (``None``: not given)."""

    anc: float | None = None
    platelets: float | None = None
    date: dt.date | None = None
    creatinine_date: dt.date | None = None
    bilirubin_date: dt.date | None = None
    anc_text: str = ""
    platelets_text: str = ""


@dataclass(frozen=True)
class Prescribed:
    """One prescribed drug: ``dose`` per administration day in ``unit`` (mg or IU);
    ``percent`` when this drug alone is reduced (with its ``reason``)."""

    drug: str
    dose: float
    unit: str
    days: tuple[int, ...]
    text: str
    line: int
    percent: float = 100.0
    reason: str | None = None


@dataclass(frozen=True)
class Acknowledgement:
    check: str
    drug: str | None
    reason: str


@dataclass(frozen=True)
class Order:
    label: str  # "orders/p42.yaml", or "batch.jsonl:17" for a line of a batch
    patient: OrderPatient
    regimen: Regimen
    cycle: int
    date: dt.date
    bsa_formula: str
    bsa_given_m2: float | None
    dose_percent: float
    prescribed: tuple[Prescribed, ...]
    history: History | None
    acknowledged: tuple[Acknowledgement, ...] = ()
    crcl_weight: str | None = None
    labs: Labs = Labs()
    bsa_cap_m2: float | None = None
    cap_reason: str | None = None
    gfr_method: str | None = None

    def percent_of(self, drug: str) -> float:
        """This drug's own reduction (100 when none)."""
        p = next((x for x in self.prescribed if x.drug == drug), None)
        return p.percent if p is not None else 100.0


@lru_cache(maxsize=8192)
def _parsed(fn: Any, value: str, name: str) -> Any:
    # A batch repeats the same spellings ("175 cm", "258 mg") thousands of times.
    return fn(value, name)


def _field(doc: Document, path: Where, fn: Any, value: Any, name: str) -> Any:
    if value is None:
        return None
    try:
        return _parsed(fn, value, name) if type(value) is str else fn(value, name)
    except InputError as exc:
        raise doc.error((*path, name), str(exc)) from None


def _age(doc: Document, p: Any, date: dt.date) -> float | None:
    """The age in years on the order's date: from the date of birth (the stated age, when
    given too, must agree with it), else the stated age."""
    at: Where = ("patient",)
    stated = _field(doc, at, body.age_years, p.age, "age")
    if p.dob is None:
        return stated  # type: ignore[no-any-return]
    try:
        from_dob = body.age_at(p.dob, date)
    except InputError as exc:
        raise doc.error((*at, "dob"), str(exc)) from None
    if stated is not None and not stated - 1 / 365.25 <= from_dob < stated + 1:
        raise doc.error(
            (*at, "age"),
            f"age {p.age} does not agree with dob {p.dob} ({from_dob:.1f} years on {date}): "
            "correct one of them",
        )
    return from_dob


def _gfr(doc: Document, p: Any) -> float | None:
    from osdose.kidney import measured_gfr

    return _field(doc, ("patient",), measured_gfr, p.gfr, "gfr")  # type: ignore[no-any-return]


def _labs(doc: Document, m: Any, patient: OrderPatient) -> Labs:
    from osdose.labs import count_g_per_l

    labs = m.labs
    if labs is None:
        return Labs()
    at: Where = ("labs",)
    for name in ("date", "creatinine_date", "bilirubin_date"):
        day = getattr(labs, name)
        if day is None:
            continue
        if day > m.date:
            raise doc.error(
                (*at, name),
                f"labs {name} {day} is after the order's date {m.date}: labs are drawn "
                "before a cycle; check the date",
            )
        if day > clock.today():
            raise doc.error((*at, name), f"labs {name} {day} is in the future: check the date")
    if labs.creatinine_date is not None and patient.serum_creatinine_mg_dl is None:
        raise doc.error((*at, "creatinine_date"), "creatinine_date without a serum_creatinine")
    if labs.bilirubin_date is not None and patient.bilirubin_mg_dl is None:
        raise doc.error((*at, "bilirubin_date"), "bilirubin_date without a bilirubin")
    return Labs(
        anc=_field(doc, at, count_g_per_l, labs.anc, "anc"),
        platelets=_field(doc, at, count_g_per_l, labs.platelets, "platelets"),
        date=labs.date,
        creatinine_date=labs.creatinine_date or labs.date,
        bilirubin_date=labs.bilirubin_date or labs.date,
        anc_text=(labs.anc or "").strip(),
        platelets_text=(labs.platelets or "").strip(),
    )


def _patient(doc: Document, p: Any, date: dt.date) -> OrderPatient:
    at: Where = ("patient",)
    h = _field(doc, at, body.height_cm, p.height, "height")
    w = _field(doc, at, body.weight_kg, p.weight, "weight")
    try:
        body.check_pair(h, w)
    except InputError as exc:
        raise doc.error(at, str(exc)) from None
    base = _field(doc, at, body.weight_kg, p.baseline_weight, "baseline_weight")
    if base is not None:
        try:
            body.check_pair(h, base)
        except InputError as exc:
            raise doc.error((*at, "baseline_weight"), str(exc)) from None
    sex = _SEX[p.sex.casefold()] if p.sex is not None else None
    age = _age(doc, p, date)
    if p.serum_creatinine is not None and (age is None or sex is None):
        missing = "age (or dob)" if age is None else "sex"
        raise doc.error(
            (*at, "serum_creatinine"),
            f"serum_creatinine needs the patient's {missing} too (Cockcroft–Gault uses age, "
            "sex and weight)",
        )
    return OrderPatient(
        id=p.id,
        height_cm=h,
        weight_kg=w,
        baseline_weight_kg=base,
        age=age,
        sex=sex,
        serum_creatinine_mg_dl=_field(
            doc, at, concentration_mg_dl, p.serum_creatinine, "serum_creatinine"
        ),
        bilirubin_mg_dl=_field(doc, at, concentration_mg_dl, p.bilirubin, "bilirubin"),
        bilirubin_uln_mg_dl=_field(doc, at, concentration_mg_dl, p.bilirubin_uln, "bilirubin_uln"),
        ast_x_uln=_field(doc, at, times_uln, p.ast, "ast"),
        alt_x_uln=_field(doc, at, times_uln, p.alt, "alt"),
        child_pugh=p.child_pugh,
        measured_gfr_ml_min=_gfr(doc, p),
    )


def prescribed_amount(text: Any, field: str, drug: Drug | None = None) -> tuple[float, str]:
    """A prescribed daily amount as (value, ``mg`` or ``IU``): a flat amount, read exactly
    as written (``258 mg`` is 258.0)."""
    b = parse_basis(text, field, drug)
    if b.per != "flat":
        raise InputError(
            field,
            f"must be the amount to give on each day in mg or IU (for example '258 mg'), got "
            f"{b.text}",
        )
    return b.amount, b.unit


def _prescribed(doc: Document, items: Any, table: DrugTable) -> tuple[Prescribed, ...]:
    out: list[Prescribed] = []
    for i, item in enumerate(items):
        ip: Where = ("prescribed", i)
        try:
            drug = table.resolve(item.drug, "prescribed")
        except OsdoseError as exc:
            raise doc.error((*ip, "drug"), str(exc)) from None
        if any(x.drug == drug.name for x in out):
            raise doc.error((*ip, "drug"), f"{drug.name} is prescribed twice: write it once")
        try:
            value, unit = prescribed_amount(item.dose, "dose", drug)
        except InputError as exc:
            raise doc.error((*ip, "dose"), str(exc)) from None
        try:
            days = parse_days(item.days)
        except ValueError as exc:
            raise doc.error((*ip, "days"), str(exc)) from None
        if not days or len(set(days)) != len(days):
            raise doc.error((*ip, "days"), f"days must be distinct days from 1, got {item.days!r}")
        if item.reason is not None and item.dose_percent is None:
            raise doc.error(
                (*ip, "reason"), "reason goes with dose_percent (this drug's reduction)"
            )
        out.append(
            Prescribed(
                drug.name,
                value,
                unit,
                days,
                item.dose.strip(),
                doc.line(ip),
                item.dose_percent if item.dose_percent is not None else 100.0,
                item.reason,
            )
        )
    return tuple(out)


def _acknowledged(doc: Document, items: Any, table: DrugTable) -> tuple[Acknowledgement, ...]:
    out = []
    for i, item in enumerate(items):
        ip: Where = ("acknowledge", i)
        if item.check not in ACKNOWLEDGEABLE:
            # a check that can fail an order is never acknowledged: only these warn
            raise doc.error(
                (*ip, "check"),
                f"check {item.check!r} cannot be acknowledged (a failure never is); "
                f"acknowledgeable: {', '.join(ACKNOWLEDGEABLE)}",
            )
        drug = None
        if item.drug is not None:
            try:
                drug = table.resolve(item.drug, "acknowledge").name
            except OsdoseError as exc:
                raise doc.error((*ip, "drug"), str(exc)) from None
        out.append(Acknowledgement(item.check, drug, item.reason))
    return tuple(out)


@cache
def _regimen_cached(name_or_path: str, table: DrugTable) -> Regimen:
    from osdose.library import load_regimen

    return load_regimen(name_or_path, table)


@cache
def _course_cached(path: str, table: DrugTable) -> tuple[Course, History]:
    course = load_course(path, table)
    return course, history(course.administrations, path, course.measurements.weight_kg)


def clear_caches() -> None:
    """Forget loaded regimens and history files (tests that rewrite a file use this)."""
    from osdose.library import clear_caches as clear_library

    _regimen_cached.cache_clear()
    _course_cached.cache_clear()
    _relative.cache_clear()
    _parsed.cache_clear()
    clear_library()


def _regimen(doc: Document, name: str, base: Path, table: DrugTable) -> Regimen:
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
    doc: Document, raw: Any, base: Path, table: DrugTable, patient: OrderPatient, formula: str
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
    from osdose.documents import validate
    from osdose.formats.order import OrderFile

    m = validate(doc, OrderFile, "an order")
    latest = clock.today() + dt.timedelta(days=thresholds.current().order_future_days)
    if m.date > latest:
        raise doc.error(("date",), f"date {m.date} is after {latest}: check the year")
    patient = _patient(doc, m.patient, m.date)
    labs = _labs(doc, m, patient)
    regimen = _regimen(doc, m.regimen, base, table)
    cap = _field(doc, (), body.bsa_m2, m.bsa_cap, "bsa_cap")
    if cap is not None and m.cap_reason is None:
        raise doc.error(("bsa_cap",), f"bsa_cap needs cap_reason: {bsa_mod.CAP_ADVICE}")
    if m.cap_reason is not None and cap is None:
        raise doc.error(("cap_reason",), "cap_reason goes with bsa_cap")
    formula = bsa_mod.DEFAULT
    if m.bsa_formula is not None:
        try:
            formula = bsa_mod.formula(m.bsa_formula).name
        except OsdoseError as exc:
            raise doc.error(("bsa_formula",), str(exc)) from None
    given = _field(doc, (), body.bsa_m2, m.bsa, "bsa")
    prescribed = _prescribed(doc, m.prescribed, table)
    hist = None
    if m.history is not None:
        hist = _history(doc, m.history, base, table, patient, formula)
    return Order(
        label=label,
        patient=patient,
        regimen=regimen,
        cycle=m.cycle,
        date=m.date,
        bsa_formula=formula,
        bsa_given_m2=given,
        dose_percent=m.dose_percent if m.dose_percent is not None else 100.0,
        prescribed=prescribed,
        history=hist,
        acknowledged=_acknowledged(doc, m.acknowledge, table),
        crcl_weight=m.crcl_weight,
        labs=labs,
        bsa_cap_m2=cap,
        cap_reason=m.cap_reason,
        gfr_method=m.gfr_method,
    )


def with_history(order: Order, course: Course) -> Order:
    """The order with its history replaced (``--ledger``): the course must be its patient's."""
    if course.patient and course.patient != order.patient.id:
        raise OsdoseError(
            f"{order.label}: the ledger history is for patient {course.patient!r}, "
            f"the order for {order.patient.id!r}"
        )
    h = history(course.administrations, course.path or "ledger", course.measurements.weight_kg)
    return replace(order, history=h)
