"""`osdose schema` prints the model's JSON Schema; the committed copy that editors use is the
same, and every shipped regimen file points editors at it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from osdose.cli import app
from osdose.reader import load
from osdose.schema import json_schema

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "regimen.schema.json"
COMMENT = "# yaml-language-server: $schema=../schema/regimen.schema.json"


def test_schema_command_prints_the_model_schema() -> None:
    r = CliRunner().invoke(app, ["schema"])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == json_schema()


def test_committed_schema_is_the_generated_one() -> None:
    # regenerate with: osdose schema > schema/regimen.schema.json
    r = CliRunner().invoke(app, ["schema"])
    assert COMMITTED.read_text("utf-8") == r.stdout


def test_shipped_regimens_carry_the_schema_comment_and_validate() -> None:
    files = sorted((ROOT / "regimens").glob("*.yaml"))
    assert files
    validator = jsonschema.Draft202012Validator(json_schema())
    for f in files:
        assert f.read_text("utf-8").splitlines()[0] == COMMENT, f.name
        validator.validate(load(f).data)


def test_schema_rejects_a_misspelt_field() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    doc = {"name": "x", "cycle_length_days": 21, "drugs": [{"drug": "a", "days": 1, "dos": "1"}]}
    assert not validator.is_valid(doc)
