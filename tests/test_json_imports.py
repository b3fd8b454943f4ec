"""The ``--format json`` paths never import rich (start-up matters: a machine reading JSON
pays for no table renderer; the benchmark is benchmarks/startup.py, no timing here). Each
command runs in a fresh interpreter, as a user runs it, and reports what it imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
PATIENT = ["--height", "175cm", "--weight", "70kg"]
COMMANDS = {
    "dose": ["dose", "DIA", *PATIENT],
    "cumulative": ["cumulative", str(EX / "case-report-course.yaml")],
    "plan": ["plan", str(EX / "case-report-neoadjuvant.yaml"), "--regimen", "DIA", "--cycles", "9"],
    "verify": ["verify", str(EX / "orders" / "ddp-epi-cycle3.yaml")],
    "verify --batch": ["verify", "--batch", str(EX / "orders" / "three-orders.jsonl")],
    "lint": ["lint", str(ROOT / "regimens"), str(EX / "broken")],
}

_SCRIPT = """
import io, json, sys
from osdose.cli import main
sys.stdout = io.StringIO()  # the command's JSON is not this test's subject
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "rich")))
"""


@pytest.mark.parametrize("name", list(COMMANDS))
def test_json_output_never_imports_rich(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps([*COMMANDS[name], "--format", "json"])],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_table_does_import_rich() -> None:
    """The check can fail: the same script sees rich when a command renders a table."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(COMMANDS["dose"])],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "rich" in json.loads(done.stdout.splitlines()[-1])
