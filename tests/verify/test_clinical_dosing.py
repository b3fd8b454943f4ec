"""verify and issue 12: carboplatin by AUC from the order's labs, its error patterns, blood
count gates, how old the labs are, the patient's age (or date of birth), and an
institution's BSA cap.

Numbers are worked out here from the published formulas:
- Calvert: dose = AUC × (GFR + 25); the GFR capped at 125 mL/min.
- Cockcroft–Gault: (140 − age) × weight × (0.85 if female) / (72 × creatinine mg/dL), weight
  actual below the ideal (Devine) weight, ideal up to 130% of it.
- Devine: 50 (male) / 45.5 (female) + 2.3 × (height cm / 2.54 − 60).
- Mosteller BSA: √(height × weight / 3600).
"""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from osdose.cli import app
from osdose.errors import OsdoseError

REGIMENS = Path(__file__).parents[1] / "data" / "regimens"
GATES = str(REGIMENS / "cisplatin-75-with-count-reductions.yaml")

CP: dict[str, Any] = {  # carboplatin–paclitaxel, cycle 1
    "patient": {
        "id": "P-7",
        "height": "175 cm",
        "weight": "70 kg",
        "age": 60,
        "sex": "male",
        "serum_creatinine": "1.0 mg/dL",
    },
    "regimen": "carboplatin-paclitaxel",
    "cycle": 1,
    "date": "2021-06-01",
    "prescribed": [
        {"drug": "paclitaxel", "dose": "323 mg", "days": [1]},  # 175 × 1.8447 = 322.82
        {"drug": "carboplatin", "dose": "514 mg", "days": [1]},  # 5 × (77.78 + 25) = 513.89
    ],
    "history": [],
    "labs": {"date": "2021-05-31", "anc": "2.0 G/L", "platelets": "210 x10^9/L"},
}


def order(changes: dict[str, Any] | None = None, **patient: Any) -> dict[str, Any]:
    o = copy.deepcopy(CP)
    o.update(changes or {})
    for k, v in patient.items():
        if v is None:
            o["patient"].pop(k, None)
        else:
            o["patient"][k] = v
    return o


def dose_of(o: dict[str, Any], drug: str, value: str) -> dict[str, Any]:
    for p in o["prescribed"]:
        if p["drug"] == drug:
            p["dose"] = value
    return o


def checks(v: Any, name: str, drug: str | None = None) -> list[Any]:
    return [c for c in v.checks if c.check == name and (drug is None or c.drug == drug)]


def test_carboplatin_is_recalculated_from_the_order_s_creatinine(verify) -> None:
    v = verify(order())
    (c,) = checks(v, "dose", "carboplatin")
    assert c.status == "pass"
    assert c.expected_mg == pytest.approx(5 * (80 * 70 / 72 + 25))  # 513.89
    assert "AUC 5 × (GFR 77.8 + 25) (cockcroft-gault)" in c.message
    assert any("Calvert: AUC 5 × (GFR 77.8 + 25)" in w for w in c.work)
    (m,) = checks(v, "max-single-dose", "carboplatin")
    # the most AUC 5 gives at the GFR cap: 5 × (125 + 25) = 750 mg
    assert m.status == "pass"
    assert "within the most AUC 5 gives at the GFR cap 125 mL/min: 750 mg" in m.message


def test_a_measured_gfr_on_the_order(verify) -> None:
    # gfr: 100 mL/min (measured) → 5 × 125 = 625 mg
    o = dose_of(order(gfr="100 mL/min"), "carboplatin", "625 mg")
    (c,) = checks(verify(o), "dose", "carboplatin")
    assert (c.status, c.expected_mg) == ("pass", 625.0)


def test_an_auc_dose_without_creatinine_is_not_checked(verify) -> None:
    v = verify(order(serum_creatinine=None))
    (c,) = checks(v, "dose", "carboplatin")
    assert c.status == "not-checked"
    assert "carboplatin by AUC" in c.message
    assert v.status != "pass"


