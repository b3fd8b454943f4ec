"""benchmarks/bounds.py, the measured argument for issue 15's unmet targets, still runs:
at the smallest sizes, each of its three parts prints its ``bound:`` line (no timing is
checked here: the numbers are the benchmark's, on a machine of its own)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bounds_runs_each_part_at_a_small_size(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bounds.py"),
         "--records", "60", "--orders", "6", "--files", "7", "--runs", "1"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    bounds = [line for line in out.stdout.splitlines() if line.startswith("bound: ")]
    assert [b.split("|")[0] for b in bounds] == [
        "bound: `ledger import` (≤ 3×) ",
        "bound: `verify --batch` (≤ 3×) ",
        "bound: `lint` (≤ 1.0×) ",
    ]
    # each names the size it ran at
    assert [b.split("|")[1].strip() for b in bounds] == ["60 records", "6 orders", "7 files"]
