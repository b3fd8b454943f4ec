"""Reading osdose's files: safe YAML that keeps the 1-based position of every key and value,
JSON that refuses duplicate keys, and bounded reads of regular files only.

Nothing else in osdose touches YAML nodes. Loading never executes anything (only the
standard YAML tags are accepted), bounds the size of what it builds (alias bombs, deep
nesting, huge files) and records duplicate keys instead of silently keeping the last.

**YAML means what the person wrote.** Every scalar is read as the text written, never
through YAML 1.1's guesses (``0042`` as the octal 34, ``off`` as false, ``1:30`` as 90,
``2021-06-01`` as a date object). The only value a plain scalar can be besides text is
null (empty, ``~``, ``null``). Each field then reads its text as what it holds: a number as
a plain decimal, a date as YYYY-MM-DD, an identifier as the text exactly as written
(:mod:`osdose.fields`). JSON documents carry JSON's own numbers and booleans, which the
same field readers accept.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from osdose.errors import FileError

try:  # libyaml when present: same nodes, several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024  # a regimen, order, drug table or thresholds file
MAX_NODES = 200_000
MAX_DEPTH = 64
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))

Path_ = tuple[str | int, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_NULL_TAG = "tag:yaml.org,2002:null"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Duplicate:
    """A key that a mapping repeats: where it was first and where it came again."""

    path: Path_
    key: str
    first: Pos
    again: Pos


@dataclass
class Document:
    """Plain data from one YAML document, with positions by path (``("drugs", 0, "dose")``)."""

    path: str
    data: Any
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)

    def where(self, path: Path_) -> Pos:
        """Position of the value at ``path``, or of its nearest ancestor that has one."""
        for n in range(len(path), -1, -1):
            pos = self.values.get(path[:n])
            if pos is not None:
                return pos
        return Pos(1, 1)

    def key_where(self, path: Path_) -> Pos:
        """Position of the key of the entry at ``path`` (falls back to its value)."""
        return self.keys.get(path) or self.where(path)

    def line(self, path: Path_) -> int:
        return self.where(path).line

    def error(self, path: Path_, problem: str) -> FileError:
        """A :class:`FileError` at the value found at ``path``."""
        pos = self.where(path)
        return FileError(self.path, pos.line, problem, pos.column)


def _pos(node: yaml.Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def scalar(node: yaml.ScalarNode) -> str | None:
    """A scalar as written: its text, or ``None`` for a plain null (empty, ``~``, ``null``)."""
    if node.style is None and node.tag == _NULL_TAG and node.value in _NULLS:
        return None
    return str(node.value)


class _Builder:
    def __init__(self, doc: Document, max_nodes: int) -> None:
        self.doc = doc
        self.count = 0
        self.max_nodes = max_nodes

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise self.doc.error(
                path,
                f"the document expands to more than {self.max_nodes} values "
                "(an alias bomb, or a file far larger than its kind ever is)",
            )
        if depth > MAX_DEPTH:
            raise FileError(
                self.doc.path,
                _pos(node).line,
                f"nesting deeper than {MAX_DEPTH} levels",
                _pos(node).column,
            )
        self.doc.values.setdefault(path, _pos(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise FileError(
                    self.doc.path,
                    _pos(node).line,
                    f"unsupported YAML tag {node.tag!r}: only plain data is read",
                    _pos(node).column,
                )
            return scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise FileError(
                    self.doc.path,
                    _pos(node).line,
                    f"unsupported YAML tag {node.tag!r}",
                    _pos(node).column,
                )
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise FileError(
                    self.doc.path,
                    _pos(node).line,
                    f"unsupported YAML tag {node.tag!r}",
                    _pos(node).column,
                )
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise FileError(
                        self.doc.path,
                        _pos(key_node).line,
                        "YAML merge keys (<<) are not supported: write the fields out",
                        _pos(key_node).column,
                    )
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                    raise FileError(
                        self.doc.path,
                        _pos(key_node).line,
                        "a mapping key must be plain text",
                        _pos(key_node).column,
                    )
                key = str(key_node.value)
                child = (*path, key)
                if key in out:
                    self.doc.duplicates.append(
                        Duplicate(path, key, self.doc.keys[child], _pos(key_node))
                    )
                    continue  # keep the first; the duplicate is reported, never silently used
                self.doc.keys[child] = _pos(key_node)
                out[key] = self.build(value_node, child, depth + 1)
            return out
        raise FileError(self.doc.path, _pos(node).line, "unreadable YAML node")  # pragma: no cover


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; a folder, device, FIFO or
    socket (after following symlinks) is refused before anything is read, and a larger
    file is refused after reading ``max_bytes + 1`` bytes at most."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise FileError(path, None, "is a folder, not a file") from None
    except OSError as exc:
        raise FileError(path, None, f"cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise FileError(path, None, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise FileError(
                path, None, f"is not a regular file (a device, pipe or socket): not a {what}"
            )
        if info.st_size > max_bytes:
            raise FileError(path, None, f"is larger than {_size(max_bytes)}: not a {what}")
        try:
            raw = f.read(max_bytes + 1)
        except OSError as exc:
            raise FileError(path, None, f"cannot be read ({exc.strerror})") from None
    if len(raw) > max_bytes:
        raise FileError(path, None, f"is larger than {_size(max_bytes)}: not a {what}")
    return raw


def _size(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def decode(raw: bytes, path: str | Path) -> str:
    """UTF-8 text (a BOM is allowed); binary content or another encoding is refused."""
    if b"\x00" in raw:
        raise FileError(path, 1, "is a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileError(path, line, "is not UTF-8 text") from None


def read_text(path: str | Path, max_bytes: int = MAX_BYTES, what: str = "regimen file") -> str:
    """The text of a file, refused when missing, not a regular file, too large, binary or
    not UTF-8."""
    return decode(read_bytes(path, max_bytes, what), path)


def parse_text(text: str, path: str | Path = "<text>", max_nodes: int = MAX_NODES) -> Document:
    """Parse YAML text into a :class:`Document`; a syntax error raises with its position."""
    doc = Document(str(path), None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise FileError(path, line, f"YAML syntax error: {problem}", col) from None
    except yaml.YAMLError as exc:
        raise FileError(path, 1, f"YAML error: {exc}") from None
    except RecursionError:
        raise FileError(path, 1, f"nesting deeper than {MAX_DEPTH} levels") from None
    if node is None:
        return doc
    try:
        doc.data = _Builder(doc, max_nodes).build(node, (), 0)
    except RecursionError:
        raise FileError(path, 1, f"nesting deeper than {MAX_DEPTH} levels") from None
    except (yaml.constructor.ConstructorError, ValueError) as exc:
        raise FileError(path, _pos(node).line, f"unreadable value: {exc}") from None
    return doc


def load(path: str | Path, max_bytes: int = MAX_BYTES, what: str = "regimen file") -> Document:
    """Read and parse one YAML file (of at most ``max_bytes``)."""
    # A file's values never outnumber its bytes; the node budget grows with the size allowed.
    return parse_text(read_text(path, max_bytes, what), path, max(MAX_NODES, max_bytes // 4))


class DuplicateKeyError(ValueError):
    """A JSON object that repeats a key."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number osdose reads")


