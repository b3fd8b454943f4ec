"""CLI commands for order verification: `verify` (issue 4).

Registered by :mod:`osdose.cli`; import heavy modules inside the commands, not here.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Generator, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from osdose.cli_common import (
    CrclWeight,
    Format,
    GfrCapOpt,
    GfrMethodOpt,
    drug_table,
    emit_json,
    emit_rich,
    guarded,
    ml_min,
)
from osdose.errors import OsdoseError
from osdose.visible import visible


class VerifyFailOn(StrEnum):
    """The mildest result that exits 1 (``--fail-on``); results rank pass < not-checked <
    warn < fail."""

    not_checked = "not-checked"
    warn = "warn"
    fail = "fail"


def _exit_code(status: str, fail_on: VerifyFailOn) -> int:
    """1 when ``status`` is ``fail_on`` or worse, else 0."""
    from osdose.status import Verdict

    return 1 if Verdict(status).rank >= Verdict(fail_on.value).rank else 0


MAX_JOBS = 256  # worker processes of a batch; more is a slip, never a faster run


def _percent(value: float, name: str) -> float:
    if not 0 <= value <= 100:
        raise OsdoseError(f"{name} must be a percent from 0 to 100, got {value:g}")
    return value


@guarded
def verify(
    orders: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="ORDER", help="Order YAML files, or folders of them.", show_default=False
        ),
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", metavar="FILE", help="JSONL file: one order object a line."),
    ] = None,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="table for people, json for machines.")
    ] = Format.table,
    worksheet: Annotated[
        Path | None,
        typer.Option(
            "--worksheet",
            metavar="FILE.html",
            help="Write a printable worksheet (created 0600; never over an input).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --worksheet file if it exists.")
    ] = False,
    round_: Annotated[
        bool, typer.Option("--round", help="Round each dose by its drug's rule.")
    ] = False,
    round_limit: Annotated[
        float, typer.Option("--round-limit", metavar="PCT", help="Refuse a larger rounding.")
    ] = 5.0,
    warn_percent: Annotated[
        float, typer.Option("--warn-percent", metavar="PCT", help="Deviation that warns.")
    ] = 5.0,
    fail_percent: Annotated[
        float, typer.Option("--fail-percent", metavar="PCT", help="Deviation that fails.")
    ] = 10.0,
    weight_change: Annotated[
        float | None,
        typer.Option(
            "--weight-change",
            metavar="PCT",
            help="Weight change from baseline that warns (default: the thresholds file's, 5).",
        ),
    ] = None,
    weight_fail: Annotated[
        float | None,
        typer.Option(
            "--weight-fail",
            metavar="PCT",
            help="Weight change from which doses that match the old weight fail "
            "(default: the thresholds file's, 10).",
        ),
    ] = None,
    crcl_weight: Annotated[
        CrclWeight | None,
        typer.Option(
            "--crcl-weight",
            help="Cockcroft–Gault body weight (default: the order's, else the thresholds "
            "file's: standard).",
        ),
    ] = None,
    creatinine_floor: Annotated[
        str | None,
        typer.Option(
            "--creatinine-floor",
            metavar="MG_DL",
            help="Raise a lower serum creatinine to this before Cockcroft–Gault ('0.7 mg/dL'); "
            "reported when applied.",
        ),
    ] = None,
    gfr_method: GfrMethodOpt = None,
    gfr_cap: GfrCapOpt = None,
    grace_days: Annotated[
        int, typer.Option("--grace-days", help="Days early a cycle may be, 0–365 (warns).")
    ] = 1,
    ledger: Annotated[
        str | None,  # a str: pathlib would fold the // of a postgresql:// URL
        typer.Option(
            "--ledger",
            metavar="PATH|URL",
            help="Take each order's history from the ledger instead of the order.",
        ),
    ] = None,
    patient: Annotated[
        str | None,
        typer.Option(
            "--patient",
            metavar="ID",
            help="History from the ledger for this patient (must be the order's); without "
            "--ledger: $OSDOSE_LEDGER, else the default ledger.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            help="Processes for a large --batch, 1–256 (default: the cores, from 2,000 orders).",
        ),
    ] = None,
    fail_on: Annotated[
        VerifyFailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a result is this or worse: not-checked also fails a check that "
            "could not be made (for CI).",
        ),
    ] = VerifyFailOn.fail,
) -> None:
    """Independently re-derive every dose of a chemotherapy order and check it.

    Exit 0 when nothing failed (warnings and checks that could not be
    made are shown; --fail-on not-checked or warn makes them exit 1),
    1 when a check failed, 2 when the order cannot be read. With
    several orders, a folder or --batch, an unreadable order is
    reported, counted as failed, and the rest are still verified.
    """
    from osdose.orders import load_any_order
    from osdose.status import Verdict, worst
    from osdose.verify import Options, verify_order
    from osdose.verify.batch import LedgerHistory, run_iter
    from osdose.verify.result import MAX_GRACE_DAYS

    if not orders and batch is None:
        raise OsdoseError("give an order file, a folder of orders, or --batch FILE")
    if _percent(warn_percent, "--warn-percent") > _percent(fail_percent, "--fail-percent"):
        raise OsdoseError("--warn-percent must not be larger than --fail-percent")
    if not 0 <= grace_days <= MAX_GRACE_DAYS:
        raise OsdoseError(
            f"--grace-days must be a whole number of days from 0 to {MAX_GRACE_DAYS}, "
            f"got {grace_days}"
        )
    if jobs is not None and not 1 <= jobs <= MAX_JOBS:
        raise OsdoseError(f"--jobs must be from 1 to {MAX_JOBS} processes, got {jobs}")
    floor = None
    if creatinine_floor is not None:
        from osdose.labs import concentration_mg_dl

        floor = concentration_mg_dl(creatinine_floor, "creatinine floor")
    options = Options(
        warn_percent=warn_percent,
        fail_percent=fail_percent,
        weight_warn_percent=None
        if weight_change is None
        else _percent(weight_change, "--weight-change"),
        weight_fail_percent=None if weight_fail is None else _percent(weight_fail, "--weight-fail"),
        grace_days=grace_days,
        round=round_,
        round_limit_percent=_percent(round_limit, "--round-limit"),
        crcl_weight=crcl_weight.value if crcl_weight is not None else None,
        creatinine_floor_mg_dl=floor,
        gfr_method=gfr_method.value if gfr_method is not None else None,
        gfr_cap_ml_min=ml_min(gfr_cap, "--gfr-cap"),
    )
    paths = list(orders or [])
    inputs: list[str | Path] = [*paths, *([batch] if batch is not None else [])]
    table = drug_table()
    source = None
    if ledger is not None or patient is not None:
        from osdose.ledger.location import is_postgres, resolve
        from osdose.ledger.store import ledger_files

        # without --ledger: $OSDOSE_LEDGER, else the default ledger
        where = resolve(ledger)
        source = LedgerHistory(where if is_postgres(where) else Path(where), patient)
        inputs += ledger_files(where)
    sheet = _Worksheet(worksheet, force, inputs) if worksheet is not None else None
    if batch is None and len(paths) == 1 and not paths[0].is_dir():
        # One order: unreadable input is exit 2, as for every other command.
        order = load_any_order(paths[0], table)
        result = verify_order(source.apply(order, table) if source else order, table, options)
        if sheet is not None:
            sheet.write([result])
        if format is Format.json:
            from osdose.render.verify_json import order_doc

            emit_json(order_doc(result))
        else:
            from osdose.render.verify_table import order_table

            emit_rich(order_table(result))
        raise typer.Exit(_exit_code(result.status, fail_on))
    render: Callable[[Any], Any]
    if format is Format.json:  # rich only for the table: a JSON run never imports it
        from osdose.render.verify_json import order_line as render
    else:
        from osdose.render.verify_table import summary_row as render
    if sheet is not None:
        # The worksheet needs every result whole: verified in this process.
        outcomes = list(
            run_iter(paths, batch, table, options, lambda v: v, source, jobs=1, load=load_any_order)
        )
        sheet.write(outcomes)
        stream: Generator[Any, None, None] = (render(v) for v in outcomes)
    else:
        stream = run_iter(paths, batch, table, options, render, source, jobs, load_any_order)
    try:
        statuses = _emit(stream, format)
    finally:
        # A reader gone (`| head`: BrokenPipeError) or any error: the workers are stopped
        # here, now, by the generator's own `with Pool`, not by the garbage collector while
        # the interpreter shuts down, where a pool's threads can wait on each other for ever.
        stream.close()
    raise typer.Exit(_exit_code(worst(map(Verdict, sorted(statuses)), Verdict.PASS), fail_on))


_ = verify


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
    app.command()(verify)


def _emit(stream: Iterator[Any], format: Format) -> set[str]:
    """Print several orders' results as they come (JSON) or once all are in (the summary
    table needs every row's width); each unreadable order's error goes to stderr.
    Returns the statuses met (each once: a batch's memory does not grow with its orders)."""
    first = next(stream, None)
    if first is None:
        raise OsdoseError("no orders found (a folder is read for *.yaml and *.yml files)")
    statuses: set[str] = set()
    rows: list[Any] = []
    out = sys.stdout
    if format is Format.json:
        out.write("[\n")
    for n, (status, error, payload) in enumerate(itertools.chain([first], stream)):
        statuses.add(status)
        if error:
            print(f"osdose: error: {visible(error)}", file=sys.stderr)
        if format is Format.json:
            out.write(f",\n{payload}" if n else payload)
        else:
            rows.append(payload)
    if format is Format.json:
        out.write("\n]\n")
    else:
        from osdose.render.verify_table import summary_text

        out.write(summary_text(rows, _colour()))
    return statuses


def _colour() -> bool:
    import os

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


class _Worksheet:
    """The --worksheet file: refused before any order is verified when it cannot be written
    (a link, an existing file without --force, one of the inputs named on the command line);
    written atomically, 0600, once the results are in (and never over a file read since)."""

    def __init__(self, path: Path, force: bool, inputs: list[str | Path]) -> None:
        from osdose.atomic import check_target

        # inputs given as folders: every file in them is an input, each order too
        self.inputs = [p for p in inputs if not Path(p).is_dir()]
        check_target(path, force=force, inputs=self.inputs)
        if path.suffix.lower() not in (".html", ".htm"):
            raise OsdoseError(f"--worksheet {path}: the file must end in .html")
        self.path, self.force = path, force

    def write(self, outcomes: list[Any]) -> None:
        import datetime as dt

        from osdose.atomic import write_atomic
        from osdose.render.verify_html import worksheet as page

        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        write_atomic(self.path, page(outcomes, stamp), force=self.force, inputs=self.inputs)
        print(f"worksheet written to {self.path}", file=sys.stderr)
