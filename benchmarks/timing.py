"""Shared by the benchmark scripts: run commands as whole processes, interleaved, and
return the median wall time of each in milliseconds."""

from __future__ import annotations

import statistics
import subprocess
import time


def medians(
    commands: dict[str, list[str]], runs: int, ok: tuple[int, ...] = (0,)
) -> dict[str, float]:
    """Median milliseconds of each command over ``runs`` interleaved runs (stdout discarded;
    a command exiting other than ``ok`` stops the benchmark)."""
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            times[name].append(time.perf_counter() - t0)
            if done.returncode not in ok:
                raise SystemExit(f"{name}: exit {done.returncode}: {done.stderr[-500:]}")
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    for k, v in med.items():
        print(f"{v:8.1f} ms  {k}")
    return med
