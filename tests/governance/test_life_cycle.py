"""The life-cycle rule (osdose.governance.admit) and the fields it reads, refused exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from osdose.errors import FileError
from osdose.governance import RetiredRegimen, admit, describe
from osdose.library import load_file
from osdose.regimen import Approval

from .conftest import APPROVED, write_regimen

RETIRED_TAIL = (
    " (a retired regimen is never calculated for new treatment; course files and the ledger "
    "may still name it)"
)


def test_an_approved_active_regimen_has_nothing_to_say(tmp_path: Path) -> None:
    reg = load_file(write_regimen(tmp_path, life=f"status: active\nversion: 2\n{APPROVED}"))
    assert admit(reg) == ()
    assert (reg.status, reg.version) == ("active", 2)
    assert reg.approved == Approval("Pharmacy and Therapeutics Committee", dt.date(2026, 1, 15))
    assert describe(reg) == (
        "status active; version 2; approved 2026-01-15 by Pharmacy and Therapeutics Committee"
    )


def test_a_file_without_status_is_active_and_warned_of_without_an_approval(tmp_path: Path) -> None:
    reg = load_file(write_regimen(tmp_path))
    assert (reg.status, reg.version, reg.approved, reg.status_line) == ("active", None, None, 1)
    assert admit(reg) == (
        "T has no approval record (approved: by, date): make sure it was approved for use "
        "before anything is given",
    )
    assert describe(reg) == "status active; no version; no approval record"


def test_a_draft_warns_loudly(tmp_path: Path) -> None:
    reg = load_file(write_regimen(tmp_path, life="status: draft\nversion: 3\n"))
    assert admit(reg) == (
        "DRAFT regimen: T version 3 is a draft, not approved for use: check every dose against "
        "its protocol before anything is given",
    )


def test_a_retired_regimen_is_refused_naming_its_successor(tmp_path: Path) -> None:
    path = write_regimen(
        tmp_path, life=f"version: 4\n{APPROVED}status: retired\nsuperseded_by: DDP+EPI\n"
    )
    reg = load_file(path)
    with pytest.raises(RetiredRegimen) as caught:
        admit(reg)
    # status: is on line 4 (name, version, approved, status)
    assert str(caught.value) == (
        f"{path}:4: regimen T is retired, superseded by DDP+EPI: use DDP+EPI instead" + RETIRED_TAIL
    )
    assert isinstance(caught.value, FileError)
    assert (caught.value.successor, caught.value.line) == ("DDP+EPI", 4)


def test_a_retired_regimen_without_a_successor_says_so(tmp_path: Path) -> None:
    path = write_regimen(tmp_path, life="status: retired\n")
    with pytest.raises(RetiredRegimen) as caught:
        admit(load_file(path))
    assert str(caught.value) == (
        f"{path}:2: regimen T is retired, it names no successor (superseded_by): ask whoever "
        "keeps the regimen library which regimen replaces it" + RETIRED_TAIL
    )


@pytest.mark.parametrize(
    ("life", "message"),
    [
        (
            "status: approved\n",
            ":2: status: Input should be 'draft', 'active' or 'retired'",
        ),
        (
            "version: 1.2\n",
            ":2: version must be a whole number written as a plain decimal, got '1.2'",
        ),
        ("version: 0\n", ":2: version must be from 1 to 1,000,000, got 0"),
        (
            "approved: {by: PT, date: 2026-01-15}\n",
            ":2: by must say why (at least 3 characters)",
        ),
        (
            "approved: {by: Pharmacy committee}\n",
            ":2: missing required field 'date' [missing-field]",
        ),
        # OSDOSE_TODAY 2026-11-30: tomorrow is accepted (as for history), the day after not
        (
            "approved: {by: Pharmacy committee, date: 2026-12-02}\n",
            ":2: date 2026-12-02 is in the future (latest date accepted 2026-12-01): write the "
            "date it was done",
        ),
    ],
)
def test_life_cycle_fields_are_read_strictly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, life: str, message: str
) -> None:
    monkeypatch.setenv("OSDOSE_TODAY", "2026-11-30")
    path = write_regimen(tmp_path, life=life)
    with pytest.raises(FileError) as caught:
        load_file(path)
    rule = "" if "[missing-field]" in message else " [invalid-value]"
    assert str(caught.value).startswith(f"{path}{message}{rule}"), str(caught.value)


def test_an_approval_dated_tomorrow_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSDOSE_TODAY", "2026-11-30")
    reg = load_file(write_regimen(tmp_path, life="approved: {by: Pharmacy, date: 2026-12-01}\n"))
    assert reg.approved == Approval("Pharmacy", dt.date(2026, 12, 1))
