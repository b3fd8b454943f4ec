"""Cold start of every command, table and JSON output, each as a whole process against the
floor ``python -c "import typer, pint, yaml"`` (paired runs, medians of CPU time).

The inputs are the shipped examples, so each command does its real (small) work.

Both sides run with ``OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1`` (:data:`ONE_THREAD`): the
floor's pint imports numpy, whose OpenBLAS otherwise starts a busy thread per core at import;
that CPU time (~0.1 s on two cores) is no work of the floor's, and counting it made every ratio
look smaller than it is (0.5–1.1× instead of 1.7–2.2×). osdose never imports numpy.

Run: .venv/bin/python benchmarks/startup.py [--runs R] [--only WORD]   (target: ≤ 1.2× each)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from timing import OSDOSE, compile_package, paired, row

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
TARGET = 1.2
FLOOR = [sys.executable, "-c", "import typer, pint, yaml"]
#: set for both sides of every pair (inherited by each process)
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
PATIENT = ("--height", "175cm", "--weight", "70kg")
#: the command lines timed: name → (arguments, exit statuses that mean it worked)
COMMANDS: dict[str, tuple[list[str], tuple[int, ...]]] = {
    "--help": (["--help"], (0,)),
    "dose": (["dose", "DIA", *PATIENT], (0,)),
    "dose json": (["dose", "DIA", *PATIENT, "-f", "json"], (0,)),
    "bsa": (["bsa", *PATIENT], (0,)),
    "cumulative": (["cumulative", str(EX / "case-report-course.yaml")], (0, 1)),
    "cumulative json": (["cumulative", str(EX / "case-report-course.yaml"), "-f", "json"], (0, 1)),
    "plan": (
        ["plan", str(EX / "case-report-neoadjuvant.yaml"), "--regimen", "DIA", "--cycles", "9"],
        (0, 1),
    ),
    "plan json": (
        [
            *("plan", str(EX / "case-report-neoadjuvant.yaml")),
            *("--regimen", "DIA", "--cycles", "9", "-f", "json"),
        ],
        (0, 1),
    ),
    "verify": (["verify", str(EX / "orders" / "ddp-epi-cycle3.yaml")], (0, 1)),
    "verify json": (["verify", str(EX / "orders" / "ddp-epi-cycle3.yaml"), "-f", "json"], (0, 1)),
    "lint": (["lint", str(ROOT / "regimens" / "DIA.yaml")], (0, 1)),
    "lint json": (["lint", str(ROOT / "regimens" / "DIA.yaml"), "-f", "json"], (0, 1)),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--only", help="time only the commands whose name contains this")
    a = ap.parse_args()
    os.environ.update(ONE_THREAD)
    compile_package()
    env = " ".join(f"{k}={v}" for k, v in ONE_THREAD.items())
    print(
        f"cold start, {a.runs} paired runs each, against {' '.join(FLOOR[1:])!r}; both with {env}"
    )
    worst = None
    for name, (args, ok) in COMMANDS.items():
        if a.only and a.only not in name:
            continue
        pair = paired([OSDOSE, *args], FLOOR, a.runs, ok, label=f"osdose {name}")
        if worst is None or pair.ratio > worst[1].ratio:
            worst = (name, pair)
    if worst is not None:
        row(
            f"cold start, worst command (`osdose {worst[0]}`)",
            "`python -c 'import typer, pint, yaml'`",
            TARGET,
            worst[1],
            f"{len(COMMANDS)} commands",
        )


if __name__ == "__main__":
    main()
