"""`ledger check` notices every loss it can (issue 10 §7), on both backends: a changed,
removed or forged record, a removed tail, guards changed or turned off, a chain recomputed
after an edit (against a head kept elsewhere), an empty or truncated file. Exit 0 intact,
1 tampering or loss, 2 unusable input."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from osdose.drugs import load_drugs
from osdose.ledger.actions import listing, record
from osdose.ledger.check import check
from osdose.ledger.entries import from_options
from osdose.ledger.records import GENESIS, LedgerError, seal
from osdose.ledger.store import open_ledger

from .backends import superuser, tamper
from .conftest import as_user, epi_60, is_pg, run, snapshot


def _fill(ledger: str, n: int = 3, patient: str = "P-1") -> None:
    table = load_drugs()
    with open_ledger(as_user(ledger, "tester"), create=True) as store:
        for i in range(n):
            adms = from_options(
                table,
                date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                drug="EPI",
                dose="60 mg",
                bsa="1.5",
            )
            record(store, adms, patient, "tester")


def _check(ledger: str, *args: str) -> tuple[int, str]:
    r = run(ledger, "check", *args)
    assert r.stderr == "", r.stderr
    return r.exit_code, r.stdout


def _head(ledger: str) -> str:
    return str(json.loads(run(ledger, "check", "-f", "json").stdout)["head_hash"])


# On SQLite, tampering means dropping the append-only triggers first (check names them
# too); on PostgreSQL the owner disables the guards and enables them again afterwards.
def _guards_dropped(ledger: str) -> list[str]:
    if is_pg(ledger):
        return []
    return [
        f"BROKEN: the append-only trigger {t} is missing (someone removed it)"
        for t in (
            "records_no_update",
            "records_no_delete",
            "signatures_no_update",
            "signatures_no_delete",
        )
    ]


@pytest.mark.parametrize(
    ("statement", "line"),
    [
        (
            "UPDATE records SET dose = 6.0 WHERE id = 2",
            "BROKEN: record 2: its content does not match its hash (it was changed) "
            "(1 of 3 records verify before it)",
        ),
        (
            "UPDATE records SET recorded_by = 'someone else' WHERE id = 1",
            "BROKEN: record 1: its content does not match its hash (it was changed) "
            "(0 of 3 records verify before it)",
        ),
        (
            "DELETE FROM records WHERE id = 2",
            "BROKEN: record 3: its previous hash does not match the record before it (a record "
            "before it was removed, inserted or changed) (1 of 2 records verify before it)",
        ),
    ],
    ids=["dose changed", "recorder changed", "middle record removed"],
)
def test_check_names_the_record_that_breaks_the_chain(
    ledger: str, statement: str, line: str
) -> None:
    _fill(ledger, 3)
    tamper(ledger, statement)
    code, out = _check(ledger)
    assert code == 1
    assert out.splitlines() == [line, *_guards_dropped(ledger)]


def test_a_rehashed_forgery_still_breaks_at_the_next_record(ledger: str) -> None:
    # Changing record 2 and recomputing its own hash moves the break to record 3.
    _fill(ledger, 3)
    with open_ledger(ledger) as store:
        second = list(store.records())[1]
    forged = seal(replace(second, dose=6.0), 2, second.recorded_at, second.prev_hash)
    tamper(ledger, f"UPDATE records SET dose = 6.0, hash = '{forged.hash}' WHERE id = 2")
    with open_ledger(ledger) as store:
        result = check(store)
    assert result.chain_break is not None and result.chain_break.record_id == 3
    assert result.verified == 2


def _recompute_chain_after(ledger: str, changed_id: int, dose: float) -> None:
    """What a careful forger does: change a record, then recompute every hash after it."""
    with open_ledger(ledger) as store:
        records = list(store.records())
    statements = []
    prev = GENESIS
    for r in records:
        new = replace(r, dose=dose) if r.id == changed_id else r
        sealed = seal(new, r.id, r.recorded_at, prev)
        statements.append(
            f"UPDATE records SET dose = {sealed.dose!r}, prev_hash = '{prev}', "
            f"hash = '{sealed.hash}' WHERE id = {r.id}"
        )
        prev = sealed.hash
    tamper(ledger, *reversed(statements))  # from the end: hashes stay unique throughout


def test_a_recomputed_chain_is_caught_by_the_head_kept_elsewhere(ledger: str) -> None:
    _fill(ledger, 3)
    kept = _head(ledger)  # printed by record and by check; kept where writers cannot reach
    assert _check(ledger, "--expect-head", kept)[0] == 0
    _fill(ledger, 1, patient="P-2")  # the ledger grows: the old head stays in it
    assert _check(ledger, "--expect-head", kept)[0] == 0
    _recompute_chain_after(ledger, 2, 6.0)
    code, out = _check(ledger)
    assert code == (0 if is_pg(ledger) else 1)  # SQLite: only the dropped triggers show
    code, out = _check(ledger, "--expect-head", kept.upper())
    assert code == 1
    assert (
        f"BROKEN: the head {kept} kept earlier (--expect-head) is not in the ledger: records "
        "up to it were changed and the chain recomputed, or removed"
    ) in out.splitlines()


def test_a_removed_tail_is_caught_by_the_high_water_mark(ledger: str) -> None:
    # The chain of what is left still verifies: only the ids given before show the loss.
    _fill(ledger, 5)
    tamper(ledger, "DELETE FROM records WHERE id >= 4")
    code, out = _check(ledger)
    assert code == 1
    assert out.splitlines() == [
        "BROKEN: records 4 to 5 are missing: ids up to 5 were given but the highest left is 3 "
        "(the last records were removed)",
        *_guards_dropped(ledger),
    ]
    # and the next record does not reuse the ids
    r = run(ledger, *epi_60("P-1", "2025-02-01", "--by", "x"))
    assert r.stdout == "6\n"


def _mark(ledger: str, value: int | None) -> list[str]:
    """The statements that set the records' high-water mark to ``value`` (None: remove it)."""
    if is_pg(ledger):
        out = ["DELETE FROM high_water WHERE tbl = 'records'"]
        return (
            out if value is None else [*out, f"INSERT INTO high_water VALUES ('records', {value})"]
        )
    if value is None:
        return ["DELETE FROM sqlite_sequence WHERE name = 'records'"]
    return [f"UPDATE sqlite_sequence SET seq = {value} WHERE name = 'records'"]


