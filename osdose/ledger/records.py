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
import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Literal

from osdose.errors import OsdoseError, shown

Kind = Literal["administration", "void"]
GENESIS = "0" * 64  # the "previous hash" of the first record


MAX_ID = 2**63 - 1  # ids are 64-bit signed integers in SQLite and PostgreSQL alike
MEANINGS = ("verified",)  # what a second signature may mean (a schema step adds more)


class LedgerError(OsdoseError):
    """A ledger that cannot be used as asked: missing, newer schema, an invalid void …"""


class LedgerDamaged(LedgerError):
    """The ledger is there but damaged (empty, truncated, unreadable pages): evidence of
    loss, which ``ledger check`` reports with exit 1 rather than refusing with exit 2."""


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


@dataclass(frozen=True)
class Appended:
    """What :meth:`~osdose.ledger.store.LedgerStore.append_all` appended: ids ``first`` to
    ``last`` (given in order in one transaction: none when ``last < first``), and the hash
    of the last (the new head)."""

    first: int
    last: int
    head: str

    @property
    def count(self) -> int:
        return max(0, self.last - self.first + 1)

    @property
    def ids(self) -> range:
        return range(self.first, self.last + 1)


# The stored fields, in the order every backend keeps them.
COLUMNS = (
    "id", "kind", "patient", "date", "drug", "unit", "dose", "dose_per_m2", "bsa_m2",
    "regimen", "cycle", "day", "dose_percent", "voids", "reason", "source", "recorded_at",
    "recorded_by", "prev_hash", "hash",
)  # fmt: skip
SIGNATURE_COLUMNS = (
    "id", "record_id", "record_hash", "meaning", "signed_at", "signed_by", "prev_hash", "hash"
)  # fmt: skip
_FLOATS = ("dose", "dose_per_m2", "bsa_m2", "dose_percent")
# The last line of defence behind the parsers: the ranges a stored number must be in,
# whatever reached the store. A dose of 1e9 mg (a tonne) or 1e9 IU is already absurd; the
# bound only keeps infinities, NaN and overflowing sums out of every later total.
MAX_DOSE = 1e9
_RANGES: dict[str, tuple[float, float, str]] = {
    "dose": (0.0, MAX_DOSE, "a dose"),
    "dose_per_m2": (0.0, MAX_DOSE, "a dose per m²"),
    "bsa_m2": (0.0, 10.0, "a BSA in m²"),
    "dose_percent": (0.0, 1000.0, "a dose percent"),
}
RANGES = _RANGES  # also checked on rows read back (osdose.ledger.actions)
_COUNTS = {"cycle": 1_000_000, "day": 1_000_000}
#: The fields :func:`usual` reads, in its order
USUAL_FIELDS = (*_RANGES, *_COUNTS, "voids")
_CHECKED_VALUES = operator.attrgetter(*USUAL_FIELDS)
_DOSE, _PER_M2, _BSA, _PCT = (r[:2] for r in _RANGES.values())  # check_values, at a glance
_CYCLES, _DAYS = _COUNTS.values()
# dataclasses.asdict deep-copies every value; these flat records need only getattr
NEW_FIELDS = tuple(f.name for f in fields(NewRecord))
_NEW_VALUES = operator.attrgetter(*NEW_FIELDS)


