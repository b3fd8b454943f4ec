"""BSA formulas against the published reference values (clinical.md §1).

The reference column values were computed from each paper's formula, independently of
osdose; a coefficient slip (Haycock's height exponent written 0.3974, DuBois's constant
written 0.0087184) moves the 4th decimal and fails these tests.
"""

from __future__ import annotations

import math

import pytest

from osdose import bsa
from osdose.errors import UnknownNameError

# (formula, 175 cm/70 kg, 160 cm/52 kg) — clinical.md §1 table, 4 decimals
PUBLISHED = [
    ("mosteller", 1.8447, 1.5202),
    ("dubois", 1.8481, 1.5264),
    ("haycock", 1.8468, 1.5190),
    ("gehan-george", 1.8539, 1.5318),
    ("boyd", 1.8507, 1.5304),
]


@pytest.mark.parametrize(("name", "adult", "small"), PUBLISHED)
def test_formulas_match_published_values(name: str, adult: float, small: float) -> None:
    assert round(bsa.compute(175, 70, name).m2, 4) == adult
    assert round(bsa.compute(160, 52, name).m2, 4) == small


def test_mosteller_by_hand() -> None:
    # √(175 × 70 / 3600) = √(12250 / 3600) = √3.402777… = 1.844662…
    assert bsa.mosteller(175, 70) == pytest.approx(1.844662, abs=1e-6)


def test_boyd_uses_weight_in_grams() -> None:
    # Wg = 70000; exponent 0.7285 − 0.0188 × log10(70000) = 0.7285 − 0.0188 × 4.845098 = 0.637412
    # 0.0003207 × 175^0.3 × 70000^0.637412 = 0.0003207 × 4.7091 × 1225.5 = 1.8507
    exponent = 0.7285 - 0.0188 * 4.845098
    assert exponent == pytest.approx(0.637412, abs=1e-6)
    assert bsa.boyd(175, 70) == pytest.approx(0.0003207 * 175**0.3 * 70000**exponent, rel=1e-6)


def test_known_public_calculator_mistakes_are_not_ours() -> None:
    wrong_haycock = 0.024265 * 70**0.5378 * 175**0.3974
    wrong_dubois = 0.0087184 * 70**0.425 * 175**0.725
    assert abs(bsa.haycock(175, 70) - wrong_haycock) > 0.005
    assert abs(bsa.dubois(175, 70) - wrong_dubois) > 0.3


def test_cap_reports_uncapped_value() -> None:
    # 190 cm, 110 kg: √(190 × 110 / 3600) = √5.80556 = 2.40947 m², capped at 2.0
    b = bsa.compute(190, 110, "mosteller", cap_m2=2.0)
    assert b.m2 == 2.0
    assert b.capped
    assert b.uncapped_m2 == pytest.approx(math.sqrt(190 * 110 / 3600))


def test_cap_not_reached_is_not_capped() -> None:
    b = bsa.compute(175, 70, "mosteller", cap_m2=2.0)
    assert not b.capped
    assert b.m2 == b.uncapped_m2


@pytest.mark.parametrize("spelling", ["Mosteller", "DUBOIS", "gehan_george", " boyd "])
def test_formula_names_are_forgiving_of_case(spelling: str) -> None:
    assert bsa.formula(spelling).name in bsa.FORMULAS


def test_unknown_formula_lists_the_choices() -> None:
    with pytest.raises(UnknownNameError, match=r"mostelle.*did you mean mosteller"):
        bsa.formula("mostelle")