def _calvert_dose_at(verify: Any, creatinine_mg_dl: float) -> tuple[Any, Any]:
    """The order, a man of 60 and 70 kg, at this creatinine, carboplatin prescribed at
    Calvert's dose for its Cockcroft–Gault CrCl, (140 − 60) × 70 / (72 × creatinine): the
    dose check passes; the verification and carboplatin's renal row."""
    crcl = 80 * 70 / (72 * creatinine_mg_dl)
    o = order(serum_creatinine=f"{creatinine_mg_dl:g} mg/dL")
    v = verify(dose_of(o, "carboplatin", f"{5 * (crcl + 25):.1f} mg"))
    (d,) = checks(v, "dose", "carboplatin")
    assert (d.status, d.expected_mg) == ("pass", pytest.approx(5 * (crcl + 25)))
    (r,) = checks(v, "renal", "carboplatin")
    return v, r


def test_the_label_s_renal_bands_are_not_applied_to_an_auc_dose(verify) -> None:
    # creatinine 1.6 mg/dL: CrCl (140 − 60) × 70 / (72 × 1.6) = 5600 / 115.2 = 48.61 mL/min,
    # in the label's 41–59 band (69.4% of a mg/m² dose). Calvert already gives the dose for
    # that GFR: 5 × (48.61 + 25) = 368.06 mg. A second reduction (× 69.4% = 255.4 mg) would
    # give 31% less than the dose for this patient's kidneys.
    _, r = _calvert_dose_at(verify, 1.6)
    assert r.status == "pass"
    assert "dosed by AUC: renal function is in the dose itself" in r.message
    assert "69.4%" not in r.message


def test_an_auc_dose_below_the_label_s_lowest_band_still_warns(verify) -> None:
    # creatinine 6 mg/dL: CrCl 80 × 70 / (72 × 6) = 12.96 mL/min, below the label's 16 mL/min
    # ('too limited to permit a recommendation'): Calvert gives 5 × (12.96 + 25) = 189.8 mg,
    # but no source gives a dose for such kidneys; the renal row warns, it does not pass
    v, r = _calvert_dose_at(verify, 6)
    assert r.status == "warn"
    assert (
        "dosed by AUC, but CrCl (Cockcroft–Gault) 12.96 mL/min is < 16 mL/min: review" in r.message
    )
    assert v.status in ("warn", "fail")


def test_an_auc_dose_that_cannot_be_calculated_leaves_renal_not_checked(verify) -> None:
    # gfr_method: measured without a gfr: no dose to recalculate (it was an internal error,
    # KeyError, for the whole batch)
    v = verify(order({"gfr_method": "measured"}))
    (d,) = checks(v, "dose", "carboplatin")
    assert d.status == "not-checked" and "gfr is needed (measured, mL/min)" in d.message
    (r,) = checks(v, "renal", "carboplatin")
    assert r.status == "not-checked"
    assert "dosed by AUC, whose GFR is its renal adjustment, but its dose cannot be" in r.message
    assert v.status != "pass"


def test_an_order_whose_auc_dose_cannot_be_calculated_fails_alone_in_a_batch(
    tmp_path: Path,
) -> None:
    bad, good = order({"gfr_method": "measured"}), order()
    batch = tmp_path / "batch-two-orders.jsonl"
    batch.write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n", "utf-8")
    r = CliRunner().invoke(app, ["verify", "--batch", str(batch), "-f", "json", "-j", "1"])
    assert "internal error" not in r.output, r.output
    first, second = json.loads(r.stdout)  # each order has its result
    dose = {
        o["order"][-1]: [c for c in o["checks"] if c["check"] == "dose"] for o in (first, second)
    }
    assert [c["status"] for c in dose["1"] if c["drug"] == "carboplatin"] == ["not-checked"]
    assert [c["status"] for c in dose["2"] if c["drug"] == "carboplatin"] == ["pass"]
    assert first["status"] == "not-checked"


