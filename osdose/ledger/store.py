"""The one small interface every ledger backend implements, and where the ledger lives.

SQLite (:mod:`osdose.ledger.sqlite`) is the embedded default, one file on one machine;
PostgreSQL (:mod:`osdose.ledger.postgres`) is the shared ledger of a pharmacy team.
:func:`open_ledger` picks the backend from the location's form; nothing above this
interface knows which backend it talks to. The hash chain is computed in
:mod:`osdose.ledger.records`, not by the backend, so it means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

from osdose.ledger.location import ENV, FILE_NAME, default_location, is_postgres, resolve
from osdose.ledger.pages import Entry, Page
from osdose.ledger.records import Appended, LedgerError, NewRecord, Record, Signature


class LedgerStore(Protocol):
    """An append-only store of :class:`Record`s and their second :class:`Signature`s.

    Every backend guarantees, inside one write transaction per :meth:`append` or
    :meth:`sign` call that serialises with every other writer:

    - records are appended all-or-nothing, never updated or deleted;
    - ids increase and are never reused; each record's ``prev_hash`` is the hash of the
      record before it, read inside the same transaction (signatures likewise, in a chain
      of their own);
    - a void names an existing administration that no other void names, and takes the
      patient of the record it voids;
    - unless ``allow_same_day``, an administration is refused when the same patient
      already has the same drug in effect on the same date (a double entry or import);
    - no number outside the ranges of :func:`osdose.ledger.records.check_values`;
    - a signature carries the hash of the record it signs and is not by its recorder.

    Reads stream (:meth:`records` is an iterator); inside :meth:`snapshot` every read
    sees one state of the ledger.
    """

    location: str  # for messages: a path, or a URL without its password
    schema_version: int
    # this store created its ledger, empty, to append to (a SQLite file that was missing):
    # said aloud, since a ledger removed by mistake would otherwise start again at id 1
    created: bool

    def identity(self, claimed: str | None) -> str:
        """Who records or verifies: ``claimed`` (``--by``) as the backend allows it."""
        ...

    def append(self, records: Sequence[NewRecord], allow_same_day: bool = False) -> list[Record]:
        """Append ``records`` in one transaction; return them as stored."""
        ...

    def append_all(
        self, batches: Iterable[Sequence[NewRecord]], allow_same_day: bool = False
    ) -> Appended:
        """Append every batch of ``batches`` in one transaction, all or nothing (an error
        from the iterable itself too), each batch checked by the rules against what is
        stored, earlier batches included, and let go once inserted: an import of any size
        in the memory of one batch. Ids are given in order, ``first`` to ``last``."""
        ...

    def sign(self, record_id: int, meaning: str, signer: str) -> Signature:
        """Put a second signature on record ``record_id``; return it as stored."""
        ...

    def records(self, patient: str | None = None) -> Iterator[Record]:
        """Every record (of ``patient``), in id order."""
        ...

    def voids(self, patient: str) -> Iterator[Record]:
        """The voids that bear on ``patient``'s records (:func:`~osdose.ledger.pages.
        voids_query`), in id order."""
        ...

    def signatures(self, patient: str | None = None) -> Iterator[Signature]:
        """Every signature (on a record of ``patient``), in id order."""
        ...

    def get(self, record_id: int) -> Record | None: ...

    def count(self, page: Page) -> int:
        """How many records ``page`` holds, its limit aside."""
        ...

    def page(self, page: Page) -> Iterator[Entry]:
        """The records of ``page`` sorted by date, then id, streamed as the database gives
        them (:data:`~osdose.ledger.pages.Entry`): each record's row, the id of the void
        that voids it (``None`` while in effect) and its second signatures' rows."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see one consistent state of the ledger."""
        ...

    def integrity(self) -> list[str]:
        """Problems the database itself shows (empty when sound): storage, the shipped
        triggers and indexes, a removed tail of records."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> LedgerStore: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def default_path() -> Path:
    """The default ledger file (``$OSDOSE_LEDGER`` when it is a path)."""
    return Path(default_location())


def open_ledger(
    location: str | Path | None = None, create: bool = False, write: bool = False
) -> LedgerStore:
    """Open the ledger at ``location`` (``None``: ``$OSDOSE_LEDGER``, else the default file).

    By default for reading only: nothing is created, migrated or written, so a typo in a
    path is an error, not a new empty ledger. ``write=True`` to append (a SQLite ledger of
    an older schema is upgraded); ``create=True`` also creates a missing SQLite ledger (a
    PostgreSQL ledger is created by :func:`init_ledger`).
    """
    where = resolve(location)
    if is_postgres(where):
        from osdose.ledger.postgres import PostgresLedger

        return PostgresLedger(where, create=create, write=write)
    from osdose.ledger.sqlite import SQLiteLedger

    return SQLiteLedger(where, create=create, write=write)


def ledger_files(location: str | Path | None = None) -> list[Path]:
    """The files a ledger is kept in (a SQLite file and its -wal and -shm; none for a
    server): what an output file must never be."""
    where = resolve(location)
    if is_postgres(where):
        return []
    return [Path(where), Path(f"{where}-wal"), Path(f"{where}-shm")]


@dataclass(frozen=True)
class InitResult:
    """What ``ledger init`` did."""

    location: str
    backend: str  # "sqlite" or "postgresql"
    created: bool
    applied: tuple[int, ...]  # schema versions applied now
    schema_version: int
    granted: tuple[str, ...]  # GRANT statements applied (PostgreSQL)
    grants_to_run: tuple[str, ...]  # the GRANTs for a role to record (PostgreSQL)


def init_ledger(location: str | Path | None = None, grant: Sequence[str] = ()) -> InitResult:
    """Create the ledger, or bring its schema to this osdose's version; on PostgreSQL
    also grant each role in ``grant`` what it needs to record (SELECT, INSERT)."""
    where = resolve(location)
    if is_postgres(where):
        from osdose.ledger import postgres_admin
        from osdose.ledger.location import redact

        created, applied, version, done = postgres_admin.initialise(where, grant)
        example = postgres_admin.grant_statements(version, grant or ["osdose_writer"])
        return InitResult(
            redact(where), "postgresql", created, tuple(applied), version, tuple(done),
            tuple(example),
        )  # fmt: skip
    if grant:
        raise LedgerError(
            "--grant is for a PostgreSQL ledger: who may write a SQLite ledger is the file's "
            "mode (0600, its owner)"
        )
    from osdose.ledger import sqlite

    created, applied, version = sqlite.initialise(where)
    return InitResult(where, "sqlite", created, tuple(applied), version, (), ())


__all__ = [
    "ENV",
    "FILE_NAME",
    "InitResult",
    "LedgerError",
    "LedgerStore",
    "NewRecord",
    "Record",
    "default_path",
    "init_ledger",
    "ledger_files",
    "open_ledger",
]
