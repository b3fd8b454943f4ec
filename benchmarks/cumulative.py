"""`osdose cumulative` and `osdose plan` on a course file of 100,000 administrations against
one ``CSafeLoader`` load of the same file (benchmarks/floors.py), whole processes, paired
runs, medians of CPU time; and at N/4, to show the time is linear in N.

Run: .venv/bin/python benchmarks/cumulative.py [-n ENTRIES] [--runs R]   (target: ≤ 2×)
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from timing import OSDOSE, compile_package, paired, row

FLOORS = str(Path(__file__).with_name("floors.py"))
TARGET = 2.0

# Entry styles in turn: mg with that day's BSA, mg with height and weight, mg/m² (patient's
# BSA), and an IU dose; small doses so that the totals stay plausible. Each entry says that a
# second administration of a drug on one day is intended (a large course has several a day).
_STYLES = (
    "{{date: {d}, drug: epirubicin, dose: 1.5 mg, bsa: 1.8{v} m2",
    "{{date: {d}, drug: cisplatin, dose: 3 mg, height: 17{v} cm, weight: 7{v} kg",
    "{{date: {d}, drug: EPI, dose: 0.5 mg/m2",
    "{{date: {d}, drug: ifosfamide, dose: 20 mg/m2",
    "{{date: {d}, drug: bleomycin, dose: 1500 IU",
)


def course_text(n: int) -> str:
    """``n`` administrations spread over 2018–2024 (several a day when ``n`` is large)."""
    start = dt.date(2018, 1, 1)
    lines = ["patient:", "  id: P-bench", "  height: 175 cm", "  weight: 70 kg", "administrations:"]
    for i in range(n):
        style = _STYLES[i % len(_STYLES)]
        day = start + dt.timedelta(days=i * 2500 // n)
        lines.append("  - " + style.format(d=day, v=i % 10) + ", same_day_intended: true}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    compile_package()
    print(f"cumulative and plan on a course of {a.n:,} administrations, {a.runs} paired runs")
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for n in (a.n // 4, a.n):
            course = Path(tmp) / f"course-{n}.yaml"
            course.write_text(course_text(n), encoding="utf-8")
            floor = [sys.executable, FLOORS, "yaml-file", str(course)]
            for name, args in {
                "cumulative": ["cumulative", str(course), "-f", "json"],
                "plan": ["plan", str(course), "--regimen", "DIA", "--cycles", "2", "-f", "json"],
            }.items():
                results[name, n] = paired(
                    [OSDOSE, *args], floor, a.runs, ok=(0, 1), label=f"osdose {name}, {n:,}"
                )
    for name in ("cumulative", "plan"):
        small, big = results[name, a.n // 4], results[name, a.n]
        growth = (big.cpu / small.cpu) if small.cpu else 0.0
        print(f"  {name}: ×{growth:.2f} CPU time for ×4 entries (linear: ≈ 4)")
        row(
            f"`{name}` of a course file",
            "`CSafeLoader` load of the file",
            TARGET,
            big,
            f"{a.n:,} entries (×{growth:.1f} time for ×4 N)",
        )


if __name__ == "__main__":
    main()
