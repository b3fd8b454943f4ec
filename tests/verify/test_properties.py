"""Property tests: a prescribed dose equal to the recalculated one always passes ``dose``;
scaled by 1.2 (+20%, beyond the 10% fail threshold) it always fails."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from osdose.drugs import load_drugs
from osdose.verify import order_from_object, verify_order

TABLE = load_drugs()
PER_M2 = {"cisplatin": 140.0, "epirubicin": 50.0}  # DDP+EPI


def _doses(h: float, w: float, scale: float, pct: float) -> list[dict[str, object]]:
    bsa = math.sqrt(h * w / 3600)  # Mosteller
    return [
        {"drug": d, "dose": f"{per_m2 * bsa * pct / 100 * scale!r} mg", "days": [1]}
        for d, per_m2 in PER_M2.items()
    ]


def _statuses(h: float, w: float, scale: float, pct: float) -> set[str]:
    order = {
        "patient": {"id": "P", "height": f"{h!r} cm", "weight": f"{w!r} kg"},
        "regimen": "DDP+EPI",
        "cycle": 1,
        "date": "2021-06-01",
        "dose_percent": pct,
        "prescribed": _doses(h, w, scale, pct),
        "history": [],
    }
    v = verify_order(order_from_object(order, "prop.jsonl", 1, TABLE), TABLE)
    return {c.status for c in v.checks if c.check == "dose"}


heights = st.floats(min_value=100, max_value=220, allow_nan=False)
weights = st.floats(min_value=20, max_value=200, allow_nan=False)
percents = st.sampled_from([100.0, 90.0, 75.0, 50.0, 25.0])


@settings(max_examples=200, deadline=None)
@given(heights, weights, percents)
def test_recalculated_dose_always_passes(h: float, w: float, pct: float) -> None:
    assert _statuses(h, w, 1.0, pct) == {"pass"}


@settings(max_examples=200, deadline=None)
@given(heights, weights, percents)
def test_twenty_percent_more_always_fails(h: float, w: float, pct: float) -> None:
    assert _statuses(h, w, 1.2, pct) == {"fail"}
