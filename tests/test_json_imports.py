"""The ``--format json`` paths never import rich (start-up matters: a machine reading JSON
pays for no table renderer; the benchmark is benchmarks/startup.py, no timing here), and the
commands that read no file of the user's never import pydantic (typer reads their options
without it, the shipped tables are prebuilt). Each command runs in a fresh interpreter, as a
user runs it, and reports what it imported."""

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
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == sys.argv[2])))
"""


@pytest.mark.parametrize("name", list(COMMANDS))
def test_json_output_never_imports_rich(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps([*COMMANDS[name], "--format", "json"]), "rich"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_table_does_import_rich() -> None:
    """The check can fail: the same script sees rich when a command renders a table."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(COMMANDS["dose"]), "rich"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert "rich" in json.loads(done.stdout.splitlines()[-1])


#: commands that read no file of the user's: only the shipped (prebuilt) tables
NO_FILES = {
    "bsa": ["bsa", *PATIENT, "--formula", "all"],
    "gfr": ["gfr", "--age", "60", "--sex", "female", "--creatinine", "0.9 mg/dL", *PATIENT],
}


def _imported(args: list[str], package: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(args), package],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("name", list(NO_FILES))
def test_a_command_without_files_never_imports_pydantic(name: str) -> None:
    # (the stand-in for pydantic's plugin loader, osdose/cli_lazy.py, is not pydantic)
    assert "pydantic" not in _imported([*NO_FILES[name], "--format", "json"], "pydantic")


def test_help_never_imports_pydantic() -> None:
    assert "pydantic" not in _imported(["--help"], "pydantic")


def test_a_command_reading_a_file_does_import_pydantic() -> None:
    """The check can fail: a course file is validated by its pydantic model."""
    assert "pydantic" in _imported([*COMMANDS["cumulative"], "--format", "json"], "pydantic")
