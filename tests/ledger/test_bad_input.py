"""Bad input to every ledger command: exit 2, one line on stderr, nothing on stdout, and the
ledger exactly as it was (its bytes, its SQL dump, no side files left)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .conftest import DATA, epi_60, run, snapshot

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
}


@pytest.fixture
def filled(ledger: Path) -> Path:
    """1: epirubicin for P-0042; 2: another, voided by 3; 4: P-0009 imported."""
    for args in (
        [*ONE, "--dose", "60 mg", "--date", "2025-03-01"],
        [*ONE, "--dose", "60 mg", "--date", "2025-03-22"],
        ["void", "2", "--reason", "not given", "--by", "x"],
        ["import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x"],
    ):
        r = run(ledger, *args)
        assert r.exit_code == 0, r.stderr
    return ledger


@pytest.mark.parametrize("args", BAD.values(), ids=BAD.keys())
def test_bad_input_exits_2_with_one_line_and_leaves_the_ledger_unchanged(
    filled: Path, args: list[str]
) -> None:
    before = snapshot(filled)
    r = run(filled, *args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osdose: error: "), r.stderr
    assert snapshot(filled) == before


@pytest.mark.parametrize(
    "command",
    [["list", "-p", "P-1"], ["check"], ["void", "1", "--reason", "x"], ["export", "-p", "P-1"]],
)
def test_reading_commands_never_create_a_ledger(ledger: Path, command: list[str]) -> None:
    r = run(ledger, *command)
    assert r.exit_code == 2
    assert r.stderr.startswith("osdose: error: no ledger at ")
    assert not ledger.exists()


def test_bad_record_into_a_new_ledger_does_not_create_it(ledger: Path) -> None:
    r = run(ledger, *ONE, "--dose", "74")
    assert r.exit_code == 2
    assert not ledger.exists()


def test_messages_name_the_problem(filled: Path) -> None:
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
