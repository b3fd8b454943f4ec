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
(:mod:`osdose.fields`). Unquoted text that another YAML 1.1 reader would read differently
is marked (:class:`Plain`) and refused where text belongs, with a hint to quote it, so that
a file means the same to osdose and to every other tool that reads it. JSON documents
carry JSON's own numbers and booleans, which the same field readers accept.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from osdose.atomic import note_read
from osdose.errors import FileError

try:  # libyaml when present: same nodes, several times faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: The largest file osdose reads, of any kind (regimen, course, order, drug table, JSONL
#: batch, history, thresholds, FHIR bundle): the default of the thresholds file's
#: ``input.max_file_bytes``. 1 GiB holds a batch of a million orders and a ledger export of
#: a lifetime of records, far more than any file osdose writes.
MAX_NODES = 200_000
MAX_DEPTH = 64  # levels of nesting in any document, YAML or JSON
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
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
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

    @property
    def message(self) -> str:
        """The one wording of the refusal, for the loader and for lint alike."""
        return f"duplicate key {self.key!r} (first at line {self.first.line})"


@dataclass
class Document:
    """Plain data from one YAML document, with positions by path (``("drugs", 0, "dose")``).

    A parsed document keeps its YAML node tree and looks a position up only when a message
    asks for one (walking the tree along the path); ``values`` and ``keys`` hold positions
    given outright, by documents built from other sources (JSON lines, FHIR, the command
    line), and take precedence."""

    path: str
    data: Any
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)
    root: yaml.Node | None = field(default=None, repr=False, compare=False)

    def _walk(self, path: Path_) -> tuple[int, yaml.Node | None, yaml.Node | None]:
        """How many parts of ``path`` exist in the node tree, and the key and value nodes of
        the last of them (the first of repeated keys, as the data keeps it)."""
        node, key_node = self.root, None
        if node is None:
            return -1, None, None
        for n, part in enumerate(path):
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for k, v in node.value:
                    # a scalar's value is its text (str), so compared as it is
                    if k.value == part and isinstance(k, yaml.ScalarNode):
                        key_node, node = k, v
                        break
                else:
                    return n, key_node, node
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(part, int)
                and not isinstance(part, bool)
                and 0 <= part < len(node.value)
            ):
                key_node, node = None, node.value[part]
            else:
                return n, key_node, node
        return len(path), key_node, node

    def has(self, path: Path_) -> bool:
        """Whether the document holds a value at ``path``."""
        return path in self.values or self._walk(path)[0] == len(path)

    def has_key(self, path: Path_) -> bool:
        """Whether the entry at ``path`` is a mapping's key (not a list item or the root)."""
        if path in self.keys:
            return True
        n, key_node, _ = self._walk(path)
        return n == len(path) and key_node is not None

    def where(self, path: Path_) -> Pos:
        """Position of the value at ``path``, or of its nearest ancestor that has one."""
        if self.values:
            for n in range(len(path), -1, -1):
                pos = self.values.get(path[:n])
                if pos is not None:
                    return pos
        n, _, node = self._walk(path)
        return _pos(node) if node is not None else Pos(1, 1)

    def key_where(self, path: Path_) -> Pos:
        """Position of the key of the entry at ``path`` (falls back to its value)."""
        pos = self.keys.get(path)
        if pos is not None:
            return pos
        n, key_node, _ = self._walk(path)
        if n == len(path) and key_node is not None:
            return _pos(key_node)
        return self.where(path)

    def line(self, path: Path_) -> int:
        return self.where(path).line

    def error(self, path: Path_, problem: str) -> FileError:
        """A :class:`FileError` at the value found at ``path``."""
        pos = self.where(path)
        return FileError(self.path, pos.line, problem, pos.column)


