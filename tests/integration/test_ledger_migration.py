"""Moving a SQLite ledger to PostgreSQL: each patient exported from the SQLite ledger and
imported into the server gives the same `list` (the administrations in effect) and the same
`cumulative`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose.cli import app

from ..ledger.backends import pg_ledger

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
CLINICAL = ("date", "drug", "dose_mg", "dose_mg_per_m2", "dose", "dose_per_m2", "bsa_m2")


def _ok(*args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code in (0, 1), r.stderr
    return r.stdout


@pytest.mark.postgres
def test_sqlite_ledger_exported_and_imported_into_postgres(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    sqlite = str(tmp_path / "ledger.sqlite3")
    courses = {
        "case-report-2023": ROOT / "examples" / "case-report-course.yaml",
        "P-mixed": ROOT / "tests" / "cumulative" / "data" / "mixed-entry-styles.yaml",
        "P-0042": ROOT / "tests" / "ledger" / "data" / "course_two_dia_cycles.yaml",
    }
    for course in courses.values():
        _ok("ledger", "import", "--ledger", sqlite, str(course), "--by", "A. Pharm")
    # a mistake corrected on the way: record 3 voided; it must not move
    _ok("ledger", "void", "3", "--reason", "entered twice", "--ledger", sqlite, "--by", "B")
    server = pg_ledger(request)
    for patient in courses:
        out = tmp_path / f"{patient}.yaml"
        _ok("ledger", "export", "-p", patient, "--output", str(out), "--ledger", sqlite)
        _ok("ledger", "import", str(out), "--ledger", server)
    for patient in courses:
        listed = [
            json.loads(_ok("ledger", "list", "-p", patient, "-f", "json", "--ledger", where))
            for where in (sqlite, server)
        ]
        assert [[{k: d[k] for k in CLINICAL} for d in docs] for docs in listed] == [
            [{k: d[k] for k in CLINICAL} for d in listed[0]]
        ] * 2
        assert len(listed[1]) == len(listed[0]) > 0
        cumulative = [
            _ok("cumulative", "--ledger", where, "--patient", patient, "--format", "json")
            for where in (sqlite, server)
        ]
        assert cumulative[0] == cumulative[1]
        assert json.loads(cumulative[0])["patient"] == patient
    assert _ok("ledger", "check", "--ledger", server).startswith("ok: ")
