"""Start-up cost of `osdose dose` as a whole process, against the floor of importing its
three big dependencies. Ten runs each, interleaved; prints medians and the ratio.

Run: .venv/bin/python benchmarks/startup.py   (target: ratio ≤ 1.5)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from timing import medians

RUNS = 10
BIN = Path(sys.executable).parent
OSDOSE = shutil.which("osdose", path=str(BIN)) or "osdose"
COMMANDS = {
    "floor: python -c 'import typer, pint, yaml'": [
        sys.executable,
        "-c",
        "import typer, pint, yaml",
    ],
    "osdose dose DIA --height 175cm --weight 70kg --format json": [
        OSDOSE,
        "dose",
        "DIA",
        "--height",
        "175cm",
        "--weight",
        "70kg",
        "--format",
        "json",
    ],
    "osdose --help": [OSDOSE, "--help"],
}


def main() -> None:
    med = medians(COMMANDS, RUNS)
    names = list(COMMANDS)
    print(f"ratio dose/floor: {med[names[1]] / med[names[0]]:.2f} (target ≤ 1.5)")
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, runpy; sys.argv=['osdose','--help'];\n"
            "from osdose.cli import app\ntry: app()\nexcept SystemExit: pass\n"
            "print('pint imported by --help:', 'pint' in sys.modules, file=sys.stderr)",
        ],
        capture_output=True,
        text=True,
    )
    print(check.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
