"""`osdose diff`: field changes, dose changes by meaning, the reference patients' mg worked
out by hand, the machine formats asserted exactly, exit codes."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from osdose.diff import compare, percent
from osdose.dose_changes import dose_differences
from osdose.library import load_file

from .conftest import APPROVED, EXAMPLES, ROOT, regimen_text, run, write_regimen

V1 = ROOT / "regimens" / "DDP+EPI.yaml"
DRAFT = EXAMPLES / "v2-draft" / "DDP+EPI.yaml"
ONE_PATIENT = "patients:\n  - {id: adult, height: 175 cm, weight: 70 kg}\n"


def _patients(folder: Path, text: str = ONE_PATIENT) -> Path:
    path = folder / "patients.yaml"
    path.write_text(text, "utf-8")
    return path


def test_cisplatin_140_to_120_for_the_reference_patients() -> None:
    r = run("diff", V1, DRAFT, "--format", "json")
    assert r.exit_code == 1, r.stderr
    doc = json.loads(r.stdout)
    doses = {d["patient"]: d for d in doc["doses"]}
    assert list(doses) == ["small-adult", "average-adult", "large-adult", "capped-bsa"]
    assert {d["drug"] for d in doc["doses"]} == {"cisplatin"}  # epirubicin is unchanged
    # average adult: Mosteller √(175 × 70 / 3600) = 1.8447 m²; 140 × 1.8447 = 258.25 mg a
    # day becomes 120 × 1.8447 = 221.36 mg; (120 − 140) / 140 = −14.3%; one day a cycle
    avg, bsa = doses["average-adult"], math.sqrt(175 * 70 / 3600)
    assert round(bsa, 4) == 1.8447
    assert (round(avg["daily_before"], 2), round(avg["daily_after"], 2)) == (258.25, 221.36)
    assert avg["daily_before"] == pytest.approx(140 * bsa, rel=1e-12)
    assert avg["daily_after"] == pytest.approx(120 * bsa, rel=1e-12)
    assert (
        avg["daily_percent"] == pytest.approx(-100 * 20 / 140)
        and round(avg["daily_percent"], 1) == -14.3
    )
    assert (avg["cycle_before"], avg["cycle_after"]) == (avg["daily_before"], avg["daily_after"])
    # small adult √(150 × 45 / 3600) = 1.3693 m²: 191.70 → 164.32 mg
    small = doses["small-adult"]
    assert (round(small["daily_before"], 2), round(small["daily_after"], 2)) == (191.70, 164.32)
    # BSA capped at 2.0 m²: 140 × 2 = 280 → 120 × 2 = 240 mg
    capped = doses["capped-bsa"]
    assert (capped["daily_before"], capped["daily_after"]) == (280.0, 240.0)
    assert doc["differences"] == [
        {
            "subject": "cisplatin",
            "what": "dose",
            "old": "140 mg/m² per day",
            "new": "120 mg/m² per day",
        }
    ]
    assert [(f["path"], f["dose"]) for f in doc["fields"]] == [
        ("status", False),
        ("version", False),
        ("approved", False),
        ("drugs[cisplatin].dose", True),
        ("drugs[cisplatin].source", False),
        ("drugs[cisplatin].acknowledge", False),
    ]
    assert doc["review"] == []  # a draft needs no approval; its version went 1 → 2
    assert list(doc) == [
        "old",
        "new",
        "dose_changed",
        "differences",
        "fields",
        "patients_file",
        "patients",
        "doses",
        "review",
    ]
    assert doc["patients_file"] == "osdose/data/reference-patients.yaml"


def test_json_is_exact_for_a_small_edit(tmp_path: Path) -> None:
    old = write_regimen(tmp_path, "old.yaml", life=f"version: 1\n{APPROVED}")
    new = write_regimen(
        tmp_path,
        "new.yaml",
        life="version: 2\napproved: {by: Pharmacy committee, date: 2026-06-02}\n",
        cis="100 mg/m2",
    )
    r = run("diff", old, new, "--patients", _patients(tmp_path), "--format", "json")
    assert r.exit_code == 1
    bsa = math.sqrt(175 * 70 / 3600)
    sha = {p: load_file(p).sha256 for p in (old, new)}
    assert json.loads(r.stdout) == {
        "old": {
            "path": str(old),
            "name": "T",
            "status": "active",
            "version": 1,
            "sha256": sha[old],
        },
        "new": {
            "path": str(new),
            "name": "T",
            "status": "active",
            "version": 2,
            "sha256": sha[new],
        },
        "dose_changed": True,
        "differences": [
            {
                "subject": "cisplatin",
                "what": "dose",
                "old": "140 mg/m² per day",
                "new": "100 mg/m² per day",
            }
        ],
        "fields": [
            {"path": "version", "old": 1, "new": 2, "line": 2, "dose": False},
            {
                "path": "approved.by",
                "old": "Pharmacy and Therapeutics Committee",
                "new": "Pharmacy committee",
                "line": 3,
                "dose": False,
            },
            {
                "path": "approved.date",
                "old": "2026-01-15",
                "new": "2026-06-02",
                "line": 3,
                "dose": False,
            },
            {
                "path": "drugs[cisplatin].dose",
                "old": "140 mg/m2",
                "new": "100 mg/m2",
                "line": 7,
                "dose": True,
            },
        ],
        "patients_file": str(tmp_path / "patients.yaml"),
        "patients": ["adult"],
        "doses": [
            {
                "patient": "adult",
                "drug": "cisplatin",
                "unit": "mg",
                "line": 7,
                # 140 × 1.8447 = 258.25 mg → 100 × 1.8447 = 184.47 mg: −28.6%
                "daily_before": pytest.approx(140 * bsa, rel=1e-12),
                "daily_after": pytest.approx(100 * bsa, rel=1e-12),
                "daily_percent": pytest.approx(-40 / 140 * 100),
                "cycle_before": pytest.approx(140 * bsa, rel=1e-12),
                "cycle_after": pytest.approx(100 * bsa, rel=1e-12),
                "cycle_percent": pytest.approx(-40 / 140 * 100),
            }
        ],
        "review": [],
    }


def test_github_annotations_sit_on_the_new_files_lines(tmp_path: Path) -> None:
    old = write_regimen(tmp_path, "old.yaml", life=f"version: 1\n{APPROVED}")
    new = write_regimen(tmp_path, "new.yaml", life=f"version: 1\n{APPROVED}", cis="100 mg/m2")
    r = run("diff", old, new, "--patients", _patients(tmp_path), "--format", "github")
    assert r.exit_code == 1
    since = f"doses changed since {old} (cisplatin dose 140 mg/m² per day → 100 mg/m² per day)"
    assert r.stdout == (
        f"::warning file={new},line=7,title=dose change::drugs[cisplatin].dose: 140 mg/m2 → "
        "100 mg/m2\n"
        f"::warning file={new},line=7,title=reference doses%3A cisplatin::adult per day "
        "258.25 mg → 184.47 mg (-28.6%25), per cycle 258.25 mg → 184.47 mg (-28.6%25)\n"
        f"::error file={new},line=2,title=life cycle%3A version::{since} but version stays 1: "
        "make it version: 2\n"
        f"::error file={new},line=3,title=life cycle%3A approved::{since} but the approval (by "
        "Pharmacy and Therapeutics Committee, 2026-01-15) is the previous version's: record who "
        "approved this version and when, or make it status: draft until it is approved\n"
    )
    assert r.stderr == ""


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda t: t.replace("dose: 140 mg/m2", "dose: 0.14 g/m2"), "drugs[cisplatin].dose"),
        (lambda t: t.replace("days: [1]", "days: '1'", 1), "drugs[cisplatin].days"),
        (lambda t: t.replace("drug: epirubicin", "drug: EPI"), "drugs[epirubicin].drug"),
        (
            lambda t: t.replace("dose: 50 mg/m2", "dose_per_cycle: 50 mg/m2"),
            "drugs[epirubicin].dose",
        ),
        (lambda t: t.replace("references: [test]", "references: [other]"), "references"),
    ],
)
def test_written_differently_is_listed_but_no_dose_change(
    tmp_path: Path, edit: Callable[[str], str], path: str
) -> None:
    old = write_regimen(tmp_path, "old.yaml", life=APPROVED)
    new = tmp_path / "new.yaml"
    new.write_text(edit(regimen_text(life=APPROVED)), "utf-8")
    result = compare(old, new, _patients(tmp_path))
    assert (result.differences, result.doses, result.review) == ((), (), ())
    assert path in [f.path for f in result.fields]
    assert not any(f.dose for f in result.fields)
    assert run("diff", old, new, "--patients", tmp_path / "patients.yaml").exit_code == 0


def test_a_drug_added_and_a_cycle_length_changed_are_dose_changes(tmp_path: Path) -> None:
    old = write_regimen(tmp_path, "old.yaml", life=APPROVED)
    text = regimen_text(life=APPROVED).replace("cycle_length_days: 21", "cycle_length_days: 28")
    new = tmp_path / "new.yaml"
    new.write_text(
        text.replace(
            "references:", "  - drug: ondansetron\n    dose: 8 mg\n    days: [1]\nreferences:"
        ),
        "utf-8",
    )
    result = compare(old, new, _patients(tmp_path))
    assert [d.text for d in result.differences] == [
        "cycle_length_days 21 days → 28 days",
        "ondansetron added",
    ]
    (added,) = result.doses
    assert (added.drug, added.daily_before, added.daily_after, added.daily_percent) == (
        "ondansetron",
        None,
        8.0,
        None,
    )
    assert [(f.path, f.dose) for f in result.fields] == [
        ("cycle_length_days", True),
        ("drugs[ondansetron]", True),
    ]


def test_a_rule_no_reference_patient_meets_is_still_a_dose_change(tmp_path: Path) -> None:
    old = write_regimen(tmp_path, "old.yaml", life=APPROVED)
    new = tmp_path / "new.yaml"
    new.write_text(
        regimen_text(life=APPROVED)
        + "paediatric:\n  - when: {weight_below: 10 kg}\n    rule: per-kg\n    divisor: 30\n",
        "utf-8",
    )
    result = compare(old, new, _patients(tmp_path))
    assert result.doses == ()  # the adult is not below 10 kg
    assert [(d.subject, d.what) for d in result.differences] == [
        ("cisplatin", "paediatric"),
        ("epirubicin", "paediatric"),
    ]
    assert [(f.path, f.dose) for f in result.fields] == [("paediatric", True)]
    assert run("diff", old, new, "--patients", tmp_path / "patients.yaml").exit_code == 1


def test_dose_differences_pair_a_drug_given_twice_by_order() -> None:
    # DIA's ifosfamide and mesna each once: the keys are the drug names
    dia = load_file(ROOT / "regimens" / "DIA.yaml")
    assert dose_differences(dia, dia) == ()
    assert percent(None, 1.0) is None and percent(200.0, 150.0) == -25.0


def test_a_retired_new_version_is_compared_not_refused(tmp_path: Path) -> None:
    old = write_regimen(tmp_path, "old.yaml", life=APPROVED)
    new = write_regimen(tmp_path, "new.yaml", life="status: retired\nsuperseded_by: DDP+EPI\n")
    r = run("diff", old, new, "--patients", _patients(tmp_path), "--format", "json")
    assert r.exit_code == 0, r.stderr
    fields = json.loads(r.stdout)["fields"]
    assert [f["path"] for f in fields] == ["status", "superseded_by", "approved"]


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    good = write_regimen(tmp_path, "good.yaml", life=APPROVED)
    bad = tmp_path / "bad.yaml"
    bad.write_text(regimen_text().replace("cisplatin", "cisplatine"), "utf-8")
    r = run("diff", good, bad)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith(f"osdose: error: {bad}:4: unknown drug 'cisplatine'")
    assert len(r.stderr.splitlines()) == 1
    p = subprocess.run(
        [sys.executable, "-m", "osdose", "diff", str(good), str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
    )
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == f"osdose: error: {tmp_path / 'missing.yaml'}: no such file\n"
    carboplatin = ROOT / "regimens" / "carboplatin-etoposide.yaml"
    r = run("diff", carboplatin, carboplatin, "--patients", _patients(tmp_path))
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith(f"osdose: error: {carboplatin}: reference patient adult: gfr ")


def test_the_table_says_what_changed() -> None:
    r = run("diff", V1, DRAFT)
    assert r.exit_code == 1
    assert "DOSE CHANGED: cisplatin dose 140 mg/m² per day → 120 mg/m² per day" in r.stdout
    assert "average-adult │ cisplatin │      258.25 mg │ 221.36 mg │ -14.3%" in r.stdout
    same = run("diff", V1, V1)
    assert same.exit_code == 0
    assert "No dose of the 4 reference patients" in same.stdout
    assert "No dose changed." in same.stdout


def test_the_version_1_example_is_the_shipped_regimen() -> None:
    # examples/governance/lint-base.sh commits it as version 1: it must be what osdose ships
    import yaml

    example = ROOT / "examples" / "governance" / "v1" / "DDP+EPI.yaml"
    shipped = ROOT / "regimens" / "DDP+EPI.yaml"
    assert yaml.safe_load(example.read_text("utf-8")) == yaml.safe_load(shipped.read_text("utf-8"))
