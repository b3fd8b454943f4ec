"""Ledger records and the hash chain that makes tampering evident.

A record's hash is SHA-256 over its canonical content: a JSON object of every field but
the hash itself (the previous record's hash included), keys sorted, no spaces, floats in
Python's shortest round-trip form. It is defined here, not by a backend, so any store that
keeps the fields keeps the chain verifiable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Literal

from osdose.errors import OsdoseError

Kind = Literal["administration", "void"]
GENESIS = "0" * 64  # the "previous hash" of the first record


class LedgerError(OsdoseError):
    """A ledger that cannot be used as asked: missing, newer schema, an invalid void …"""


@dataclass(frozen=True)
class NewRecord:
    """What a caller appends; the store adds id, recorded_at, prev_hash and hash.

    An administration carries the :class:`~osdose.course.Administration` fields; a void
    names the record it voids (``voids``) and why (``reason``).
    """

    kind: Kind
    patient: str
    recorded_by: str
    date: dt.date | None = None
    drug: str | None = None
    unit: str | None = None
    dose: float | None = None
    dose_per_m2: float | None = None
    bsa_m2: float | None = None
    regimen: str | None = None
    cycle: int | None = None
    day: int | None = None
    dose_percent: float | None = None
    voids: int | None = None
    reason: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Record(NewRecord):
    """A stored record. ``id`` is unique and never reused; ``recorded_at`` is UTC."""

    id: int = 0
    recorded_at: str = ""
    prev_hash: str = GENESIS
    hash: str = ""


_FLOATS = ("dose", "dose_per_m2", "bsa_m2", "dose_percent")
# dataclasses.asdict deep-copies every value; these flat records need only getattr
NEW_FIELDS = tuple(f.name for f in fields(NewRecord))


def canonical(record: NewRecord, record_id: int, recorded_at: str, prev_hash: str) -> bytes:
    """The bytes the hash is computed over (every field but ``hash``)."""
    content: dict[str, Any] = {k: getattr(record, k) for k in NEW_FIELDS}
    for k in _FLOATS:
        if content[k] is not None:
            content[k] = float(content[k])  # 74 and 74.0 must hash alike
    if content["date"] is not None:
        content["date"] = content["date"].isoformat()
    content.update(id=record_id, recorded_at=recorded_at, prev_hash=prev_hash)
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def record_hash(record: NewRecord, record_id: int, recorded_at: str, prev_hash: str) -> str:
    return hashlib.sha256(canonical(record, record_id, recorded_at, prev_hash)).hexdigest()


def seal(record: NewRecord, record_id: int, recorded_at: str, prev_hash: str) -> Record:
    """The stored form of ``record``: with its id, time, previous hash and own hash."""
    return Record(
        **{k: getattr(record, k) for k in NEW_FIELDS},
        id=record_id,
        recorded_at=recorded_at,
        prev_hash=prev_hash,
        hash=record_hash(record, record_id, recorded_at, prev_hash),
    )


@dataclass(frozen=True)
class Break:
    """Where the chain breaks: the first record that does not verify, and why."""

    record_id: int
    problem: str


def verify_chain(records: Iterable[Record]) -> tuple[int, str, Break | None]:
    """Walk ``records`` in id order: (how many verified, the head hash, the first break)."""
    prev = GENESIS
    last_id = 0
    n = 0
    for r in records:
        if r.id <= last_id:
            return n, prev, Break(r.id, f"id {r.id} is not after id {last_id}")
        if r.prev_hash != prev:
            return (
                n,
                prev,
                Break(
                    r.id,
                    "its previous hash does not match the record before it "
                    "(a record before it was removed, inserted or changed)",
                ),
            )
        if record_hash(r, r.id, r.recorded_at, r.prev_hash) != r.hash:
            return n, prev, Break(r.id, "its content does not match its hash (it was changed)")
        prev, last_id, n = r.hash, r.id, n + 1
    return n, prev, None


def now_utc() -> str:
    """The time a record is written, UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
