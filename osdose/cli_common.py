"""What every CLI module shares: the output format choice, error handling, emitters.

Only typer and osdose.errors are imported at module level: ``osdose --help`` stays fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from osdose.errors import InputError, OsdoseError


class Format(StrEnum):
    table = "table"
    json = "json"


class _State:
    """Global options (set by the main callback)."""

    debug = False
    drugs: Path | None = None


state = _State()
F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """Turn osdose's own errors into one line on stderr and exit status 2; any other
    exception (a bug) into one line that names only its type (see :func:`internal_error`)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from osdose.atomic import forget_reads

        forget_reads()  # a new command: what an earlier one read is not its input
        try:
            if kwargs.get("patient") is not None:  # --patient, before anything is opened
                kwargs["patient"] = patient_id(kwargs["patient"])
            return fn(*args, **kwargs)
        except OsdoseError as exc:
            if state.debug:
                import traceback

                traceback.print_exc()
            fail(str(exc))
        except Exception as exc:
            if _is_click(exc) or isinstance(exc, BrokenPipeError):
                # typer.Exit and usage errors: typer's own flow (main() prints them); a closed
                # stdout (`osdose … | head`): click exits 1 quietly, as before this guard
                raise
            fail(internal_error(exc, state.debug))

    return wrapper  # type: ignore[return-value]


def _is_click(exc: BaseException) -> bool:
    """Whether ``exc`` is typer's or click's own control flow (``typer.Exit`` is a
    ``RuntimeError``, usage errors are ``ClickException``)."""
    return any(c.__module__.split(".")[0] in ("click", "typer") for c in type(exc).__mro__[:-2])


def internal_error(exc: BaseException, debug: bool) -> str:
    """The one line for an exception osdose did not expect (a bug): its type only, never its
    message, which may quote patient data; ``--debug`` prints the traceback first."""
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    return (
        f"internal error ({type(exc).__name__}): this is a bug in osdose, not a problem with "
        "the input; re-run with --debug to see the traceback, and report it"
    )


def patient_id(value: str) -> str:
    """A ``--patient`` option read as a patient id in a file is (:func:`osdose.fields.identifier`:
    no control, bidirectional or invisible characters, no look-alike letters); every
    command's ``patient`` is checked so by :func:`guarded`, before anything is opened."""
    from osdose.fields import FieldError, identifier

    try:
        return identifier(value, "a patient id")
    except FieldError as exc:
        raise InputError("--patient", str(exc)) from None


def fail(message: str, code: int = 2) -> None:
    from osdose.visible import visible

    # one line, whatever the message quotes (a file name, a value read from a file)
    print(f"osdose: error: {visible(message)}", file=sys.stderr)
    raise typer.Exit(code)


#: A command's renderers: for each output format, "module:function" turning the command's
#: result into a JSON document (json) or a rich renderable (table); imported when used, so
#: that a JSON run never imports rich. tests/test_cli.py holds every command to a renderer
#: for each of its formats.
Renderers = dict[Format, str]


def render(renderers: Renderers, format: Format, value: Any) -> None:
    """Render ``value`` in ``format`` with the command's renderer, to stdout."""
    import importlib

    module, name = renderers[format].split(":")
    doc = getattr(importlib.import_module(module), name)(value)
    if format is Format.json:
        emit_json(doc)
    else:
        emit_rich(doc)


def emit_json(doc: Any) -> None:
    from osdose.render.dose_json import dumps

    sys.stdout.write(dumps(doc) + "\n")


def emit_rich(renderable: Any) -> None:
    from osdose.render.dose_table import console

    console().print(renderable)


def drug_table() -> Any:
    from osdose.drugs import load_drugs

    return load_drugs(state.drugs)


#: Every command and group: ``-h`` as well as ``--help``.
HELP = {"help_option_names": ["-h", "--help"]}


class GfrMethod(StrEnum):
    measured = "measured"
    cockcroft_gault = "cockcroft-gault"
    ckd_epi = "ckd-epi-2021-absolute"


class Sex(StrEnum):
    male = "male"
    female = "female"


class CrclWeight(StrEnum):
    actual = "actual"
    ideal = "ideal"
    adjusted = "adjusted"
    standard = "standard"


def ml_min(text: str | None, field: str) -> float | None:
    """A clearance in mL/min (a bare number is mL/min on the command line)."""
    if text is None:
        return None
    from osdose.kidney import measured_gfr

    return measured_gfr(text, field, bare_is_ml_min=True)


GfrMethodOpt = Annotated[
    GfrMethod | None,
    typer.Option(
        "--gfr-method",
        help="Where an AUC dose's GFR comes from (default: the order's or regimen's, else "
        "cockcroft-gault).",
    ),
]
GfrCapOpt = Annotated[
    str | None,
    typer.Option(
        "--gfr-cap",
        metavar="ML_MIN",
        help="Cap the GFR of Calvert's formula here (default 125 mL/min, the thresholds "
        "file's; reported when it bites).",
    ),
]