def test_a_removed_tail_and_mark_is_caught_by_the_head_kept_elsewhere(ledger: str) -> None:
    _fill(ledger, 5)
    kept = _head(ledger)
    tamper(ledger, "DELETE FROM records WHERE id >= 4", *_mark(ledger, 3))
    # what is left is consistent: the chain verifies, the mark is the highest id (SQLite:
    # only the triggers dropped to delete show)
    assert _check(ledger)[0] == (1 if _guards_dropped(ledger) else 0)
    code, out = _check(ledger, "--expect-head", kept)
    assert code == 1
    assert f"BROKEN: the head {kept} kept earlier" in out


@pytest.mark.parametrize("mark", [None, 2], ids=["removed", "lowered"])
def test_a_high_water_mark_removed_or_lowered_by_hand_is_named(
    sqlite_ledger: Path, mark: int | None
) -> None:
    # SQLite raises sqlite_sequence with every insert and never lowers it: below the highest
    # id, someone edited it (to hide a tail removed with it, say). On PostgreSQL a client
    # with INSERT may append a linked record without a mark, so a low mark proves nothing.
    ledger = str(sqlite_ledger)
    _fill(ledger, 5)
    tamper(ledger, "DELETE FROM records WHERE id >= 4", *_mark(ledger, mark))
    code, out = _check(ledger)
    found = "is missing" if mark is None else "is 2"
    assert code == 1
    assert out.splitlines() == [
        f"BROKEN: the high-water mark of records {found} but the highest id is 3: it was "
        "lowered or removed by hand (the last records may have been removed with it; check "
        "with --expect-head)",
        *_guards_dropped(ledger),
    ]
    # and the next record still does not reuse an id: it follows the highest left
    assert run(ledger, *epi_60("P-1", "2025-02-01", "--by", "x")).stdout == "4\n"


