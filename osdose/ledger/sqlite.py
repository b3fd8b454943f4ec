"""The embedded ledger: one SQLite file (standard library ``sqlite3``).

WAL mode so that readers never block the writer; ``synchronous=FULL`` so that a record
acknowledged is on disk even across a power cut; every write inside ``BEGIN IMMEDIATE``,
which takes the write lock before reading the chain's head, so concurrent writers
serialise and never fork the chain. Triggers refuse UPDATE and DELETE as a second line of
defence behind the code that never issues them; a unique index allows one void per record.

Who records or verifies is ``--by`` or the operating-system user: SQLite has no logins,
so on this backend the name is what the person at the desk says it is (see
:mod:`osdose.ledger.postgres` for names the database authenticates).
"""

from __future__ import annotations

import contextlib
import operator
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from osdose.ledger import pages, sqlite_file
from osdose.ledger.records import (
    COLUMNS,
    GENESIS,
    NEW_FIELDS,
    SIGNATURE_COLUMNS,
    UNBOUND_SIGNATURES,
    Appended,
    LedgerDamaged,
    LedgerError,
    NewRecord,
    Record,
    Signature,
    lost_tail,
    lowered_mark,
    now_utc,
    record_hash,
    seal,
    seal_signature,
    stored_day,
    unbound,
)
from osdose.ledger.rules import Key, check_signable, checked_batch
from osdose.ledger.sqlite_schema import APPLICATION_ID, migrate, schema_problems, version

BUSY_SECONDS = sqlite_file.BUSY_SECONDS

_SELECT = f"SELECT {', '.join(COLUMNS)} FROM records"
_INSERT = f"INSERT INTO records ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
_SIGN = (
    f"INSERT INTO signatures ({', '.join(SIGNATURE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in SIGNATURE_COLUMNS)})"
)
# One patient's records: the index records_patient_id (patient, id) gives them in id
# order, O(that patient's records) whatever the size of the ledger (a test EXPLAINs it).
PATIENT_QUERY = f"{_SELECT} WHERE patient = ? ORDER BY id"
_IN_EFFECT = (
    "r.kind = 'administration' AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id)"
)
_SAME_DAY_KEYS = (
    "WITH k (patient, drug, date) AS (VALUES %s) SELECT k.patient, k.drug, k.date, "
    "(SELECT min(r.id) FROM records r WHERE r.patient = k.patient AND r.drug = k.drug "
    f"AND r.date = k.date AND {_IN_EFFECT}) FROM k"
)
_SAME_DAY_PATIENT = (
    f"SELECT r.drug, r.date, min(r.id) FROM records r WHERE r.patient = ? AND {_IN_EFFECT} "
    "GROUP BY r.drug, r.date"
)
# how many of a patient's records there are, counting no further than the keys
_HOLDS = "SELECT count(*) FROM (SELECT 1 FROM records WHERE patient = ? LIMIT ?)"
_KEYS_PER_QUERY = 1000  # keys looked up by one query (3 parameters each)


def _signature(row: tuple[Any, ...]) -> Signature:
    return Signature(*row)


