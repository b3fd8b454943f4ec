"""CLI commands for the administration ledger: `ledger ...` (issue 6).

Registered by :mod:`osdose.cli`; heavy modules are imported inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from osdose.cli_common import Format, drug_table, emit_json, emit_rich, guarded

if TYPE_CHECKING:
    import datetime as dt

ledger_app = typer.Typer(
    help="The administration ledger: an append-only, tamper-evident record of what each "
    "patient received.",
    no_args_is_help=True,
)

LedgerOpt = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        envvar="OSDOSE_LEDGER",
        metavar="PATH",
        help="Ledger file (default: ledger.sqlite3 in the user data folder).",
    ),
]
PatientOpt = Annotated[str, typer.Option("--patient", "-p", help="Patient id, as written.")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Who records (default: the operating-system user).")
]
FutureOpt = Annotated[
    int | None,
    typer.Option(
        "--future-days",
        metavar="DAYS",
        help="Accept dates up to this many days after today (default 0, or "
        "$OSDOSE_LEDGER_FUTURE_DAYS).",
    ),
]
SameDayOpt = Annotated[
    bool,
    typer.Option(
        "--allow-same-day",
        help="Accept a second administration of a drug already recorded on that date.",
    ),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table for people, json for machines.")
]


def _date(text: str | None) -> dt.date:
    import datetime as dt

    from osdose.errors import InputError

    if text is None or text == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("--date", f"must be a date written YYYY-MM-DD, got {text!r}") from None


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _ids(ids: list[int]) -> None:
    sys.stdout.write("".join(f"{i}\n" for i in ids))


@ledger_app.command("record")
@guarded
def record(
    patient: PatientOpt,
    drug: Annotated[
        str | None, typer.Option("--drug", help="Drug given (name or synonym).")
    ] = None,
    dose: Annotated[
        str | None, typer.Option("--dose", help="Amount given, with its unit: '74 mg', '40 mg/m2'.")
    ] = None,
    bsa: Annotated[str | None, typer.Option("--bsa", help="BSA of the day, m².")] = None,
    height: Annotated[str | None, typer.Option("--height", "-H", help="Height of the day.")] = None,
    weight: Annotated[str | None, typer.Option("--weight", "-W", help="Weight of the day.")] = None,
    formula: Annotated[
        str | None, typer.Option("--formula", help="BSA formula (default mosteller).")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date given, YYYY-MM-DD (default today).")
    ] = None,
    regimen: Annotated[
        str | None, typer.Option("--regimen", help="Regimen; alone with --cycle: the whole cycle.")
    ] = None,
    cycle: Annotated[int | None, typer.Option("--cycle", min=1, help="Cycle number.")] = None,
    dose_percent: Annotated[
        float | None, typer.Option("--dose-percent", help="Whole cycle given at this percent.")
    ] = None,
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    future_days: FutureOpt = None,
    allow_same_day: SameDayOpt = False,
) -> None:
    """Record what a patient was given; print the new record id (one per line for a cycle).

    One drug: --drug and --dose with the day's --bsa (or --height and --weight). A whole
    cycle at the regimen's doses: --regimen and --cycle alone (--date is its day 1).
    """
    from osdose.ledger import actions, entries
    from osdose.ledger.store import open_ledger

    table = drug_table()
    entries.checked_name(patient, "patient id")
    who = entries.recorded_by(by)
    adms = entries.from_options(
        table, date=_date(date), drug=drug, dose=dose, bsa=bsa, height=height, weight=weight,
        formula=formula, regimen=regimen, cycle=cycle, dose_percent=dose_percent,
    )  # fmt: skip
    entries.check_dates(adms, entries.future_margin(future_days))
    with open_ledger(ledger, create=True) as store:
        stored = actions.record(store, adms, patient, who, "command line", allow_same_day)
        where = store.location
    _ids([r.id for r in stored])
    n = len(stored)
    _say(f"recorded {n} administration{'s' if n != 1 else ''} for {patient} in {where}")


@ledger_app.command("void")
@guarded
def void(
    record_id: Annotated[int, typer.Argument(metavar="RECORD_ID", help="The record to void.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the record is wrong.")],
    by: ByOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """Void a record (it stays in the ledger, left out of totals); print the void's id."""
    from osdose.ledger import actions, entries
    from osdose.ledger.store import open_ledger

    who = entries.recorded_by(by)
    with open_ledger(ledger) as store:
        r = actions.void(store, record_id, reason, who)
    _ids([r.id])
    _say(f"record {record_id} voided by record {r.id}")


