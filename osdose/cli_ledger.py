"""CLI commands for the administration ledger: `ledger ...` (issue 6).

Registered by :mod:`osdose.cli`; heavy modules are imported inside the commands.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from osdose.cli_common import (
    HELP,
    Format,
    drug_table,
    emit_json,
    emit_rich,
    guarded,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Iterator

    from osdose.ledger.store import LedgerStore

ledger_app = typer.Typer(
    help="The administration ledger: an append-only, tamper-evident record of what each "
    "patient received.",
    no_args_is_help=True,
    context_settings=HELP,
)

LedgerOpt = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        envvar="OSDOSE_LEDGER",
        metavar="PATH|URL",
        help="Ledger file, or a PostgreSQL URL (postgresql://…, host=… dbname=…); default: "
        "ledger.sqlite3 in the user data folder.",
    ),
]
PatientOpt = Annotated[str, typer.Option("--patient", "-p", help="Patient id, as written.")]
ByOpt = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who records (SQLite: default the operating-system user; PostgreSQL: the "
        "database role, which --by may only repeat).",
    ),
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
ConfirmOpt = Annotated[
    bool,
    typer.Option(
        "--confirm",
        help="Record a dose far above the drug's usual maximum (or alone above its lifetime "
        "maximum) as given: refused without it, as a likely slip.",
    ),
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table for people, json for machines.")
]


def _date(text: str | None, option: str = "--date") -> dt.date:

    from osdose import clock
    from osdose.errors import InputError
    from osdose.fields import FieldError, date

    if text is None or text == "today":
        return clock.today()  # osdose's one clock ($OSDOSE_TODAY pins it)
    try:
        return date(text)  # YYYY-MM-DD only (not 20250101), 1900–2199
    except FieldError as exc:
        raise InputError(option, str(exc)) from None


def _say(message: str) -> None:
    from osdose.visible import visible

    print(visible(message), file=sys.stderr)


def created_note(store: LedgerStore) -> None:
    """Say so when this command created the ledger: a ledger moved or removed by mistake
    would otherwise start again, silently, at id 1."""
    if store.created:
        _say(f"osdose: note: no ledger was at {store.location}: created a new one (ids start at 1)")


def _ids(ids: Iterable[int]) -> None:
    sys.stdout.write("".join(f"{i}\n" for i in ids))


def _by(by: str | None) -> str | None:
    """``--by`` checked before the ledger is opened (it may be created)."""
    from osdose.ledger.entries import checked_name

    return None if by is None else checked_name(by, "--by")


class Meaning(StrEnum):
    verified = "verified"


@ledger_app.command("init")
@guarded
def init(
    ledger: LedgerOpt = None,
    grant: Annotated[
        list[str] | None,
        typer.Option(
            "--grant",
            metavar="ROLE",
            help="PostgreSQL: also grant ROLE what it needs to record (SELECT, INSERT); repeat "
            "for several roles.",
        ),
    ] = None,
) -> None:
    """Create the ledger, or bring its schema up to this osdose's version.

    On PostgreSQL: creates the schema osdose (run it as a role that may create a schema in
    the database) and prints the GRANTs a recording role needs, or applies them to each
    --grant ROLE. A SQLite ledger is also created by the first record or import.
    """
    from osdose.ledger.store import init_ledger

    result = init_ledger(ledger, grant or ())
    what = "created" if result.created else "upgraded" if result.applied else "checked"
    versions = ", ".join(map(str, result.applied))
    done = f" (applied schema step {versions})" if result.applied else " (nothing to do)"
    _say(f"{what} the ledger {result.location}: schema version {result.schema_version}{done}")
    if result.backend != "postgresql":
        return
    if result.granted:
        sys.stdout.write("".join(f"{g}\n" for g in result.granted))
        _say(f"granted SELECT and INSERT to {', '.join(grant or ())}; no role may UPDATE or DELETE")
    else:
        print("-- run as the schema's owner, for the role that records (or give --grant ROLE):")
        sys.stdout.write("".join(f"{g}\n" for g in result.grants_to_run))


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
    confirm: ConfirmOpt = False,
) -> None:
    """Record what a patient was given; print the new record id (one per line for a cycle).

    One drug: --drug and --dose with the day's --bsa (or --height and --weight). A whole
    cycle at the regimen's doses: --regimen and --cycle alone (--date is its day 1).
    """
    from osdose.ledger import actions, entries
    from osdose.ledger.store import open_ledger

    table = drug_table()
    entries.checked_name(patient, "patient id")
    claimed = _by(by)
    adms = entries.from_options(
        table, date=_date(date), drug=drug, dose=dose, bsa=bsa, height=height, weight=weight,
        formula=formula, regimen=regimen, cycle=cycle, dose_percent=dose_percent,
        future_days=entries.future_margin(future_days),
    )  # fmt: skip
    entries.check_confirmed(adms, table, confirm)
    with open_ledger(ledger, create=True) as store:
        stored = actions.record(store, adms, patient, claimed, "command line", allow_same_day)
        where = store.location
    _ids([r.id for r in stored])
    created_note(store)
    n = len(stored)
    _say(
        f"recorded {n} administration{'s' if n != 1 else ''} for {patient} in {where}; "
        f"head {stored[-1].hash}"
    )


@ledger_app.command("void")
@guarded
def void(
    record_id: Annotated[int, typer.Argument(metavar="RECORD_ID", help="The record to void.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the record is wrong.")],
    by: ByOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """Void a record (it stays in the ledger, left out of totals); print the void's id."""
    from osdose.ledger import actions
    from osdose.ledger.records import check_id
    from osdose.ledger.store import open_ledger

    check_id(record_id)
    actions.checked_reason(reason)
    claimed = _by(by)
    with open_ledger(ledger, write=True) as store:
        r = actions.void(store, record_id, reason, claimed)
    _ids([r.id])
    _say(f"record {record_id} voided by record {r.id}; head {r.hash}")


