"""`osdose fhir export`: a Bundle of mCODE MedicationAdministration, valid FHIR R4."""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path

import pytest

from osdose.course import load_course
from osdose.errors import OsdoseError
from osdose.fhir import codes
from osdose.fhir.export import bundle, dumps

from .conftest import ROOT, UCUM, resources, run, valid

CASE = ROOT / "examples" / "case-report-course.yaml"


def _course(tmp_path: Path, entries: str) -> Path:
    p = tmp_path / "course.yaml"
    p.write_text(f"patient: {{id: P-7}}\nadministrations:\n{entries}", "utf-8")
    return p


def test_the_case_report_is_one_patient_and_184_valid_administrations() -> None:
    # DIA ×11 (1 + 3 + 5 + 5 days) + DDP+EPI ×4 (1 + 1) + DDP+IFO ×2 (1 + 5 + 5) = 184
    doc = bundle(load_course(CASE)).bundle
    valid(doc)
    assert doc["type"] == "collection"
    assert len(resources(doc, "Patient")) == 1
    adms = resources(doc, "MedicationAdministration")
    assert len(adms) == 11 * 14 + 4 * 2 + 2 * 11 == 184
    assert {a["status"] for a in adms} == {"completed"}
    assert {a["meta"]["profile"][0] for a in adms} == {codes.MCODE_ADMINISTRATION}


def test_the_first_administration_field_by_field() -> None:
    doc = bundle(load_course(CASE)).bundle
    patient_entry, first_entry = doc["entry"][0], doc["entry"][1]
    first = first_entry["resource"]
    # 172 cm, 65 kg: Mosteller √(172 × 65 / 3600) = √3.105556 = 1.762259 m²;
    # DIA cisplatin 120 mg/m² × 1.762259 = 211.471 mg on day 1 of cycle 1
    bsa = math.sqrt(172 * 65 / 3600)
    assert bsa == pytest.approx(1.762259, abs=1e-6)
    assert first["dosage"]["dose"] == {
        "value": 120 * bsa,
        "unit": "mg",
        "system": UCUM,
        "code": "mg",
    }
    assert first["dosage"]["dose"]["value"] == pytest.approx(211.471, abs=1e-3)
    assert first["dosage"]["extension"] == [
        {
            "url": codes.BSA,
            "valueQuantity": {"value": bsa, "unit": "m2", "system": UCUM, "code": "m2"},
        },
        {
            "url": codes.DOSE_PER_BSA,
            "valueQuantity": {"value": 120.0, "unit": "mg/m2", "system": UCUM, "code": "mg/m2"},
        },
    ]
    assert first["medicationCodeableConcept"] == {
        "coding": [{"system": codes.RXNORM, "code": "2555", "display": "cisplatin"}],
        "text": "cisplatin",
    }
    assert first["effectiveDateTime"] == "2018-09-17"
    assert first["subject"] == {"reference": patient_entry["fullUrl"]}
    assert patient_entry["resource"]["identifier"] == [
        {"system": codes.PATIENT_ID, "value": "case-report-2023"}
    ]
    assert first["note"] == [{"text": "DIA cycle 1 day 1"}]
    assert first["extension"] == [
        {
            "url": codes.MCODE_NORMALIZATION,
            "valueCodeableConcept": {
                "coding": [
                    {
                        "system": codes.SNOMED,
                        "code": "301898006",
                        "display": "Body surface area (observable entity)",
                    }
                ]
            },
        }
    ]


def test_exporting_twice_gives_the_same_bytes() -> None:
    assert dumps(bundle(load_course(CASE)).bundle) == dumps(bundle(load_course(CASE)).bundle)


def test_a_drug_without_a_checked_code_goes_by_name_with_a_warning(tmp_path: Path) -> None:
    done = bundle(
        load_course(
            _course(tmp_path, "  - {date: 2021-05-03, drug: anlotinib, dose: 12 mg, bsa: 1.8}\n")
        )
    )
    adm = resources(done.bundle, "MedicationAdministration")[0]
    assert adm["medicationCodeableConcept"] == {"text": "anlotinib"}
    assert done.warnings == ("anlotinib has no RxNorm code in osdose yet: exported by name only",)
    assert "extension" not in adm  # a dose typed as an amount: its basis is not known


def test_a_dose_in_international_units_is_exported_in_iu(tmp_path: Path) -> None:
    # 15,000 IU at 1.5 m²: 15,000 / 1.5 = 10,000 IU/m²
    done = bundle(
        load_course(
            _course(tmp_path, "  - {date: 2021-05-03, drug: BLM, dose: 15000 IU, bsa: 1.5}\n")
        )
    )
    dosage = resources(done.bundle, "MedicationAdministration")[0]["dosage"]
    valid(done.bundle)
    assert dosage["dose"] == {"value": 15000.0, "unit": "IU", "system": UCUM, "code": "[iU]"}
    assert dosage["extension"][1]["valueQuantity"]["value"] == 10000.0
    assert dosage["extension"][1]["valueQuantity"]["code"] == "[iU]/m2"


def test_an_administration_without_an_amount_is_refused() -> None:
    course = load_course(ROOT / "tests" / "cumulative" / "data" / "cycle-without-measurements.yaml")
    with pytest.raises(
        OsdoseError, match=r"cisplatin on 2018-09-03: the amount given is not known"
    ):
        bundle(course)


def test_cli_writes_stdout_by_default_and_the_same_json_to_a_private_file(tmp_path: Path) -> None:
    r = run("fhir", "export", str(CASE))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == dumps(bundle(load_course(CASE)).bundle)
    out = tmp_path / "bundle.json"
    r = run("fhir", "export", str(CASE), "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert r.stderr == f"wrote 184 administrations to {out}\n"
    assert out.read_text("utf-8") == dumps(bundle(load_course(CASE)).bundle)
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.json"]  # no temporary file left


def test_cli_refuses_to_replace_a_file_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    out.write_text("keep me", "utf-8")
    r = run("fhir", "export", str(CASE), "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr == f"osdose: error: {out}: exists: give --force to replace it\n"
    assert out.read_text("utf-8") == "keep me"
    r = run("fhir", "export", str(CASE), "-o", str(out), "--force")
    assert r.exit_code == 0, r.stderr
    assert json.loads(out.read_text("utf-8"))["type"] == "collection"


def test_cli_from_the_ledger_names_each_resource_after_its_record(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    r = run("ledger", "record", "-p", "P-9", "--drug", "EPI", "--dose", "60 mg", "--bsa", "1.5",
            "--date", "2025-03-01", "--by", "A. Pharm", "--ledger", str(ledger))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    r = run("fhir", "export", "--ledger", str(ledger), "--patient", "P-9")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    valid(doc)
    adm = resources(doc, "MedicationAdministration")[0]
    # 60 mg at 1.5 m²: 60 / 1.5 = 40 mg/m²
    assert adm["id"] == "record-1"
    assert adm["dosage"]["dose"]["value"] == 60.0
    assert adm["dosage"]["extension"][1]["valueQuantity"]["value"] == 40.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a course file, or --patient ID to export from the ledger"),
        (
            (str(CASE), "--patient", "P-1"),
            "give a course file or --patient (with the ledger), not both",
        ),
    ],
)
def test_cli_needs_one_source(args: tuple[str, ...], message: str) -> None:
    r = run("fhir", "export", *args)
    assert r.exit_code == 2
    assert r.stderr == f"osdose: error: {message}\n"
