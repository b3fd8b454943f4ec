"""The ledger (on either backend) and a course file give the same answers for the same
administrations; `--patient` alone reads the ledger of $OSDOSE_LEDGER."""

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
def test_cumulative_and_plan_from_the_ledger(ledger: str, course: Path, patient: str) -> None:
    code, _ = invoke("ledger", "import", "--ledger", ledger, str(course))
    assert code == 0
    from_file = invoke("cumulative", str(course), "--format", "json")
    # the ledger keeps no age: the course file's (the case report's 29 years) is given
    age = ("--age", "29") if "case-report" in str(course) else ()
    from_ledger = invoke(
        "cumulative", "--ledger", ledger, "--patient", patient, *age, "--format", "json"
    )
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
    assert invoke(plan[0], "--ledger", ledger, "--patient", patient, *age, *plan[1:]) == invoke(
        plan[0], str(course), *plan[1:]
    )


def test_verify_takes_its_history_from_the_ledger(ledger: str) -> None:
    data = ROOT / "tests" / "verify" / "data"
    order, course = data / "order-ddp-epi-cycle3.yaml", data / "course-ddp-epi-two-cycles.yaml"
    # the course's two DDP+EPI cycles need a BSA in the ledger: record them with the patient's
    assert runner.invoke(app, ["ledger", "import", "--ledger", ledger, str(course)]).exit_code == 0
    with_file = runner.invoke(app, ["verify", str(order), "--format", "json"])
    with_ledger = runner.invoke(
        app, ["verify", str(order), "--ledger", ledger, "--patient", "P-0042", "--format", "json"]
    )
    assert with_ledger.exit_code == with_file.exit_code, with_ledger.stderr
    checks_file = json.loads(with_file.stdout)["checks"]
    checks_ledger = json.loads(with_ledger.stdout)["checks"]
    by_name = {(c["check"], c["drug"]): c for c in checks_file}
    compared = [c for c in checks_ledger if c["check"] in ("interval", "cumulative")]
    # interval: 2021-05-11 + 21 days = 2021-06-01; cumulative: cisplatin and epirubicin
    assert {(c["check"], c["drug"]) for c in compared} >= {
        ("interval", None),
        ("cumulative", "cisplatin"),
        ("cumulative", "epirubicin"),
    }
    for c in compared:
        assert c == by_name[(c["check"], c["drug"])]
    # the ledger's patient must be the order's
    wrong = runner.invoke(app, ["verify", str(order), "--ledger", ledger, "--patient", "P-0099"])
    assert wrong.exit_code == 2
    assert "is not the order's patient" in wrong.stderr


def test_patient_alone_reads_the_ledger_of_the_environment(
    ledger: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    course, patient = COURSES[0]
    assert invoke("ledger", "import", "--ledger", ledger, str(course))[0] == 0
    monkeypatch.setenv("OSDOSE_LEDGER", ledger)
    # the ledger keeps no age: the course file's (29 years) is given
    assert invoke("cumulative", "--patient", patient, "--age", "29", "--format", "json") == invoke(
        "cumulative", str(course), "--format", "json"
    )
    plan = ("--regimen", "DDP+EPI", "--cycles", "2", "--bsa", "1.8", "--format", "json")
    assert invoke("plan", "--patient", patient, "--age", "29", *plan) == invoke(
        "plan", str(course), *plan
    )


def test_verify_with_patient_alone_reads_the_ledger_of_the_environment(
    ledger: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = ROOT / "tests" / "verify" / "data"
    order, course = data / "order-ddp-epi-cycle3.yaml", data / "course-ddp-epi-two-cycles.yaml"
    assert runner.invoke(app, ["ledger", "import", "--ledger", ledger, str(course)]).exit_code == 0
    explicit = runner.invoke(
        app, ["verify", str(order), "--ledger", ledger, "--patient", "P-0042", "--format", "json"]
    )
    monkeypatch.setenv("OSDOSE_LEDGER", ledger)
    implicit = runner.invoke(app, ["verify", str(order), "--patient", "P-0042", "--format", "json"])
    assert (implicit.exit_code, implicit.stdout) == (explicit.exit_code, explicit.stdout)
    assert json.loads(implicit.stdout)["checks"]


def test_patient_alone_without_a_ledger_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "none.sqlite3"
    monkeypatch.setenv("OSDOSE_LEDGER", str(missing))
    r = runner.invoke(app, ["cumulative", "--patient", "P-1"])
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith(f"osdose: error: no ledger at {missing} ")
    assert not missing.exists()
