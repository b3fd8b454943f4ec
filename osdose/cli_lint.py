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
    list[Path],
    typer.Argument(
        exists=True,
        metavar="PATH",
        help="Regimen files, or folders searched for *.yaml and *.yml.",
        show_default=False,
    ),
]


def _summary(files: int, errors: int, warnings: int, acknowledged: int) -> str:
    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    return (
        f"osdose lint: {n(files, 'file')}: {n(errors, 'error')}, {n(warnings, 'warning')}, "
        f"{acknowledged} acknowledged"
    )


def lint(
    paths: PathsArg,
    format: Annotated[
        LintFormat,
        typer.Option(
            "--format", "-f", help="text for people, json, github (annotations) or sarif."
        ),
    ] = LintFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on warnings too, not only on errors.")
    ] = False,
) -> None:
    """Check regimen files for errors and implausible doses, collecting every finding.

    Exit 0 when clean, 1 when any error (or, with --strict, any warning) is not acknowledged in its file, 2 for a usage error such as a path that does not exist.
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    from osdose.errors import OsdoseError
    from osdose.lint import lint_paths
    from osdose.render.findings import renderer

    result = lint_paths(paths, drug_table())
    if not result.files:
        raise OsdoseError(f"no *.yaml or *.yml files in {', '.join(map(str, paths))}")
    report = renderer(format.value)(result)
    if isinstance(report, str):
        sys.stdout.write(report)
    else:
        from rich.console import Console

        Console(highlight=False, soft_wrap=True).print(report, end="")
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


def schema() -> None:
    """Print the JSON Schema of regimen files, for editors and other validators.

    It is generated from the same model the loader validates with.
    """
    import json

    from osdose.schema import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")


def snapshot(
    paths: PathsArg,
    patients: Annotated[
        Path,
        typer.Option(
            "--patients",
            exists=True,
            dir_okay=False,
            help="YAML file of reference patients (id, height, weight, formula, bsa_cap).",
        ),
    ],
    write: Annotated[
        Path | None,
        typer.Option("--write", dir_okay=False, metavar="FILE", help="Write the snapshot here."),
    ] = None,
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

    --write FILE records them. --check FILE recomputes them and prints each difference as "regimen / patient / drug: daily old mg → new mg", exiting 1 when there is any. Without either, the snapshot is printed.
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    from osdose import snapshot as snap
    from osdose.errors import OsdoseError

    if write is not None and check is not None:
        raise OsdoseError("give --write or --check, not both")
    current = snap.compute_paths(paths, patients, drug_table())
    if check is not None:
        changes = snap.diff(snap.load_snapshot(check), current)
        for c in changes:
            print(c.text)
        if changes:
            print(
                f"osdose snapshot: {len(changes)} dose(s) differ from {check}; if intended, "
                f"regenerate it with --write {check} and review the diff",
                file=sys.stderr,
            )
            raise typer.Exit(1)
        print(f"osdose snapshot: {len(current.doses)} doses match {check}", file=sys.stderr)
        return
    command = (
        f"osdose snapshot {' '.join(p.as_posix() for p in paths)} "
        f"--patients {patients.as_posix()} --write {write.as_posix()}"
        if write is not None
        else ""
    )
    text = snap.dumps(current, command)
    if write is None:
        sys.stdout.write(text)
        return
    try:
        write.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OsdoseError(f"{write}: cannot be written ({exc.strerror})") from None
    print(f"osdose snapshot: wrote {len(current.doses)} doses to {write}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
    app.command("lint")(guarded(lint))
    app.command("schema")(guarded(schema))
    app.command("snapshot")(guarded(snapshot))