def _pos(node: yaml.Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


class Plain(str):
    """Text written without quotes that a YAML 1.1 reader (PyYAML, Ansible, many tools) would
    not read as this text: ``0042`` (the octal number 34), ``off`` (false), ``1:30`` (the
    base-60 number 90), ``2021-06-01`` (a date), ``1.50`` (1.5). ``yaml11`` says what such a
    reader makes of it.

    Where a number, a date or true/false belongs, the field reads the text by its own rule
    (a whole number must be a plain decimal, so ``0042`` and ``1:30`` are refused there too).
    Where text belongs (identifiers, reasons, notes) the value is refused with a hint to
    quote it (:mod:`osdose.fields`): the file must mean the same to every reader of it.
    """

    yaml11: str


_PLAIN_INT = re.compile(r"^-?(0|[1-9][0-9]{0,17})$")
_YAML11 = yaml.constructor.SafeConstructor()
_YAML11_KIND = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


_RESOLVER = yaml.resolver.Resolver()  # YAML 1.1's implicit types, asked only of plain text


_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _yaml11(node: yaml.ScalarNode) -> str | None:
    """What a YAML 1.1 reader makes of a plain scalar, when that is not its text."""
    text = str(node.value)
    if node.tag != _STR_TAG:  # a loader that guessed the type itself
        return _yaml11_as(text, node.tag)
    if _DAY.match(text):  # the commonest plain value of a long course file
        try:
            return f"a date ({dt.date.fromisoformat(text)})"
        except ValueError:
            return "a date"
    return _yaml11_text(text)


@lru_cache(maxsize=4096)
def _yaml11_text(text: str) -> str | None:
    """:func:`_yaml11` of plain text the fast loader did not guess a type for: YAML 1.1's
    own resolver is asked (once per distinct text: drug names, doses and units repeat)."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return _yaml11_as(text, tag)


def _yaml11_as(text: str, tag: str) -> str | None:
    """What YAML 1.1 reads ``text`` as under ``tag``, when that is not the text."""
    kind = _YAML11_KIND.get(tag)
    if kind is None or _PLAIN_INT.match(text):
        return None  # text, or a plain decimal whole number that reads back as written
    if len(text) > 40:
        return kind
    node = yaml.ScalarNode(tag, text)
    try:  # the tag's own constructor (construct_object would keep every node it is given)
        value = _YAML11.yaml_constructors[tag](_YAML11, node)
    except (ValueError, TypeError, yaml.YAMLError):
        return kind
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, float) and str(value) == text:
        return None  # 1.5 is 1.5 to every reader
    if isinstance(value, int):
        if ":" in text:
            return f"the base-60 number {value}"
        if re.match(r"^[-+]?0[0-7_]+$", text):
            return f"the octal number {value}"
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    return f"{kind} ({value})" if kind == "a date" else kind


def scalar(node: yaml.ScalarNode) -> str | None:
    """A scalar as written: its text, or ``None`` for a plain null (empty, ``~``, ``null``).
    Plain text that YAML 1.1 would read as something else is a :class:`Plain`."""
    if not node.style and node.tag == _NULL_TAG and node.value in _NULLS:
        return None
    if not node.style:  # None from PyYAML, "" from libyaml
        seen = _yaml11(node)
        if seen is not None:
            out = Plain(node.value)
            out.yaml11 = seen
            return out
    return str(node.value)


class _Loader(_BaseLoader):
    """libyaml's loader with a resolver that only tells null, merge and value keys from text.

    osdose reads every other plain scalar as the text written (module docstring), so PyYAML's
    regular-expression guesses (int, float, bool, timestamp: a third of a large file's load
    time) are skipped; the tags a guess would give are all read alike as text."""

    if _BaseLoader is getattr(yaml, "CSafeLoader", None):
        # libyaml's parser and composer are all that composing a document needs: the
        # constructor's and the resolver's set-up (a tenth of a small file's read) is skipped
        def __init__(self, stream: str) -> None:
            yaml._yaml.CParser.__init__(self, stream)

    # libyaml's composer calls these around every node for path resolvers; osdose has none
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                if value in _NULLS:
                    return _NULL_TAG
                if value == "<<":
                    return _MERGE_TAG
                if value == "=":
                    return _VALUE_TAG
            return _STR_TAG
        if kind is yaml.SequenceNode:
            return _SEQ_TAG
        return _MAP_TAG


_ScalarNode = yaml.ScalarNode
_MappingNode = yaml.MappingNode
_SequenceNode = yaml.SequenceNode
#: The first characters of the plain texts YAML 1.1's resolver may read as something other
#: than text (its implicit resolvers are looked up by a text's first character): a plain
#: text starting with any other character is text to every YAML 1.1 reader. (A resolver
#: for every first character, key ``None``, would make every text worth asking.)
_IMPLICIT: Any = (
    _RESOLVER.yaml_implicit_resolvers
    if None not in _RESOLVER.yaml_implicit_resolvers
    else type("_Every", (), {"__contains__": lambda self, _: True})()
)


class _Builder:
    """Plain data from a node tree. Positions are not kept per node (the document keeps the
    tree and looks them up when asked); only a repeated key is recorded as it is met."""

    def __init__(self, doc: Document, max_nodes: int) -> None:
        self.doc = doc
        self.count = 0
        self.max_nodes = max_nodes
        self.repeated: list[tuple[yaml.Node, str, yaml.Node]] = []

    def _fail(self, node: yaml.Node, problem: str) -> FileError:
        pos = _pos(node)
        return FileError(self.doc.path, pos.line, problem, pos.column)

    def _too_many(self, parent: yaml.Node | None) -> FileError:
        # at the nearest value already read: the parent (this node is not yet read)
        pos = _pos(parent) if parent is not None else Pos(1, 1)
        return FileError(
            self.doc.path,
            pos.line,
            f"the document expands to more than {self.max_nodes} values "
            "(an alias bomb, or a file far larger than its kind ever is)",
            pos.column,
        )

    def build(self, node: yaml.Node, parent: yaml.Node | None, depth: int) -> Any:
        """The value of ``node``: every node counted against the budget and its depth
        checked, in the order the tree is read. A mapping's or list's scalar children (most
        of a file) are read by :meth:`_scalar` from its own loop, without a call of this
        method each."""
        cls = node.__class__
        if cls is _ScalarNode:
            return self._scalar(node, parent, depth)
        self.count += 1
        if self.count > self.max_nodes:
            raise self._too_many(parent)
        if depth > MAX_DEPTH:
            raise self._fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        if cls is _MappingNode:
            if node.tag != _MAP_TAG:
                raise self._fail(node, f"unsupported YAML tag {node.tag!r}")
            return self._mapping(node, depth)  # type: ignore[arg-type]
        if cls is _SequenceNode:
            if node.tag != _SEQ_TAG:
                raise self._fail(node, f"unsupported YAML tag {node.tag!r}")
            return self._sequence(node, depth)  # type: ignore[arg-type]
        raise self._fail(node, "unreadable YAML node")  # pragma: no cover

    def _scalar(self, node: Any, parent: yaml.Node | None, depth: int) -> str | None:
        """:meth:`build` of a scalar (counted and checked alike)."""
        self.count += 1
        if self.count > self.max_nodes:
            raise self._too_many(parent)
        if depth > MAX_DEPTH:
            raise self._fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        tag = node.tag
        if tag == _STR_TAG:
            text = node.value
            if node.style or (text and text[0] not in _IMPLICIT):
                # quoted, or plain text no YAML 1.1 type can start with: the text as written
                return str(text)
            return scalar(node)
        if tag not in _SCALAR_TAGS:
            raise self._fail(node, f"unsupported YAML tag {tag!r}: only plain data is read")
        return scalar(node)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        read, build, below = self._scalar, self.build, depth + 1
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == _MERGE_TAG:
                raise self._fail(
                    key_node, "YAML merge keys (<<) are not supported: write the fields out"
                )
            if key_node.__class__ is not _ScalarNode or tag not in _SCALAR_TAGS:
                raise self._fail(key_node, "a mapping key must be plain text")
            text = key_node.value
            key: str | None
            if tag == _STR_TAG and (key_node.style or (text and text[0] not in _IMPLICIT)):
                key = str(text)
            else:
                key = scalar(key_node)
            if key is None:
                raise self._fail(
                    key_node, "a mapping key must be plain text, got an empty or null key"
                )
            if key in out:
                self.repeated.append((node, key, key_node))
                continue  # keep the first; the duplicate is reported, never silently used
            if value_node.__class__ is _ScalarNode:
                out[key] = read(value_node, node, below)
            else:
                out[key] = build(value_node, node, below)
        return out

    def _sequence(self, node: yaml.SequenceNode, depth: int) -> list[Any]:
        read, build, below = self._scalar, self.build, depth + 1
        return [
            read(item, node, below) if item.__class__ is _ScalarNode else build(item, node, below)
            for item in node.value
        ]

    def duplicates(self, root: yaml.Node) -> list[Duplicate]:
        """The repeated keys met, each with the path of its mapping and both positions."""
        if not self.repeated:
            return []
        paths = _paths_of({id(m) for m, _, _ in self.repeated}, root)
        out = []
        for mapping, key, again in self.repeated:
            first = next(
                k
                for k, _ in mapping.value
                if isinstance(k, yaml.ScalarNode) and str(k.value) == key
            )
            out.append(Duplicate(paths[id(mapping)], key, _pos(first), _pos(again)))
        return out


def _paths_of(wanted: set[int], root: yaml.Node) -> dict[int, Path_]:
    """The path of each wanted mapping node, as the builder reads the tree (the first of
    repeated keys; the first path to a node an alias repeats)."""
    found: dict[int, Path_] = {}
    stack: list[tuple[yaml.Node, Path_]] = [(root, ())]
    while stack and len(found) < len(wanted):
        node, path = stack.pop()
        if id(node) in wanted:
            found.setdefault(id(node), path)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            children = []
            for k, v in node.value:
                key = str(k.value)
                if key not in seen:
                    seen.add(key)
                    children.append((v, (*path, key)))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(v, (*path, i)) for i, v in enumerate(node.value)]))
    return found


#: The largest file osdose reads, of any kind, unless the thresholds file in use says
#: otherwise (``input.max_file_bytes``): 1 GiB.
DEFAULT_MAX_FILE_BYTES = 1 << 30
_limit: Callable[[], int] = lambda: DEFAULT_MAX_FILE_BYTES  # noqa: E731


def use_limit(limit: Callable[[], int]) -> None:
    """Where :func:`input_limit` reads the limit from (:mod:`osdose.thresholds` sets it to
    the thresholds file's)."""
    global _limit
    _limit = limit


def input_limit() -> int:
    """The largest file osdose reads, in bytes (:func:`osdose.thresholds.max_file_bytes`
    once the thresholds are imported; :data:`DEFAULT_MAX_FILE_BYTES` before)."""
    return _limit()


def open_regular(path: str | Path, max_bytes: int, what: str) -> BinaryIO:
    """A regular file of at most ``max_bytes`` (by its size now), open for reading; a folder,
    device, FIFO or socket (after following symlinks) is refused before anything is read.
    The file is noted as an input of this command: no output may replace it."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise FileError(path, None, "is a folder, not a file") from None
    except OSError as exc:
        raise FileError(path, None, f"cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileError(path, None, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise FileError(
                path, None, f"is not a regular file (a device, pipe or socket): not {_a(what)}"
            )
        if info.st_size > max_bytes:
            raise too_large(path, max_bytes, what)
    except BaseException:
        os.close(fd)
        raise
    note_read(info)
    return os.fdopen(fd, "rb")


def too_large(path: str | Path, max_bytes: int, what: str) -> FileError:
    """The error for a file larger than ``max_bytes``."""
    return FileError(path, None, _too_large(max_bytes, what))


def read_bytes(path: str | Path, max_bytes: int | None = None, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (default :func:`input_limit`):
    the one way osdose reads a file whole (:func:`open_regular`); a larger file is refused
    after reading ``max_bytes + 1`` bytes at most."""
    if max_bytes is None:
        max_bytes = input_limit()
    with open_regular(path, max_bytes, what) as f:
        try:
            # Ask for the size the file has (and one byte more, to see it grow): a read of
            # max_bytes + 1 would allocate that much for every small file.
            size = os.fstat(f.fileno()).st_size
            raw = f.read(min(size, max_bytes) + 1)
            if len(raw) > size:  # it grew, or its size says nothing (a /proc file)
                raw += f.read(max_bytes + 1 - len(raw))
        except OSError as exc:
            raise FileError(path, None, f"cannot be read ({exc.strerror})") from None
    if len(raw) > max_bytes:
        raise too_large(path, max_bytes, what)
    return raw


def _a(what: str) -> str:
    return f"an {what}" if what[:1] in "aeiou" else f"a {what}"


def _too_large(max_bytes: int, what: str) -> str:
    return (
        f"is larger than {_size(max_bytes)}, the largest file osdose reads, so not {_a(what)} "
        "(an institution with larger files raises input.max_file_bytes in its thresholds file)"
    )


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


def read_text(path: str | Path, max_bytes: int | None = None, what: str = "regimen file") -> str:
    """The text of a file, refused when missing, not a regular file, too large, binary or
    not UTF-8."""
    return decode(read_bytes(path, max_bytes, what), path)


def parse_text(text: str, path: str | Path = "<text>", max_nodes: int = MAX_NODES) -> Document:
    """Parse YAML text into a :class:`Document`; a syntax error raises with its position."""
    with no_cyclic_gc():
        return _parse(text, path, max_nodes)


class no_cyclic_gc:
    """Pause the cyclic garbage collector while a file is read: the node tree and the data
    built from it are acyclic and live until the whole file is read, and the collector would
    walk every object again and again as they accumulate (9 parts in 10 of a 100,000-entry
    course's time) to find nothing. Memory is still freed by reference counting. (A class,
    not a generator: it is entered once or twice per file of a library.)"""

    __slots__ = ("collecting",)

    def __enter__(self) -> None:
        self.collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.collecting:
            gc.enable()


def _parse(text: str, path: str | Path, max_nodes: int) -> Document:
    doc = Document(str(path), None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise FileError(path, line, f"YAML syntax error: {problem}", col) from None
    except yaml.reader.ReaderError as exc:
        # libyaml's own message puts the position on a second line ('in "<unicode string>",
        # position N'): the file's line and column instead, on the one error line
        at = min(max(exc.position, 0), len(text))
        line = text.count("\n", 0, at) + 1
        col = at - text.rfind("\n", 0, at)
        char = exc.character
        what = f"#x{ord(char) if isinstance(char, str) else int(char):04x}"
        raise FileError(
            path, line, f"YAML error: unacceptable character {what}: {exc.reason}", col
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise FileError(path, 1, f"YAML error: {problem}") from None
    except RecursionError:
        raise FileError(path, 1, f"nesting deeper than {MAX_DEPTH} levels") from None
    if node is None:
        return doc
    builder = _Builder(doc, max_nodes)
    try:
        doc.data = builder.build(node, None, 0)
    except RecursionError:
        raise FileError(path, 1, f"nesting deeper than {MAX_DEPTH} levels") from None
    except (yaml.constructor.ConstructorError, ValueError) as exc:
        raise FileError(path, _pos(node).line, f"unreadable value: {exc}") from None
    doc.root = node
    doc.duplicates = builder.duplicates(node)
    return doc


def load(path: str | Path, max_bytes: int | None = None, what: str = "regimen file") -> Document:
    """Read and parse one YAML file (of at most ``max_bytes``, default :func:`input_limit`)."""
    text = read_text(path, max_bytes, what)
    # A file's values never outnumber its bytes; the node budget grows with the file's size.
    return parse_text(text, path, max(MAX_NODES, len(text) // 4))


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


MAX_DIGITS = 30  # digits of a whole number in JSON: no dose, count or id needs more


def json_float(text: str) -> float:
    """A JSON number with a fraction or exponent: finite (``1e400`` is not infinity)."""
    if len(text) > 100:
        raise ValueError(f"a number of {len(text):,} characters is not a number osdose reads")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is beyond any number osdose reads")
    return value


def json_int(text: str) -> int:
    """A JSON whole number of at most :data:`MAX_DIGITS` digits (Python's own limit, 4,300,
    fails with a message about its own settings)."""
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise ValueError(f"a whole number of {digits:,} digits (at most {MAX_DIGITS})")
    return int(text)


_JSON = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_constant=_no_constant,
    parse_float=json_float,
    parse_int=json_int,
)


def _depth(value: Any) -> int:
    """How many lists and objects nest in ``value`` (a scalar 0, ``[]`` 1), without
    recursion."""
    if type(value) is dict:  # the usual line of JSON Lines: an object of scalars
        for v in value.values():
            if isinstance(v, dict | list):
                break
        else:
            return 1
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            items = list(item.values())
        elif isinstance(item, list):
            items = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((v, level + 1) for v in items)
    return deepest


def json_value(text: str) -> Any:
    """A JSON value, refusing duplicate keys, NaN/Infinity, numbers that overflow to infinity
    (``1e400``), whole numbers of more than :data:`MAX_DIGITS` digits and nesting deeper
    than :data:`MAX_DEPTH` levels (a
    :class:`ValueError` whose message says what is wrong; :class:`json.JSONDecodeError` also
    carries its line and column)."""
    try:
        value = _JSON.decode(text)
    except RecursionError:
        raise ValueError(f"nesting deeper than {MAX_DEPTH} levels") from None
    # every level opens with a [ or a {: a text with no more of them than the limit cannot
    # nest deeper (a batch line has a dozen), and is not walked
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        raise ValueError(f"nesting deeper than {MAX_DEPTH} levels")
    return value


def read_json(path: str | Path, what: str = "JSON file") -> Any:
    """Strict JSON (:func:`json_value`) from a regular file of at most :func:`input_limit`
    bytes; every problem is a :class:`FileError` naming the file (and line)."""
    text = decode(read_bytes(path, None, what), path)
    try:
        return json_value(text)
    except json.JSONDecodeError as exc:
        raise FileError(path, exc.lineno, f"not JSON: {exc.msg} (column {exc.colno})") from None
    except ValueError as exc:
        raise FileError(path, None, f"not strict JSON: {exc}") from None
