"""Every crash make fuzz has found, kept as a file under corpus/READER/ named after what it
holds (the smallest input of each distinct crash in RESULTS.md): each goes through its reader
in this process and through the command line, every time make test runs. A crash not fixed
yet is marked in known.py (``corpus-READER/FILE``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import readers
from .harness import outcome
from .known import case
from .test_cli import CASES as COMMANDS
from .test_readers import READERS

CORPUS = Path(__file__).parent / "corpus"

IN_PROCESS = {name: read for name, (read, _, _) in READERS.items()}
IN_PROCESS["batch-line"] = readers.batch_line


def _files() -> list[object]:
    return [
        case(f"corpus-{p.parent.name}/{p.name}", p)
        for p in sorted(CORPUS.glob("*/*"))
        if p.is_file()
    ]


def test_every_corpus_folder_is_a_reader() -> None:
    assert {p.name for p in CORPUS.iterdir()} <= set(IN_PROCESS)


@pytest.mark.parametrize("path", _files())
def test_corpus_file(tmp_path: Path, path: Path) -> None:
    reader = path.parent.name
    text = (
        path.read_text("utf-8").removesuffix("\n")
        if reader == "batch-line"
        else path.read_text("utf-8")
    )
    ws = readers.Workspace.make(tmp_path)
    argv, _ = COMMANDS[f"cli-{reader}"]

    def read(t: str) -> None:
        try:
            IN_PROCESS[reader](ws, t)
        finally:
            ws.clean()

    def commands(t: str) -> None:
        try:
            for args in argv(ws, t):
                readers.cli(args)
        finally:
            ws.clean()

    # whatever the profile: a corpus file is a regression test, never a count in a table
    for run in (read, commands):
        got = outcome(run, text)
        assert got is None, f"{path.name}: {got}"
