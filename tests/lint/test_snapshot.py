"""Golden dose snapshots: the committed snapshot matches the shipped regimens; an edit that
changes a dose fails the check and names regimen, patient, drug, old mg → new mg."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from typer.testing import CliRunner

from osdose.cli import app
from osdose.library import load_file
from osdose.snapshot import compute, compute_paths, load_patients

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = ROOT / "osdose" / "data" / "reference-patients.yaml"
GOLDEN = ROOT / "osdose" / "data" / "regimens.snapshot.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_reference_patients_bsa_by_hand() -> None:
    bsa = {p.id: p.bsa() for p in load_patients(PATIENTS)}
    assert math.isclose(bsa["small-adult"].m2, math.sqrt(150 * 45 / 3600))  # 1.3693
    assert math.isclose(bsa["average-adult"].m2, math.sqrt(175 * 70 / 3600))  # 1.8447
    assert math.isclose(bsa["large-adult"].m2, math.sqrt(190 * 100 / 3600))  # 2.2973
    capped = bsa["capped-bsa"]
    assert math.isclose(capped.uncapped_m2, math.sqrt(190 * 120 / 3600))  # 2.5166
    assert capped.m2 == 2.0 and capped.capped


def test_dia_doses_by_hand() -> None:
    snap = compute([load_file(ROOT / "regimens" / "DIA.yaml")], load_patients(PATIENTS))
    got = {(d.patient, d.drug): (d.daily, d.cycle) for d in snap.doses}
    bsa = math.sqrt(175 * 70 / 3600)  # 1.844662
    # cisplatin 120 mg/m² × 1.844662 = 221.36 mg on day 1 only
    assert got[("average-adult", "cisplatin")] == (round(120 * bsa, 2), round(120 * bsa, 2))
    # epirubicin 40 mg/m² × 1.844662 = 73.79 mg a day, × 3 days = 221.36 mg
    assert got[("average-adult", "epirubicin")] == (round(40 * bsa, 2), round(3 * 40 * bsa, 2))
    # capped at 2.0 m²: ifosfamide 2,000 mg/m² × 2.0 = 4,000 mg a day, × 5 = 20,000 mg
    assert got[("capped-bsa", "ifosfamide")] == (4000.0, 20000.0)


def test_carboplatin_by_auc_for_the_reference_patients() -> None:
    # Calvert: AUC 5 × (GFR + 25), GFR by Cockcroft–Gault (arithmetic in patients.yaml)
    snap = compute_paths([ROOT / "regimens" / "carboplatin-etoposide.yaml"], PATIENTS)
    got = {d.patient: d.daily for d in snap.doses if d.drug == "carboplatin"}
    # male 60 y, 70 kg (below the ideal 70.47 kg: actual), Cr 1.0: 80 × 70 / 72 = 77.78
    assert got["average-adult"] == round(5 * ((140 - 60) * 70 / 72 + 25), 2) == 513.89
    # male 50 y, 190 cm, 100 kg: ideal 50 + 2.3 × (190 / 2.54 − 60) = 84.05 kg; 90 × 84.05 / 57.6
    # = 131.3 mL/min, capped at 125: 5 × 150
    assert got["large-adult"] == 750.0
    # female 70 y, 150 cm, 45 kg: ideal 45.5 + 2.3 × (150 / 2.54 − 60) = 43.33 kg
    ibw = 45.5 + 2.3 * (150 / 2.54 - 60)
    assert got["small-adult"] == round(5 * ((140 - 70) * ibw * 0.85 / (72 * 0.5) + 25), 2)


def test_committed_snapshot_matches_shipped_regimens() -> None:
    code, out, err = invoke(
        "snapshot", str(ROOT / "regimens"), "--patients", str(PATIENTS), "--check", str(GOLDEN)
    )
    assert (code, out) == (0, "")
    # 4 patients × 14 drug lines (DIA 4, DDP+IFO 3, DDP+EPI 2, anlotinib 1, the two
    # carboplatin regimens 2 each)
    assert err == f"osdose snapshot: 56 doses match {GOLDEN}\n"


def test_write_then_check_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "snap.yaml"
    assert invoke("snapshot", "regimens", "--patients", str(PATIENTS), "--write", str(out))[0] == 0
    assert invoke("snapshot", "regimens", "--patients", str(PATIENTS), "--check", str(out))[0] == 0


def test_a_dose_edit_fails_the_check(tmp_path: Path) -> None:
    lib = tmp_path / "regimens"
    shutil.copytree(ROOT / "regimens", lib)
    dia = lib / "DIA.yaml"
    dia.write_text(dia.read_text("utf-8").replace("dose: 120 mg/m2", "dose: 100 mg/m2"), "utf-8")
    code, out, err = invoke(
        "snapshot", str(lib), "--patients", str(PATIENTS), "--check", str(GOLDEN)
    )
    assert code == 1
    # cisplatin 100 mg/m² × BSA: small 1.369306 → 136.93; average 1.844662 → 184.47;
    # large 2.297341 → 229.73; capped 2.0 → 200
    assert out == (
        "DIA / average-adult / cisplatin: daily 221.36 mg → 184.47 mg\n"
        "DIA / average-adult / cisplatin: cycle 221.36 mg → 184.47 mg\n"
        "DIA / capped-bsa / cisplatin: daily 240 mg → 200 mg\n"
        "DIA / capped-bsa / cisplatin: cycle 240 mg → 200 mg\n"
        "DIA / large-adult / cisplatin: daily 275.68 mg → 229.73 mg\n"
        "DIA / large-adult / cisplatin: cycle 275.68 mg → 229.73 mg\n"
        "DIA / small-adult / cisplatin: daily 164.32 mg → 136.93 mg\n"
        "DIA / small-adult / cisplatin: cycle 164.32 mg → 136.93 mg\n"
    )
    assert "8 dose(s) differ" in err


def test_a_removed_regimen_shows_as_absent(tmp_path: Path) -> None:
    lib = tmp_path / "regimens"
    shutil.copytree(ROOT / "regimens", lib)
    (lib / "anlotinib.yaml").unlink()
    code, out, _ = invoke("snapshot", str(lib), "--patients", str(PATIENTS), "--check", str(GOLDEN))
    assert code == 1
    assert "anlotinib / average-adult / anlotinib: daily 12 mg → absent\n" in out


def test_bad_patients_file_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "patients.yaml"
    bad.write_text("patients:\n  - id: x\n    height: 175\n    weight: 70 kg\n")
    code, _, err = invoke("snapshot", "regimens", "--patients", str(bad))
    assert code == 2
    assert err.startswith(f"osdose: error: {bad}:2: height has no unit")
