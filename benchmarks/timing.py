"""Shared by the benchmark scripts: run commands as whole processes, interleaved (A B A B …),
and report each one's median CPU time, wall time and peak memory, and the ratio of a command
to its floor pair by pair (the median of the per-pair ratios, so that a comparison holds when
a shared machine's speed drifts between pairs).

CPU time is user + system of the process and every child it waited for (the worker
processes of ``verify --batch`` included), from the operating system's accounting
(``os.wait4``); peak memory is the largest resident set of one process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
#: every benchmark times the installed ``osdose`` of this interpreter's environment
OSDOSE = str(BIN / "osdose") if (BIN / "osdose").exists() else "osdose"


def compile_package() -> None:
    """Write osdose's bytecode once, as an installed package has it: a cold start then reads
    ``.pyc`` files, as the floor's libraries do (``PYTHONDONTWRITEBYTECODE`` would otherwise
    make every timed run compile osdose from source)."""
    import compileall

    import osdose

    compileall.compile_dir(Path(osdose.__file__).parent, quiet=1)


@dataclass(frozen=True)
class Sample:
    """One finished run."""

    cpu: float  # seconds, user + system, the process and its reaped children
    wall: float  # seconds
    peak_mib: float  # largest resident set of one process


def run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> Sample:
    """Run ``cmd`` once (stdout discarded); exit statuses other than ``ok`` stop the run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()  # stderr is small (messages); reading it first cannot block
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode not in ok:
        msg = err.decode("utf-8", "replace")[-800:]
        raise SystemExit(f"{' '.join(cmd)[:200]}: exit {proc.returncode}: {msg}")
    return Sample(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


@dataclass(frozen=True)
class Pair:
    """A command timed against its floor: medians of each and of the per-pair CPU ratios."""

    cpu: float
    wall: float
    peak_mib: float
    floor_cpu: float
    floor_wall: float
    floor_peak_mib: float
    ratio: float  # median of the per-pair CPU-time ratios
    wall_ratio: float  # median of the per-pair wall-time ratios


def paired(
    command: list[str],
    floor: list[str],
    runs: int,
    ok: tuple[int, ...] = (0,),
    label: str = "",
) -> Pair:
    """``command`` and ``floor`` in turn, ``runs`` times each after one warm-up of each."""
    run(command, ok)
    run(floor)
    a: list[Sample] = []
    b: list[Sample] = []
    for _ in range(runs):
        a.append(run(command, ok))
        b.append(run(floor))
    med = statistics.median
    pair = Pair(
        cpu=med(s.cpu for s in a),
        wall=med(s.wall for s in a),
        peak_mib=med(s.peak_mib for s in a),
        floor_cpu=med(s.cpu for s in b),
        floor_wall=med(s.wall for s in b),
        floor_peak_mib=med(s.peak_mib for s in b),
        ratio=med(x.cpu / y.cpu for x, y in zip(a, b, strict=True)),
        wall_ratio=med(x.wall / y.wall for x, y in zip(a, b, strict=True)),
    )
    if label:
        print(
            f"  {label}: cpu {pair.cpu:.3f} s / floor {pair.floor_cpu:.3f} s = {pair.ratio:.2f}×"
            f" (wall {pair.wall:.3f} s / {pair.floor_wall:.3f} s = {pair.wall_ratio:.2f}×;"
            f" peak {pair.peak_mib:.0f} MiB, floor {pair.floor_peak_mib:.0f} MiB)",
            flush=True,
        )
    return pair


def row(work: str, floor: str, target: float, pair: Pair, n: str) -> None:
    """One line of the ratio table, for ``benchmarks/all.py`` to collect (``row:`` prefix)."""
    verdict = "ok" if pair.ratio <= target else "OVER"
    print(
        f"row: | {work} | {floor} | ≤ {target:g}× | {pair.ratio:.2f}× {verdict} | {n} |"
        f" {pair.peak_mib:.0f} MiB (floor {pair.floor_peak_mib:.0f}) |",
        flush=True,
    )


def medians(
    commands: dict[str, list[str]], runs: int, ok: tuple[int, ...] = (0,)
) -> dict[str, float]:
    """Median wall milliseconds of each command over ``runs`` interleaved runs."""
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(run(cmd, ok).wall)
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    for k, v in med.items():
        print(f"{v:8.1f} ms  {k}")
    return med
