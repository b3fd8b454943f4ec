"""A parsed document checked against the pydantic model of its kind of file.

The one place for what every osdose file shares: a duplicate key is refused; an unknown
field is named with the closest known one (``did you mean 'dose_per_day'?``); a missing
field, a wrong kind of value or a field's own reading problem (:mod:`osdose.fields`) is
reported at its ``file:line:column``. :func:`validate` raises the first problem (loaders);
:func:`problems` returns them all (``osdose lint``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from osdose.errors import FileError
from osdose.reader import Document, Pos

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One way a document breaks its model. ``kind`` is pydantic's error type (``missing``,
    ``extra_forbidden``, ``osdose`` for a field reader's refusal …), ``not_a_mapping`` or
    ``duplicate_key``."""

    kind: str
    path: tuple[str | int, ...]
    pos: Pos
    message: str


_TYPE_WORDS = {"list": "list", "str": "single text value"}


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (sub)model where an unknown field at ``loc`` was found."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            continue
        current = _inner_model(fields[part].annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    """The model type inside ``list[Model]``, ``Model | None``, ``dict[str, Model]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _message(model: type[BaseModel], err: dict[str, Any]) -> str:
    loc = tuple(err["loc"])
    name = str(loc[-1]) if loc else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _known_fields(model, loc)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(known)}"
        return f"unknown field {name!r}{hint}"
    if kind == "missing":
        return f"missing required field {name!r}"
    field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), name)
    if kind == "osdose":
        return f"{field_name} {err['msg']}"
    if isinstance(err.get("input"), bool) and kind.startswith(("int", "float")):
        return f"{field_name} must be a number, got a yes/no value"
    return f"{field_name}: {err['msg']}"


def _doc_path(doc: Document, loc: tuple[Any, ...], missing: bool) -> tuple[str | int, ...]:
    # pydantic adds union branch names ("list[int]", "str") to the location: keep only the
    # parts that exist in the document (and a missing field's own name, which cannot)
    kept: list[str | int] = []
    for part in loc:
        if doc.has((*kept, part)):
            kept.append(part)
    if missing and loc and loc[-1] not in kept[-1:]:
        kept.append(loc[-1])
    return tuple(kept)


def problems(doc: Document, model: type[M], what: str) -> tuple[M | None, list[Problem]]:
    """Every problem of ``doc`` as a ``model`` (``what``: ``a regimen file``), at most one per
    place, and the validated model when there is none."""
    found: list[Problem] = [
        Problem(
            "duplicate_key",
            (*d.path, d.key),
            d.again,
            d.message,
        )
        for d in doc.duplicates
    ]
    if not isinstance(doc.data, dict):
        kind = "empty" if doc.data is None else type(doc.data).__name__
        got = "the file is empty" if doc.data is None else f"got a {_TYPE_WORDS.get(kind, kind)}"
        required = [n for n, f in model.model_fields.items() if f.is_required()]
        fields = ", ".join(required[:3] or list(model.model_fields)[:3])
        found.append(
            Problem(
                "not_a_mapping",
                (),
                Pos(1, 1),
                f"{what} must be a mapping of fields ({fields}, …): {got}",
            )
        )
        return None, found
    try:
        validated = model.model_validate(doc.data)
    except ValidationError as exc:
        by_place: dict[tuple[str | int, ...], Problem] = {}
        for err in exc.errors():
            loc = tuple(err["loc"])
            path = _doc_path(doc, loc, err["type"] == "missing")
            if path in by_place:
                continue  # a union reports once per branch: the first says enough
            extra = err["type"] == "extra_forbidden"
            pos = doc.key_where(path) if extra else doc.where(path)
            by_place[path] = Problem(err["type"], path, pos, _message(model, dict(err)))
        # the root cause first: a misspelt field explains the "missing" field it leaves behind
        rank = {"extra_forbidden": 0}
        ordered = sorted(by_place.values(), key=lambda p: rank.get(p.kind, 1))
        return None, found + ordered
    return (validated if not found else None), found


def validate(doc: Document, model: type[M], what: str) -> M:
    """``doc`` as a ``model``; the first problem raises a :class:`FileError` at its place."""
    validated, found = problems(doc, model, what)
    if found:
        p = found[0]
        raise FileError(doc.path, p.pos.line, p.message, p.pos.column)
    assert validated is not None
    return validated
