"""Helpers of the hardening tests (issue 10): the CLI in-process, and the one-line error
every refusal must be."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

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


@pytest.fixture(autouse=True)
def _shipped_thresholds() -> Iterator[None]:
    """``--thresholds`` is process state (osdose.thresholds.use): not carried between runs."""
    from osdose import thresholds

    yield
    thresholds.use(None)


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    """Run in an empty folder (relative paths in messages stay short)."""
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(here)


def regimen_text(**changes: str) -> str:
    """The shipped DIA regimen with lines replaced: ``{"cycles: 11": "cycles: 1:30"}``."""
    text = (ROOT / "regimens" / "DIA.yaml").read_text()
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text
