"""``osdose schema``: the JSON Schema of regimen files, generated from the model the loader
validates with (:class:`osdose.formats.regimen.RegimenFile`), so the format is written
down once."""

from __future__ import annotations

from typing import Any

from osdose.formats.regimen import RegimenFile


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of regimen files."""
    schema = RegimenFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://github.com/osdose/osdose/schema/regimen.schema.json"
    return schema
