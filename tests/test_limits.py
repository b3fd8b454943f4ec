"""Issue 9 §4: maxima per administration, day, week and cycle are different things, and one
comparison (osdose.limits) serves lint, dose, verify and plan; absolute caps (vincristine
2 mg) are applied by dose and expected by verify; a regimen lint refuses is never dosed.

Drug table (osdose/data/drugs.yaml): cisplatin at most 100 mg/m² in any 21 days (the
label's shortest cycle); vincristine capped at 2 mg per administration, at most 2 mg a week.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from osdose import bsa
from osdose.basis import parse_basis
from osdose.cli import app
from osdose.dosing import dose_sheet
from osdose.drugs import load_drugs
from osdose.errors import FileError
from osdose.library import load_file
from osdose.limits import Size, compare, schedule
from osdose.lint import lint_paths
from osdose.verify import order_from_object, verify_order

TABLE = load_drugs()
CIS = TABLE.drugs["cisplatin"]


def _cis(dose: str, days: tuple[int, ...], cycle: int) -> tuple[float, bool]:
    found, _ = compare(CIS, schedule([(parse_basis(dose), days)]), cycle, Size())
    (c,) = found
    return c.value, c.over


@pytest.mark.parametrize(
    ("dose", "days", "cycle", "value", "over"),
    [
        # the case: 100 mg/m² on days 1–5 is 500 mg/m² per cycle, 5 times the maximum
        ("100 mg/m2", (1, 2, 3, 4, 5), 21, 500.0, True),
        # the label's testicular schedule (BEP): 20 × 5 = 100 in 21 days, the maximum itself
        ("20 mg/m2", (1, 2, 3, 4, 5), 21, 100.0, False),
        # 75 mg/m² every 21 days: within
        ("75 mg/m2", (1,), 21, 75.0, False),
        # weekly 40 mg/m²: days 1, 8, 15 in any 21 days = 120, above 100
        ("40 mg/m2", (1,), 7, 120.0, True),
        # 120 mg/m² every 14 days (the case report's DIA): days 1 and 15 in 21 days = 240
        ("120 mg/m2", (1,), 14, 240.0, True),
        # MAP's 120 mg/m² over days 1–2 of a 35-day cycle: 120 in any 21 days
        ("60 mg/m2", (1, 2), 35, 120.0, True),
    ],
)
def test_a_per_cycle_maximum_is_compared_over_its_own_cycle(
    dose: str, days: tuple[int, ...], cycle: int, value: float, over: bool
) -> None:
    assert _cis(dose, days, cycle) == (pytest.approx(value), over)


def test_a_weekly_maximum_and_a_flat_cap_compare_in_mg() -> None:
    vcr = TABLE.drugs["vincristine"]
    weekly = [m for m in vcr.maxima if m.period == "week"]
    assert weekly and weekly[0].dose.amount == 2.0
    # 1.4 mg/m² on days 1 and 8 at BSA 1.5: 2.1 mg a day; in any 7 days one dose: 2.1 > 2
    found, _ = compare(vcr, schedule([(parse_basis("1.4 mg/m2"), (1, 8))]), 21, Size(1.5))
    (c,) = found
    assert c.value == pytest.approx(2.1) and c.over
    # without a BSA a per-m² dose cannot be compared with mg: said, never passed
    found, skipped = compare(vcr, schedule([(parse_basis("1.4 mg/m2"), (1,))]), 21, Size())
    assert not found and "needs the BSA" in skipped[0]


def _regimen(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "regimen.yaml"
    path.write_text(
        f"name: TEST\ncycle_length_days: 21\nreferences: [test]\n"
        f"approved: {{by: test, date: 2026-01-01}}\ndrugs:\n{body}",
        "utf-8",
    )
    return path


CIS_DAYS_1_5 = "  - drug: cisplatin\n    dose: 100 mg/m2\n    days: 1-5\n"


def test_lint_dose_verify_and_plan_all_stop_cisplatin_days_1_to_5(tmp_path: Path) -> None:
    path = _regimen(tmp_path, CIS_DAYS_1_5)
    (f,) = lint_paths([path]).findings
    assert (f.rule, f.severity, f.line) == ("dose-implausible", "error", 7)
    assert f.message.startswith(
        "cisplatin 500 mg/m² per 21-day cycle (100 mg/m² on days 1–5) is above the usual maximum "
        "100 mg/m² per 21-day cycle (5 times; more than 3 times: a dose per cycle written per "
        "day, or a unit slip?"
    )
    # dose refuses what lint refuses, naming the file and line and the command to see it all
    r = CliRunner().invoke(app, ["dose", str(path), "-H", "175cm", "-W", "70kg"])
    assert r.exit_code == 2
    assert r.stderr.startswith(f"osdose: error: {path}:7: cisplatin 500 mg/m² per 21-day cycle")
    assert f"see 'osdose lint {path}'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_an_acknowledged_exceedance_is_calculated_and_shown(tmp_path: Path) -> None:
    path = _regimen(
        tmp_path,
        CIS_DAYS_1_5
        + "    acknowledge:\n      - {rule: dose-implausible, reason: test protocol}\n",
    )
    r = CliRunner().invoke(app, ["dose", str(path), "-H", "175cm", "-W", "70kg", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    (limit,) = json.loads(r.stdout)["limits"]
    assert (limit["drug"], limit["period"], limit["cycle_days"], limit["over"]) == (
        "cisplatin",
        "cycle",
        21,
        True,
    )
    assert limit["value"] == 500.0 and limit["limit"] == 100.0
    assert limit["acknowledged"] == "test protocol"


VCR = "  - drug: vincristine\n    dose: 1.4 mg/m2\n    days: [1]\n"


def test_the_drug_tables_cap_is_applied_without_a_regimen_max_dose(tmp_path: Path) -> None:
    reg = load_file(_regimen(tmp_path, VCR))
    # 1.4 mg/m² × 2.0 m² = 2.8 mg → capped at the drug table's 2 mg per administration
    (line,) = dose_sheet(reg, bsa.given(2.0)).lines
    assert (line.uncapped_daily, line.daily, line.capped) == (pytest.approx(2.8), 2.0, True)
    assert line.cap is not None and line.cap.origin == "drug table"
    assert any("capped at 2 mg (drug table;" in t for t in line.trace)


def test_max_dose_none_needs_an_acknowledgement(tmp_path: Path) -> None:
    bare = _regimen(tmp_path, VCR + "    max_dose: none\n")
    with pytest.raises(FileError, match=r"max_dose: none lifts the drug table's cap of 2 mg"):
        load_file(bare)
    acked = tmp_path / "acked.yaml"
    acked.write_text(
        bare.read_text("utf-8")
        + "    acknowledge:\n      - {rule: absolute-cap, reason: protocol gives no cap}\n",
        "utf-8",
    )
    (line,) = dose_sheet(load_file(acked), bsa.given(2.0)).lines
    assert (line.daily, line.capped, line.no_cap_reason) == (
        pytest.approx(2.8),
        False,
        "protocol gives no cap",
    )


def test_a_regimen_cap_above_the_tables_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileError, match=r"max_dose 2\.5 mg is above the drug table's cap of 2 mg"):
        load_file(_regimen(tmp_path, VCR + "    max_dose: 2.5 mg\n"))


def _vcr_order(regimen: Path, dose: str) -> dict[str, Any]:
    # 175 cm, 70 kg: BSA 1.844662 m²; 1.4 × 1.844662 = 2.58 mg → capped at 2 mg
    return {
        "patient": {"id": "P", "height": "175 cm", "weight": "70 kg"},
        "regimen": str(regimen),
        "cycle": 1,
        "date": "2021-06-01",
        "prescribed": [{"drug": "vincristine", "dose": dose, "days": [1]}],
        "history": [],
    }


def test_verify_fails_a_dose_above_the_absolute_cap(tmp_path: Path) -> None:
    regimen = _regimen(tmp_path, VCR)
    v = verify_order(order_from_object(_vcr_order(regimen, "2.58 mg"), "o", 1, TABLE), TABLE)
    caps = [c for c in v.checks if c.check == "max-single-dose" and "absolute cap" in c.message]
    assert [c.status for c in caps] == ["fail"]
    assert "2.58 mg per administration is ABOVE the absolute cap 2 mg" in caps[0].message
    dose = [c for c in v.checks if c.check == "dose"]
    assert dose[0].expected_mg == 2.0  # the cap is expected even though the regimen gives none
    ok = verify_order(order_from_object(_vcr_order(regimen, "2 mg"), "o", 1, TABLE), TABLE)
    assert [c.status for c in ok.checks if "absolute cap" in c.message] == ["pass"]
