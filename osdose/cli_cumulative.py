"""CLI commands for cumulative toxicity: `cumulative` and `plan` (issue 3).

Registered by :mod:`osdose.cli`; import heavy modules inside the commands, not here.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from osdose.cli_common import Format, Renderers, drug_table, guarded, render
from osdose.errors import OsdoseError


class FailOn(StrEnum):
    watch = "watch"
    warn = "warn"
    over = "over"


class Equivalence(StrEnum):
    feijen2019 = "feijen2019"
    cog_v5 = "cog-v5"


CourseArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="COURSE",
        help="Course file (YAML): the patient and the administrations given.",
        show_default=False,
    ),
]
LedgerOpt = Annotated[
    str | None,  # a str: pathlib would fold the // of a postgresql:// URL
    typer.Option("--ledger", metavar="PATH|URL", help="Read the history from this ledger instead."),
]
PatientOpt = Annotated[
    str | None,
    typer.Option(
        "--patient",
        metavar="ID",
        help="Patient id in the ledger (--ledger, else $OSDOSE_LEDGER, else the default ledger).",
    ),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table for people, json for machines.")
]
EquivalenceOpt = Annotated[
    Equivalence | None,
    typer.Option(
        "--equivalence",
        help="Doxorubicin-equivalence factors (default: the drug table's, feijen2019).",
    ),
]


AgeOpt = Annotated[
    str | None,
    typer.Option(
        "--age",
        help="The patient's age now (60, '10 months'): age-dependent ceilings. A course "
        "file's age or dob otherwise; the ledger keeps neither.",
    ),
]


EXPOSURE_RENDERERS: Renderers = {
    Format.table: "osdose.render.cumulative_table:exposure_table",
    Format.json: "osdose.render.cumulative_json:exposure_doc",
}
PLAN_RENDERERS: Renderers = {
    Format.table: "osdose.render.cumulative_table:plan_table",
    Format.json: "osdose.render.cumulative_json:plan_doc",
}


def _eq(e: Equivalence | None) -> str | None:
    return e.value if e is not None else None


@guarded
def cumulative(
    course: CourseArg = None,
    ledger: LedgerOpt = None,
    patient: PatientOpt = None,
    age: AgeOpt = None,
    format: FormatOpt = Format.table,
    equivalence: EquivalenceOpt = None,
    chart: Annotated[
        bool, typer.Option("--chart", help="Also draw cumulative mg/m² over time (text).")
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="FILE",
            help="Write the chart to FILE.png or FILE.svg (matplotlib; created 0600).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --plot file if it exists.")
    ] = False,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 when any drug's status is this or worse (for CI)."),
    ] = None,
) -> None:
    """Lifetime totals per drug (mg and mg/m², each day with its own BSA) against the
    ceilings, with statuses ok/watch/warn/over, and the combined anthracycline exposure
    (doxorubicin-equivalent) against the doxorubicin ceiling.

    Exit 0; with --fail-on S, exit 1 when a drug's or the combined status is S or worse;
    2 for bad input."""
    from osdose import api
    from osdose.status import Level

    if chart and format is Format.json:
        raise OsdoseError("--chart draws for people: use it with --format table, or use --plot")
    inputs: list[str | Path] = []
    if plot is not None:
        from osdose.atomic import check_target
        from osdose.ledger.store import ledger_files
        from osdose.render.plot import check_suffix

        check_suffix(plot)
        if course is not None:
            inputs.append(course)
        if ledger is not None or patient is not None:
            inputs += ledger_files(ledger)
        check_target(plot, force=force, inputs=inputs)
    table = drug_table()
    history = api.history(course, ledger=ledger, patient=patient, age=age, drugs=table)
    e = api.exposure_of(history, _eq(equivalence), table)
    if chart or plot is not None:
        from osdose.timeline import timeline

        t = timeline(history.administrations, table, history.patient, _eq(equivalence))
        if plot is not None:
            from osdose.atomic import write_atomic
            from osdose.render.plot import plot as draw

            write_atomic(plot, draw(t, plot), force=force, inputs=inputs)
            typer.echo(f"osdose: wrote {plot}", err=True)
    render(EXPOSURE_RENDERERS, format, e)
    if format is Format.table and chart:
        from osdose.render.chart import chart as draw_chart

        typer.echo(draw_chart(t))
    if fail_on is not None and e.status.rank >= Level(fail_on.value).rank:
        raise typer.Exit(1)


@guarded
def plan(
    course: CourseArg = None,
    regimen: Annotated[
        list[str] | None,
        typer.Option(
            "--regimen",
            "-r",
            metavar="NAME",
            help="Planned regimen (name, alias or file); repeat, each with its --cycles.",
        ),
    ] = None,
    cycles: Annotated[
        list[int] | None,
        typer.Option("--cycles", "-n", metavar="N", help="Cycles of the --regimen in its place."),
    ] = None,
    dose_percent: Annotated[
        float, typer.Option("--dose-percent", help="Planned dose percent for every cycle, 1–100.")
    ] = 100.0,
    ledger: LedgerOpt = None,
    patient: PatientOpt = None,
    height: Annotated[
        str | None,
        typer.Option("--height", "-H", help="Patient's height now (doses per kg, flat or capped)."),
    ] = None,
    weight: Annotated[
        str | None,
        typer.Option("--weight", "-W", help="Patient's weight now (doses per kg, flat or capped)."),
    ] = None,
    bsa: Annotated[str | None, typer.Option("--bsa", help="Patient's BSA now, in m².")] = None,
    age: AgeOpt = None,
    format: FormatOpt = Format.table,
    equivalence: EquivalenceOpt = None,
) -> None:
    """Project planned cycles on top of the history: the cumulative mg/m² after each cycle,
    the first cycle reaching a warn threshold and the first going over a maximum, and how
    many full-dose cycles of each regimen are left. A retired regimen is refused; a draft,
    or a regimen without an approval record, is warned of on stderr.

    Exit 1 if the plan goes over a maximum, 0 otherwise, 2 for bad input."""
    from osdose import api

    regs, counts = regimen or [], cycles or []
    if not regs or len(regs) != len(counts):
        raise OsdoseError(
            "give each planned regimen with its number of cycles: --regimen NAME --cycles N "
            f"(got {len(regs)} --regimen and {len(counts)} --cycles)"
        )
    p = api.plan(
        course, steps=list(zip(regs, counts, strict=True)), ledger=ledger, patient=patient,
        dose_percent=dose_percent, height=height, weight=weight, bsa=bsa, age=age,
        equivalence=_eq(equivalence), drugs=drug_table(),
    )  # fmt: skip
    render(PLAN_RENDERERS, format, p)
    if format is not Format.table:  # the table shows them; machine output keeps stdout clean
        for w in p.warnings:
            print(f"osdose: warning: {w}", file=sys.stderr)
    if p.goes_over:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
    app.command("cumulative")(cumulative)
    app.command("plan")(plan)
