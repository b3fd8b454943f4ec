"""Export and import of any size: streamed, with the same text, checks and messages.

`ledger export --format jsonl` writes each usual row straight from its values; every line
must be the one the record path (Record, checks, Administration, json.dumps) writes.
`ledger import` of a JSON Lines file reads, checks and records it in parts inside one
transaction; a problem in any part leaves the ledger as it was (and no new ledger).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from osdose.basis import parse_basis
from osdose.cli import app
from osdose.drugs import load_drugs
from osdose.ledger import entries
from osdose.ledger.export import _dose_text, _slow_line, export_chunks
from osdose.ledger.pages import Page
from osdose.ledger.records import NewRecord
from osdose.ledger.store import open_ledger

from .backends import is_pg, run, snapshot, tamper

TABLE = load_drugs()


def _varied(who: str) -> list[NewRecord]:
    """Records of every shape an export line takes: per m² and as given, with and without
    a regimen (cycle, day, a reduced dose), a unit without a BSA, a text that JSON escapes."""
    day = dt.date(2025, 1, 6)
    r = NewRecord(kind="administration", patient="P-1", recorded_by=who, date=day, drug="EPI")
    return [
        NewRecord(**{**r.__dict__, "unit": "mg", "dose": 74.0 * 1.84, "dose_per_m2": 74.0,
                     "bsa_m2": 1.84}),
        NewRecord(**{**r.__dict__, "drug": "doxorubicin", "unit": "mg", "dose": 100.0,
                     "dose_per_m2": 100.0 / 1.77, "bsa_m2": 1.77, "regimen": "AC",
                     "cycle": 2, "day": 1, "dose_percent": 75.0}),
        NewRecord(**{**r.__dict__, "drug": "cyclophosphamide", "unit": "mg", "dose": 600,
                     "dose_per_m2": 600 / 1.5, "bsa_m2": 1.5, "regimen": 'FEC "100"\n',
                     "dose_percent": 100.0, "date": day + dt.timedelta(days=1)}),
        NewRecord(**{**r.__dict__, "drug": "bleomycin", "unit": "IU", "dose": 15000.0,
                     "date": day + dt.timedelta(days=2)}),
    ]  # fmt: skip


def _both(store: object, where: str) -> tuple[str, str]:
    which = Page("P-1", limit=None, by_id=True)
    fast = "".join(export_chunks(store, "P-1", TABLE, "now", "jsonl").chunks)  # type: ignore[arg-type]
    slow = "".join(_slow_line(e, TABLE, where) for e in store.page(which))  # type: ignore[attr-defined]
    return fast, slow


def test_each_exported_line_is_the_one_the_record_path_writes(ledger: str) -> None:
    with open_ledger(ledger, create=True, write=True) as store:
        who = store.identity(None if is_pg(ledger) else 'Zoë "Q" O\'Neil')
        stored = store.append(_varied(who))
        if not is_pg(ledger):  # a second signature (on PostgreSQL: another role's)
            store.sign(stored[0].id, "verified", "B. Check")
        fast, slow = _both(store, store.location)
    header, *lines = fast.splitlines(keepends=True)
    assert json.loads(header)["patient"]["id"] == "P-1"
    assert "".join(lines) == slow
    assert len(lines) == 4
    first = json.loads(lines[0])
    assert first["dose"] == "74.0 mg/m2" and first["bsa"] == 1.84
    if not is_pg(ledger):
        assert "; verified by B. Check at " in first["notes"]
    # cycle 2 day 1 at 75%: written in the notes as the record path writes them
    assert json.loads(lines[1])["notes"].startswith("ledger record 2; AC cycle 2 day 1 at 75%;")
    assert "bsa" not in json.loads(lines[3])


def test_a_row_changed_outside_osdose_is_refused_and_nothing_is_written(
    sqlite_ledger: Path, tmp_path: Path
) -> None:
    # (PostgreSQL's own CHECK constraints refuse such a change)
    ledger = str(sqlite_ledger)
    with open_ledger(ledger, create=True, write=True) as store:
        store.append(_varied("x"))
    tamper(ledger, "UPDATE records SET dose = 1e12 WHERE id = 3")
    out = tmp_path / "out.jsonl"
    r = run(ledger, "export", "-p", "P-1", "-o", str(out))
    assert r.exit_code == 2
    assert "record 3: dose 1000000000000.0 mg is not a dose the ledger can hold" in r.stderr
    assert "it was changed outside osdose (run osdose ledger check)" in r.stderr
    # streamed into a temporary file until the refusal: neither it nor the output is left
    assert sorted(p.name for p in tmp_path.iterdir() if "out" in p.name) == []


def _course(path: Path, lines: list[dict[str, object]]) -> Path:
    head = {"patient": {"id": "P-9"}}
    path.write_text("".join(json.dumps(x) + "\n" for x in [head, *lines]), encoding="utf-8")
    return path


def _epi(day: int, dose: str = "60 mg") -> dict[str, object]:
    return {"date": f"2025-01-{day:02d}", "drug": "EPI", "dose": dose, "bsa": "1.5 m2"}


@pytest.fixture
def parts_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON Lines courses read two administrations at a time: five lines are three parts."""
    monkeypatch.setattr(entries, "PART", 2)


