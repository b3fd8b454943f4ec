"""The SQLite backend: file mode, WAL, append-only triggers, schema versions, tampering."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from osdose.drugs import load_drugs
from osdose.ledger import sqlite as backend
from osdose.ledger.actions import check, listing, record, void
from osdose.ledger.entries import from_options
from osdose.ledger.records import LedgerError
from osdose.ledger.store import open_ledger

from .conftest import run


def _fill(ledger: Path, n: int = 3, patient: str = "P-1") -> None:
    table = load_drugs()
    with open_ledger(ledger, create=True) as store:
        for i in range(n):
            adms = from_options(
                table, date=dt.date(2025, 1, 1 + i), drug="EPI", dose="60 mg", bsa="1.5"
            )
            record(store, adms, patient, "tester")


def test_file_and_its_wal_and_shm_are_owner_only(ledger: Path) -> None:
    _fill(ledger, 1)
    with open_ledger(ledger) as store:
        store.records()  # a reader keeps -wal and -shm open
        files = [ledger, Path(f"{ledger}-wal"), Path(f"{ledger}-shm")]
        assert all(p.exists() for p in files)
        assert [p.stat().st_mode & 0o777 for p in files] == [0o600, 0o600, 0o600]


def test_wal_mode_full_sync_and_schema_version(ledger: Path) -> None:
    _fill(ledger, 1)
    conn = sqlite3.connect(ledger)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(backend.MIGRATIONS)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == backend.APPLICATION_ID
    conn.close()


@pytest.mark.parametrize(
    "statement", ["UPDATE records SET dose = 6 WHERE id = 1", "DELETE FROM records WHERE id = 1"]
)
def test_the_database_itself_refuses_update_and_delete(ledger: Path, statement: str) -> None:
    _fill(ledger, 1)
    conn = sqlite3.connect(ledger)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()


def test_one_void_per_record_is_enforced_by_the_database_too(ledger: Path) -> None:
    _fill(ledger, 1)
    with open_ledger(ledger) as store:
        void(store, 1, "wrong", "x")
    conn = sqlite3.connect(ledger)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(
            "INSERT INTO records (kind, patient, voids, reason, recorded_at, recorded_by, "
            "prev_hash, hash) VALUES ('void', 'P-1', 1, 'again', 't', 'x', 'p', 'h')"
        )
    conn.close()


def test_ids_are_never_reused_even_after_the_last_record_is_removed(ledger: Path) -> None:
    _fill(ledger, 2)
    conn = sqlite3.connect(ledger)
    conn.execute("DROP TRIGGER records_no_delete")
    conn.execute("DELETE FROM records WHERE id = 2")
    conn.commit()
    conn.close()
    _fill(ledger, 1, patient="P-2")
    with open_ledger(ledger) as store:
        ids = [r.id for r in store.records()]
    assert ids == [1, 3]


def test_a_newer_schema_is_refused(ledger: Path) -> None:
    _fill(ledger, 1)
    conn = sqlite3.connect(ledger)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(LedgerError, match="schema version 99, newer than this osdose"):
        open_ledger(ledger)


def test_opening_an_older_ledger_applies_only_the_missing_steps(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(ledger, 1)
    later = (*backend.MIGRATIONS, ("CREATE TABLE later_step (x INTEGER)",))
    monkeypatch.setattr(backend, "MIGRATIONS", later)
    for _ in range(2):  # the second opening finds nothing to do
        with open_ledger(ledger) as store:
            assert check(store).ok
            assert len(store.records()) == 1
    conn = sqlite3.connect(ledger)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM later_step").fetchone()[0] == 0
    conn.close()


def test_another_programs_database_and_a_non_database_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE patients (id TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="not a ledger"):
        open_ledger(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 200)
    with pytest.raises(LedgerError, match="cannot be used"):
        open_ledger(text)


def _tamper(ledger: Path, *statements: str) -> None:
    conn = sqlite3.connect(ledger)
    conn.execute("DROP TRIGGER records_no_update")
    conn.execute("DROP TRIGGER records_no_delete")
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("statement", "broken", "why"),
    [
        ("UPDATE records SET dose = 6.0 WHERE id = 2", 2, "content does not match its hash"),
        ("UPDATE records SET recorded_by = 'someone else' WHERE id = 1", 1, "content"),
        ("DELETE FROM records WHERE id = 2", 3, "previous hash does not match"),
    ],
)
def test_check_names_the_record_that_breaks_the_chain(
    ledger: Path, statement: str, broken: int, why: str
) -> None:
    _fill(ledger, 3)
    _tamper(ledger, statement)
    r = run(ledger, "check")
    assert r.exit_code == 1
    assert f"BROKEN: record {broken}: " in r.stdout and why in r.stdout
    assert "trigger records_no_update is missing" in r.stdout


def test_a_rehashed_forgery_still_breaks_at_the_next_record(ledger: Path) -> None:
    # Changing record 2 and recomputing its own hash moves the break to record 3.
    _fill(ledger, 3)
    with open_ledger(ledger) as store:
        second = store.records()[1]
    from dataclasses import replace

    from osdose.ledger.records import seal

    forged = seal(replace(second, dose=6.0), 2, second.recorded_at, second.prev_hash)
    _tamper(ledger, f"UPDATE records SET dose = 6.0, hash = '{forged.hash}' WHERE id = 2")
    with open_ledger(ledger) as store:
        result = check(store)
    assert result.chain_break is not None and result.chain_break.record_id == 3
    assert result.verified == 2


def test_listing_in_effect_after_tampering_is_still_possible(ledger: Path) -> None:
    _fill(ledger, 2)
    with open_ledger(ledger) as store:
        assert [x.record.id for x in listing(store, "P-1")] == [1, 2]


def test_check_reports_a_ledger_file_others_can_read(ledger: Path) -> None:
    _fill(ledger, 1)
    ledger.chmod(0o644)
    r = run(ledger, "check")
    assert r.exit_code == 1
    assert "the ledger file is mode 0644, readable by others" in r.stdout
