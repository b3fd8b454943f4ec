"""What the ledger commands do, usable from Python: record, void, verify, list.

Each function takes an open :class:`~osdose.ledger.store.LedgerStore` and returns data;
nothing here prints. Validation that does not need the ledger happens before anything is
written; the checks that do (void targets, same-day entries, signatures) run inside the
store's write transaction, so a refused command leaves the ledger exactly as it was.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from osdose.course import Administration
from osdose.errors import InputError
from osdose.ledger.check import LedgerCheck, check
from osdose.ledger.entries import checked_name, to_records
from osdose.ledger.pages import DEFAULT_LIMIT, Entry, Page, record_of, signatures_of
from osdose.ledger.records import (
    COLUMNS,
    MEANINGS,
    USUAL_FIELDS,
    LedgerError,
    NewRecord,
    Record,
    Signature,
    StoredDates,
    changed,
    check_id,
    check_values,
    intact,
    row_intact,
    usual,
)
from osdose.ledger.store import LedgerStore

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def record(
    store: LedgerStore,
    administrations: Sequence[Administration],
    patient: str,
    by: str | None = None,
    source: str | None = None,
    allow_same_day: bool = False,
) -> list[Record]:
    """Append ``administrations`` for ``patient`` in one transaction; the stored records.

    ``by``: who records, as the backend allows (SQLite: any name, default the OS user;
    PostgreSQL: only the authenticated role, the default)."""
    checked_name(patient, "patient id")
    if not administrations:
        raise InputError("administrations", "are empty: nothing to record")
    who = store.identity(by)
    return store.append(to_records(administrations, patient, who, source), allow_same_day)


def checked_reason(reason: str) -> str:
    """A void's reason: not empty, and one line of plain text (it is shown in ``list``)."""
    from osdose.fields import FieldError, free_text

    if not reason.strip():
        raise InputError("--reason", "is empty: say why the record is voided")
    if _CONTROL.search(reason):
        raise InputError(
            "--reason", "contains a line break or another control character: write it on one line"
        )
    try:
        return free_text(reason)
    except FieldError as exc:
        raise InputError("--reason", str(exc)) from None


def void(store: LedgerStore, record_id: int, reason: str, by: str | None = None) -> Record:
    """Append a void of record ``record_id``; the void record."""
    check_id(record_id)
    checked_reason(reason)
    who = store.identity(by)
    # the store fills in the patient of the record it voids, inside its transaction
    new = NewRecord(kind="void", patient="", recorded_by=who, voids=record_id, reason=reason)
    return store.append([new])[0]


def verify_record(
    store: LedgerStore, record_id: int, meaning: str = "verified", by: str | None = None
) -> Signature:
    """Put a second signature on record ``record_id``: someone other than its recorder
    checked it. Bound to the record's hash; the signature as stored."""
    check_id(record_id)
    if meaning not in MEANINGS:
        raise InputError("--meaning", f"must be one of {', '.join(MEANINGS)}, got {meaning!r}")
    return store.sign(record_id, meaning, store.identity(by))


@dataclass(frozen=True)
class Listed:
    """A record with the id of the void that voids it (``None`` while it is in effect)
    and its second signatures."""

    record: Record
    voided_by: int | None
    signatures: tuple[Signature, ...] = ()

    @property
    def in_effect(self) -> bool:
        return self.record.kind == "administration" and self.voided_by is None


def annotate(records: Sequence[Record], signatures: Sequence[Signature] = ()) -> list[Listed]:
    voided = {r.voids: r.id for r in records if r.kind == "void" and r.voids is not None}
    signed: dict[int, list[Signature]] = {}
    for s in signatures:
        signed.setdefault(s.record_id, []).append(s)
    return [Listed(r, voided.get(r.id), tuple(signed.get(r.id, ()))) for r in records]


def read_back(r: Record, location: str) -> Record:
    """``r`` if its numbers are ones the ledger can hold: what was appended was checked, but
    what is read may have been changed since (outside osdose)."""
    try:
        check_values(r)
    except LedgerError as exc:
        raise LedgerError(
            f"ledger {location}: record {r.id}: {exc}; it was changed outside osdose "
            "(run osdose ledger check)"
        ) from None
    return r


def as_recorded(r: Record, location: str) -> Record:
    """``r`` if it is read back (:func:`read_back`) and still matches its own hash
    (:func:`~osdose.ledger.records.intact`): a dose, date or drug changed by hand in the
    database, its hash not recomputed, would change every total summed from it, and
    nothing else would show it until the next ``ledger check``."""
    read_back(r, location)
    if not intact(r):
        raise changed(r.id, location)
    return r


