"""The SQLite backend as a file: mode, WAL, append-only triggers, schema versions, and what
is at the path (issue 10 §6, §8): links, other files, read-only files and folders."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from osdose.drugs import load_drugs
from osdose.ledger import sqlite_schema
from osdose.ledger.actions import check, record, void
from osdose.ledger.entries import from_options
from osdose.ledger.records import LedgerError
from osdose.ledger.store import open_ledger

from .conftest import epi_60, run, snapshot


def _fill(ledger: Path, n: int = 3, patient: str = "P-1") -> None:
    table = load_drugs()
    with open_ledger(ledger, create=True) as store:
        for i in range(n):
            adms = from_options(
                table, date=dt.date(2025, 1, 1 + i), drug="EPI", dose="60 mg", bsa="1.5"
            )
            record(store, adms, patient, "tester")


def test_file_and_its_wal_and_shm_are_owner_only(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 1)
    with open_ledger(sqlite_ledger) as store:
        list(store.records())  # a reader keeps -wal and -shm open
        files = [sqlite_ledger, Path(f"{sqlite_ledger}-wal"), Path(f"{sqlite_ledger}-shm")]
        assert all(p.exists() for p in files)
        assert [p.stat().st_mode & 0o777 for p in files] == [0o600, 0o600, 0o600]
    # closed cleanly: nothing but the ledger is left in the folder
    assert sorted(p.name for p in sqlite_ledger.parent.iterdir()) == ["ledger.sqlite3"]


def test_wal_mode_full_sync_and_schema_version(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 1)
    conn = sqlite3.connect(sqlite_ledger)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2 == len(sqlite_schema.MIGRATIONS)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == sqlite_schema.APPLICATION_ID
    conn.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE records SET dose = 6 WHERE id = 1",
        "DELETE FROM records WHERE id = 1",
        "UPDATE signatures SET signed_by = 'x' WHERE id = 1",
        "DELETE FROM signatures WHERE id = 1",
    ],
)
def test_the_database_itself_refuses_update_and_delete(sqlite_ledger: Path, statement: str) -> None:
    _fill(sqlite_ledger, 1)
    assert (
        run(sqlite_ledger, "verify-record", "1", "--meaning", "verified", "--by", "B").exit_code
        == 0
    )
    conn = sqlite3.connect(sqlite_ledger)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()


def test_one_void_per_record_is_enforced_by_the_database_too(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 1)
    with open_ledger(sqlite_ledger, write=True) as store:
        void(store, 1, "wrong", "x")
    conn = sqlite3.connect(sqlite_ledger)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(
            "INSERT INTO records (kind, patient, voids, reason, recorded_at, recorded_by, "
            "prev_hash, hash) VALUES ('void', 'P-1', 1, 'again', 't', 'x', 'p', 'h')"
        )
    conn.close()


def test_ids_are_never_reused_even_after_the_last_record_is_removed(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 2)
    conn = sqlite3.connect(sqlite_ledger)
    conn.execute("DROP TRIGGER records_no_delete")
    conn.execute("DELETE FROM records WHERE id = 2")
    conn.commit()
    conn.close()
    _fill(sqlite_ledger, 1, patient="P-2")
    with open_ledger(sqlite_ledger) as store:
        ids = [r.id for r in store.records()]
    assert ids == [1, 3]


def test_a_newer_schema_is_refused(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 1)
    conn = sqlite3.connect(sqlite_ledger)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(LedgerError, match="schema version 99, newer than this osdose knows"):
        open_ledger(sqlite_ledger)


def _version_1_ledger(path: Path) -> None:
    """A ledger as the first release wrote it (schema step 1 only), with one record."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for statement in sqlite_schema.MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {sqlite_schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    path.chmod(0o600)


def test_a_version_1_ledger_is_read_as_it_is_and_upgraded_by_the_first_writer(
    sqlite_ledger: Path,
) -> None:
    _version_1_ledger(sqlite_ledger)
    before = snapshot(sqlite_ledger)
    assert run(sqlite_ledger, "check").exit_code == 0  # step 1's objects are all there
    assert run(sqlite_ledger, "list", "-p", "P-1").exit_code == 2  # unknown patient
    assert snapshot(sqlite_ledger) == before  # reading never migrates
    assert run(sqlite_ledger, *epi_60("P-1", "2025-01-01", "--by", "x")).exit_code == 0
    conn = sqlite3.connect(sqlite_ledger)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()
    assert run(sqlite_ledger, "check").exit_code == 0


def test_init_creates_and_upgrades(sqlite_ledger: Path, tmp_path: Path) -> None:
    r = run(sqlite_ledger, "init")
    assert r.exit_code == 0
    assert r.stderr == (
        f"created the ledger {sqlite_ledger}: schema version 2 (applied schema step 1, 2)\n"
    )
    assert run(sqlite_ledger, "init").stderr == (
        f"checked the ledger {sqlite_ledger}: schema version 2 (nothing to do)\n"
    )
    old = tmp_path / "old.sqlite3"
    _version_1_ledger(old)
    assert run(old, "init").stderr == (
        f"upgraded the ledger {old}: schema version 2 (applied schema step 2)\n"
    )
    r = run(sqlite_ledger, "init", "--grant", "osdose_writer")
    assert (r.exit_code, r.stderr) == (
        2,
        "osdose: error: --grant is for a PostgreSQL ledger: who may write a SQLite ledger is "
        "the file's mode (0600, its owner)\n",
    )


