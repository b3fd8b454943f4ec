"""CLI commands for regimen CI: `lint`, `schema`, `snapshot` (issue 5).

Registered by :mod:`osdose.cli`; heavy modules are imported inside the commands.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from osdose.cli_common import drug_table, guarded


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        exists=True,
        metavar="PATH",
        help="Regimen files, or folders searched for *.yaml and *.yml.",
        show_default=False,
    ),
]
BuiltinOpt = Annotated[
    bool,
    typer.Option(
        "--builtin",
        help="The regimen library shipped with osdose (named osdose:regimens/…), instead of PATHs.",
    ),
]


def _sources(paths: list[Path] | None, builtin: bool) -> list[Path] | None:
    """The PATHs, or ``None`` for the shipped library; exactly one of the two."""
    from osdose.errors import OsdoseError

    if builtin and paths:
        raise OsdoseError("give PATHs or --builtin, not both")
    if not builtin and not paths:
        raise OsdoseError("give the regimen files or folders to check (PATH...), or --builtin")
    return None if builtin else paths


def _summary(files: int, errors: int, warnings: int, acknowledged: int) -> str:
    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    return (
        f"osdose lint: {n(files, 'file')}: {n(errors, 'error')}, {n(warnings, 'warning')}, "
        f"{acknowledged} acknowledged"
    )


def lint(
    paths: PathsArg = None,
    builtin: BuiltinOpt = False,
    format: Annotated[
        LintFormat,
        typer.Option(
            "--format", "-f", help="text for people, json, github (annotations) or sarif."
        ),
    ] = LintFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too, not only on errors.")
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REF",
            help="Compare each file with its version at this git revision (origin/main): the "
            "version must increase, and an active regimen be approved again, when a dose "
            "changes.",
        ),
    ] = None,
) -> None:
    """Check regimen files for errors and implausible doses, collecting every finding.

    Exit 0 when clean, 1 when any error (or, with --strict, any warning) is not acknowledged in its file, 2 for a usage error such as a path that does not exist, or --base outside a git repository or with a revision git does not know.
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    from osdose.errors import OsdoseError
    from osdose.lint import lint_paths, lint_texts
    from osdose.render.findings import renderer, streamer
    from osdose.shipped import library_files

    chosen = _sources(paths, builtin)
    if chosen is None:
        if base is not None:
            raise OsdoseError("--base compares files in git with their versions at REF: give PATHs")
        result = lint_texts(library_files(), drug_table())
    else:
        result = lint_paths(chosen, drug_table(), base)
        if not result.files:
            raise OsdoseError(f"no *.yaml or *.yml files in {', '.join(map(str, chosen))}")
    stream = streamer(format.value)
    report = None if stream is not None else renderer(format.value)(result)
    if stream is not None:
        for chunk in stream(result):  # a large report written as it is made
            sys.stdout.write(chunk)
    elif isinstance(report, str):
        sys.stdout.write(report)
    else:
        from rich.console import Console

        Console(highlight=False, markup=False, emoji=False, soft_wrap=True).print(report, end="")
    print(
        _summary(
            len(result.files),
            result.count("error"),
            result.count("warning"),
            result.count("acknowledged"),
        ),
        file=sys.stderr,
    )
    if result.failed(strict):
        raise typer.Exit(1)


class FileKind(StrEnum):
    regimen = "regimen"
    course = "course"
    order = "order"
    drugs = "drugs"
    patients = "patients"


def schema(
    kind: Annotated[
        FileKind,
        typer.Argument(
            metavar="KIND", help="regimen (the default), course, order, drugs or patients."
        ),
    ] = FileKind.regimen,
) -> None:
    """Print the JSON Schema of a file format (regimen files by default), for editors and other validators.

    It is generated from the same model the loader validates with; osdose template KIND prints a commented example of the same format.
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    import json

    from osdose.schema import json_schema

    schema = json_schema(kind.value)
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def snapshot(
    paths: PathsArg = None,
    builtin: BuiltinOpt = False,
    patients: Annotated[
        Path | None,
        typer.Option(
            "--patients",
            exists=True,
            dir_okay=False,
            help="YAML file of reference patients (osdose template patients); default: the "
            "four shipped with osdose.",
        ),
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option("--write", dir_okay=False, metavar="FILE", help="Write the snapshot here."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --write file if it exists.")
    ] = False,
    check: Annotated[
        Path | None,
        typer.Option(
            "--check",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="Recompute and compare with this snapshot; exit 1 on any difference.",
        ),
    ] = None,
) -> None:
    """Golden dose snapshots: every regimen's daily and cycle dose per reference patient.

    --write FILE records them. --check FILE recomputes them and prints each difference as "regimen / patient / drug: daily old mg → new mg", exiting 1 when there is any. Without either, the snapshot is printed. --builtin alone checks the shipped library against the snapshot shipped with it.
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    from osdose import snapshot as snap
    from osdose.errors import OsdoseError

    if write is not None and check is not None:
        raise OsdoseError("give --write or --check, not both")
    if write is not None:
        from osdose.atomic import check_target

        check_target(write, force=force, inputs=[*(paths or ()), *([patients] if patients else [])])
    chosen = _sources(paths, builtin)
    people = snap.load_patients(patients) if patients else snap.shipped_patients()
    shown_check = str(check) if check is not None else ""
    if chosen is None:
        current = snap.compute_builtin(people, drug_table())
        if write is None and check is None:
            check = snap.shipped(snap.SHIPPED_SNAPSHOT)
            shown_check = f"osdose:data/{snap.SHIPPED_SNAPSHOT}"  # as osdose names what it ships
    else:
        current = snap.compute_paths(chosen, people, drug_table())
    if check is not None:
        # the shipped snapshot is regenerated in a checkout, where it is a file of osdose's
        shipped_one = shown_check.startswith("osdose:")
        regenerate = "osdose/data/regimens.snapshot.yaml" if shipped_one else shown_check
        changes = snap.diff(snap.load_snapshot(check), current)
        for c in changes:
            print(c.text)
        if changes:
            print(
                f"osdose snapshot: {len(changes)} dose(s) differ from {shown_check}; if "
                f"intended, regenerate it with --write {regenerate} --force and review the diff",
                file=sys.stderr,
            )
            raise typer.Exit(1)
        print(f"osdose snapshot: {len(current.doses)} doses match {shown_check}", file=sys.stderr)
        return
    where = "--builtin" if chosen is None else " ".join(p.as_posix() for p in chosen)
    people_option = f" --patients {patients.as_posix()}" if patients else ""
    command = (
        f"osdose snapshot {where}{people_option} --write {write.as_posix()} --force"
        if write
        else ""
    )
    text = snap.dumps(current, command)
    if write is None:
        sys.stdout.write(text)
        return
    from osdose.atomic import write_atomic

    # a golden file for version control, no patient's data: readable by all, as a checkout
    write_atomic(write, text, force=force, mode=0o644, inputs=[*(paths or ())])
    print(f"osdose snapshot: wrote {len(current.doses)} doses to {write}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
    app.command("lint")(guarded(lint))
    app.command("schema")(guarded(schema))
    app.command("snapshot")(guarded(snapshot))
