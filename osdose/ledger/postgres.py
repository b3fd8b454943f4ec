"""The shared ledger: a PostgreSQL database, through psycopg 3 (``osdose[postgres]``).

One chain for the whole ledger, serialised by a transaction-scoped advisory lock: every
append takes ``pg_advisory_xact_lock`` before it reads the head of the chain, so writers
on any number of machines queue for the few milliseconds an append takes, and the lock is
released by the server when the transaction ends, however it ends (a killed client
included). The database enforces the same (:mod:`osdose.ledger.postgres_schema`): its
insert trigger takes the same lock and refuses a record that does not follow the head.

Who records and who verifies is the role the server authenticated (``session_user``),
never a free-text name; the time is the server's clock, one clock for every desk.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from osdose.ledger import pages
from osdose.ledger.location import redact
from osdose.ledger.postgres_admin import (
    LOCK_SECONDS,
    connect,
    driver,
    first_line,
    grant_problems,
    schema_problems,
    schema_version,
    version,
)
from osdose.ledger.postgres_schema import LOCK, TABLES_BY_VERSION
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
    record_hash,
    seal,
    seal_signature,
    unbound,
)
from osdose.ledger.rules import Key, check_signable, checked_batch

if TYPE_CHECKING:
    import psycopg

_SELECT = f"SELECT {', '.join(COLUMNS)} FROM osdose.records"
_INSERT = (
    f"INSERT INTO osdose.records ({', '.join(COLUMNS)}) VALUES ({', '.join('%s' for _ in COLUMNS)})"
)
# a new record's row as append_all builds it: the id, NewRecord's fields in their order,
# then what sealing adds (the same columns as _INSERT, in another order)
_NEW_COLUMNS = ("id", *NEW_FIELDS, "recorded_at", "prev_hash", "hash")
_INSERT_NEW = (
    f"INSERT INTO osdose.records ({', '.join(_NEW_COLUMNS)}) "
    f"VALUES ({', '.join('%s' for _ in _NEW_COLUMNS)})"
)
_NEW_VALUES = operator.attrgetter(*NEW_FIELDS)
_SIGN = (
    f"INSERT INTO osdose.signatures ({', '.join(SIGNATURE_COLUMNS)}) "
    f"VALUES ({', '.join('%s' for _ in SIGNATURE_COLUMNS)})"
)
# One patient's records: an index scan of records_patient_id (patient, id), O(that
# patient's records) whatever the size of the ledger (a test EXPLAINs it).
PATIENT_QUERY = f"{_SELECT} WHERE patient = %s ORDER BY id"
_NOW = (
    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
    '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')'
)  # the format of records.now_utc()


class PostgresLedger:
    """A ledger in a PostgreSQL database. Implements
    :class:`osdose.ledger.store.LedgerStore`; the schema is made by
    :func:`osdose.ledger.postgres_admin.initialise` (``ledger init``)."""

    def __init__(self, dsn: str, create: bool = False, write: bool = False) -> None:
        self.location = redact(dsn)
        self.writing = write or create
        self.created = False  # a database's ledger is made by `ledger init` only
        self._pg = driver()
        session = connect(dsn, self.location)
        self.conn = session.conn
        self.user, self.database = session.user, session.database
        self._depth = 0
        self._cursors = 0
        if session.has_schema and not session.may_use:
            self.conn.close()
            raise LedgerError(self._no_access())
        try:
            found = schema_version(self.conn) if session.has_ledger else None
        except self._pg.errors.InsufficientPrivilege:
            self.conn.close()
            raise LedgerError(self._no_access()) from None
        except self._pg.Error as exc:
            self.conn.close()
            raise LedgerError(f"ledger {self.location}: {first_line(exc)}") from None
        init = f"osdose ledger init --ledger {self.location}"
        problem = None
        if found is None:
            problem = (
                f"no osdose ledger in database {self.database} ({self.location}): run `{init}` "
                "first, as a role that may create a schema there"
            )
            if session.has_schema:
                problem = (
                    f"database {self.database} ({self.location}) has a schema osdose that is "
                    "not an osdose ledger"
                )
        elif found > version():
            problem = (
                f"ledger {self.location} has schema version {found}, newer than this osdose "
                f"knows ({version()}): upgrade osdose"
            )
        elif found < version():
            problem = (
                f"ledger {self.location} has schema version {found}; this osdose needs "
                f"{version()}: run `{init}` to upgrade it"
            )
        if problem:
            self.conn.close()
            raise LedgerError(problem)
        self.schema_version = version()
        self._tables_present()

    def _tables_present(self) -> None:
        """A table of the ledger's version dropped (with every row in it) is a loss, as an
        empty SQLite file is: :class:`LedgerDamaged`, which ``ledger check`` reports as
        broken, not as unusable input."""
        tables = [t for v in range(1, self.schema_version + 1) for t in TABLES_BY_VERSION[v]]
        rows = self.conn.execute(
            "SELECT t FROM unnest(%s::text[]) AS t WHERE to_regclass('osdose.' || t) IS NULL",
            (tables,),
        ).fetchall()
        if rows:
            self.conn.close()
            gone = ", ".join(f"osdose.{r[0]}" for r in rows)
            s, are, them = ("s", "are", "them") if len(rows) > 1 else ("", "is", "it")
            raise LedgerDamaged(
                f"ledger {self.location}: the table{s} {gone} {are} missing (dropped, with "
                f"every row in {them}): restore the database from a backup"
            )

    def _no_access(self) -> str:
        user = self.user
        return (
            f"role {user} may not use the ledger {self.location}: ask its owner to run "
            f"`osdose ledger init --ledger {self.location} --grant {user}` (or to grant a role "
            "that has the ledger's GRANTs)"
        )

    # -- transactions and errors ---------------------------------------------------------

    def _failed(self, exc: BaseException, committing: bool = False) -> LedgerError:
        pg = self._pg
        msg = first_line(exc)
        where = self.location
        if isinstance(exc, pg.errors.LockNotAvailable):
            return LedgerError(
                f"ledger {where} is busy: another writer held it for more than "
                f"{LOCK_SECONDS} s; nothing was recorded"
            )
        if isinstance(exc, pg.errors.InsufficientPrivilege):
            return LedgerError(f"{self._no_access()} ({msg}); nothing was recorded")
        if self.conn.closed or self.conn.broken or isinstance(exc, pg.OperationalError):
            if committing:
                return LedgerError(
                    f"the connection to the ledger {where} was lost while committing ({msg}): "
                    "the records may or may not be recorded; `osdose ledger list` shows which"
                )
            return LedgerError(
                f"the connection to the ledger {where} was lost ({msg}); nothing was recorded"
            )
        if isinstance(exc, pg.IntegrityError | pg.DataError | pg.errors.RaiseException):
            return LedgerError(f"ledger {where} refused the record: {msg}")
        return LedgerError(f"ledger {where}: {msg}; nothing was recorded")

    def _rollback(self) -> None:
        with contextlib.suppress(self._pg.Error):
            if not self.conn.closed:
                self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def _write(self) -> Iterator[psycopg.Connection[Any]]:
        """One READ COMMITTED transaction holding the chain's advisory lock: every
        statement after the lock sees every append committed before it."""
        if not self.writing:
            raise LedgerError(f"ledger {self.location} was opened for reading only")
        pg = self._pg
        try:
            with self.conn.pipeline():  # one round trip
                self.conn.execute("BEGIN")
                self.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", LOCK)
            yield self.conn
        except pg.Error as exc:
            self._rollback()
            raise self._failed(exc) from None
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except pg.Error as exc:
            raise self._failed(exc, committing=True) from None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except self._pg.Error as exc:
            raise LedgerError(f"ledger {self.location} cannot be read: {first_line(exc)}") from None

    # -- the interface -------------------------------------------------------------------

    def identity(self, claimed: str | None) -> str:
        """The authenticated role; ``--by`` may only repeat it."""
        if claimed is not None and claimed != self.user:
            raise LedgerError(
                f"--by {claimed!r} is not the role this connection is authenticated as "
                f"({self.user!r}): on a PostgreSQL ledger the database role is who records "
                "or verifies; leave out --by, or connect as that role"
            )
        return self.user

    def append(self, records: Sequence[NewRecord], allow_same_day: bool = False) -> list[Record]:
        for new in records:
            self.identity(new.recorded_by)
        out: list[Record] = []
        with self._write() as c:
            last, prev, now = self._head("records")
            checked = checked_batch(records, self, last + 1, allow_same_day)
            for new in checked:
                last += 1
                r = seal(new, last, now, prev)
                prev = r.hash
                out.append(r)
            if out:
                with c.pipeline(), c.cursor() as cur:
                    cur.executemany(_INSERT, [_row(r) for r in out])
                    self._mark("records", last)
        return out

    def append_all(
        self, batches: Iterable[Sequence[NewRecord]], allow_same_day: bool = False
    ) -> Appended:
        with self._write() as c:
            last, prev, now = self._head("records")
            first = last + 1
            for records in batches:
                for new in records:
                    self.identity(new.recorded_by)
                checked = checked_batch(records, self, last + 1, allow_same_day)
                rows = []
                for new in checked:
                    last += 1
                    digest = record_hash(new, last, now, prev)
                    rows.append((last, *_NEW_VALUES(new), now, prev, digest))
                    prev = digest
                if rows:
                    with c.pipeline(), c.cursor() as cur:
                        cur.executemany(_INSERT_NEW, rows)
            if last >= first:
                self._mark("records", last)
        return Appended(first, last, prev)

    def sign(self, record_id: int, meaning: str, signer: str) -> Signature:
        self.identity(signer)
        with self._write() as c:
            done = c.execute(
                "SELECT signed_by FROM osdose.signatures WHERE record_id = %s AND meaning = %s",
                (record_id, meaning),
            ).fetchone()
            target = check_signable(
                self.get(record_id), record_id, signer, self, done[0] if done else None
            )
            last, prev, now = self._head("signatures")
            s = seal_signature(
                Signature(last + 1, record_id, target.hash, meaning, now, signer, prev)
            )
            with c.pipeline():
                c.execute(_SIGN, tuple(getattr(s, k) for k in SIGNATURE_COLUMNS))
                self._mark("signatures", s.id)
        return s

    def _head(self, table: str) -> tuple[int, str, str]:
        """The highest id ever given in ``table``, the hash of its last row, and the
        server's time (one round trip)."""
        row = self.conn.execute(
            f"SELECT h.id, h.hash, (SELECT max(last_id) FROM osdose.high_water "
            f"WHERE tbl = %s), ({_NOW}) FROM (SELECT 1) AS one LEFT JOIN LATERAL "
            f"(SELECT id, hash FROM osdose.{table} ORDER BY id DESC LIMIT 1) AS h ON true",
            (table,),
        ).fetchone()
        assert row is not None
        head_id, head_hash, high, now = row
        return max(head_id or 0, high or 0), head_hash or GENESIS, str(now)

    def _mark(self, table: str, last_id: int) -> None:
        self.conn.execute(
            "INSERT INTO osdose.high_water (tbl, last_id) VALUES (%s, %s)", (table, last_id)
        )

    # the rules' Lookup (osdose.ledger.rules), inside the write transaction

    def get(self, record_id: int) -> Record | None:
        with self._reading():
            row = self.conn.execute(f"{_SELECT} WHERE id = %s", (record_id,)).fetchone()
        return pages.record_of(row, self.location) if row else None

    def voided_by(self, record_id: int) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM osdose.records WHERE voids = %s", (record_id,)
        ).fetchone()
        return int(row[0]) if row else None

    def same_day(self, keys: Sequence[Key]) -> dict[Key, int]:
        # one index lookup (records_patient) per key, however many records there are
        rows = self.conn.execute(
            "SELECT k.patient, k.drug, k.date, m.id "
            "FROM unnest(%s::text[], %s::text[], %s::date[]) AS k (patient, drug, date) "
            "CROSS JOIN LATERAL (SELECT min(r.id) AS id FROM osdose.records r "
            "WHERE r.patient = k.patient AND r.drug = k.drug AND r.date = k.date "
            "AND r.kind = 'administration' AND NOT EXISTS "
            "(SELECT 1 FROM osdose.records v WHERE v.voids = r.id)) AS m "
            "WHERE m.id IS NOT NULL",
            ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]),
        ).fetchall()
        return {(p, d, day): int(i) for p, d, day, i in rows}

    # reading

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read inside sees one state of the ledger (a REPEATABLE READ, READ ONLY
        transaction), and whole-ledger reads stream through a server-side cursor."""
        if self._depth:
            yield
            return
        with self._reading():
            self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            self._rollback()  # nothing to keep: it only read

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        with self._reading():
            if not self._depth:
                yield from self.conn.execute(sql, params).fetchall()
                return
            self._cursors += 1  # a name of its own: two reads may be open at once
            with self.conn.cursor(name=f"osdose_read_{self._cursors}") as cur:
                cur.itersize = 5000
                cur.execute(sql, params)
                yield from cur

    def records(self, patient: str | None = None) -> Iterator[Record]:
        if patient is None:
            rows = self._rows(f"{_SELECT} ORDER BY id")
        else:
            rows = self._rows(PATIENT_QUERY, (patient,))
        for row in rows:
            yield pages.record_of(row, self.location)

    _TABLES = pages.Tables("osdose.records", "osdose.signatures", "%s")

    def voids(self, patient: str) -> Iterator[Record]:
        sql, params = pages.voids_query(patient, self._TABLES)
        for row in self._rows(sql, tuple(params)):
            yield pages.record_of(row, self.location)

    def count(self, page: pages.Page) -> int:
        sql, params = pages.count_query(page, self._TABLES)
        with self._reading():
            row = self.conn.execute(sql, params).fetchone()
        return int(row[0]) if row else 0

    def page(self, page: pages.Page) -> Iterator[pages.Entry]:
        sql, params = pages.page_query(page, self._TABLES)
        yield from pages.grouped(self._rows(sql, tuple(params)), page)

    def signatures(self, patient: str | None = None) -> Iterator[Signature]:
        columns = ", ".join(f"s.{c}" for c in SIGNATURE_COLUMNS)
        if patient is None:
            rows = self._rows(f"SELECT {columns} FROM osdose.signatures s ORDER BY s.id")
        else:
            rows = self._rows(
                f"SELECT {columns} FROM osdose.signatures s JOIN osdose.records r "
                "ON r.id = s.record_id WHERE r.patient = %s ORDER BY s.id",
                (patient,),
            )
        for row in rows:
            yield Signature(*row)

    def integrity(self) -> list[str]:
        """What the database shows of tampering: a guard trigger or function missing,
        changed or disabled; an index missing or changed; UPDATE, DELETE or TRUNCATE granted
        to a role; a removed tail of records (below the high-water mark)."""
        with self._reading():
            problems = []
            for table in ("records", "signatures"):
                top = self.conn.execute(f"SELECT max(id) FROM osdose.{table}").fetchone()
                high = self.conn.execute(
                    "SELECT max(last_id) FROM osdose.high_water WHERE tbl = %s", (table,)
                ).fetchone()
                t = top[0] if top and top[0] else 0
                h = high[0] if high and high[0] else 0
                if h > t:
                    problems.append(lost_tail(table, t, h))
                # A mark below the highest id is no evidence here: a client with INSERT may
                # append a linked record without marking it (the insert trigger allows it).
            query = UNBOUND_SIGNATURES.format(
                signatures="osdose.signatures", records="osdose.records"
            )
            problems += [
                unbound(i, r, bool(e), bool(same), bool(own))
                for i, r, e, same, own in self.conn.execute(query).fetchall()
            ]
            problems += schema_problems(self.conn, self.schema_version)
            problems += grant_problems(self.conn)
        return problems

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PostgresLedger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _row(r: Record) -> tuple[Any, ...]:
    return tuple(getattr(r, name) for name in COLUMNS)
