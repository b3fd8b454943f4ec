"""Age-dependent lifetime ceilings (issue 12 §3): the drug table's ceiling for the patient's
age applies when the age is known; when it is not, a total that one of them would flag warns
and says why.

daunorubicin (US label boxed warning): 10 mg/kg in children under 2 years, 300 mg/m² from 2
to 18 (osdose's reading of "children"), 550 mg/m² (warn from 400) in adults.
ifosfamide: 100 g/m² under 18 years (Skinner et al., Lancet 1996); adults have watch
thresholds only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from osdose.cli import app
from osdose.course import load_course
from osdose.cumulative import exposure
from osdose.drugs import load_drugs

TABLE = load_drugs()


def course(tmp_path: Path, patient: dict[str, Any], doses: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "course.yaml"
    adms = [{"date": d, "drug": drug, "dose": dose} for d, drug, dose in doses]
    path.write_text(yaml.safe_dump({"patient": {"id": "C-1", **patient}, "administrations": adms}))
    return path


INFANT = {"height": "75 cm", "weight": "10 kg", "dob": "2020-01-15"}
# four doses of 30 mg at 10 kg: 4 × 30 / 10 = 12 mg/kg, over the 10 mg/kg of under-2s; per m²
# (BSA √(75 × 10 / 3600) = 0.4564 m²) 120 / 0.4564 = 262.9 mg/m², under the adult 400 warn
DAUNO = [(f"2021-0{m}-01", "daunorubicin", "30 mg") for m in (1, 2, 3, 4)]


def test_under_two_the_per_kg_ceiling_applies(tmp_path: Path) -> None:
    c = load_course(course(tmp_path, INFANT, DAUNO), TABLE)
    age = c.age_on(c.administrations[-1].date)  # 2021-04-01: 1.21 years
    t = exposure(c.administrations, TABLE, "C-1", age_years=age).get("daunorubicin")
    assert t is not None
    assert t.ceiling_unit == "mg/kg"
    assert t.value == 12.0
    assert (t.max, t.status) == (10.0, "over")
    assert any("ceiling for age 1.21 y: under 2 years" in r for r in t.reasons)
    # the adult ceiling alone would have said ok
    adult = exposure(c.administrations, TABLE, "C-1", age_years=30).get("daunorubicin")
    assert adult is not None and adult.status == "ok"


def test_without_the_age_a_total_an_age_ceiling_flags_warns(tmp_path: Path) -> None:
    c = load_course(course(tmp_path, {"height": "75 cm", "weight": "10 kg"}, DAUNO), TABLE)
    t = exposure(c.administrations, TABLE, "C-1").get("daunorubicin")
    assert t is not None and t.status == "warn"
    assert any(
        r.startswith("age not given: for a patient under 2 years this total is above the maximum")
        for r in t.reasons
    )


def test_ifosfamide_in_a_child_and_in_an_adult(tmp_path: Path) -> None:
    # 11 doses of 15 g at BSA √(150 × 54 / 3600) = 1.5 m²: 11 × 15 g / 1.5 m² = 110 g/m²
    doses = [(f"2021-{m:02d}-01", "ifosfamide", "15 g") for m in range(1, 12)]
    child = {"height": "150 cm", "weight": "54 kg", "age": "12 years"}
    t = exposure(load_course(course(tmp_path, child, doses), TABLE).administrations, TABLE,
                 age_years=12).get("ifosfamide")  # fmt: skip
    assert t is not None and t.value == 110000.0 and t.status == "over"
    t = exposure(load_course(course(tmp_path, child, doses), TABLE).administrations, TABLE,
                 age_years=29).get("ifosfamide")  # fmt: skip
    assert t is not None and t.status == "watch"  # adults: watch thresholds only (84 g/m²)


def test_the_cumulative_command_takes_the_course_age_or_age(tmp_path: Path) -> None:
    path = course(tmp_path, INFANT, DAUNO)
    r = CliRunner().invoke(app, ["cumulative", str(path), "--format", "json"])
    doc = json.loads(r.stdout)
    (d,) = [x for x in doc["drugs"] if x["drug"] == "daunorubicin"]
    assert d["status"] == "over"
    r = CliRunner().invoke(app, ["cumulative", str(path), "--age", "30", "--format", "json"])
    (d,) = [x for x in json.loads(r.stdout)["drugs"] if x["drug"] == "daunorubicin"]
    assert d["status"] == "ok"
