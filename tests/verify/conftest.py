"""Shared order builders for the verify tests.

The base order is the case report's DDP+EPI cycle 3 for a man of 175 cm and 70 kg.
Mosteller BSA = √(175 × 70 / 3600) = √3.402778 = 1.844662 m²; cisplatin 140 mg/m² ×
1.844662 = 258.2527 mg; epirubicin 50 mg/m² × 1.844662 = 92.2331 mg.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from osdose.drugs import load_drugs
from osdose.verify import Options, Verification, order_from_object, verify_order

DATA = Path(__file__).parent / "data"
BASE: dict[str, Any] = {
    "patient": {"id": "P-0042", "height": "175 cm", "weight": "70 kg"},
    "regimen": "DDP+EPI",
    "cycle": 3,
    "date": "2021-06-01",
    "prescribed": [
        {"drug": "cisplatin", "dose": "258 mg", "days": [1]},
        {"drug": "epirubicin", "dose": "92 mg", "days": [1]},
    ],
    "history": [],
    # the day before the cycle: within the 3 days of thresholds.yaml; above DDP+EPI's gates
    # (delay below ANC 1.5 or platelets 100 × 10⁹/L)
    "labs": {"date": "2021-05-31", "anc": "2.5 x10^9/L", "platelets": "180 x10^9/L"},
}

Verify = Callable[..., Verification]


def _make(changes: dict[str, Any] | None = None, **patient: Any) -> dict[str, Any]:
    """The base order with top-level ``changes`` and patient fields replaced (None drops)."""
    order = copy.deepcopy(BASE)
    if "date" in (changes or {}) and "labs" not in (changes or {}):
        # the labs move with the order: drawn the day before it
        day = dt.date.fromisoformat(str((changes or {})["date"])) - dt.timedelta(days=1)
        order["labs"]["date"] = day.isoformat()
    for key, value in (changes or {}).items():
        if value is None:
            order.pop(key, None)
        else:
            order[key] = value
    for key, value in patient.items():
        if value is None:
            order["patient"].pop(key, None)
        else:
            order["patient"][key] = value
    return order


@pytest.fixture
def verify() -> Verify:
    table = load_drugs()

    def run(order: dict[str, Any], options: Options | None = None) -> Verification:
        return verify_order(
            order_from_object(order, DATA / "batch.jsonl", 1, table), table, options
        )

    return run


def _only(v: Verification, check: str, drug: str | None = None) -> Any:
    """The one result of ``check`` (for ``drug``)."""
    hits = [c for c in v.checks if c.check == check and (drug is None or c.drug == drug)]
    assert len(hits) == 1, [c.message for c in v.checks if c.check == check]
    return hits[0]


@pytest.fixture
def make() -> Callable[..., dict[str, Any]]:
    return _make


@pytest.fixture
def only() -> Callable[..., Any]:
    return _only
