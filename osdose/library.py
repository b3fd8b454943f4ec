"""Loading regimens: by name or alias from the shipped library, or from a file.

Every regimen osdose calculates with passes ``osdose lint`` first: a file with an
unacknowledged lint error is refused with its findings (the first few, ``file:line``) and
the command to see them all. A regimen that CI would reject is never calculable by hand.

A name is found in an index of the library's names and aliases; only the regimen asked for
is validated and built.
"""

from __future__ import annotations

import difflib
import hashlib
from functools import cache
from pathlib import Path

from osdose.drugs import DrugTable, load_drugs
from osdose.errors import FileError, OsdoseError, UnknownNameError
from osdose.reader import parse_text, read_text
from osdose.regimen import Regimen, build, name_key
from osdose.shipped import library_files


#: How a shipped regimen is named in output: not a path that exists where the user stands.
def checked(text: str, display: str, table: DrugTable) -> Regimen:
    """The regimen in ``text``, refused when lint finds an unacknowledged error in it."""
    from osdose.lint import lint_texts

    result = lint_texts([(display, text)], table)
    from osdose.lint.rules import RULES

    order = {rule: i for i, rule in enumerate(RULES)}
    # the root cause first: a syntax error before the unknown field, before the dose it hides
    errors = sorted(
        (f for f in result.findings if f.level == "error"),
        key=lambda f: (order.get(f.rule, len(order)), f.line, f.column),
    )
    if errors:
        first, rest = errors[0], len(errors) - 1
        more = f"; and {rest} more lint error{'s' if rest != 1 else ''}" if rest else ""
        raise FileError(
            first.path,
            first.line,
            f"{first.message} [{first.rule}]{more} (a regimen lint refuses is never calculated: "
            f"see 'osdose lint {display}')",
            first.column,
        )
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return build(parse_text(text, display), table, sha)


@cache
def _file(path: str, table: DrugTable) -> Regimen:
    return checked(read_text(path), path, table)


def load_file(path: str | Path, drugs: DrugTable | None = None) -> Regimen:
    """Load and check one regimen file (lint-clean or refused)."""
    return _file(str(path), drugs or load_drugs())


@cache
def _index() -> dict[str, tuple[tuple[str, str], ...]]:
    """name key → the (display path, text) of each shipped file with that name or alias."""
    index: dict[str, tuple[tuple[str, str], ...]] = {}
    for display, text in library_files():
        data = parse_text(text, display).data
        names = []
        if isinstance(data, dict):
            names = [data.get("name"), *(data.get("aliases") or [])]
        for key in dict.fromkeys(name_key(n) for n in names if isinstance(n, str)):
            index[key] = (*index.get(key, ()), (display, text))
    return index


@cache
def _shipped(display: str, text: str, table: DrugTable) -> Regimen:
    return checked(text, display, table)


def library(drugs: DrugTable | None = None) -> tuple[Regimen, ...]:
    """Every regimen of the shipped library, checked."""
    table = drugs or load_drugs()
    return tuple(_shipped(d, t, table) for d, t in library_files())


def looks_like_path(name: str) -> bool:
    """Only something that looks like a path is read as one: a stray file called "DIA" in
    the working folder must not shadow the library's DIA."""
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def load_regimen(name_or_path: str, drugs: DrugTable | None = None) -> Regimen:
    """A regimen by name or alias from the shipped library, or from a YAML file path."""
    table = drugs or load_drugs()
    if looks_like_path(name_or_path):
        return load_file(Path(name_or_path), table)
    key = name_key(name_or_path)
    hits = _index().get(key, ())
    if len(hits) > 1:
        raise OsdoseError(
            f"regimen name {name_or_path!r} is ambiguous: it names "
            f"{', '.join(d for d, _ in hits)}; give a file path instead"
        )
    if hits:
        return _shipped(*hits[0], table)
    names = {}
    for display, text in library_files():
        data = parse_text(text, display).data
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            for n in [data["name"], *(data.get("aliases") or [])]:
                if isinstance(n, str):
                    names[name_key(n)] = data["name"]
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.5)
    matches = list(dict.fromkeys(names[c] for c in close))
    known = ", ".join(dict.fromkeys(names.values()))
    raise UnknownNameError(
        "regimen",
        name_or_path,
        matches,
        f" (known: {known}; or give a path to a YAML file)",
    )


def clear_caches() -> None:
    """Forget loaded regimen files (tests that rewrite a file use this)."""
    _file.cache_clear()
