"""What changed between two versions of a regimen: field by field, and in milligrams.

Three results, each plain data:

- :func:`dose_differences` — the changes of *meaning* in what the dose engine reads: a
  drug's dose per day, its days, its cap, its small-patient rules, its GFR method, a drug
  added or removed, the cycle length, the blood-count gates. Written differently but meaning
  the same (``2 g/m2`` for ``2000 mg/m2``, ``days: 1-3`` for ``[1, 2, 3]``, ``DDP`` for
  ``cisplatin``, ``dose_per_cycle: 120 mg/m2`` over two days for ``dose: 60 mg/m2``) is no
  dose difference. This is the one definition of "a dose changed": ``osdose diff`` exits 1
  on it and ``osdose lint --base`` requires the version to increase on it.
- :func:`field_changes` — every field written differently, with its line in the new file,
  each marked when it is (part of) a dose difference.
- :func:`reference_doses` — the mg per day and per cycle of every drug for each reference
  patient, before and after, by the one dose engine (:func:`osdose.dosing.dose_sheet`); a
  change is a difference of at least 0.01 mg (or IU), as in ``osdose snapshot``.

Drugs are paired by their drug-table name (and, for a drug listed twice, by its order among
the entries of that drug), so that renaming ``DDP`` to ``cisplatin`` or reordering the list
pairs the same drugs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osdose.dose_changes import DRUG_FIELDS, DoseDifference, dose_differences, drug_keys
from osdose.dosing import DoseLine
from osdose.drugs import DrugTable
from osdose.reader import Document
from osdose.regimen import DOSE_FIELDS, Regimen

if TYPE_CHECKING:
    from osdose.snapshot import ReferencePatient

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldChange:
    """One field written differently: ``path`` for people (``drugs[cisplatin].dose``), the
    values as written (JSON values; ``None``: absent), ``line`` in the new file (of the
    nearest field still there, for a removed one), and whether it changes a dose."""

    path: str
    old: Any
    new: Any
    line: int
    dose: bool


@dataclass(frozen=True)
class DoseChange:
    """One drug for one reference patient, before and after (``None``: not in that version);
    unrounded mg (or IU); ``line`` is the drug's dose line in the new file."""

    patient: str
    drug: str
    unit: str
    daily_before: float | None
    daily_after: float | None
    cycle_before: float | None
    cycle_after: float | None
    line: int

    @property
    def daily_percent(self) -> float | None:
        return percent(self.daily_before, self.daily_after)

    @property
    def cycle_percent(self) -> float | None:
        return percent(self.cycle_before, self.cycle_after)


def percent(before: float | None, after: float | None) -> float | None:
    """The change from ``before`` to ``after`` in percent (``None`` when either is absent)."""
    if before is None or after is None or before == 0:
        return None
    return (after - before) / before * 100.0


def changed(before: float | None, after: float | None) -> bool:
    """A dose changed when it appears, disappears, or moves by 0.01 mg (or IU) or more:
    the snapshot's rounding, below which no one could give a different amount."""
    if before is None or after is None:
        return before is not after
    return round(before, 2) != round(after, 2)


# -- what the dose engine reads, compared by meaning -------------------------------------


@dataclass(frozen=True)
class Version:
    """One version of a regimen file: its parsed document, validated model (as JSON
    values), and checked regimen."""

    doc: Document
    data: dict[str, Any]
    regimen: Regimen


