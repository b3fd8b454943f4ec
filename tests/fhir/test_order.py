"""`osdose verify` of a FHIR MedicationRequest Bundle: the same result as the order file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osdose.drugs import load_drugs
from osdose.orders import load_any_order as load_order

from .conftest import DATA, run

ORDER = DATA / "order-ddp-epi-cycle3.json"
SAME_AS_YAML = """\
patient: {id: P-0042, height: 175 cm, weight: 70 kg, age: 29, sex: male, serum_creatinine: 0.9 mg/dL}
regimen: DDP+EPI
cycle: 3
date: 2021-06-01
prescribed:
  - {drug: cisplatin, dose: 258 mg, days: [1], route: IV}
  - {drug: epirubicin, dose: 92 mg, days: [1], route: IV}
"""


def test_the_bundle_reads_as_the_order_file_says() -> None:
    order = load_order(ORDER, load_drugs())
    p = order.patient
    # born 1992-01-15, order date 2021-06-01: 29 years; the latest weight on or before the
    # order date is 70 kg of 2021-05-31 (not 72 kg of April, not 90 kg of a later day)
    assert (p.id, p.height_cm, p.weight_kg, p.age, p.sex) == ("P-0042", 175.0, 70.0, 29, "male")
    assert p.serum_creatinine_mg_dl == 0.9
    assert (order.regimen.name, order.cycle, str(order.date)) == ("DDP+EPI", 3, "2021-06-01")
    assert [(x.drug, x.dose, x.unit, x.days) for x in order.prescribed] == [
        ("cisplatin", 258.0, "mg", (1,)),
        ("epirubicin", 92.0, "mg", (1,)),
    ]


def test_verify_gives_the_same_checks_as_the_yaml_order(tmp_path: Path) -> None:
    yaml_order = tmp_path / "order.yaml"
    yaml_order.write_text(SAME_AS_YAML, "utf-8")
    from_yaml = run("verify", str(yaml_order), "--format", "json")
    from_fhir = run("verify", str(ORDER), "--format", "json")
    assert from_fhir.exit_code == from_yaml.exit_code == 0, from_fhir.stderr
    a, b = json.loads(from_yaml.stdout), json.loads(from_fhir.stdout)
    assert (a.pop("order"), b.pop("order")) == (str(yaml_order), str(ORDER))
    assert b == a
    # Mosteller √(175 × 70 / 3600) = 1.844662 m²; cisplatin 140 mg/m² × 1.844662 = 258.25 mg
    dose = next(c for c in b["checks"] if c["check"] == "dose")
    assert dose["expected_mg"] == pytest.approx(258.2527, abs=1e-4)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("order-intent-plan.json", "MedicationRequest/mr-epi: intent 'plan' is not an order"),
        (
            "order-without-days.json",
            "MedicationRequest/mr-epi: has no days of the cycle (extension timing-daysOfCycle "
            "on dosageInstruction.timing)",
        ),
        (
            "order-without-height.json",
            "Patient/p1: no height Observation (LOINC 8302-2) on or before the order date "
            "2021-06-01",
        ),
        (
            "order-cycles-disagree.json",
            "MedicationRequest/mr-epi: cycle 4 differs from MedicationRequest/mr-ddp (3)",
        ),
        (
            "order-two-patients.json",
            "MedicationRequest/mr-epi: patient Patient/p2 differs from MedicationRequest/mr-ddp "
            "(Patient/p1)",
        ),
        (
            "order-dose-per-m2.json",
            "MedicationRequest/mr-ddp: dose must be the amount to give on each day in mg or IU "
            "(for example '258 mg'), got 140 mg/m²",
        ),
    ],
)
def test_a_bad_order_bundle_is_one_line_naming_the_resource(name: str, message: str) -> None:
    path = DATA / name
    r = run("verify", str(path))
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"osdose: error: {path}: {message}\n"


def test_a_json_file_that_is_no_bundle_is_still_read_as_an_order(tmp_path: Path) -> None:
    # JSON is YAML: an order written as JSON keeps working as before the hook
    order = tmp_path / "order.json"
    import yaml

    order.write_text(json.dumps(yaml.safe_load(SAME_AS_YAML), default=str), "utf-8")
    r = run("verify", str(order), "--format", "json")
    assert r.exit_code == 0, r.stderr
