"""The command line: typer wiring only — options in, one core call, one renderer, exit code.

Heavy modules (pint, pydantic, rich) are imported inside the commands so that
``osdose --help`` stays fast and never builds the unit registry.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import osdose.cli_boot  # noqa: F401  (first: it sets up how typer, pydantic and rich load)

# isort: split
import typer

from osdose import __version__
from osdose.cli_common import (
    HELP,
    CrclWeight,
    Format,
    GfrCapOpt,
    GfrMethodOpt,
    Renderers,
    Sex,
    drug_table,
    guarded,
    internal_error,
    render,
    state,
)
from osdose.cli_help import plain_help
from osdose.cli_lazy import defer, fast_options, no_plugin_search
from osdose.errors import OsdoseError

no_plugin_search()  # ...nor imports importlib.metadata to find none (before any model)
plain_help()
fast_options()
app = typer.Typer(
    name="osdose",
    help="Chemotherapy dose and cumulative-toxicity calculator. It calculates, checks and "
    "reports; it never decides treatment.",
    no_args_is_help=True,
    context_settings=HELP,
    pretty_exceptions_show_locals=False,  # never put patient data on screen in a traceback
)
regimens_app = typer.Typer(
    help="List and show the regimens osdose knows.", no_args_is_help=True, context_settings=HELP
)
app.add_typer(regimens_app, name="regimens")


def _version(value: bool) -> None:
    if value:
        print(f"osdose {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback with errors.")] = False,
    drugs: Annotated[
        Path | None,
        typer.Option(
            "--drugs",
            envvar="OSDOSE_DRUGS",
            metavar="FILE",
            help="Drug reference YAML to use instead of the shipped one.",
        ),
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(
            "--thresholds",
            envvar="OSDOSE_THRESHOLDS",
            metavar="FILE",
            help="Thresholds YAML (plausible ranges, policies) instead of the shipped one.",
        ),
    ] = None,
) -> None:
    """osdose: chemotherapy doses from height, weight and a regimen, with every unit checked."""
    state.debug = debug
    state.drugs = drugs
    if thresholds is not None:
        from osdose import thresholds as thresholds_mod

        thresholds_mod.use(thresholds)


HeightOpt = Annotated[
    str | None, typer.Option("--height", "-H", help="Height with unit: 175cm, 69 in, '5 ft 9 in'.")
]
WeightOpt = Annotated[
    str | None, typer.Option("--weight", "-W", help="Weight with unit: 70kg, 154 lb.")
]
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="table for people, json for machines.")
]
CapOpt = Annotated[
    str | None,
    typer.Option(
        "--bsa-cap", metavar="M2", help="Cap BSA at this many m² (local policy; always reported)."
    ),
]


CapReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--cap-reason",
        metavar="TEXT",
        help="Why the BSA is capped (required with --bsa-cap: full weight-based dosing is the "
        "ASCO default).",
    ),
]


BSA_RENDERERS: Renderers = {
    Format.table: "osdose.render.dose_table:bsa_table",
    Format.json: "osdose.render.dose_json:bsa_results",
}
DOSE_RENDERERS: Renderers = {
    Format.table: "osdose.render.dose_table:dose_table",
    Format.json: "osdose.render.dose_json:dose_sheet",
}
GFR_RENDERERS: Renderers = {
    Format.table: "osdose.render.gfr:gfr_table",
    Format.json: "osdose.render.gfr:gfr_doc",
}
REGIMENS_RENDERERS: Renderers = {
    Format.table: "osdose.render.dose_table:regimens_table",
    Format.json: "osdose.render.dose_json:regimen_list",
}
REGIMEN_RENDERERS: Renderers = {
    Format.table: "osdose.render.dose_table:regimen_detail",
    Format.json: "osdose.render.dose_json:regimen_doc",
}


@app.command()
@guarded
def bsa(
    height: HeightOpt = None,
    weight: WeightOpt = None,
    formula: Annotated[
        str,
        typer.Option("--formula", help="mosteller, dubois, haycock, gehan-george, boyd, or all."),
    ] = "mosteller",
    bsa_cap: CapOpt = None,
    cap_reason: CapReasonOpt = None,
    format: FormatOpt = Format.table,
) -> None:
    """Body surface area by one formula or all of them side by side."""
    from osdose import api
    from osdose.bsa import CLI_NAMES

    if height is None or weight is None:
        raise OsdoseError(
            "bsa needs both --height and --weight, with units "
            "(for example --height 175cm --weight 70kg)"
        )
    results = api.bsa(
        height=height, weight=weight, formula=formula, bsa_cap=bsa_cap, cap_reason=cap_reason,
        names=CLI_NAMES,
    )  # fmt: skip
    render(BSA_RENDERERS, format, results)


@app.command()
@guarded
def dose(
    regimen: Annotated[
        str,
        typer.Argument(
            metavar="REGIMEN", help="Regimen name or alias (DIA, ddp-epi) or a path to a YAML file."
        ),
    ],
    height: HeightOpt = None,
    weight: WeightOpt = None,
    bsa: Annotated[
        str | None,
        typer.Option("--bsa", help="Use this BSA (1.9 or '1.9 m2') instead of computing it."),
    ] = None,
    formula: Annotated[
        str | None,
        typer.Option(
            "--formula",
            help="BSA formula: mosteller (default), dubois, haycock, gehan-george, boyd.",
        ),
    ] = None,
    bsa_cap: CapOpt = None,
    cap_reason: CapReasonOpt = None,
    dose_percent: Annotated[
        float, typer.Option("--dose-percent", help="Planned dose percent, 1–100.")
    ] = 100.0,
    age: Annotated[
        str | None,
        typer.Option("--age", help="Age (small-patient rules; GFR): 60, '10 months', 0.8."),
    ] = None,
    sex: Annotated[Sex | None, typer.Option("--sex", help="male or female (GFR).")] = None,
    creatinine: Annotated[
        str | None,
        typer.Option("--creatinine", help="Serum creatinine with its unit, for an AUC dose's GFR."),
    ] = None,
    gfr: Annotated[
        str | None,
        typer.Option("--gfr", metavar="ML_MIN", help="A measured GFR (mL/min) for an AUC dose."),
    ] = None,
    gfr_method: GfrMethodOpt = None,
    gfr_cap: GfrCapOpt = None,
    creatinine_floor: Annotated[
        str | None,
        typer.Option(
            "--creatinine-floor",
            metavar="MG_DL",
            help="Raise a lower creatinine to "
            "this before estimating the GFR; reported when applied.",
        ),
    ] = None,
    crcl_weight: Annotated[
        CrclWeight | None,
        typer.Option("--crcl-weight", help="Cockcroft–Gault body weight policy."),
    ] = None,
    format: FormatOpt = Format.table,
) -> None:
    """Per-day and per-cycle doses of every drug of a regimen, each with how it was reached,
    and each drug against its usual maxima. A regimen file with a lint error is refused, and
    so is a retired regimen (naming its successor); a draft is calculated with a warning.

    A dose by AUC (carboplatin) needs the GFR: a measured --gfr, or --age, --sex and
    --creatinine to estimate it."""
    from osdose import api
    from osdose.bsa import CLI_NAMES

    sheet = api.dose(
        regimen, height=height, weight=weight, bsa=bsa, formula=formula, bsa_cap=bsa_cap,
        cap_reason=cap_reason, dose_percent=dose_percent, age=age,
        sex=sex.value if sex is not None else None, creatinine=creatinine, gfr=gfr,
        gfr_method=gfr_method.value if gfr_method is not None else None, gfr_cap=gfr_cap,
        creatinine_floor=creatinine_floor,
        crcl_weight=crcl_weight.value if crcl_weight is not None else None,
        drugs=drug_table(), names=CLI_NAMES,
    )  # fmt: skip
    render(DOSE_RENDERERS, format, sheet)


@app.command()
@guarded
def gfr(
    age: Annotated[str, typer.Option("--age", help="Age: 60, '60 years', '10 months'.")],
    sex: Annotated[Sex, typer.Option("--sex", help="male or female.")],
    creatinine: Annotated[
        str,
        typer.Option(
            "--creatinine", help="Serum creatinine with its unit: 1.0mg/dL, 88 µmol/L, 10 mg/L."
        ),
    ],
    height: HeightOpt = None,
    weight: WeightOpt = None,
    crcl_weight: Annotated[
        CrclWeight | None,
        typer.Option(
            "--crcl-weight",
            help="Cockcroft–Gault body weight (default: the thresholds file's, standard).",
        ),
    ] = None,
    creatinine_floor: Annotated[
        str | None,
        typer.Option(
            "--creatinine-floor",
            metavar="MG_DL",
            help="Raise a lower creatinine to this first ('0.7 mg/dL'); reported when applied.",
        ),
    ] = None,
    format: FormatOpt = Format.table,
) -> None:
    """Kidney function side by side: Cockcroft–Gault, CKD-EPI 2021 (per 1.73 m² and de-indexed
    to the patient's BSA), and bedside Schwartz for children, each with its formula."""
    from osdose import api
    from osdose.bsa import CLI_NAMES

    r = api.gfr(
        age=age, sex=sex.value, creatinine=creatinine, height=height, weight=weight,
        crcl_weight=crcl_weight.value if crcl_weight is not None else None,
        creatinine_floor=creatinine_floor, names=CLI_NAMES,
    )  # fmt: skip
    render(GFR_RENDERERS, format, r)


@regimens_app.command("list")
@guarded
def regimens_list(format: FormatOpt = Format.table) -> None:
    """Every regimen in the shipped library."""
    from osdose import api

    render(REGIMENS_RENDERERS, format, api.regimens(drug_table()))


@regimens_app.command("show")
@guarded
def regimens_show(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Regimen name or alias, or a path to a YAML file.")
    ],
    format: FormatOpt = Format.table,
) -> None:
    """One regimen: drugs, doses per day, days, route, supportive care, sources."""
    from osdose import api

    render(REGIMEN_RENDERERS, format, api.regimen(name, drug_table()))


