"""Reliability: concurrent writers and processes killed mid-write never lose an
acknowledged record and never break the chain."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from osdose.ledger.actions import check
from osdose.ledger.store import open_ledger

from .recorder import LOOP

PROCESSES = 8
EACH = 200
KILLS = 20


def _env() -> dict[str, str]:
    # the children import osdose from the same source tree as the tests
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _recorder(ledger: Path, patient: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LOOP, str(ledger), patient, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def test_eight_processes_recording_at_once(ledger: Path) -> None:
    # All eight start on a ledger that does not exist yet: creation races too.
    procs = [_recorder(ledger, f"P-{k}", EACH) for k in range(PROCESSES)]
    acknowledged: list[int] = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        acknowledged += [int(line) for line in out.split()]
    assert len(acknowledged) == PROCESSES * EACH == 1600
    with open_ledger(ledger) as store:
        records = store.records()
        result = check(store)
    assert len(records) == 1600
    assert sorted(acknowledged) == [r.id for r in records] == list(range(1, 1601))
    assert result.ok and result.verified == 1600
    for k in range(PROCESSES):
        assert sum(1 for r in records if r.patient == f"P-{k}") == EACH


def test_killed_at_random_points_loses_nothing_acknowledged(ledger: Path) -> None:
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
