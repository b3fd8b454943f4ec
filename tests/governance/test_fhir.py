"""The life cycle as FHIR PlanDefinition elements: YAML → PlanDefinition → YAML keeps it, and
import says what it cannot carry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from osdose.fhir import codes
from osdose.fhir.export import dumps
from osdose.fhir.plandefinition import file_model, read_plan_definition, regimen_plan
from osdose.library import load_regimen

from .conftest import EXAMPLES, ROOT, run

pytest.importorskip("fhir.resources", reason="the fhir extra is not installed")

RETIRED = EXAMPLES / "library" / "DDP+EPI-2019.yaml"
FHIR_DATA = ROOT / "tests" / "fhir" / "data"


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(dumps(doc), "utf-8")
    return path


def test_a_retired_regimen_round_trips_with_its_successor_and_approval(tmp_path: Path) -> None:
    pd = regimen_plan(str(RETIRED))
    assert (pd["status"], pd["version"], pd["approvalDate"]) == ("retired", "3", "2019-03-04")
    assert pd["endorser"] == [
        {"name": "Pharmacy and Therapeutics Committee, minute 2019-07 (example)"}
    ]
    assert pd["relatedArtifact"][-1] == {
        "type": "successor",
        "display": "DDP+EPI",
        "resource": f"{codes.BASE}/PlanDefinition/DDP%2BEPI",
    }
    assert {c["status"] for c in pd["contained"]} == {"retired"}
    back = read_plan_definition(_write(tmp_path, pd))
    assert back.model == file_model(load_regimen(str(RETIRED)))
    assert back.warnings == (
        "PlanDefinition/DDP-EPI-2019 is retired, superseded by DDP+EPI: written with status: "
        "retired, which osdose never calculates for new treatment",
    )
    assert "status: retired\n" in back.yaml and "superseded_by: DDP+EPI\n" in back.yaml


def test_a_draft_round_trips_with_its_version(tmp_path: Path) -> None:
    draft = EXAMPLES / "v2-draft" / "DDP+EPI.yaml"
    pd = regimen_plan(str(draft))
    assert (pd["status"], pd["version"]) == ("draft", "2")
    assert "approvalDate" not in pd and "endorser" not in pd
    back = read_plan_definition(_write(tmp_path, pd))
    assert back.model == file_model(load_regimen(str(draft)))
    assert back.warnings == ("PlanDefinition/DDP-EPI is a draft: check it before use",)


def test_a_retired_plandefinition_is_imported_as_retired(tmp_path: Path) -> None:
    out = tmp_path / "regimen.yaml"
    r = run(
        "fhir",
        "regimen",
        "--import",
        str(FHIR_DATA / "plandefinition-retired.json"),
        "-o",
        str(out),
    )
    assert r.exit_code == 0, r.stderr
    assert r.stderr == (
        "osdose: warning: PlanDefinition/DDP-EPI is retired: written with status: retired, which "
        f"osdose never calculates for new treatment\nwrote regimen DDP+EPI to {out}\n"
    )
    assert load_regimen(str(out)).status == "retired"
    refused = run("dose", str(out), "--bsa", "1.8")
    assert refused.exit_code == 2
    assert "it names no successor (superseded_by)" in refused.stderr


@pytest.mark.parametrize(
    ("change", "field", "value", "warning"),
    [
        (
            {"status": "unknown"},
            "status",
            "draft",
            "PlanDefinition/DDP-EPI has status unknown: written as status: draft",
        ),
        (
            {"version": "1.2.0"},
            "version",
            None,
            "PlanDefinition/DDP-EPI version '1.2.0' is not a whole number: left out (osdose "
            "versions are whole numbers that increase whenever a dose changes)",
        ),
        (
            {"approvalDate": "2026-01-15"},
            "approved",
            None,
            "PlanDefinition/DDP-EPI has no endorser (who approved it): the approval is left out",
        ),
    ],
)
def test_what_a_regimen_file_cannot_carry_is_left_out_and_said(
    tmp_path: Path, change: dict[str, str], field: str, value: Any, warning: str
) -> None:
    pd = regimen_plan("DDP+EPI")
    for key in ("approvalDate", "endorser", "version"):
        pd.pop(key)
    pd.update(change)
    back = read_plan_definition(_write(tmp_path, pd))
    assert getattr(back.model, field) == value
    assert warning in back.warnings


def test_two_successors_are_refused(tmp_path: Path) -> None:
    pd = regimen_plan(str(RETIRED))
    pd["relatedArtifact"].append({"type": "successor", "display": "DIA"})
    out = tmp_path / "regimen.yaml"
    r = run("fhir", "regimen", "--import", str(_write(tmp_path, pd)), "-o", str(out))
    assert r.exit_code == 2
    assert "names 2 successors (relatedArtifact successor): which one?" in r.stderr
    assert not out.exists()


def test_the_json_is_valid_fhir_r4() -> None:
    from fhir.resources.R4B import get_fhir_model_class

    doc = json.loads(dumps(regimen_plan(str(RETIRED))))
    get_fhir_model_class("PlanDefinition").model_validate(doc)
