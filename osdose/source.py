"""Safe YAML loading that keeps the 1-based position of every key and value.

Nothing else in osdose touches YAML nodes. Loading never executes anything (only the
standard YAML tags are accepted), bounds the size of what it builds (alias bombs, deep
nesting, huge files) and records duplicate keys instead of silently keeping the last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from osdose.errors import FileError

try:  # libyaml when present: same nodes, several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_STR_TAG = "tag:yaml.org,2002:str"
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


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.count = 0
        self.scalars = yaml.SafeLoader("")  # used only to construct plain scalars

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.doc.error(
                path,
                f"the document expands to more than {MAX_NODES} values "
                "(an alias bomb or a file far too large for a regimen)",
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
            if node.tag == _STR_TAG:
                return node.value  # the common case, without the constructor's overhead
            try:
                return self.scalars.construct_object(node)
            except ValueError as exc:  # 2018-02-30 is a YAML timestamp that is no date
                raise FileError(
                    self.doc.path,
                    _pos(node).line,
                    f"unreadable value {node.value!r}: {exc}",
                    _pos(node).column,
                ) from None
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
                key = (
                    key_node.value
                    if key_node.tag == _STR_TAG
                    else str(self.scalars.construct_object(key_node))
                )
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


def read_text(path: str | Path) -> str:
    """The text of a file, refused when missing, too large, binary or not UTF-8."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise FileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise FileError(path, None, "is a folder, not a file") from None
    except OSError as exc:
        raise FileError(path, None, f"cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise FileError(path, None, f"is larger than {MAX_BYTES // 1024} KiB; not a regimen file")
    if b"\x00" in raw:
        raise FileError(path, 1, "is a binary file, not YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileError(path, line, "is not UTF-8 text") from None


def parse_text(text: str, path: str | Path = "<text>") -> Document:
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
        doc.data = _Builder(doc).build(node, (), 0)
    except RecursionError:
        raise FileError(path, 1, f"nesting deeper than {MAX_DEPTH} levels") from None
    except (yaml.constructor.ConstructorError, ValueError) as exc:
        raise FileError(path, _pos(node).line, f"unreadable value: {exc}") from None
    return doc


def load(path: str | Path) -> Document:
    """Read and parse one YAML file."""
    return parse_text(read_text(path), path)


def as_date(value: Any, doc: Document, path: Path_) -> dt.date:
    """A date from a YAML value (``2021-06-01``), refused with its position otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise doc.error(path, f"{path[-1]} must be a date written YYYY-MM-DD, got {value!r}")
