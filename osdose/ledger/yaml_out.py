"""YAML text for the course files ``ledger export`` writes, without PyYAML's emitter.

PyYAML's pure-Python emitter spends about 300 µs on an entry of five scalars (a
100,000-record export took 17 s); its C emitter still runs the Python representer. The
entries of an export hold few kinds of value: dates, floats, and text that is mostly
names, numbers with units and notes. This module writes those exactly as
``yaml.safe_dump(..., sort_keys=False, allow_unicode=True, default_flow_style=False)``
writes them (plain style, folded past column 80 at single spaces, indented by four); any
value it does not know to be safe in plain style sends the whole entry to PyYAML, so the
text is always PyYAML's, only faster. A test holds the two equal, tricky text included.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml

_WIDTH = 80  # PyYAML's best_width
_INDENT = 4  # where a folded value of a mapping in a block sequence goes on
# Plain in block context, by PyYAML's analyze_scalar: starts with a letter or digit (no
# indicator), has no ": " or " #", does not end with ":" or a space, no two spaces in a row
# (folding treats runs of spaces differently), printable ASCII without the indicators.
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,;:+%/_()'=@&*!?<>~^$-]*")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def _plain(text: str) -> bool:
    return (
        _SAFE.fullmatch(text) is not None
        and ": " not in text
        and "  " not in text
        and not text.endswith((":", " "))
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR  # type: ignore[no-untyped-call]
    )


def _float(x: float) -> str | None:
    """PyYAML's representer of a float, for a finite one (``None`` otherwise)."""
    if x != x or x in (float("inf"), float("-inf")):
        return None
    value = repr(x).lower()
    if "." not in value and "e" in value:
        value = value.replace("e", ".0e", 1)
    return value


def _folded(column: int, text: str) -> str:
    """A plain scalar written from ``column`` (after ``key: ``), folded as PyYAML folds:
    a single space becomes a line break and the indent once the line is past column 80."""
    if column + len(text) <= _WIDTH or " " not in text:
        return text
    out = []
    words = text.split(" ")
    col = column
    for n, word in enumerate(words):
        if n:
            if col > _WIDTH:
                out.append("\n" + " " * _INDENT)
                col = _INDENT
            else:
                out.append(" ")
                col += 1
        out.append(word)
        col += len(word)
    return "".join(out)


def _value(column: int, v: Any) -> str | None:
    """The text of a scalar value written from ``column``, or ``None``: not known safe."""
    if isinstance(v, str):
        return _folded(column, v) if _plain(v) else None
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, float):
        return _float(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v.isoformat()
    return None


def _lines(first: str, rest: str, mapping: dict[str, Any]) -> str | None:
    out = []
    for n, (key, v) in enumerate(mapping.items()):
        if not _plain(key):
            return None
        lead = first if n == 0 else rest
        text = _value(len(lead) + len(key) + 2, v)
        if text is None:
            return None
        out.append(f"{lead}{key}: {text}\n")
    return "".join(out)


def entry_text(entry: dict[str, Any]) -> str:
    """One entry of ``administrations:`` (``- key: value`` lines), as PyYAML writes it."""
    fast = _lines("- ", "  ", entry) if entry else None
    if fast is not None:
        return fast
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, default_flow_style=False)


def mapping_text(key: str, mapping: dict[str, Any]) -> str:
    """``key:`` and a mapping of scalars under it, as PyYAML writes it."""
    fast = _lines("  ", "  ", mapping) if mapping and _plain(key) else None
    if fast is not None:
        return f"{key}:\n{fast}"
    doc = {key: mapping}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
