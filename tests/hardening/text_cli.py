"""Helpers of the tests of text and bounded input (issue 10 §2, §4, §5): the CLI in-process
with plain redirection, and the one-line error every refusal must be. (The fixtures are in
conftest.py.)"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from osdose.cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]
SHIPPED_THRESHOLDS = ROOT / "osdose" / "data" / "thresholds.yaml"


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


def refused(*args: str) -> str:
    """Run osdose and assert it refused: exit 2, one line ``osdose: error: …``, no
    traceback. The line, for the test to look into."""
    code, out, err = run(*args)
    assert code == 2, (code, out, err)
    assert err.startswith("osdose: error: "), err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err + out
    return err


def regimen_text(**changes: str) -> str:
    """The shipped DIA regimen with lines replaced: ``{"cycles: 11": "cycles: 1:30"}``."""
    text = (ROOT / "regimens" / "DIA.yaml").read_text()
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text