def test_a_changed_guard_is_named_even_when_it_keeps_its_name(ledger: str) -> None:
    _fill(ledger, 1)
    if is_pg(ledger):
        with superuser(ledger) as conn:
            conn.execute(
                "CREATE OR REPLACE FUNCTION osdose.refuse_change() RETURNS trigger "
                "LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$"
            )
        expected = [
            "BROKEN: the function refuse_change differs from the one osdose installs (it was changed)"
        ]
    else:
        conn = superuser(ledger)
        conn.execute("DROP TRIGGER records_no_update")
        conn.execute(
            "CREATE TRIGGER records_no_update BEFORE UPDATE ON records WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END"
        )
        conn.close()
        expected = [
            "BROKEN: the append-only trigger records_no_update differs from the one osdose "
            "installs (its SQL was changed)"
        ]
    code, out = _check(ledger)
    assert (code, out.splitlines()) == (1, expected)


def test_an_added_trigger_is_named(ledger: str) -> None:
    _fill(ledger, 1)
    conn = superuser(ledger)
    if is_pg(ledger):
        conn.execute(
            "CREATE TRIGGER sneaky BEFORE INSERT ON osdose.records FOR EACH ROW "
            "EXECUTE FUNCTION osdose.refuse_change()"
        )
        expected = "BROKEN: the trigger sneaky was not installed by osdose (someone added it)"
    else:
        conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON records BEGIN SELECT 1; END")
        expected = (
            "BROKEN: the trigger sneaky on records was not installed by osdose (someone added it)"
        )
    conn.close()
    assert _check(ledger) == (1, expected + "\n")


def test_a_removed_index_is_named(ledger: str) -> None:
    _fill(ledger, 1)
    conn = superuser(ledger)
    conn.execute(f"DROP INDEX {'osdose.' if is_pg(ledger) else ''}records_one_void")
    conn.close()
    assert _check(ledger) == (
        1,
        "BROKEN: the index records_one_void is missing (someone removed it)\n",
    )


