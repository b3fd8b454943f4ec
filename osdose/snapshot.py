"""Golden dose snapshots: every regimen's per-drug daily and cycle dose for a set of
reference patients, written to a reviewable file and checked against it, so that a regimen
edit that changes what a patient is given shows up as a snapshot diff.

Doses are rounded to 0.01 mg (or IU) in the file: a difference below that is not a change
anyone could give, and rounding keeps the file identical across platforms' floating point.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osdose import body
from osdose import bsa as bsa_mod
from osdose.dosing import DoseLine, DosingPatient, dose_sheet
from osdose.drugs import DrugTable, load_drugs
from osdose.errors import FileError, InputError, OsdoseError
from osdose.fields import FieldError, decimal
from osdose.kidney import measured_gfr
from osdose.labs import concentration_mg_dl
from osdose.library import load_file
from osdose.reader import Document, load
from osdose.regimen import Regimen


@dataclass(frozen=True)
class ReferencePatient:
    """A reference patient: height and weight, the BSA formula and an optional BSA cap."""

    id: str
    height_cm: float
    weight_kg: float
    formula: str = bsa_mod.DEFAULT
    bsa_cap_m2: float | None = None
    cap_reason: str | None = None
    more: DosingPatient = field(
        default_factory=DosingPatient
    )  # age, sex, creatinine or GFR (AUC doses, children)

    def bsa(self) -> bsa_mod.BSA:
        b = bsa_mod.resolve(
            self.height_cm, self.weight_kg, None, self.formula, self.bsa_cap_m2,
            cap_reason=self.cap_reason,
        )  # fmt: skip
        assert b is not None
        return b


@dataclass(frozen=True)
class Dose:
    """One drug of one regimen for one patient: per administration day and per cycle."""

    regimen: str
    patient: str
    drug: str
    unit: str
    daily: float
    cycle: float


@dataclass(frozen=True)
class Snapshot:
    patients: tuple[ReferencePatient, ...]
    doses: tuple[Dose, ...]


@dataclass(frozen=True)
class Change:
    """A dose that differs from the snapshot; ``None`` on one side when it was added or
    removed (a regimen, patient or drug that is new or gone)."""

    regimen: str
    patient: str
    drug: str
    what: str  # "daily" or "cycle"
    unit: str
    old: float | None
    new: float | None

    @property
    def text(self) -> str:
        old = "absent" if self.old is None else f"{_num(self.old)} {self.unit}"
        new = "absent" if self.new is None else f"{_num(self.new)} {self.unit}"
        return f"{self.regimen} / {self.patient} / {self.drug}: {self.what} {old} → {new}"


def _num(x: float) -> str:
    """A snapshot amount as written: to 0.01, without trailing zeros (18446.62, 240)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def load_patients(path: str | Path) -> tuple[ReferencePatient, ...]:
    """The reference patients of a YAML file (``patients: [{id, height, weight, …}]``)."""
    from osdose.documents import validate
    from osdose.formats.patients import PatientsFile

    doc = load(path, what="patients file")
    model = validate(doc, PatientsFile, "a patients file")
    patients = []
    for i, p in enumerate(model.patients):
        at: tuple[str | int, ...] = ("patients", i)
        try:
            height = body.height_cm(p.height)
            weight = body.weight_kg(p.weight)
            cap = body.bsa_m2(p.bsa_cap, "bsa_cap") if p.bsa_cap is not None else None
            formula = bsa_mod.formula(p.formula or bsa_mod.DEFAULT).name
            bsa_mod.resolve(height, weight, None, formula, cap, cap_reason=p.cap_reason)
            more = DosingPatient(
                age_years=body.age_years(p.age) if p.age is not None else None,
                sex=p.sex,
                height_cm=height,
                creatinine_mg_dl=(
                    concentration_mg_dl(p.creatinine, "serum_creatinine")
                    if p.creatinine is not None
                    else None
                ),
                measured_gfr=measured_gfr(p.gfr) if p.gfr is not None else None,
            )
        except OsdoseError as exc:
            raise doc.error(at, str(exc)) from None
        patients.append(ReferencePatient(p.id, height, weight, formula, cap, p.cap_reason, more))
    ids = [p.id for p in patients]
    repeated = sorted({x for x in ids if ids.count(x) > 1})
    if repeated:
        raise FileError(str(path), 1, f"patient ids repeat: {', '.join(repeated)}")
    return tuple(patients)


def patient_lines(reg: Regimen, p: ReferencePatient) -> tuple[DoseLine, ...]:
    """Every drug's dose of ``reg`` for the reference patient ``p``, by the one dose engine;
    what the patient lacks for it (an age, a creatinine) is refused, naming the patient."""
    try:
        return dose_sheet(reg, p.bsa(), p.weight_kg, patient=p.more).lines
    except InputError as exc:
        raise OsdoseError(
            f"{reg.path or reg.name}: reference patient {p.id}: {exc} (add it to the "
            "patients file: age, sex, creatinine or gfr)"
        ) from None


def compute(regimens: Iterable[Regimen], patients: tuple[ReferencePatient, ...]) -> Snapshot:
    """Every drug's daily and cycle dose of every regimen for every patient, rounded."""
    doses = []
    for reg in regimens:
        for p in patients:
            seen: dict[str, int] = {}
            for line in patient_lines(reg, p):
                # a drug given twice in one regimen (two schedules) keeps both, numbered
                seen[line.drug] = seen.get(line.drug, 0) + 1
                name = line.drug if seen[line.drug] == 1 else f"{line.drug}#{seen[line.drug]}"
                daily, cycle = round(line.daily, 2), round(line.cycle, 2)
                doses.append(Dose(reg.name, p.id, name, line.unit, daily, cycle))
    return Snapshot(patients, tuple(doses))


