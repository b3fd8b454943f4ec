"""Each reader of osdose driven in this process, from its input to what the command renders.

A reader here is a function of a workspace and one input: it writes the input where the
command would find it, calls the core as the command does, and renders the result in both
formats (strict JSON and the rich table, to a string), because a hostile value that passes
the reader can still crash the renderer. It returns nothing; osdose's own refusal
(:class:`osdose.errors.OsdoseError`) is a correct answer, any other exception a crash.

The command line itself is driven by :func:`cli`: ``osdose.cli.main`` in this process,
with stdout and stderr captured.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from osdose import api
from osdose.cli_common import Format, Renderers

from .harness import BadExit
from .hostile import ROOT

_N = itertools.count()


@dataclass
class Workspace:
    """A scratch folder holding a copy of examples/ (so that an order's relative history
    path resolves as it does in the shipped examples)."""

    root: Path
    written: list[Path]

    @classmethod
    def make(cls, tmp: Path) -> Workspace:
        shutil.copytree(ROOT / "examples", tmp / "examples")
        return cls(tmp, [])

    def write(self, folder: str, suffix: str, text: str) -> Path:
        """A new file for each input: osdose caches what it read by path."""
        path = self.root / folder / f"fuzz-{next(_N)}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8", errors="surrogatepass")
        self.written.append(path)
        return path

    def clean(self) -> None:
        """Remove the files of the last input (a long run writes 10⁵ of them)."""
        for p in self.written:
            p.unlink(missing_ok=True)
        self.written.clear()

    @property
    def course(self) -> Path:
        return self.root / "examples" / "course-p0042.yaml"


def _render(renderers: Renderers, value: Any) -> None:
    from osdose.cli_common import render

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for fmt in (Format.json, Format.table):
            render(renderers, fmt, value)


def _print(renderable: Any) -> None:
    from rich.console import Console

    Console(file=io.StringIO(), width=120, highlight=False).print(renderable)


def _clear() -> None:
    from osdose.library import clear_caches

    clear_caches()


PATIENT = {"height": "175 cm", "weight": "70 kg", "age": "40", "sex": "male"}


# --- in-process readers --------------------------------------------------------------------


def regimen(ws: Workspace, text: str) -> None:
    """A regimen file: lint (every finding format), dose for a patient, and a plan of two
    cycles on top of the example course."""
    from osdose.cli import DOSE_RENDERERS
    from osdose.cli_cumulative import PLAN_RENDERERS
    from osdose.lint import lint_texts
    from osdose.render.findings import RENDERERS, renderer

    path = ws.write("regimens", ".yaml", text)
    _clear()
    result = lint_texts([(str(path), text)])
    for name in RENDERERS:
        out = renderer(name)(result)
        if not isinstance(out, str):
            _print(out)
    try:
        _render(DOSE_RENDERERS, api.dose(str(path), **PATIENT, creatinine="0.9 mg/dL"))
    finally:
        _render(PLAN_RENDERERS, api.plan(ws.course, steps=[(str(path), 2)]))


def course(ws: Workspace, text: str) -> None:
    """A course file: the cumulative totals, and a plan of two DDP+EPI cycles on top."""
    from osdose.cli_cumulative import EXPOSURE_RENDERERS, PLAN_RENDERERS

    path = ws.write("examples", ".yaml", text)
    try:
        _render(EXPOSURE_RENDERERS, api.cumulative(path))
    finally:
        _render(PLAN_RENDERERS, api.plan(path, steps=[("DDP+EPI", 2)]))


def _verified(v: Any) -> None:
    from osdose.render.dose_json import dumps
    from osdose.render.verify_json import order_doc, order_line
    from osdose.render.verify_table import order_table, summary_row

    dumps(order_doc(v))
    _print(order_table(v))
    order_line(v)
    summary_row(v)


def order(ws: Workspace, text: str) -> None:
    """An order file (YAML), every check of it."""
    _verified(api.verify(ws.write("examples/orders", ".yaml", text)))


def batch_line(ws: Workspace, line: str) -> None:
    """One line of a JSONL batch: a bad line is that order's error, never the batch's."""
    from osdose.drugs import load_drugs
    from osdose.verify import verify_order
    from osdose.verify.order_files import orders

    table = load_drugs()
    path = ws.write("examples/orders", ".jsonl", line + "\n")
    for o in orders([], path, table):
        if not isinstance(o, Exception):
            _verified(verify_order(o, table))


def drug_table(ws: Workspace, text: str) -> None:
    """A drug table (--drugs): a dose of DIA and the example course's totals with it."""
    from osdose.cli import DOSE_RENDERERS
    from osdose.cli_cumulative import EXPOSURE_RENDERERS
    from osdose.drugs import load_drugs

    path = ws.write("drugs", ".yaml", text)
    _clear()
    table = load_drugs(path)
    try:
        _render(DOSE_RENDERERS, api.dose("DIA", **PATIENT, drugs=table))
    finally:
        _render(EXPOSURE_RENDERERS, api.cumulative(ws.course, drugs=table))