@ledger_app.command("list")
@guarded
def list_(
    patient: PatientOpt,
    include_void: Annotated[
        bool, typer.Option("--include-void", help="Also voided records and the voids.")
    ] = False,
    format: FormatOpt = Format.table,
    ledger: LedgerOpt = None,
) -> None:
    """A patient's administrations in effect (every record with --include-void)."""
    from osdose.ledger.actions import listing
    from osdose.ledger.store import open_ledger

    with open_ledger(ledger) as store:
        items = listing(store, patient, include_void)
    if format is Format.json:
        from osdose.render.ledger import records_json

        emit_json(records_json(items))
    else:
        from osdose.render.ledger import records_table

        emit_rich(records_table(patient, items, include_void))


@ledger_app.command("export")
@guarded
def export(
    patient: PatientOpt,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (0600) instead of stdout.")
    ] = None,
    ledger: LedgerOpt = None,
) -> None:
    """A patient's administrations in effect as a course file (YAML)."""
    from osdose.ledger.export import course_text
    from osdose.ledger.history import course_from_ledger
    from osdose.ledger.records import now_utc

    course = course_from_ledger(ledger, patient, drug_table())
    header = (
        f"Course of {patient} exported from the osdose ledger {course.path} at {now_utc()}:\n"
        f"{len(course.administrations)} administrations in effect (voided records left out)."
    )
    text = course_text(patient, [(a, a.line) for a in course.administrations], header)
    if output is None:
        sys.stdout.write(text)
        return
    import os

    from osdose.errors import FileError

    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise FileError(output, None, f"cannot be written ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    _say(f"wrote {len(course.administrations)} administrations of {patient} to {output}")


@ledger_app.command("import")
@guarded
def import_(
    courses: Annotated[list[Path], typer.Argument(metavar="COURSE...", help="Course files.")],
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    future_days: FutureOpt = None,
    allow_same_day: SameDayOpt = False,
) -> None:
    """Record every administration of course files, all or nothing; print the new ids."""
    from osdose.ledger import entries
    from osdose.ledger.store import open_ledger

    table = drug_table()
    who = entries.recorded_by(by)
    margin = entries.future_margin(future_days)
    new = []
    for path in courses:
        course = entries.from_course_file(path, table)
        entries.check_dates(course.administrations, margin)
        new += entries.to_records(course.administrations, course.patient, who)
    with open_ledger(ledger, create=True) as store:
        stored = store.append(new, allow_same_day)
        where = store.location
    _ids([r.id for r in stored])
    n, files = len(stored), len(courses)
    _say(
        f"imported {n} administration{'s' if n != 1 else ''} from {files} "
        f"file{'s' if files != 1 else ''} into {where}"
    )


@ledger_app.command("check")
@guarded
def check(format: FormatOpt = Format.table, ledger: LedgerOpt = None) -> None:
    """Verify the hash chain and the database's integrity; exit 1 naming the first break."""
    from osdose.ledger.actions import check as run_check
    from osdose.ledger.store import open_ledger
    from osdose.render.ledger import check_json, check_lines

    with open_ledger(ledger) as store:
        result = run_check(store)
    if format is Format.json:
        emit_json(check_json(result))
    else:
        for line in check_lines(result):
            print(line)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
    app.add_typer(ledger_app, name="ledger")
