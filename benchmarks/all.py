"""Every benchmark in turn, then the table of ratios against their floors (the ``row:``
lines each benchmark prints). ``benchmarks/ledger.py`` runs too when present; its own
figures are printed as it gives them. Last, ``benchmarks/bounds.py``: the parts of each
unmet target's work, each timed alone against the same floor (its ``bound:`` lines, a
second table).

Run: .venv/bin/python benchmarks/all.py [--scale F] [--runs R]   (make bench)

``--scale`` multiplies every size (0.1 on a busy shared machine); the table says the N used.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
#: script → its size option and full size (the issue's sizes)
SIZES = {"lint.py": 10_000, "cumulative.py": 100_000, "verify.py": 100_000}
ORDER = ("startup.py", "lint.py", "cumulative.py", "verify.py", "ledger.py", "bounds.py")
#: bounds.py's size options and full sizes
BOUND_SIZES = {"--records": 1_000_000, "--orders": 20_000, "--files": 10_000}


def _ledger_sizes(path: Path, scale: float) -> list[str]:
    """ledger.py's own size options, scaled, for those it has (another engineer's script)."""
    usage = subprocess.run(
        [sys.executable, str(path), "--help"], capture_output=True, text=True, cwd=HERE
    ).stdout
    full = {"--records": 1_000_000, "--calls": 10_000}
    return [
        part
        for opt, n in full.items()
        if opt in usage
        for part in (opt, str(max(10, int(n * scale))))
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, help="paired runs of each benchmark")
    ap.add_argument("--skip", nargs="*", default=[], help="benchmarks to leave out: ledger.py")
    a = ap.parse_args()
    rows: list[str] = []
    bounds: list[str] = []
    failed: list[str] = []
    for script in ORDER:
        path = HERE / script
        if not path.exists() or script in a.skip:
            continue
        cmd = [sys.executable, str(path)]
        if script in SIZES:
            cmd += ["-n", str(max(4, int(SIZES[script] * a.scale)))]
        if script == "ledger.py" and a.scale != 1.0:
            cmd += _ledger_sizes(path, a.scale)
        if script == "bounds.py":
            cmd += [part for opt, n in BOUND_SIZES.items() for part in (opt, str(int(n * a.scale)))]
        if a.runs and script != "ledger.py":
            cmd += ["--runs", str(a.runs)]
        print(f"\n== {' '.join(cmd[1:])}", flush=True)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=HERE)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("row: "):
                rows.append(line[len("row: ") :].rstrip("\n"))
            elif line.startswith("bound: "):
                bounds.append(line[len("bound: ") :].rstrip("\n"))
            else:
                print(line, end="", flush=True)
        if proc.wait() != 0:
            failed.append(script)
    print("\n| work | floor (same run) | target | measured (CPU time, median) | N | peak memory |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(r)
    if bounds:
        print("\n| unmet target | N | parts of its work, each alone, against the same floor |")
        print("|---|---|---|")
        for b in bounds:
            print(f"| {b} |")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