def quantity(ws: Workspace, text: str) -> None:
    """One quantity as every option reads it: height, weight, BSA, a dose, a clearance."""
    from osdose import body, units
    from osdose.cli import BSA_RENDERERS, DOSE_RENDERERS
    from osdose.errors import OsdoseError

    steps = [
        lambda: units.parse(text, "quantity"),
        lambda: body.height_cm(text),
        lambda: body.weight_kg(text),
        lambda: body.bsa_m2(text),
        lambda: _render(BSA_RENDERERS, api.bsa(height=text, weight="70 kg", formula="all")),
        lambda: _render(BSA_RENDERERS, api.bsa(height="175 cm", weight=text)),
        lambda: _render(DOSE_RENDERERS, api.dose("DIA", bsa=text)),
        lambda: _render(DOSE_RENDERERS, api.dose("carboplatin-paclitaxel", bsa="1.8 m2", gfr=text)),
        lambda: api.gfr(age="60", sex="male", creatinine=text, weight="70 kg"),
    ]
    for step in steps:  # each on its own: one refusal must not hide the next reader's crash
        with contextlib.suppress(OsdoseError):
            step()


def fhir_bundle(ws: Workspace, text: str) -> None:
    """A Bundle of MedicationAdministration (fhir import): read, and written as a course."""
    from osdose.fhir.ingest import course_text, read

    got = read(ws.write("fhir", ".json", text))
    course_text(got, "fuzz")


def fhir_order(ws: Workspace, text: str) -> None:
    """A MedicationRequest Bundle given to verify."""
    _verified(api.verify(ws.write("examples/fhir", ".json", text)))


def fhir_plandefinition(ws: Workspace, text: str) -> None:
    """A PlanDefinition read back as a regimen (fhir regimen --import)."""
    from osdose.fhir.plandefinition import read_plan_definition

    read_plan_definition(ws.write("fhir", ".json", text))


# --- the command line ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def cli(argv: list[str]) -> Ran:
    """``osdose ARGV`` in this process; a broken contract raises :class:`BadExit`."""
    from osdose.cli import main
    from osdose.cli_common import state

    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    state.debug, state.drugs = False, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    ran = Ran(code if isinstance(code, int) else 1, out.getvalue(), err.getvalue())
    if "Traceback (most recent call last)" in ran.stdout + ran.stderr:
        raise BadExit(f"a traceback printed (exit {ran.code}): {_last(ran.stderr)}")
    if ran.code not in (0, 1, 2):
        raise BadExit(f"exit code {ran.code!r}: {_last(ran.stderr)}")
    if ran.code == 2:
        lines = ran.stderr.splitlines()
        errors = [x for x in lines if x.startswith("osdose: error: ")]
        # the fhir commands name each refused resource on an error line of its own, then
        # say what was not done (docs/fhir.md); anything else is one error line
        several = (
            argv[0] == "fhir" and lines[-1:] == errors[-1:] and "refused; nothing" in lines[-1]
        )
        if not (len(lines) == 1 == len(errors) or (several and len(errors) == len(lines))):
            raise BadExit(f"exit 2 with {len(lines)} stderr lines: {_last(ran.stderr)}")
    if ran.code == 0 and "osdose: error:" in ran.stderr:
        raise BadExit("exit 0 with an error on stderr")
    return ran


def _last(text: str) -> str:
    lines = [x for x in text.splitlines() if x.strip()]
    return json.dumps(lines[-1][:160] if lines else "")