@pytest.mark.usefixtures("parts_of_two")
def test_an_import_in_parts_records_every_line_once_in_order(ledger: str, tmp_path: Path) -> None:
    course = _course(tmp_path / "c.jsonl", [_epi(d) for d in range(1, 6)])
    r = run(ledger, "import", str(course), "--by", "x")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "1\n2\n3\n4\n5\n"
    listed = json.loads(run(ledger, "list", "-p", "P-9", "--all", "-f", "json").stdout)
    # 60 mg over 1.5 m² is 40 mg/m², on days 1 to 5; each from its own line (2 to 6)
    assert [(x["id"], x["date"], x["dose_per_m2"]["value"]) for x in listed] == [
        (d, f"2025-01-{d:02d}", 40.0) for d in range(1, 6)
    ]
    assert [x["source"] for x in listed] == [f"{course}:{n}" for n in range(2, 7)]


@pytest.mark.usefixtures("parts_of_two")
def test_a_bad_line_in_a_later_part_leaves_the_ledger_as_it_was(
    ledger: str, tmp_path: Path
) -> None:
    assert run(ledger, *_one_record(tmp_path)).exit_code == 0
    before = snapshot(ledger)
    lines = [_epi(d) for d in range(1, 6)]
    lines[4] = _epi(5, "60 kg")  # line 6, in the third part
    r = run(ledger, "import", str(_course(tmp_path / "c.jsonl", lines)), "--by", "x")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith(f"osdose: error: {tmp_path / 'c.jsonl'}:6:")
    assert snapshot(ledger) == before


def _one_record(tmp_path: Path) -> list[str]:
    course = _course(tmp_path / "first.jsonl", [_epi(20)])
    return ["import", str(course), "--by", "x"]


@pytest.mark.usefixtures("parts_of_two")
def test_a_bad_line_in_a_later_part_creates_no_ledger(tmp_path: Path) -> None:
    ledger = tmp_path / "new" / "ledger.sqlite3"
    lines = [_epi(d) for d in range(1, 6)]
    lines[3]["drug"] = "no-such-drug"  # line 5, in the second part
    r = run(ledger, "import", str(_course(tmp_path / "c.jsonl", lines)), "--by", "x")
    assert r.exit_code == 2
    assert f"{tmp_path / 'c.jsonl'}:5:" in r.stderr
    assert not ledger.exists()
    assert list(ledger.parent.iterdir()) == []  # the ledger built beside it is gone too


@pytest.mark.usefixtures("parts_of_two")
def test_a_double_entry_across_parts_is_the_reader_s_refusal(ledger: str, tmp_path: Path) -> None:
    # day 1 on line 2 (first part) and again on line 6 (third part)
    lines = [_epi(1), _epi(2), _epi(3), _epi(4), _epi(1)]
    course = _course(tmp_path / "c.jsonl", lines)
    before = snapshot(ledger)
    r = run(ledger, "import", str(course), "--by", "x")
    assert snapshot(ledger) == before
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (
        f"osdose: error: {course}:6: epirubicin is already given on 2025-01-01 (line 2): a "
        "double entry? If a second administration that day is intended, say so with "
        "same_day_intended: true\n"
    )
    if not is_pg(ledger):
        assert not Path(ledger).exists()


@pytest.mark.usefixtures("parts_of_two")
def test_a_double_entry_against_the_ledger_in_a_later_part_is_the_ledger_s_refusal(
    ledger: str, tmp_path: Path
) -> None:
    assert run(ledger, *_one_record(tmp_path)).exit_code == 0  # EPI on 2025-01-20: record 1
    before = snapshot(ledger)
    lines = [_epi(d) for d in (1, 2, 3, 4, 20)]
    r = run(ledger, "import", str(_course(tmp_path / "c.jsonl", lines)), "--by", "x")
    assert r.exit_code == 2
    assert r.stderr == (
        "osdose: error: patient P-9 already has epirubicin on 2025-01-20 (record 1): void that "
        "record if it is wrong, or allow a second administration on the same day "
        "(--allow-same-day)\n"
    )
    assert snapshot(ledger) == before