def test_opening_an_older_ledger_applies_only_the_missing_steps(
    sqlite_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(sqlite_ledger, 1)
    later = (*sqlite_schema.MIGRATIONS, ("CREATE TABLE later_step (x INTEGER)",))
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", later)
    for _ in range(2):  # the second opening finds nothing to do
        with open_ledger(sqlite_ledger, write=True) as store:
            assert check(store).ok
            assert len(list(store.records())) == 1
    conn = sqlite3.connect(sqlite_ledger)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM later_step").fetchone()[0] == 0
    conn.close()


# -- what is at the path (issue 10 §6) ----------------------------------------------------


def _another_programs_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE patients (id TEXT)")
    conn.commit()
    conn.close()


NOT_LEDGERS = {
    "text file": lambda p: p.write_text("hello " * 200),
    "another program's database": _another_programs_database,
    "short file": lambda p: p.write_bytes(b"hi"),
}
COMMANDS = {
    "record": epi_60("P-1", "2025-01-01", "--by", "x"),
    "import": ["import", str(Path(__file__).parent / "data" / "course_one_epirubicin.yaml")],
    "void": ["void", "1", "--reason", "x"],
    "list": ["list", "-p", "P-1"],
    "export": ["export", "-p", "P-1"],
    "check": ["check"],
    "init": ["init"],
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("make", NOT_LEDGERS.values(), ids=NOT_LEDGERS.keys())
@pytest.mark.parametrize("through_a_link", [False, True], ids=["file", "link"])
def test_a_file_that_is_not_a_ledger_is_refused_and_left_unmodified(
    tmp_path: Path, command: list[str], make: object, through_a_link: bool
) -> None:
    other = tmp_path / "other.db"
    make(other)  # type: ignore[operator]
    before = other.read_bytes(), other.stat().st_mode, other.stat().st_mtime_ns
    target = tmp_path / "ledger.sqlite3" if through_a_link else other
    if through_a_link:
        target.symlink_to(other)
    r = run(target, *command)
    assert r.exit_code == 2, r.stdout
    assert len(r.stderr.splitlines()) == 1
    assert "not an osdose ledger" in r.stderr
    assert (other.read_bytes(), other.stat().st_mode, other.stat().st_mtime_ns) == before
    # not even switched to WAL mode: no side file appeared
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["other.db", *(["ledger.sqlite3"] if through_a_link else [])]
    )


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_dangling_link_is_refused_never_created_through(
    tmp_path: Path, command: list[str]
) -> None:
    link = tmp_path / "ledger.sqlite3"
    link.symlink_to(tmp_path / "elsewhere" / "gone.sqlite3")
    r = run(link, *command)
    assert r.exit_code == 2
    assert r.stderr == (
        f"osdose: error: ledger {link} is a symbolic link to {tmp_path}/elsewhere/gone.sqlite3, "
        "which does not exist: give the path of the ledger itself\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite3"]


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("side", ["-wal", "-shm"])
def test_a_side_file_that_is_a_link_is_refused_never_written_through(
    sqlite_ledger: Path, tmp_path: Path, side: str, command: list[str]
) -> None:
    _fill(sqlite_ledger, 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = Path(f"{sqlite_ledger}{side}")
    link.symlink_to(victim)
    r = run(sqlite_ledger, *command)
    assert (r.exit_code, r.stderr) == (
        2,
        f"osdose: error: ledger {sqlite_ledger}: its {side[1:].upper()} file {link} is a "
        f"symbolic link to {victim}; osdose never writes through one: remove the link\n",
    )
    assert victim.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [sqlite_ledger.name, link.name, victim.name]
    )


@pytest.mark.parametrize("side", ["-wal", "-shm"])
def test_a_side_file_that_is_a_hard_link_is_refused_never_written_into(
    sqlite_ledger: Path, tmp_path: Path, side: str
) -> None:
    _fill(sqlite_ledger, 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = Path(f"{sqlite_ledger}{side}")
    os.link(victim, link)
    for command in (epi_60("P-1", "2025-02-01", "--by", "x"), ["check"], ["list", "-p", "P-1"]):
        r = run(sqlite_ledger, *command)
        assert (r.exit_code, r.stderr) == (
            2,
            f"osdose: error: ledger {sqlite_ledger}: its {side[1:].upper()} file {link} is "
            "also another file (it has 2 names, hard links); osdose never writes into one: "
            "remove it\n",
        )
    assert victim.read_text() == "precious\n"


def test_a_link_to_a_ledger_is_the_ledger_and_its_wal_lives_beside_the_file(
    sqlite_ledger: Path, tmp_path: Path
) -> None:
    _fill(sqlite_ledger, 1)
    (tmp_path / "links").mkdir()
    link = tmp_path / "links" / "current.sqlite3"
    link.symlink_to(sqlite_ledger)
    assert run(link, *epi_60("P-1", "2025-02-01", "--by", "x")).stdout == "2\n"
    with open_ledger(sqlite_ledger) as store:
        assert [r.id for r in store.records()] == [1, 2]
    assert sorted(p.name for p in (tmp_path / "links").iterdir()) == ["current.sqlite3"]


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_path_through_a_file_is_one_line(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "file.txt").write_text("notes")
    r = run(tmp_path / "file.txt" / "l.db", *command)
    assert r.exit_code == 2
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("osdose: error: ")
    assert "file.txt" in r.stderr
    assert (tmp_path / "file.txt").read_text() == "notes"


def test_a_read_only_ledger_is_read_but_never_written(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 1)
    sqlite_ledger.chmod(0o400)
    before = snapshot(sqlite_ledger)
    for args in (
        epi_60("P-1", "2025-02-01", "--by", "x"),
        ["void", "1", "--reason", "x", "--by", "x"],
        ["verify-record", "1", "--meaning", "verified", "--by", "B"],
        ["import", str(Path(__file__).parent / "data" / "course_one_epirubicin.yaml")],
    ):
        r = run(sqlite_ledger, *args)
        assert r.exit_code == 2
        assert r.stderr == (
            f"osdose: error: ledger {sqlite_ledger} is read-only (mode 0400): nothing can be "
            f"recorded into it; chmod 600 {sqlite_ledger} if it should be written\n"
        )
    assert run(sqlite_ledger, "list", "-p", "P-1").exit_code == 0
    assert run(sqlite_ledger, "check").exit_code == 0
    assert snapshot(sqlite_ledger) == before


def test_check_reports_a_ledger_file_others_can_read(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 1)
    sqlite_ledger.chmod(0o644)
    r = run(sqlite_ledger, "check")
    assert r.exit_code == 1
    assert "the ledger file is mode 0644, readable by others" in r.stdout


def _read_only(folder: Path, command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with ``folder`` read-only: a read-only bind mount in a private mount
    namespace when root (root writes through any mode bits), else the folder's mode."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run(command, capture_output=True, text=True)
        finally:
            folder.chmod(0o755)
    if shutil.which("unshare") is None:
        pytest.skip("root without unshare(1): cannot make a folder read-only for root")
    f = shlex.quote(str(folder))
    script = (
        f"mount --bind {f} {f} && mount -o remount,ro,bind {f} {f} && touch {f}/probe "
        f"2>/dev/null && exit 99; exec {shlex.join(command)}"
    )
    p = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    if p.returncode == 99 or "mount:" in p.stderr:
        pytest.skip(f"could not make {folder} read-only here: {p.stderr.strip()}")
    return p


def test_a_read_only_folder_can_still_be_checked_and_read(sqlite_ledger: Path) -> None:
    _fill(sqlite_ledger, 2)
    folder = sqlite_ledger.parent
    osdose = [sys.executable, "-m", "osdose", "ledger"]
    where = ["--ledger", str(sqlite_ledger)]
    checked = _read_only(folder, [*osdose, "check", *where])
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"ok: 2 records in {sqlite_ledger}; ")
    listed = _read_only(folder, [*osdose, "list", "-p", "P-1", "-f", "json", *where])
    assert listed.returncode == 0, listed.stderr
    assert [d["id"] for d in json.loads(listed.stdout)] == [1, 2]
    written = _read_only(folder, [*osdose, *epi_60("P-1", "2025-02-01", "--by", "x"), *where])
    assert written.returncode == 2
    assert written.stderr.startswith("osdose: error: ")
    assert len(written.stderr.splitlines()) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["ledger.sqlite3"]


def test_one_patient_is_read_through_an_index(sqlite_ledger: Path) -> None:
    from osdose.ledger.sqlite import PATIENT_QUERY

    _fill(sqlite_ledger, 3)
    conn = sqlite3.connect(sqlite_ledger)
    plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {PATIENT_QUERY}", ("P-1",))]
    conn.close()
    # no "SCAN records", no temporary b-tree for the ORDER BY: the index gives id order
    assert plan == ["SEARCH records USING INDEX records_patient_id (patient=?)"]


def test_the_voids_bearing_on_a_patient_are_found_through_indexes(sqlite_ledger: Path) -> None:
    """What every reader checks before it leaves a record out of effect is found by index
    look-ups, O(that patient's records), never a scan of the ledger."""
    from osdose.ledger import pages

    _fill(sqlite_ledger, 3)
    sql, params = pages.voids_query("P-1", pages.Tables("records", "signatures", "?"))
    conn = sqlite3.connect(sqlite_ledger)
    plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    conn.close()
    assert not [step for step in plan if step.startswith("SCAN")], plan
    assert "SEARCH v USING INDEX records_one_void (voids=?)" in plan, plan
