"""``osdose schema [KIND]``: the JSON Schema of each file format, generated from the model
the loader validates with, so that each format is written down once (the templates and the
format pages of the documentation are held to the same models)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from osdose.errors import OsdoseError


def models() -> dict[str, type[BaseModel]]:
    """Each file format's model, by the name ``osdose schema`` and ``osdose template`` use."""
    from osdose.formats.course import CourseFile
    from osdose.formats.drugs import DrugTableFile
    from osdose.formats.order import OrderFile
    from osdose.formats.patients import PatientsFile
    from osdose.formats.regimen import RegimenFile

    return {
        "regimen": RegimenFile,
        "course": CourseFile,
        "order": OrderFile,
        "drugs": DrugTableFile,
        "patients": PatientsFile,
    }


def json_schema(kind: str = "regimen") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``kind`` files (regimen by default)."""
    found = models().get(kind)
    if found is None:
        raise OsdoseError(f"no file format {kind!r}: choose one of {', '.join(models())}")
    schema = found.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://github.com/osdose/osdose/schema/{kind}.schema.json"
    return schema