@ledger_app.command("verify-record")
@guarded
def verify_record(
    record_id: Annotated[int, typer.Argument(metavar="RECORD_ID", help="The record checked.")],
    meaning: Annotated[
        Meaning,
        typer.Option(
            "--meaning", help="What the signature means: verified (checked by a second person)."
        ),
    ],
    by: ByOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """Put a second signature on a record: someone other than its recorder checked it.

    The signature is bound to the record's hash. On PostgreSQL the signer is the database
    role; on SQLite it is --by or the operating-system user, as for recording.
    """
    from osdose.ledger import actions
    from osdose.ledger.records import check_id
    from osdose.ledger.store import open_ledger

    check_id(record_id)
    claimed = _by(by)
    with open_ledger(ledger, write=True) as store:
        s = actions.verify_record(store, record_id, meaning.value, claimed)
    _say(
        f"record {record_id} {s.meaning} by {s.signed_by} (signature {s.id}); "
        f"signatures head {s.hash}"
    )


@ledger_app.command("list")
@guarded
def list_(
    patient: PatientOpt,
    include_void: Annotated[
        bool, typer.Option("--include-void", help="Also voided records and the voids.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            min=1,
            help="The newest N records (default: 50 in a table; every record in JSON).",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Only records dated on or after DATE."),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every record (a table of all of them).")
    ] = False,
    format: FormatOpt = Format.table,
    ledger: LedgerOpt = None,
) -> None:
    """A patient's administrations in effect (every record with --include-void), sorted by
    date: the newest 50 in a table, with how many there are; every one in JSON, streamed.

    --limit N, --since DATE and --all choose which, in either format."""
    from osdose.errors import OsdoseError
    from osdose.ledger.actions import DEFAULT_LIMIT, Page, page
    from osdose.ledger.store import open_ledger

    if all_ and limit is not None:
        raise OsdoseError("--all and --limit contradict each other: give one")
    if limit is None and not all_ and format is Format.table:
        limit = DEFAULT_LIMIT
    which = Page(patient, include_void, _date(since, "--since") if since else None, limit)
    with open_ledger(ledger) as store, store.snapshot():
        shown = page(store, which)
        if format is Format.json:
            from osdose.atomic import whole_output
            from osdose.render.ledger import write_rows_json

            with whole_output(sys.stdout.write) as out:  # a refused record: nothing written
                write_rows_json(shown.rows, out)
            return
        from osdose.render.ledger import records_table

        emit_rich(records_table(patient, list(shown.items()), include_void, shown.total))


class ExportFormat(StrEnum):
    yaml = "yaml"
    jsonl = "jsonl"


def _export_format(given: ExportFormat | None, output: Path | None) -> ExportFormat:
    """``--format``, else what ``--output``'s name says: the readers go by the suffix, so
    a file named for one format is never written in the other."""
    from osdose.errors import OsdoseError

    named = None
    if output is not None:
        suffix = output.suffix.lower()
        named = ExportFormat.jsonl if suffix == ".jsonl" else None
        named = ExportFormat.yaml if suffix in (".yaml", ".yml") else named
    if given is not None and named is not None and given is not named:
        raise OsdoseError(
            f"--format {given.value} written to {output}: a course file's suffix says its "
            f"format (.yaml, .jsonl); name it {output.with_suffix('.' + given.value)}"  # type: ignore[union-attr]
        )
    return given or named or ExportFormat.yaml


@ledger_app.command("export")
@guarded
def export(
    patient: PatientOpt,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (created 0600) instead of stdout."),
    ] = None,
    format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="yaml for people (default), jsonl for machines and size: one line per "
            "administration (default: the --output file's suffix).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --output file if it exists.")
    ] = False,
    ledger: LedgerOpt = None,
) -> None:
    """A patient's administrations in effect as a course file (YAML, or JSON Lines), with
    who recorded and who verified each in its notes; cumulative, plan and import read it."""
    from osdose.ledger.export import export_chunks
    from osdose.ledger.records import now_utc
    from osdose.ledger.store import ledger_files, open_ledger

    chosen = _export_format(format, output)
    table = drug_table()
    with open_ledger(ledger) as store, store.snapshot():
        exported = export_chunks(store, patient, table, now_utc(), chosen.value)
        if output is None:
            from osdose.atomic import whole_output

            # whole or nothing, as a file is: a record refused on the way writes nothing
            with whole_output(sys.stdout.write) as out:
                for chunk in exported.chunks:
                    out(chunk)
            return
        from osdose.atomic import write_atomic

        # streamed into the temporary file as the records are read (a refused record
        # leaves no file)
        write_atomic(output, exported.chunks, force=force, inputs=ledger_files(ledger))
    _say(f"wrote {exported.count} administrations of {patient} to {output}")


