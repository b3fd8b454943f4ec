"""Doses worked out by hand from the regimen and the published BSA formula."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from osdose import bsa
from osdose.dosing import dose_sheet
from osdose.errors import InputError
from osdose.library import load_file, load_regimen

# Mosteller, 175 cm / 70 kg: √(175 × 70 / 3600) = 1.8446619…  (clinical.md: 1.8447)
BSA_175_70 = math.sqrt(175 * 70 / 3600)


def line(sheet, drug):  # type: ignore[no-untyped-def]
    return next(x for x in sheet.lines if x.drug == drug)


def test_dia_at_175_cm_70_kg() -> None:
    sheet = dose_sheet(load_regimen("DIA"), bsa.compute(175, 70))
    cis, epi, ifo = line(sheet, "cisplatin"), line(sheet, "epirubicin"), line(sheet, "ifosfamide")
    # cisplatin 120 mg/m² × 1.8447 m² = 221.36 mg, day 1 only
    assert cis.daily == pytest.approx(221.36, abs=0.005)
    assert cis.cycle == pytest.approx(221.36, abs=0.005)
    # epirubicin 40 mg/m² × 1.8447 = 73.79 mg a day, × 3 days = 221.36 mg a cycle
    assert epi.daily == pytest.approx(73.79, abs=0.005)
    assert epi.cycle == pytest.approx(221.36, abs=0.005)
    # ifosfamide 2 g/m² = 2000 mg/m² × 1.8447 = 3689.3 mg a day, × 5 = 18446.6 mg a cycle
    assert ifo.daily == pytest.approx(3689.3, abs=0.05)
    assert ifo.cycle == pytest.approx(18446.6, abs=0.05)


def test_ddp_epi_cisplatin_140() -> None:
    sheet = dose_sheet(load_regimen("DDP+EPI"), bsa.compute(175, 70))
    # 140 mg/m² × 1.8447 m² = 258.25 mg (clinical.md worked number)
    assert line(sheet, "cisplatin").daily == pytest.approx(258.25, abs=0.01)
    assert line(sheet, "epirubicin").daily == pytest.approx(50 * BSA_175_70)


def test_dose_percent_after_basis_before_cap() -> None:
    sheet = dose_sheet(load_regimen("DIA"), bsa.compute(175, 70), dose_percent=80)
    # 120 × 1.84466 × 0.80 = 177.09 mg
    assert line(sheet, "cisplatin").daily == pytest.approx(120 * BSA_175_70 * 0.8)
    assert line(sheet, "cisplatin").daily == pytest.approx(177.09, abs=0.005)


def test_vincristine_cap(regimen_data: Path) -> None:
    reg = load_file(regimen_data / "vincristine-capped-at-2mg.yaml")
    big = dose_sheet(reg, bsa.given(1.9)).lines[0]
    # 1.4 mg/m² × 1.9 m² = 2.66 mg → capped at 2 mg; days 1 and 8 → 4 mg a cycle
    assert big.uncapped_daily == pytest.approx(2.66)
    assert big.daily == 2.0 and big.capped
    assert big.cycle == 4.0
    assert any("capped at 2 mg (regimen max_dose; uncapped 2.66 mg)" in t for t in big.trace)
    small = dose_sheet(reg, bsa.given(1.2)).lines[0]
    # 1.4 × 1.2 = 1.68 mg, under the cap
    assert small.daily == pytest.approx(1.68) and not small.capped
    reduced = dose_sheet(reg, bsa.given(1.9), dose_percent=75).lines[0]
    # the percent applies before the cap: 2.66 × 0.75 = 1.995 mg, under 2 mg
    assert reduced.daily == pytest.approx(1.995) and not reduced.capped


def test_per_cycle_dose_is_never_reported_as_daily(regimen_data: Path) -> None:
    reg = load_file(regimen_data / "cisplatin-written-per-cycle-over-2-days.yaml")
    ln = dose_sheet(reg, bsa.given(2.0)).lines[0]
    # 120 mg/m² per cycle ÷ 2 days = 60 mg/m² a day × 2.0 m² = 120 mg a day; 240 mg a cycle
    assert ln.daily == pytest.approx(120.0)
    assert ln.cycle == pytest.approx(240.0)
    assert ln.trace[0].startswith("120 mg/m² per cycle ÷ 2 days = 60 mg/m² per day")


def test_per_kg_needs_weight(regimen_data: Path) -> None:
    reg = load_file(regimen_data / "cyclophosphamide-per-kg.yaml")
    assert dose_sheet(reg, None, weight_kg=70).lines[0].daily == 350.0  # 5 mg/kg × 70 kg
    with pytest.raises(InputError, match="give the weight"):
        dose_sheet(reg, bsa.given(1.8))


def test_units_doses_stay_in_iu(regimen_data: Path) -> None:
    reg = load_file(regimen_data / "bleomycin-in-iu.yaml")
    sheet = dose_sheet(reg, bsa.given(1.5))
    blm = line(sheet, "bleomycin")
    # 10000 IU/m² × 1.5 m² = 15000 IU a day; days 1, 8, 15 → 45000 IU a cycle
    assert (blm.unit, blm.daily, blm.cycle) == ("IU", 15000.0, 45000.0)
    assert blm.daily_mg is None and blm.cycle_mg is None
    anl = line(sheet, "anlotinib")
    assert (anl.unit, anl.daily, anl.cycle) == ("mg", 12.0, 168.0)  # 12 mg × 14 days


@pytest.mark.parametrize("pct", [0, 0.5, 101, 150, -10])
def test_dose_percent_range(pct: float) -> None:
    with pytest.raises(InputError, match="between 1 and 100"):
        dose_sheet(load_regimen("DIA"), bsa.given(1.8), dose_percent=pct)


def test_per_m2_without_bsa_is_refused() -> None:
    with pytest.raises(InputError, match="bsa is needed for cisplatin"):
        dose_sheet(load_regimen("DIA"), None)


def test_capped_bsa_is_used_and_said(regimen_data: Path) -> None:
    b = bsa.compute(190, 110, cap_m2=2.0)  # uncapped √(190×110/3600) = 2.4095 m²
    sheet = dose_sheet(load_regimen("DDP+EPI"), b)
    assert line(sheet, "cisplatin").daily == pytest.approx(280.0)  # 140 × 2.0
    assert "mosteller capped" in line(sheet, "cisplatin").trace[0]
