"""Children and infants (issue 12 §3): the regimen's small-patient rules, the first that
matches; never BSA dosing below a declared threshold without saying so.

Worked: 8 kg, 70 cm, etoposide 75 mg/m² → Mosteller BSA √(70 × 8 / 3600) = √0.15556 =
0.3944 m² → 75 × 0.3944 = 29.58 mg by BSA; with the ÷30 rule below 10 kg: 75 / 30 =
2.5 mg/kg × 8 kg = 20.0 mg.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from osdose import body
from osdose.cli import app

DATA = Path(__file__).parents[1] / "examples" / "regimens"
WITH = str(DATA / "etoposide-infant-rules.yaml")
WITHOUT = str(DATA / "etoposide-no-infant-rule.yaml")
DRAFT = (
    "DRAFT regimen: {} version 1 is a draft, not approved for use: check every dose against "
    "its protocol before anything is given"
)


def dose(regimen: str, height: str, weight: str, *more: str) -> Any:
    r = CliRunner().invoke(
        app, ["dose", regimen, "--height", height, "--weight", weight, *more, "--format", "json"]
    )
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_eight_kg_infant_by_bsa_and_by_the_per_kg_rule() -> None:
    by_bsa = dose(WITHOUT, "70cm", "8kg", "--age", "10 months")
    assert by_bsa["drugs"][0]["daily_mg"] == pytest.approx(75 * math.sqrt(70 * 8 / 3600))
    assert round(by_bsa["drugs"][0]["daily_mg"], 1) == 29.6
    ruled = dose(WITH, "70cm", "8kg", "--age", "10 months")
    line = ruled["drugs"][0]
    assert line["daily_mg"] == pytest.approx(75 / 30 * 8) and round(line["daily_mg"], 1) == 20.0
    assert line["small_patient_rule"] == "weight below 10 kg: dose per kg = dose per m² ÷ 30"
    assert "small-patient rule (weight below 10 kg" in line["trace"][0]
    # the example regimen is a draft (docs only): said first, and nothing else to warn of
    assert ruled["warnings"] == [DRAFT.format("etoposide-infant-example")]


def test_no_rule_below_the_thresholds_warns_loudly() -> None:
    doc = dose(WITHOUT, "70cm", "8kg", "--age", "10 months")
    assert len(doc["warnings"]) == 2
    assert doc["warnings"][0] == DRAFT.format("etoposide-no-infant-rule-example")
    assert doc["warnings"][1].startswith(
        "etoposide: weight 8 kg is below 10 kg, and no small-patient rule applies"
    )
    r = CliRunner().invoke(app, ["dose", WITHOUT, "--height", "70cm", "--weight", "8kg"])
    assert "WARNING: etoposide: weight 8 kg is below 10 kg" in r.stdout


def test_weight_exactly_10_kg_is_not_below() -> None:
    # 10 kg at 80 cm (BSA √(80 × 10 / 3600) = 0.471 m², below 0.6): the weight rule does not
    # match; age 2 years is not under 1: the dose is by BSA, and the BSA below 0.6 m² warns
    doc = dose(WITH, "80cm", "10kg", "--age", "2")
    line = doc["drugs"][0]
    assert line["small_patient_rule"] is None
    assert line["daily_mg"] == pytest.approx(75 * math.sqrt(80 * 10 / 3600))
    assert "BSA 0.471 m² is below 0.6 m²" in doc["warnings"][1]


def test_the_first_matching_rule_applies() -> None:
    # 9 kg and 10 months: both rules match; the first (per kg) applies: 2.5 × 9 = 22.5 mg
    doc = dose(WITH, "72cm", "9kg", "--age", "10 months")
    assert doc["drugs"][0]["daily_mg"] == pytest.approx(2.5 * 9)
    # 11 kg and 11 months (80 cm): only the age rule: 50% of 75 mg/m² × √(80 × 11 / 3600)
    doc = dose(WITH, "80cm", "11kg", "--age", "11 months")
    assert doc["drugs"][0]["daily_mg"] == pytest.approx(75 * 0.5 * math.sqrt(80 * 11 / 3600))


def test_a_rule_on_age_without_the_age_is_refused() -> None:
    r = CliRunner().invoke(app, ["dose", WITH, "--height", "80cm", "--weight", "11kg"])
    assert r.exit_code == 2
    assert "age" in r.stderr and "small-patient rule" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "years"),
    [("0.8", 0.8), ("10 months", 10 / 12), ("6 weeks", 6 * 7 / 365.25), ("2 years", 2.0)],
)
def test_ages(text: str, years: float) -> None:
    assert body.age_years(text) == pytest.approx(years)


def test_age_from_the_date_of_birth() -> None:
    # born 2020-06-15: on 2021-06-15 exactly 1 year; on 2021-04-15, 10 months (304 of 365 days
    # of the year of age: 304/365)
    assert body.age_at(dt.date(2020, 6, 15), dt.date(2021, 6, 15)) == 1.0
    assert body.age_at(dt.date(2020, 6, 15), dt.date(2021, 4, 15)) == pytest.approx(304 / 365)
    # a 29 February birthday counts from 1 March in a common year
    assert body.age_at(dt.date(2020, 2, 29), dt.date(2021, 3, 1)) == 1.0
    with pytest.raises(Exception, match="after"):
        body.age_at(dt.date(2021, 1, 2), dt.date(2021, 1, 1))
