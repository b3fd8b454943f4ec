"""Start-up (osdose/cli_lazy.py): typer builds only the command that runs, and converts the
options osdose uses without pydantic, to the same values and with the same refusals as typer's
own converter. The benchmark is benchmarks/startup.py; no timing here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer import _coercion

from osdose.cli import _click_exceptions, app
from osdose.cli_lazy import LazyCommands

click = _click_exceptions()  # typer's click (vendored by typer ≥ 0.22)
Parameter = Any

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
PATIENT = ["--height", "175cm", "--weight", "70kg"]

#: typer's order: the app's commands as registered (cli.py, then each feature), then groups
EVERY_COMMAND = [
    *("bsa", "dose", "gfr", "cumulative", "plan", "verify", "lint", "schema", "snapshot"),
    *("diff", "template", "examples", "regimens", "ledger", "fhir"),
]


def test_the_group_lists_every_command_in_typers_order_without_building_one() -> None:
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    assert isinstance(commands, LazyCommands)
    assert list(commands) == EVERY_COMMAND
    assert commands.built() == []


def test_a_run_builds_only_its_command() -> None:
    group = typer.main.get_command(app)
    with pytest.raises(SystemExit) as done:
        group.main(["bsa", *PATIENT, "--format", "json"], prog_name="osdose")
    assert done.value.code == 0
    assert group.commands.built() == ["bsa"]  # type: ignore[attr-defined]


def test_help_builds_them_all() -> None:
    group = typer.main.get_command(app)
    with pytest.raises(SystemExit):
        group.main(["--help"], prog_name="osdose")
    assert group.commands.built() == EVERY_COMMAND  # type: ignore[attr-defined]


def test_a_misspelt_command_is_refused_with_the_closest_name() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "osdose", "plna"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2
    assert "No such command 'plna'" in done.stderr
    assert "plan" in done.stderr


# --- options: the fast converter against typer's own --------------------------------------


class Colour(StrEnum):
    red = "red"
    dark_blue = "dark-blue"


def _params() -> dict[str, Parameter]:
    """One command of every kind of parameter osdose uses, built by typer (and so with
    osdose's converter, installed when osdose.cli was imported)."""
    probe = typer.Typer()

    @probe.command()
    def every(
        text: Annotated[str | None, typer.Option()] = None,
        number: Annotated[float, typer.Option()] = 100.0,
        whole: Annotated[int | None, typer.Option()] = None,
        at_least_one: Annotated[int | None, typer.Option(min=1)] = None,
        path: Annotated[Path | None, typer.Option()] = None,
        existing: Annotated[Path | None, typer.Option(exists=True)] = None,
        colour: Annotated[Colour | None, typer.Option()] = None,
        texts: Annotated[list[str] | None, typer.Option()] = None,
        wholes: Annotated[list[int] | None, typer.Option()] = None,
        flag: Annotated[bool, typer.Option("--flag")] = False,
    ) -> None:
        pass

    command = typer.main.get_command(probe)
    return {p.name: p for p in command.params if p.name}


PARAMS = _params()


def _outcome(runtime: Any, param: Parameter, value: Any) -> tuple[str, Any]:
    ctx = typer.Context(typer.main.TyperCommand("probe"))
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)
    except click.ClickException as exc:
        return "refused", exc.format_message()
    return "value", (type(got), repr(got))  # repr: nan is not equal to itself


def _both(name: str, value: Any) -> tuple[tuple[str, Any], tuple[str, Any]]:
    param = PARAMS[name]
    fast = param.get_runtime_param()  # type: ignore[attr-defined]
    assert type(fast).__name__ == "_Fast", name  # osdose's converter is in place
    own = _coercion.build_runtime_param(param.type_descriptor)  # type: ignore[attr-defined]
    return _outcome(fast, param, value), _outcome(own, param, value)


