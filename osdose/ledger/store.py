"""The one small interface every ledger backend implements, and where the ledger lives.

SQLite (:mod:`osdose.ledger.sqlite`) is the embedded default. A server backend (for
example PostgreSQL, for a team that shares one ledger) is another module implementing
:class:`LedgerStore`, chosen by :func:`open_ledger` from the location's form; nothing
above this interface knows which backend it talks to. The hash chain is computed in
:mod:`osdose.ledger.records`, not by the backend, so it means the same everywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol

from osdose.ledger.records import LedgerError, NewRecord, Record

ENV = "OSDOSE_LEDGER"
FILE_NAME = "ledger.sqlite3"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")  # two letters at least: C:/ is a Windows path


class LedgerStore(Protocol):
    """An append-only store of :class:`Record`s.

    Every backend guarantees, inside one write transaction per :meth:`append` call that
    serialises with every other writer:

    - records are appended all-or-nothing, never updated or deleted;
    - ids increase and are never reused; each record's ``prev_hash`` is the hash of the
      record before it, read inside the same transaction;
    - a void names an existing administration that no other void names, and takes the
      patient of the record it voids;
    - unless ``allow_same_day``, an administration is refused when the same patient
      already has the same drug in effect on the same date (a double entry or import).
    """

    location: str

    def append(self, records: Sequence[NewRecord], allow_same_day: bool = False) -> list[Record]:
        """Append ``records`` in one transaction; return them as stored."""
        ...

    def records(self, patient: str | None = None) -> list[Record]:
        """Every record (of ``patient``), in id order."""
        ...

    def get(self, record_id: int) -> Record | None: ...

    def integrity(self) -> list[str]:
        """Problems the database itself finds in its storage (empty when sound)."""
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
    """``$OSDOSE_LEDGER``, else ``ledger.sqlite3`` in the user data directory."""
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("osdose", appauthor=False)) / FILE_NAME


def open_ledger(location: str | Path | None = None, create: bool = False) -> LedgerStore:
    """Open the ledger at ``location`` (``None``: :func:`default_path`).

    ``create=False`` refuses a ledger that does not exist yet, so that reading commands
    never leave an empty ledger behind a typo in a path.
    """
    where = default_path() if location is None or str(location) == "" else Path(location)
    if _URL.match(str(where)):  # pathlib folds "postgresql://h/db" into "postgresql:/h/db"
        raise LedgerError(
            f"ledger {location or where}: only a local SQLite file is supported in this build "
            "(a server backend would be another LedgerStore module)"
        )
    from osdose.ledger.sqlite import SQLiteLedger

    return SQLiteLedger(where, create=create)


__all__ = [
    "ENV",
    "LedgerError",
    "LedgerStore",
    "NewRecord",
    "Record",
    "default_path",
    "open_ledger",
]
