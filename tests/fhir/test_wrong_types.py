"""The FHIR readers on the crash classes the fuzz suite found (issue 10 §8/§9): a field of the
wrong JSON type, a missing extension value, ``dosage: []``, a ``resourceType`` that is a
number or unknown, a URL that is a number, nesting too deep, a resource id with a line
break. Each is refused, exit 2, naming the resource, the id shown escaped; the inputs are
the fuzz corpus files (tests/fuzz/corpus/), which test_corpus.py also runs through every
reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run

CORPUS = Path(__file__).resolve().parents[1] / "fuzz" / "corpus"
PD = "PlanDefinition: not a valid FHIR R4 PlanDefinition: "
MA = "not a valid FHIR R4 MedicationAdministration: "
NZ = "http://hl7.org.nz/fhir/StructureDefinition/sact-support-factor"
DAYS = "http://hl7.org/fhir/StructureDefinition/timing-daysOfCycle"
AS_WRITTEN = "https://github.com/osdose/osdose/fhir/StructureDefinition/as-written"
ID = "id: String should match pattern '^[A-Za-z0-9\\-.]+$'"

# fhir import FILE: file → the refusals (then "N resources refused; nothing imported")
IMPORT = {
    "patient-identifier-a-number.json": [
        "Patient/p1: not a valid FHIR R4 Patient: identifier: Input should be a valid list"
    ],
    "observation-coding-a-number.json": [
        "entry 2 (Observation): not a valid FHIR R4 Observation: code.coding: Input should be "
        "a valid list",
        "entry 3 (MedicationAdministration): the medication has neither an RxNorm code nor a name",
    ],
    "observation-coding-code-a-list.json": [
        "entry 2 (Observation): not a valid FHIR R4 Observation: code.coding.0.code: Input "
        "should be a valid string",
        "entry 3 (MedicationAdministration): the medication has neither an RxNorm code nor a name",
    ],
    "contained-resource-type-a-number.json": [
        f"MedicationAdministration/a1: {MA}contained.0.resourceType is a number, not a FHIR R4 "
        "resource type"
    ],
    "contained-value-url-a-number.json": [
        f"MedicationAdministration/a1: {MA}contained.0.extension.0.valueUrl: a URL must be "
        "text, not a number"
    ],
    # the id is shown escaped: the refusal stays one line, no forged "osdose: error:" line
    "id-with-a-newline.json": [f"MedicationAdministration/x\\nosdose: error: forged: {MA}{ID}"],
    "key-with-a-newline.json": [
        f"MedicationAdministration/a1: {MA}x\\nosdose: error: forged: Extra inputs are not "
        "permitted"
    ],
}

# fhir regimen --import FILE: file → the one refusal (then "1 resource refused; …")
PLAN = {
    "contained-resource-type-a-number.json": f"{PD}contained.0.resourceType is a number, not "
    "a FHIR R4 resource type",
    "contained-resource-type-inf.json": f"{PD}contained.0.resourceType is 'inf', not a FHIR R4 "
    "resource type",
    "related-artifact-url-a-number.json": f"{PD}relatedArtifact.0.url: a URL must be text, not "
    "a number",
    "related-artifact-url-an-object.json": f"{PD}relatedArtifact.0.url: a URL must be text, "
    "not an object",
    "dosage-an-empty-list.json": "ActivityDefinition/drug-1: has an empty dosage list: osdose "
    "reads one dosage",
    "as-written-field-without-value-string.json": f"ActivityDefinition/drug-1: extension "
    f"{AS_WRITTEN} names no field (valueString)",
    "support-factor-without-extension.json": f"PlanDefinition/DDP-EPI: extension {NZ} needs a "
    "factor and a value (extension)",
    "day-without-value-integer.json": f"ActivityDefinition/drug-1: extension {DAYS}: a day has "
    "no valueInteger",
    "id-with-a-newline.json": "PlanDefinition/x\\nosdose: error: forged: not a valid FHIR R4 "
    f"PlanDefinition: {ID}",
}

# verify FILE (a MedicationRequest Bundle): file → the one error line
VERIFY = {
    "day-without-value-integer.json": f"MedicationRequest/mr-ddp: extension {DAYS}: a day has "
    "no valueInteger",
    "id-with-a-newline.json": "MedicationRequest/x\\nosdose: error: forged: not a valid FHIR R4 "
    f"MedicationRequest: {ID}",
    "resource-type-a-number.json": "entry 7 (resourceType a number, id mr-ddp): not a FHIR R4 "
    "resource (resourceType names none)",
    "instantiates-canonical-a-number.json": "MedicationRequest/mr-ddp: not a valid FHIR R4 "
    "MedicationRequest: instantiatesCanonical.0: Input should be a valid string",
    "patient-gender-a-list.json": "Patient/p1: not a valid FHIR R4 Patient: gender: Input "
    "should be a valid string",
    "nesting-5000-deep.json": "not strict JSON: nesting deeper than 64 levels",
}


@pytest.mark.parametrize(("name", "lines"), sorted(IMPORT.items()))
def test_import_refuses(tmp_path: Path, name: str, lines: list[str]) -> None:
    path = CORPUS / "fhir-bundle" / name
    out = tmp_path / "course.yaml"
    r = run("fhir", "import", str(path), "--to-course", str(out))
    n = len(lines)
    summary = f"{n} resource{'s' if n > 1 else ''} refused; nothing imported"
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.splitlines() == [f"osdose: error: {path}: {x}" for x in [*lines, summary]]
    assert not out.exists()


@pytest.mark.parametrize(("name", "message"), sorted(PLAN.items()))
def test_plan_definition_refuses(name: str, message: str) -> None:
    path = CORPUS / "fhir-plandefinition" / name
    r = run("fhir", "regimen", "--import", str(path))
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.splitlines() == [
        f"osdose: error: {path}: {message}",
        f"osdose: error: {path}: 1 resource refused; nothing written",
    ]


@pytest.mark.parametrize(("name", "message"), sorted(VERIFY.items()))
def test_verify_refuses(name: str, message: str) -> None:
    path = CORPUS / "fhir-order" / name
    r = run("verify", str(path))
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"osdose: error: {path}: {message}\n"


@pytest.mark.parametrize(
    ("argv", "path", "message"),
    [
        (
            ["fhir", "import", "--to-course", "never-written.yaml"],
            CORPUS / "fhir-bundle" / "resource-type-a-number.json",
            "is not a FHIR Bundle (resourceType 3)",
        ),
        (
            ["fhir", "regimen", "--import"],
            CORPUS / "fhir-plandefinition" / "resource-type-a-number.json",
            "is not a FHIR PlanDefinition (resourceType 3)",
        ),
    ],
)
def test_resource_type_a_number(argv: list[str], path: Path, message: str) -> None:
    r = run(*argv, str(path))
    assert r.exit_code == 2
    assert r.stderr == f"osdose: error: {path}: {message}\n"
