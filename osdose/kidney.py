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


# -- estimated GFR ----------------------------------------------------------------------------

CKD_EPI_REFERENCE = "Inker et al., NEJM 2021 (CKD-EPI 2021 creatinine equation, race-free)"
DEINDEX_REFERENCE = "ADDIKD guideline (eviQ 2022): for dosing, eGFR × BSA / 1.73"
SCHWARTZ_REFERENCE = "Schwartz et al., JASN 2009 (bedside Schwartz)"
CG_REFERENCE = "Cockcroft & Gault, Nephron 1976"


@dataclass(frozen=True)
class Estimate:
    """One kidney-function estimate: ``method`` (``cockcroft-gault``, ``ckd-epi-2021``,
    ``ckd-epi-2021-absolute``, ``schwartz-bedside``), its value and unit, the formula with the
    patient's numbers, and its reference."""

    method: str
    value: float
    unit: str  # "mL/min" or "mL/min/1.73m2"
    formula: str
    reference: str


def ckd_epi_2021(age: float, sex: str, scr_mg_dl: float) -> Estimate:
    """eGFR (mL/min/1.73 m²) = 142 × min(SCr/κ, 1)^α × max(SCr/κ, 1)^−1.200 × 0.9938^age
    × 1.012 if female; κ = 0.7 (female) / 0.9 (male), α = −0.241 / −0.302 (adults)."""
    female = sex == "female"
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    ratio = scr_mg_dl / kappa
    value = 142.0 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.200 * 0.9938**age
    if female:
        value *= 1.012
    sex_term = " × 1.012 (female)" if female else ""
    formula = (
        f"142 × min({scr_mg_dl:.4g}/{kappa:g}, 1)^{alpha:g} × max({scr_mg_dl:.4g}/{kappa:g}, 1)"
        f"^−1.200 × 0.9938^{age:g}{sex_term} = {value:.1f} mL/min/1.73 m²"
    )
    return Estimate("ckd-epi-2021", value, "mL/min/1.73m2", formula, CKD_EPI_REFERENCE)


def deindexed(e: Estimate, bsa_m2: float) -> Estimate:
    """An eGFR per 1.73 m² as mL/min for this patient: × BSA / 1.73."""
    value = e.value * bsa_m2 / 1.73
    formula = f"{e.value:.1f} × {bsa_m2:.4f} m² / 1.73 = {value:.1f} mL/min"
    return Estimate(f"{e.method}-absolute", value, "mL/min", formula, DEINDEX_REFERENCE)


def schwartz_bedside(height_cm: float, scr_mg_dl: float) -> Estimate:
    """eGFR (mL/min/1.73 m²) = 0.413 × height (cm) / SCr (mg/dL), children."""
    value = 0.413 * height_cm / scr_mg_dl
    formula = f"0.413 × {height_cm:g} cm / {scr_mg_dl:.4g} mg/dL = {value:.1f} mL/min/1.73 m²"
    return Estimate("schwartz-bedside", value, "mL/min/1.73m2", formula, SCHWARTZ_REFERENCE)


@dataclass(frozen=True)
class KidneyReport:
    """Every estimate that applies to one patient, side by side, and why others do not."""

    inputs: dict[str, object]
    estimates: tuple[Estimate, ...]
    not_applicable: tuple[str, ...]


def report(
    age_years: float,
    sex: str,
    scr_mg_dl: float,
    height_cm: float | None = None,
    weight_kg: float | None = None,
    crcl_weight_policy: str | None = None,
    creatinine_floor_mg_dl: float | None = None,
) -> KidneyReport:
    """Cockcroft–Gault (adults, with the weight policy), CKD-EPI 2021 and the same de-indexed
    to the patient's BSA (adults), and bedside Schwartz (under 18), for one patient."""
    from osdose import bsa as bsa_mod
    from osdose import thresholds

    t = thresholds.current()
    policy = crcl_weight_policy or t.crcl_weight
    inputs: dict[str, object] = {
        "age_years": age_years,
        "sex": sex,
        "creatinine_mg_dl": scr_mg_dl,
        "height_cm": height_cm,
        "weight_kg": weight_kg,
        "crcl_weight": policy,
        "creatinine_floor_mg_dl": creatinine_floor_mg_dl,
    }
    out: list[Estimate] = []
    missing: list[str] = []
    if age_years >= ADULT_AGE:
        if weight_kg is None or (height_cm is None and policy != "actual"):
            missing.append(
                "cockcroft-gault: needs the weight (and the height for its weight policy)"
            )
        else:
            w = crcl_weight(
                policy,
                weight_kg,
                height_cm or 0.0,
                sex,
                t.crcl_adjusted_factor,
                t.crcl_obese_above_percent,
            )
            c = cockcroft_gault(int(age_years), w, scr_mg_dl, sex, creatinine_floor_mg_dl)
            out.append(
                Estimate(
                    "cockcroft-gault",
                    c.ml_min,
                    "mL/min",
                    f"{c.work}; weight: {w.work} (policy {policy})",
                    CG_REFERENCE,
                )
            )
        e = ckd_epi_2021(age_years, sex, scr_mg_dl)
        out.append(e)
        if height_cm is not None and weight_kg is not None:
            out.append(deindexed(e, bsa_mod.compute(height_cm, weight_kg).m2))
        else:
            missing.append("ckd-epi-2021-absolute: needs height and weight (the BSA)")
        missing.append(f"schwartz-bedside: a children's equation (under {ADULT_AGE})")
    else:
        missing.append(f"cockcroft-gault, ckd-epi-2021: adult equations (from {ADULT_AGE} y)")
        if height_cm is None:
            missing.append("schwartz-bedside: needs the height")
        else:
            out.append(schwartz_bedside(height_cm, scr_mg_dl))
    return KidneyReport(inputs, tuple(out), tuple(missing))