class SQLiteLedger:
    """A ledger in one SQLite file. Implements :class:`osdose.ledger.store.LedgerStore`.

    ``write=False`` opens it for reading only: nothing is created, migrated or switched;
    ``create=True`` creates a missing ledger (complete, in one step).
    """

    def __init__(self, path: str | Path, create: bool = False, write: bool = False) -> None:
        self.location = str(path)
        self.writing = write or create
        self.schema_version = self.found_version = version()
        given = Path(path)
        real = sqlite_file.real_path(given, self.location)
        self._pending: Path | None = None
        self.created = False
        if real is None:
            if not create:
                raise LedgerError(
                    f"no ledger at {self.location} (record or import creates it; or give "
                    "--ledger PATH or set OSDOSE_LEDGER)"
                )
            # Created by the first append, once its records pass every check: a refused
            # record leaves no new ledger behind. Until then an empty ledger in memory
            # answers the reads.
            self._pending = self.path = given
            self.conn = sqlite3.connect(":memory:", isolation_level=None)
            migrate(self.conn, 0)
            return
        self._open(real)

    def _open(self, real: Path) -> None:
        self.path = real
        self.header = sqlite_file.inspect(real, self.location)
        if self.writing:
            sqlite_file.check_writable(real, self.location)
        self.conn = sqlite_file.connect(real, self.location, self.writing)
        try:
            self._setup()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise LedgerDamaged(
                f"ledger {self.location} cannot be used ({exc}): run osdose ledger check"
            ) from None
        except LedgerError:
            self.conn.close()
            raise

    def _ensure(self) -> None:
        """Create the ledger a ``create=True`` store found missing (first append)."""
        if self._pending is not None:
            given, self._pending = self._pending, None
            self.conn.close()
            if sqlite_file.real_path(given, self.location) is None:
                self.created = sqlite_file.create(given, self.location)
            self._open(sqlite_file.real_path(given, self.location) or given)

    # -- opening -------------------------------------------------------------------------

    def _setup(self) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA synchronous = FULL")
        if c.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise LedgerError(f"{self.location} is a SQLite database but not an osdose ledger")
        self.schema_version = self.found_version = self._version()
        if self.schema_version > version():
            raise LedgerError(
                f"ledger {self.location} has schema version {self.schema_version}, newer than "
                f"this osdose knows ({version()}): upgrade osdose"
            )
        if self.writing:
            if c.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self._set_wal()
            if self.schema_version < version():
                self.upgrade()

    def _set_wal(self) -> None:
        # Switching the journal mode needs the file to itself; the busy handler does not
        # always apply, so a few short retries cover writers opening at once.
        for attempt in range(100):
            try:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":  # SQLite answers with the mode it kept when WAL is impossible
                    raise LedgerError(
                        f"ledger {self.location} cannot use WAL mode here (journal mode "
                        f"{mode}): keep the ledger on a local disk, not a network share"
                    )
                return
            except sqlite3.OperationalError:
                if attempt == 99:
                    raise
                time.sleep(0.05)

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def upgrade(self) -> list[int]:
        """Apply the schema steps this ledger lacks (one transaction); the versions applied."""
        with self._write():
            current = self._version()  # again, under the write lock
            if current > version():
                raise LedgerError(
                    f"ledger {self.location} has schema version {current}, newer than this "
                    f"osdose knows ({version()}): upgrade osdose"
                )
            applied = migrate(self.conn, current)
        self.schema_version = version()
        return applied

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if not self.writing:
            raise LedgerError(f"ledger {self.location} was opened for reading only")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._failed(exc) from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise self._failed(exc) from None

    def _failed(self, exc: sqlite3.Error) -> LedgerError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return LedgerError(
                f"ledger {self.location} is busy ({text}): another writer held it for more "
                f"than {BUSY_SECONDS:g} s; nothing was recorded"
            )
        if "readonly" in text or "read-only" in text:
            return LedgerError(
                f"ledger {self.location} cannot be written ({text}): check the permissions "
                "of the file and its folder; nothing was recorded"
            )
        if isinstance(exc, sqlite3.IntegrityError):
            return LedgerError(f"ledger {self.location} refused the record: {text}")
        if isinstance(exc, sqlite3.OperationalError):
            return LedgerError(
                f"ledger {self.location} cannot be written ({text}); nothing was recorded"
            )
        return LedgerDamaged(
            f"ledger {self.location} cannot be used ({text}): run osdose ledger check"
        )

    # -- the interface -------------------------------------------------------------------

    def identity(self, claimed: str | None) -> str:
        """``--by`` as given, else the operating-system user (SQLite has no logins)."""
        from osdose.ledger.entries import recorded_by

        return recorded_by(claimed)

    def append(self, records: Sequence[NewRecord], allow_same_day: bool = False) -> list[Record]:
        if self._pending is not None:
            # Refused against the empty ledger in memory before a file is created for them;
            # the rules run again in the real transaction (another writer may create it).
            checked_batch(records, self, 1, allow_same_day)
        self._ensure()
        out: list[Record] = []
        try:
            with self._write() as c:
                last, prev = self._head("records")
                checked = checked_batch(records, self, last + 1, allow_same_day)
                for new in checked:
                    last += 1
                    r = seal(new, last, now_utc(), prev)
                    prev = r.hash
                    out.append(r)
                c.executemany(_INSERT, map(_row, out))
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        return out

    def append_all(
        self, batches: Iterable[Sequence[NewRecord]], allow_same_day: bool = False
    ) -> Appended:
        if self._pending is not None:
            return self._append_new(batches, allow_same_day)
        try:
            with self._write() as c:
                return self._append_batches(c, batches, allow_same_day)
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def _append_new(self, batches: Iterable[Sequence[NewRecord]], allow_same_day: bool) -> Appended:
        """Into a ledger that is not there yet: built in a temporary file beside it and
        linked into place once every batch is in and committed, so that a refused import
        leaves no new ledger behind (as a refused append does)."""
        given = self._pending
        assert given is not None
        tmp = sqlite_file.build(given, self.location)
        try:
            self.conn.close()  # the empty ledger in memory
            self._pending = None
            self._open(tmp)
            try:
                with self._write() as c:
                    done = self._append_batches(c, batches, allow_same_day)
            except sqlite3.Error as exc:
                raise self._failed(exc) from None
            finally:
                self.conn.close()  # the last connection checkpoints: the records are in the file
            if not sqlite_file.place(tmp, given, self.location):
                raise LedgerError(
                    f"ledger {self.location} was created by another writer while this import "
                    "ran: nothing was imported; run the import again to import into it"
                )
        finally:
            sqlite_file.remove(tmp)
        self.created = True
        self._open(sqlite_file.real_path(given, self.location) or given)
        return done

    def _append_batches(
        self, c: sqlite3.Connection, batches: Iterable[Sequence[NewRecord]], allow_same_day: bool
    ) -> Appended:
        last, prev = self._head("records")
        first = last + 1
        for records in batches:
            checked = checked_batch(records, self, last + 1, allow_same_day)
            rows = []
            for new in checked:
                last += 1
                at = now_utc()
                digest = record_hash(new, last, at, prev)
                rows.append(_new_row(new, last, at, prev, digest))
                prev = digest
            c.executemany(_INSERT, rows)
        return Appended(first, last, prev)

    def sign(self, record_id: int, meaning: str, signer: str) -> Signature:
        if self._pending is not None:
            raise LedgerError(f"record {record_id} does not exist in ledger {self.location}")
        try:
            with self._write() as c:
                done = c.execute(
                    "SELECT signed_by FROM signatures WHERE record_id = ? AND meaning = ?",
                    (record_id, meaning),
                ).fetchone()
                target = check_signable(
                    self.get(record_id), record_id, signer, self, done[0] if done else None
                )
                last, prev = self._head("signatures")
                s = seal_signature(
                    Signature(last + 1, record_id, target.hash, meaning, now_utc(), signer, prev)
                )
                c.execute(_SIGN, tuple(getattr(s, k) for k in SIGNATURE_COLUMNS))
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        return s

    def _head(self, table: str) -> tuple[int, str]:
        """The highest id ever given in ``table`` and the hash of its last row."""
        c = self.conn
        head = c.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
        seq = c.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        return max(head[0] if head else 0, seq[0] if seq else 0), head[1] if head else GENESIS

    # the rules' Lookup (osdose.ledger.rules), inside the write transaction

    def get(self, record_id: int) -> Record | None:
        row = self.conn.execute(f"{_SELECT} WHERE id = ?", (record_id,)).fetchone()
        return pages.record_of(row, self.location) if row else None

    def voided_by(self, record_id: int) -> int | None:
        row = self.conn.execute("SELECT id FROM records WHERE voids = ?", (record_id,)).fetchone()
        return int(row[0]) if row else None

    def same_day(self, keys: Sequence[Key]) -> dict[Key, int]:
        # Linear in the keys whatever the ledger holds: a patient with fewer records than
        # keys (an import into a new ledger) in one pass over their records; otherwise the
        # keys in batches, each an index lookup (records_patient).
        by_patient: dict[str, list[Key]] = {}
        for k in keys:
            by_patient.setdefault(k[0], []).append(k)
        out: dict[Key, int] = {}
        for patient, theirs in by_patient.items():
            held = self.conn.execute(_HOLDS, (patient, len(theirs))).fetchone()[0]
            if held < len(theirs):
                wanted = set(theirs)
                for drug, day, first in self.conn.execute(_SAME_DAY_PATIENT, (patient,)):
                    key = (patient, drug, stored_day(day, first, self.location))
                    if key in wanted:
                        out[key] = int(first)
                continue
            for i in range(0, len(theirs), _KEYS_PER_QUERY):
                chunk = theirs[i : i + _KEYS_PER_QUERY]
                values = ", ".join("(?, ?, ?)" for _ in chunk)
                params = [v for p, d, day in chunk for v in (p, d, day.isoformat())]
                for p, d, day, first in self.conn.execute(_SAME_DAY_KEYS % values, params):
                    if first is not None:
                        out[(p, d, stored_day(day, first, self.location))] = int(first)
        return out

    # reading

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees the same state of the ledger (one read transaction)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):  # it only read: nothing to keep
                self.conn.execute("ROLLBACK")

    def records(self, patient: str | None = None) -> Iterator[Record]:
        if patient is None:
            return self._records(self.conn.execute(f"{_SELECT} ORDER BY id"))
        return self._records(self.conn.execute(PATIENT_QUERY, (patient,)))

    def voids(self, patient: str) -> Iterator[Record]:
        sql, params = pages.voids_query(patient, self._tables())
        return self._records(self.conn.execute(sql, params))

    def _records(self, cur: sqlite3.Cursor) -> Iterator[Record]:
        """The records of a query of :data:`COLUMNS`, as the file gives them."""
        try:
            for row in cur:
                yield pages.record_of(row, self.location)
        except sqlite3.DatabaseError as exc:
            raise LedgerDamaged(
                f"ledger {self.location} cannot be read ({exc}): it is damaged; restore it "
                "from a backup"
            ) from None

    def _tables(self) -> pages.Tables:
        signed = "signatures" if self.schema_version >= 2 else None
        return pages.Tables("records", signed, "?")

    def count(self, page: pages.Page) -> int:
        sql, params = pages.count_query(page, self._tables())
        return int(self.conn.execute(sql, params).fetchone()[0])

    def page(self, page: pages.Page) -> Iterator[pages.Entry]:
        sql, params = pages.page_query(page, self._tables())
        try:
            yield from pages.grouped(self.conn.execute(sql, params), page)
        except sqlite3.DatabaseError as exc:
            raise LedgerDamaged(
                f"ledger {self.location} cannot be read ({exc}): it is damaged; restore it "
                "from a backup"
            ) from None

    def signatures(self, patient: str | None = None) -> Iterator[Signature]:
        if self.schema_version < 2:
            return
        columns = ", ".join(f"s.{c}" for c in SIGNATURE_COLUMNS)
        if patient is None:
            cur = self.conn.execute(f"SELECT {columns} FROM signatures s ORDER BY s.id")
        else:
            cur = self.conn.execute(
                f"SELECT {columns} FROM signatures s JOIN records r ON r.id = s.record_id "
                "WHERE r.patient = ? ORDER BY s.id",
                (patient,),
            )
        for row in cur:
            yield _signature(row)

    def integrity(self) -> list[str]:
        c = self.conn
        try:
            problems = [
                f"integrity_check: {row[0]}"
                for row in c.execute("PRAGMA integrity_check").fetchall()
                if row[0] != "ok"
            ]
            problems += [
                f"foreign_key_check: {row[0]} row {row[1]} names a record that does not exist"
                for row in c.execute("PRAGMA foreign_key_check").fetchall()
            ]
            tables = ("records", "signatures") if self.schema_version >= 2 else ("records",)
            for table in tables:
                problems += self._lost_tail(table)
            if self.schema_version >= 2:
                query = UNBOUND_SIGNATURES.format(signatures="signatures", records="records")
                problems += [
                    unbound(i, r, bool(e), bool(same), bool(own))
                    for i, r, e, same, own in c.execute(query)
                ]
            problems += schema_problems(c, self.schema_version)
        except sqlite3.DatabaseError as exc:
            raise LedgerDamaged(
                f"ledger {self.location} cannot be read ({exc}): it is damaged; restore it "
                "from a backup"
            ) from None
        if os.name == "posix" and self._pending is None:  # Windows: ACLs, not these bits
            mode = self.path.stat().st_mode & 0o777
            if mode & 0o077:
                problems.append(
                    f"the ledger file is mode {mode:04o}, readable by others: "
                    f"chmod 600 {self.location}"
                )
        return problems

    def _lost_tail(self, table: str) -> list[str]:
        """The highest id is below the AUTOINCREMENT high-water mark: the last rows were
        removed (the chain of what is left still verifies, so only this shows it). SQLite
        never lowers the mark, so a mark below the highest id (or none) was edited."""
        c = self.conn
        top = c.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
        seq = c.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        given = seq[0] if seq else 0
        if given < top:
            return [lowered_mark(table, top, given)]
        if given == top:
            return []
        return [lost_tail(table, top, given)]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteLedger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_COLUMNS_OF = operator.attrgetter(*COLUMNS)