def test_a_record_changed_by_hand_is_refused_by_every_reader(ledger: str) -> None:
    """Only `ledger check` reads a changed record, to report it: every other reader refuses
    it in one line, as it refuses a number changed into a word (a dose changed in place
    would otherwise reach a total, a list, or an exported course file unseen)."""
    _fill(ledger, 2)
    with open_ledger(ledger) as store:
        assert [x.record.id for x in listing(store, "P-1")] == [1, 2]
    tamper(ledger, "UPDATE records SET dose = 6.0 WHERE id = 2")
    says = (
        ": record 2: its content does not match its hash: it was changed outside osdose after "
        "it was recorded, and is not used (run osdose ledger check)"
    )
    with open_ledger(ledger) as store, pytest.raises(LedgerError) as caught:
        listing(store, "P-1")
    assert str(caught.value).endswith(says)
    for args in (
        ["list", "-p", "P-1"],
        ["list", "-p", "P-1", "--all", "-f", "json"],
        ["list", "-p", "P-1", "--include-void"],
        ["export", "-p", "P-1"],
        ["export", "-p", "P-1", "--format", "jsonl"],
    ):
        r = run(ledger, *args)
        assert (r.exit_code, r.stdout) == (2, ""), args
        assert r.stderr.startswith("osdose: error: ledger ") and r.stderr.endswith(f"{says}\n")
    assert _check(ledger)[0] == 1


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE records SET voids = 2 WHERE id = 4",  # retargeted: record 1 back in effect
        "UPDATE records SET patient = 'P-2' WHERE id = 4",  # moved to another patient
        "UPDATE records SET reason = 'typo' WHERE id = 4",
    ],
)
def test_a_void_changed_by_hand_is_refused_by_every_reader(ledger: str, change: str) -> None:
    """What takes a record out of effect is checked as the records are: a list or export
    of the administrations in effect reads no void as a row, so each reader checks the
    voids bearing on the patient's records first."""
    _fill(ledger, 3)
    r = run(ledger, "void", "1", "--reason", "entered twice", "--by", "tester")
    assert r.exit_code == 0, r.stderr
    with open_ledger(ledger) as store:
        assert [x.record.id for x in listing(store, "P-1")] == [2, 3]
    tamper(ledger, change)
    says = (
        ": record 4: its content does not match its hash: it was changed outside osdose after "
        "it was recorded, and is not used (run osdose ledger check)\n"
    )
    for args in (
        ["list", "-p", "P-1"],
        ["list", "-p", "P-1", "-f", "json"],
        ["list", "-p", "P-1", "--include-void"],
        ["export", "-p", "P-1"],
        ["export", "-p", "P-1", "-f", "jsonl"],
    ):
        r = run(ledger, *args)
        assert (r.exit_code, r.stdout) == (2, ""), args
        assert r.stderr.startswith("osdose: error: ledger ") and r.stderr.endswith(says), args
    from typer.testing import CliRunner

    from osdose.cli import app

    r = CliRunner().invoke(app, ["cumulative", "--ledger", ledger, "--patient", "P-1"])
    assert (r.exit_code, r.stdout) == (2, "") and r.stderr.endswith(says)
    assert _check(ledger)[0] == 1


_READERS = (
    ["list", "-p", "P-1"],
    ["list", "-p", "P-1", "-f", "json", "--include-void"],
    ["export", "-p", "P-1"],
    ["export", "-p", "P-1", "-f", "jsonl"],
    ["verify-record", "2", "--meaning", "verified", "--by", "someone"],
)


@pytest.mark.parametrize("value", ["'x1'", "X'00ff'", "7"])
@pytest.mark.parametrize("record_id", [2, 4])  # an administration; the void of record 1
def test_no_reader_uses_any_field_changed_by_hand(
    sqlite_ledger: Path, record_id: int, value: str
) -> None:
    """Every column of a record and of a void, changed by hand to a word, bytes or a number
    (SQLite keeps any type in any column): `ledger check` reports it (exit 1), and every
    reader refuses it in one line (exit 2), never an internal error, never a result. (The
    patient column aside: a record moved to another patient is missing from this one's,
    which only `ledger check` can see.)"""
    import sqlite3

    from typer.testing import CliRunner

    from osdose.cli import app
    from osdose.ledger.records import COLUMNS

    _fill(str(sqlite_ledger), 3)
    r = run(sqlite_ledger, "void", "1", "--reason", "entered twice", "--by", "tester")
    assert r.exit_code == 0, r.stderr
    tried = 0
    for column in COLUMNS[1:]:
        if column == "patient":
            continue
        ledger = str(sqlite_ledger.with_name(f"{column}.sqlite3"))
        with sqlite3.connect(sqlite_ledger) as source, sqlite3.connect(ledger) as copy:
            source.backup(copy)  # the ledger as it was, WAL included
        conn = sqlite3.connect(ledger)
        try:
            conn.execute("DROP TRIGGER records_no_update")
            conn.execute(f"UPDATE records SET {column} = {value} WHERE id = {record_id}")
            conn.commit()
        except sqlite3.IntegrityError:  # the table's own checks refuse it (kind, unit …)
            continue
        finally:
            conn.close()
        tried += 1
        assert _check(ledger)[0] == 1, column
        for args in _READERS[: None if record_id == 2 else -1]:  # it signs record 2 alone
            r = run(ledger, *args)
            assert r.exit_code == 2 and r.stdout == "", (column, args, r.stdout)
            assert r.stderr.startswith("osdose: error: ledger ") and r.stderr.count("\n") == 1
        r = CliRunner().invoke(app, ["cumulative", "--ledger", ledger, "--patient", "P-1"])
        assert r.exit_code == 2 and r.stderr.startswith("osdose: error: ledger "), column
    assert tried >= 12  # the columns the table's checks let through