def compute_paths(
    paths: Iterable[str | Path],
    patients: str | Path | tuple[ReferencePatient, ...],
    drugs: DrugTable | None = None,
) -> Snapshot:
    """The snapshot of the regimen files and folders at ``paths`` for ``patients`` (a
    patients file, or loaded patients)."""
    from osdose.lint.runner import collect

    people = patients if isinstance(patients, tuple) else load_patients(patients)
    return compute((load_file(f, drugs) for f in collect(paths)), people)


def shipped(name: str) -> Path:
    """A file shipped in osdose's data folder (an installed wheel is unpacked: a real path)."""
    from importlib import resources

    return Path(str(resources.files("osdose").joinpath("data", name)))


#: The reference patients and the snapshot of the shipped library, shipped beside it.
SHIPPED_PATIENTS = "reference-patients.yaml"
SHIPPED_SNAPSHOT = "regimens.snapshot.yaml"


def shipped_patients() -> tuple[ReferencePatient, ...]:
    """The four reference patients shipped with osdose (``osdose template patients``)."""
    return load_patients(shipped(SHIPPED_PATIENTS))


def compute_builtin(
    patients: tuple[ReferencePatient, ...], drugs: DrugTable | None = None
) -> Snapshot:
    """The snapshot of the shipped regimen library."""
    from osdose.library import library

    return compute(library(drugs or load_drugs()), patients)


def _q(text: str) -> str:
    return json.dumps(
        text, ensure_ascii=False, allow_nan=False
    )  # a JSON string is a YAML double-quoted scalar


def dumps(snap: Snapshot, command: str = "") -> str:
    """The snapshot as reviewable YAML: one line per regimen, patient and drug."""
    out = [
        "# osdose golden dose snapshot: per-drug doses of each regimen for reference patients.",
        "# daily = per administration day, cycle = per cycle; mg (or IU), rounded to 0.01.",
        "# A change here is a change in what patients are given: review it like code.",
    ]
    if command:
        out.append(f"# Regenerate with: {command}")
    out.append("patients:")
    for p in snap.patients:
        b = p.bsa()
        cap = f", bsa_cap_m2: {p.bsa_cap_m2!r}" if p.bsa_cap_m2 is not None else ""
        m = p.more
        for key, value in (
            ("age_years", m.age_years),
            ("creatinine_mg_dl", m.creatinine_mg_dl),
            ("gfr_ml_min", m.measured_gfr),
        ):
            if value is not None:
                cap += f", {key}: {value!r}"
        if m.sex is not None:
            cap += f", sex: {_q(m.sex)}"
        out.append(
            f"  {_q(p.id)}: {{height_cm: {p.height_cm!r}, weight_kg: {p.weight_kg!r}, "
            f"formula: {_q(p.formula)}{cap}, bsa_m2: {round(b.m2, 4)!r}}}"
        )
    out.append("regimens:")
    regimen = patient = None
    for d in snap.doses:
        if d.regimen != regimen:
            regimen, patient = d.regimen, None
            out.append(f"  {_q(d.regimen)}:")
        if d.patient != patient:
            patient = d.patient
            out.append(f"    {_q(d.patient)}:")
        unit = d.unit.lower()
        out.append(f"      {_q(d.drug)}: {{daily_{unit}: {d.daily!r}, cycle_{unit}: {d.cycle!r}}}")
    return "\n".join(out) + "\n"


def _mapping(doc: Document, at: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.error(at, "not an osdose snapshot: expected a mapping here")
    return value


def load_snapshot(path: str | Path) -> dict[tuple[str, str, str], Dose]:
    """The doses of a snapshot file by (regimen, patient, drug)."""
    doc = load(path)
    regimens = doc.data.get("regimens") if isinstance(doc.data, dict) else None
    if not isinstance(regimens, dict):
        raise FileError(str(path), 1, "not an osdose snapshot (no 'regimens' mapping)")
    out: dict[tuple[str, str, str], Dose] = {}
    for reg, by_patient in regimens.items():
        for patient, by_drug in _mapping(doc, ("regimens", reg), by_patient).items():
            for drug, values in _mapping(doc, ("regimens", reg, patient), by_drug).items():
                at = ("regimens", reg, patient, drug)
                unit = "IU" if isinstance(values, dict) and "daily_iu" in values else "mg"
                try:
                    daily = decimal(values[f"daily_{unit.lower()}"], 0)
                    cycle = decimal(values[f"cycle_{unit.lower()}"], 0)
                except (KeyError, TypeError, FieldError):
                    raise doc.error(
                        at, "a dose line needs daily_mg and cycle_mg, as numbers"
                    ) from None
                out[(reg, patient, drug)] = Dose(reg, patient, drug, unit, daily, cycle)
    return out


def diff(old: dict[tuple[str, str, str], Dose], new: Snapshot) -> list[Change]:
    """Every dose that differs between a snapshot file and a recomputed snapshot."""
    changes: list[Change] = []
    fresh = {(d.regimen, d.patient, d.drug): d for d in new.doses}
    for key in sorted(old.keys() | fresh.keys()):
        a, b = old.get(key), fresh.get(key)
        unit = b.unit if b else a.unit if a else "mg"
        for what in ("daily", "cycle"):
            va = getattr(a, what) if a else None
            vb = getattr(b, what) if b else None
            if va != vb or (a and b and a.unit != b.unit):
                changes.append(Change(*key, what, unit, va, vb))
    return changes