def check_id(value: int, field: str = "record id") -> int:
    """An id as the databases can hold it: a whole number from 1 to 2⁶³ − 1."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise LedgerError(f"{field} must be a whole number from 1 to {MAX_ID}, got {shown(value)}")
    return value


def usual(dose: Any, per_m2: Any, bsa: Any, percent: Any, cycle: Any, day: Any, voids: Any) -> bool:
    """Whether :func:`check_values` accepts these values of an administration at a glance:
    floats in range (NaN fails every comparison, infinities are out of range), whole counts
    in range, no void. ``False`` says only that :func:`check_values` must look field by
    field (it accepts an int dose, say, and words any refusal)."""
    return (
        (dose is None or (type(dose) is float and _DOSE[0] < dose <= _DOSE[1]))
        and (per_m2 is None or (type(per_m2) is float and _PER_M2[0] < per_m2 <= _PER_M2[1]))
        and (bsa is None or (type(bsa) is float and _BSA[0] < bsa <= _BSA[1]))
        and (percent is None or (type(percent) is float and _PCT[0] < percent <= _PCT[1]))
        and (cycle is None or (type(cycle) is int and 1 <= cycle <= _CYCLES))
        and (day is None or (type(day) is int and 1 <= day <= _DAYS))
        and voids is None
    )


def check_values(record: NewRecord) -> NewRecord:
    """Refuse a record whose numbers no ledger should hold: NaN, ±inf, a dose of 1e308.

    Every backend calls this inside :meth:`append` before hashing, so a number that slipped
    past a parser is refused here, with nothing written.
    """
    if usual(*_CHECKED_VALUES(record)):
        return record
    for name, (low, high, what) in _RANGES.items():
        value = getattr(record, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LedgerError(f"{name} must be a number, got {shown(value)}")
        if not (math.isfinite(value) and low < value <= high):
            unit = f" {record.unit}" if name == "dose" and record.unit else ""
            raise LedgerError(
                f"{name} {value!r}{unit} is not {what} the ledger can hold: it must be a finite "
                f"number above {low:g} and at most {high:g}; check the value recorded"
            )
    for name, high in _COUNTS.items():
        value = getattr(record, name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high
        ):
            raise LedgerError(
                f"{name} must be a whole number from 1 to {high:,}, got {shown(value)}"
            )
    if record.voids is not None:
        check_id(record.voids, "the record to void")
    return record


# The canonical text, written directly: what ``json.dumps(content, sort_keys=True,
# separators=(",", ":"), ensure_ascii=False, allow_nan=False)`` writes, byte for byte (a
# test compares them on generated records), at a third of its cost (it is paid once per
# record appended and once per record ``ledger check`` walks). A value of a type other
# than the usual ones (a bool, a subclass) is written by ``json.dumps`` itself.
_SORTED = tuple(sorted((*NEW_FIELDS, "id", "recorded_at", "prev_hash")))
_TEXT = "{" + ",".join(f'"{k}":%s' for k in _SORTED) + "}"
assert NEW_FIELDS == (
    "kind", "patient", "recorded_by", "date", "drug", "unit", "dose", "dose_per_m2", "bsa_m2",
    "regimen", "cycle", "day", "dose_percent", "voids", "reason", "source",
), "canonical() unpacks NewRecord's fields in this order"  # fmt: skip
_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) calls
_float_text = float.__repr__
_isfinite = math.isfinite


def _dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _s(value: Any) -> str:
    if value is None:
        return "null"
    return _string(value) if type(value) is str else _dumped(value)


def _i(value: Any) -> str:
    if value is None:
        return "null"
    return int.__repr__(value) if type(value) is int else _dumped(value)


def _f(value: Any) -> str:
    """A float field: 74 and 74.0 must hash alike; NaN and ±inf raise ValueError."""
    if value is None:
        return "null"
    if type(value) is float and _isfinite(value):
        return _float_text(value)
    return _dumped(float(value))


def canonical(record: NewRecord, record_id: int, recorded_at: str, prev_hash: str) -> bytes:
    """The bytes the hash is computed over (every field but ``hash``): a JSON object, keys
    sorted, no spaces, floats in Python's shortest round-trip form."""
    (
        kind, patient, recorded_by, date, drug, unit, dose, dose_per_m2, bsa_m2, regimen,
        cycle, day, dose_percent, voids, reason, source,
    ) = _NEW_VALUES(record)  # fmt: skip
    return _canonical(
        kind, patient, recorded_by, None if date is None else date.isoformat(), drug, unit,
        dose, dose_per_m2, bsa_m2, regimen, cycle, day, dose_percent, voids, reason, source,
        record_id, recorded_at, prev_hash,
    )  # fmt: skip


def _canonical(
    kind: Any, patient: Any, recorded_by: Any, iso_date: str | None, drug: Any, unit: Any,
    dose: Any, dose_per_m2: Any, bsa_m2: Any, regimen: Any, cycle: Any, day: Any,
    dose_percent: Any, voids: Any, reason: Any, source: Any, record_id: Any,
    recorded_at: Any, prev_hash: Any,
) -> bytes:  # fmt: skip
    """:func:`canonical` of a record's values (its date as ``YYYY-MM-DD``): the one writer of
    the hashed text, for a record and for a row read back (:func:`row_intact`)."""
    text = _TEXT % (
        _f(bsa_m2), _i(cycle), "null" if iso_date is None else f'"{iso_date}"', _i(day),
        _f(dose), _f(dose_per_m2), _f(dose_percent), _s(drug), _i(record_id), _s(kind),
        _s(patient), _s(prev_hash), _s(reason), _s(recorded_at), _s(recorded_by), _s(regimen),
        _s(source), _s(unit), _i(voids),
    )  # fmt: skip
    return text.encode("utf-8")


def record_hash(record: NewRecord, record_id: int, recorded_at: str, prev_hash: str) -> str:
    return hashlib.sha256(canonical(record, record_id, recorded_at, prev_hash)).hexdigest()


