"""The shipped drug table and thresholds as built by osdose, kept in ``data/prebuilt.json``.

Every command reads the thresholds and most read the drug table. Reading them means parsing
their YAML, building their pydantic models (importing the drug table's alone costs ~12 ms)
and validating and building them: ~30 ms of a start-up of ~0.2 s, for the same result each
time. This file holds that result, and a start-up uses it only when it was built from
exactly the shipped files by exactly this code:

- its ``key`` is a SHA-256 of the shipped files' bytes and of the source of every osdose
  module that was loaded when it was built (the readers, the models, the checks); a start-up
  recomputes it (~1 ms) and, on any difference, reads, validates and builds the shipped
  files as always. The libraries' versions are not in it (a patch release of pydantic or
  PyYAML would otherwise turn it off everywhere): the test suite builds the shipped files
  afresh with the installed libraries and holds the file equal to that build;
- another file (``--drugs``, ``--thresholds``, ``$OSDOSE_DRUGS``, ``$OSDOSE_THRESHOLDS``) is
  always read, validated and built: the prebuilt table is only ever the shipped files';
- the drug table's checks read the thresholds in use (an IU drug's floor against the largest
  plausible patient), so the prebuilt drug table is used only with the shipped thresholds.

The objects are written as JSON, each dataclass by name (only osdose's table classes are
read back), so the file is data, reviewable in a diff. ``python -m osdose.prebuilt`` (``make
prebuilt``) writes it; tests/test_prebuilt.py holds it equal to a fresh build and current.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
FILE = PACKAGE / "data" / "prebuilt.json"
FORMAT = 1
#: the shipped files the prebuilt objects are built from (inside the package)
DATA = ("data/drugs.yaml", "data/thresholds.yaml")
#: the modules whose dataclasses may be read back
MODULES = ("osdose.drugs", "osdose.basis", "osdose.thresholds")
_building = False  # while build() runs, the shipped files are read, never taken from here


def key(files: list[str]) -> str:
    """The SHA-256 of the shipped data and of ``files`` (osdose sources, relative to the
    package)."""
    h = hashlib.sha256(f"osdose-prebuilt {FORMAT}\0".encode())
    for name in (*DATA, *files):
        try:
            content = (PACKAGE / name).read_bytes()
        except OSError:
            content = b"\0missing\0"
        h.update(b"%s\0%d\0" % (name.encode(), len(content)))
        h.update(content)
    return h.hexdigest()


# --- writing and reading objects ------------------------------------------------------------


def encode(value: Any) -> Any:
    """``value`` as JSON data: each dataclass, tuple, frozenset and dict tagged with ``@``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        if cls.__module__ not in MODULES:
            raise TypeError(f"{cls.__module__}.{cls.__name__} is not a table class")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"@": f"{cls.__module__}:{cls.__qualname__}", "f": fields}
    if isinstance(value, tuple):
        return {"@": "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"@": "frozenset", "v": sorted(encode(v) for v in value)}
    if isinstance(value, dict):
        if not all(type(k) is str for k in value):
            raise TypeError("a dict with keys other than text")
        return {"@": "dict", "v": {k: encode(v) for k, v in value.items()}}
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__}")


def decode(data: Any) -> Any:
    """The objects :func:`encode` wrote (a class outside :data:`MODULES` is refused)."""
    if isinstance(data, list):
        raise TypeError("an untagged list")
    if not isinstance(data, dict):
        return data
    tag = data["@"]
    if tag == "tuple":
        return tuple(decode(v) for v in data["v"])
    if tag == "frozenset":
        return frozenset(decode(v) for v in data["v"])
    if tag == "dict":
        return {k: decode(v) for k, v in data["v"].items()}
    module, _, name = tag.partition(":")
    if module not in MODULES:
        raise TypeError(f"{tag} is not a table class")
    cls = getattr(importlib.import_module(module), name)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"{tag} is not a table class")
    return cls(**{k: decode(v) for k, v in data["f"].items()})


@cache
def _read() -> dict[str, Any] | None:
    """The file's content when its key is this code's and the shipped files' (the thresholds
    read back; the drug table, which fewer commands need, when first asked for)."""
    try:
        held = json.loads(FILE.read_text("utf-8"))
        if held.get("format") != FORMAT or held.get("key") != key(held["files"]):
            return None
        return {"thresholds": decode(held["thresholds"]), "drugs": held["drugs"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no prebuilt file, or not this one: the shipped files are read


@cache
def _drugs() -> Any | None:
    held = _read()
    try:
        return decode(held["drugs"]) if held else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def shipped_thresholds() -> Any | None:
    """The shipped thresholds, prebuilt; ``None``: read them."""
    if _building:
        return None
    held = _read()
    return held["thresholds"] if held else None


def shipped_drugs() -> Any | None:
    """The shipped drug table, prebuilt, when the thresholds in use are the shipped ones
    (its checks read them); ``None``: read it."""
    from osdose import thresholds

    if _building:
        return None
    held = _read()
    if held is None or thresholds.current() is not held["thresholds"]:
        return None
    return _drugs()


def build() -> dict[str, Any]:
    """Read, validate and build the shipped files as a start-up without this file does,
    and the file's content (run in a fresh interpreter: every osdose module loaded by then
    is in the key)."""
    from osdose import drugs, thresholds

    if thresholds._PATH or os.environ.get(thresholds.ENV):
        raise SystemExit("osdose: the prebuilt tables are built with the shipped thresholds")
    _read.cache_clear()
    _drugs.cache_clear()
    thresholds._load.cache_clear()
    drugs._load_cached.cache_clear()
    global _building
    _building = True
    try:
        t = thresholds._load("")
        d = drugs._load_cached(drugs.default_path(), t)
    finally:
        _building = False
    loaded = [
        Path(f).resolve() for m in list(sys.modules.values()) if (f := getattr(m, "__file__", None))
    ]
    files = sorted({str(p.relative_to(PACKAGE)) for p in loaded if p.is_relative_to(PACKAGE)})
    return {
        "format": FORMAT,
        "key": key(files),
        "files": files,
        "thresholds": encode(t),
        "drugs": encode(d),
    }


def main() -> None:
    """``python -m osdose.prebuilt [PATH]``: build and write the file (at ``PATH``: the
    package's own, :data:`FILE`)."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FILE
    content = build()
    target.write_text(
        json.dumps(content, ensure_ascii=False, indent=1, allow_nan=False) + "\n", "utf-8"
    )
    print(f"osdose: wrote {target} ({len(content['files'])} sources in its key)")


if __name__ == "__main__":
    # run as the module osdose.thresholds and osdose.drugs import (``python -m`` makes this
    # one __main__, a second copy: its _building flag would not be theirs, and a current
    # file would be read back instead of built)
    from osdose.prebuilt import main as module_main

    module_main()