@settings(max_examples=300, deadline=None)
@given(
    amount=st.one_of(st.floats(0.001, 5000), st.integers(1, 5000)),
    bsa=st.floats(0.3, 3.0),
    per_m2=st.booleans(),
)
def test_the_dose_written_reads_back_to_both_numbers(
    amount: float, bsa: float, per_m2: bool
) -> None:
    # as a record holds them: the amount per m² × BSA (written per m²), or the amount
    # given ÷ BSA (written as given); the text must read back to exactly that pair, and
    # an integer is written as the float the reader gives back (74 -> "74.0 mg")
    dose, per = (amount * bsa, amount) if per_m2 else (amount, amount / bsa)
    text = _dose_text(dose, per, bsa, "mg")
    value = parse_basis(text).amount
    back = (value * bsa, value) if text.endswith("/m2") else (value, value / bsa)
    assert back == (dose, per)
    assert text.split()[0] == repr(float(text.split()[0]))


def test_a_ledger_created_by_another_writer_during_an_import_is_left_to_it(
    sqlite_ledger: Path,
) -> None:
    # the import builds its new ledger beside the path; someone creates the ledger there
    # meanwhile (their first record): the import is refused whole, theirs is untouched
    from osdose.ledger.records import LedgerError

    one = _varied("x")[:1]

    def parts() -> Iterator[list[NewRecord]]:
        yield one
        with open_ledger(sqlite_ledger, create=True, write=True) as other:
            other.append(_varied("y")[1:2])
        yield _varied("x")[2:3]

    with open_ledger(sqlite_ledger, create=True, write=True) as store:
        with pytest.raises(LedgerError, match="was created by another writer while this import"):
            store.append_all(parts())
        assert not store.created
    with open_ledger(sqlite_ledger) as store:
        assert [(r.id, r.recorded_by, r.drug) for r in store.records()] == [(1, "y", "doxorubicin")]
    assert sorted(p.name for p in sqlite_ledger.parent.iterdir()) == [sqlite_ledger.name]


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        # SQLite keeps any text in a column: a date no calendar has, a word for a dose
        (
            "UPDATE records SET date = '2025-13-45' WHERE id = 2",
            "record 2: its date '2025-13-45' is not a date written YYYY-MM-DD: the ledger was "
            "changed outside osdose; restore it from a backup",
        ),
        (
            "UPDATE records SET dose = 'abc' WHERE id = 2",
            "record 2: dose must be a number, got 'abc'; it was changed outside osdose",
        ),
        (
            "UPDATE records SET cycle = 'two' WHERE id = 2",
            "record 2: cycle must be a whole number from 1 to 1,000,000, got 'two'; it was "
            "changed outside osdose",
        ),
    ],
    ids=["date", "dose", "cycle"],
)
def test_a_text_changed_outside_osdose_is_refused_by_every_reader_and_check_says_broken(
    sqlite_ledger: Path, tmp_path: Path, change: str, refusal: str
) -> None:
    # (each was an internal error: ValueError for the date and a listed cycle, TypeError
    # for a listed dose)
    ledger = str(sqlite_ledger)
    with open_ledger(ledger, create=True, write=True) as store:
        store.append(_varied("x"))
    tamper(ledger, change)
    for args in (
        ["export", "-p", "P-1", "-o", str(tmp_path / "out.jsonl")],
        ["export", "-p", "P-1", "-o", str(tmp_path / "out.yaml")],
        ["list", "-p", "P-1", "-f", "json"],
        ["list", "-p", "P-1"],
    ):
        r = run(ledger, *args)
        assert r.exit_code == 2, (args, r.stdout, r.stderr)
        assert r.stdout == ""  # nothing listed before the refusal
        assert r.stderr.count("\n") == 1 and refusal in r.stderr, (args, r.stderr)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("out")]
    r = CliRunner().invoke(app, ["cumulative", "--ledger", ledger, "--patient", "P-1"])
    assert r.exit_code == 2 and refusal in r.stderr, r.stderr
    checked = run(ledger, "check")
    assert checked.exit_code == 1 and "BROKEN" in checked.stdout, checked.stdout
