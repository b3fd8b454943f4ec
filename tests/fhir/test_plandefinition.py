"""Regimens as PlanDefinition: every field mapped, every regimen round-trips, refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from osdose.errors import OsdoseError
from osdose.fhir import codes, regimen_fields
from osdose.fhir.export import dumps
from osdose.fhir.plandefinition import file_model, read_plan_definition, regimen_plan
from osdose.formats import regimen as schema
from osdose.library import library, load_regimen

from .conftest import DATA, ROOT, UCUM, run, valid

TEST_REGIMENS = ROOT / "tests" / "data" / "regimens"
ROUND_TRIP = [r.name for r in library()] + [
    str(TEST_REGIMENS / n)
    for n in (
        "cisplatin-written-per-cycle-over-2-days.yaml",
        "vincristine-capped-at-2mg.yaml",
        "cyclophosphamide-per-kg.yaml",
        "bleomycin-in-iu.yaml",
    )
]


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    p = tmp_path / "plan.json"
    p.write_text(dumps(doc), "utf-8")
    return p


def test_every_field_of_the_regimen_schema_is_mapped() -> None:
    assert regimen_fields.unmapped() == {}
    mapped = regimen_fields.mapped()
    for name in ("RegimenFile", "DrugEntry", "SupportiveCare", "Acknowledgement"):
        assert set(getattr(schema, name).model_fields) == mapped[name], name


def test_a_field_without_a_mapping_is_refused_not_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = tuple(r for r in regimen_fields.REGIMEN if r.fields != ("assumptions",))
    monkeypatch.setattr(regimen_fields, "REGIMEN", rows)
    monkeypatch.setattr("osdose.fhir.plandefinition.REGIMEN", rows)
    assert regimen_fields.unmapped() == {"RegimenFile": {"assumptions"}}
    with pytest.raises(OsdoseError, match="regimen field 'assumptions' has no PlanDefinition"):
        regimen_plan("DIA")


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_yaml_to_plandefinition_to_yaml_keeps_every_field(tmp_path: Path, name: str) -> None:
    reg = load_regimen(name)
    pd = regimen_plan(name)
    valid(pd)
    back = read_plan_definition(_write(tmp_path, pd))
    assert back.model == file_model(reg)
    assert back.warnings == ()
    yaml_file = tmp_path / "again.yaml"
    yaml_file.write_text(back.yaml, "utf-8")
    again = load_regimen(str(yaml_file))
    assert [(d.drug, d.basis, d.days, d.max_dose) for d in again.drugs] == [
        (d.drug, d.basis, d.days, d.max_dose) for d in reg.drugs
    ]


def test_dia_as_a_clinical_protocol_of_one_cycle_action() -> None:
    pd = regimen_plan("DIA")
    assert pd["type"]["coding"] == [{"system": codes.PLAN_TYPE, "code": "clinical-protocol"}]
    assert (pd["title"], pd["status"]) == ("DIA", "active")
    (cycle,) = pd["action"]
    assert cycle["timingTiming"] == {"repeat": {"count": 11, "duration": 14, "durationUnit": "d"}}
    assert cycle["description"] == "Cycles 1 to 11 - 14 days"
    assert [a["definitionCanonical"] for a in cycle["action"]] == [
        "#drug-1", "#drug-2", "#drug-3", "#drug-4",
    ]  # fmt: skip
    epirubicin = cycle["action"][1]
    assert epirubicin["extension"][0] == {
        "url": codes.DAYS_OF_CYCLE,
        "extension": [{"url": "day", "valueInteger": d} for d in (1, 2, 3)],
    }
    ifosfamide = pd["contained"][2]
    assert ifosfamide["resourceType"] == "ActivityDefinition"
    assert ifosfamide["productCodeableConcept"]["coding"][0]["code"] == "5657"
    quantity = ifosfamide["dosage"][0]["doseAndRate"][0]["doseQuantity"]
    # "2 g/m2" as written; per day in mg/m²: 2 × 1,000 = 2,000 mg/m²
    assert {k: quantity[k] for k in ("value", "unit", "system", "code")} == {
        "value": 2000.0, "unit": "mg/m2", "system": UCUM, "code": "mg/m2",
    }  # fmt: skip
    assert ifosfamide["dosage"][0]["route"] == {"text": "IV"}


def test_a_dose_per_cycle_is_a_dose_per_day_in_fhir_and_the_cap_a_maximum() -> None:
    # MAP cisplatin 120 mg/m² per cycle over days 1–2: 120 / 2 = 60 mg/m² per day
    split = regimen_plan(str(TEST_REGIMENS / "cisplatin-written-per-cycle-over-2-days.yaml"))
    assert split["contained"][0]["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 60.0
    capped = regimen_plan(str(TEST_REGIMENS / "vincristine-capped-at-2mg.yaml"))
    cap = capped["contained"][0]["dosage"][0]["maxDosePerAdministration"]
    assert (cap["value"], cap["code"]) == (2.0, "mg")
    per_kg = regimen_plan(str(TEST_REGIMENS / "cyclophosphamide-per-kg.yaml"))
    assert per_kg["contained"][0]["dosage"][0]["doseAndRate"][0]["doseQuantity"]["code"] == "mg/kg"


def test_a_plandefinition_modelled_on_the_nz_guide_reads_as_a_regimen() -> None:
    got = read_plan_definition(DATA / "plandefinition-nz-style-snomed-units.json")
    m = got.model
    assert (m.name, m.cycle_length_days, m.cycles) == (
        "GYN - cISplatin chemoradiation (weekly)",
        7,
        5,
    )
    assert [(d.drug, d.dose, d.days, d.route) for d in m.drugs] == [
        ("cISplatin", "50 mg/m2", [1], "intravenous"),
        ("ondansetron", "8 mg", [1, 2], "oral administration"),
    ]
    assert m.supportive_care.other == ["Emetogenicity: High"]
    assert m.indication == "Gynaecological"


REFUSED = {
    "plandefinition-dose-edited-not-as-written.json": "ActivityDefinition/drug-1: doseQuantity "
    "100 mg/m2 per day disagrees with dose '140 mg/m2' as written: which is right?",
    "plandefinition-two-cycle-actions.json": "PlanDefinition/DDP-EPI: has 2 top-level actions: "
    "an osdose regimen is one repeating cycle (one action holding one action per drug)",
    "plandefinition-activity-not-contained.json": "action drug-2: definitionCanonical "
    "'ActivityDefinition/epi' is not a contained ActivityDefinition",
}


@pytest.mark.parametrize(("name", "message"), sorted(REFUSED.items()))
def test_a_plandefinition_that_cannot_be_a_regimen_is_refused(
    tmp_path: Path, name: str, message: str
) -> None:
    path, out = DATA / name, tmp_path / "regimen.yaml"
    r = run("fhir", "regimen", "--import", str(path), "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"osdose: error: {path}: {message}",
        f"osdose: error: {path}: 1 resource refused; nothing written",
    ]
    assert not out.exists()


def test_every_plandefinition_file_has_its_test() -> None:
    files = {p.name for p in DATA.glob("plandefinition-*.json")}
    assert files == set(REFUSED) | {
        "plandefinition-nz-style-snomed-units.json",
        "plandefinition-cisplatin-by-auc.json",
        "plandefinition-retired.json",
    }


def test_cli_writes_json_then_reads_it_back_to_yaml(tmp_path: Path) -> None:
    r = run("fhir", "regimen", "DDP+EPI")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == dumps(regimen_plan("DDP+EPI"))
    plan = tmp_path / "ddp-epi.json"
    plan.write_text(r.stdout, "utf-8")
    out = tmp_path / "ddp-epi.yaml"
    r = run("fhir", "regimen", "--import", str(plan), "-o", str(out))
    assert (r.exit_code, r.stderr) == (0, f"wrote regimen DDP+EPI to {out}\n")
    assert load_regimen(str(out)).name == "DDP+EPI"
    r = run("lint", "--strict", str(out))
    assert r.exit_code == 0, r.stdout + r.stderr


@pytest.mark.parametrize("args", [(), ("DIA", "--import", "x.json")])
def test_cli_takes_a_regimen_or_an_import(args: tuple[str, ...]) -> None:
    r = run("fhir", "regimen", *args)
    assert (r.exit_code, r.stderr) == (
        2,
        "osdose: error: give a regimen, or --import PLANDEF.json (one of them)\n",
    )


def test_a_regimen_lint_refuses_is_written_with_the_finding_and_exit_1(tmp_path: Path) -> None:
    # SNOMED 413573002 ("AUC (area under the curve)") reads as a target AUC, and cisplatin is
    # never dosed by one: the file is written so that it can be corrected, lint's finding is
    # said, and the exit code is 1 (osdose will not calculate with it as it is).
    out = tmp_path / "regimen.yaml"
    r = run(
        "fhir",
        "regimen",
        "--import",
        str(DATA / "plandefinition-cisplatin-by-auc.json"),
        "-o",
        str(out),
    )
    assert r.exit_code == 1
    assert "dose: AUC 5" in out.read_text()
    assert (
        "lint refuses the regimen written: cisplatin is dosed per m² in the drug reference, got "
        "5 mg·min/mL (by AUC) [dose-unit]" in r.stderr
    )
