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
from osdose.source import Document

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
    return _lint([(f, yaml_syntax.read(f)) for f in files], drugs, bases, on_disk=True)


def lint_texts(items: Iterable[tuple[str, str]], drugs: DrugTable | None = None) -> LintResult:
    """Lint texts given as (display path, YAML text).

    Texts have no folder: superseded-by-unknown, which looks for the successor in the
    library on disk, is :func:`lint_paths`' only. The loader lints one text, so it never
    refuses a regimen for its successor's name: a course file naming a regimen retired long
    ago still reads when its successor has been renamed since."""
    return _lint([(path, yaml_syntax.parse(text, path)) for path, text in items], drugs)


def _lint(
    read: list[tuple[str, Document | Finding]],
    drugs: DrugTable | None,
    bases: dict[str, BaseFile] | None = None,
    on_disk: bool = False,
) -> LintResult:
    table = drugs or load_drugs()
    findings: list[Finding] = []
    contexts: list[FileContext] = []
    for path, doc in read:
        if isinstance(doc, Finding):
            findings.append(doc)
        else:
            contexts.append(FileContext(doc, table, (bases or {}).get(path)))
    per_file = {ctx.path: [f for rule in FILE_RULES for f in rule(ctx)] for ctx in contexts}
    set_rules = [duplicate_regimen.check_set]
    if on_disk:
        set_rules.append(superseded_by_unknown.check_set)
    for set_rule in set_rules:
        for f in set_rule(contexts):
            per_file[f.path].append(f)
    for ctx in contexts:
        findings.extend(acknowledge.apply(ctx, per_file[ctx.path]))
    findings.sort(key=Finding.sort_key)
    return LintResult(tuple(path for path, _ in read), tuple(findings))
