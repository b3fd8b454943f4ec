"""Issue 9 §1: combined anthracycline exposure is a ceiling (doxorubicin-equivalent mg/m²
against the doxorubicin ceiling: warn 450, maximum 550), in ``cumulative``, ``plan`` and
``verify`` alike. Factors (Feijen 2019): doxorubicin 1, epirubicin 0.8, daunorubicin 0.6,
idarubicin 5, mitoxantrone 10.5."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from osdose.cli import app
from osdose.course import Administration, Course
from osdose.cumulative import exposure
from osdose.drugs import DrugTable, load_drugs
from osdose.library import load_regimen
from osdose.plan import PlanPatient, Step, plan
from osdose.verify import order_from_object, verify_order


def _given(*pairs: tuple[str, float]) -> list[Administration]:
    return [
        Administration(dt.date(2020, 1, 1) + dt.timedelta(days=7 * i), drug, "mg", None, v, None)
        for i, (drug, v) in enumerate(pairs)
    ]


def test_the_issue_example_is_over_although_each_drug_is_not(table: DrugTable) -> None:
    # 425 mg/m² doxorubicin + 500 mg/m² epirubicin = 425 × 1 + 500 × 0.8 = 825 mg/m²,
    # 825 / 550 = 150% of the doxorubicin maximum
    e = exposure(_given(("doxorubicin", 425.0), ("epirubicin", 500.0)), table)
    dox, epi = e.get("doxorubicin"), e.get("epirubicin")
    assert dox is not None and dox.status == "watch"  # 300 ≤ 425 < 450 (label watch)
    assert epi is not None and epi.status == "ok"  # 500 < 900
    (c,) = e.combined
    assert (c.group, c.basis) == ("anthracycline", "doxorubicin-equivalent")
    assert c.total_mg_per_m2 == pytest.approx(825.0)
    assert (c.warn, c.max) == (450.0, 550.0)
    assert c.percent_of_max == pytest.approx(150.0)
    assert c.status == "over"
    assert [(x.drug, x.mg_per_m2, x.factor, x.equivalent_mg_per_m2) for x in c.contributors] == [
        ("doxorubicin", 425.0, 1.0, 425.0),
        ("epirubicin", 500.0, 0.8, pytest.approx(400.0)),
    ]
    assert e.status == "over"  # the worst of the drugs and the combined row


@pytest.mark.parametrize(
    ("epirubicin", "status"),
    # doxorubicin 50 + epirubicin × 0.8: 50 + 499.875 × 0.8 = 449.9 (ok); 50 + 500 × 0.8 = 450
    # (warn); 50 + 625 × 0.8 = 550 (warn, the maximum itself); 50 + 625.125 × 0.8 = 550.1 (over)
    [(499.875, "ok"), (500.0, "warn"), (625.0, "warn"), (625.125, "over")],
)
def test_combined_boundaries(table: DrugTable, epirubicin: float, status: str) -> None:
    e = exposure(_given(("doxorubicin", 50.0), ("epirubicin", epirubicin)), table)
    assert e.combined[0].status == status


def test_one_anthracycline_alone_is_held_to_its_own_ceiling(table: DrugTable) -> None:
    # epirubicin 800 mg/m² alone: 800 × 0.8 = 640 mg/m² equivalent, above 550; but with no
    # second anthracycline the label's own epirubicin ceiling (warn 900, max 1000) governs
    e = exposure(_given(("epirubicin", 800.0)), table)
    c = e.combined[0]
    assert c.total_mg_per_m2 == pytest.approx(640.0)
    assert c.status == e.get("epirubicin").status == "ok"  # type: ignore[union-attr]
    assert "only epirubicin given: its own ceiling applies" in c.reasons[0]


def test_a_drug_without_a_factor_is_never_dropped(table: DrugTable) -> None:
    # pirarubicin has no sourced factor: not in the total, reported, and the combined status
    # is at least warn even though 100 mg/m² doxorubicin alone is far below 450
    e = exposure(_given(("doxorubicin", 100.0), ("pirarubicin", 200.0)), table)
    c = e.combined[0]
    assert c.total_mg_per_m2 == 100.0
    assert c.not_convertible == ("pirarubicin",)
    assert c.status == "warn"
    assert "not convertible: pirarubicin" in c.reasons[-1]


def test_the_other_equivalence_table(table: DrugTable) -> None:
    # COG v5: 425 + 500 × 0.67 = 760
    e = exposure(_given(("doxorubicin", 425.0), ("epirubicin", 500.0)), table, equivalence="cog-v5")
    assert e.combined[0].total_mg_per_m2 == pytest.approx(760.0)


def _course_file(tmp_path: Path, dox: float, epi: float) -> Path:
    path = tmp_path / "course.yaml"
    path.write_text(
        "patient: {id: P-mix, height: 175 cm, weight: 70 kg}\n"
        "administrations:\n"
        f"  - {{date: 2020-01-06, drug: doxorubicin, dose: {dox} mg/m2}}\n"
        f"  - {{date: 2020-03-02, drug: epirubicin, dose: {epi} mg/m2}}\n",
        "utf-8",
    )
    return path


def test_cumulative_cli_json_and_exit_codes(tmp_path: Path) -> None:
    course = _course_file(tmp_path, 425, 500)
    r = CliRunner().invoke(app, ["cumulative", str(course), "-f", "json"])
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["status"] == "over"
    (c,) = doc["combined"]
    assert {k: c[k] for k in ("group", "basis", "warn_mg_per_m2", "max_mg_per_m2", "status")} == {
        "group": "anthracycline",
        "basis": "doxorubicin-equivalent",
        "warn_mg_per_m2": 450.0,
        "max_mg_per_m2": 550.0,
        "status": "over",
    }
    assert c["total_mg_per_m2"] == pytest.approx(825.0)
    assert c["percent_of_max"] == pytest.approx(150.0)
    assert [x["drug"] for x in c["contributors"]] == ["doxorubicin", "epirubicin"]
    # --fail-on honours the combined row: no single drug is over
    assert CliRunner().invoke(app, ["cumulative", str(course), "--fail-on", "over"]).exit_code == 1
    table = CliRunner().invoke(app, ["cumulative", str(course)]).stdout
    assert "doxorubicin-equivalent" in table and "150.0%" in table


def test_plan_takes_the_combined_ceiling_into_account(tmp_path: Path) -> None:
    # history: doxorubicin 300 + epirubicin 250 = 300 + 200 = 500 mg/m² (warn). DDP+EPI adds
    # epirubicin 50 mg/m² a cycle = 40 equivalent: cycle 1 → 540 (warn), cycle 2 → 580 (over).
    # Cycles left before the combined maximum: 500 + 40 n ≤ 550 → n = 1 (epirubicin alone
    # would allow (1000 − 250) / 50 = 15).
    course = _course_file(tmp_path, 300, 250)
    r = CliRunner().invoke(app, ["plan", str(course), "-r", "DDP+EPI", "-n", "3", "-f", "json"])
    assert r.exit_code == 1  # the plan goes over
    doc = json.loads(r.stdout)
    assert doc["start_combined"] == [
        {"group": "anthracycline", "total_mg_per_m2": pytest.approx(500.0), "status": "warn"}
    ]
    got = [(c["combined"][0]["total_mg_per_m2"], c["combined"][0]["status"]) for c in doc["cycles"]]
    assert got == [
        (pytest.approx(540.0), "warn"),
        (pytest.approx(580.0), "over"),
        (pytest.approx(620.0), "over"),
    ]
    assert (doc["first_warn_cycle"], doc["first_over_cycle"]) == (1, 2)
    assert doc["cycles_left_before_max"] == {"DDP+EPI": 1}


def test_plan_in_python_agrees(table: DrugTable) -> None:
    history = Course("P", tuple(_given(("doxorubicin", 300.0), ("epirubicin", 250.0))))
    p = plan(history, [Step(load_regimen("DDP+EPI", table), 2)], table, patient=PlanPatient(1.8))
    assert [c.status for c in p.cycles] == ["warn", "over"]


BSA = (175 * 70 / 3600) ** 0.5  # 1.844662 m²


def _order(history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "patient": {"id": "P-mix", "height": "175 cm", "weight": "70 kg"},
        "regimen": "DDP+EPI",
        "cycle": 1,
        "date": "2021-06-01",
        "prescribed": [
            {"drug": "cisplatin", "dose": "258 mg", "days": [1]},
            {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
        ],
        "history": history,
    }


@pytest.mark.parametrize(
    ("dox", "epi", "status"),
    [
        # 300 + 250 × 0.8 = 500; this order: 92 / 1.844662 = 49.87 mg/m² × 0.8 = 39.90 → 539.9
        (300, 250, "warn"),
        # 425 + 500 × 0.8 = 825 already, + 39.9 → 864.9: over the 550 maximum
        (425, 500, "fail"),
    ],
)
def test_verify_has_a_combined_row(dox: float, epi: float, status: str) -> None:
    table = load_drugs()
    history = [
        {"date": "2020-01-06", "drug": "doxorubicin", "dose": f"{dox} mg/m2"},
        {"date": "2020-03-02", "drug": "epirubicin", "dose": f"{epi} mg/m2"},
    ]
    v = verify_order(order_from_object(_order(history), "o.jsonl", 1, table), table)
    (row,) = [c for c in v.checks if c.drug == "doxorubicin-equivalent"]
    assert row.check == "cumulative"
    assert row.status == status
    total = dox + epi * 0.8 + 92 / BSA * 0.8
    assert f"doxorubicin-equivalent: {total:.1f} mg/m² after this order" in row.message
    if status == "fail":
        assert v.status == "fail"
