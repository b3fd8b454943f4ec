"""The ledger commands end to end, through the CLI, on both backends; machine output
asserted exactly."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from osdose.cli import app
from osdose.course import load_course

from .conftest import DATA, FIXED_TIME, as_user, epi_60, is_pg, run, snapshot

GENESIS = "0" * 64


def _expected_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def first_canonical(recorded_at: str) -> str:
    # 60 mg given at BSA 1.5 m²: 60 / 1.5 = 40 mg/m².
    return (
        '{"bsa_m2":1.5,"cycle":null,"date":"2025-03-01","day":null,"dose":60.0,'
        '"dose_per_m2":40.0,"dose_percent":100.0,"drug":"epirubicin","id":1,'
        '"kind":"administration","patient":"P-0042","prev_hash":"' + GENESIS + '",'
        '"reason":null,"recorded_at":"' + recorded_at + '","recorded_by":"A. Pharm",'
        '"regimen":null,"source":"command line","unit":"mg","voids":null}'
    )


def _record_first(ledger: str) -> None:
    r = run(ledger, *epi_60("P-0042", "2025-03-01", "--by", "A. Pharm"))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "1\n"


def test_record_prints_the_id_alone_and_list_json_has_the_named_keys(
    ledger: str, fixed_clock: str
) -> None:
    r = run(ledger, *epi_60("P-0042", "2025-03-01", "--by", "A. Pharm"))
    assert (r.exit_code, r.stdout) == (0, "1\n")
    r = run(ledger, "list", "--patient", "P-0042", "--format", "json")
    assert r.exit_code == 0, r.stderr
    docs = json.loads(r.stdout)
    # SQLite: the clock of the machine that records (fixed here); PostgreSQL: the server's
    recorded_at = docs[0]["recorded_at"]
    if not is_pg(ledger):
        assert recorded_at == FIXED_TIME
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", recorded_at)
    assert docs == [
        {
            "id": 1,
            "kind": "administration",
            "patient": "P-0042",
            "date": "2025-03-01",
            "drug": "epirubicin",
            "dose_mg": 60.0,
            "dose_mg_per_m2": 40.0,
            "dose": {"value": 60.0, "unit": "mg"},
            "dose_per_m2": {"value": 40.0, "unit": "mg/m2"},
            "bsa_m2": 1.5,
            "regimen": None,
            "cycle": None,
            "day": None,
            "dose_percent": 100.0,
            "recorded_at": recorded_at,
            "recorded_by": "A. Pharm",
            "signatures": [],
            "source": "command line",
            "voids": None,
            "reason": None,
            "voided": False,
            "voided_by": None,
            "hash": _expected_hash(first_canonical(recorded_at)),
        }
    ]


def test_whole_cycle_at_a_percent_records_every_day_of_the_regimen(ledger: str) -> None:
    r = run(
        ledger,
        "record",
        "-p",
        "P-1",
        "--regimen",
        "DIA",
        "--cycle",
        "3",
        "--dose-percent",
        "80",
        "--bsa",
        "1.5",
        "--date",
        "2025-01-06",
        "--by",
        "x",
    )
    assert r.exit_code == 0, r.stderr
    # DIA: cisplatin d1, epirubicin d1-3, ifosfamide d1-5, mesna d1-5 → 14 administrations
    assert r.stdout == "".join(f"{i}\n" for i in range(1, 15))
    docs = json.loads(run(ledger, "list", "-p", "P-1", "-f", "json").stdout)
    epi = [d for d in docs if d["drug"] == "epirubicin"]
    # 40 mg/m² × 80% = 32 mg/m²; × 1.5 m² = 48 mg, on 6, 7 and 8 January
    assert [(d["date"], d["day"], d["dose_mg_per_m2"], d["dose_mg"]) for d in epi] == [
        ("2025-01-06", 1, 32.0, 48.0),
        ("2025-01-07", 2, 32.0, 48.0),
        ("2025-01-08", 3, 32.0, 48.0),
    ]
    assert {(d["regimen"], d["cycle"], d["dose_percent"]) for d in docs} == {("DIA", 3, 80.0)}


def test_single_drug_tagged_with_its_regimen_and_cycle(ledger: str) -> None:
    r = run(
        ledger,
        "record",
        "-p",
        "P-1",
        "--drug",
        "epirubicin",
        "--dose",
        "40 mg/m2",
        "--height",
        "175cm",
        "--weight",
        "70kg",
        "--regimen",
        "DIA",
        "--cycle",
        "2",
        "--date",
        "2025-01-06",
        "--by",
        "x",
    )
    assert r.exit_code == 0, r.stderr
    (doc,) = json.loads(run(ledger, "list", "-p", "P-1", "-f", "json").stdout)
    # Mosteller √(175 × 70 / 3600) = √3.402777… = 1.844662 m²; × 40 mg/m² = 73.786 mg
    assert doc["bsa_m2"] == pytest.approx(1.844662, abs=1e-6)
    assert doc["dose_mg"] == pytest.approx(73.786, abs=1e-3)
    assert (doc["regimen"], doc["cycle"], doc["day"]) == ("DIA", 2, None)


def test_void_hides_the_record_and_include_void_shows_both(ledger: str) -> None:
    _record_first(ledger)
    r = run(ledger, "void", "1", "--reason", "wrong patient", "--by", "B. Checker")
    assert (r.exit_code, r.stdout) == (0, "2\n")
    shown = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json").stdout)
    assert shown == []
    every = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json", "--include-void").stdout)
    assert [(d["id"], d["kind"], d["voided"], d["voids"]) for d in every] == [
        (1, "administration", True, None),
        (2, "void", False, 1),
    ]
    assert every[1]["reason"] == "wrong patient"
    assert every[1]["recorded_by"] == "B. Checker"
    assert every[1]["dose_mg"] is None and every[1]["date"] is None


def test_recorded_by_defaults_to_the_os_user_on_sqlite(
    sqlite_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "pharmacist7")
    run(sqlite_ledger, *epi_60("P-1", "2025-03-01"))
    (doc,) = json.loads(run(sqlite_ledger, "list", "-p", "P-1", "-f", "json").stdout)
    assert doc["recorded_by"] == "pharmacist7"


@pytest.mark.postgres
def test_recorded_by_is_the_database_role_on_postgres(
    pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .backends import STATE

    assert STATE.server is not None
    monkeypatch.setattr("getpass.getuser", lambda: "pharmacist7")  # not asked on PostgreSQL
    assert run(pg, *epi_60("P-1", "2025-03-01")).exit_code == 0
    (doc,) = json.loads(run(pg, "list", "-p", "P-1", "-f", "json").stdout)
    assert doc["recorded_by"] == STATE.server.admin_user
    # --by may repeat the role, never name another
    again = run(pg, *epi_60("P-1", "2025-03-02", "--by", STATE.server.admin_user))
    assert again.exit_code == 0, again.stderr
    before = snapshot(pg)
    other = CliRunner().invoke(
        app, ["ledger", *epi_60("P-1", "2025-03-03", "--by", "A. Pharm"), "--ledger", pg]
    )
    assert other.exit_code == 2
    assert other.stderr == (
        "osdose: error: --by 'A. Pharm' is not the role this connection is authenticated as "
        f"('{STATE.server.admin_user}'): on a PostgreSQL ledger the database role is who "
        "records or verifies; leave out --by, or connect as that role\n"
    )
    assert snapshot(pg) == before


def test_table_output_names_the_patient_and_the_void(ledger: str) -> None:
    _record_first(ledger)
    run(ledger, "void", "1", "--reason", "entered twice", "--by", "x")
    r = run(ledger, "list", "-p", "P-0042", "--include-void")
    assert r.exit_code == 0
    assert "P-0042" in r.stdout and "VOIDED by 2" in r.stdout and "entered" in r.stdout


def test_check_ok_prints_count_and_head(ledger: str) -> None:
    _record_first(ledger)
    r = run(ledger, "check", "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    listed = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json").stdout)
    assert doc == {
        "ok": True,
        "ledger": ledger,
        "records": 1,
        "verified": 1,
        "head_hash": listed[0]["hash"],
        "break": None,
        "signatures": 0,
        "signatures_verified": 0,
        "signatures_head_hash": GENESIS,
        "signature_break": None,
        "problems": [],
    }
    assert run(ledger, "check").stdout == (
        f"ok: 1 records in {ledger}; hash chain verified, database integrity ok; "
        f"head {listed[0]['hash']}\n"
    )


def test_record_void_and_import_print_the_new_head_on_stderr(ledger: str) -> None:
    r = run(ledger, *epi_60("P-0042", "2025-03-01", "--by", "x"))
    head = json.loads(run(ledger, "check", "-f", "json").stdout)["head_hash"]
    where = as_user(ledger, "x")  # on PostgreSQL, x connects as x
    # a SQLite file is created by the first record, which says so (PostgreSQL: by init)
    new = (
        ""
        if is_pg(ledger)
        else f"osdose: note: no ledger was at {ledger}: created a new one (ids start at 1)\n"
    )
    assert r.stderr == f"{new}recorded 1 administration for P-0042 in {where}; head {head}\n"
    r = run(ledger, "void", "1", "--reason", "wrong patient", "--by", "x")
    head = json.loads(run(ledger, "check", "-f", "json").stdout)["head_hash"]
    assert r.stderr == f"record 1 voided by record 2; head {head}\n"
    r = run(ledger, "import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x")
    head = json.loads(run(ledger, "check", "-f", "json").stdout)["head_hash"]
    assert r.stderr == f"imported 1 administration from 1 file into {where}; head {head}\n"


def test_import_then_export_round_trips_through_load_course(ledger: str, tmp_path: Path) -> None:
    source = DATA / "course_two_dia_cycles.yaml"
    r = run(ledger, "import", str(source), "--by", "importer")
    assert r.exit_code == 0, r.stderr
    original = load_course(source)
    assert r.stdout == "".join(f"{i}\n" for i in range(1, len(original.administrations) + 1))
    out = tmp_path / "exported.yaml"
    r = run(ledger, "export", "--patient", "P-0042", "--output", str(out))
    assert r.exit_code == 0, r.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    assert r.stderr == f"wrote {len(original.administrations)} administrations of P-0042 to {out}\n"
    again = load_course(out)

    def key(c: object) -> list[tuple[object, ...]]:
        return [
            (a.date, a.drug, a.unit, a.dose, a.dose_per_m2, a.bsa_m2)
            for a in c.administrations  # type: ignore[attr-defined]
        ]

    assert again.patient == "P-0042"
    assert key(again) == key(original)  # exactly: the exported text reads back bit for bit
    # and to stdout, the same document
    assert (
        run(ledger, "export", "-p", "P-0042").stdout.split("\n", 2)[2]
        == (out.read_text().split("\n", 2)[2])
    )
    notes = [e["notes"] for e in yaml.safe_load(out.read_text())["administrations"]]
    listed = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json").stdout)
    assert notes[0] == (
        f"ledger record 1; DIA cycle 1 day 1; recorded by importer at {listed[0]['recorded_at']}"
    )


def test_export_leaves_voided_records_out(ledger: str) -> None:
    _record_first(ledger)
    run(ledger, *epi_60("P-0042", "2025-03-22", "--by", "x"))
    run(ledger, "void", "1", "--reason", "not given", "--by", "x")
    doc = yaml.safe_load(run(ledger, "export", "-p", "P-0042").stdout)
    assert [e["notes"].split(";")[0] for e in doc["administrations"]] == ["ledger record 2"]


def test_import_of_several_files_is_all_or_nothing(ledger: str) -> None:
    before = snapshot(ledger)
    r = run(
        ledger,
        "import",
        str(DATA / "course_one_epirubicin.yaml"),
        str(DATA / "course_dose_without_unit.yaml"),
        "--by",
        "x",
    )
    assert r.exit_code == 2
    assert snapshot(ledger) == before  # SQLite: still no file at all
    r = run(ledger, "import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x")
    assert (r.exit_code, r.stdout) == (0, "1\n")


def test_future_margin_accepts_dates_within_it(
    ledger: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    soon = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    args = epi_60("P-1", soon, "--by", "x")
    assert run(ledger, *args).exit_code == 2
    assert run(ledger, *args, "--future-days", "2").exit_code == 0
    monkeypatch.setenv("OSDOSE_LEDGER_FUTURE_DAYS", "3")
    assert run(ledger, *args, "--allow-same-day").exit_code == 0


def test_same_drug_same_day_is_refused_unless_allowed(ledger: str) -> None:
    _record_first(ledger)
    args = epi_60("P-0042", "2025-03-01", "--by", "x")
    r = run(ledger, *args)
    assert r.exit_code == 2
    assert "already has epirubicin on 2025-03-01 (record 1)" in r.stderr
    assert run(ledger, *args, "--allow-same-day").stdout == "2\n"


def test_ledger_location_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "env" / "ledger.sqlite3"
    monkeypatch.setenv("OSDOSE_LEDGER", str(where))
    r = CliRunner().invoke(
        app,
        ["ledger", *epi_60("P-1", "2025-03-01", "--by", "x")],
    )
    assert r.exit_code == 0, r.stderr
    assert where.exists()
    assert where.parent.stat().st_mode & 0o777 == 0o700


def test_a_ledger_url_from_the_environment(ledger: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSDOSE_LEDGER", ledger)
    r = CliRunner().invoke(app, ["ledger", *epi_60("P-1", "2025-03-01")])
    assert (r.exit_code, r.stdout) == (0, "1\n"), r.stderr
    r = CliRunner().invoke(app, ["ledger", "list", "-p", "P-1", "-f", "json"])
    assert [d["id"] for d in json.loads(r.stdout)] == [1]


def test_the_same_drug_twice_on_one_day_within_one_import(ledger: str) -> None:
    # the second entry is refused against the first of the same file, by the course file's
    # own check (file:line), before the ledger is opened
    course = str(DATA / "course_same_drug_twice_one_day.yaml")
    before = snapshot(ledger)
    r = run(ledger, "import", course, "--by", "x")
    assert (r.exit_code, r.stderr) == (
        2,
        f"osdose: error: {course}:8: epirubicin is already given on 2025-03-01 (line 5): a "
        "double entry? If a second administration that day is intended, say so with "
        "same_day_intended: true\n",
    )
    assert snapshot(ledger) == before
    r = run(ledger, "import", course, "--by", "x", "--allow-same-day")
    assert (r.exit_code, r.stdout) == (0, "1\n2\n")
