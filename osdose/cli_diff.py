"""CLI command ``diff``: what changed between two versions of a regimen (issue 14 §3).

Registered by :mod:`osdose.cli`; heavy modules are imported inside the command.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from osdose.cli_common import drug_table, guarded

#: what --patients defaults to: the four adults of the golden snapshot, shipped with osdose
SHIPPED_PATIENTS = "reference-patients.yaml"


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    github = "github"


def diff(
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            help="The regimen file before (osdose:regimens/NAME.yaml: the shipped one).",
        ),
    ],
    new: Annotated[
        str,
        typer.Argument(
            metavar="NEW",
            help="The regimen file after (osdose:regimens/NAME.yaml: the shipped one).",
        ),
    ],
    patients: Annotated[
        Path | None,
        typer.Option(
            "--patients",
            exists=True,
            dir_okay=False,
            metavar="FILE",
            help="Reference patients (the snapshot's format). Default: the four adults shipped "
            "with osdose.",
        ),
    ] = None,
    format: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people, json for machines, github for annotations on a pull request.",
        ),
    ] = DiffFormat.table,
) -> None:
    """What changed between two versions of a regimen file, field by field, and what it does to the reference patients' doses: mg per day and per cycle, before and after, and the change in percent. Both files must pass lint.

    A dose change is a change of meaning in what the dose engine reads (a dose, days, a cap, small-patient rules, the GFR method, a drug added or removed, the cycle length, blood-count gates); written differently but meaning the same is listed, not counted. The new version is also held to the life cycle: its version must increase when a dose changes, and an active regimen needs an approval of its own.

    Exit 0 when no dose changed, 1 when a dose changed (or the version or approval is wrong), 2 for bad input.
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    from importlib import resources

    from osdose.diff import compare
    from osdose.render.diff import RENDERERS

    if patients is None:
        shipped = resources.files("osdose.data").joinpath(SHIPPED_PATIENTS)
        with resources.as_file(shipped) as path:
            result = compare(old, new, path, drug_table(), f"osdose/data/{SHIPPED_PATIENTS}")
    else:
        result = compare(old, new, patients, drug_table())
    report = RENDERERS[format.value](result)
    if isinstance(report, str):
        sys.stdout.write(report)
    else:
        from osdose.cli_common import emit_rich

        emit_rich(report)
    if result.dose_changed or result.review:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this feature's command to ``app``."""
    app.command("diff")(guarded(diff))