def _register_features() -> None:
    # Each feature keeps its commands in its own module; they import heavy modules lazily.
    from osdose import (
        cli_cumulative,
        cli_diff,
        cli_fhir,
        cli_ledger,
        cli_lint,
        cli_start,
        cli_verify,
    )

    for feature in (
        cli_cumulative,
        cli_verify,
        cli_lint,
        cli_diff,
        cli_ledger,
        cli_fhir,
        cli_start,
    ):
        feature.register(app)


_register_features()
defer(app)  # typer builds the command that runs, not all of them (``--help``: all)


def _click_exceptions() -> Any:
    import importlib

    try:  # typer ≥ 0.22 vendors click
        return importlib.import_module("typer._click.exceptions")
    except ImportError:  # pragma: no cover - older typer depends on click itself
        return importlib.import_module("click.exceptions")


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``osdose`` and ``python -m osdose``: usage errors become one line too,
    and so does any exception no command caught (a bug): its type and a hint to re-run with
    ``--debug``, never its message (it may quote patient data)."""
    exceptions = _click_exceptions()
    args = sys.argv[1:] if argv is None else argv
    try:
        code = app(args=argv, prog_name="osdose", standalone_mode=False)
    except exceptions.NoArgsIsHelpError as exc:
        # a bare `osdose`, `osdose ledger`: the help is the answer, not an error
        if exc.format_message().strip():
            print(exc.format_message())
        sys.exit(0)
    except exceptions.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "osdose"
        message = " ".join(exc.format_message().split())  # "Choose from:\n\tverified": one line
        print(f"osdose: error: {message} (see '{command} --help')", file=sys.stderr)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        print("osdose: error: aborted", file=sys.stderr)
        sys.exit(130)
    except exceptions.ClickException as exc:
        print(f"osdose: error: {' '.join(exc.format_message().split())}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except OsdoseError as exc:  # raised outside a command (a global option's callback)
        print(f"osdose: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        debug = state.debug or "--debug" in args  # the callback may not have run
        print(f"osdose: error: {internal_error(exc, debug)}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
