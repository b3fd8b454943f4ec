"""The ledger at hospital scale (issue 15): 200,000 records exported and imported into a
new ledger give the same cumulative totals, to the last bit; course files in JSON Lines
read as the YAML ones do; an import of a long course checks double entries in one pass."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose.cli import app

from .bulk import fill
from .conftest import DATA, run

PATIENTS = [f"P-{n:02d}" for n in range(10)]


def _cumulative(*args: str) -> str:
    r = CliRunner().invoke(app, ["cumulative", *args, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return r.stdout


@pytest.mark.slow
def test_200_000_records_round_trip_through_export_and_import(tmp_path: Path) -> None:
    started = time.perf_counter()
    first, second = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"
    assert fill(str(first), dict.fromkeys(PATIENTS, 20_000)) == 200_000
    files = []
    for n, patient in enumerate(PATIENTS):
        # one patient in YAML, the others in JSON Lines: both readers at size
        out = tmp_path / f"{patient}.{'yaml' if n == 0 else 'jsonl'}"
        r = run(first, "export", "-p", patient, "-o", str(out))
        assert r.exit_code == 0, r.stderr
        files.append(str(out))
    r = run(second, "import", *files, "--by", "importer")
    assert r.exit_code == 0, r.stderr
    assert len(r.stdout.split()) == 200_000
    for patient, course in zip(PATIENTS, files, strict=True):
        original = _cumulative("--ledger", str(first), "--patient", patient)
        assert _cumulative("--ledger", str(second), "--patient", patient) == original
        assert _cumulative(course) == original
        totals = json.loads(original)
        assert totals["patient"] == patient
    listed = json.loads(run(second, "list", "-p", PATIENTS[3], "-f", "json", "-n", "3").stdout)
    assert [d["id"] for d in listed] == [80_000 - 2, 80_000 - 1, 80_000]  # the newest three
    print(f"round trip of 200,000 records: {time.perf_counter() - started:.1f} s")


def _course_lines(patient: str, entries: list[dict[str, object]]) -> str:
    lines = [json.dumps({"patient": {"id": patient}})]
    lines += [json.dumps(e) for e in entries]
    return "\n".join(lines) + "\n"


def test_a_jsonl_course_reads_as_its_yaml_twin(tmp_path: Path) -> None:
    yaml_course = DATA / "course_one_epirubicin.yaml"
    import yaml

    doc = yaml.safe_load(yaml_course.read_text())
    jsonl = tmp_path / "course.jsonl"
    lines = [{"patient": doc["patient"]}, *doc["administrations"]]
    jsonl.write_text("\n\n".join(json.dumps(x, default=str) for x in lines))  # blank lines too
    assert _cumulative(str(jsonl)) == _cumulative(str(yaml_course))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "course.jsonl:1: is empty: a course file starts with"),
        ('{"id": "P-1"}\n', 'course.jsonl:1: the first line must be {"patient": {...}}'),
        ('{"patient": {"id": "P-1"}}\n[1]\n', "course.jsonl:2: each line must be one JSON object"),
        ('{"patient": {"id": "P-1"}}\n{"date": 1,\n', "course.jsonl:2:"),
        (
            '{"patient": {"id": "P-1"}}\n\n{"date": "2025-01-01", "drug": "EPI", "dose": "60 mg",'
            ' "bsa": 1.5, "dose": "70 mg"}\n',
            "course.jsonl:3: not a JSON object osdose reads: duplicate key 'dose'",
        ),
        (
            '{"patient": {"id": "P-1"}}\n{"date": "2025-01-01", "drug": "EPI", "dose": "60 mg"}\n'
            '{"date": "2025-01-02", "drug": "EPI", "dose": "60 mg", "bsa": "1.5"}\n',
            "course.jsonl:2: epirubicin 60 mg on 2025-01-01 has no BSA",
        ),
        (
            '{"patient": {"id": "P-1", "bsa": 1.5}}\n'
            '{"date": "2025-01-02", "drug": "EPI", "dose": "60 mg", "colour": 1}\n',
            "course.jsonl:2: unknown field 'colour'",
        ),
    ],
)
def test_a_bad_jsonl_course_is_refused_at_its_line(tmp_path: Path, text: str, problem: str) -> None:
    course = tmp_path / "course.jsonl"
    course.write_text(text)
    r = CliRunner().invoke(app, ["cumulative", str(course)])
    assert r.exit_code == 2
    assert problem in r.stderr.replace(str(tmp_path) + "/", "")


def test_a_course_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    limits = tmp_path / "thresholds.yaml"
    from importlib import resources

    shipped = resources.files("osdose").joinpath("data/thresholds.yaml").read_text("utf-8")
    limits.write_text(shipped.replace("max_file_bytes: 1073741824", "max_file_bytes: 1048576"))
    course = tmp_path / "course.jsonl"
    course.write_text('{"patient": {"id": "P-1"}}\n' + " " * (1 << 20) + "\n")
    r = CliRunner().invoke(app, ["--thresholds", str(limits), "cumulative", str(course)])
    assert r.exit_code == 2
    assert "is larger than 1 MiB, the largest file osdose reads, so not a course file" in r.stderr


def test_a_long_import_refuses_a_double_entry_found_in_one_pass(
    ledger: str, tmp_path: Path
) -> None:
    # 300 entries of one patient (more than the 256 checked one by one), one of them a date
    # and drug already in the ledger
    assert run(ledger, "record", "-p", "P-1", "--drug", "EPI", "--dose", "60 mg", "--bsa",
               "1.5", "--date", "2020-06-01", "--by", "x").exit_code == 0  # fmt: skip
    import datetime as dt

    day = dt.date(2020, 1, 1)
    entries = [
        {"date": (day + dt.timedelta(days=n)).isoformat(), "drug": "EPI", "dose": "60 mg",
         "bsa": "1.5"}
        for n in range(300)
    ]  # fmt: skip
    course = tmp_path / "course.jsonl"
    course.write_text(_course_lines("P-1", entries))
    r = run(ledger, "import", str(course), "--by", "x")
    assert r.exit_code == 2
    assert "patient P-1 already has epirubicin on 2020-06-01 (record 1)" in r.stderr
    entries.pop(152)  # 2020-01-01 + 152 days = 2020-06-01
    course.write_text(_course_lines("P-1", entries))
    r = run(ledger, "import", str(course), "--by", "x")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.split() == [str(n) for n in range(2, 301)]


def test_a_long_import_for_a_long_history_checks_its_keys_in_batches(
    sqlite_ledger: Path, tmp_path: Path
) -> None:
    # 1,500 records already (more than the 1,100 keys): the keys are looked up, 1,000 a query
    import datetime as dt

    from .bulk import DRUGS, FIRST

    fill(str(sqlite_ledger), {"P-1": 1500})  # days 0 to 65 from FIRST, each drug once a day
    entries = [
        {"date": (FIRST + dt.timedelta(days=n)).isoformat(), "drug": DRUGS[n % len(DRUGS)],
         "dose": "1 mg", "bsa": "1.5"}
        for n in range(66, 1166)
    ]  # fmt: skip
    clash = {"date": (FIRST + dt.timedelta(days=10)).isoformat(), "drug": DRUGS[3],
             "dose": "1 mg", "bsa": "1.5"}  # fmt: skip
    course = tmp_path / "course.jsonl"
    course.write_text(_course_lines("P-1", [*entries[:1050], clash, *entries[1050:]]))
    r = run(sqlite_ledger, "import", str(course), "--by", "x")
    assert r.exit_code == 2
    # bulk records each drug once a day, in order: day 10's fourth drug is 10 × 23 + 4
    assert f"already has {DRUGS[3]} on {clash['date']} (record 234)" in r.stderr
    course.write_text(_course_lines("P-1", entries))
    r = run(sqlite_ledger, "import", str(course), "--by", "x")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.split() == [str(n) for n in range(1501, 2601)]