# -- the GFR of Calvert's formula -------------------------------------------------------------

GFR_METHODS = ("measured", "cockcroft-gault", "ckd-epi-2021-absolute")


@dataclass(frozen=True)
class CalvertGfr:
    """The GFR that goes into Calvert's formula: ``value`` (mL/min, capped at ``cap``),
    ``uncapped``, the ``method`` it came from, and the work that gave it."""

    value: float
    uncapped: float
    cap: float
    method: str
    work: str

    @property
    def capped(self) -> bool:
        return self.value < self.uncapped


def calvert_gfr(
    method: str,
    *,
    measured_ml_min: float | None = None,
    age_years: float | None = None,
    sex: str | None = None,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    bsa_m2: float | None = None,
    creatinine_mg_dl: float | None = None,
    crcl_weight_policy: str | None = None,
    creatinine_floor_mg_dl: float | None = None,
    cap_ml_min: float | None = None,
) -> CalvertGfr:
    """The GFR for carboplatin by ``method``: ``measured`` (given), ``cockcroft-gault`` or
    ``ckd-epi-2021-absolute`` (estimated from age, sex, creatinine and weight or BSA), capped
    (the thresholds file's 125 mL/min unless ``cap_ml_min``). What a method needs and is not
    given is refused, naming it: the dose is never guessed."""
    from osdose import thresholds

    t = thresholds.current()
    cap = t.gfr_cap_ml_min if cap_ml_min is None else cap_ml_min
    if method not in GFR_METHODS:
        raise InputError("gfr method", f"must be one of {', '.join(GFR_METHODS)}, got {method!r}")
    if method == "measured":
        if measured_ml_min is None:
            raise InputError("gfr", "is needed (measured, mL/min) for carboplatin by AUC")
        value, work = measured_ml_min, f"measured GFR {measured_ml_min:g} mL/min"
    else:
        missing = [
            name
            for name, v in (("age", age_years), ("sex", sex), ("creatinine", creatinine_mg_dl))
            if v is None
        ]
        if missing:
            raise InputError(
                "gfr",
                f"for carboplatin by AUC ({method}) needs the patient's {', '.join(missing)}: "
                "give them, or a measured GFR",
            )
        assert age_years is not None and sex is not None and creatinine_mg_dl is not None
        if age_years < ADULT_AGE:
            raise InputError(
                "gfr",
                f"{method} is an adult equation: for a patient of {age_years:g} years give a "
                "measured GFR",
            )
        scr = creatinine_mg_dl
        floor = ""
        if creatinine_floor_mg_dl is not None and scr < creatinine_floor_mg_dl:
            floor = f"creatinine {scr:.4g} raised to the floor {creatinine_floor_mg_dl:g} mg/dL; "
            scr = creatinine_floor_mg_dl
        if method == "cockcroft-gault":
            if weight_kg is None:
                raise InputError("gfr", "by Cockcroft–Gault needs the weight")
            w = crcl_weight(
                crcl_weight_policy or t.crcl_weight,
                weight_kg,
                height_cm or 0.0,
                sex,
                t.crcl_adjusted_factor,
                t.crcl_obese_above_percent,
            )
            c = cockcroft_gault(int(age_years), w, scr, sex)
            value, work = c.ml_min, f"{floor}{c.work}; weight: {w.work}"
        else:
            if bsa_m2 is None:
                raise InputError("gfr", "by CKD-EPI de-indexed needs the BSA (height and weight)")
            e = ckd_epi_2021(age_years, sex, scr)
            d = deindexed(e, bsa_m2)
            value, work = d.value, f"{floor}{e.formula}; {d.formula}"
    if not 1 <= value <= 300:
        raise InputError("gfr", f"{value:.1f} mL/min is outside the plausible 1–300 mL/min")
    used = min(value, cap)
    if used < value:
        work += f"; capped at {cap:g} mL/min ({t.calvert_source})"
    return CalvertGfr(used, value, cap, method, work)


GFR_PLAUSIBLE = (1.0, 300.0)  # mL/min


def measured_gfr(text: object, field: str = "gfr", bare_is_ml_min: bool = False) -> float:
    """A measured GFR in mL/min from ``100 mL/min`` (or ``1.67 mL/s``); a bare number is
    refused, except on the command line (``bare_is_ml_min``: ``--gfr 100``, as GFR has no
    other everyday unit there)."""
    from osdose import units

    plain = isinstance(text, (str, int, float)) and not isinstance(text, bool)
    s = str(text).strip() if plain else ""
    if bare_is_ml_min and units.is_bare_number(s):
        s = f"{s} mL/min"
    q = units.expect(units.parse(s or text, field), "volume/time", field, "a GFR in mL/min")
    value = q.to("mL/min")
    low, high = GFR_PLAUSIBLE
    if not low <= value <= high:
        raise InputError(field, f"{q.text} is outside the plausible {low:g}–{high:g} mL/min")
    return value