def _walk(a: Any, b: Any, at: Where, shown: str) -> Iterator[tuple[Where, str, Any, Any]]:
    """(document path, path for people, old, new) of every value that differs, mappings
    compared key by key, anything else whole."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in dict.fromkeys([*b, *a]):  # the new file's order, then what it removed
            yield from _walk(a.get(k), b.get(k), (*at, k), f"{shown}.{k}" if shown else str(k))
    elif a != b:
        yield at, shown, a, b


def field_changes(
    old: Version, new: Version, differences: tuple[DoseDifference, ...]
) -> tuple[FieldChange, ...]:
    """Every field of ``new`` written differently from ``old``, in the new file's order
    (removed ones after), each marked when it is part of a ``differences`` entry."""
    dosed = {(d.subject, d.what) for d in differences}
    found: list[tuple[Where, str, Any, Any, bool]] = []
    top_a = {k: v for k, v in old.data.items() if k != "drugs"}
    top_b = {k: v for k, v in new.data.items() if k != "drugs"}
    for at, shown, a, b in _walk(top_a, top_b, (), ""):
        top = str(at[0])
        drug_rules = top == "paediatric" and any(w == "paediatric" for _, w in dosed)
        found.append((at, shown, a, b, ("regimen", top) in dosed or drug_rules))
    keys_a = drug_keys(tuple(d.drug for d in old.regimen.drugs))
    keys_b = drug_keys(tuple(d.drug for d in new.regimen.drugs))
    entries_a = dict(zip(keys_a, old.data["drugs"], strict=True))
    index_b = {k: i for i, k in enumerate(keys_b)}
    for key in dict.fromkeys([*keys_b, *keys_a]):
        a, b = entries_a.get(key), new.data["drugs"][index_b[key]] if key in index_b else None
        where: Where = ("drugs", index_b[key]) if key in index_b else ("drugs",)
        if a is None or b is None:
            found.append((where, f"drugs[{key}]", a, b, True))
            continue
        for k in dict.fromkeys([*b, *a]):  # the new entry's order, then what it removed
            for at, shown, x, y in _walk(a.get(k), b.get(k), (*where, k), f"drugs[{key}].{k}"):
                meaning = DRUG_FIELDS.get(k)
                found.append((at, shown, x, y, meaning is not None and (key, meaning) in dosed))
    return tuple(FieldChange(shown, a, b, _line(new.doc, at), d) for at, shown, a, b, d in found)


def _line(doc: Document, at: Where) -> int:
    """The line of the value at ``at`` in ``doc``, or of the nearest field still there."""
    return doc.key_where(at).line if doc.has_key(at) else doc.where(at).line


# -- what the reference patients are given -----------------------------------------------


def reference_doses(
    old: Version, new: Version, patients: tuple[ReferencePatient, ...]
) -> tuple[DoseChange, ...]:
    """Each reference patient's doses of every drug that changes by 0.01 mg (or IU) or more,
    before and after, by the one dose engine."""
    from osdose.snapshot import patient_lines

    keys_b = drug_keys(tuple(d.drug for d in new.regimen.drugs))
    lines = {k: _line(new.doc, ("drugs", i, _dose_key(new.data["drugs"][i])))
             for i, k in enumerate(keys_b)}  # fmt: skip
    drugs_line = _line(new.doc, ("drugs",))
    out = []
    for p in patients:
        before = _keyed(patient_lines(old.regimen, p))
        after = _keyed(patient_lines(new.regimen, p))
        for key in dict.fromkeys([*after, *before]):
            a, b = before.get(key), after.get(key)
            present = b if b is not None else a
            assert present is not None  # the key comes from one of the two
            unit = f"{a.unit} → {b.unit}" if a and b and a.unit != b.unit else present.unit
            change = DoseChange(
                p.id,
                key,
                unit,
                a.daily if a else None,
                b.daily if b else None,
                a.cycle if a else None,
                b.cycle if b else None,
                lines.get(key, drugs_line),
            )
            if (
                changed(change.daily_before, change.daily_after)
                or changed(change.cycle_before, change.cycle_after)
                or (a is not None and b is not None and a.unit != b.unit)
            ):
                out.append(change)
    return tuple(out)


def _dose_key(entry: dict[str, Any]) -> str:
    return next((k for k in DOSE_FIELDS if k in entry), "drug")


def _keyed(lines: tuple[DoseLine, ...]) -> dict[str, DoseLine]:
    return dict(zip(drug_keys(tuple(x.drug for x in lines)), lines, strict=True))


# -- the whole comparison ----------------------------------------------------------------


@dataclass(frozen=True)
class LifeCycleProblem:
    """What :func:`osdose.governance.review` says of the new version's ``field``
    (``version`` or ``approved``), at its ``line`` in the new file (``name``'s when absent)."""

    field: str
    line: int
    message: str


@dataclass(frozen=True)
class RegimenDiff:
    """Two versions of a regimen compared: the dose differences (by meaning), every field
    change, each reference patient's changed doses, and what the life-cycle rules say of
    the new version (:func:`osdose.governance.review`)."""

    old: Regimen
    new: Regimen
    patients_file: str
    patients: tuple[str, ...]
    differences: tuple[DoseDifference, ...]
    fields: tuple[FieldChange, ...]
    doses: tuple[DoseChange, ...]
    review: tuple[LifeCycleProblem, ...]

    @property
    def dose_changed(self) -> bool:
        return bool(self.differences or self.doses)


def read_version(path: str | Path, table: DrugTable) -> Version:
    """A regimen file as the loader reads it: refused when lint refuses it."""
    from osdose.documents import validate
    from osdose.formats.regimen import RegimenFile
    from osdose.library import checked
    from osdose.reader import parse_text, read_text
    from osdose.shipped import shipped_text

    display = str(path) if str(path).startswith("osdose:") else Path(path).as_posix()
    shipped = shipped_text(display)
    text = shipped if shipped is not None else read_text(path)
    regimen = checked(text, display, table)
    doc = parse_text(text, display)
    model = validate(doc, RegimenFile, "a regimen file")
    return Version(doc, model.model_dump(mode="json", exclude_unset=True), regimen)


def compare(
    old_path: str | Path,
    new_path: str | Path,
    patients_path: str | Path,
    table: DrugTable | None = None,
    patients_label: str | None = None,
) -> RegimenDiff:
    """``old_path`` and ``new_path`` compared (see :class:`RegimenDiff`); ``patients_label``
    names the patients file in the result (its path when not given)."""
    from osdose.drugs import load_drugs
    from osdose.governance import review
    from osdose.snapshot import load_patients

    drugs = table or load_drugs()
    patients = load_patients(patients_path)
    old, new = read_version(old_path, drugs), read_version(new_path, drugs)
    differences = dose_differences(old.regimen, new.regimen)
    doses = reference_doses(old, new, patients)
    return RegimenDiff(
        old.regimen,
        new.regimen,
        patients_label or Path(patients_path).as_posix(),
        tuple(p.id for p in patients),
        differences,
        field_changes(old, new, differences),
        doses,
        tuple(
            LifeCycleProblem(f, _line(new.doc, (f,) if f in new.data else ("name",)), message)
            for f, message in review(old.regimen, new.regimen, differences, old.regimen.path)
        ),
    )