def seal(record: NewRecord, record_id: int, recorded_at: str, prev_hash: str) -> Record:
    """The stored form of ``record``: with its id, time, previous hash and own hash."""
    # positionally: NewRecord's fields in order, then Record's own
    digest = record_hash(record, record_id, recorded_at, prev_hash)
    values: tuple[Any, ...] = (*_NEW_VALUES(record), record_id, recorded_at, prev_hash, digest)
    return Record(*values)


@dataclass(frozen=True)
class Signature:
    """A second signature on a record: who, when and what it means, bound to the record's
    hash. Signatures have their own chain (``prev_hash``), like records."""

    id: int
    record_id: int
    record_hash: str
    meaning: str
    signed_at: str
    signed_by: str
    prev_hash: str = GENESIS
    hash: str = ""


def signature_hash(s: Signature) -> str:
    """SHA-256 over the signature's canonical JSON (every field but ``hash``)."""
    content = {
        "id": s.id,
        "record_id": s.record_id,
        "record_hash": s.record_hash,
        "meaning": s.meaning,
        "signed_at": s.signed_at,
        "signed_by": s.signed_by,
        "prev_hash": s.prev_hash,
    }
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Signatures whose record is gone, changed since it was signed, or signed by its recorder:
# the same query on every backend (the table names are filled in).
UNBOUND_SIGNATURES = (
    "SELECT s.id, s.record_id, r.id IS NOT NULL, r.hash = s.record_hash, "
    "r.recorded_by = s.signed_by FROM {signatures} s LEFT JOIN {records} r "
    "ON r.id = s.record_id WHERE r.id IS NULL OR r.hash <> s.record_hash "
    "OR r.recorded_by = s.signed_by ORDER BY s.id"
)


def unbound(sig_id: int, record_id: int, exists: bool, same_hash: bool, by_recorder: bool) -> str:
    """The problem of one row of :data:`UNBOUND_SIGNATURES`."""
    if not exists:
        return f"signature {sig_id} names record {record_id}, which does not exist"
    if not same_hash:
        return (
            f"signature {sig_id} does not carry the hash of record {record_id}: the record was "
            "changed after it was verified"
        )
    return f"signature {sig_id} on record {record_id} was made by the record's own recorder"


def lost_tail(table: str, top: int, given: int) -> str:
    """The problem of ids given up to ``given`` with ``top`` the highest left."""
    what = "records" if table == "records" else "signatures"
    first = top + 1
    span = f"{what[:-1]} {first}" if first == given else f"{what} {first} to {given}"
    return (
        f"{span} {'is' if first == given else 'are'} missing: ids up to {given} were given "
        f"but the highest left is {top} (the last {what} were removed)"
    )


def lowered_mark(table: str, top: int, mark: int) -> str:
    """The problem of a high-water mark below the highest id (SQLite's sqlite_sequence,
    which every insert raises and nothing but a hand lowers or removes, say to hide a
    removed tail: ``--expect-head`` shows what went with it)."""
    what = "records" if table == "records" else "signatures"
    found = "is missing" if mark == 0 else f"is {mark}"
    return (
        f"the high-water mark of {what} {found} but the highest id is {top}: it was lowered "
        f"or removed by hand (the last {what} may have been removed with it; check with "
        "--expect-head)"
    )


def seal_signature(s: Signature) -> Signature:
    from dataclasses import replace

    return replace(s, hash=signature_hash(s))


@dataclass(frozen=True)
class Break:
    """Where the chain breaks: the first record that does not verify, and why."""

    record_id: int
    problem: str


class Walk:
    """Walks one hash chain in id order: how many rows, how many verify before the first
    break, the head (the hash of the last row that verifies), and which of ``expect``
    (head hashes kept elsewhere) it met among the rows that verify. It reads on after a
    break, counting, so that a streamed chain is read once."""

    def __init__(self, what: str = "record", expect: Iterable[str] = ()) -> None:
        self.what = what
        self.prev = GENESIS
        self.last_id = 0
        self.rows = 0
        self.verified = 0
        self.broken: Break | None = None
        self.expect = set(expect)
        self.met: set[str] = set()

    def feed(self, row_id: int, prev_hash: str, stored: str, computed: str) -> None:
        self.rows += 1
        if self.broken is not None:
            return
        if row_id <= self.last_id:
            self.broken = Break(row_id, f"id {row_id} is not after id {self.last_id}")
        elif prev_hash != self.prev:
            self.broken = Break(
                row_id,
                f"its previous hash does not match the {self.what} before it "
                f"(a {self.what} before it was removed, inserted or changed)",
            )
        elif computed != stored:
            self.broken = Break(row_id, "its content does not match its hash (it was changed)")
        else:
            self.prev, self.last_id = stored, row_id
            self.verified += 1
            if stored in self.expect:
                self.met.add(stored)


