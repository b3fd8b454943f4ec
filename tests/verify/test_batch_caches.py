"""What a batch reads once and keeps is what it would read again: an ASCII identifier has
no look-alike to find, a prescribed amount is the same for the same spelling and drug (a
refusal is refused again), a history's own totals are those of the one cumulative engine
for each age and drug table, a regimen's approval row is the same row each time."""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osdose.cumulative import assess
from osdose.drugs import load_drugs
from osdose.errors import InputError
from osdose.fields import lookalike
from osdose.verify.checks_approval import approval
from osdose.verify.context import build_context
from osdose.verify.order import prescribed_amount
from osdose.verify.order_files import order_from_object
from osdose.verify.prior_treatment import history
from osdose.verify.result import Options
from osdose.verify.run import verify_order

DATA = Path(__file__).parent / "data"


@given(st.text(alphabet=string.printable, max_size=40))
def test_ascii_text_has_no_lookalike(text: str) -> None:
    assert lookalike(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Р-0042", "is written in Cyrillic letters that look like Latin ones"),  # Cyrillic Er
        ("PΑ-1", "mixes Latin and Greek letters"),  # Greek Alpha
        ("Ｐ-0042", "holds the compatibility character 'Ｐ' (U+FF30); write 'P-0042'"),
    ],
)
def test_non_ascii_lookalikes_are_still_found(text: str, problem: str) -> None:
    assert lookalike(text) == problem


def test_a_prescribed_amount_is_read_the_same_each_time() -> None:
    table = load_drugs()
    cis = table.drugs["cisplatin"]
    assert prescribed_amount("258 mg", "dose", cis) == (258.0, "mg")
    assert prescribed_amount("258 mg", "dose", cis) == (258.0, "mg")
    assert prescribed_amount("0.258 g", "dose", cis) == (258.0, "mg")
    # another drug object of the same name (another table) is read for itself
    other = dataclasses.replace(cis)
    assert prescribed_amount("258 mg", "dose", other) == (258.0, "mg")
    for _ in range(2):  # a refusal is never kept as an answer
        with pytest.raises(InputError, match="must be the amount to give on each day"):
            prescribed_amount("140 mg/m2", "dose", cis)


def test_a_drug_dosed_in_units_is_read_against_todays_thresholds_each_time() -> None:
    # bleomycin's floor (IU per administration) comes from the thresholds file: not kept
    bleo = load_drugs().drugs["bleomycin"]
    for _ in range(2):
        with pytest.raises(InputError, match="units written as IU"):
            prescribed_amount("15 IU", "dose", bleo)


def test_a_historys_own_totals_are_the_engines_for_each_age(make: Any) -> None:
    table = load_drugs()
    order = order_from_object(
        make({"history": "course-ddp-epi-two-cycles.yaml"}), DATA / "b.jsonl", 1, table
    )
    h = order.history
    assert h is not None
    for age in (None, 40.0, 75.0, 40.0):
        expected = assess(h.running, table, "", age_years=age, only=())
        assert h.assessed(table, age) == expected
    # the epirubicin of two DDP+EPI cycles at 50 mg/m²: 100 mg/m² doxorubicin-equivalent
    # × epirubicin's factor (the table's); the group's total is the engine's
    group = h.assessed(table, 40.0).combined[0]
    assert group.contributors[0].drug == "epirubicin"
    assert group.contributors[0].mg_per_m2 == pytest.approx(100.0, rel=1e-9)
    fresh = history(h.administrations, h.source, h.baseline_weight_kg)
    assert fresh.assessed(table, 40.0) == h.assessed(table, 40.0)


def test_the_approval_row_is_the_same_each_time(make: Any) -> None:
    table = load_drugs()
    order = order_from_object(make(), DATA / "b.jsonl", 1, table)
    ctx = build_context(order, table, Options())
    first = approval(ctx)
    first.append(first[0])  # a caller's list is its own
    again = approval(ctx)
    assert len(again) == 1
    assert again[0].message.startswith("DDP+EPI: status active; version 1; approved ")
    assert verify_order(order, table).checks[0] == again[0]
