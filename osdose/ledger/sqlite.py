"""The embedded ledger: one SQLite file (standard library ``sqlite3``).

WAL mode so that readers never block the writer; ``synchronous=FULL`` so that a record
acknowledged is on disk even across a power cut; every write inside ``BEGIN IMMEDIATE``,
which takes the write lock before reading the chain's head, so concurrent writers
serialise and never fork the chain. Triggers refuse UPDATE and DELETE as a second line of
defence behind the code that never issues them; a unique index allows one void per record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from osdose.ledger.records import GENESIS, LedgerError, NewRecord, Record, now_utc, seal

BUSY_SECONDS = 30.0
APPLICATION_ID = 0x6F73646F  # "osdo": marks a SQLite file as an osdose ledger
FILE_MODE = 0o600

_COLUMNS = (
    "id", "kind", "patient", "date", "drug", "unit", "dose", "dose_per_m2", "bsa_m2",
    "regimen", "cycle", "day", "dose_percent", "voids", "reason", "source", "recorded_at",
    "recorded_by", "prev_hash", "hash",
)  # fmt: skip
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM records"
_INSERT = f"INSERT INTO records ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
_TRIGGERS = ("records_no_update", "records_no_delete")

# One tuple of statements per schema version; opening a ledger applies the ones it lacks,
# in one transaction, and sets PRAGMA user_version. Never edit a released step: add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE records (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('administration', 'void')),
            patient TEXT NOT NULL CHECK (length(patient) > 0),
            date TEXT,
            drug TEXT,
            unit TEXT CHECK (unit IS NULL OR unit IN ('mg', 'IU')),
            dose REAL,
            dose_per_m2 REAL,
            bsa_m2 REAL,
            regimen TEXT,
            cycle INTEGER,
            day INTEGER,
            dose_percent REAL,
            voids INTEGER REFERENCES records (id),
            reason TEXT,
            source TEXT,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL CHECK (length(recorded_by) > 0),
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            CHECK ((kind = 'administration' AND date IS NOT NULL AND drug IS NOT NULL
                    AND unit IS NOT NULL AND voids IS NULL)
                OR (kind = 'void' AND voids IS NOT NULL AND length(reason) > 0))
        )""",
        "CREATE INDEX records_patient ON records (patient, drug, date)",
        "CREATE UNIQUE INDEX records_one_void ON records (voids) WHERE voids IS NOT NULL",
        """CREATE TRIGGER records_no_update BEFORE UPDATE ON records
           BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a record is never updated');
           END""",
        """CREATE TRIGGER records_no_delete BEFORE DELETE ON records
           BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a record is never deleted');
           END""",
    ),
)


