"""CLI commands for a first hour without the README: `template` and `examples`.

Registered by :mod:`osdose.cli`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from osdose.cli_common import guarded


class Kind(StrEnum):
    course = "course"
    order = "order"
    regimen = "regimen"
    drugs = "drugs"
    batch = "batch"
    patients = "patients"


def template(
    kind: Annotated[
        Kind,
        typer.Argument(metavar="KIND", help="course, order, regimen, drugs, batch or patients."),
    ],
) -> None:
    """Print a commented, valid example of a file osdose reads, to start from.

    osdose template order > order.yaml && osdose verify order.yaml works in an empty folder. course: a patient and what was given (cumulative, plan, ledger import); order: an order to verify; regimen: a regimen file (lint, dose); drugs: the drug table (--drugs); batch: orders as JSON Lines (verify --batch); patients: reference patients (snapshot, diff).
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    from osdose.templates import template as make

    t = make(kind.value)
    sys.stdout.write(t.text)
    if not sys.stdout.isatty():
        print(
            f"osdose: template {t.kind}: save it as {t.filename}, then: {t.command}",
            file=sys.stderr,
        )


def examples(
    to: Annotated[
        Path | None,
        typer.Option(
            "--to", metavar="DIR", file_okay=False, help="Copy the examples into DIR/examples/."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist.")] = False,
) -> None:
    """The example files shipped with osdose: the case report's course files, orders to verify, and example regimens.

    Without --to, list them. With --to DIR, copy them into DIR/examples/ (the paths the documentation uses), refusing to replace a file without --force.
    """  # noqa: E501 - typer keeps a docstring's line breaks in --help
    from osdose.templates import copy_examples
    from osdose.templates import examples as shipped

    if to is None:
        for rel, _ in shipped():
            print(f"examples/{rel}")
        return
    written = copy_examples(to, force)
    print(f"osdose: wrote {len(written)} example files under {to / 'examples'}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
    app.command("template")(guarded(template))
    app.command("examples")(guarded(examples))
