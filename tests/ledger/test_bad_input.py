"""Bad input to every ledger command: exit 2, one line on stderr, nothing on stdout, and the
ledger exactly as it was (SQLite: its bytes, its SQL dump, no side files left; PostgreSQL:
every row of every table, and the schema's objects)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .backends import BACKENDS, filled_fixture
from .conftest import DATA, epi_60, run, snapshot

# 60 cases on two backends, each ledger compared byte for byte before and after (22 s):
# make test and CI run them; a bare pytest leaves them out.
pytestmark = pytest.mark.slow

RECORD = ["record", "-p", "P-0042", "--by", "x"]
ONE = [*RECORD, "--drug", "EPI", "--bsa", "1.5"]
CYCLE = [*RECORD, "--regimen", "DIA", "--cycle", "4", "--bsa", "1.5"]


def _future(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


BAD: dict[str, list[str]] = {
    "list of an unknown patient": ["list", "-p", "P-9999"],
    "export of an unknown patient": ["export", "-p", "P-9999"],
    "void of a void": ["void", "3", "--reason", "undo", "--by", "x"],
    "second void of a voided record": ["void", "2", "--reason", "again", "--by", "x"],
    "void of an unknown id": ["void", "99", "--reason", "typo", "--by", "x"],
    "void with an empty reason": ["void", "1", "--reason", " ", "--by", "x"],
    "dose with no unit": [*ONE, "--dose", "74", "--date", "2025-03-02"],
    "dose per day": [*ONE, "--dose", "74 mg/day", "--date", "2025-03-02"],
    "date in the future": [*ONE, "--dose", "60 mg", "--date", _future(2)],
    "date beyond the margin": [*ONE, "--dose", "60 mg", "--date", _future(4), "--future-days", "3"],
    "cycle whose last day is in the future": [*CYCLE, "--date", _future(-2)],
    "date not a date": [*ONE, "--dose", "60 mg", "--date", "01/03/2025"],
    "unknown drug": [*RECORD, "--drug", "epirubicine-x", "--dose", "60 mg", "--bsa", "1.5"],
    "no BSA": [*RECORD, "--drug", "EPI", "--dose", "60 mg", "--date", "2025-03-02"],
    "height without weight": [*RECORD, "--drug", "EPI", "--dose", "60 mg", "--height", "170cm"],
    "drug without dose": [*ONE, "--date", "2025-03-02"],
    "dose percent on one drug": [*ONE, "--dose", "60 mg", "--dose-percent", "80"],
    "cycle without regimen": [*ONE, "--dose", "60 mg", "--cycle", "2"],
    "drug not in the regimen": [*ONE, "--dose", "60 mg", "--regimen", "anlotinib", "--cycle", "1"],
    "patient id with a trailing space": epi_60("P-0042 ", "2025-03-02", "--by", "x"),
    "empty recorder": [*ONE[:-2], "--by", " ", "--drug", "EPI", "--bsa", "1.5", "--dose", "60 mg"],
    "same drug on the same day": [*ONE, "--dose", "60 mg", "--date", "2025-03-01"],
    "import of a dose with no unit": ["import", str(DATA / "course_dose_without_unit.yaml")],
    "import of a mg dose without BSA": ["import", str(DATA / "course_mg_without_bsa.yaml")],
    "import of a missing file": ["import", str(DATA / "no_such_course.yaml")],
    "import of a course recorded already": ["import", str(DATA / "course_one_epirubicin.yaml")],
    # issue 10 §8: numbers no ledger should hold, ids no database can, reasons on two lines
    "dose nan": [*ONE, "--dose", "nan mg", "--date", "2025-03-02"],
    "dose inf": [*ONE, "--dose", "inf mg", "--date", "2025-03-02"],
    "dose 1e308": [*ONE, "--dose", "1e308 mg", "--date", "2025-03-02"],
    "dose 1e308 per m2": [*ONE, "--dose", "1e308 mg/m2", "--date", "2025-03-02"],
    "import of a nan dose": ["import", str(DATA / "course_nan_dose.yaml")],
    "import of a 1e308 dose": ["import", str(DATA / "course_1e308_dose.yaml")],
    "void of a 25-digit id": ["void", "1234567890123456789012345", "--reason", "x", "--by", "x"],
    "void of id 0": ["void", "0", "--reason", "x", "--by", "x"],
    "25-digit future days": [*ONE, "--dose", "60 mg", "--future-days", "1" * 25],
    "25-digit cycle": [*CYCLE, "--date", "2020-01-06", "--cycle", "1" * 25],
    "verify of a 25-digit id": [
        "verify-record",
        "1234567890123456789012345",
        "--meaning",
        "verified",
    ],
    "void with a reason on two lines": ["void", "1", "--reason", "a\nBROKEN: forged", "--by", "x"],
    "verify of an unknown id": ["verify-record", "99", "--meaning", "verified", "--by", "B. Check"],
    "verify by the recorder": ["verify-record", "1", "--meaning", "verified", "--by", "x"],
    "verify of a voided record": [
        "verify-record",
        "2",
        "--meaning",
        "verified",
        "--by",
        "B. Check",
    ],
    "check with a malformed head": ["check", "--expect-head", "abc"],
}


def _fill(ledger: str) -> None:
    """1: epirubicin for P-0042; 2: another, voided by 3; 4: P-0009 imported."""
    for args in (
        [*ONE, "--dose", "60 mg", "--date", "2025-03-01"],
        [*ONE, "--dose", "60 mg", "--date", "2025-03-22"],
        ["void", "2", "--reason", "not given", "--by", "x"],
        ["import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x"],
    ):
        r = run(ledger, *args)
        assert r.exit_code == 0, r.stderr


@pytest.fixture(params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return filled_fixture(request, tmp_path, "bad-input", _fill)


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_input_exits_2_with_one_line_and_leaves_the_ledger_unchanged(
    filled: str, args: list[str]
) -> None:
    before = snapshot(filled)
    r = run(filled, *args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osdose: error: "), r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(filled) == before


READING = [["list", "-p", "P-1"], ["check"], ["export", "-p", "P-1"]]
WRITING_EXISTING = [["void", "1", "--reason", "x"], ["verify-record", "1", "--meaning", "verified"]]


@pytest.mark.parametrize("command", READING + WRITING_EXISTING)
def test_commands_other_than_record_import_init_never_create_a_ledger(
    sqlite_ledger: Path, command: list[str]
) -> None:
    r = run(sqlite_ledger, *command)
    assert r.exit_code == 2
    assert r.stderr.startswith("osdose: error: no ledger at ")
    assert not sqlite_ledger.exists()
    assert list(sqlite_ledger.parent.iterdir()) == []


@pytest.mark.postgres
@pytest.mark.parametrize("command", [*READING, *WRITING_EXISTING, epi_60("P-1", "2025-01-01")])
def test_no_command_but_init_writes_a_schema_into_a_database(
    pg_empty: str, command: list[str]
) -> None:
    r = run(pg_empty, *command)
    assert r.exit_code == 2
    assert r.stderr == (
        f"osdose: error: no osdose ledger in database {pg_empty.rsplit('/', 1)[1]} ({pg_empty}): "
        f"run `osdose ledger init --ledger {pg_empty}` first, as a role that may create a "
        "schema there\n"
    )
    assert snapshot(pg_empty) == ({}, [])


def test_bad_record_into_a_new_ledger_does_not_create_it(sqlite_ledger: Path) -> None:
    for bad in (["--dose", "74"], ["--dose", "nan mg"], ["--dose", "1e308 mg"]):
        r = run(sqlite_ledger, *ONE, *bad)
        assert r.exit_code == 2
        assert not sqlite_ledger.exists()
        assert list(sqlite_ledger.parent.iterdir()) == []


def test_messages_name_the_problem(filled: str) -> None:
    def err(key: str) -> str:
        return run(filled, *BAD[key]).stderr

    assert "record 3 is a void (of record 2)" in err("void of a void")
    assert "record 2 is already voided by record 3" in err("second void of a voided record")
    assert "record 99 does not exist" in err("void of an unknown id")
    assert "has no unit" in err("dose with no unit")
    assert "is in the future" in err("date in the future")
    # day 1 two days ago: days 1-3 are past or today, day 4 is tomorrow
    assert "ifosfamide on " in err("cycle whose last day is in the future")
    assert "(cycle day 4) is in the future" in err("cycle whose last day is in the future")
    assert "unknown patient 'P-9999'" in err("list of an unknown patient")
    assert "already has epirubicin on 2025-03-01 (record 4)" in err(
        "import of a course recorded already"
    )
    # nan is no number: refused where the quantity is read, before the ledger sees it
    assert "dose is not one quantity, got 'nan mg'" in err("dose nan")
    assert "got '1e308 mg' (its number is beyond any value osdose reads" in err("dose 1e308")
    # 1e308 mg/m² (× 1.5 m² would overflow to inf mg): refused where it is read
    assert "got '1e308 mg/m2' (its number is beyond any value osdose reads" in err(
        "dose 1e308 per m2"
    )
    assert "record id must be a whole number from 1 to 9223372036854775807" in err(
        "void of a 25-digit id"
    )
    assert "--reason contains a line break" in err("void with a reason on two lines")
    assert "record 1 was recorded by x: a record is verified by someone other" in err(
        "verify by the recorder"
    )
    assert "record 2 is voided by record 3: nothing to verify" in err("verify of a voided record")
    assert "--expect-head must be a SHA-256 hash" in err("check with a malformed head")


def test_usage_errors_are_one_line_too(filled: str) -> None:
    # typer's own usage errors are turned into one line by osdose.cli.main (a process)
    import subprocess
    import sys

    before = snapshot(filled)
    for args in (
        ["verify-record", "1", "--meaning", "approved"],
        ["void", "one", "--reason", "x"],
        ["record", "-p", "P-1", "--cycle", "1" * 25, "--regimen", "DIA", "--bsa", "1.5"],
    ):
        p = subprocess.run(
            [sys.executable, "-m", "osdose", "ledger", *args, "--ledger", filled],
            capture_output=True,
            text=True,
        )
        assert p.returncode == 2, p.stderr
        assert p.stdout == ""
        assert len(p.stderr.splitlines()) == 1 and p.stderr.startswith("osdose: error: ")
    assert snapshot(filled) == before