def test_gfr_not_capped(verify) -> None:
    # male 30 y, 190 cm, 100 kg, creatinine 0.6: ideal 50 + 2.3 × (190/2.54 − 60) = 84.05 kg,
    # 100 kg within 130% (109.26): ideal; CrCl 110 × 84.05 / 43.2 = 214.0 → capped 125 → 750 mg.
    # Prescribed with the uncapped GFR: 5 × (214.0 + 25) = 1,195 mg
    ibw = 50 + 2.3 * (190 / 2.54 - 60)
    crcl = 110 * ibw / (72 * 0.6)
    o = order(age=30, height="190 cm", weight="100 kg", serum_creatinine="0.6 mg/dL")
    o = dose_of(o, "paclitaxel", f"{175 * math.sqrt(190 * 100 / 3600):.1f} mg")
    o = dose_of(o, "carboplatin", f"{5 * (crcl + 25):.1f} mg")
    v = verify(o)
    (d,) = checks(v, "dose", "carboplatin")
    assert d.expected_mg == 750.0
    (c,) = [x for x in checks(v, "error-pattern", "carboplatin") if x.status == "fail"]
    assert "GFR not capped" in c.message
    assert f"({crcl:.1f} + 25)" in " ".join(c.work)


def test_egfr_per_1_73_used_as_ml_min(verify) -> None:
    # female 55 y, 160 cm, 60 kg, creatinine 0.9: ideal 45.5 + 2.3 × (160/2.54 − 60) = 52.38
    # kg, 60 kg within 130%: ideal; CrCl 85 × 52.38 × 0.85 / 64.8 = 58.40 → 5 × 83.40 = 417.0 mg.
    # The lab's CKD-EPI 75.5 mL/min/1.73 m² taken as mL/min: 5 × 100.5 = 502.5 mg
    ibw = 45.5 + 2.3 * (160 / 2.54 - 60)
    crcl = 85 * ibw * 0.85 / (72 * 0.9)
    egfr = 142 * (0.9 / 0.7) ** -1.2 * 0.9938**55 * 1.012
    o = order(age=55, sex="female", height="160 cm", weight="60 kg", serum_creatinine="0.9 mg/dL")
    o = dose_of(o, "paclitaxel", f"{175 * math.sqrt(160 * 60 / 3600):.1f} mg")
    o = dose_of(o, "carboplatin", f"{5 * (egfr + 25):.1f} mg")
    v = verify(o)
    (d,) = checks(v, "dose", "carboplatin")
    assert d.expected_mg == pytest.approx(5 * (crcl + 25))
    assert round(d.expected_mg, 1) == 417.0
    (c,) = [x for x in checks(v, "error-pattern", "carboplatin") if x.status == "fail"]
    assert "eGFR per 1.73 m² used as mL/min" in c.message


def test_auc_applied_to_bsa(verify) -> None:
    # Calvert's 513.89 mg read as mg/m² × 1.8447 m² = 947.97 mg
    calvert = 5 * (80 * 70 / 72 + 25)
    o = dose_of(order(), "carboplatin", f"{calvert * math.sqrt(175 * 70 / 3600):.0f} mg")
    (c,) = [x for x in checks(verify(o), "error-pattern", "carboplatin") if x.status == "fail"]
    assert "AUC applied to BSA (mg/m²) instead of GFR" in c.message
    # and the AUC itself read as 5 mg/m²: 5 × 1.8447 = 9.22 mg
    o = dose_of(order(), "carboplatin", "9.2 mg")
    (c,) = [x for x in checks(verify(o), "error-pattern", "carboplatin") if x.status == "fail"]
    assert "AUC 5 read as 5 mg/m²" in c.message


# -- blood counts ---------------------------------------------------------------------------


def test_counts_above_the_gates_pass(verify) -> None:
    rows = checks(verify(order()), "counts")
    assert [r.status for r in rows] == ["pass", "pass"]
    assert rows[0].message.startswith("blood counts of 2021-05-31, 1 day before")
    assert rows[1].message.startswith("ANC 2 × 10⁹/L, platelets 210 × 10⁹/L: no gate is met")


def test_anc_below_a_delay_gate_fails(verify) -> None:
    o = order({"labs": {"date": "2021-05-31", "anc": "1200 /µL", "platelets": "210 G/L"}})
    (fail,) = [r for r in checks(verify(o), "counts") if r.status == "fail"]
    assert fail.message.startswith("delay the cycle: ANC 1.2 × 10⁹/L is below 1.5")


