"""Kidney function for dosing: creatinine clearance by Cockcroft–Gault, with a stated body
weight policy and an optional creatinine floor.

Cockcroft DW, Gault MH, Nephron 1976: CrCl (mL/min) = (140 − age) × weight kg /
(72 × SCr mg/dL), × 0.85 for women. An adult formula: osdose does not apply it under 18.

Body weight (:data:`POLICIES`): ``actual``; ``ideal`` (Devine 1974: men 50 kg, women
45.5 kg, + 2.3 kg per inch over 5 ft); ``adjusted`` (ideal + factor × (actual − ideal));
``standard``: actual below ideal, ideal up to the obese limit (a percent of ideal), adjusted
above it. The default policy, the factor and the limit are in the thresholds file, with
their source.
"""

from __future__ import annotations

from dataclasses import dataclass

from osdose.errors import InputError

ADULT_AGE = 18
POLICIES = ("actual", "ideal", "adjusted", "standard")


def ideal_body_weight(height_cm: float, sex: str) -> float:
    """Devine 1974: 50 kg (men) or 45.5 kg (women) + 2.3 kg per inch over 5 feet."""
    inches = height_cm / 2.54
    return (50.0 if sex == "male" else 45.5) + 2.3 * (inches - 60.0)


@dataclass(frozen=True)
class Weight:
    """The weight Cockcroft–Gault used: ``kg``, the policy word, and how it was chosen."""

    kg: float
    policy: str
    used: str  # actual, ideal or adjusted
    work: str


def crcl_weight(
    policy: str,
    actual_kg: float,
    height_cm: float,
    sex: str,
    adjusted_factor: float,
    obese_above_percent: float,
) -> Weight:
    """The body weight for Cockcroft–Gault under ``policy``; refused where the ideal weight
    is needed but not defined (Devine below 20 kg: a very short adult)."""
    if policy not in POLICIES:
        raise InputError("crcl weight", f"must be one of {', '.join(POLICIES)}, got {policy!r}")
    if policy == "actual":
        return Weight(actual_kg, policy, "actual", f"actual weight {actual_kg:g} kg")
    ibw = ideal_body_weight(height_cm, sex)
    if ibw < 20:
        raise InputError(
            "crcl weight",
            f"policy {policy} needs the ideal body weight, and Devine's formula gives "
            f"{ibw:.1f} kg at {height_cm:g} cm: use --crcl-weight actual, or judge renal "
            "function another way",
        )
    base = "50" if sex == "male" else "45.5"
    ibw_work = f"ideal (Devine) = {base} + 2.3 × ({height_cm:g} cm / 2.54 − 60) = {ibw:.1f} kg"
    adjusted = ibw + adjusted_factor * (actual_kg - ibw)
    adj_work = (
        f"adjusted = {ibw:.1f} + {adjusted_factor:g} × ({actual_kg:g} − {ibw:.1f}) "
        f"= {adjusted:.1f} kg"
    )
    if policy == "ideal":
        return Weight(ibw, policy, "ideal", ibw_work)
    if policy == "adjusted":
        return Weight(adjusted, policy, "adjusted", f"{ibw_work}; {adj_work}")
    # standard
    if actual_kg < ibw:
        return Weight(
            actual_kg, policy, "actual", f"{ibw_work}; actual {actual_kg:g} kg is below it: actual"
        )
    limit = ibw * obese_above_percent / 100.0
    if actual_kg <= limit:
        return Weight(
            ibw,
            policy,
            "ideal",
            f"{ibw_work}; actual {actual_kg:g} kg is within {obese_above_percent:g}% of it: ideal",
        )
    return Weight(
        adjusted,
        policy,
        "adjusted",
        f"{ibw_work}; actual {actual_kg:g} kg is above {obese_above_percent:g}% of it "
        f"({limit:.1f} kg): {adj_work}",
    )


@dataclass(frozen=True)
class Clearance:
    """A Cockcroft–Gault creatinine clearance and the arithmetic that gave it."""

    ml_min: float
    work: str
    weight: Weight
    creatinine_mg_dl: float
    floor_applied: float | None = None


def cockcroft_gault(
    age: int, weight: Weight, scr_mg_dl: float, sex: str, floor_mg_dl: float | None = None
) -> Clearance:
    """CrCl in mL/min; ``sex`` is ``male`` or ``female``; age in years (adults only).
    With ``floor_mg_dl`` a lower creatinine is raised to it first (and the work says so)."""
    scr = scr_mg_dl
    floor_note = ""
    applied = None
    if floor_mg_dl is not None and scr < floor_mg_dl:
        floor_note = f"creatinine {scr:.4g} mg/dL raised to the floor {floor_mg_dl:g} mg/dL; "
        scr = applied = floor_mg_dl
    value = (140 - age) * weight.kg / (72 * scr)
    work = (
        f"{floor_note}CrCl = (140 − {age}) × {weight.kg:.4g} kg ({weight.used} weight) / "
        f"(72 × {scr:.4g} mg/dL) = {value:.1f} mL/min"
    )
    if sex == "female":
        value *= 0.85
        work += f" × 0.85 (female) = {value:.1f} mL/min"
    return Clearance(value, work + " (Cockcroft–Gault)", weight, scr, applied)
