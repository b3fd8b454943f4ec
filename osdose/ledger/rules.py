"""The rules every backend applies inside its write transaction, before appending.

A backend serialises its writers, then asks these rules about the records to append with
a :class:`Lookup` of what is already stored: the same checks and the same messages on
SQLite and PostgreSQL, whatever the backend's query language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from osdose.ledger.records import LedgerError, NewRecord, Record, changed, check_values, intact

Key = tuple[str, str, dt.date]  # patient, drug, date


class Lookup(Protocol):
    """What the rules need to know of the stored records (read inside the transaction)."""

    location: str

    def get(self, record_id: int) -> Record | None: ...

    def voided_by(self, record_id: int) -> int | None:
        """The id of the void that voids ``record_id``, if any."""
        ...

    def same_day(self, keys: Sequence[Key]) -> dict[Key, int]:
        """For each key, the lowest id of an administration in effect with it."""
        ...


def key_of(r: NewRecord) -> Key | None:
    if r.kind != "administration" or r.date is None or r.drug is None:
        return None
    return (r.patient, r.drug, r.date)


def checked_batch(
    records: Sequence[NewRecord], lookup: Lookup, first_id: int, allow_same_day: bool
) -> list[NewRecord]:
    """``records`` as they will be appended with ids from ``first_id``; raises
    :class:`LedgerError` on the first one that breaks a rule (nothing is written then)."""
    keys = [] if allow_same_day else [k for k in map(key_of, records) if k is not None]
    stored = lookup.same_day(sorted(set(keys))) if keys else {}
    batch: dict[int, NewRecord] = {}  # the records of this batch, by the id they will get
    batch_same_day: dict[Key, int] = {}
    voided_here: dict[int, int] = {}  # record id -> id of the void in this batch
    out = []
    for offset, new in enumerate(records):
        record_id = first_id + offset
        check_values(new)
        if new.kind == "void":
            new = _checked_void(new, lookup, batch, voided_here)
            assert new.voids is not None
            voided_here[new.voids] = record_id
        elif not allow_same_day and (key := key_of(new)) is not None:
            same = [
                i
                for i in (stored.get(key), batch_same_day.get(key))
                if i is not None and i not in voided_here
            ]
            if same:
                raise LedgerError(
                    f"patient {new.patient} already has {new.drug} on {new.date} (record "
                    f"{min(same)}): void that record if it is wrong, or allow a second "
                    "administration on the same day (--allow-same-day)"
                )
            batch_same_day.setdefault(key, record_id)
        batch[record_id] = new
        out.append(new)
    return out


def _checked_void(
    new: NewRecord, lookup: Lookup, batch: dict[int, NewRecord], voided_here: dict[int, int]
) -> NewRecord:
    if new.voids is None:
        raise LedgerError("a void must name the record it voids")
    target: NewRecord | None = batch.get(new.voids) or lookup.get(new.voids)
    if target is None:
        raise LedgerError(f"record {new.voids} does not exist in ledger {lookup.location}")
    if target.kind == "void":
        raise LedgerError(
            f"record {new.voids} is a void (of record {target.voids}); a void cannot be "
            "voided: record the administration again if it was given"
        )
    done = voided_here.get(new.voids) or lookup.voided_by(new.voids)
    if done:
        raise LedgerError(f"record {new.voids} is already voided by record {done}")
    if new.patient and new.patient != target.patient:
        raise LedgerError(
            f"record {new.voids} belongs to patient {target.patient}, not {new.patient}"
        )
    if not (new.reason or "").strip():
        raise LedgerError("a void needs a reason")
    return replace(new, patient=target.patient)


def check_signable(
    target: Record | None, record_id: int, signer: str, lookup: Lookup, done: str | None
) -> Record:
    """The record a second signature may be put on: it exists, still matches its own hash,
    is in effect, was recorded by someone else, and carries no signature of that meaning
    yet (``done``: who made it)."""
    if target is None:
        raise LedgerError(f"record {record_id} does not exist in ledger {lookup.location}")
    if not intact(target):  # a signature would vouch for content that was changed since
        raise changed(record_id, lookup.location)
    voided = lookup.voided_by(record_id) if target.kind == "administration" else None
    if voided:
        raise LedgerError(f"record {record_id} is voided by record {voided}: nothing to verify")
    if target.recorded_by == signer:
        raise LedgerError(
            f"record {record_id} was recorded by {signer}: a record is verified by someone "
            "other than the person who recorded it"
        )
    if done is not None:
        raise LedgerError(f"record {record_id} is already verified by {done}")
    return target