def test_bytes_stored_where_text_belongs_are_a_change_not_a_crash(sqlite_ledger: Path) -> None:
    """SQLite keeps a value of any type in any column: bytes (a BLOB) written by hand where
    a record's text belongs have no canonical text, so no hash matches them. `ledger
    check` reports the record (it was an internal error, a TypeError) and every reader
    refuses it."""
    ledger = str(sqlite_ledger)
    _fill(ledger, 2)
    tamper(ledger, "UPDATE records SET source = X'00ff' WHERE id = 2")
    code, out = _check(ledger)
    assert code == 1
    assert out.splitlines()[0] == (
        "BROKEN: record 2: its content does not match its hash (it was changed) "
        "(1 of 2 records verify before it)"
    )
    for args in (["list", "-p", "P-1", "-f", "json"], ["export", "-p", "P-1"]):
        r = run(ledger, *args)
        assert (r.exit_code, r.stdout) == (2, ""), args
        assert r.stderr.endswith(": record 2: its content does not match its hash: it was "
                                 "changed outside osdose after it was recorded, and is not "
                                 "used (run osdose ledger check)\n")  # fmt: skip
    # bytes where the date belongs: damage that every reader words as such
    tamper(ledger, "UPDATE records SET source = NULL, date = X'00ff' WHERE id = 2")
    for args in (["list", "-p", "P-1"], ["list", "-p", "P-1", "-f", "json"],
                 ["export", "-p", "P-1", "-f", "jsonl"]):  # fmt: skip
        r = run(ledger, *args)
        assert (r.exit_code, r.stdout) == (2, ""), args
        assert r.stderr == (
            f"osdose: error: ledger {ledger}: record 2: its date b'\\x00\\xff' is not a date "
            "written YYYY-MM-DD: the ledger was changed outside osdose; restore it from a backup\n"
        ), args


