"""Course files in JSON Lines (``.jsonl``): the machine form of a course file.

Line 1 is ``{"patient": {...}}`` (the patient, as under ``patient:`` in YAML); every
further line is one administration, an object with the fields of an entry under
``administrations:`` (``{"date": "2025-11-20", "drug": "cisplatin", "dose": "112.0 mg/m2",
"bsa": 1.8446619684315546}``); blank lines are skipped. ``ledger export --format jsonl``
writes it, and ``cumulative``, ``plan`` and ``ledger import`` read it like the YAML form.

The file is read a line at a time (no document tree, no YAML), each line decoded by the
strict JSON reader (:func:`osdose.reader.json_value`: no duplicate keys, no NaN); every
problem names ``file:LINE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from osdose.errors import FileError
from osdose.reader import Document, Path_, Pos, json_value, open_regular, too_large

MAX_LINE = 1 << 20  # bytes of one line: an administration is a few hundred


class _Paths(dict[Path_, Pos]):
    """The positions a :class:`LinesDocument` knows: a path is in it when the data has a
    value there (what :mod:`osdose.documents` asks to place a problem), without a
    position object per value."""

    def __init__(self, doc: Document) -> None:
        super().__init__()
        self.doc = doc

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, tuple):
            return False
        node: Any = self.doc.data
        for part in path:
            in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if not (in_dict or in_list):
                return False
            node = node[part]
        return True


@dataclass
class LinesDocument(Document):
    """A course read from JSON Lines: the position of a value is the line it is on (the
    patient's: line 1's; an administration's: its own line), column 1."""

    header_line: int = 1
    entry_lines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.values = _Paths(self)

    def where(self, path: Path_) -> Pos:
        at = path[1] if len(path) >= 2 and path[0] == "administrations" else None
        if isinstance(at, int) and 0 <= at < len(self.entry_lines):
            return Pos(self.entry_lines[at], 1)
        return Pos(self.header_line, 1)

    def key_where(self, path: Path_) -> Pos:
        return self.where(path)


def _line(path: str | Path, n: int, raw: bytes) -> Any:
    if len(raw) > MAX_LINE:
        raise FileError(path, n, f"the line is longer than {MAX_LINE:,} bytes")
    if b"\x00" in raw:
        raise FileError(path, n, "is a binary file, not text")
    try:
        text = raw.decode("utf-8-sig" if n == 1 else "utf-8")
    except UnicodeDecodeError:
        raise FileError(path, n, "is not UTF-8 text") from None
    if not text.strip():
        return None
    try:
        value = json_value(text)
    except json.JSONDecodeError as exc:
        raise FileError(path, n, f"not a JSON object: {exc.msg}", exc.colno) from None
    except ValueError as exc:
        raise FileError(path, n, f"not a JSON object osdose reads: {exc}") from None
    if not isinstance(value, dict):
        raise FileError(path, n, "each line must be one JSON object")
    return value


def _values(path: str | Path, limit: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line's object and its line number, a line at a time; a file over
    ``limit`` bytes is refused before it is read (or when it grows past it while read)."""
    read = 0
    with open_regular(path, limit, "course file") as f:
        for n, raw in enumerate(f, 1):
            read += len(raw)
            if read > limit:  # it grew while being read
                raise too_large(path, limit, "course file")
            value = _line(path, n, raw)
            if value is not None:
                yield n, value


def _header(path: str | Path, values: Iterator[tuple[int, dict[str, Any]]]) -> tuple[Any, int]:
    """The patient (line 1's object) and its line number."""
    for n, value in values:
        if set(value) != {"patient"}:
            raise FileError(
                path, n, 'the first line must be {"patient": {...}} (the patient, alone)'
            )
        return value["patient"], n
    raise FileError(path, 1, 'is empty: a course file starts with {"patient": {...}}')


def load_jsonl(path: str | Path, limit: int) -> LinesDocument:
    """A JSON Lines course file as a :class:`Document` of ``{"patient", "administrations"}``
    (:func:`osdose.course.parse_course` reads it), streamed a line at a time; a file over
    ``limit`` bytes is refused before it is read."""
    values = _values(path, limit)
    patient, at = _header(path, values)
    doc = LinesDocument(str(path), None, header_line=at)
    entries: list[Any] = []
    for n, value in values:
        entries.append(value)
        doc.entry_lines.append(n)
    doc.data = {"patient": patient, "administrations": entries}
    return doc


def jsonl_parts(path: str | Path, limit: int, size: int) -> Iterator[LinesDocument]:
    """:func:`load_jsonl` in parts, for a reader that need not hold the whole file: each a
    document of the patient and the next ``size`` administrations (at least one document;
    positions are the file's own lines), read as it is asked for."""
    values = _values(path, limit)
    patient, at = _header(path, values)
    first = True
    while True:
        chunk = list(islice(values, size))
        if chunk or first:
            entries = [v for _, v in chunk]
            data = {"patient": patient, "administrations": entries}
            yield LinesDocument(str(path), data, header_line=at, entry_lines=[n for n, _ in chunk])
        first = False
        if len(chunk) < size:
            return


def header_line(patient: dict[str, Any]) -> str:
    """Line 1 of a JSON Lines course file."""
    return json.dumps({"patient": patient}, ensure_ascii=False, allow_nan=False) + "\n"


def entry_line(entry: dict[str, Any]) -> str:
    """One administration as a line (a date written YYYY-MM-DD)."""
    return json.dumps(entry, ensure_ascii=False, allow_nan=False, default=_date) + "\n"


def _date(value: Any) -> str:
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be written in a course file")
