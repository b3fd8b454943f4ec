"""What every check reads: the order, the recalculated BSA and doses, the options."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from osdose.bsa import BSA
from osdose.dosing import DoseLine, DosingPatient, daily_dose
from osdose.drugs import DrugTable
from osdose.errors import InputError
from osdose.kidney import (
    ADULT_AGE,
    Clearance,
    Estimate,
    ckd_epi_2021,
    cockcroft_gault,
    crcl_weight,
    deindexed,
)
from osdose.regimen import DrugDose
from osdose.verify.order import Order, Prescribed
from osdose.verify.result import Options


@dataclass(frozen=True)
class Context:
    """``expected`` holds each regimen drug's recalculated daily dose (regimen × BSA, weight
    or Calvert's GFR × the order's dose percent × the drug's own percent, capped), keyed by
    drug name; ``not_computed`` says, per drug, why its dose could not be recalculated (a
    dose by AUC without the creatinine, a small-patient rule without the age)."""

    order: Order
    table: DrugTable
    options: Options
    bsa: BSA
    expected: dict[str, DoseLine] = field(hash=False)
    regimen_drugs: dict[str, DrugDose] = field(hash=False)
    patient: DosingPatient = field(default_factory=DosingPatient)
    not_computed: dict[str, str] = field(default_factory=dict, hash=False)
    uncapped_bsa: BSA | None = None  # the BSA before the order's institutional cap

    def pairs(self) -> list[tuple[Prescribed, DoseLine]]:
        """Each prescribed drug of the regimen with its expected dose, in order of writing."""
        return [
            (p, self.expected[p.drug]) for p in self.order.prescribed if p.drug in self.expected
        ]

    def compared(self) -> list[tuple[Prescribed, DoseLine, float]]:
        """The pairs whose units agree, each with its deviation in percent."""
        return [
            (p, e, (p.dose - e.daily) / e.daily * 100.0)
            for p, e in self.pairs()
            if p.unit == e.unit
        ]

    def full_dose(self, drug: str) -> DoseLine:
        """The regimen's dose at 100% (before the order's and the drug's reductions)."""
        e = self.expected[drug]
        if self.order.dose_percent == 100 and e.drug_percent == 100:
            return e
        return self.dose_at(drug, self.bsa, self.order.patient.weight_kg, 100.0, 100.0)

    def dose_at(
        self,
        drug: str,
        bsa: BSA,
        weight_kg: float,
        dose_percent: float | None = None,
        drug_percent: float | None = None,
    ) -> DoseLine:
        """The expected dose of ``drug`` for another BSA and weight (the baseline's), or at
        other percents (``None``: the order's)."""
        d = self.regimen_drugs[drug]
        return daily_dose(
            d,
            bsa,
            weight_kg,
            self.order.dose_percent if dose_percent is None else dose_percent,
            self.order.percent_of(drug) if drug_percent is None else drug_percent,
            age_years=self.order.patient.age,
            gfr=self.patient.gfr(d, bsa.uncapped_m2, weight_kg),
        )

    @cached_property
    def baseline_bsa(self) -> BSA | None:
        """The BSA of the baseline weight (order's, else the history's), when known."""
        from osdose import bsa as bsa_mod

        p = self.order.patient
        h = self.order.history
        base = p.baseline_weight_kg or (h.baseline_weight_kg if h else None)
        if base is None:
            return None
        try:
            return bsa_mod.compute(p.height_cm, base, self.order.bsa_formula)
        except InputError:
            return None

    @cached_property
    def crcl_weight_policy(self) -> str:
        from osdose import thresholds

        return (
            self.options.crcl_weight or self.order.crcl_weight or thresholds.current().crcl_weight
        )

    @cached_property
    def egfr_absolute(self) -> Estimate | str | None:
        """CKD-EPI 2021 de-indexed to today's BSA (mL/min), as ADDIKD doses by; a text saying
        why it cannot be estimated; ``None`` without a creatinine."""
        pt = self.order.patient
        if pt.serum_creatinine_mg_dl is None:
            return None
        if pt.age is None or pt.sex is None:
            return "CKD-EPI needs age and sex"
        if pt.age < ADULT_AGE:
            return f"age {pt.age:.3g}: CKD-EPI 2021 is an adult equation (from {ADULT_AGE} y)"
        return deindexed(
            ckd_epi_2021(pt.age, pt.sex, pt.serum_creatinine_mg_dl), self.bsa.uncapped_m2
        )

    @cached_property
    def crcl(self) -> Clearance | str | None:
        """The patient's CrCl; a text saying why it cannot be estimated; ``None`` when the
        order gives no creatinine."""
        from osdose import thresholds

        pt = self.order.patient
        if pt.serum_creatinine_mg_dl is None:
            return None
        if pt.age is None or pt.sex is None:
            return "Cockcroft–Gault needs age and sex"
        if pt.age < ADULT_AGE:
            return (
                f"age {pt.age:.3g}: Cockcroft–Gault is an adult formula (from {ADULT_AGE} y); CrCl "
                "not estimated, check renal function another way"
            )
        t = thresholds.current()
        try:
            w = crcl_weight(
                self.crcl_weight_policy,
                pt.weight_kg,
                pt.height_cm,
                pt.sex,
                t.crcl_adjusted_factor,
                t.crcl_obese_above_percent,
            )
        except InputError as exc:
            return str(exc)
        return cockcroft_gault(
            int(pt.age), w, pt.serum_creatinine_mg_dl, pt.sex, self.options.creatinine_floor_mg_dl
        )