def test_anc_exactly_1_5_is_not_below(verify) -> None:
    o = order({"labs": {"date": "2021-05-31", "anc": "1.5 x10^9/L", "platelets": "210 G/L"}})
    assert [r.status for r in checks(verify(o), "counts")] == ["pass", "pass"]


def _gated(anc: str, platelets: str, dose: str, percent: float | None = None) -> dict[str, Any]:
    o: dict[str, Any] = {
        "patient": {"id": "P-8", "height": "175 cm", "weight": "70 kg"},
        "regimen": GATES,
        "cycle": 1,
        "date": "2021-06-01",
        "prescribed": [{"drug": "cisplatin", "dose": dose, "days": [1]}],
        "history": [],
        "labs": {"date": "2021-05-31", "anc": anc, "platelets": platelets},
    }
    if percent is not None:
        o["dose_percent"] = percent
    return o


# cisplatin 75 mg/m² × 1.844662 = 138.35 mg; at 75%: 103.76 mg
FULL, REDUCED = 75 * math.sqrt(175 * 70 / 3600), 0.75 * 75 * math.sqrt(175 * 70 / 3600)


def test_a_required_reduction_not_applied_fails_with_the_expected_mg(verify) -> None:
    (r,) = [x for x in checks(verify(_gated("1.2 G/L", "200 G/L", "138 mg")), "counts") if x.drug]
    assert r.status == "fail"
    assert r.expected_mg == pytest.approx(REDUCED)
    assert "ANC 1.2 × 10⁹/L is below 1.5: 75% required" in r.message
    assert "expected at most 103.76 mg/day; prescribed 138 mg" in r.message


def test_a_required_reduction_applied_passes(verify) -> None:
    v = verify(_gated("1.2 G/L", "200 G/L", f"{REDUCED:.1f} mg", 75))
    assert [x.status for x in checks(v, "counts")] == ["pass", "pass"]
    assert checks(v, "dose")[0].status == "pass"


def test_the_most_severe_gate_wins_whatever_the_order_written(verify) -> None:
    # ANC 0.8: both ANC gates are met; the delay wins though written second
    rows = checks(verify(_gated("0.8 G/L", "200 G/L", "138 mg")), "counts")
    assert [r.status for r in rows] == ["pass", "fail"]
    assert "delay the cycle: ANC 0.8" in rows[1].message
    # ANC 1.2 (75%) and platelets 60 (delay): delay
    rows = checks(verify(_gated("1.2 G/L", "60 G/L", "138 mg")), "counts")
    assert "delay the cycle: platelets 60 × 10⁹/L is below 75" in rows[-1].message


def test_old_counts_warn_and_undated_counts_are_not_checked(verify) -> None:
    # 2021-05-27 is 5 days before 2021-06-01: more than the 3 days of thresholds.yaml
    o = order({"labs": {"date": "2021-05-27", "anc": "2.0 G/L", "platelets": "210 G/L"}})
    (old,) = [r for r in checks(verify(o), "counts") if r.status == "warn"]
    assert "5 days before the order's 2021-06-01: older than 3 days" in old.message
    # exactly 3 days: within
    o = order({"labs": {"date": "2021-05-29", "anc": "2.0 G/L", "platelets": "210 G/L"}})
    assert checks(verify(o), "counts")[0].status == "pass"
    o = order({"labs": {"anc": "2.0 G/L", "platelets": "210 G/L"}})
    assert checks(verify(o), "counts")[0].status == "not-checked"
    # the creatinine has the labs' date unless its own: an old one warns under renal
    o = order({"labs": {"date": "2021-05-31", "creatinine_date": "2021-05-20", "anc": "2 G/L",
                        "platelets": "210 G/L"}})  # fmt: skip
    (old,) = [r for r in checks(verify(o), "renal") if r.status == "warn"]
    assert old.message.startswith("serum creatinine of 2021-05-20, 12 days before")


def test_counts_missing_for_a_gated_regimen_are_not_checked(verify) -> None:
    o = order({"labs": {"date": "2021-05-31", "anc": "2.0 G/L"}})
    rows = checks(verify(o), "counts")
    assert any(r.status == "not-checked" and "no platelets on the order" in r.message for r in rows)


