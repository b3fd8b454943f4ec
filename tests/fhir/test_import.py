"""`osdose fhir import`: administrations through the course reader, all or nothing."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from osdose.fhir.bundle import BundleRefused
from osdose.fhir.ingest import read
from osdose.ledger.store import open_ledger

from .conftest import DATA, run

HOSPITAL = DATA / "bundle-hospital-export-three-drugs.json"


def test_a_hospital_bundle_reads_as_three_administrations_with_the_bsa_of_each_day() -> None:
    got = read(HOSPITAL)
    a, b, c = got.course.administrations
    # 175 cm, 70 kg on 2021-04-12 (Observations): √(175 × 70 / 3600) = √3.402778 = 1.844662 m²
    bsa = math.sqrt(175 * 70 / 3600)
    assert bsa == pytest.approx(1.844662, abs=1e-6)
    # cisplatin 258 mg → 258 / 1.844662 = 139.863 mg/m²
    assert (a.drug, a.dose, a.bsa_m2) == ("cisplatin", 258.0, bsa)
    assert a.dose_per_m2 == pytest.approx(139.863, abs=1e-3)
    # epirubicin (a contained Medication) 50 mg/m² → 50 × 1.844662 = 92.2331 mg; given at
    # 09:30 New Zealand time on the 12th: the 12th
    assert (b.drug, b.dose_per_m2, str(b.date)) == ("epirubicin", 50.0, "2021-04-12")
    assert b.dose == pytest.approx(92.2331, abs=1e-4)
    # ifosfamide 2 g (a MedicationStatement) on the 13th at BSA 1.8 m² (an Observation):
    # 2,000 mg, 2,000 / 1.8 = 1,111.11 mg/m²
    assert (c.drug, c.dose, c.bsa_m2) == ("ifosfamide", 2000.0, 1.8)
    assert c.dose_per_m2 == pytest.approx(1111.11, abs=1e-2)
    assert got.course.patient == "P-0042"
    assert got.labels == (
        "MedicationAdministration/adm-ddp",
        "MedicationAdministration/adm-epi",
        "MedicationStatement/st-ifo",
    )
    assert [(r.resource, r.reason) for r in got.left_out] == [
        ("MedicationAdministration/adm-wrong", "status entered-in-error: recorded by mistake")
    ]


def test_into_the_ledger_in_one_transaction_naming_each_resource(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    r = run("fhir", "import", str(HOSPITAL), "--ledger", str(ledger), "--by", "A. Pharm")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "1\n2\n3\n"
    with open_ledger(ledger) as store:
        records = list(store.records())
    # the new head, to keep elsewhere for ledger check --expect-head
    assert r.stderr == (
        "osdose: note: MedicationAdministration/adm-wrong left out: status entered-in-error: "
        "recorded by mistake\n"
        f"osdose: note: no ledger was at {ledger}: created a new one (ids start at 1)\n"
        f"imported 3 administrations for P-0042 into {ledger}; head {records[-1].hash}\n"
    )
    assert [r.source for r in records] == [
        f"{HOSPITAL} MedicationAdministration/adm-ddp",
        f"{HOSPITAL} MedicationAdministration/adm-epi",
        f"{HOSPITAL} MedicationStatement/st-ifo",
    ]
    assert records[0].dose == 258.0


def test_importing_the_same_bundle_twice_is_refused_whole(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    assert run("fhir", "import", str(HOSPITAL), "--ledger", str(ledger), "--by", "x").exit_code == 0
    r = run("fhir", "import", str(HOSPITAL), "--ledger", str(ledger), "--by", "x")
    assert r.exit_code == 2
    assert "patient P-0042 already has cisplatin on 2021-04-12 (record 1)" in r.stderr
    with open_ledger(ledger) as store:
        assert len(list(store.records())) == 3


def test_to_a_course_file_that_reads_back_the_same(tmp_path: Path) -> None:
    out = tmp_path / "course.yaml"
    r = run("fhir", "import", str(HOSPITAL), "--to-course", str(out), "--patient", "MRN-1")
    assert r.exit_code == 0, r.stderr
    from osdose.course import load_course

    again = load_course(out)
    assert again.patient == "MRN-1"
    pairs = [(a.drug, a.date, a.dose, a.dose_per_m2) for a in again.administrations]
    assert pairs == [
        (a.drug, a.date, a.dose, a.dose_per_m2) for a in read(HOSPITAL).course.administrations
    ]


def test_nothing_is_written_when_any_resource_is_refused(tmp_path: Path) -> None:
    bad = DATA / "bundle-two-refused-one-good.json"
    ledger, course = tmp_path / "ledger.sqlite3", tmp_path / "course.yaml"
    r = run("fhir", "import", str(bad), "--ledger", str(ledger), "--by", "x")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"osdose: error: {bad}: MedicationAdministration/adm-ml: dose unit 'mL': mL is a "
        "volume, not an amount of drug",
        f"osdose: error: {bad}: MedicationAdministration/adm-nodrug: unknown drug 'cisplatine'; "
        "did you mean cisplatin, vincristine, vinblastine? (in drug; add it to the drug table "
        "with --drugs if it is missing)",
        f"osdose: error: {bad}: 2 resources refused; nothing imported",
    ]
    assert not ledger.exists()
    r = run("fhir", "import", str(bad), "--to-course", str(course))
    assert r.exit_code == 2
    assert not course.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --ledger PATH or --to-course FILE (one of them)"),
        (
            ("--ledger", "l.db", "--to-course", "c.yaml"),
            "give --ledger PATH or --to-course FILE (one of them)",
        ),
    ],
)
def test_one_destination(args: tuple[str, ...], message: str) -> None:
    r = run("fhir", "import", str(HOSPITAL), *args)
    assert (r.exit_code, r.stderr) == (2, f"osdose: error: {message}\n")


def test_without_the_extra_every_command_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B", None)
    line = "osdose: error: FHIR support needs the fhir extra: pip install 'osdose[fhir]'\n"
    for args in (
        ("fhir", "import", str(HOSPITAL), "--to-course", "x.yaml"),
        ("fhir", "export", "course.yaml"),
        ("fhir", "regimen", "DIA"),
    ):
        r = run(*args)
        assert (r.exit_code, r.stdout, r.stderr) == (2, "", line)


def test_library_refusal_lists_every_resource() -> None:
    with pytest.raises(BundleRefused) as info:
        read(DATA / "bundle-two-refused-one-good.json")
    assert [r.resource for r in info.value.refusals] == [
        "MedicationAdministration/adm-ml",
        "MedicationAdministration/adm-nodrug",
    ]
