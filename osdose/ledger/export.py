"""A patient's administrations in effect, written as a course file that
:func:`osdose.course.load_course` reads back to the same administrations.

Each administration becomes a single-drug entry with the BSA of its day, its dose written
per m² or as the amount given, whichever reads back to the same pair of numbers. The ledger
record id, regimen, cycle and day, and both signatures (who recorded it, who verified it,
when) go in the entry's ``notes`` (a course entry for one drug has no fields for them).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osdose.basis import parse_basis
from osdose.course import Administration
from osdose.ledger.records import StoredDates, changed, row_intact, usual
from osdose.render.json_text import cached_number

_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes

if TYPE_CHECKING:
    from osdose.drugs import DrugTable
    from osdose.ledger.actions import Listed
    from osdose.ledger.pages import Entry
    from osdose.ledger.store import LedgerStore


def _near(value: float, steps: int = 8) -> Iterator[float]:
    """``value``, then its neighbours a unit in the last place further each time (lazily:
    the value itself almost always reads back)."""
    yield value
    up = down = value
    for _ in range(steps):
        up, down = math.nextafter(up, math.inf), math.nextafter(down, -math.inf)
        yield up
        yield down


def _reads_back(
    text: str,
    dose: float | None,
    per_m2_dose: float | None,
    bsa: float | None,
    per_m2: bool,
    same_unit: float | None,
) -> bool:
    """Whether the course reader turns ``text`` (with the day's ``bsa``) into ``dose`` and
    ``per_m2_dose``: per m², amount = value × BSA; an amount, per m² = value ÷ BSA (as
    ``osdose.course``). ``same_unit``: the number written, when ``text`` is in the record's
    own unit, which the reader returns exactly as written (:meth:`osdose.units.Quantity.to`):
    no parse then."""
    value = same_unit if same_unit is not None else parse_basis(text).amount
    pair: tuple[float | None, float | None]
    if per_m2:
        pair = (value * bsa if bsa is not None else None, value)
    else:
        pair = (value, value / bsa if bsa is not None else None)
    return pair == (dose, per_m2_dose)


def dose_text(a: Administration) -> str:
    """The dose as course-file text that reads back to exactly ``a.dose`` and
    ``a.dose_per_m2``.

    The reader converts mg through grams (× 1e-3, then × 1e3), which can move a float by a
    unit in the last place, so the neighbours of each spelling (in mg, then in g) are tried.
    The form the record was most likely written in comes first. If none reads back exactly
    (not seen in testing), the plain amount is written: off by at most a last place.
    """
    return _dose_text(a.dose, a.dose_per_m2, a.bsa_m2, a.unit)


def _dose_text(dose: float | None, per_m2_dose: float | None, bsa: float | None, unit: str) -> str:
    if dose is not None and per_m2_dose is not None and bsa is not None:
        # the first spelling tried below, when it reads back (almost always), without the
        # search: per m² when the amount is per m² × BSA (it reads back by that very
        # product), else the amount when amount ÷ BSA is the per m² recorded
        if dose == per_m2_dose * bsa:
            return f"{cached_number(per_m2_dose * 1.0)} {unit}/m2"
        if dose / bsa == per_m2_dose:
            return f"{cached_number(dose * 1.0)} {unit}"
    forms: list[tuple[float, bool]] = []
    if per_m2_dose is not None:
        forms.append((per_m2_dose, True))
    if dose is not None:
        recorded_per_m2 = bsa is not None and dose == (per_m2_dose or 0) * bsa
        forms.insert(0 if not recorded_per_m2 else len(forms), (dose, False))
    units = ((unit, 1.0), ("g", 1e-3)) if unit == "mg" else ((unit, 1.0),)
    for value, per_m2 in forms:
        for in_unit, scale in units:
            for c in _near(value * scale):
                text = f"{c!r} {in_unit}{'/m2' if per_m2 else ''}"
                if _reads_back(text, dose, per_m2_dose, bsa, per_m2, c if scale == 1.0 else None):
                    return text
    value, per_m2 = forms[0]
    return f"{value!r} {unit}{'/m2' if per_m2 else ''}"


def signatures_note(item: Listed) -> str:
    """Both signatures of a record, for its entry's notes."""
    r = item.record
    parts = [f"recorded by {r.recorded_by} at {r.recorded_at}"]
    parts += [f"{s.meaning} by {s.signed_by} at {s.signed_at}" for s in item.signatures]
    return "; ".join(parts)


def entry(a: Administration, record_id: int, signed: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"date": a.date, "drug": a.drug, "dose": dose_text(a)}
    if a.bsa_m2 is not None:
        out["bsa"] = a.bsa_m2
    notes = [f"ledger record {record_id}"]
    if a.regimen:
        cycle = f" cycle {a.cycle}" if a.cycle is not None else ""
        day = f" day {a.day}" if a.day is not None else ""
        pct = f" at {a.dose_percent:g}%" if a.dose_percent != 100 else ""
        notes.append(f"{a.regimen}{cycle}{day}{pct}")
    if signed:
        notes.append(signed)
    out["notes"] = "; ".join(notes)
    return out


def course_text(
    patient: str,
    administrations: Sequence[tuple[Administration, int]],
    header: str,
    signed: Mapping[int, str] | None = None,
) -> str:
    """The course file: ``header`` as comment lines, then patient and administrations
    (``signed``: the signatures note of each record id)."""
    return "".join(course_chunks(patient, administrations, header, signed))


def course_chunks(
    patient: str,
    administrations: Iterable[tuple[Administration, int]],
    header: str,
    signed: Mapping[int, str] | None = None,
) -> Iterator[str]:
    """:func:`course_text` in pieces of at most a thousand entries, to write as they come.

    The text is what ``yaml.safe_dump`` writes for the document, byte for byte (a test
    compares them): each entry is written by :func:`osdose.ledger.yaml_out.entry_text`
    when every value in it is a scalar that emitter knows, else by PyYAML."""
    from osdose.ledger.yaml_out import entry_text, mapping_text

    notes = signed if signed is not None else {}
    yield "".join(f"# {line}\n" for line in header.splitlines())
    yield mapping_text("patient", {"id": patient})
    entries = (entry_text(entry(a, i, notes.get(i, ""))) for a, i in administrations)
    first = next(entries, None)
    if first is None:
        yield "administrations: []\n"
        return
    yield from _in_pieces(itertools.chain(["administrations:\n", first], entries))


def jsonl_chunks(
    patient: str,
    administrations: Iterable[tuple[Administration, int]],
    header: str,
    signed: Mapping[int, str] | None = None,
) -> Iterator[str]:
    """The course file in JSON Lines (:mod:`osdose.course_jsonl`): the patient (``header``
    in its notes) on line 1, then an administration a line, in pieces."""
    from osdose.course_jsonl import entry_line, header_line

    notes = signed if signed is not None else {}
    yield header_line({"id": patient, "notes": " ".join(header.splitlines())})
    yield from _in_pieces(entry_line(entry(a, i, notes.get(i, ""))) for a, i in administrations)


def _in_pieces(lines: Iterable[str], size: int = 1000) -> Iterator[str]:
    """``lines`` joined ``size`` at a time, to write as they come."""
    it = iter(lines)
    while piece := list(itertools.islice(it, size)):
        yield "".join(piece)


@dataclass(frozen=True)
class Exported:
    """A patient's course as text to write: how many administrations, and the text in
    pieces (produced as they are read: write them inside the store's ``with``)."""

    count: int
    chunks: Iterator[str]


FORMATS = {"yaml": course_chunks, "jsonl": jsonl_chunks}


def export_chunks(
    store: LedgerStore, patient: str, drugs: DrugTable, at: str, fmt: str = "yaml"
) -> Exported:
    """``patient``'s administrations in effect in ``store`` as a course file in ``fmt``
    (``yaml`` or ``jsonl``), exported at ``at``, in id order (the order totals are summed
    in, so a total from the file equals the ledger's to the last bit).

    Streamed: the database counts the records in effect, then gives them one at a time
    with their signatures. Call it, and write the chunks, inside ``store.snapshot()``:
    both then read one state of the ledger."""
    from osdose.ledger.actions import Listed, as_recorded, check_voids
    from osdose.ledger.entries import checked_name
    from osdose.ledger.history import administration
    from osdose.ledger.pages import Page, record_of, signatures_of
    from osdose.ledger.records import LedgerError

    checked_name(patient, "patient id")
    which = Page(patient, limit=None, by_id=True)
    count = store.count(which)
    if not count and next(store.records(patient), None) is None:
        raise LedgerError(f"unknown patient {patient!r}: no records in ledger {store.location}")
    check_voids(store, patient)  # what leaves records out of the export
    where = store.location
    header = (
        f"Course of {patient} exported from the osdose ledger {where} at {at}:\n"
        f"{count} administrations in effect (voided records left out); who recorded and "
        "who verified each is in its notes."
    )
    if fmt == "jsonl":
        return Exported(count, _jsonl_rows(store.page(which), patient, header, drugs, where))
    notes: dict[int, str] = {}

    def in_effect() -> Iterator[tuple[Administration, int]]:
        for row, _, sigs in store.page(which):
            item = Listed(as_recorded(record_of(row, where), where), None, signatures_of(sigs))
            notes.clear()  # the entry before was written before this one was asked for
            notes[item.record.id] = signatures_note(item)
            yield administration(item, drugs, where), item.record.id

    # the note of each record is put in as it streams, just before its entry is written
    return Exported(count, FORMATS[fmt](patient, in_effect(), header, notes))


def _jsonl_rows(
    rows: Iterator[Entry],
    patient: str,
    header: str,
    drugs: DrugTable,
    where: str,
) -> Iterator[str]:
    """:func:`jsonl_chunks` of the rows of the records in effect, as the database gives
    them: the same text (a test compares them), each usual row written straight from its
    values (a million records are a million lines: a :class:`Record`, an
    :class:`Administration` and a ``json.dumps`` each were most of the time).

    A usual row is checked as :func:`~osdose.ledger.actions.as_recorded` checks a record
    (:func:`~osdose.ledger.records.usual`: what ``check_values`` accepts at a glance, and
    :func:`~osdose.ledger.records.row_intact`: its own hash) and as
    :func:`~osdose.ledger.history.administration` does (a date, a drug in the table, a
    unit); any other row takes that path itself, which refuses it or writes it."""
    from osdose.course_jsonl import header_line

    yield header_line({"id": patient, "notes": " ".join(header.splitlines())})
    names: dict[str, str] = {}  # a drug as recorded -> its name in the table, as JSON
    iso_of = StoredDates(where)
    chunk: list[str] = []
    for e in rows:
        row, _, sigs = e
        (
            rid, _, _, day, drug, unit, dose, per_m2, bsa, regimen, cycle, cycle_day, percent,
            voids, _, _, recorded_at, recorded_by, _, _,
        ) = row  # fmt: skip
        iso = iso_of(day, rid)  # (None: a void, never in effect; the long path words it)
        if (
            not usual(dose, per_m2, bsa, percent, cycle, cycle_day, voids)
            or unit is None
            or type(drug) is not str
            or iso is None
        ):
            chunk.append(_slow_line(e, drugs, where))
        elif not row_intact(row, iso):
            raise changed(rid, where)
        else:
            name = names.get(drug)
            if name is None:  # an unknown drug is refused as administration() refuses it
                name = names[drug] = _string(drugs.resolve(drug, f"ledger record {rid}").name)
            notes = f"ledger record {rid}"
            if regimen:
                pct = percent if percent is not None else 100.0
                notes += (
                    f"; {regimen}{f' cycle {cycle}' if cycle is not None else ''}"
                    f"{f' day {cycle_day}' if cycle_day is not None else ''}"
                    f"{f' at {pct:g}%' if pct != 100 else ''}"
                )
            notes += f"; recorded by {recorded_by} at {recorded_at}"
            for _, _, _, meaning, signed_at, signed_by, _, _ in sigs:  # SIGNATURE_COLUMNS
                notes += f"; {meaning} by {signed_by} at {signed_at}"
            text = _string(_dose_text(dose, per_m2, bsa, unit))
            if bsa is None:
                chunk.append(
                    f'{{"date": "{iso}", "drug": {name}, "dose": {text}, '
                    f'"notes": {_string(notes)}}}\n'
                )
            else:
                chunk.append(
                    f'{{"date": "{iso}", "drug": {name}, "dose": {text}, '
                    f'"bsa": {cached_number(bsa)}, "notes": {_string(notes)}}}\n'
                )
        if len(chunk) >= 1000:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _slow_line(e: Entry, drugs: DrugTable, where: str) -> str:
    """One record's line the long way (a Record, its checks, an Administration, json)."""
    from osdose.course_jsonl import entry_line
    from osdose.ledger.actions import Listed, as_recorded
    from osdose.ledger.history import administration
    from osdose.ledger.pages import record_of, signatures_of

    row, _, sigs = e
    item = Listed(as_recorded(record_of(row, where), where), None, signatures_of(sigs))
    a = administration(item, drugs, where)
    return entry_line(entry(a, item.record.id, signatures_note(item)))
