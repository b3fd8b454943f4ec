"""Properties that must hold for every input (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osdose import bsa, units
from osdose.basis import parse_basis
from osdose.dosing import dose_sheet
from osdose.regimen import load_regimen

heights = st.floats(min_value=30, max_value=250, allow_nan=False)
weights = st.floats(min_value=1, max_value=350, allow_nan=False)
formulas = st.sampled_from(list(bsa.FORMULAS))


@given(formulas, heights, heights, weights)
def test_bsa_grows_with_height(name: str, h1: float, h2: float, w: float) -> None:
    lo, hi = sorted((h1, h2))
    assert bsa.compute(lo, w, name).m2 <= bsa.compute(hi, w, name).m2


@given(formulas, heights, weights, weights)
def test_bsa_grows_with_weight(name: str, h: float, w1: float, w2: float) -> None:
    lo, hi = sorted((w1, w2))
    assert bsa.compute(h, lo, name).m2 <= bsa.compute(h, hi, name).m2


@given(formulas, st.floats(min_value=40, max_value=240), st.floats(min_value=2, max_value=340))
def test_same_person_in_cm_kg_and_in_lb(name: str, h_cm: float, w_kg: float) -> None:
    metric = bsa.compute(units.height_cm(f"{h_cm!r} cm"), units.weight_kg(f"{w_kg!r} kg"), name)
    h_in = h_cm / 2.54
    w_lb = w_kg / 0.45359237
    imperial = bsa.compute(units.height_cm(f"{h_in!r} in"), units.weight_kg(f"{w_lb!r} lb"), name)
    assert imperial.m2 == pytest.approx(metric.m2, rel=1e-9)


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


FAST_SPELLINGS = ["mg", "g", "mcg", "µg", "ug", "IU"]
PERS = ["", "/m2", "/m^2", "/m**2", "/kg"]


@settings(max_examples=300)
@given(
    st.floats(min_value=1e-3, max_value=1e6, allow_nan=False),
    st.sampled_from(FAST_SPELLINGS),
    st.sampled_from(PERS),
)
def test_fast_path_agrees_with_pint(value: float, unit: str, per: str) -> None:
    text = f"{value!r} {unit}{per}"
    fast = parse_basis(text)
    assert units.fast(text) is not None
    q = units.parse(text, "dose")  # the pint path for the same text
    target = ("IU" if unit == "IU" else "mg") + {"": "", "/kg": "/kg"}.get(per, "/m**2")
    assert fast.amount == pytest.approx(float(q.to(target).magnitude), rel=1e-12)


@settings(max_examples=200)
@given(st.floats(min_value=30, max_value=250), st.sampled_from(["cm", "m", "mm", "in", "ft"]))
def test_fast_length_agrees_with_pint(cm: float, unit: str) -> None:
    factor = {"cm": 1, "m": 100, "mm": 0.1, "in": 2.54, "ft": 30.48}[unit]
    text = f"{cm / factor!r} {unit}"
    assert units.height_cm(text) == pytest.approx(
        float(units.parse(text, "h").to("cm").magnitude), rel=1e-12
    )