MAX_JSON_DIGITS = 100  # digits of a JSON number: far beyond any value osdose reads


def json_float(text: str) -> float:
    """A JSON number with a fraction or exponent: finite (``1e400`` is not infinity)."""
    if len(text) > MAX_JSON_DIGITS:
        raise ValueError(f"a number of {len(text):,} characters is not a number osdose reads")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is beyond any number osdose reads")
    return value


def json_int(text: str) -> int:
    """A JSON integer of at most :data:`MAX_JSON_DIGITS` digits (Python's own limit, 4,300,
    fails with a message about its own settings)."""
    if len(text) > MAX_JSON_DIGITS:
        raise ValueError(f"a number of {len(text):,} digits is beyond any number osdose reads")
    return int(text)


_JSON = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_constant=_no_constant,
    parse_float=json_float,
    parse_int=json_int,
)


def json_value(text: str) -> Any:
    """A JSON value, refusing duplicate keys, NaN/Infinity, numbers that overflow to
    infinity (``1e400``), numbers of more than 100 digits and nesting deeper than Python can
    follow (a :class:`ValueError` whose message
    says what is wrong; :class:`json.JSONDecodeError` also carries its column)."""
    try:
        return _JSON.decode(text)
    except RecursionError:
        raise ValueError("nesting too deep") from None
