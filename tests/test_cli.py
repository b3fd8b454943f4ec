"""The command line through typer's CliRunner: exact JSON, one-line errors, exit codes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose.cli import app

runner = CliRunner()
BSA_175_70 = math.sqrt(175 * 70 / 3600)  # Mosteller: 1.8446619…


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_bsa_json() -> None:
    code, out, err = run("bsa", "--height", "175cm", "--weight", "70kg", "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["height_cm"] == 175.0
    assert doc["weight_kg"] == 70.0
    assert [r["formula"] for r in doc["results"]] == ["mosteller"]
    assert doc["results"][0]["m2"] == pytest.approx(BSA_175_70, rel=1e-12)


def test_bsa_all_formulas_side_by_side() -> None:
    code, out, _ = run("bsa", "-H", "160 cm", "-W", "52 kg", "--formula", "all", "-f", "json")
    assert code == 0
    got = {r["formula"]: round(r["m2"], 4) for r in json.loads(out)["results"]}
    # clinical.md §1, 160 cm / 52 kg column
    assert got == {
        "mosteller": 1.5202,
        "dubois": 1.5264,
        "haycock": 1.5190,
        "gehan-george": 1.5318,
        "boyd": 1.5304,
    }


def test_bsa_table_names_every_formula() -> None:
    code, out, _ = run("bsa", "-H", "175cm", "-W", "70kg", "--formula", "all")
    assert code == 0
    for name, value in [("mosteller", "1.8447"), ("dubois", "1.8481"), ("boyd", "1.8507")]:
        assert name in out and value in out


def test_dose_json_contract() -> None:
    code, out, err = run("dose", "DIA", "--height", "175cm", "--weight", "70kg", "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["regimen"] == "DIA"
    assert doc["bsa"]["formula"] == "mosteller"
    assert doc["bsa"]["capped"] is False
    assert doc["bsa"]["m2"] == pytest.approx(BSA_175_70)
    assert doc["bsa"]["uncapped_m2"] == doc["bsa"]["m2"]
    assert doc["dose_percent"] == 100.0
    assert doc["cycle_length_days"] == 14
    assert [d["drug"] for d in doc["drugs"]] == ["cisplatin", "epirubicin", "ifosfamide", "mesna"]
    cis = doc["drugs"][0]
    assert cis["basis"] == "120 mg/m²"
    assert cis["days"] == [1]
    assert cis["route"] == "IV"
    assert cis["daily_mg"] == pytest.approx(120 * BSA_175_70)  # 221.36 mg, unrounded
    assert cis["cycle_mg"] == pytest.approx(120 * BSA_175_70)
    assert cis["daily"] == {"value": cis["daily_mg"], "unit": "mg"}
    assert cis["cycle"] == {"value": cis["cycle_mg"], "unit": "mg"}
    assert cis["capped"] is False
    assert cis["uncapped_daily"] == {"value": cis["daily_mg"], "unit": "mg"}
    epi = doc["drugs"][1]
    assert epi["basis"] == "40 mg/m²" and epi["days"] == [1, 2, 3]
    assert epi["cycle_mg"] == pytest.approx(3 * 40 * BSA_175_70)  # 221.36 mg a cycle
    ifo = doc["drugs"][2]
    assert ifo["basis"] == "2 g/m²"
    assert ifo["daily_mg"] == pytest.approx(2000 * BSA_175_70)  # 3689.3 mg, JSON always mg


def test_dose_json_regimen_reports_its_own_name() -> None:
    _, out, _ = run("dose", "ddp-epi", "--bsa", "1.9", "--format", "json")
    doc = json.loads(out)
    assert doc["regimen"] == "DDP+EPI"
    assert doc["bsa"] == {
        "m2": 1.9,
        "formula": "given",
        "capped": False,
        "uncapped_m2": 1.9,
        "cap_m2": None,
        "cap_reason": None,
        "below_full_weight_based_percent": 0.0,
    }
    assert doc["drugs"][0]["daily_mg"] == pytest.approx(266.0)  # 140 mg/m² × 1.9 m²


def test_dose_bsa_cap_is_said() -> None:
    why = ("--cap-reason", "institution policy P-12")
    code, out, _ = run(
        "dose", "DDP+EPI", "-H", "190cm", "-W", "110kg", "--bsa-cap", "2.0", *why, "-f", "json"
    )
    assert code == 0
    b = json.loads(out)["bsa"]
    # √(190 × 110 / 3600) = 2.40947 m², capped at 2.0: 1 − 2.0 / 2.40947 = 17.0% below
    assert b["capped"] is True and b["m2"] == 2.0 and b["cap_m2"] == 2.0
    assert b["uncapped_m2"] == pytest.approx(math.sqrt(190 * 110 / 3600))
    assert b["cap_reason"] == "institution policy P-12"
    assert b["below_full_weight_based_percent"] == pytest.approx(
        (1 - 2.0 / math.sqrt(190 * 110 / 3600)) * 100
    )
    code, table, _ = run("dose", "DDP+EPI", "-H", "190cm", "-W", "110kg", "--bsa-cap", "2.0", *why)
    assert "CAPPED at 2 m² (uncapped 2.4095 m²)" in table
    assert "17.0% below full weight-based dosing" in " ".join(table.split())


def test_a_bsa_cap_needs_its_reason() -> None:
    code, _, err = run("dose", "DDP+EPI", "-H", "190cm", "-W", "110kg", "--bsa-cap", "2.0")
    assert code == 2
    assert err.startswith("osdose: error: --bsa-cap needs --cap-reason: ASCO (Griggs et al.")


def test_dose_units_in_iu_have_null_mg(regimen_data: Path) -> None:
    code, out, _ = run(
        "dose", str(regimen_data / "bleomycin-in-iu.yaml"), "--bsa", "1.5", "-f", "json"
    )
    assert code == 0
    blm = json.loads(out)["drugs"][0]
    assert blm["daily_mg"] is None and blm["cycle_mg"] is None
    assert blm["daily"] == {"value": 15000.0, "unit": "IU"}  # 10000 IU/m² × 1.5 m²
    assert blm["cycle"] == {"value": 45000.0, "unit": "IU"}  # × days 1, 8, 15


def test_dose_cap_in_json(regimen_data: Path) -> None:
    _, out, _ = run(
        "dose", str(regimen_data / "vincristine-capped-at-2mg.yaml"), "--bsa", "1.9", "-f", "json"
    )
    vcr = json.loads(out)["drugs"][0]
    assert vcr["capped"] is True
    assert vcr["daily_mg"] == 2.0
    assert vcr["uncapped_daily"]["value"] == pytest.approx(2.66)  # 1.4 × 1.9


def test_dose_table_shows_the_work() -> None:
    code, out, _ = run("dose", "DIA", "--height", "175cm", "--weight", "70kg")
    assert code == 0
    assert "221.36 mg" in out and "3,689.3 mg" in out and "18,446.6 mg" in out
    assert "BSA 1.8447 m² (mosteller: height 175 cm, weight 70 kg)" in out
    assert "120 mg/m² × 1.8447 m² (mosteller) = 221.36 mg" in out


def test_flat_regimen_needs_no_measurements() -> None:
    code, out, _ = run("dose", "anlotinib", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["bsa"] is None
    assert doc["drugs"][0]["daily_mg"] == 12.0 and doc["drugs"][0]["cycle_mg"] == 168.0


def test_regimens_list_and_show() -> None:
    code, out, _ = run("regimens", "list", "--format", "json")
    assert code == 0
    assert {r["name"] for r in json.loads(out)} >= {"DIA", "DDP+EPI", "DDP+IFO", "anlotinib"}
    code, out, _ = run("regimens", "show", "ddp+ifo", "--format", "json")
    doc = json.loads(out)
    assert doc["name"] == "DDP+IFO"
    assert doc["drugs"][0]["dose_per_day"] == "140 mg/m²"
    code, out, _ = run("regimens", "show", "DIA")
    assert code == 0 and "cisplatin" in out and "acknowledged" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["dose", "DIA", "--height", "175cm", "--weight", "70cm"],
            "weight must be a mass, got 70 cm",
        ),
        (["dose", "DIA", "--height", "175", "--weight", "70kg"], "height has no unit, got '175'"),
        (
            ["dose", "DIA", "--height", "300cm", "--weight", "70kg"],
            "outside the plausible range 30–250 cm",
        ),
        (
            ["dose", "DIA", "--height", "175cm", "--weight", "400kg"],
            "outside the plausible range 1–350 kg",
        ),
        (["dose", "DIA", "--bsa", "4"], "outside the plausible range 0.1–3.5"),
        (["dose", "DDP+EPO", "--bsa", "1.8"], "unknown regimen 'DDP+EPO'; did you mean DDP+EPI"),
        (
            ["dose", "DIA", "-H", "175cm", "-W", "70kg", "--formula", "mostelar"],
            "unknown BSA formula 'mostelar'",
        ),
        (["bsa", "-H", "175cm", "-W", "70kg", "--formula", "x"], "unknown BSA formula 'x'"),
        (["dose", "DIA", "--height", "175cm"], "--weight is missing"),
        (["dose", "DIA"], "DIA has doses per m²: give --height and --weight, or --bsa"),
        (["dose", "DIA", "--bsa", "1.8", "--dose-percent", "120"], "between 1 and 100"),
        (["bsa", "--height", "175cm"], "bsa needs both --height and --weight"),
    ],
)
def test_bad_input_one_line_exit_2(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("osdose: error: ")
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_malformed_regimen_file_names_file_and_line(regimen_data: Path) -> None:
    path = regimen_data / "malformed-yaml.yaml"
    code, out, err = run("dose", str(path), "--bsa", "1.8")
    assert code == 2 and out == ""
    assert err.startswith(f"osdose: error: {path}:6: YAML syntax error")
    assert err.count("\n") == 1


def test_unknown_drug_in_regimen_fails_closed(regimen_data: Path) -> None:
    path = regimen_data / "unknown-drug-cisplatine.yaml"
    code, _, err = run("dose", str(path), "--bsa", "1.8")
    assert code == 2
    assert f"{path}:4: unknown drug 'cisplatine'; did you mean cisplatin" in err


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("osdose ")


def test_formula_with_given_bsa_is_refused_not_ignored() -> None:
    code, _, err = run("dose", "DIA", "--bsa", "1.9", "--formula", "dubois")
    assert code == 2
    assert "--formula has no effect with --bsa" in err


def test_formula_is_used_and_named() -> None:
    _, out, _ = run("dose", "DIA", "-H", "175cm", "-W", "70kg", "--formula", "dubois", "-f", "json")
    doc = json.loads(out)
    # DuBois: 0.007184 × 70^0.425 × 175^0.725 = 1.8481 m² (clinical.md)
    assert doc["bsa"]["formula"] == "dubois"
    assert round(doc["bsa"]["m2"], 4) == 1.8481
    assert doc["drugs"][0]["daily_mg"] == pytest.approx(120 * doc["bsa"]["m2"])
