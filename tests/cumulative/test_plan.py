"""Plan projections: crossing cycles and cycles left, worked out by hand for several
histories."""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.course import load_course
from osdose.drugs import DrugTable
from osdose.errors import OsdoseError
from osdose.library import load_regimen
from osdose.plan import Plan, Step, cycles_left, plan
from osdose.plan import PlanPatient as Patient

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parents[2] / "examples" / "case-report-course.yaml"


def _plan(
    table: DrugTable, course: Path, steps: list[tuple[str, int]], pct: float = 100.0, **who: float
) -> Plan:
    c = load_course(course, table)
    patient = Patient(who.get("bsa", c.measurements.bsa()), c.measurements.weight_kg)
    return plan(c, [Step(load_regimen(r, table), n) for r, n in steps], table, pct, patient)


def test_neoadjuvant_history_then_the_rest_of_dia_and_ddp_epi(table: DrugTable) -> None:
    p = _plan(table, DATA / "dia-two-cycles.yaml", [("DIA", 9), ("DDP+EPI", 4)])
    # history: 2 × (40 mg/m² × 3 days) = 240 mg/m² epirubicin; each DIA cycle adds 120
    assert p.start["epirubicin"] == 240
    epi = [c.cumulative["epirubicin"] for c in p.cycles]
    # 240 + 120 n for n = 1…9, then + 50 per DDP+EPI cycle
    assert epi == [360, 480, 600, 720, 840, 960, 1080, 1200, 1320, 1370, 1420, 1470, 1520]
    # 960 ≥ 900 at cycle 6 (warn); 1080 > 1000 at cycle 7 (over)
    assert (p.first_warn_cycle, p.first_over_cycle) == (6, 7)
    # DIA alone: 240 + 120 n ≤ 1000 → n ≤ 6.33 → 6; DDP+EPI alone: 240 + 50 n ≤ 1000 → 15.2 → 15
    assert p.cycles_left_before_max == {"DIA": 6, "DDP+EPI": 15}
    # cisplatin 240 + 120 = 360 (ok), then 480 ≥ 400: the watch shows in cycle 2's status
    statuses = [c.status for c in p.cycles]
    assert statuses[:3] == ["ok", "watch", "watch"]
    assert statuses[5:7] == ["warn", "over"]


def test_850_then_ddp_epi_reaches_the_maximum_exactly_then_goes_over(table: DrugTable) -> None:
    p = _plan(table, DATA / "epirubicin-850.yaml", [("DDP+EPI", 4)])
    epi = [c.cumulative["epirubicin"] for c in p.cycles]
    assert epi == [900, 950, 1000, 1050]  # 850 + 50 n
    # 900 is the warn threshold (warn), 1000 the maximum itself (still warn), 1050 over
    assert [c.status for c in p.cycles] == ["warn", "warn", "warn", "over"]
    assert (p.first_warn_cycle, p.first_over_cycle) == (1, 4)
    # (1000 − 850) / 50 = 3 exactly: the third cycle lands on the maximum, which is allowed
    assert p.cycles_left_before_max == {"DDP+EPI": 3}


def test_reduced_dose_plan_and_full_dose_cycles_left(table: DrugTable) -> None:
    p = _plan(table, DATA / "epirubicin-700.yaml", [("DDP+EPI", 5)], pct=80)
    # 80 % of 50 mg/m² = 40 per cycle: 740, 780, 820, 860, 900 → warn at cycle 5, never over
    epi = [c.cumulative["epirubicin"] for c in p.cycles]
    assert epi == pytest.approx([740, 780, 820, 860, 900])
    assert (p.first_warn_cycle, p.first_over_cycle) == (5, None)
    # cycles left counts full-dose cycles: (1000 − 700) / 50 = 6
    assert p.cycles_left_before_max == {"DDP+EPI": 6}
    # cisplatin 80 % of 140 = 112 per cycle: 112, 224, 336, 448 (≥ 400: watch), 560
    cis = [c.cumulative["cisplatin"] for c in p.cycles]
    assert cis == pytest.approx([112, 224, 336, 448, 560])
    assert [c.status for c in p.cycles][:4] == ["ok", "ok", "ok", "watch"]


