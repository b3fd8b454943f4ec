"""The ledger and a course file give the same answers for the same administrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose.cli import app

ROOT = Path(__file__).resolve().parents[2]
COURSES = [
    (ROOT / "examples" / "case-report-course.yaml", "case-report-2023"),
    (ROOT / "tests" / "cumulative" / "data" / "mixed-entry-styles.yaml", "P-mixed"),
]
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args))
    assert r.exit_code in (0, 1), r.stderr
    return r.exit_code, r.stdout


@pytest.mark.parametrize(("course", "patient"), COURSES)
def test_cumulative_and_plan_from_the_ledger(tmp_path: Path, course: Path, patient: str) -> None:
    ledger = str(tmp_path / "ledger.db")
    code, _ = invoke("ledger", "import", "--ledger", ledger, str(course))
    assert code == 0
    from_file = invoke("cumulative", str(course), "--format", "json")
    from_ledger = invoke("cumulative", "--ledger", ledger, "--patient", patient, "--format", "json")
    assert from_ledger == from_file
    assert json.loads(from_file[1])["patient"] == patient
    plan = (
        "plan",
        "--regimen",
        "DDP+EPI",
        "--cycles",
        "4",
        "--regimen",
        "DDP+IFO",
        "--cycles",
        "2",
        "--bsa",
        "1.8",
        "--format",
        "json",
    )
    assert invoke(plan[0], "--ledger", ledger, "--patient", patient, *plan[1:]) == invoke(
        plan[0], str(course), *plan[1:]
    )
