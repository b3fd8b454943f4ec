"""CLI commands for FHIR R4: `fhir export`, `fhir import`, `fhir regimen` (issue 14 §1–§2).

Registered by :mod:`osdose.cli`; fhir.resources and every heavy module are imported inside
the commands. Without the extra, each command says how to install it (exit 2).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from osdose.cli_common import HELP, drug_table, guarded
from osdose.errors import OsdoseError

fhir_app = typer.Typer(
    help="FHIR R4: administrations as mCODE MedicationAdministration bundles (export and "
    "import), regimens as PlanDefinition.",
    no_args_is_help=True,
    context_settings=HELP,
)

OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write here (atomically, mode 0600)."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")]
F = TypeVar("F", bound=Callable[..., Any])


def _say(message: str) -> None:
    from osdose.visible import visible

    print(visible(message), file=sys.stderr)


def refusals(fn: F) -> F:
    """Print each refused resource on its own line, then what was not done (exit 2)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from osdose.fhir.bundle import BundleRefused

        try:
            return fn(*args, **kwargs)
        except BundleRefused as exc:
            for r in exc.refusals:
                _say(f"osdose: error: {r}")
            _say(f"osdose: error: {exc.summary}")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _emit(text: str, output: Path | None, force: bool, what: str, inputs: list[str | Path]) -> None:
    """``text`` to stdout, or to ``output`` atomically, 0600, never over one of ``inputs``
    or a file this command read, never through a link, replacing a file only with --force."""
    if output is None:
        sys.stdout.write(text)
        return
    from osdose.atomic import write_atomic

    write_atomic(output, text, force=force, inputs=inputs)
    _say(f"wrote {what} to {output}")


def _early(output: Path | None, force: bool, inputs: list[str | Path]) -> None:
    """Refuse an --output that cannot be written before reading anything."""
    if output is not None:
        from osdose.atomic import check_target

        check_target(output, force=force, inputs=inputs)


def _ledger_files(ledger: Path | None) -> list[str | Path]:
    from osdose.ledger.store import ledger_files

    return list(ledger_files(ledger))


