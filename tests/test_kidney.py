"""Kidney function (issue 12 §1): Cockcroft–Gault with its weight policy, CKD-EPI 2021
(indexed and de-indexed), bedside Schwartz, and ``osdose gfr``. Every expected number is
worked out here from the published formula."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from osdose.body import age_years
from osdose.cli import app
from osdose.errors import InputError
from osdose.kidney import ckd_epi_2021, deindexed, ideal_body_weight, report, schwartz_bedside
from osdose.labs import concentration_mg_dl


def test_ckd_epi_2021_worked_example() -> None:
    # woman, 55 y, SCr 0.9 mg/dL: κ 0.7, α −0.241; 0.9 / 0.7 = 1.285714 > 1, so
    # 142 × 1 × 1.285714^−1.2 × 0.9938^55 × 1.012
    expected = 142 * 1.285714285714**-1.2 * 0.9938**55 * 1.012
    e = ckd_epi_2021(55, "female", 0.9)
    assert e.value == pytest.approx(expected, rel=1e-9)
    assert round(e.value, 1) == 75.5  # clinical reference §10
    # at BSA √(160 × 60 / 3600) = 1.632993 m²: 75.4988 × 1.632993 / 1.73 = 71.27 mL/min
    bsa = math.sqrt(160 * 60 / 3600)
    d = deindexed(e, bsa)
    assert d.value == pytest.approx(e.value * bsa / 1.73, rel=1e-12)
    assert round(d.value, 1) == 71.3
    assert (d.method, d.unit) == ("ckd-epi-2021-absolute", "mL/min")


def test_ckd_epi_below_kappa_uses_alpha() -> None:
    # man, 40 y, SCr 0.6: 0.6 / 0.9 = 0.6667 < 1: 142 × 0.6667^−0.302 × 0.9938^40
    expected = 142 * (0.6 / 0.9) ** -0.302 * 0.9938**40
    assert ckd_epi_2021(40, "male", 0.6).value == pytest.approx(expected, rel=1e-12)


def test_schwartz_bedside() -> None:
    # 0.413 × 120 / 0.5 = 99.12
    assert schwartz_bedside(120, 0.5).value == pytest.approx(99.12, rel=1e-12)


def test_devine_ideal_weight() -> None:
    # man of 165 cm = 64.96 in: 50 + 2.3 × 4.96 = 61.41 kg (clinical reference §10)
    assert ideal_body_weight(165, "male") == pytest.approx(50 + 2.3 * (165 / 2.54 - 60))
    assert round(ideal_body_weight(165, "male"), 1) == 61.4


@pytest.mark.parametrize(
    ("text", "mg_dl"),
    [
        ("1.0 mg/dL", 1.0),
        ("88.42 µmol/L", 1.0),  # ÷ 88.42
        ("88.42 umol/L", 1.0),
        ("10 mg/L", 1.0),  # ÷ 10
        ("0.08842 mmol/L", 1.0),  # × 1000 ÷ 88.42
    ],
)
def test_creatinine_units(text: str, mg_dl: float) -> None:
    assert concentration_mg_dl(text, "serum_creatinine") == pytest.approx(mg_dl, rel=1e-12)


def test_creatinine_without_a_unit_is_refused() -> None:
    with pytest.raises(InputError, match="osdose never guesses which"):
        concentration_mg_dl("80", "serum_creatinine")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("60", 60.0),
        ("60 years", 60.0),
        ("0.8", 0.8),
        ("10 months", 10 / 12),
        ("6 weeks", 42 / 365.25),
    ],
)
def test_ages(text: str, years: float) -> None:
    assert age_years(text) == pytest.approx(years)


def test_an_adult_gets_the_adult_equations_and_a_child_schwartz() -> None:
    # man 60 y, 70 kg, 175 cm, SCr 1.0: ideal 70.47 kg > 70 kg: actual weight;
    # CrCl = 80 × 70 / 72 = 77.78 mL/min (issue 12 worked example)
    r = report(60, "male", 1.0, 175, 70)
    assert [e.method for e in r.estimates] == [
        "cockcroft-gault",
        "ckd-epi-2021",
        "ckd-epi-2021-absolute",
    ]
    assert r.estimates[0].value == pytest.approx(80 * 70 / 72)
    child = report(8, "female", 0.5, 120, 22)
    assert [e.method for e in child.estimates] == ["schwartz-bedside"]
    assert "cockcroft-gault, ckd-epi-2021: adult equations (from 18 y)" in child.not_applicable


def test_gfr_json_contract() -> None:
    r = CliRunner().invoke(
        app,
        [
            "gfr", "--age", "55", "--sex", "female", "--weight", "60kg", "--height", "160cm",
            "--creatinine", "0.9mg/dL", "--format", "json",
        ],
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["inputs"]["creatinine_mg_dl"] == 0.9
    methods = {e["method"]: e for e in doc["estimates"]}
    assert set(methods) == {"cockcroft-gault", "ckd-epi-2021", "ckd-epi-2021-absolute"}
    assert round(methods["ckd-epi-2021"]["value"], 1) == 75.5
    assert methods["ckd-epi-2021"]["unit"] == "mL/min/1.73m2"
    assert round(methods["ckd-epi-2021-absolute"]["value"], 1) == 71.3
    # Cockcroft–Gault, woman of 160 cm: ideal 45.5 + 2.3 × (62.992 − 60) = 52.38 kg; 60 kg is
    # within 130% of it → ideal weight: (140 − 55) × 52.382 / (72 × 0.9) × 0.85 = 58.40
    ibw = 45.5 + 2.3 * (160 / 2.54 - 60)
    assert methods["cockcroft-gault"]["value"] == pytest.approx(85 * ibw / 64.8 * 0.85)
    assert all(
        set(e) == {"method", "value", "unit", "formula", "reference"} for e in doc["estimates"]
    )


def test_gfr_bad_input_is_one_line() -> None:
    r = CliRunner().invoke(app, ["gfr", "--age", "60", "--sex", "male", "--creatinine", "80"])
    assert r.exit_code == 2
    assert r.stderr.startswith("osdose: error: --creatinine must be a concentration with its unit")
