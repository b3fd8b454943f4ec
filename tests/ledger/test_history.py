"""The ledger as history: the same administrations give the same cumulative exposure
whether they come from a course file or from the ledger it was imported into."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose.cli import app
from osdose.course import load_course
from osdose.cumulative import exposure
from osdose.drugs import load_drugs
from osdose.errors import OsdoseError
from osdose.ledger.history import course_from_ledger
from osdose.ledger.records import LedgerError

from .backends import tamper
from .conftest import DATA, run


def test_exposure_from_the_ledger_equals_exposure_from_the_course_file(ledger: str) -> None:
    f = DATA / "course_two_dia_cycles.yaml"
    assert run(ledger, "import", str(f), "--by", "x").exit_code == 0
    table = load_drugs()
    from_file = load_course(f, table)
    from_ledger = course_from_ledger(ledger, "P-0042", table)
    assert from_ledger.patient == from_file.patient
    assert exposure(from_ledger.administrations, table, "P-0042") == exposure(
        from_file.administrations, table, "P-0042"
    )
    # and by hand for epirubicin, each day with its own BSA:
    # cycle 1 at Mosteller 175 cm/70 kg: 3 days × 40 mg/m² = 120 mg/m²
    # cycle 2 at 80%: 3 days × 32 mg/m² = 96 mg/m²
    # 10 Feb: 74 mg / 1.79 m² = 41.340782… mg/m²
    epi = exposure(from_ledger.administrations, table, "P-0042").get("epirubicin")
    assert epi is not None
    assert epi.total_mg_per_m2 == pytest.approx(120 + 96 + 74 / 1.79, rel=1e-12)


def test_voided_administrations_leave_the_history(ledger: str) -> None:
    f = DATA / "course_two_dia_cycles.yaml"
    run(ledger, "import", str(f), "--by", "x")
    n = len(load_course(f).administrations)
    # the last record is the doxorubicin of 24 February
    assert run(ledger, "void", str(n), "--reason", "not given", "--by", "x").exit_code == 0
    course = course_from_ledger(ledger, "P-0042", load_drugs())
    assert len(course.administrations) == n - 1
    assert all(a.drug != "doxorubicin" for a in course.administrations)
    assert course.administrations[0].source == ledger
    assert course.administrations[0].line == 1  # the record id


def test_unknown_patient_and_missing_ledger_are_refused(ledger: str, tmp_path: Path) -> None:
    with pytest.raises(OsdoseError, match="no ledger at"):
        course_from_ledger(tmp_path / "none.sqlite3", "P-0042", load_drugs())
    run(ledger, "import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x")
    with pytest.raises(OsdoseError, match="unknown patient 'P-0042'"):
        course_from_ledger(ledger, "P-0042", load_drugs())


def test_default_location_comes_from_the_environment(
    ledger: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(ledger, "import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x")
    monkeypatch.setenv("OSDOSE_LEDGER", str(ledger))
    course = course_from_ledger(None, "P-0009", load_drugs())
    # 60 mg at 1.5 m² = 40 mg/m²
    assert [(a.dose_mg, a.dose_mg_per_m2) for a in course.administrations] == [(60.0, 40.0)]


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE records SET dose = 7.4 WHERE id = 3",  # a smaller dose: a smaller total
        "UPDATE records SET date = '2020-01-01' WHERE id = 3",  # moved out of a window
        "UPDATE records SET drug = 'cisplatin' WHERE id = 3",  # counted against another drug
        "UPDATE records SET dose_percent = 50 WHERE id = 3",
    ],
)
def test_a_record_changed_outside_osdose_gives_no_total(ledger: str, change: str) -> None:
    """A record changed by hand, its hash not recomputed (what `ledger check` reports as
    BROKEN), is refused by every command that sums a history from the ledger: a dose lowered
    in the database must not lower a lifetime total unseen until the next check."""
    run(ledger, "import", str(DATA / "course_two_dia_cycles.yaml"), "--by", "x")
    course_from_ledger(ledger, "P-0042", load_drugs())  # reads before the change
    tamper(ledger, change)
    with pytest.raises(LedgerError) as caught:
        course_from_ledger(ledger, "P-0042", load_drugs())
    says = (
        ": record 3: its content does not match its hash: it was changed outside osdose "
        "after it was recorded, and is not used (run osdose ledger check)"
    )
    assert str(caught.value).startswith("ledger ") and str(caught.value).endswith(says)
    for command in (
        ["cumulative", "--patient", "P-0042", "--format", "json"],
        ["plan", "--patient", "P-0042", "-r", "DDP+EPI", "-n", "1", "--bsa", "1.8"],
    ):
        r = CliRunner().invoke(app, [*command, "--ledger", ledger])
        assert (r.exit_code, r.stdout) == (2, ""), r.stdout
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("osdose: error: ledger "), r.stderr
        assert lines[0].endswith(says)
    # ledger check says the same record is the one that was changed
    check = run(ledger, "check")
    assert check.exit_code == 1
    assert "record 3: its content does not match its hash (it was changed)" in check.stdout
