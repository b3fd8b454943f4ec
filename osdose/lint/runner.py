"""Read every file, run every rule, apply the files' acknowledgements: a :class:`LintResult`.
A broken file never stops the run: what cannot be read becomes a finding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from osdose.drugs import DrugTable, load_drugs
from osdose.errors import OsdoseError
from osdose.lint import acknowledge, duplicate_regimen, superseded_by_unknown, yaml_syntax
from osdose.lint.base import BaseFile, check_ref, read_base
from osdose.lint.context import FileContext
from osdose.lint.finding import Finding
from osdose.lint.rules import FILE_RULES
from osdose.reader import Document, no_cyclic_gc

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LintResult:
    files: tuple[str, ...]
    findings: tuple[Finding, ...]

    def count(self, level: str) -> int:
        """How many findings show as ``error``, ``warning`` or ``acknowledged``."""
        return sum(1 for f in self.findings if f.level == level)

    def failed(self, strict: bool = False) -> bool:
        """Any unacknowledged error; with ``strict``, any unacknowledged warning too."""
        return self.count("error") > 0 or (strict and self.count("warning") > 0)


def _hidden(relative: Path) -> bool:
    # .git, .venv, .tox … under a linted folder hold other tools' YAML, never regimens
    return any(part.startswith(".") for part in relative.parts)


def collect(paths: Iterable[str | Path]) -> list[str]:
    """The files to lint: files as given, folders searched for ``*.yaml``/``*.yml`` (outside
    hidden folders)."""
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                # a device or pipe named *.yaml is linted, to be refused by name, never skipped
                if f.suffix in SUFFIXES and not f.is_dir() and not _hidden(f.relative_to(p))
            )
            out.extend(f.as_posix() for f in found)
        elif p.exists():
            out.append(p.as_posix())
        else:
            raise OsdoseError(f"{p}: no such file or folder")
    return list(dict.fromkeys(out))


def lint_paths(
    paths: Iterable[str | Path], drugs: DrugTable | None = None, base: str | None = None
) -> LintResult:
    """Lint the files and folders at ``paths``; with ``base`` (a git revision), each file
    against its version there too (the version must increase when a dose changes)."""
    files = collect(paths)
    bases: dict[str, BaseFile] = {}
    if base is not None:
        checked: set[Path] = set()
        for f in files:
            folder = Path(f).resolve().parent
            if folder not in checked:
                check_ref(base, f)
                checked.add(folder)
            bases[f] = read_base(base, f)
    return _lint(((f, yaml_syntax.read(f)) for f in files), drugs, bases, on_disk=True)


def lint_texts(items: Iterable[tuple[str, str]], drugs: DrugTable | None = None) -> LintResult:
    """Lint texts given as (display path, YAML text).

    Texts have no folder: superseded-by-unknown, which looks for the successor in the
    library on disk, is :func:`lint_paths`' only. The loader lints one text, so it never
    refuses a regimen for its successor's name: a course file naming a regimen retired long
    ago still reads when its successor has been renamed since."""
    return _lint(((path, yaml_syntax.parse(text, path)) for path, text in items), drugs)


class _Kept:
    """Findings as the report keeps them: the same texts shared, not one copy per file (a
    library's copies of a regimen give the same messages and acknowledgements, often of
    several hundred characters each)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.places: dict[tuple[str | int, ...], tuple[str | int, ...]] = {}

    def __call__(self, f: Finding) -> Finding:
        message = self.texts.setdefault(f.message, f.message)
        reason = f.acknowledged
        if reason is not None:
            reason = self.texts.setdefault(reason, reason)
        where = self.places.setdefault(f.where, f.where)
        if message is f.message and reason is f.acknowledged and where is f.where:
            return f
        return Finding(f.path, f.line, f.column, f.rule, f.severity, message, reason, where)


def _lint(
    read: Iterable[tuple[str, Document | Finding]],
    drugs: DrugTable | None,
    bases: dict[str, BaseFile] | None = None,
    on_disk: bool = False,
) -> LintResult:
    """Each file read, checked and let go before the next (memory does not grow with the
    library): the rules across files keep only small summaries (names, where each was first
    given). A file that names a successor is kept until all are read, as the successor may
    come later."""
    table = drugs or load_drugs()
    files: list[str] = []
    findings: list[Finding] = []
    names = duplicate_regimen.Names()
    linted: dict[str, superseded_by_unknown.Known] = {}
    naming: list[tuple[FileContext, list[Finding]]] = []
    read_paths: list[str] = []  # the files read (a broken one is no regimen to name)
    kept = _Kept()
    for path, doc in read:
        files.append(path)
        if isinstance(doc, Finding):
            findings.append(doc)
            continue
        # The cyclic collector is paused while a file is checked, as while it is read: its
        # objects are acyclic and freed by reference counting once it is let go (here,
        # before the collector resumes, so that it never walks them).
        with no_cyclic_gc():
            ctx = FileContext(doc, table, (bases or {}).get(path))
            del doc
            own = [f for rule in FILE_RULES for f in rule(ctx)]
            own.extend(names.check(ctx))
            if on_disk:
                read_paths.append(ctx.path)
                for key, known in superseded_by_unknown.entries(ctx):
                    linted.setdefault(key, known)
                if superseded_by_unknown.names_successor(ctx):
                    naming.append((ctx, own))
                    del ctx
                    continue
            findings.extend(map(kept, acknowledge.apply(ctx, own)))
            del ctx
    if naming:
        more: dict[str, list[Finding]] = {}
        for f in superseded_by_unknown.check_naming([c for c, _ in naming], linted, read_paths):
            more.setdefault(f.path, []).append(f)
        for ctx, own in naming:
            findings.extend(map(kept, acknowledge.apply(ctx, own + more.get(ctx.path, []))))
    findings.sort(key=Finding.sort_key)
    return LintResult(tuple(files), tuple(findings))
