"""Shared by the FHIR tests: data files, the CLI, R4B validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from osdose.cli import app

pytest.importorskip("fhir.resources", reason="the fhir extra is not installed")

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
UCUM = "http://unitsofmeasure.org"


def run(*args: str) -> Result:
    """``osdose ARGS`` in-process."""
    return CliRunner().invoke(app, list(args))


def valid(doc: dict[str, Any]) -> Any:
    """``doc`` validated with its R4B model (raises if it is not valid FHIR R4)."""
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(doc["resourceType"]).model_validate(doc)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))