def create_file(path: Path) -> None:
    """Create an empty ledger file readable and writable by its owner only.

    The file exists with mode 0600 before SQLite opens it; SQLite then gives its -wal and
    -shm files the same mode. The folder is created 0700 when missing.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process created it first: fine
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))


def _record(row: tuple[Any, ...]) -> Record:
    f = dict(zip(_COLUMNS, row, strict=True))
    if f["date"] is not None:
        f["date"] = dt.date.fromisoformat(f["date"])
    return Record(**f)


class SQLiteLedger:
    """A ledger in one SQLite file. Implements :class:`osdose.ledger.store.LedgerStore`."""

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = path
        self.location = str(path)
        if path.is_dir():
            raise LedgerError(f"ledger {path} is a folder, not a file")
        if not path.exists():
            if not create:
                raise LedgerError(
                    f"no ledger at {path} (record or import creates it; or give --ledger PATH "
                    "or set OSDOSE_LEDGER)"
                )
            create_file(path)
        try:
            self.conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            raise LedgerError(f"ledger {path} cannot be opened: {exc}") from None
        try:
            self._setup()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise LedgerError(f"ledger {path} cannot be used: {exc}") from None
        except LedgerError:
            self.conn.close()
            raise

    # -- opening -------------------------------------------------------------------------

    def _setup(self) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA synchronous = FULL")
        app_id = c.execute("PRAGMA application_id").fetchone()[0]
        if app_id not in (0, APPLICATION_ID):
            raise LedgerError(f"{self.path} is a SQLite file of another program, not a ledger")
        if c.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._set_wal()
        version = self._version()
        if version != len(MIGRATIONS):
            self._migrate()

    def _set_wal(self) -> None:
        # Switching the journal mode needs the file to itself; the busy handler does not
        # always apply, so a few short retries cover writers opening a new ledger at once.
        for attempt in range(100):
            try:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":  # SQLite answers with the mode it kept when WAL is impossible
                    raise LedgerError(
                        f"ledger {self.path} cannot use WAL mode here (journal mode {mode}): "
                        "keep the ledger on a local disk, not a network share"
                    )
                return
            except sqlite3.OperationalError:
                if attempt == 99:
                    raise
                time.sleep(0.05)

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, steps: tuple[tuple[str, ...], ...] | None = None) -> None:
        steps = MIGRATIONS if steps is None else steps
        with self._write():
            version = self._version()  # again, under the write lock
            if version > len(steps):
                raise LedgerError(
                    f"ledger {self.path} has schema version {version}, newer than this osdose "
                    f"knows ({len(steps)}): upgrade osdose"
                )
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            if version == 0 and tables:
                raise LedgerError(f"{self.path} is a SQLite file with tables, not a ledger")
            for number in range(version, len(steps)):
                for statement in steps[number]:
                    self.conn.execute(statement)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {len(steps)}")

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LedgerError(
                f"ledger {self.path} is busy ({exc}): another writer held it for more than "
                f"{BUSY_SECONDS:g} s; nothing was recorded"
            ) from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- the interface -------------------------------------------------------------------

    def append(self, records: Sequence[NewRecord], allow_same_day: bool = False) -> list[Record]:
        out: list[Record] = []
        try:
            with self._write() as c:
                head = c.execute("SELECT id, hash FROM records ORDER BY id DESC LIMIT 1").fetchone()
                seq = c.execute("SELECT seq FROM sqlite_sequence WHERE name = 'records'").fetchone()
                last = max(head[0] if head else 0, seq[0] if seq else 0)
                prev = head[1] if head else GENESIS
                for new in records:
                    checked = self._checked(c, new, allow_same_day)
                    last += 1
                    r = seal(checked, last, now_utc(), prev)
                    c.execute(_INSERT, self._row(r))
                    prev = r.hash
                    out.append(r)
        except sqlite3.IntegrityError as exc:
            raise LedgerError(f"ledger {self.path} refused the record: {exc}") from None
        return out

    @staticmethod
    def _row(r: Record) -> tuple[Any, ...]:
        values = []
        for name in _COLUMNS:
            v = getattr(r, name)
            values.append(v.isoformat() if isinstance(v, dt.date) else v)
        return tuple(values)

    def _checked(self, c: sqlite3.Connection, new: NewRecord, allow_same_day: bool) -> NewRecord:
        if new.kind == "void":
            return self._checked_void(c, new)
        if not allow_same_day and new.date is not None:
            same = c.execute(
                "SELECT r.id FROM records r WHERE r.kind = 'administration' AND r.patient = ? "
                "AND r.drug = ? AND r.date = ? AND NOT EXISTS "
                "(SELECT 1 FROM records v WHERE v.voids = r.id) LIMIT 1",
                (new.patient, new.drug, new.date.isoformat()),
            ).fetchone()
            if same:
                raise LedgerError(
                    f"patient {new.patient} already has {new.drug} on {new.date} (record "
                    f"{same[0]}): void that record if it is wrong, or allow a second "
                    "administration on the same day (--allow-same-day)"
                )
        return new

    def _checked_void(self, c: sqlite3.Connection, new: NewRecord) -> NewRecord:
        from dataclasses import replace

        row = c.execute(f"{_SELECT} WHERE id = ?", (new.voids,)).fetchone()
        if row is None:
            raise LedgerError(f"record {new.voids} does not exist in ledger {self.path}")
        target = _record(row)
        if target.kind == "void":
            raise LedgerError(
                f"record {target.id} is a void (of record {target.voids}); a void cannot be "
                "voided: record the administration again if it was given"
            )
        done = c.execute("SELECT id FROM records WHERE voids = ?", (target.id,)).fetchone()
        if done:
            raise LedgerError(f"record {target.id} is already voided by record {done[0]}")
        if new.patient and new.patient != target.patient:
            raise LedgerError(
                f"record {target.id} belongs to patient {target.patient}, not {new.patient}"
            )
        return replace(new, patient=target.patient)

    def records(self, patient: str | None = None) -> list[Record]:
        if patient is None:
            rows = self.conn.execute(f"{_SELECT} ORDER BY id").fetchall()
        else:
            rows = self.conn.execute(
                f"{_SELECT} WHERE patient = ? ORDER BY id", (patient,)
            ).fetchall()
        return [_record(r) for r in rows]

    def get(self, record_id: int) -> Record | None:
        row = self.conn.execute(f"{_SELECT} WHERE id = ?", (record_id,)).fetchone()
        return _record(row) if row else None

    def integrity(self) -> list[str]:
        c = self.conn
        problems = [
            f"integrity_check: {row[0]}"
            for row in c.execute("PRAGMA integrity_check").fetchall()
            if row[0] != "ok"
        ]
        problems += [
            f"foreign_key_check: record {row[1]} names a record that does not exist"
            for row in c.execute("PRAGMA foreign_key_check(records)").fetchall()
        ]
        present = {
            row[0] for row in c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        problems += [
            f"the append-only trigger {t} is missing (someone removed it)"
            for t in _TRIGGERS
            if t not in present
        ]
        if os.name == "posix":  # Windows keeps access in ACLs, not in these bits
            mode = self.path.stat().st_mode & 0o777
            if mode & 0o077:
                problems.append(
                    f"the ledger file is mode {mode:04o}, readable by others: chmod 600 {self.path}"
                )
        return problems

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
