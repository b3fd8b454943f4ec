"""`osdose template KIND` and `osdose examples`: each template is valid for the command it is
for, and names every field of its format (so that a field added to a format without its
template fails here); the examples copy into a folder and refuse to overwrite."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from osdose.cli import app
from osdose.formats.course import CourseFile
from osdose.formats.drugs import DrugTableFile
from osdose.formats.order import OrderFile
from osdose.formats.patients import PatientsFile
from osdose.formats.regimen import RegimenFile
from osdose.templates import KINDS, template

MODELS: dict[str, type[BaseModel]] = {
    "course": CourseFile,
    "order": OrderFile,
    "regimen": RegimenFile,
    "drugs": DrugTableFile,
    "patients": PatientsFile,
}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out += _models_in(arg)
    return out


def field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every key a file of ``model`` may hold, nested models included (by their aliases)."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, f in model.model_fields.items():
        names.add(f.alias or name)
        for inner in _models_in(f.annotation):
            names |= field_names(inner, seen)
    return names


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_a_template_names_every_field_of_its_format(kind: str) -> None:
    text = template(kind).text
    missing = sorted(n for n in field_names(MODELS[kind]) if not re.search(rf"\b{n}:", text))
    assert missing == [], f"template {kind} does not show: {missing}"


def test_every_kind_has_a_model_or_is_made_from_one() -> None:
    assert set(KINDS) == {*MODELS, "batch"}  # batch: order lines, made from the order template
    assert isinstance(types.SimpleNamespace, type)


@pytest.mark.parametrize(
    ("kind", "command", "codes"),
    [
        ("order", ["verify", "{f}"], (0,)),
        ("batch", ["verify", "--batch", "{f}"], (0,)),
        ("course", ["cumulative", "{f}"], (0,)),
        ("regimen", ["lint", "--strict", "{f}"], (0,)),
        ("regimen", ["dose", "{f}", "--height", "175cm", "--weight", "70kg"], (0,)),
        ("drugs", ["--drugs", "{f}", "dose", "DIA", "--height", "175cm", "--weight", "70kg"], (0,)),
        ("patients", ["snapshot", "--builtin", "--patients", "{f}"], (0,)),
    ],
)
def test_a_template_works_with_its_command_from_an_empty_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    command: list[str],
    codes: tuple[int, ...],
) -> None:
    monkeypatch.chdir(tmp_path)
    r = run("template", kind)
    assert r.exit_code == 0
    path = tmp_path / KINDS[kind][0]
    path.write_text(r.stdout)
    got = run(*[c.replace("{f}", path.name) for c in command])
    assert got.exit_code in codes, got.stderr


def test_an_unknown_template_is_a_usage_error() -> None:
    r = run("template", "orders")
    assert r.exit_code == 2


def test_examples_copy_and_refuse_to_overwrite(tmp_path: Path) -> None:
    listed = run("examples").stdout.split()
    assert "examples/case-report-course.yaml" in listed
    r = run("examples", "--to", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    copied = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert copied == sorted(listed)
    again = run("examples", "--to", str(tmp_path))
    assert again.exit_code == 2
    assert "exists" in again.stderr and "--force" in again.stderr
    assert run("examples", "--to", str(tmp_path), "--force").exit_code == 0