def order_patient(order: Order, options: Options) -> DosingPatient:
    """What the dose engine needs of the order's patient besides BSA and weight."""
    p = order.patient
    return DosingPatient(
        age_years=p.age,
        sex=p.sex,
        height_cm=p.height_cm,
        creatinine_mg_dl=p.serum_creatinine_mg_dl,
        measured_gfr=p.measured_gfr_ml_min,
        gfr_method=options.gfr_method or order.gfr_method,
        gfr_cap=options.gfr_cap_ml_min,
        creatinine_floor_mg_dl=options.creatinine_floor_mg_dl,
        crcl_weight=options.crcl_weight or order.crcl_weight,
    )


def build_context(order: Order, table: DrugTable, options: Options) -> Context:
    from osdose import bsa as bsa_mod

    p = order.patient
    full = bsa_mod.compute(p.height_cm, p.weight_kg, order.bsa_formula)
    b = full
    if order.bsa_cap_m2 is not None:
        b = bsa_mod.compute(
            p.height_cm, p.weight_kg, order.bsa_formula, order.bsa_cap_m2, order.cap_reason
        )
    patient = order_patient(order, options)
    drugs = {d.drug: d for d in order.regimen.drugs}
    expected = {}
    not_computed = {}
    for name, d in drugs.items():
        pres = next((x for x in order.prescribed if x.drug == name), None)
        try:
            expected[name] = daily_dose(
                d,
                b,
                p.weight_kg,
                order.dose_percent,
                pres.percent if pres else 100.0,
                (pres.reason or "") if pres else "",
                age_years=p.age,
                gfr=patient.gfr(d, b.uncapped_m2, p.weight_kg),
            )
        except InputError as exc:
            not_computed[name] = str(exc)
    return Context(
        order, table, options, b, expected, drugs, patient, not_computed,
        full if b is not full else None,
    )  # fmt: skip


_BSA_WORK = {
    "mosteller": lambda h, w: f"√({h:g} × {w:g} / 3600)",
    "dubois": lambda h, w: f"0.007184 × {w:g}^0.425 × {h:g}^0.725",
    "haycock": lambda h, w: f"0.024265 × {w:g}^0.5378 × {h:g}^0.3964",
    "gehan-george": lambda h, w: f"0.0235 × {w:g}^0.51456 × {h:g}^0.42246",
    "boyd": lambda h, w: (
        f"0.0003207 × {h:g}^0.3 × {w * 1000:g}^(0.7285 − 0.0188 × log10 {w * 1000:g})"
    ),
}


def bsa_work(b: BSA) -> str:
    """The BSA formula with the patient's numbers in it (H cm, W kg; Boyd in grams)."""
    if b.height_cm is None or b.weight_kg is None or b.formula not in _BSA_WORK:
        return f"BSA {b.m2:.4f} m² ({b.formula})"
    expr = _BSA_WORK[b.formula](b.height_cm, b.weight_kg)
    return f"BSA ({b.formula}) = {expr} = {b.m2:.4f} m²"
