"""Every reader, in this process, on hostile documents of the right shape (a shipped file with
some values replaced by NaN, ±inf, -0, 1e308, 5,000-digit integers, 9999-12-31, YAML 1.1's
guesses, rich markup, control and bidi characters, deep nesting, huge day ranges) and on
random mutations of the shipped files. Each input: osdose's own refusal or a result that
renders, within 5 s (see harness.py)."""

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

Reader = Callable[[readers.Workspace, str], None]

# reader name → (reader, seed kind, emitter)
READERS: dict[str, tuple[Reader, str, Callable[[Any], str]]] = {
    "regimen": (readers.regimen, "regimen", to_yaml),
    "course": (readers.course, "course", to_yaml),
    "order": (readers.order, "order", to_yaml),
    "drug-table": (readers.drug_table, "drugs", to_yaml),
    "fhir-bundle": (readers.fhir_bundle, "bundle", to_json),
    "fhir-order": (readers.fhir_order, "order-bundle", to_json),
    "fhir-plandefinition": (readers.fhir_plandefinition, "plandefinition", to_json),
}


def hostile(kind: str, emit: Callable[[Any], str]) -> st.SearchStrategy[str]:
    """The shipped documents with values replaced: the shape kept, the values hostile."""
    return mutated(seed_data(kind), leaves_only=True).map(emit)


def mutations(kind: str, emit: Callable[[Any], str]) -> st.SearchStrategy[str]:
    """The shipped documents mutated as data (keys dropped, items repeated, values wrapped)
    or as text (tokens inserted, lines cut or repeated)."""
    return st.one_of(mutated(seed_data(kind)).map(emit), mutated_text(seed_texts(kind)))


def _drive(fuzzer: Fuzzer, reader: str, read: Reader, inputs: st.SearchStrategy[str]) -> None:
    ws = readers.Workspace.make(fuzzer.tmp)

    def read_one(text: str) -> None:
        try:
            read(ws, text)
        finally:
            ws.clean()

    @settings(active())
    @given(inputs)
    def one(text: str) -> None:
        fuzzer.check(reader, read_one, text)

    fuzzer.run(one)


@pytest.mark.parametrize(
    "reader",
    [case(f"{name}-hostile", name) for name in READERS],
)
def test_hostile_values(fuzzer: Fuzzer, reader: str) -> None:
    read, kind, emit = READERS[reader]
    _drive(fuzzer, reader, read, hostile(kind, emit))


@pytest.mark.parametrize(
    "reader",
    [case(f"{name}-mutated", name) for name in READERS],
)
def test_mutations(fuzzer: Fuzzer, reader: str) -> None:
    read, kind, emit = READERS[reader]
    _drive(fuzzer, reader, read, mutations(kind, emit))


def _lines() -> st.SearchStrategy[str]:
    seeds = [json.loads(x) for x in batch_lines()]
    return st.one_of(
        mutated(seeds, leaves_only=True).map(to_json),
        mutated(seeds).map(to_json),
        mutated_text(batch_lines()),
    )


@pytest.mark.parametrize("reader", [case("batch-line", "batch-line")])
def test_batch_line(fuzzer: Fuzzer, reader: str) -> None:
    _drive(fuzzer, reader, readers.batch_line, _lines())


def _quantities() -> st.SearchStrategy[str]:
    units = [
        "mg",
        "kg",
        "cm",
        "m2",
        "m²",
        "mg/m2",
        "mg/kg",
        "mL/min",
        "mg/dL",
        "µmol/L",
        "in",
        "ft",
    ]
    numbers = st.one_of(
        st.sampled_from(NUMBERS),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-(10**400), 10**400).map(str),
    )
    return st.one_of(
        st.sampled_from(QUANTITIES + TEXTS),
        st.tuples(numbers, st.sampled_from(["", " ", "  "]), st.sampled_from(units)).map("".join),
        st.tuples(numbers, st.sampled_from(units), numbers, st.sampled_from(units)).map(" ".join),
        st.text(alphabet="0123456789.eE+-*/^() kgmcL²⁰¹µ", max_size=40),
        st.text(max_size=40),
    )


@pytest.mark.parametrize("reader", [case("quantity", "quantity")])
def test_quantities(fuzzer: Fuzzer, reader: str) -> None:
    _drive(fuzzer, reader, readers.quantity, _quantities())
