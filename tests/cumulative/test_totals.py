"""Cumulative totals worked out by hand from the course files in data/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from osdose.course import Administration, load_course
from osdose.cumulative import exposure
from osdose.drugs import DrugTable
from osdose.errors import OsdoseError

DATA = Path(__file__).parent / "data"


def test_mixed_entry_styles_with_changing_bsa_and_a_reduced_cycle(table: DrugTable) -> None:
    course = load_course(DATA / "mixed-entry-styles.yaml", table)
    e = exposure(course.administrations, table, course.patient)
    epi = e.get("epirubicin")
    assert epi is not None
    # DIA c1 at BSA 2.0 (160 cm, 90 kg: √(160·90/3600) = √4): 40 mg/m² × 3 days = 120 mg/m²,
    #   40 × 2.0 = 80 mg/day × 3 = 240 mg
    # DIA c2 at 75 %, BSA 1.6: 40 × 0.75 = 30 mg/m² × 3 = 90 mg/m²; 30 × 1.6 = 48 mg × 3 = 144 mg
    # 92 mg at BSA 1.84: 92 / 1.84 = 50 mg/m²
    # 140 mg at 175 cm, 63 kg: BSA √(175·63/3600) = √3.0625 = 1.75; 140 / 1.75 = 80 mg/m²
    assert epi.total_per_m2 == pytest.approx(120 + 90 + 50 + 80)  # 340
    assert epi.total == pytest.approx(240 + 144 + 92 + 140)  # 616
    assert epi.administrations == 3 + 3 + 1 + 1
    assert epi.status == "ok"
    assert epi.percent_of_max == pytest.approx(340 / 1000 * 100)
    dox = e.get("doxorubicin")
    assert dox is not None
    # 75 mg/m² with the patient's BSA 2.0 = 150 mg
    assert (dox.total_per_m2, dox.total) == (pytest.approx(75), pytest.approx(150))
    cis = e.get("cisplatin")
    assert cis is not None
    # 120 mg/m² (240 mg at 2.0) + 120 × 0.75 = 90 mg/m² (90 × 1.6 = 144 mg)
    assert (cis.total_per_m2, cis.total) == (pytest.approx(210), pytest.approx(384))
    ifo = e.get("ifosfamide")
    assert ifo is not None
    # 2000 × 5 = 10,000 mg/m² (4000 mg × 5 = 20,000 mg) + 1500 × 5 = 7,500 mg/m² (2400 × 5)
    assert (ifo.total_per_m2, ifo.total) == (pytest.approx(17500), pytest.approx(32000))
    # doxorubicin-equivalent (Feijen 2019): 340 × 0.8 + 75 × 1 = 272 + 75 = 347
    assert e.doxorubicin_equivalent_mg_per_m2 == pytest.approx(347)
    assert [d.drug for d in e.drugs] == [
        "cisplatin",
        "epirubicin",
        "ifosfamide",
        "mesna",
        "doxorubicin",
    ]


def test_cycle_without_measurements_has_mg_per_m2_but_no_mg(table: DrugTable) -> None:
    course = load_course(DATA / "cycle-without-measurements.yaml", table)
    e = exposure(course.administrations, table, course.patient)
    epi = e.get("epirubicin")
    assert epi is not None
    assert epi.total is None
    assert epi.total_per_m2 == 120  # 40 mg/m² × 3 days


def test_each_administration_keeps_its_own_bsa(table: DrugTable) -> None:
    course = load_course(DATA / "mixed-entry-styles.yaml", table)
    bsas = {a.bsa_m2 for a in course.for_drug("epirubicin")}
    assert bsas == {2.0, 1.6, 1.84, 1.75}


def test_crossing_dates_follow_date_order_not_file_order(table: DrugTable) -> None:
    def epi(day: int, per_m2: float) -> Administration:
        return Administration(dt.date(2020, 1, day), "epirubicin", "mg", None, per_m2, None)

    # written out of order: by date the totals run 500, 950 (warn), 1050 (over)
    e = exposure([epi(20, 100), epi(1, 500), epi(10, 450)], table)
    t = e.get("epirubicin")
    assert t is not None
    assert (t.warn_since, t.over_since) == (dt.date(2020, 1, 10), dt.date(2020, 1, 20))


def test_a_drug_recorded_in_mg_and_iu_is_refused(table: DrugTable) -> None:
    a = Administration(dt.date(2020, 1, 1), "bleomycin", "mg", 10.0, 5.0, 2.0)
    b = Administration(dt.date(2020, 1, 8), "bleomycin", "IU", 15000.0, 7500.0, 2.0)
    with pytest.raises(OsdoseError, match="both in mg and in IU"):
        exposure([a, b], table)


def test_bleomycin_total_is_counted_in_iu(table: DrugTable) -> None:
    adms = [
        Administration(dt.date(2020, 1, d), "bleomycin", "IU", 15000.0, None, None)
        for d in (1, 8, 15)
    ]
    t = exposure(adms, table).get("bleomycin")
    assert t is not None
    # 3 × 15,000 IU = 45,000 IU of a 400,000 IU maximum = 11.25 %
    assert (t.total, t.status, t.percent_of_max) == (45000.0, "ok", pytest.approx(11.25))


def test_a_capped_cycle_counts_the_capped_dose_per_m2(table: DrugTable, tmp_path: Path) -> None:
    regimen = DATA / "regimen-epirubicin-capped.yaml"
    course = tmp_path / "course.yaml"
    course.write_text(
        "patient: {id: P-cap}\n"
        "administrations:\n"
        f"  - {{date: 2021-04-01, regimen: '{regimen}', bsa: 2 m2}}\n"
        f"  - {{date: 2021-04-22, regimen: '{regimen}', bsa: 1.5 m2}}\n"
    )
    c = load_course(course, table)
    # BSA 2.0: 60 × 2 = 120 mg, capped at 100 mg → 100 / 2 = 50 mg/m²
    # BSA 1.5: 60 × 1.5 = 90 mg, under the cap → 60 mg/m²
    assert [(a.dose, a.dose_per_m2) for a in c.administrations] == [(100.0, 50.0), (90.0, 60.0)]
