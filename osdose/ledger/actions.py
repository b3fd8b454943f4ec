"""What the ledger commands do, usable from Python: record, void, list, check.

Each function takes an open :class:`~osdose.ledger.store.LedgerStore` and returns data;
nothing here prints. Validation that does not need the ledger happens before anything is
written; the checks that do (void targets, same-day entries) run inside the store's write
transaction, so a refused command leaves the ledger exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from osdose.course import Administration
from osdose.errors import InputError
from osdose.ledger.entries import checked_name, to_records
from osdose.ledger.records import Break, LedgerError, NewRecord, Record, verify_chain
from osdose.ledger.store import LedgerStore


def record(
    store: LedgerStore,
    administrations: Sequence[Administration],
    patient: str,
    by: str,
    source: str | None = None,
    allow_same_day: bool = False,
) -> list[Record]:
    """Append ``administrations`` for ``patient`` in one transaction; the stored records."""
    checked_name(patient, "patient id")
    if not administrations:
        raise InputError("administrations", "are empty: nothing to record")
    return store.append(to_records(administrations, patient, by, source), allow_same_day)


def void(store: LedgerStore, record_id: int, reason: str, by: str) -> Record:
    """Append a void of record ``record_id``; the void record."""
    if not reason.strip():
        raise InputError("--reason", "is empty: say why the record is voided")
    # the store fills in the patient of the record it voids, inside its transaction
    new = NewRecord(kind="void", patient="", recorded_by=by, voids=record_id, reason=reason)
    return store.append([new])[0]


@dataclass(frozen=True)
class Listed:
    """A record with the id of the void that voids it (``None`` while it is in effect)."""

    record: Record
    voided_by: int | None

    @property
    def in_effect(self) -> bool:
        return self.record.kind == "administration" and self.voided_by is None


def annotate(records: Sequence[Record]) -> list[Listed]:
    voided = {r.voids: r.id for r in records if r.kind == "void" and r.voids is not None}
    return [Listed(r, voided.get(r.id)) for r in records]


def listing(store: LedgerStore, patient: str, include_void: bool = False) -> list[Listed]:
    """A patient's records in id order: the administrations in effect, or every record."""
    checked_name(patient, "patient id")
    records = store.records(patient)
    if not records:
        raise LedgerError(f"unknown patient {patient!r}: no records in ledger {store.location}")
    listed = annotate(records)
    return listed if include_void else [x for x in listed if x.in_effect]


@dataclass(frozen=True)
class CheckResult:
    """``ledger check``: records verified, the head hash, the first break, storage problems."""

    location: str
    records: int
    verified: int
    head: str
    chain_break: Break | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.chain_break is None and not self.problems


def check(store: LedgerStore) -> CheckResult:
    """Verify the hash chain of every record and the database's own integrity."""
    problems = tuple(store.integrity())
    records = store.records()
    verified, head, broken = verify_chain(records)
    return CheckResult(store.location, len(records), verified, head, broken, problems)
