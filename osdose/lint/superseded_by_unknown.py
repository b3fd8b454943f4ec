"""superseded-by-unknown: ``superseded_by`` must name a regimen of the library that is in
use — not an unknown name, not the regimen itself, not another retired regimen.

The library is every regimen osdose can see from the linted files: the linted files
themselves, the other regimen files in their folders (a pre-commit hook lints only the
files of a commit), and osdose's shipped library. Names compare as the loader compares them
(case, spaces, ``+`` and ``-`` alike).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity
from osdose.regimen import name_key

ID = "superseded-by-unknown"
SEVERITY: Severity = "error"
DESCRIPTION = (
    "superseded_by names no regimen of the library (the linted files, the other regimen "
    "files in their folders, osdose's shipped library), names the regimen itself, or names "
    "a retired one."
)
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Known:
    """A regimen of the library: its name, its status and where it is."""

    name: str
    status: str
    path: str


def _names(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    names = [data.get("name"), *(data.get("aliases") or [])]
    return [n for n in names if isinstance(n, str)]


def _entries(data: Any, path: str) -> Iterator[tuple[str, Known]]:
    names = _names(data)
    if names:
        status = data.get("status", "active")
        known = Known(names[0], status if isinstance(status, str) else "?", path)
        for n in names:
            yield name_key(n), known


@cache
def _shipped() -> dict[str, Known]:
    from osdose.reader import parse_text
    from osdose.shipped import library_files

    out: dict[str, Known] = {}
    for display, text in library_files():
        for key, known in _entries(parse_text(text, display).data, display):
            out.setdefault(key, known)
    return out


def _siblings(linted_paths: Iterable[str]) -> dict[str, Known]:
    """The regimen files next to the linted ones that are not linted themselves."""
    from osdose.errors import FileError
    from osdose.reader import load

    paths = [Path(p) for p in linted_paths]
    linted = {p.resolve() for p in paths}
    folders = {p.resolve().parent for p in paths if p.exists()}
    out: dict[str, Known] = {}
    for folder in sorted(folders):
        for f in sorted(folder.iterdir()):
            if f.suffix not in SUFFIXES or not f.is_file() or f in linted:
                continue
            try:
                data = load(f).data
            except FileError:
                continue  # not a regimen anyone could name; linting it says why
            for key, known in _entries(data, f.as_posix()):
                out.setdefault(key, known)
    return out


def entries(ctx: FileContext) -> list[tuple[str, Known]]:
    """The names a linted file gives (all the rule keeps of a file that names no successor)."""
    return list(_entries(ctx.data, ctx.path))


def names_successor(ctx: FileContext) -> bool:
    """Whether the file names a successor (then the rule checks it once all files are read)."""
    return isinstance(ctx.data.get("superseded_by"), str)


def library(linted: dict[str, Known], linted_paths: Iterable[str]) -> dict[str, Known]:
    """Every regimen name the linted files can refer to, the linted files' first
    (``linted``: their names, the first file giving each)."""
    out = dict(linted)
    for more in (_siblings(linted_paths), _shipped()):
        for key, known in more.items():
            out.setdefault(key, known)
    return out


def check_set(contexts: list[FileContext]) -> Iterator[Finding]:
    linted: dict[str, Known] = {}
    for ctx in contexts:
        for key, known in entries(ctx):
            linted.setdefault(key, known)
    yield from check_naming(
        [c for c in contexts if names_successor(c)], linted, [c.path for c in contexts]
    )


def check_naming(
    naming: list[FileContext], linted: dict[str, Known], linted_paths: list[str]
) -> Iterator[Finding]:
    """Findings for the files of ``naming`` (those that name a successor), against the names
    of all linted files (``linted``) and the library around them."""
    if not naming:
        return
    known = library(linted, linted_paths)
    for ctx in naming:
        successor = ctx.data["superseded_by"]
        key = name_key(successor)
        own = {name_key(n) for n in _names(ctx.data)}
        found = known.get(key)
        if key in own:
            problem = (
                f"superseded_by names {successor!r}, the regimen itself: name the regimen that "
                "replaces it"
            )
        elif found is None:
            problem = (
                f"superseded_by names {successor!r}, which is no regimen of the library (the "
                "linted files, the other regimen files in their folders, osdose's shipped "
                "library): check the name, or add the successor's file"
            )
        elif found.status == "retired":
            problem = (
                f"superseded_by names {successor!r} ({found.path}), which is retired too: name "
                "the regimen that replaces them now"
            )
        else:
            continue
        yield ctx.finding(ID, SEVERITY, ("superseded_by",), problem)
