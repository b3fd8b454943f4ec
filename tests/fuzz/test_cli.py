"""The command line on hostile input, in this process (``osdose.cli.main``): exit 0, 1 or 2;
on 2 exactly one stderr line ``osdose: error: …``; never a traceback; each input within 5 s.

Fewer inputs than test_readers.py (each runs several commands), over every reader: regimen,
course, order, batch line, drug table, FHIR bundles, ledger import, and the quantities,
numbers and dates of the options."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from . import readers
from .harness import Fuzzer, active
from .hostile import (
    DATES,
    NUMBERS,
    QUANTITIES,
    TEXTS,
    batch_lines,
    mutated,
    mutated_text,
    seed_data,
    seed_texts,
    to_json,
    to_yaml,
)
from .known import case

W = ["-H", "175 cm", "-W", "70 kg"]
Argv = Callable[[readers.Workspace, str], list[list[str]]]


def _ledger(ws: readers.Workspace) -> str:
    path = ws.root / f"ledger-{len(ws.written)}.sqlite3"
    ws.written += [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return str(path)


def _regimen(ws: readers.Workspace, text: str) -> list[list[str]]:
    f = str(ws.write("regimens", ".yaml", text))
    return [["lint", f], ["dose", f, *W], ["plan", str(ws.course), "-r", f, "-n", "2"]]


def _course(ws: readers.Workspace, text: str) -> list[list[str]]:
    f = str(ws.write("examples", ".yaml", text))
    return [
        ["cumulative", f],
        ["cumulative", f, "-f", "json"],
        ["plan", f, "-r", "DDP+EPI", "-n", "2"],
    ]


def _order(ws: readers.Workspace, text: str) -> list[list[str]]:
    f = str(ws.write("examples/orders", ".yaml", text))
    return [["verify", f], ["verify", f, "-f", "json"]]


def _batch(ws: readers.Workspace, line: str) -> list[list[str]]:
    f = str(ws.write("examples/orders", ".jsonl", batch_lines()[0] + "\n" + line + "\n"))
    return [["verify", "--batch", f, "-f", "json"], ["verify", "--batch", f, "--jobs", "1"]]


def _drugs(ws: readers.Workspace, text: str) -> list[list[str]]:
    f = str(ws.write("drugs", ".yaml", text))
    return [["--drugs", f, "dose", "DIA", *W], ["--drugs", f, "cumulative", str(ws.course)]]


def _bundle(ws: readers.Workspace, text: str) -> list[list[str]]:
    f = str(ws.write("fhir", ".json", text))
    out = ws.write("fhir", ".yaml", "")
    out.unlink()
    return [
        ["fhir", "import", f, "--to-course", str(out)],
        ["fhir", "import", f, "--ledger", _ledger(ws), "--by", "fuzz"],
        ["verify", f],
    ]


def _fhir_order(ws: readers.Workspace, text: str) -> list[list[str]]:
    f = str(ws.write("examples/fhir", ".json", text))
    return [["verify", f], ["verify", f, "-f", "json"]]


def _plandefinition(ws: readers.Workspace, text: str) -> list[list[str]]:
    return [["fhir", "regimen", "--import", str(ws.write("fhir", ".json", text))]]


def _ledger_import(ws: readers.Workspace, text: str) -> list[list[str]]:
    f, led = str(ws.write("examples", ".yaml", text)), _ledger(ws)
    at = ["--ledger", led]
    return [
        ["ledger", "import", f, *at, "--by", "fuzz"],
        ["ledger", "check", *at],
        ["ledger", "list", "-p", "P-0042", *at],
        ["ledger", "export", "-p", "P-0042", *at],
        ["cumulative", *at, "--patient", "P-0042", "-f", "json"],
    ]


def _options(ws: readers.Workspace, value: str) -> list[list[str]]:
    """One hostile value in each option that reads a quantity, a number or a date."""
    led = _ledger(ws)
    rec = ["ledger", "record", "-p", "P-0042", "--by", "fuzz", "--ledger", led]
    epi = [*rec, "--drug", "EPI", "--bsa", "1.8 m2"]
    return [
        ["bsa", "--height", value, "--weight", "70 kg"],
        ["bsa", "-H", "175 cm", "-W", value, "--bsa-cap", value, "--cap-reason", "x"],
        ["dose", "DIA", "-H", "175 cm", "-W", value],
        ["dose", "DIA", "--bsa", value, "--dose-percent", value],
        ["dose", "carboplatin-paclitaxel", "--bsa", "1.8 m2", "--gfr", value],
        ["gfr", "--age", value, "--sex", "male", "--creatinine", value],
        ["cumulative", str(ws.course), "--age", value],
        ["plan", str(ws.course), "-r", "DIA", "-n", value],
        [*epi, "--dose", value, "--date", "2025-03-02"],
        [*epi, "--dose", "60 mg", "--date", value],
        [*epi, "--dose", "60 mg", "--date", "2025-03-02", "--future-days", value],
        [*rec, "--regimen", "DIA", "--cycle", value, "--bsa", "1.8 m2", "--date", "2025-03-02"],
        ["ledger", "void", value, "--reason", value, "--by", "fuzz", "--ledger", led],
        ["ledger", "list", "-p", value, "--ledger", led],
    ]


# reader → (argv for one input, the inputs)
def _docs(kind: str, emit: Callable[[Any], str]) -> st.SearchStrategy[str]:
    return st.one_of(
        mutated(seed_data(kind), leaves_only=True).map(emit),
        mutated(seed_data(kind)).map(emit),
        mutated_text(seed_texts(kind)),
    )


def _lines() -> st.SearchStrategy[str]:
    seeds = [json.loads(x) for x in batch_lines()]
    return st.one_of(mutated(seeds, leaves_only=True).map(to_json), mutated_text(batch_lines()))


def _values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(QUANTITIES + NUMBERS + DATES + TEXTS),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=30),
    )


CASES: dict[str, tuple[Argv, Callable[[], st.SearchStrategy[str]]]] = {
    "cli-regimen": (_regimen, lambda: _docs("regimen", to_yaml)),
    "cli-course": (_course, lambda: _docs("course", to_yaml)),
    "cli-order": (_order, lambda: _docs("order", to_yaml)),
    "cli-batch-line": (_batch, _lines),
    "cli-drug-table": (_drugs, lambda: _docs("drugs", to_yaml)),
    "cli-fhir-bundle": (_bundle, lambda: _docs("bundle", to_json)),
    "cli-fhir-order": (_fhir_order, lambda: _docs("order-bundle", to_json)),
    "cli-fhir-plandefinition": (_plandefinition, lambda: _docs("plandefinition", to_json)),
    "cli-ledger-import": (_ledger_import, lambda: _docs("course", to_yaml)),
    "cli-options": (_options, _values),
}


@pytest.mark.parametrize("reader", [case(name, name) for name in CASES])
def test_command_line(fuzzer: Fuzzer, reader: str) -> None:
    argv, inputs = CASES[reader]
    ws = readers.Workspace.make(fuzzer.tmp)

    def commands(value: str) -> None:
        try:
            for args in argv(ws, value):
                readers.cli(args)
        finally:
            ws.clean()

    # each input runs several commands: a third of the readers' examples per round
    @settings(active(), max_examples=max(3, active().max_examples // 3))
    @given(inputs())
    def one(value: str) -> None:
        fuzzer.check(reader, commands, value)

    fuzzer.run(one)
