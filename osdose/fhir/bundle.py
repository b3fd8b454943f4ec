"""Reading a FHIR Bundle file, and refusals that name the resource they are about.

A Bundle is read as strict JSON (a repeated key, NaN or Infinity is refused: osdose never
picks one of two values), its shell is validated with the R4B ``Bundle`` model, and each
resource osdose uses is validated with its own R4B model when it is used, so that a problem
names the resource (``MedicationAdministration/adm-7``) and not a position in a list.

Converted resources become the plain data of a course or order file and go through osdose's
own readers. :func:`document` wraps that data in a :class:`~osdose.reader.Document` whose
"line" at each resource's part is a key to the resource, so that a reader's error comes
back (:meth:`Located.refusal`) as a refusal of that resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osdose.errors import FileError, OsdoseError
from osdose.fhir import model
from osdose.reader import Document, Pos

# A history bundle holds several versions of one resource; a response bundle answers a
# request: neither is a record of what was given.
BUNDLE_TYPES = ("collection", "searchset", "transaction", "batch", "document")


@dataclass(frozen=True)
class Refusal:
    """Why ``resource`` (``MedicationAdministration/adm-7``) of the file ``path`` is refused."""

    path: str
    resource: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.resource}: {self.reason}"


class BundleRefused(OsdoseError):
    """Resources that cannot be used as they are; nothing was written."""

    def __init__(self, path: str, refusals: Sequence[Refusal], what: str = "imported") -> None:
        self.path = path
        self.refusals = tuple(refusals)
        n = len(self.refusals)
        self.summary = f"{path}: {n} resource{'s' if n != 1 else ''} refused; nothing {what}"
        lines = "; ".join(str(r) for r in self.refusals)
        super().__init__(lines if n == 1 else f"{self.summary}: {lines}")


@dataclass
class Entry:
    """One ``Bundle.entry`` with a resource. ``index`` counts from 1."""

    index: int
    full_url: str | None
    raw: dict[str, Any]

    @property
    def type(self) -> str:
        return str(self.raw.get("resourceType", ""))

    @property
    def id(self) -> str | None:
        rid = self.raw.get("id")
        return str(rid) if rid is not None else None

    @property
    def label(self) -> str:
        """``Type/id``, or the entry number when the resource has no id."""
        if self.id:
            return f"{self.type}/{self.id}"
        return f"entry {self.index} ({self.type or 'no resourceType'})"


@dataclass
class Bundle:
    path: str
    type: str
    entries: list[Entry]
    _refs: dict[str, Entry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.entries:
            if e.full_url:
                self._refs.setdefault(e.full_url, e)
            if e.id:
                self._refs.setdefault(f"{e.type}/{e.id}", e)

    def of_type(self, *types: str) -> list[Entry]:
        return [e for e in self.entries if e.type in types]

    def resolve(self, reference: str | None) -> Entry | None:
        """The entry a reference names: by fullUrl, ``Type/id``, or an absolute URL that
        ends in ``Type/id``."""
        if not reference:
            return None
        hit = self._refs.get(reference)
        if hit is None and "/" in reference:
            parts = reference.rstrip("/").split("/")
            if len(parts) >= 2:
                hit = self._refs.get(f"{parts[-2]}/{parts[-1]}")
        return hit


def read_json(path: str | Path) -> Any:
    """Strict JSON from a file (:func:`osdose.reader.read_json`): a regular file within the
    input size limit; a repeated key, NaN or Infinity, a huge number or deep nesting is an
    error."""
    from osdose.reader import read_json as read

    return read(path, "FHIR JSON file")


def problems(exc: Any, limit: int = 3) -> str:
    """A pydantic ValidationError as one line: ``status: Input should be …; …``."""
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"]) or "resource"
        parts.append(f"{loc}: {err['msg']}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def validated(entry: Entry, path: str) -> Any | Refusal:
    """``entry``'s resource as its R4B model, or a refusal saying why it is not valid."""
    from pydantic import ValidationError

    try:
        cls = model(entry.type)
    except ValueError:
        return Refusal(path, entry.label, f"{entry.type!r} is not a FHIR R4 resource type")
    try:
        return cls.model_validate(entry.raw)
    except ValidationError as exc:
        return Refusal(path, entry.label, f"not a valid FHIR R4 {entry.type}: {problems(exc)}")


def read_bundle(path: str | Path) -> Bundle:
    """The entries of the Bundle in ``path``; a file that is no Bundle is refused."""
    from pydantic import ValidationError

    name = str(path)
    data = read_json(path)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        got = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise FileError(name, None, f"is not a FHIR Bundle (resourceType {got!r})")
    kind = data.get("type")
    if kind not in BUNDLE_TYPES:
        raise FileError(
            name, None, f"Bundle type {kind!r} is not read (one of {', '.join(BUNDLE_TYPES)})"
        )
    raw_entries = data.get("entry") or []
    if not isinstance(raw_entries, list):
        raise FileError(name, None, "Bundle.entry must be a list")
    shell = {**data, "entry": [_without_resource(e) for e in raw_entries]}
    try:
        model("Bundle").model_validate(shell)
    except ValidationError as exc:
        raise FileError(name, None, f"not a valid FHIR R4 Bundle: {problems(exc)}") from None
    entries = []
    for i, e in enumerate(raw_entries, start=1):
        res = e.get("resource") if isinstance(e, dict) else None
        if isinstance(res, dict):
            entries.append(Entry(i, e.get("fullUrl"), res))
    return Bundle(name, str(kind), entries)


def _without_resource(entry: Any) -> Any:
    return {k: v for k, v in entry.items() if k != "resource"} if isinstance(entry, dict) else entry


@dataclass
class Located:
    """Which resource each part of converted plain data came from (see :func:`document`)."""

    path: str
    labels: dict[int, str]

    def refusal(self, exc: FileError) -> Refusal:
        """A reader's error as a refusal of the resource it is about."""
        label = self.labels.get(exc.line or 0, "Bundle")
        return Refusal(self.path, label, exc.problem)


def document(
    path: str, data: Any, owners: Iterable[tuple[tuple[str | int, ...], str]]
) -> tuple[Document, Located]:
    """``data`` as a Document for osdose's readers; ``owners`` pairs each part (a path in
    ``data``) with the label of the resource it came from. A reader's error about a part
    carries that part's key as its "line" (the root has none, so no line is shown)."""
    values: dict[tuple[str | int, ...], Pos] = {(): Pos(0, 0)}
    labels: dict[int, str] = {}
    for key, (part, label) in enumerate(owners, start=1):
        values[part] = Pos(key, 1)
        labels[key] = label
    return Document(path, data, values=values), Located(path, labels)
