"""`osdose cumulative` never imports pint (start-up matters: the benchmark is
benchmarks/cumulative.py; no timing here). osdose reads units with its own closed
vocabulary; pint is the tests' oracle for its factors (tests/test_units.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"

_SCRIPT = """
import sys
from osdose.cli import main
try:
    main(["cumulative", sys.argv[1], "--format", "json"])
except SystemExit:
    pass
print("pint" in sys.modules, file=sys.stderr)
"""


def test_cumulative_does_not_import_pint() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(DATA / "mixed-entry-styles.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr.strip().splitlines()[-1] == "False"