# every value here was picked by hand: ordinary input, and the edges where the fast path
# must hand over to typer (exponents, signs, spaces, leading zeros, underscores, dots)
NUMBERS = ["1.5", "100", "-0", "0.5", "1e2", "+1", "1_0", "007", ".5", "5.", "nan", "inf"]
NUMBERS += ["abc", "1.5.0", " 1", ""]
CASES = {
    "text": ["abc", "", " 175 cm ", "5 ft 9 in", "é", None],
    "number": [*NUMBERS, 100.0, None],
    "whole": ["7", "0", "-3", "007", "1.0", "1e2", " 7", "+7", "x", "", "1_000", None],
    "at_least_one": ["1", "5", "0", "-1", "x", None],
    "path": ["a.yaml", "examples", "", "-", "no/such/file", None],
    "existing": [str(EX / "case-report-course.yaml"), "no/such/file", str(EX), None],
    "colour": ["red", "dark-blue", "RED", "blue", "", Colour.red, None],
    "texts": [("a", "b"), (), ["x"], "a", None],
    "wholes": [("1", "2"), ("1", "x"), ("1.5",), (), None],
    "flag": [True, False],
}


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in CASES.items() for v in values])
def test_the_fast_converter_answers_as_typer_does(name: str, value: Any) -> None:
    fast, own = _both(name, value)
    assert fast == own


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.-+e _x ", max_size=12))
def test_numbers_from_any_text_as_typer_reads_them(text: str) -> None:
    for name in ("number", "whole", "at_least_one"):
        fast, own = _both(name, text)
        assert fast == own


class _Refuse:
    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        raise AssertionError("handed over to typer")


def test_a_plain_decimal_is_read_without_typer() -> None:
    """The checks above could pass with the fast path handing everything over: it doesn't."""
    param = PARAMS["number"]
    fast = param.get_runtime_param()  # type: ignore[attr-defined]
    kept = list(fast._typer)
    fast._typer[:] = [_Refuse()]
    ctx = typer.Context(typer.main.TyperCommand("probe"))
    try:
        assert fast.coerce("2.25", param=param, ctx=ctx) == 2.25
        with pytest.raises(AssertionError):
            fast.coerce("2.25e0", param=param, ctx=ctx)
    finally:
        fast._typer[:] = kept


# a script's first lines: osdose run in-process on the command line given as JSON in argv[1]
_RUN_MAIN = """
import io, json, os, sys
from osdose.cli import main
sys.stdout = io.StringIO()
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
sys.stdout = sys.__stdout__
"""
_IMPORTS = (
    _RUN_MAIN
    + """
print(json.dumps(sorted(m for m in sys.modules if m.startswith("typer._adapters"))))
"""
)


def _run_main_in(script: str, args: list[str], env: dict[str, str] | None = None) -> Any:
    """The JSON ``script`` (which begins with :data:`_RUN_MAIN`) prints last, after running
    ``osdose ARGS`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ["bsa", *PATIENT, "--format", "json"],
        ["plan", str(EX / "case-report-neoadjuvant.yaml"), "-r", "DIA", "-n", "9", "-f", "json"],
    ],
)
def test_typer_reads_the_options_without_its_pydantic_adapters(args: list[str]) -> None:
    assert _run_main_in(_IMPORTS, args) == []


# --- pydantic's plugin search --------------------------------------------------------------

_PLUGINS = (
    _RUN_MAIN
    + """
from pydantic.plugin import _loader
found = [type(_loader).__name__, "importlib.metadata" in sys.modules, list(_loader.get_plugins())]
os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""  # plugins on again: pydantic's own loader answers
found += [list(_loader.get_plugins()), type(sys.modules["pydantic.plugin._loader"]).__name__]
print(json.dumps(found))
"""
)


def test_with_plugins_off_pydantic_finds_none_without_importlib_metadata() -> None:
    args = ["cumulative", str(EX / "case-report-course.yaml"), "--format", "json"]
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    found = _run_main_in(_PLUGINS, args, env)
    # a course file was validated by pydantic, which asked for plugins: none, and
    # importlib.metadata was not imported; then, plugins on, pydantic's own module answered
    # (no pydantic plugin is installed here: none either)
    assert found == ["_NoPlugins", False, [], [], "module"]


def test_plugins_asked_for_by_the_user_are_left_to_pydantic() -> None:
    script = (
        "import sys; import osdose.cli; "
        "print(type(sys.modules.get('pydantic.plugin._loader')).__name__)"
    )
    env = dict(os.environ, PYDANTIC_DISABLE_PLUGINS="some_plugin")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "NoneType"  # no stand-in: pydantic imports its own


def test_other_names_of_the_loader_come_from_pydantics_own() -> None:
    script = (
        "import sys; import osdose.cli; from pydantic.plugin import _loader; "
        "print(_loader.PYDANTIC_ENTRY_POINT_GROUP, type(sys.modules[_loader.__name__]).__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["pydantic", "module"]