@fhir_app.command("export")
@guarded
def export(
    course: Annotated[
        Path | None, typer.Argument(metavar="COURSE", help="A course file (YAML).")
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger", envvar="OSDOSE_LEDGER", metavar="PATH", help="Export from this ledger."
        ),
    ] = None,
    patient: Annotated[
        str | None,
        typer.Option("--patient", "-p", help="With the ledger: the patient id."),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """Administrations as a FHIR R4 Bundle of mCODE MedicationAdministration (JSON).

    From a course file (COURSE), or from the ledger (--ledger PATH --patient ID: the
    administrations in effect, voided records left out). Written to stdout, or to --output
    atomically with mode 0600.
    """
    from osdose.fhir import require

    require()
    from osdose.fhir.export import bundle, dumps

    inputs: list[str | Path] = []
    if output is not None:
        inputs = [course] if course is not None else _ledger_files(ledger)
        _early(output, force, inputs)
    table = drug_table()
    if course is not None:
        if patient is not None:
            raise OsdoseError("give a course file or --patient (with the ledger), not both")
        from osdose.course import load_course

        c = load_course(course, table)
        ids = None
    else:
        if patient is None:
            raise OsdoseError("give a course file, or --patient ID to export from the ledger")
        from osdose.ledger.history import course_from_ledger

        c = course_from_ledger(ledger, str(patient), table)
        ids = [f"record-{a.line}" for a in c.administrations]
    done = bundle(c, ids, table)
    for w in done.warnings:
        _say(f"osdose: warning: {w}")
    n = done.count
    _emit(dumps(done.bundle), output, force, f"{n} administration{'s' if n != 1 else ''}", inputs)


@fhir_app.command("import")
@guarded
@refusals
def import_(
    bundle: Annotated[Path, typer.Argument(metavar="BUNDLE", help="A FHIR R4 Bundle (JSON).")],
    ledger: Annotated[
        Path | None, typer.Option("--ledger", metavar="PATH", help="Record into this ledger.")
    ] = None,
    to_course: Annotated[
        Path | None,
        typer.Option("--to-course", metavar="FILE", help="Write a course file (mode 0600)."),
    ] = None,
    patient: Annotated[
        str | None,
        typer.Option(
            "--patient",
            "-p",
            help="Patient id to use (default: the Bundle's).",
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who records (default: the operating-system user).")
    ] = None,
    future_days: Annotated[
        int | None,
        typer.Option("--future-days", metavar="DAYS", help="Accept dates this many days ahead."),
    ] = None,
    allow_same_day: Annotated[
        bool, typer.Option("--allow-same-day", help="Accept a drug already recorded that day.")
    ] = False,
    confirm: Annotated[
        bool,
        typer.Option(
            "--confirm", help="Record a dose far above the drug's usual maximum as given."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing --to-course.")
    ] = False,
) -> None:
    """Import a Bundle's administrations into the ledger or a course file, all or nothing.

    Reads MedicationAdministration and MedicationStatement resources of one patient. With
    --ledger: one transaction, the new record ids on stdout. With --to-course: a course file.

    Each resource is read through osdose's course reader; a resource that cannot be used is
    refused with its id and the reason, and then nothing is written.
    """
    from osdose.fhir import require

    require()
    if (ledger is None) == (to_course is None):
        raise OsdoseError("give --ledger PATH or --to-course FILE (one of them)")
    from osdose.fhir.ingest import course_text, read
    from osdose.ledger import entries

    inputs: list[str | Path] = [bundle]
    _early(to_course, force, inputs)
    table = drug_table()
    who = entries.recorded_by(by) if ledger is not None else ""
    got = read(bundle, table, patient)
    entries.checked_name(got.course.patient, "patient id")
    for r in got.left_out:
        _say(f"osdose: note: {r.resource} left out: {r.reason}")
    n = len(got.course.administrations)
    many = "s" if n != 1 else ""
    if to_course is not None:
        from osdose.ledger.records import now_utc

        header = (
            f"Course of {got.course.patient} imported from the FHIR Bundle {bundle.name} at "
            f"{now_utc()}:\n{n} administration{many}, one entry per resource (see notes)."
        )
        _emit(course_text(got, header), to_course, force, f"{n} administration{many}", inputs)
        return
    from osdose.ledger.store import open_ledger

    entries.check_dates(got.course.administrations, entries.future_margin(future_days))
    entries.check_confirmed(got.course.administrations, table, confirm)
    new = []
    for a, label in zip(got.course.administrations, got.labels, strict=True):
        new += entries.to_records([a], got.course.patient, who, f"{bundle} {label}")
    with open_ledger(ledger, create=True) as store:
        stored = store.append(new, allow_same_day)
        where = store.location
    sys.stdout.write("".join(f"{r.id}\n" for r in stored))
    from osdose.cli_ledger import created_note

    created_note(store)
    head = f"; head {stored[-1].hash}" if stored else ""  # kept elsewhere: check --expect-head
    _say(f"imported {n} administration{many} for {got.course.patient} into {where}{head}")


@fhir_app.command("regimen")
@guarded
@refusals
def regimen(
    name: Annotated[
        str | None,
        typer.Argument(metavar="REGIMEN", help="Regimen name or alias, or a YAML file."),
    ] = None,
    import_: Annotated[
        Path | None,
        typer.Option("--import", metavar="PLANDEF.json", help="Read a PlanDefinition instead."),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """A regimen as a FHIR R4 PlanDefinition (JSON), or one read back (--import).

    The PlanDefinition is a clinical-protocol: one action for the cycle, one action per
    drug with a contained ActivityDefinition. --import writes an osdose regimen file
    (YAML), checked like any regimen file.
    """
    from osdose.fhir import require

    require()
    if (name is None) == (import_ is None):
        raise OsdoseError("give a regimen, or --import PLANDEF.json (one of them)")
    # a regimen file given by name is read through osdose.reader: an input all the same
    inputs: list[str | Path] = [import_] if import_ is not None else []
    _early(output, force, inputs)
    if import_ is not None:
        from osdose.fhir.plandefinition import read_plan_definition

        got = read_plan_definition(import_, drug_table())
        for w in got.warnings:
            _say(f"osdose: warning: {w}")
        _emit(got.yaml, output, force, f"regimen {got.model.name}", inputs)
        if got.lint_error is not None:
            raise typer.Exit(1)
        return
    assert name is not None
    from osdose.fhir.export import dumps
    from osdose.fhir.plandefinition import regimen_plan

    _emit(dumps(regimen_plan(name, drug_table())), output, force, "the PlanDefinition", inputs)


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
    app.add_typer(fhir_app, name="fhir")
