"""What every check reads: the order, the recalculated BSA and doses, the options."""

from __future__ import annotations

from dataclasses import dataclass, field

from osdose.bsa import BSA
from osdose.dosing import DoseLine, daily_dose
from osdose.drugs import DrugTable
from osdose.regimen import DrugDose
from osdose.verify.order import Order, Prescribed
from osdose.verify.result import Options


@dataclass(frozen=True)
class Context:
    """``expected`` holds each regimen drug's recalculated daily dose (regimen × BSA × dose
    percent, capped as the regimen says), keyed by drug name."""

    order: Order
    table: DrugTable
    options: Options
    bsa: BSA
    expected: dict[str, DoseLine] = field(hash=False)
    regimen_drugs: dict[str, DrugDose] = field(hash=False)

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
        """The regimen's dose at 100% (before the order's intended reduction)."""
        if self.order.dose_percent == 100:
            return self.expected[drug]
        return daily_dose(self.regimen_drugs[drug], self.bsa, self.order.patient.weight_kg, 100.0)


def build_context(order: Order, table: DrugTable, options: Options) -> Context:
    from osdose import bsa as bsa_mod

    p = order.patient
    b = bsa_mod.compute(p.height_cm, p.weight_kg, order.bsa_formula)
    drugs = {d.drug: d for d in order.regimen.drugs}
    expected = {
        name: daily_dose(d, b, p.weight_kg, order.dose_percent) for name, d in drugs.items()
    }
    return Context(order, table, options, b, expected, drugs)


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