_DATE = COLUMNS.index("date")


def _row(r: Record) -> tuple[Any, ...]:
    values: tuple[Any, ...] = _COLUMNS_OF(r)
    day = values[_DATE]
    if day is None:
        return values
    return (*values[:_DATE], day.isoformat(), *values[_DATE + 1 :])


_NEW_VALUES = operator.attrgetter(*NEW_FIELDS)


def _new_row(new: NewRecord, record_id: int, at: str, prev: str, digest: str) -> tuple[Any, ...]:
    """The row of ``new`` sealed with these (:data:`COLUMNS`; what :func:`_row` gives of
    the :class:`Record` :func:`~osdose.ledger.records.seal` would build)."""
    (
        kind, patient, recorded_by, day, drug, unit, dose, dose_per_m2, bsa_m2, regimen,
        cycle, cycle_day, dose_percent, voids, reason, source,
    ) = _NEW_VALUES(new)  # fmt: skip
    return (
        record_id, kind, patient, None if day is None else day.isoformat(), drug, unit, dose,
        dose_per_m2, bsa_m2, regimen, cycle, cycle_day, dose_percent, voids, reason, source,
        at, recorded_by, prev, digest,
    )  # fmt: skip


def initialise(path: str | Path) -> tuple[bool, list[int], int]:
    """``ledger init`` for a file: (created, versions applied, schema version)."""
    where = Path(path)
    existed = sqlite_file.real_path(where, str(path)) is not None
    with SQLiteLedger(where, create=True) as store:
        store._ensure()
        before = store.found_version
    if not existed:
        return True, list(range(1, version() + 1)), version()
    return False, list(range(before + 1, version() + 1)), version()
