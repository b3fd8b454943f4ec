"""Issue 10 §3: a quantity is a value, never an expression — on the command line and in every
file. Exactly one decimal number (optional exponent) and one unit, or the two-part length
and mass forms with a unit on each part; no operators, no superscript digits, no bare unit,
bounded length. (:mod:`tests.test_units` holds the parser itself to each message.)"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Run, at_line, refused

# The inputs, each with what the refusal says about it.
NOT_VALUES = [
    ("70 kg - 69 kg", "'-' is not part of a quantity"),  # was read as 1 kg
    ("7⁰ kg", "'⁰' is not part of a quantity"),  # was read as 1 kg
    ("70 kg 5 kg", "the second unit must be the smaller one"),  # was read as 75 kg
    ("mg", "it does not start with a number"),  # a bare unit was read as 1 mg
    ("9**9**9 kg", "a power cannot follow the number"),  # hung
    ("10**400 kg", "a power cannot follow the number"),  # a traceback (issue 10 §8)
]


@pytest.mark.parametrize(("text", "why"), NOT_VALUES)
def test_weight_on_the_command_line_is_a_value(
    osdose: Callable[..., Run], text: str, why: str
) -> None:
    line = refused(osdose("bsa", "--height", "175 cm", "--weight", text), "--weight", why)
    assert f"got {text!r}" in line


@pytest.mark.parametrize(("text", "why"), NOT_VALUES)
def test_dose_recorded_in_the_ledger_is_a_value(
    osdose: Callable[..., Run], tmp_path: Path, text: str, why: str
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    r = osdose(
        "ledger", "record", "--ledger", ledger, "-p", "P-1", "--drug", "epirubicin",
        "--dose", text, "--bsa", "1.5", "--date", "2025-01-01",
    )  # fmt: skip
    refused(r, "dose", why)
    assert not ledger.exists()  # nothing was created for a refused record


@pytest.mark.parametrize(("text", "why"), NOT_VALUES)
def test_dose_in_a_course_file_is_a_value(
    osdose: Callable[..., Run], tmp_path: Path, text: str, why: str
) -> None:
    course = tmp_path / "course.yaml"
    course.write_text(
        "patient: {id: P-1, bsa: 1.5 m2}\n"
        "administrations:\n"
        f"  - {{date: 2025-01-01, drug: epirubicin, dose: '{text}'}}\n",
        "utf-8",
    )
    at_line(refused(osdose("cumulative", course), why), course, 3)


def test_a_power_tower_is_refused_at_once() -> None:
    """``9**9**9 kg`` once hung evaluating 9^(9^9): refused in a separate process well within
    a bound, so that a regression fails here instead of hanging the suite."""
    start = time.monotonic()
    p = subprocess.run(
        [sys.executable, "-m", "osdose", "bsa", "--height", "175 cm", "--weight", "9**9**9 kg"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "a power cannot follow the number" in p.stderr
    assert time.monotonic() - start < 30


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1" * 101 + " kg", "is longer than 100 characters"),
        ("1" * 18 + " kg", "more than 17 significant digits"),
        ("0x46 kg", "'x' is not a unit osdose knows"),
        ("70 kg kg", "is not part of a quantity"),
        ("(70) kg", "'(' is not part of a quantity"),
        ("70 × 1 kg", "'×' is not part of a quantity"),
        ("7e1e1 kg", "'e' is not a unit osdose knows"),
    ],
)
def test_other_shapes_that_are_not_a_value(osdose: Callable[..., Run], text: str, why: str) -> None:
    refused(osdose("bsa", "--height", "175 cm", "--weight", text), "--weight", why)


@pytest.mark.parametrize(
    ("height", "weight", "kg"),
    [
        ("175 cm", "70 kg", 70.0),
        ("175 cm", "154 lb", 154 * 0.45359237),  # 69.853 kg
        ("175 cm", "7e1 kg", 70.0),  # an exponent is part of a decimal number
        ("50 cm", "7 lb 8 oz", (7 * 16 + 8) * 28.349523125 / 1000),  # 120 oz = 3.402 kg
    ],
)
def test_values_are_still_read(
    osdose: Callable[..., Run], height: str, weight: str, kg: float
) -> None:
    r = osdose("bsa", "--height", height, "--weight", weight, "-f", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["weight_kg"] == pytest.approx(kg, rel=1e-12)
