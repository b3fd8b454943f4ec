"""Properties that must hold for every input (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osdose import body, bsa
from osdose.dosing import dose_sheet
from osdose.library import load_regimen

heights = st.floats(min_value=30, max_value=250, allow_nan=False)
weights = st.floats(min_value=1, max_value=350, allow_nan=False)
formulas = st.sampled_from(list(bsa.FORMULAS))


# The formulas themselves (bsa.compute also refuses implausible pairs; monotony is the
# formulas' own property, over the whole range of heights and weights osdose reads)
@given(formulas, heights, heights, weights)
def test_bsa_grows_with_height(name: str, h1: float, h2: float, w: float) -> None:
    lo, hi = sorted((h1, h2))
    fn = bsa.formula(name).fn
    assert fn(lo, w) <= fn(hi, w)


@given(formulas, heights, weights, weights)
def test_bsa_grows_with_weight(name: str, h: float, w1: float, w2: float) -> None:
    lo, hi = sorted((w1, w2))
    fn = bsa.formula(name).fn
    assert fn(h, lo) <= fn(h, hi)


@given(formulas, st.floats(min_value=40, max_value=240), st.floats(min_value=2, max_value=340))
def test_same_person_in_cm_kg_and_in_lb(name: str, h_cm: float, w_kg: float) -> None:
    fn = bsa.formula(name).fn
    metric = fn(body.height_cm(f"{h_cm!r} cm"), body.weight_kg(f"{w_kg!r} kg"))
    h_in = h_cm / 2.54
    w_lb = w_kg / 0.45359237
    imperial = fn(body.height_cm(f"{h_in!r} in"), body.weight_kg(f"{w_lb!r} lb"))
    assert imperial == pytest.approx(metric, rel=1e-9)


@given(st.floats(min_value=0.1, max_value=3.5), st.floats(min_value=1, max_value=10))
def test_doses_are_linear_in_bsa(b: float, k: float) -> None:
    reg = load_regimen("DIA")
    small = dose_sheet(reg, bsa.given(b))
    big = dose_sheet(reg, bsa.given(b * k)) if b * k <= 3.5 else None
    if big is None:
        return
    for s, g in zip(small.lines, big.lines, strict=True):
        assert g.daily == pytest.approx(s.daily * k, rel=1e-9)
        assert g.cycle == pytest.approx(s.cycle * k, rel=1e-9)


@given(st.floats(min_value=1, max_value=100))
def test_doses_are_linear_in_dose_percent(pct: float) -> None:
    reg = load_regimen("DDP+IFO")
    full = dose_sheet(reg, bsa.given(1.8))
    part = dose_sheet(reg, bsa.given(1.8), dose_percent=pct)
    for f, p in zip(full.lines, part.lines, strict=True):
        assert p.daily == pytest.approx(f.daily * pct / 100, rel=1e-9)
