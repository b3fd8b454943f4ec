"""Statuses at the thresholds exactly, and doxorubicin equivalents."""

from __future__ import annotations

import datetime as dt

import pytest

from osdose.course import Administration
from osdose.cumulative import exposure
from osdose.drugs import DrugTable
from osdose.status import Level, worst


def _given(drug: str, *per_m2: float) -> list[Administration]:
    return [
        Administration(dt.date(2000, 1, 1) + dt.timedelta(days=i), drug, "mg", None, v, None)
        for i, v in enumerate(per_m2)
    ]


@pytest.mark.parametrize(
    ("total", "status"),
    [(899.9, "ok"), (900.0, "warn"), (1000.0, "warn"), (1000.1, "over")],
)
def test_epirubicin_900_1000_boundaries(table: DrugTable, total: float, status: str) -> None:
    t = exposure(_given("epirubicin", total), table).get("epirubicin")
    assert t is not None
    assert t.status == status
    assert t.percent_of_max == pytest.approx(total / 1000 * 100)


def test_float_noise_in_a_sum_does_not_cross_a_threshold(table: DrugTable) -> None:
    # 3,000 doses of 0.3 mg/m² are 900 mg/m², which floating point sums to 899.99999999995
    below = [0.3] * 3000
    assert sum(below) < 900.0
    t = exposure(_given("epirubicin", *below), table).get("epirubicin")
    assert t is not None and t.status == "warn"
    # 10,000 doses of 0.1 mg/m² are 1,000 mg/m² (the maximum itself, warn), summed 1000.00000000016
    above = [0.1] * 10000
    assert sum(above) > 1000.0
    t = exposure(_given("epirubicin", *above), table).get("epirubicin")
    assert t is not None and t.status == "warn"


@pytest.mark.parametrize(
    ("total", "status"),
    # the label's watch at 300 mg/m² (assess LVEF more often) comes first
    [
        (299.9, "ok"),
        (300.0, "watch"),
        (449.9, "watch"),
        (450.0, "warn"),
        (550.0, "warn"),
        (550.1, "over"),
    ],
)
def test_doxorubicin_450_550_boundaries(table: DrugTable, total: float, status: str) -> None:
    t = exposure(_given("doxorubicin", total), table).get("doxorubicin")
    assert t is not None and t.status == status


@pytest.mark.parametrize(("total", "status"), [(399.9, "ok"), (400.0, "watch"), (2000.0, "watch")])
def test_cisplatin_watch_is_not_a_ceiling(table: DrugTable, total: float, status: str) -> None:
    t = exposure(_given("cisplatin", total), table).get("cisplatin")
    assert t is not None
    assert t.status == status
    assert t.percent_of_max is None


def test_statuses_order_mildest_first() -> None:
    assert worst([Level.OK, Level.WATCH], Level.OK) == "watch"
    assert worst([Level.OVER, Level.WARN, Level.WATCH], Level.OK) == "over"
    assert worst([], Level.OK) == "ok"


def test_esc_worked_example_epirubicin_125_is_doxorubicin_100(table: DrugTable) -> None:
    # ESC cardio-oncology 2022: epirubicin 125 mg/m² × 0.8 = 100 mg/m² doxorubicin-equivalent
    e = exposure(_given("epirubicin", 125.0), table)
    assert e.doxorubicin_equivalent_mg_per_m2 == pytest.approx(100.0)
    assert e.equivalence == "feijen2019"


def test_cog_v5_factors_are_selectable(table: DrugTable) -> None:
    # COG LTFU v5: epirubicin 0.67 → 125 × 0.67 = 83.75; mitoxantrone 4 → 10 × 4 = 40
    adms = _given("epirubicin", 125.0) + _given("mitoxantrone", 10.0)
    assert exposure(adms, table, equivalence="cog-v5").doxorubicin_equivalent_mg_per_m2 == (
        pytest.approx(83.75 + 40.0)
    )
    # Feijen 2019: mitoxantrone 10.5 → 10 × 10.5 = 105; + 100 for the epirubicin
    assert exposure(adms, table).doxorubicin_equivalent_mg_per_m2 == pytest.approx(205.0)


def test_doxorubicin_then_epirubicin_carry_both(table: DrugTable) -> None:
    # MAP doxorubicin 450 mg/m² (× 1) then epirubicin 125 mg/m² (× 0.8 = 100): 550
    adms = _given("doxorubicin", 450.0) + _given("epirubicin", 125.0)
    e = exposure(adms, table)
    assert e.doxorubicin_equivalent_mg_per_m2 == pytest.approx(550.0)
    assert e.status == "warn"  # doxorubicin at its warn threshold 450


def test_daunorubicin_and_idarubicin_factors(table: DrugTable) -> None:
    # daunorubicin 0.6: 100 × 0.6 = 60; idarubicin 5: 12 × 5 = 60
    adms = _given("daunorubicin", 100.0) + _given("idarubicin", 12.0)
    assert exposure(adms, table).doxorubicin_equivalent_mg_per_m2 == pytest.approx(120.0)
