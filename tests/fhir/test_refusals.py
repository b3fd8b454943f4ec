"""Every refusal of `osdose fhir import`: one data file per defect, the exact message, exit 2,
nothing written. Every bad file in data/ has a row here (a test checks that)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DATA, run

MA = "MedicationAdministration/adm-1"
NO_BSA = (
    f"{MA}: no BSA for 2021-04-12: a mg/m2 dose needs the BSA of its day (cumulative mg/m²): "
    "osdose's BSA extension, or an Observation of that day: BSA (LOINC 8277-6), or height "
    "(8302-2) and weight (29463-7)"
)

# file → the message after "osdose: error: PATH: " (one refused resource, then the summary)
REFUSED = {
    "bundle-dose-in-mL.json": f"{MA}: dose unit 'mL': mL is a volume, not an amount of drug",
    "bundle-dose-without-ucum-system.json": f"{MA}: dose unit 'mg' is not UCUM (no system, code "
    "'mg'): osdose reads UCUM codes (http://unitsofmeasure.org) and never guesses a unit from "
    "its display text",
    "bundle-dose-in-U.json": f"{MA}: dose unit 'U': 'U' is the UCUM enzyme unit (µmol/min), not "
    "an international unit ([iU])",
    "bundle-dose-display-mg-per-m2-code-mg.json": f"{MA}: dose unit is ambiguous: UCUM code 'mg' "
    "but display 'mg/m2'",
    "bundle-dose-missing.json": f"{MA}: has no dose (dosage.dose): osdose never assumes one",
    "bundle-dose-with-comparator.json": f"{MA}: dose is '< 258', not the amount given",
    "bundle-dose-zero.json": f"{MA}: dose must be greater than zero, got 0 mg",
    "bundle-dose-implausible-bsa-30.json": f"{MA}: bsa 30 m² is outside the plausible range "
    "0.1–3.5 m²: check the value and its unit",
    "bundle-dose-per-m2-without-bsa.json": NO_BSA,
    "bundle-dose-per-kg-without-weight.json": f"{MA}: dose 5 mg/kg is per kg: no body weight "
    "Observation (LOINC 29463-7) on 2021-04-12",
    "bundle-dose-per-bsa-disagrees-with-dose.json": f"{MA}: dose 221.36 mg and its dose per BSA "
    "100 mg/m2 disagree at BSA 1.8447 m2 (184.47 mg): which is right?",
    "bundle-drug-unknown-cisplatine.json": f"{MA}: unknown drug 'cisplatine'; did you mean "
    "cisplatin, vincristine, vinblastine? (in drug; add it to the drug table with --drugs if it "
    "is missing)",
    "bundle-drug-rxnorm-code-unknown-no-name.json": f"{MA}: RxNorm code 999999 is not a drug "
    "osdose knows, and the medication has no name",
    "bundle-drug-code-cisplatin-text-carboplatin.json": f"{MA}: the medication names two drugs "
    "(RxNorm 2555 is cisplatin, 'carboplatin' is carboplatin): which was given?",
    "bundle-status-stopped.json": f"{MA}: status 'stopped': the amount given is not known to be "
    "complete (only completed resources are imported)",
    "bundle-statement-active.json": "MedicationStatement/st-ifo: status 'active': the amount "
    "given is not known to be complete (only completed resources are imported)",
    "bundle-statement-with-a-schedule.json": "MedicationStatement/st-ifo: its dosage has a "
    "repeating timing: a schedule, not one dose given",
    "bundle-date-month-only.json": f"{MA}: effectiveDateTime is '2021-04': osdose needs the day, "
    "not only a month or year",
    "bundle-period-over-two-days.json": f"{MA}: effectivePeriod runs from "
    "2021-04-12T22:00:00+00:00 to 2021-04-13T02:00:00+00:00: osdose records the dose given on "
    "one day; split it into one resource per day",
    "bundle-two-weights-same-day.json": "Observation/w2: weight 72 kg on 2021-04-12 differs from "
    "Observation/w1 (70 kg) on the same day: which is right?",
    "bundle-resource-id-with-a-space.json": "MedicationAdministration/adm 1: not a valid FHIR R4 "
    "MedicationAdministration: id: String should match pattern '^[A-Za-z0-9\\-.]+$'",
    "bundle-administration-without-subject.json": f"{MA}: not a valid FHIR R4 "
    "MedicationAdministration: subject: Field required",
}
# file → the one line for a file that is not a usable Bundle at all
UNREADABLE = {
    "bundle-two-patients.json": "the administrations are about 2 patients (Patient/p1, "
    "Patient/p2): import one patient at a time",
    "bundle-type-history.json": "Bundle type 'history' is not read (one of collection, "
    "searchset, transaction, batch, document)",
    "bundle-duplicate-key-value.json": "not strict JSON: duplicate key 'value'",
    "not-a-bundle-patient.json": "is not a FHIR Bundle (resourceType 'Patient')",
}
GOOD = {"bundle-hospital-export-three-drugs.json", "bundle-two-refused-one-good.json"}


@pytest.mark.parametrize(("name", "message"), sorted(REFUSED.items()))
def test_refused_resource(tmp_path: Path, name: str, message: str) -> None:
    path = DATA / name
    out = tmp_path / "course.yaml"
    r = run("fhir", "import", str(path), "--to-course", str(out))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"osdose: error: {path}: {message}",
        f"osdose: error: {path}: 1 resource refused; nothing imported",
    ]
    assert not out.exists()


@pytest.mark.parametrize(("name", "message"), sorted(UNREADABLE.items()))
def test_unreadable_bundle(tmp_path: Path, name: str, message: str) -> None:
    path = DATA / name
    ledger = tmp_path / "ledger.sqlite3"
    r = run("fhir", "import", str(path), "--ledger", str(ledger), "--by", "x")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"osdose: error: {path}: {message}\n"
    assert not ledger.exists()


def test_every_bundle_file_has_its_test() -> None:
    bundles = {p.name for p in DATA.glob("*.json") if not p.name.startswith(("order-", "plan"))}
    assert bundles == set(REFUSED) | set(UNREADABLE) | GOOD
