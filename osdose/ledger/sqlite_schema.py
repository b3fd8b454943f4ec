"""The SQLite ledger's schema: its versioned migration steps, and the objects a sound
ledger of each version holds (what ``ledger check`` compares, SQL text included).

``PRAGMA user_version`` holds the version. The PostgreSQL schema
(:mod:`osdose.ledger.postgres_schema`) has the same version numbers for the same content.
"""

from __future__ import annotations

import functools
import sqlite3

APPLICATION_ID = 0x6F73646F  # "osdo": marks a SQLite file as an osdose ledger

# One tuple of statements per schema version; opening a ledger to write applies the ones
# it lacks, in one transaction. Never edit a released step: add one. (Step 1 is the text
# of the first release to the byte: `ledger check` compares the stored SQL with it.)
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
    (
        # second signatures (ledger verify-record), with their own hash chain
        """CREATE TABLE signatures (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            record_id INTEGER NOT NULL REFERENCES records (id),
            record_hash TEXT NOT NULL,
            meaning TEXT NOT NULL CHECK (meaning IN ('verified')),
            signed_at TEXT NOT NULL,
            signed_by TEXT NOT NULL CHECK (length(signed_by) > 0),
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            UNIQUE (record_id, meaning)
        )""",
        # one patient's records in id order without a sort: O(that patient's records)
        "CREATE INDEX records_patient_id ON records (patient, id)",
        """CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
           BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a signature is never updated');
           END""",
        """CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
           BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a signature is never deleted');
           END""",
        """CREATE TRIGGER signatures_bound BEFORE INSERT ON signatures
           BEGIN
             SELECT RAISE(ABORT, 'a signature must carry the hash of the record it signs')
               WHERE NEW.record_hash IS NOT (SELECT hash FROM records WHERE id = NEW.record_id);
             SELECT RAISE(ABORT, 'a record is verified by someone other than its recorder')
               WHERE NEW.signed_by = (SELECT recorded_by FROM records WHERE id = NEW.record_id);
           END""",
    ),
)


def version() -> int:
    """The schema version this osdose writes (the number of steps)."""
    return len(MIGRATIONS)


Object = tuple[str, str, str]  # type, name, table


@functools.cache
def expected_objects(version: int) -> dict[Object, str | None]:
    """Every schema object of a sound ledger at ``version`` and its SQL text, as SQLite
    stores it (built by applying the steps to an in-memory database)."""
    conn = sqlite3.connect(":memory:")
    try:
        for step in MIGRATIONS[:version]:
            for statement in step:
                conn.execute(statement)
        return objects(conn)
    finally:
        conn.close()


def objects(conn: sqlite3.Connection) -> dict[Object, str | None]:
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name != 'sqlite_sequence'"
    ).fetchall()
    return {(t, n, tbl): sql for t, n, tbl, sql in rows}


def schema_problems(conn: sqlite3.Connection, version: int) -> list[str]:
    """How the ledger's schema differs from the one osdose installs at ``version``."""
    want = expected_objects(version)
    have = objects(conn)
    problems = []
    for (kind, name, table), sql in want.items():
        what = "append-only trigger" if kind == "trigger" else kind
        if (kind, name, table) not in have:
            problems.append(f"the {what} {name} is missing (someone removed it)")
        elif have[(kind, name, table)] != sql:
            problems.append(
                f"the {what} {name} differs from the one osdose installs (its SQL was changed)"
            )
    problems += [
        f"the {kind} {name} on {table} was not installed by osdose (someone added it)"
        for (kind, name, table) in have
        if (kind, name, table) not in want
    ]
    return problems


def migrate(conn: sqlite3.Connection, version: int) -> list[int]:
    """Apply the steps after ``version`` (inside the caller's write transaction); the
    versions applied."""
    applied = []
    for number in range(version, len(MIGRATIONS)):
        for statement in MIGRATIONS[number]:
            conn.execute(statement)
        applied.append(number + 1)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    return applied
