"""Carboplatin by AUC (issue 12 §2): dose (mg) = AUC × (GFR + 25) (Calvert et al., J Clin
Oncol 1989), the GFR measured or estimated, capped at 125 mL/min by default (FDA 2010).

Every expected number is worked out here from the formulas, not copied from osdose:
- Cockcroft–Gault CrCl = (140 − age) × weight × (0.85 if female) / (72 × creatinine mg/dL);
  weight by the standard policy: actual when below the ideal (Devine) weight.
- Devine ideal weight = 50 (male) or 45.5 (female) + 2.3 × (height cm / 2.54 − 60).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from osdose.cli import app
from osdose.dosing import DosingPatient, dose_sheet
from osdose.drugs import load_drugs
from osdose.kidney import calvert_gfr
from osdose.library import load_regimen

TABLE = load_drugs()
CE = load_regimen("carboplatin-etoposide", TABLE)  # carboplatin AUC 5, max_dose 750 mg


def carboplatin(**patient: Any) -> Any:
    """The carboplatin line of carboplatin–etoposide for a 175 cm, 70 kg patient."""
    from osdose import bsa

    b = bsa.compute(175, 70)
    sheet = dose_sheet(CE, b, 70, patient=DosingPatient(height_cm=175, **patient))
    return next(x for x in sheet.lines if x.drug == "carboplatin")


def test_measured_gfr_100_gives_625_mg() -> None:
    # 5 × (100 + 25) = 625 mg
    line = carboplatin(measured_gfr=100.0)
    assert line.daily == 625.0
    assert line.gfr is not None and not line.gfr.capped
    assert "Calvert: AUC 5 × (GFR 100.0 + 25) = 625 mg" in line.trace[0]


def test_measured_gfr_140_is_capped_at_125() -> None:
    # the default cap 125 mL/min: 5 × (125 + 25) = 750 mg, said
    line = carboplatin(measured_gfr=140.0)
    assert line.daily == 750.0
    assert line.gfr is not None and line.gfr.capped
    assert (line.gfr.value, line.gfr.uncapped) == (125.0, 140.0)
    assert "capped from 140.0" in line.trace[0]
    assert "capped at 125 mL/min" in line.trace[0]


def test_gfr_exactly_at_the_cap_is_not_capped() -> None:
    g = calvert_gfr("measured", measured_ml_min=125.0)
    assert (g.value, g.capped) == (125.0, False)
    assert carboplatin(measured_gfr=125.0).daily == 5 * (125 + 25) == 750.0


def test_auc_6_gives_at_most_900_mg() -> None:
    # AUC 6 × (125 + 25) = 900 mg: the most the default cap allows
    g = calvert_gfr("measured", measured_ml_min=200.0)
    assert 6 * (g.value + 25) == 900.0


def test_cockcroft_gault_male_60_years() -> None:
    # ideal 50 + 2.3 × (175 / 2.54 − 60) = 70.47 kg > 70 kg: actual 70 kg
    # CrCl = 80 × 70 / 72 = 77.78 mL/min; 5 × (77.78 + 25) = 513.89 mg
    line = carboplatin(age_years=60, sex="male", creatinine_mg_dl=1.0)
    crcl = (140 - 60) * 70 / (72 * 1.0)
    assert line.gfr is not None and line.gfr.value == pytest.approx(crcl)
    assert line.daily == pytest.approx(5 * (crcl + 25))
    assert round(line.daily, 1) == 513.9


def _female_70() -> tuple[Any, Any]:
    from osdose import bsa

    b = bsa.compute(160, 50)
    plain = DosingPatient(age_years=70, sex="female", height_cm=160, creatinine_mg_dl=0.5)
    floored = DosingPatient(
        age_years=70, sex="female", height_cm=160, creatinine_mg_dl=0.5, creatinine_floor_mg_dl=0.7
    )
    lines = [
        next(x for x in dose_sheet(CE, b, 50, patient=p).lines if x.drug == "carboplatin")
        for p in (plain, floored)
    ]
    return lines[0], lines[1]


def test_cockcroft_gault_female_70_years_and_the_creatinine_floor() -> None:
    # ideal 45.5 + 2.3 × (160 / 2.54 − 60) = 52.38 kg > 50 kg: actual 50 kg
    # CrCl = 70 × 50 × 0.85 / (72 × 0.5) = 82.64 → 5 × 107.64 = 538.19 mg
    plain, floored = _female_70()
    assert plain.daily == pytest.approx(5 * (70 * 50 * 0.85 / 36 + 25))
    assert round(plain.gfr.value, 1) == 82.6
    assert round(plain.daily, 1) == 538.2
    # creatinine floor 0.7: 70 × 50 × 0.85 / (72 × 0.7) = 59.03 → 5 × 84.03 = 420.14 mg
    assert floored.daily == pytest.approx(5 * (70 * 50 * 0.85 / (72 * 0.7) + 25))
    assert round(floored.gfr.value, 1) == 59.0
    assert round(floored.daily, 1) == 420.1
    assert "raised to the floor 0.7 mg/dL" in floored.gfr.work


def test_ckd_epi_de_indexed_gfr() -> None:
    # CKD-EPI 2021, female 55 y, creatinine 0.9 (κ 0.7, α −0.241): 142 × (0.9/0.7)^−1.2 ×
    # 0.9938^55 × 1.012 = 75.5 mL/min/1.73 m²; × BSA √(160 × 60 / 3600) = 1.633 / 1.73 = 71.3
    from osdose import bsa

    b = bsa.compute(160, 60)
    indexed = 142 * (0.9 / 0.7) ** -1.2 * 0.9938**55 * 1.012
    absolute = indexed * b.m2 / 1.73
    p = DosingPatient(
        age_years=55, sex="female", height_cm=160, creatinine_mg_dl=0.9,
        gfr_method="ckd-epi-2021-absolute",
    )  # fmt: skip
    line = next(x for x in dose_sheet(CE, b, 60, patient=p).lines if x.drug == "carboplatin")
    assert round(indexed, 1) == 75.5 and round(absolute, 1) == 71.3
    assert line.gfr is not None and line.gfr.value == pytest.approx(absolute, rel=1e-3)
    assert line.daily == pytest.approx(5 * (absolute + 25), rel=1e-3)


def test_a_run_method_other_than_the_regimen_s_is_said() -> None:
    line = carboplatin(measured_gfr=100.0)  # the regimen declares cockcroft-gault
    assert "while the regimen declares cockcroft-gault" in line.trace[0]


# -- the command line --------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


BASE = ("dose", "carboplatin-etoposide", "--height", "175cm", "--weight", "70kg")


def test_dose_refuses_an_auc_dose_without_the_gfr_or_creatinine() -> None:
    r = run(*BASE)
    assert r.exit_code == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "carboplatin by AUC" in lines[0] and "creatinine" in lines[0]


def test_dose_json_shows_calvert_and_the_gfr() -> None:
    r = run(
        *BASE, "--age", "60", "--sex", "male", "--creatinine", "88.42 µmol/L", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    line = json.loads(r.stdout)["drugs"][0]
    # 88.42 µmol/L ÷ 88.42 = 1.0 mg/dL: as above, 513.89 mg
    assert line["daily_mg"] == pytest.approx(5 * (80 * 70 / 72 + 25))
    assert line["gfr"]["method"] == "cockcroft-gault"
    assert line["gfr"]["capped"] is False
    assert line["gfr"]["cap_ml_min"] == 125.0


def test_gfr_cap_can_be_changed_never_silently_removed() -> None:
    # --gfr-cap 150: measured 140 is below it → 5 × 165 = 825 mg, then the regimen's own
    # max_dose 750 mg applies (and is said)
    r = run(*BASE, "--gfr", "140", "--gfr-cap", "150", "--format", "json")
    assert r.exit_code == 0, r.stderr
    line = json.loads(r.stdout)["drugs"][0]
    assert line["gfr"]["capped"] is False
    assert line["uncapped_daily"]["value"] == 825.0
    assert (line["daily_mg"], line["capped"], line["cap_origin"]) == (
        750.0,
        True,
        "regimen max_dose",
    )
    # a GFR without a unit on the command line is mL/min; a cap is a clearance too
    r = run(*BASE, "--gfr", "140", "--gfr-cap", "0")
    assert r.exit_code == 2 and "--gfr-cap" in r.stderr