def test_a_regimen_without_gates_says_so(verify) -> None:
    o = order({"regimen": "anlotinib", "prescribed": [{"drug": "anlotinib", "dose": "12 mg",
                                                        "days": "1-14"}]})  # fmt: skip
    (r,) = checks(verify(o), "counts")
    assert r.status == "not-checked"
    assert "declares no blood-count gates" in r.message


@pytest.mark.parametrize(
    ("anc", "message"),
    [
        ("1.2", "anc must be a count with its unit"),
        ("1.2 g/L", "unit 'g/L' is not a count unit"),
        ("1200 x10^9/L", "did you mean 1200 /µL = 1.2 × 10⁹/L?"),
    ],
)
def test_a_count_in_the_wrong_unit_is_refused(verify, anc: str, message: str) -> None:
    o = order({"labs": {"date": "2021-05-31", "anc": anc, "platelets": "210 G/L"}})
    with pytest.raises(OsdoseError, match=re.escape(message)):
        verify(o)


# -- the patient's age ------------------------------------------------------------------------


def test_age_from_the_date_of_birth(verify) -> None:
    # born 1961-06-01: 60 on 2021-06-01 → the same CrCl as age 60
    v = verify(order(age=None, dob="1961-06-01"))
    (c,) = checks(v, "dose", "carboplatin")
    assert c.expected_mg == pytest.approx(5 * (80 * 70 / 72 + 25))


def test_age_and_date_of_birth_must_agree(verify) -> None:
    with pytest.raises(OsdoseError, match="age 45 does not agree with dob 1961-06-01"):
        verify(order(age=45, dob="1961-06-01"))


# -- an institution's BSA cap -----------------------------------------------------------------


def _capped(dose: str, **more: Any) -> dict[str, Any]:
    o: dict[str, Any] = {
        "patient": {"id": "P-9", "height": "190 cm", "weight": "120 kg"},
        "regimen": GATES,
        "cycle": 1,
        "date": "2021-06-01",
        "prescribed": [{"drug": "cisplatin", "dose": dose, "days": [1]}],
        "history": [],
        "labs": {"date": "2021-05-31", "anc": "2 G/L", "platelets": "200 G/L"},
        "bsa_cap": "2.0 m2",
        "cap_reason": "institutional cap at 2.0 m² (local policy)",
    }
    o.update(more)
    return o


def test_a_capped_order_is_checked_against_the_cap(verify) -> None:
    # BSA √(190 × 120 / 3600) = 2.5166 m², capped at 2.0: cisplatin 75 × 2.0 = 150 mg, and
    # (1 − 2.0 / 2.5166) = 20.5% below full weight-based dosing
    v = verify(_capped("150 mg"))
    assert checks(v, "dose")[0].status == "pass"
    (b,) = checks(v, "bsa")
    assert b.status == "pass"
    assert "capped at 2 m² (institutional cap at 2.0 m² (local policy))" in b.message
    assert f"{(1 - 2.0 / math.sqrt(190 * 120 / 3600)) * 100:.0f}% below full weight-based" in (
        b.message
    )


def test_the_cap_not_applied_is_named(verify) -> None:
    # 75 × 2.5166 = 188.7 mg: the uncapped BSA
    v = verify(_capped("188.7 mg"))
    (c,) = [x for x in checks(v, "error-pattern") if x.status == "fail"]
    assert "the BSA cap not applied" in c.message


def test_a_cap_without_its_reason_is_refused(verify) -> None:
    o = _capped("150 mg")
    del o["cap_reason"]
    with pytest.raises(OsdoseError, match="bsa_cap needs cap_reason"):
        verify(o)


def test_verify_cli_json_keeps_its_keys_for_the_new_checks(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "order.yaml"
    path.write_text(yaml.safe_dump(_gated("1.2 G/L", "200 G/L", "138 mg")))
    r = CliRunner().invoke(app, ["verify", str(path), "--format", "json"])
    assert r.exit_code == 1  # the reduction not applied fails
    rows = [c for c in json.loads(r.stdout)["checks"] if c["check"] == "counts"]
    assert [c["status"] for c in rows] == ["pass", "fail"]
    assert rows[1]["expected_mg"] == pytest.approx(REDUCED)