def check_voids(store: LedgerStore, patient: str) -> None:
    """Every void that bears on ``patient``'s records (:meth:`~osdose.ledger.store.
    LedgerStore.voids`) must be as recorded (:func:`as_recorded`): a void changed by hand
    (retargeted, moved to another patient) would put a record back in effect, or take one
    out, of every total, list and export. (Call it inside the reader's snapshot.)"""
    for v in store.voids(patient):
        as_recorded(v, store.location)


_USUAL_OF = operator.itemgetter(*(COLUMNS.index(c) for c in USUAL_FIELDS))
_DATE = COLUMNS.index("date")


def _read_back_rows(rows: Iterator[Entry], location: str) -> Iterator[Entry]:
    """``rows`` as the database gives them, each checked as :func:`read_back` checks a
    record (:func:`~osdose.ledger.records.usual` on the row itself, at a glance: a
    :class:`Record` is built, and checked field by field, only for a void or to word a
    refusal), and its date as :func:`~osdose.ledger.records.stored_date` reads it; and each
    must still match its own hash (:func:`~osdose.ledger.records.row_intact`), as
    :func:`as_recorded` requires of a record."""
    iso_of = StoredDates(location)  # a date, None, or damage refused
    for entry in rows:
        row = entry[0]
        if not usual(*_USUAL_OF(row)):
            read_back(record_of(row, location), location)
        if not row_intact(row, iso_of(row[_DATE], row[0])):
            raise changed(row[0], location)
        yield entry


def listing(store: LedgerStore, patient: str, include_void: bool = False) -> list[Listed]:
    """A patient's records in id order: the administrations in effect, or every record.
    Each record is read back (:func:`read_back`) and must still match its own hash
    (:func:`~osdose.ledger.records.intact`): the totals of ``cumulative``, ``plan`` and
    ``verify --ledger`` are summed from these."""
    checked_name(patient, "patient id")
    with store.snapshot():
        records = list(store.records(patient))
        signatures = list(store.signatures(patient))
        voids = list(store.voids(patient))
    if not records:
        raise LedgerError(f"unknown patient {patient!r}: no records in ledger {store.location}")
    # and any void naming one of these records under another patient (the patient's own
    # voids are among its records)
    for r in (*records, *(v for v in voids if v.patient != patient)):
        as_recorded(r, store.location)
    listed = annotate(records, signatures)
    return listed if include_void else [x for x in listed if x.in_effect]


@dataclass(frozen=True)
class Shown:
    """A page of a patient's records (:class:`~osdose.ledger.pages.Page`): how many
    records match (``total``, the limit aside) and the page's records, streamed (read them
    inside the store's :meth:`~osdose.ledger.store.LedgerStore.snapshot`), once."""

    page: Page
    total: int
    rows: Iterator[Entry]  # as the database gives them (the JSON writer reads these)
    location: str

    def items(self) -> Iterator[Listed]:
        """The page's records."""
        for row, voided_by, sigs in self.rows:
            yield Listed(record_of(row, self.location), voided_by, signatures_of(sigs))

    @property
    def shown(self) -> int:
        """How many records the page holds."""
        return self.total if self.page.limit is None else min(self.total, self.page.limit)


def page(store: LedgerStore, which: Page) -> Shown:
    """A page of ``which.patient``'s records, sorted by date then id (call it inside
    ``store.snapshot()`` and read the items there: the count and the rows are then one
    state of the ledger). An unknown patient is an error; a known patient with nothing
    in the page is an empty page."""
    checked_name(which.patient, "patient id")
    if which.limit is not None and which.limit < 1:
        raise InputError("--limit", f"must be a whole number of records from 1, got {which.limit}")
    total = store.count(which)
    if not total and next(store.records(which.patient), None) is None:
        raise LedgerError(
            f"unknown patient {which.patient!r}: no records in ledger {store.location}"
        )
    check_voids(store, which.patient)  # what leaves records out of the page
    # streamed: a record changed outside osdose stops the listing where it is met
    return Shown(which, total, _read_back_rows(store.page(which), store.location), store.location)


__all__ = [
    "DEFAULT_LIMIT",
    "LedgerCheck",
    "Listed",
    "Page",
    "Shown",
    "annotate",
    "check",
    "listing",
    "page",
    "record",
    "verify_record",
    "void",
]
