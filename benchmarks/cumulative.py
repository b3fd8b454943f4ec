"""`osdose cumulative` over a course of 1,000 administrations, as a whole process, against
the start-up of `osdose dose DIA --height 175cm --weight 70kg --format json`. Ten runs each,
interleaved; prints both medians and the ratio.

Run: .venv/bin/python benchmarks/cumulative.py   (target: ratio ≤ 1.5)
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import medians

RUNS = 10
ADMINISTRATIONS = 1000
BIN = Path(sys.executable).parent
OSDOSE = shutil.which("osdose", path=str(BIN)) or "osdose"

# Entry styles in turn: mg with that day's BSA, mg with height and weight, mg/m² (patient's
# BSA), and an IU dose; small doses so that the totals stay plausible.
_STYLES = (
    "{{date: {d}, drug: epirubicin, dose: 1.5 mg, bsa: 1.8{v} m2}}",
    "{{date: {d}, drug: cisplatin, dose: 3 mg, height: 17{v} cm, weight: 7{v} kg}}",
    "{{date: {d}, drug: EPI, dose: 0.5 mg/m2}}",
    "{{date: {d}, drug: ifosfamide, dose: 20 mg/m2}}",
    "{{date: {d}, drug: bleomycin, dose: 100 IU}}",
)


def course_text(n: int = ADMINISTRATIONS) -> str:
    start = dt.date(2018, 1, 1)
    lines = ["patient:", "  id: P-bench", "  height: 175 cm", "  weight: 70 kg", "administrations:"]
    for i in range(n):
        style = _STYLES[i % len(_STYLES)]
        lines.append("  - " + style.format(d=start + dt.timedelta(days=i), v=i % 10))
    return "\n".join(lines) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder) / "course-1000.yaml"
        course.write_text(course_text(), encoding="utf-8")
        commands = {
            "osdose dose DIA --height 175cm --weight 70kg --format json": [
                OSDOSE,
                *("dose", "DIA", "--height", "175cm", "--weight", "70kg", "--format", "json"),
            ],
            f"osdose cumulative COURSE ({ADMINISTRATIONS} administrations) --format json": [
                OSDOSE,
                *("cumulative", str(course), "--format", "json"),
            ],
            f"osdose cumulative COURSE ({ADMINISTRATIONS} administrations) (table)": [
                OSDOSE,
                *("cumulative", str(course)),
            ],
        }
        for cmd in commands.values():  # once to check it works and to warm the disk cache
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        med = medians(commands, RUNS)
    names = list(commands)
    for name in names[1:]:
        print(
            f"ratio {name.split(' (')[0]}{' (table)' if 'table' in name else ' (json)'}"
            f" / dose: {med[name] / med[names[0]]:.2f} (target ≤ 1.5)"
        )


if __name__ == "__main__":
    main()
