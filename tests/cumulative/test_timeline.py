"""The timeline behind --chart and --plot: one point per course entry, in date order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from osdose.course import Administration, load_course
from osdose.drugs import DrugTable
from osdose.render.chart import chart
from osdose.timeline import timeline

EXAMPLE = Path(__file__).parents[2] / "examples" / "case-report-course.yaml"
DATA = Path(__file__).parent / "data"


def test_case_report_timeline(table: DrugTable) -> None:
    c = load_course(EXAMPLE, table)
    t = timeline(c.administrations, table, c.patient)
    assert [s.drug for s in t.series] == ["epirubicin"]
    assert (t.series[0].warn, t.series[0].max) == (900.0, 1000.0)
    assert len(t.points) == 11 + 4 + 2  # one per course entry
    epi = [p.values["epirubicin"] for p in t.points]
    # 120 per DIA cycle (40 × 3), 50 per DDP+EPI, nothing for DDP+IFO
    assert epi == [120.0 * n for n in range(1, 12)] + [1370.0, 1420.0, 1470.0, 1520.0] + [
        1520.0,
        1520.0,
    ]
    assert t.points[-1].doxorubicin_equivalent_mg_per_m2 == pytest.approx(1520 * 0.8)
    assert (t.points[0].date, t.points[0].label) == (dt.date(2018, 9, 17), "DIA c1")


def test_entries_without_lines_are_grouped_by_date(table: DrugTable) -> None:
    adms = (
        Administration(dt.date(2020, 2, 1), "doxorubicin", "mg", None, 75.0, None),
        Administration(dt.date(2020, 1, 1), "doxorubicin", "mg", None, 37.5, None),
        Administration(dt.date(2020, 1, 1), "doxorubicin", "mg", None, 37.5, None),
    )
    t = timeline(adms, table)
    assert [(p.date, p.values["doxorubicin"]) for p in t.points] == [
        (dt.date(2020, 1, 1), 75.0),
        (dt.date(2020, 2, 1), 150.0),
    ]


def test_chart_without_anthracyclines(table: DrugTable) -> None:
    adms = (Administration(dt.date(2020, 1, 1), "cisplatin", "mg", None, 100.0, None),)
    assert chart(timeline(adms, table)) == (
        "No drug with a per-m² ceiling in this course: nothing to chart."
    )
    assert chart(timeline((), table)) == "No administrations to chart."


def test_chart_rows_scale_and_markers(table: DrugTable) -> None:
    c = load_course(DATA / "epirubicin-850.yaml", table)
    lines = chart(timeline(c.administrations, table)).splitlines()
    assert lines[0] == "Cumulative epirubicin (mg/m²) — warn 900 ┆, max 1,000 │"
    # scale top = 1.1 × 1000 = 1100 over 40 cells: 850 → 31 cells; warn at 33, max at 36
    row = lines[1]
    label = "2020-01-06 epirubicin"
    assert row.startswith(f"  {label}  ")
    bar = row[len(label) + 4 :][:41]
    assert bar.startswith("█" * 31 + " ")
    assert bar[33] == "┆" and bar[36] == "│"
    assert row.endswith("850.0")
