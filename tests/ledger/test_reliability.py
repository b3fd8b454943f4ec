"""Reliability, on both backends: concurrent writers and processes killed mid-write never
lose an acknowledged record and never break the chain; on PostgreSQL, a connection the
server ends mid-write (pg_terminate_backend) is a reported failure, never a silent loss."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from osdose.ledger.check import check
from osdose.ledger.store import open_ledger

from .backends import STATE, superuser
from .recorder import LOOP

PROCESSES = 8
EACH = 200
KILLS = 20
ROOT = str(Path(__file__).resolve().parents[2])


def _env() -> dict[str, str]:
    # the children import osdose from the same source tree as the tests
    return {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _recorder(ledger: str, patient: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LOOP, ledger, patient, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


@pytest.mark.slow
def test_eight_processes_recording_at_once(ledger: str) -> None:
    # All eight start at once (on SQLite on a ledger that does not exist yet: creation
    # races too; on PostgreSQL from eight connections).
    procs = [_recorder(ledger, f"P-{k}", EACH) for k in range(PROCESSES)]
    acknowledged: list[int] = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        acknowledged += [int(line) for line in out.split()]
    assert len(acknowledged) == PROCESSES * EACH == 1600
    with open_ledger(ledger) as store:
        records = list(store.records())
        result = check(store)
    assert len(records) == 1600
    assert sorted(acknowledged) == [r.id for r in records] == list(range(1, 1601))
    assert result.ok and result.verified == 1600
    for k in range(PROCESSES):
        assert sum(1 for r in records if r.patient == f"P-{k}") == EACH


@pytest.mark.slow
def test_killed_at_random_points_loses_nothing_acknowledged(ledger: str) -> None:
    rng = random.Random(20260106)
    acknowledged: set[int] = set()
    for kill in range(KILLS):
        p = _recorder(ledger, f"P-crash-{kill}", 100_000)
        assert p.stdout is not None
        first = p.stdout.readline()  # it is recording: now pick a moment to kill it
        assert first, p.stderr.read() if p.stderr else ""
        time.sleep(rng.uniform(0.0, 0.15))
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate(timeout=60)
        assert p.returncode == -signal.SIGKILL
        printed = [int(line) for line in (first + out).split()]
        acknowledged.update(printed)
        with open_ledger(ledger) as store:
            result = check(store)
            present = {r.id for r in store.records()}
        assert result.ok, (kill, result)
        assert acknowledged <= present, (kill, sorted(acknowledged - present))
    assert len(acknowledged) >= KILLS


# -- the server ends the connection ---------------------------------------------------------


def _course(path: Path, patient: str, n: int) -> Path:
    """A course file of ``n`` epirubicin administrations on ``n`` days (60 mg at 1.5 m²)."""
    import datetime as dt

    first = dt.date(1980, 1, 1)
    lines = [f"patient:\n  id: {patient}\n  bsa: 1.5\nadministrations:\n"]
    lines += [
        f"  - date: {first + dt.timedelta(days=i)}\n    drug: epirubicin\n    dose: 60 mg\n"
        for i in range(n)
    ]
    path.write_text("".join(lines))
    return path


def _osdose(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "osdose", "ledger", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _backends_of(admin: object, database: str, where: str) -> list[int]:
    rows = admin.execute(  # type: ignore[attr-defined]
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = 'osdose' "
        f"AND {where}",
        (database,),
    ).fetchall()
    return [r[0] for r in rows]


def _count(ledger: str) -> int:
    with open_ledger(ledger) as store:
        return sum(1 for _ in store.records())


@pytest.mark.postgres
def test_a_writer_whose_connection_the_server_ends_exits_2_and_records_nothing(
    pg: str, tmp_path: Path
) -> None:
    # Deterministic: the test holds the chain's lock, so the import waits inside its
    # transaction; the server ends that connection; the import reports it and exits 2.
    from osdose.ledger.postgres_schema import LOCK

    before = _osdose("record", "-p", "P-1", "--drug", "EPI", "--dose", "60 mg", "--bsa", "1.5",
                     "--date", "2025-01-01", "--ledger", pg)  # fmt: skip
    assert before.communicate(timeout=60)[0] == "1\n"
    course = _course(tmp_path / "course.yaml", "P-2", 50)
    database = pg.rsplit("/", 1)[1]
    with superuser(pg) as holder, superuser(pg) as admin:
        holder.execute("BEGIN")
        holder.execute("SELECT pg_advisory_xact_lock(%s, %s)", LOCK)
        writer = _osdose("import", str(course), "--ledger", pg)
        deadline = time.monotonic() + 60
        while not (waiting := _backends_of(admin, database, "wait_event_type = 'Lock'")):
            assert time.monotonic() < deadline and writer.poll() is None, writer.communicate()
            time.sleep(0.01)
        admin.execute("SELECT pg_terminate_backend(%s)", (waiting[0],))
        out, err = writer.communicate(timeout=60)
        holder.execute("ROLLBACK")
    assert (writer.returncode, out) == (2, "")
    assert err.startswith(f"osdose: error: the connection to the ledger {pg} was lost (")
    assert err.endswith("; nothing was recorded\n") and len(err.splitlines()) == 1
    assert _count(pg) == 1
    with open_ledger(pg) as store:
        assert check(store).ok


@pytest.mark.postgres
@pytest.mark.slow
def test_writers_whose_connections_the_server_ends_at_random_lose_nothing_acknowledged(
    pg: str,
) -> None:
    # A stream of `osdose ledger record` processes while another session ends their
    # connections at random moments: each either prints its id (exit 0) or reports the
    # failure on one line (exit 2); every printed id is in the ledger, which verifies.
    assert STATE.server is not None
    database = pg.rsplit("/", 1)[1]
    rng = random.Random(20261130)
    stop = threading.Event()
    ended = []

    def terminator() -> None:
        with superuser(pg) as admin:
            while not stop.is_set():
                time.sleep(rng.uniform(0.0, 0.25))
                for pid in _backends_of(admin, database, "pid <> pg_backend_pid()"):
                    if admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]:
                        ended.append(pid)

    thread = threading.Thread(target=terminator)
    thread.start()
    acknowledged, failed = [], []
    try:
        # at least 30 records, and on until both outcomes were seen (the moments are random:
        # on a loaded machine the first 30 may all escape); 300 at most
        for day in range(300):
            if day >= 30 and failed and acknowledged:
                break
            date = dt.date(2025, 1, 1) + dt.timedelta(days=day)
            p = _osdose("record", "-p", "P-1", "--drug", "EPI", "--dose", "60 mg", "--bsa", "1.5",
                        "--date", date.isoformat(),
                        "--ledger", pg)  # fmt: skip
            out, err = p.communicate(timeout=60)
            if p.returncode == 0:
                acknowledged.append(int(out))
            else:
                assert p.returncode == 2 and out == "", err
                assert len(err.splitlines()) == 1 and err.startswith("osdose: error: "), err
                failed.append(err)
    finally:
        stop.set()
        thread.join()
    assert ended and failed and acknowledged  # the test did what it says
    with open_ledger(pg) as store:
        present = {r.id for r in store.records()}
        assert check(store).ok
    assert set(acknowledged) <= present
    # a record whose commit the server confirmed but whose process was ended before it
    # printed the id is there too; nothing else is
    assert len(present) - len(acknowledged) <= sum("while committing" in e for e in failed)


@pytest.mark.postgres
def test_the_library_reports_a_lost_connection_as_a_ledger_error(pg: str) -> None:
    import datetime as dt

    from osdose.drugs import load_drugs
    from osdose.ledger.actions import record
    from osdose.ledger.entries import from_options
    from osdose.ledger.records import LedgerError

    table = load_drugs()
    adms = from_options(table, date=dt.date(2025, 1, 1), drug="EPI", dose="60 mg", bsa="1.5")
    with open_ledger(pg, write=True) as store, superuser(pg) as admin:
        (r,) = record(store, adms, "P-1")
        pid = store.conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[attr-defined]
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        later = from_options(table, date=dt.date(2025, 1, 2), drug="EPI", dose="60 mg", bsa="1.5")
        with pytest.raises(LedgerError, match=r"^the connection to the ledger .* was lost \("):
            record(store, later, "P-1")
    assert _count(pg) == 1 and r.id == 1
