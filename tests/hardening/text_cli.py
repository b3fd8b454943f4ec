"""Helpers of the tests of text and bounded input (issue 10 §2, §4, §5): the CLI in-process
with plain redirection, and the one-line error every refusal must be. (The fixtures are in
conftest.py.)"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from osdose.cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]
SHIPPED_THRESHOLDS = ROOT / "osdose" / "data" / "thresholds.yaml"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run(*args: str) -> tuple[int, str, str]:
    """``osdose ARGS`` through its entry point (usage errors are one line there too)."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
    assert isinstance(code, int), code
    return code, out.getvalue(), err.getvalue()


def one_line_refusal(r: Run, *fragments: str) -> str:
    """Assert ``r`` is a refusal: exit 2, nothing on stdout, exactly one line on stderr
    starting ``osdose: error:``, no traceback; each of ``fragments`` in it. The line."""
    assert r.code == 2, (r.code, r.out[-500:], r.err[-500:])
    assert r.out == "", r.out[-500:]
    assert "Traceback" not in r.err, r.err[-2000:]
    assert r.err.endswith("\n") and r.err.count("\n") == 1, r.err[-2000:]
    line = r.err.rstrip("\n")
    assert line.startswith("osdose: error: "), line
    for f in fragments:
        assert f in line, (f, line)
    return line


def refused(*args: str) -> str:
    """Run osdose and assert it refused (:func:`one_line_refusal`). The line and its end,
    for the test to look into."""
    return one_line_refusal(Run(*run(*args))) + "\n"


def regimen_text(**changes: str) -> str:
    """The shipped DIA regimen with lines replaced: ``{"cycles: 11": "cycles: 1:30"}``."""
    text = (ROOT / "regimens" / "DIA.yaml").read_text()
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text