def test_unusable_input_is_exit_2(ledger: str, tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    r = run(missing, "check")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith(f"osdose: error: no ledger at {missing}")
    if is_pg(ledger):
        gone = ledger.rsplit("/", 1)[0] + "/no_such_database_osdose"
        r = run(gone, "check")
        assert r.exit_code == 2
        assert r.stderr.startswith(
            f"osdose: error: cannot connect to the PostgreSQL ledger {gone}: "
        )


# -- damaged SQLite files ------------------------------------------------------------------


def test_an_empty_file_is_a_loss_for_check_and_an_error_for_everything_else(
    sqlite_ledger: Path,
) -> None:
    _fill(str(sqlite_ledger), 3)
    os.truncate(sqlite_ledger, 0)
    empty = (
        f"ledger {sqlite_ledger} is empty (0 bytes): an osdose ledger never is, so it was "
        "truncated; restore it from a backup (or remove the file if it is not a ledger)"
    )
    assert _check(str(sqlite_ledger)) == (1, f"BROKEN: {empty}\n")
    r = run(sqlite_ledger, "check", "-f", "json")
    assert (r.exit_code, json.loads(r.stdout)["problems"]) == (1, [empty])
    for args in (
        ["list", "-p", "P-1"],
        epi_60("P-1", "2025-02-01", "--by", "x"),
        ["export", "-p", "P-1"],
    ):
        r = run(sqlite_ledger, *args)
        assert (r.exit_code, r.stderr) == (2, f"osdose: error: {empty}\n")
    from typer.testing import CliRunner

    from osdose.cli import app

    r = CliRunner().invoke(app, ["cumulative", "--ledger", str(sqlite_ledger), "--patient", "P-1"])
    assert (r.exit_code, r.stderr) == (2, f"osdose: error: {empty}\n")
    assert sqlite_ledger.stat().st_size == 0  # record did not start again at id 1


@pytest.mark.parametrize("keep", [0.5, 50 / 4096, 0.99])
def test_a_truncated_file_is_a_loss(sqlite_ledger: Path, keep: float) -> None:
    _fill(str(sqlite_ledger), 40)
    size = sqlite_ledger.stat().st_size
    os.truncate(sqlite_ledger, int(size * keep))
    code, out = _check(str(sqlite_ledger))
    assert code == 1
    assert out.startswith(f"BROKEN: ledger {sqlite_ledger} is truncated")
    r = run(sqlite_ledger, "list", "-p", "P-1")
    assert r.exit_code == 2 and "is truncated" in r.stderr


def test_a_damaged_page_is_a_loss(sqlite_ledger: Path) -> None:
    _fill(str(sqlite_ledger), 40)
    data = bytearray(sqlite_ledger.read_bytes())
    page = 4096
    data[2 * page : 3 * page] = b"\xff" * page  # a page of the records table, overwritten
    sqlite_ledger.write_bytes(bytes(data))
    code, out = _check(str(sqlite_ledger))
    assert code == 1
    assert out.startswith("BROKEN: ")


def test_check_reads_only(ledger: str) -> None:
    _fill(ledger, 2)
    before = snapshot(ledger)
    assert _check(ledger)[0] == 0
    assert snapshot(ledger) == before


def test_a_removed_ledger_file_does_not_start_again_silently(sqlite_ledger: Path) -> None:
    """A missing file is a new ledger to record and import (nothing shows it was ever
    there), so the command that creates it says so; readers refuse it."""
    _fill(str(sqlite_ledger), 3)
    kept = _head(str(sqlite_ledger))
    sqlite_ledger.unlink()
    for reader in (["check"], ["list", "-p", "P-1"], ["export", "-p", "P-1"]):
        r = run(sqlite_ledger, *reader)
        assert r.exit_code == 2 and r.stderr.startswith(
            f"osdose: error: no ledger at {sqlite_ledger}"
        )
        assert not sqlite_ledger.exists()
    r = run(sqlite_ledger, *epi_60("P-1", "2025-02-01", "--by", "x"))
    assert (r.exit_code, r.stdout) == (0, "1\n")
    assert r.stderr.splitlines()[0] == (
        f"osdose: note: no ledger was at {sqlite_ledger}: created a new one (ids start at 1)"
    )
    # the head kept from the old ledger is not in the new one
    code, out = _check(str(sqlite_ledger), "--expect-head", kept)
    assert code == 1 and f"BROKEN: the head {kept} kept earlier" in out
    # the next record into the same ledger is not new
    r = run(sqlite_ledger, *epi_60("P-1", "2025-02-02", "--by", "x"))
    assert r.stderr.startswith("recorded 1 administration")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("tables", "found"),
    [
        (["records"], "the table osdose.records is missing (dropped, with every row in it)"),
        (
            ["records", "signatures"],
            "the tables osdose.records, osdose.signatures are missing (dropped, with every "
            "row in them)",
        ),
    ],
)
def test_a_dropped_table_is_a_loss_for_check_and_an_error_for_everything_else(
    pg: str, tables: list[str], found: str
) -> None:
    """PostgreSQL's equivalent of an empty file: the schema says which tables there are."""
    _fill(pg, 2)
    with superuser(pg) as conn:
        for t in tables:
            conn.execute(f"DROP TABLE osdose.{t} CASCADE")
    damaged = f"ledger {pg}: {found}: restore the database from a backup"
    assert _check(pg) == (1, f"BROKEN: {damaged}\n")
    for args in (["list", "-p", "P-1"], epi_60("P-1", "2025-02-01")):
        r = run(pg, *args)
        assert (r.exit_code, r.stderr) == (2, f"osdose: error: {damaged}\n")
