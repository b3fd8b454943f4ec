"""The hardening tests run osdose as a person does: through :func:`osdose.cli.main`, the
entry point of the ``osdose`` command, so that what reaches the terminal (one line on
stderr, the exit status) is what is asserted, including errors no command caught."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import pytest

from osdose.cli import main

from .text_cli import DATA, Run, one_line_refusal

__all__ = ["DATA", "Run", "refused"]  # the tests import them from here


def run_main(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    """``osdose ARGS``: the exit status and what was written to stdout and stderr."""
    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


refused = one_line_refusal  # the tests here call it refused(run, *fragments)


def at_line(line: str, path: Path | str, number: int) -> None:
    """Assert the error ``line`` names ``path:number:``."""
    assert re.match(rf"osdose: error: {re.escape(str(path))}:{number}: ", line), line


@pytest.fixture(autouse=True)
def _quiet_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No ledger, drug table, thresholds or clock from the environment, and an empty
    working folder: nothing outside the test decides the outcome. (Today is the real day:
    the shipped regimens' approvals are dated, and every date in these tests is past.)"""
    for name in list(os.environ):
        if name.startswith("OSDOSE_") and name not in ("OSDOSE_SKIP_WHEEL", "OSDOSE_TEST_PG"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def osdose(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``osdose(*args)`` runs the command line in this process."""
    return lambda *args: run_main(capsys, *args)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of this folder's data in the test's own folder (commands may write beside)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def shipped_drug_table() -> str:
    return resources.files("osdose").joinpath("data/drugs.yaml").read_text("utf-8")


@pytest.fixture
def drug_table(tmp_path: Path) -> Callable[[str, str], tuple[Path, int]]:
    """``drug_table(old, new)``: the shipped drug table with the first ``old`` replaced by
    ``new``, written to a file (the shipped table is too long to keep a copy per defect);
    returns the file and the line of the change."""

    def make(old: str, new: str) -> tuple[Path, int]:
        text = shipped_drug_table()
        at = text.index(old)
        path = tmp_path / f"drugs-{re.sub(r'[^a-z0-9.]+', '-', new.lower()).strip('-')}.yaml"
        path.write_text(text[:at] + new + text[at + len(old) :], "utf-8")
        return path, text[:at].count("\n") + 1

    return make


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    """Run in an empty folder (relative paths in messages stay short)."""
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(here)