def _computed_hash(r: Record) -> str:
    """The hash ``r`` should carry; a number no record can hold (NaN, inf: a record changed
    outside osdose) has none, and so matches no stored hash."""
    try:
        return record_hash(r, r.id, r.recorded_at, r.prev_hash)
    except (ValueError, TypeError):  # a non-finite number; bytes where SQLite keeps any type
        return ""


def intact(r: Record) -> bool:
    """Whether ``r``'s content still gives the hash stored with it: the test ``ledger
    check`` makes of every record, made of one record where a command reads it alone."""
    return _computed_hash(r) == r.hash


def changed(record_id: object, location: str) -> LedgerError:
    """The refusal of a record whose content no longer matches its hash."""
    return LedgerError(
        f"ledger {location}: record {record_id}: its content does not match its hash: it was "
        "changed outside osdose after it was recorded, and is not used (run osdose ledger "
        "check)"
    )


def row_intact(row: tuple[Any, ...], iso_date: str | None) -> bool:
    """:func:`intact` of a row of :data:`COLUMNS` as the database gives it, its date read
    (by :func:`stored_date`) as ``iso_date``: the streamed readers check each row so,
    without a :class:`Record` each."""
    (
        record_id, kind, patient, _, drug, unit, dose, dose_per_m2, bsa_m2, regimen, cycle,
        day, dose_percent, voids, reason, source, recorded_at, recorded_by, prev_hash, stored,
    ) = row  # fmt: skip
    try:
        text = _canonical(
            kind, patient, recorded_by, iso_date, drug, unit, dose, dose_per_m2, bsa_m2,
            regimen, cycle, day, dose_percent, voids, reason, source, record_id, recorded_at,
            prev_hash,
        )  # fmt: skip
    except (ValueError, TypeError):  # a number no record can hold, bytes: no hash matches
        return False
    return bool(hashlib.sha256(text).hexdigest() == stored)


def walk_records(records: Iterable[Record], expect: Iterable[str] = ()) -> Walk:
    w = Walk("record", expect)
    for r in records:
        w.feed(r.id, r.prev_hash, r.hash, _computed_hash(r))
    return w


def walk_signatures(signatures: Iterable[Signature], expect: Iterable[str] = ()) -> Walk:
    """The signatures' own chain. (That each signature names an existing record and
    carries its hash is checked by the store.)"""
    w = Walk("signature", expect)
    for s in signatures:
        w.feed(s.id, s.prev_hash, s.hash, signature_hash(s))
    return w


def verify_chain(records: Iterable[Record]) -> tuple[int, str, Break | None]:
    """Walk ``records`` in id order: (how many verified, the head hash, the first break)."""
    w = walk_records(records)
    return w.verified, w.prev, w.broken


def stored_date(value: Any, record_id: Any, location: str) -> dt.date | None:
    """The date a database gives for a record: ``None`` (a void), a date (PostgreSQL) or
    its ``YYYY-MM-DD`` text (SQLite). Any other value is damage, not input: osdose writes
    only dates, so the ledger was changed outside it (:class:`LedgerDamaged`: ``ledger
    check`` reports it as broken, every other command refuses)."""
    if value is None or type(value) is dt.date:
        return value
    try:
        if type(value) is str and len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise LedgerDamaged(
        f"ledger {location}: record {record_id}: its date {shown(value)} is not a date "
        "written YYYY-MM-DD: the ledger was changed outside osdose; restore it from a backup"
    )


class StoredDates:
    """The ``YYYY-MM-DD`` text of each row's stored date (:func:`stored_date`; ``None`` for
    a void), for rows read in a stream: a patient's rows come in runs of one date, which is
    read once per run."""

    __slots__ = ("last", "location", "text")

    def __init__(self, location: str) -> None:
        self.location = location
        self.last: Any = None
        self.text: str | None = None

    def __call__(self, value: Any, record_id: Any) -> str | None:
        if value != self.last:
            when = stored_date(value, record_id, self.location)
            self.last, self.text = value, None if when is None else when.isoformat()
        return self.text


def stored_day(value: Any, record_id: Any, location: str) -> dt.date:
    """:func:`stored_date` of an administration, which always has one."""
    day = stored_date(value, record_id, location)
    if day is None:
        raise LedgerDamaged(
            f"ledger {location}: record {record_id}: an administration without a date: the "
            "ledger was changed outside osdose; restore it from a backup"
        )
    return day


def now_utc() -> str:
    """The time a record is written, UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
