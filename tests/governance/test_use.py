"""dose, plan and verify apply the life cycle (one rule: osdose.governance.admit); course
files and cumulative never refuse a retired regimen (history is history)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from .conftest import APPROVED, EXAMPLES, run, write_regimen

RETIRED_2019 = EXAMPLES / "library" / "DDP+EPI-2019.yaml"
REFUSED_2019 = (
    f"osdose: error: {RETIRED_2019}:6: regimen DDP+EPI-2019 is retired, superseded by DDP+EPI: "
    "use DDP+EPI instead (a retired regimen is never calculated for new treatment; course "
    "files and the ledger may still name it)\n"
)
DRAFT = (
    "DRAFT regimen: T version 2 is a draft, not approved for use: check every dose against its "
    "protocol before anything is given"
)
NO_RECORD = (
    "T has no approval record (approved: by, date): make sure it was approved for use before "
    "anything is given"
)


def test_dose_refuses_a_retired_regimen_in_one_line_and_writes_nothing() -> None:
    r = run("dose", RETIRED_2019, "--bsa", "1.8", "--format", "json")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", REFUSED_2019)


def test_dose_calculates_a_draft_with_its_warning_first(tmp_path: Path) -> None:
    path = write_regimen(tmp_path, life="status: draft\nversion: 2\n")
    r = run("dose", path, "--bsa", "1.9", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["warnings"] == [DRAFT]
    # the doses are the engine's, unchanged: 140 × 1.9 = 266 mg; 50 × 1.9 = 95 mg
    assert [d["daily_mg"] for d in doc["drugs"]] == [266.0, 95.0]
    table = run("dose", path, "--bsa", "1.9")
    assert "T — cycle of 21 days — DRAFT, not approved for use" in table.stdout
    assert f"WARNING: {DRAFT[:60]}" in table.stdout


def test_dose_warns_of_an_active_regimen_without_an_approval_record(tmp_path: Path) -> None:
    r = run("dose", write_regimen(tmp_path), "--bsa", "1.9", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["warnings"] == [NO_RECORD]


def test_dose_of_an_approved_regimen_has_no_life_cycle_warning(tmp_path: Path) -> None:
    path = write_regimen(tmp_path, life=f"version: 1\n{APPROVED}")
    r = run("dose", path, "--bsa", "1.9", "--format", "json")
    assert (r.exit_code, json.loads(r.stdout)["warnings"]) == (0, [])


def test_plan_refuses_a_retired_regimen_in_one_line() -> None:
    course = EXAMPLES / "course-under-DDP+EPI-2019.yaml"
    r = run("plan", course, "--regimen", RETIRED_2019, "--cycles", "1", "--format", "json")
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", REFUSED_2019)


def test_plan_warns_of_a_draft_on_stderr_and_keeps_its_json(tmp_path: Path) -> None:
    course = EXAMPLES / "course-under-DDP+EPI-2019.yaml"
    draft = write_regimen(tmp_path, life="status: draft\nversion: 2\n")
    r = run("plan", course, "--regimen", draft, "--cycles", "1", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == f"osdose: warning: {DRAFT}\n"
    plan = json.loads(r.stdout)
    # the course: 2 cycles of epirubicin 60 mg/m² = 120 mg/m²; one planned cycle adds 50
    assert plan["cycles"][0]["cumulative_mg_per_m2"]["epirubicin"] == 170.0


def test_history_under_a_retired_regimen_is_counted() -> None:
    r = run("cumulative", EXAMPLES / "course-under-DDP+EPI-2019.yaml", "--format", "json")
    assert r.exit_code == 0, r.stderr
    totals = {d["drug"]: d for d in json.loads(r.stdout)["drugs"]}
    # two cycles at 170 cm, 65 kg: BSA √(170 × 65 / 3600) = 1.75198 m²; cisplatin 100 mg/m²
    # × 2 = 200 mg/m² (2 × 175.198 = 350.40 mg); epirubicin 60 × 2 = 120 mg/m²
    bsa = math.sqrt(170 * 65 / 3600)
    assert totals["cisplatin"]["total_mg_per_m2"] == 200.0
    assert abs(totals["cisplatin"]["total_mg"] - 2 * 100 * bsa) < 1e-9
    assert totals["epirubicin"]["total_mg_per_m2"] == 120.0


def _order(folder: Path, regimen: Path) -> Path:
    # BSA 1.9: 140 × 1.9 = 266 mg cisplatin, 50 × 1.9 = 95 mg epirubicin
    path = folder / "order.yaml"
    path.write_text(
        f"patient: {{id: P-1, height: 180 cm, weight: 72.2 kg}}\nregimen: {regimen.name}\n"
        "cycle: 1\ndate: 2026-11-27\nprescribed:\n"
        "  - {drug: cisplatin, dose: 266 mg, days: [1]}\n"
        "  - {drug: epirubicin, dose: 95 mg, days: [1]}\nhistory: []\n",
        "utf-8",
    )
    return path


def _approval(order: Path) -> tuple[int, list[tuple[str, str]]]:
    r = run("verify", order, "--format", "json")
    doc = json.loads(r.stdout)
    return r.exit_code, [
        (c["status"], c["message"]) for c in doc["checks"] if c["check"] == "approval"
    ]


def test_verify_fails_a_retired_regimen_and_still_checks_the_rest(tmp_path: Path) -> None:
    path = write_regimen(tmp_path, life="status: retired\nsuperseded_by: DDP+EPI\n")
    code, rows = _approval(_order(tmp_path, path))
    assert code == 1
    assert rows == [
        (
            "fail",
            f"{path}:2: regimen T is retired, superseded by DDP+EPI: use DDP+EPI instead (a "
            "retired regimen is never calculated for new treatment; course files and the ledger "
            "may still name it)",
        )
    ]
    r = run("verify", _order(tmp_path, path), "--format", "json")
    checks = {c["check"] for c in json.loads(r.stdout)["checks"]}
    assert {"dose", "days", "cumulative"} <= checks


def test_verify_warns_of_a_draft_and_of_a_missing_approval(tmp_path: Path) -> None:
    draft = tmp_path / "draft"
    draft.mkdir()
    path = write_regimen(draft, life="status: draft\nversion: 2\n")
    assert _approval(_order(draft, path))[1] == [("warn", DRAFT)]
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    path = write_regimen(legacy)
    assert _approval(_order(legacy, path))[1] == [("warn", NO_RECORD)]


def test_verify_passes_an_approved_regimen_saying_who_and_when(tmp_path: Path) -> None:
    path = write_regimen(tmp_path, life=f"status: active\nversion: 2\n{APPROVED}")
    assert _approval(_order(tmp_path, path))[1] == [
        (
            "pass",
            "T: status active; version 2; approved 2026-01-15 by Pharmacy and Therapeutics "
            "Committee",
        )
    ]


def test_a_successor_renamed_since_never_blocks_history(tmp_path: Path) -> None:
    # superseded_by is checked by osdose lint (the library on disk), not when a regimen is
    # loaded: the history still reads, and dose still refuses with the retirement itself
    path = write_regimen(tmp_path, life="status: retired\nsuperseded_by: T-2021\n")
    course = tmp_path / "course.yaml"
    course.write_text(
        "patient: {id: P-2, height: 170 cm, weight: 65 kg}\n"
        "administrations:\n  - {date: 2019-05-06, regimen: T.yaml, cycle: 1}\n",
        "utf-8",
    )
    r = run("cumulative", course, "--format", "json")
    assert r.exit_code == 0, r.stderr
    totals = {d["drug"]: d["total_mg_per_m2"] for d in json.loads(r.stdout)["drugs"]}
    assert (totals["cisplatin"], totals["epirubicin"]) == (140.0, 50.0)
    assert run("lint", path).exit_code == 1  # superseded-by-unknown
    refused = run("dose", path, "--bsa", "1.8")
    assert refused.exit_code == 2
    assert "is retired, superseded by T-2021: use T-2021 instead" in refused.stderr
