"""Body surface area formulas by name, and the optional cap.

H is height in cm, W weight in kg (Boyd takes weight in grams). Coefficients as published:
Mosteller NEJM 1987; DuBois & DuBois Arch Intern Med 1916; Haycock J Pediatr 1978;
Gehan & George Cancer Chemother Rep 1970; Boyd 1935 (review: Redlarski, Sci Rep 2016).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass

from osdose.errors import InputError, UnknownNameError


def mosteller(h_cm: float, w_kg: float) -> float:
    return math.sqrt(h_cm * w_kg / 3600.0)


def dubois(h_cm: float, w_kg: float) -> float:
    return float(0.007184 * w_kg**0.425 * h_cm**0.725)


def haycock(h_cm: float, w_kg: float) -> float:
    return float(0.024265 * w_kg**0.5378 * h_cm**0.3964)


def gehan_george(h_cm: float, w_kg: float) -> float:
    return float(0.0235 * w_kg**0.51456 * h_cm**0.42246)


def boyd(h_cm: float, w_kg: float) -> float:
    w_g = w_kg * 1000.0
    return float(0.0003207 * h_cm**0.3 * w_g ** (0.7285 - 0.0188 * math.log10(w_g)))


@dataclass(frozen=True)
class Formula:
    name: str
    expression: str
    reference: str
    fn: Callable[[float, float], float]


FORMULAS: dict[str, Formula] = {
    f.name: f
    for f in (
        Formula("mosteller", "√(H·W/3600)", "Mosteller, NEJM 1987", mosteller),
        Formula(
            "dubois", "0.007184·W^0.425·H^0.725", "DuBois & DuBois, Arch Intern Med 1916", dubois
        ),
        Formula("haycock", "0.024265·W^0.5378·H^0.3964", "Haycock, J Pediatr 1978", haycock),
        Formula(
            "gehan-george",
            "0.0235·W^0.51456·H^0.42246",
            "Gehan & George, Cancer Chemother Rep 1970",
            gehan_george,
        ),
        Formula(
            "boyd", "0.0003207·H^0.3·Wg^(0.7285−0.0188·log10 Wg), W in grams", "Boyd 1935", boyd
        ),
    )
}
DEFAULT = "mosteller"


def formula(name: str) -> Formula:
    """The formula called ``name`` (``mosteller``, ``dubois``, ``haycock``, ``gehan-george``,
    ``boyd``)."""
    key = name.strip().lower().replace("_", "-")
    if key in FORMULAS:
        return FORMULAS[key]
    raise UnknownNameError(
        "BSA formula",
        name,
        difflib.get_close_matches(key, list(FORMULAS), n=3, cutoff=0.4),
        f" (formulas: {', '.join(FORMULAS)})",
    )


@dataclass(frozen=True)
class BSA:
    """A BSA in m² with how it was obtained; ``uncapped_m2`` differs from ``m2`` when capped."""

    m2: float
    formula: str
    uncapped_m2: float
    cap_m2: float | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    cap_reason: str | None = None

    @property
    def capped(self) -> bool:
        return self.m2 != self.uncapped_m2

    @property
    def below_full_percent(self) -> float:
        """How far below full weight-based dosing a capped BSA puts every per-m² dose."""
        return (1.0 - self.m2 / self.uncapped_m2) * 100.0 if self.uncapped_m2 else 0.0


def compute(
    h_cm: float,
    w_kg: float,
    name: str = DEFAULT,
    cap_m2: float | None = None,
    cap_reason: str | None = None,
) -> BSA:
    """BSA by formula ``name``; with ``cap_m2`` the result is at most the cap (and says so).

    The height and weight must belong to one person (plausible BMI), and the computed BSA
    must be as plausible as a typed one: both are refused otherwise."""
    from osdose import body, thresholds

    f = formula(name)
    body.check_pair(h_cm, w_kg)
    value = f.fn(h_cm, w_kg)
    limit = thresholds.current().bsa
    if not limit.low <= value <= limit.high:
        raise InputError(
            "bsa",
            f"computed by {f.name} from {h_cm:g} cm and {w_kg:g} kg is {value:.4f} m², outside "
            f"the plausible {limit.low:g}–{limit.high:g} m²: check the height and weight",
        )
    return apply_cap(BSA(value, f.name, value, None, h_cm, w_kg), cap_m2, cap_reason)


def given(
    m2: float,
    cap_m2: float | None = None,
    h_cm: float | None = None,
    w_kg: float | None = None,
    cap_reason: str | None = None,
) -> BSA:
    """A BSA the user gave (formula ``given``)."""
    return apply_cap(BSA(m2, "given", m2, None, h_cm, w_kg), cap_m2, cap_reason)


def apply_cap(b: BSA, cap_m2: float | None, reason: str | None = None) -> BSA:
    if cap_m2 is None:
        return b
    return BSA(
        min(b.uncapped_m2, cap_m2),
        b.formula,
        b.uncapped_m2,
        cap_m2,
        b.height_cm,
        b.weight_kg,
        reason,
    )


GUIDANCE = (
    "full weight-based dosing is the default in obese adults (ASCO, Griggs et al., J Clin "
    "Oncol 2012; 2021 update)"
)
CAP_ADVICE = (
    "ASCO (Griggs et al., 2012; 2021 update) recommends full weight-based dosing in obese "
    "adults; a BSA cap is a local policy and must say why"
)


#: How the inputs of :func:`resolve` are named in messages: in files, and on the command line.
FILE_NAMES = {
    "height": "height", "weight": "weight", "bsa": "bsa", "formula": "bsa_formula",
    "cap": "bsa_cap", "cap_reason": "cap_reason", "age": "age", "creatinine": "creatinine",
    "gfr": "gfr", "gfr_cap": "gfr_cap", "floor": "creatinine_floor",
}  # fmt: skip
CLI_NAMES = {
    "height": "--height", "weight": "--weight", "bsa": "--bsa", "formula": "--formula",
    "cap": "--bsa-cap", "cap_reason": "--cap-reason", "age": "--age",
    "creatinine": "--creatinine", "gfr": "--gfr", "gfr_cap": "--gfr-cap",
    "floor": "--creatinine-floor",
}  # fmt: skip


def resolve(
    height_cm: float | None,
    weight_kg: float | None,
    given_m2: float | None = None,
    formula_name: str | None = None,
    cap_m2: float | None = None,
    names: dict[str, str] = FILE_NAMES,
    cap_reason: str | None = None,
) -> BSA | None:
    """The one way osdose arrives at a patient's BSA: given, computed from height and
    weight, capped when asked, or ``None`` when nothing was given.

    Refuses a formula together with a given BSA, height without weight (or the reverse),
    and anything implausible (see :func:`compute`), and a cap without its reason. ``names``
    says what the inputs are called where they were typed (``--weight`` on the command
    line)."""
    if cap_m2 is not None and not (cap_reason or "").strip():
        raise InputError(names["cap"], f"needs {names['cap_reason']}: {CAP_ADVICE}")
    if given_m2 is not None:
        if formula_name is not None:
            raise InputError(
                names["formula"],
                f"has no effect with {names['bsa']}: give one or the other",
            )
        if height_cm is not None and weight_kg is not None:
            from osdose import body

            body.check_pair(height_cm, weight_kg)
        return given(given_m2, cap_m2, height_cm, weight_kg, cap_reason)
    if height_cm is None and weight_kg is None:
        return None
    if height_cm is None or weight_kg is None:
        missing = names["weight"] if weight_kg is None else names["height"]
        raise InputError(
            "BSA",
            f"needs both {names['height']} and {names['weight']}: {missing} is missing (or give "
            f"{names['bsa']})",
        )
    return compute(height_cm, weight_kg, formula_name or DEFAULT, cap_m2, cap_reason)
