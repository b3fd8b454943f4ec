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
from osdose.visible import visible

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
        """The ``resourceType`` as written, ``""`` if it is missing or not text."""
        kind = self.raw.get("resourceType")
        return kind if isinstance(kind, str) else ""

    @property
    def id(self) -> str | None:
        rid = self.raw.get("id")
        return str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else None

    @property
    def label(self) -> str:
        """``Type/id``, or the entry number when the resource has no id: one line, every
        control or line-break character of the file shown escaped (an id ``"x\\nosdose:
        error: …"`` cannot forge a line of osdose's output)."""
        if self.id and self.type:
            return visible(f"{self.type}/{self.id}")
        if "resourceType" not in self.raw:
            kind = "no resourceType"
        elif self.type:
            kind = self.type
        else:
            kind = f"resourceType {json_type(self.raw['resourceType'])}"
        return visible(f"entry {self.index} ({kind}{f', id {self.id}' if self.id else ''})")


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


def json_type(value: Any) -> str:
    """What kind of JSON value ``value`` is, for a message: ``a number``, ``a list`` …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return visible(repr(value))
    return "a list" if isinstance(value, list) else "an object"


def is_resource_type(name: Any) -> bool:
    """Whether ``name`` is a concrete FHIR R4 resource type (``Patient``, not ``Quantity``,
    ``Resource`` or ``3``)."""
    if not isinstance(name, str) or name in ("Resource", "DomainResource"):
        return False
    try:
        cls = model(name)
    except ValueError:
        return False
    has = getattr(cls, "has_resource_base", None)
    return bool(has()) if callable(has) else False


# Fields of the R4B Url type: fhir.resources' validator of a Url raises AttributeError, not
# a validation error, on a value that is not text.
_URL_FIELDS = frozenset(
    {"address", "defaultValueUrl", "fixedUrl", "nameUrl", "patternUrl", "relativePath",
     "rendering", "url", "valueUrl"}
)  # fmt: skip


def shape_problem(raw: Any) -> str | None:
    """The first value of a resource that fhir.resources' validators crash on instead of
    refusing it (a nested ``resourceType`` that is not a resource type, a URL that is not
    text), as a problem naming its place; ``None`` if there is none. A list longer than
    ``input.max_fhir_list_items`` is one too (the validator would collect an error for each
    of its items). Iterative: the JSON reader bounds the nesting, this never recurses."""
    from osdose.thresholds import max_fhir_list_items

    most = max_fhir_list_items()
    stack: list[tuple[Any, str]] = [(raw, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, list) and len(value) > most:
            return too_long(where or "list", len(value), most)
        if isinstance(value, dict):
            if where and "resourceType" in value:
                kind = value["resourceType"]
                if not is_resource_type(kind):
                    got = json_type(kind)
                    return f"{visible(where)}.resourceType is {got}, not a FHIR R4 resource type"
            items = [(f"{where}.{k}" if where else str(k), k, v) for k, v in value.items()]
            for at, key, v in items:
                # address is also a list of Address elsewhere (Patient, Organization)
                text_only = key in _URL_FIELDS and key != "address"
                if (text_only and not isinstance(v, str)) or (
                    key == "address" and not isinstance(v, (str, dict, list))
                ):
                    return f"{visible(at)}: a URL must be text, not {json_type(v)}"
            stack.extend((v, at) for at, _, v in reversed(items) if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend(
                (v, f"{where}.{i}") for i, v in reversed(list(enumerate(value)))
                if isinstance(v, (dict, list))
            )  # fmt: skip
    return None


def too_long(where: str, items: int, most: int) -> str:
    """The problem of a FHIR list with more than ``most`` items."""
    return (
        f"{visible(where)} has {items:,} items, more than the {most:,} osdose reads in one "
        "list of a FHIR file (input.max_fhir_list_items in the thresholds file): split the "
        "file, or raise the limit if the list is real"
    )


class Invalid(ValueError):
    """A resource that is not valid for its R4B model; the message says why, on one line."""


def model_of(kind: str, raw: dict[str, Any]) -> Any:
    """``raw`` validated as the R4B model ``kind``, or :class:`Invalid`
    (``not a valid FHIR R4 Patient: identifier: Input should be a valid list``).

    fhir.resources raises TypeError, KeyError or AttributeError, not a validation error, on
    some values of the wrong JSON type: those are found first (:func:`shape_problem`)."""
    from pydantic import ValidationError

    shape = shape_problem(raw)
    if shape is not None:
        raise Invalid(f"not a valid FHIR R4 {kind}: {shape}")
    try:
        return model(kind).model_validate(raw)
    except ValidationError as exc:
        raise Invalid(f"not a valid FHIR R4 {kind}: {problems(exc)}") from None
    except (TypeError, KeyError, AttributeError) as exc:  # a validator's crash shape_problem
        # does not know yet: the value of the wrong type is refused, not a traceback
        raise Invalid(
            f"not a valid FHIR R4 {kind}: a value of the wrong JSON type "
            f"({type(exc).__name__} in fhir.resources)"
        ) from None


def problems(exc: Any, limit: int = 3) -> str:
    """A pydantic ValidationError as one line: ``status: Input should be …; …``."""
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"]) or "resource"
        parts.append(visible(f"{loc}: {err['msg']}"))  # a key of the file may be in loc
    more = exc.error_count() - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def validated(entry: Entry, path: str) -> Any | Refusal:
    """``entry``'s resource as its R4B model, or a refusal saying why it is not valid."""
    if not is_resource_type(entry.type):
        kind = entry.raw.get("resourceType")
        return Refusal(path, entry.label, f"{json_type(kind)} is not a FHIR R4 resource type")
    try:
        return model_of(entry.type, entry.raw)
    except Invalid as exc:
        return Refusal(path, entry.label, str(exc))


def read_bundle(path: str | Path) -> Bundle:
    """The entries of the Bundle in ``path``; a file that is no Bundle is refused."""
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
    from osdose.thresholds import max_fhir_list_items

    if len(raw_entries) > (most := max_fhir_list_items()):
        raise FileError(name, None, too_long("Bundle.entry", len(raw_entries), most))
    shell = {**data, "entry": [_without_resource(e) for e in raw_entries]}
    try:
        model_of("Bundle", shell)
    except Invalid as exc:
        raise FileError(name, None, str(exc)) from None
    entries = []
    for i, e in enumerate(raw_entries, start=1):
        res = e.get("resource") if isinstance(e, dict) else None
        if isinstance(res, dict):
            entry = Entry(i, e.get("fullUrl"), res)
            if not is_resource_type(res.get("resourceType")):
                raise FileError(
                    name, None, f"{entry.label}: not a FHIR R4 resource (resourceType names none)"
                )
            entries.append(entry)
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