@ledger_app.command("import")
@guarded
def import_(
    courses: Annotated[list[Path], typer.Argument(metavar="COURSE...", help="Course files.")],
    by: ByOpt = None,
    ledger: LedgerOpt = None,
    future_days: FutureOpt = None,
    allow_same_day: SameDayOpt = False,
    confirm: ConfirmOpt = False,
) -> None:
    """Record every administration of course files, all or nothing; print the new ids."""
    from osdose.ledger import entries
    from osdose.ledger.records import NewRecord
    from osdose.ledger.store import open_ledger

    table = drug_table()
    claimed = _by(by)
    margin = entries.future_margin(future_days)
    with open_ledger(ledger, create=True) as store:
        who = store.identity(claimed)

        def batches() -> Iterator[list[NewRecord]]:  # read, checked and recorded in parts
            for path in courses:
                for part in entries.course_parts(path, table, margin, allow_same_day):
                    entries.check_confirmed(part.administrations, table, confirm)
                    yield entries.to_records(part.administrations, part.patient, who)

        done = store.append_all(batches(), allow_same_day)
        where = store.location
    _ids(done.ids)
    created_note(store)
    n, files = done.count, len(courses)
    head = f"; head {done.head}" if n else ""
    _say(
        f"imported {n} administration{'s' if n != 1 else ''} from {files} "
        f"file{'s' if files != 1 else ''} into {where}{head}"
    )


@ledger_app.command("check")
@guarded
def check(
    format: FormatOpt = Format.table,
    ledger: LedgerOpt = None,
    expect_head: Annotated[
        list[str] | None,
        typer.Option(
            "--expect-head",
            metavar="HASH",
            help="A head hash kept earlier (record and check print it): it must still be in "
            "the ledger. Repeat for several.",
        ),
    ] = None,
) -> None:
    """Verify the hash chains and the database; exit 1 on any sign of tampering or loss.

    Exit 0: intact. 1: tampering or loss (each line names what; an empty or truncated
    file too). 2: unusable input (no ledger there, another program's file, a newer schema,
    no connection). Reads only: a ledger in a read-only folder can be checked.
    """
    from osdose.ledger.check import check_location
    from osdose.render.ledger import check_json, check_lines

    result = check_location(ledger, expect_head or ())
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