def test_regimen_without_a_maximum_has_no_cycles_left(table: DrugTable) -> None:
    p = _plan(table, DATA / "no-administrations.yaml", [("DDP+IFO", 2)])
    # cisplatin and ifosfamide have watch thresholds only
    assert p.cycles_left_before_max == {"DDP+IFO": None}
    assert p.start == {"cisplatin": 0.0, "ifosfamide": 0.0}
    assert [c.cumulative for c in p.cycles] == [
        {"cisplatin": 140.0, "ifosfamide": 10000.0},
        {"cisplatin": 280.0, "ifosfamide": 20000.0},
    ]
    assert (p.first_warn_cycle, p.first_over_cycle) == (None, None)


def test_case_report_history_is_already_over(table: DrugTable) -> None:
    # 11 DIA (1320) + 4 DDP+EPI (200) = 1520 mg/m² epirubicin before any plan
    ifo = _plan(table, EXAMPLE, [("DDP+IFO", 2)])
    assert ifo.start["epirubicin"] == 1520
    assert ifo.start_status["epirubicin"] == "over"
    # DDP+IFO adds no epirubicin: its cycles do not go over (cisplatin and ifosfamide: watch)
    assert [c.status for c in ifo.cycles] == ["watch", "watch"]
    assert ifo.first_over_cycle is None
    epi = _plan(table, EXAMPLE, [("DDP+EPI", 1)])
    assert (epi.first_warn_cycle, epi.first_over_cycle) == (1, 1)
    assert epi.cycles_left_before_max == {"DDP+EPI": 0}


def test_a_flat_cap_needs_the_bsa(table: DrugTable) -> None:
    capped = str(DATA / "regimen-epirubicin-capped.yaml")
    # BSA 2.0: 60 mg/m² × 2.0 = 120 mg, capped at 100 mg → 100 / 2.0 = 50 mg/m² per cycle
    p = _plan(table, DATA / "epirubicin-850.yaml", [(capped, 3)])
    assert [c.cumulative["epirubicin"] for c in p.cycles] == [900, 950, 1000]
    assert p.cycles_left_before_max == {"EPI-capped": 3}
    # BSA 1.5: 60 × 1.5 = 90 mg, under the cap → 60 mg/m²; DIA c1 history 120:
    # (1000 − 120) / 60 = 14.67 → 14
    p = _plan(table, DATA / "cycle-without-measurements.yaml", [(capped, 1)], bsa=1.5)
    assert p.cycles_left_before_max == {"EPI-capped": 14}
    with pytest.raises(OsdoseError, match="needs the patient's BSA"):
        _plan(table, DATA / "cycle-without-measurements.yaml", [(capped, 1)])


def test_bleomycin_flat_in_iu_against_its_total(table: DrugTable) -> None:
    bleo = str(DATA / "regimen-bleomycin-flat.yaml")
    p = _plan(table, DATA / "no-administrations.yaml", [(bleo, 3)])
    assert p.units == {"bleomycin": "IU"}
    assert [c.cumulative["bleomycin"] for c in p.cycles] == [15000, 30000, 45000]
    # 400,000 IU / 15,000 IU = 26.67 → 26
    assert p.cycles_left_before_max == {"BLEO-flat": 26}


@pytest.mark.parametrize(
    ("start", "added", "maximum", "left"),
    [
        (0.0, 50.0, 1000.0, 20),  # 20 × 50 = 1000 exactly: allowed
        (999.9, 50.0, 1000.0, 0),
        (1000.0, 50.0, 1000.0, 0),
        (1000.1, 50.0, 1000.0, 0),
        (0.0, 0.1, 1.0, 10),  # 10 × 0.1 sums to 0.9999999999999999: still 10
        (240.0, 120.0, 1000.0, 6),
    ],
)
def test_cycles_left(start: float, added: float, maximum: float, left: int) -> None:
    assert cycles_left(start, added, maximum) == left


def test_plan_refuses_no_steps_and_bad_percent(table: DrugTable) -> None:
    c = load_course(DATA / "no-administrations.yaml", table)
    with pytest.raises(OsdoseError, match="at least one"):
        plan(c, [], table)
    with pytest.raises(OsdoseError, match="between 1 and 100"):
        plan(c, [Step(load_regimen("DIA", table), 1)], table, 120)
    with pytest.raises(OsdoseError, match="must be a whole number from 1 to 1000, got 0"):
        plan(c, [Step(load_regimen("DIA", table), 0)], table)
    # through the Python API a truth value or a fraction is no number of cycles (True == 1)
    for wrong in (True, 2.5):
        with pytest.raises(OsdoseError, match=f"whole number from 1 to 1000, got {wrong!r}"):
            plan(c, [Step(load_regimen("DIA", table), wrong)], table)  # type: ignore[arg-type]
