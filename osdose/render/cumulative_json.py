"""JSON documents for ``osdose cumulative`` and ``osdose plan``: the issue's keys, exact and
unrounded, plus a few named extras (units, dates, reasons) documented in the README."""

from __future__ import annotations

from typing import Any

from osdose.cumulative import CombinedTotal, DrugTotal, Exposure, per_m2_unit
from osdose.plan import Plan


def _mg_per_m2(d: DrugTotal, value: float | None) -> float | None:
    return value if d.ceiling_unit == "mg/m2" else None


def drug_total(d: DrugTotal) -> dict[str, Any]:
    return {
        "drug": d.drug,
        "total_mg": d.total_mg,
        "total_mg_per_m2": d.total_mg_per_m2,
        "warn_mg_per_m2": _mg_per_m2(d, d.warn),
        "max_mg_per_m2": _mg_per_m2(d, d.max),
        "percent_of_max": d.percent_of_max,
        "status": d.status,
        "unit": d.unit,
        "total": d.total,
        "threshold_unit": d.ceiling_unit,
        "warn": d.warn,
        "max": d.max,
        "watch_at": list(d.watch),
        "administrations": d.administrations,
        "warn_reached_on": d.warn_since.isoformat() if d.warn_since else None,
        "over_reached_on": d.over_since.isoformat() if d.over_since else None,
        "reasons": list(d.reasons),
        "source": d.source or None,
    }


def combined_doc(c: CombinedTotal) -> dict[str, Any]:
    return {
        "group": c.group,
        "basis": c.basis,
        "total_mg_per_m2": c.total_mg_per_m2,
        "warn_mg_per_m2": c.warn,
        "max_mg_per_m2": c.max,
        "percent_of_max": c.percent_of_max,
        "status": c.status,
        "contributors": [
            {
                "drug": x.drug,
                "mg_per_m2": x.mg_per_m2,
                "factor": x.factor,
                "equivalent_mg_per_m2": x.equivalent_mg_per_m2,
            }
            for x in c.contributors
        ],
        "not_convertible": list(c.not_convertible),
        "reference_drug": c.reference_drug,
        "warn_reached_on": c.warn_since.isoformat() if c.warn_since else None,
        "over_reached_on": c.over_since.isoformat() if c.over_since else None,
        "reasons": list(c.reasons),
        "source": c.source,
    }


def exposure_doc(e: Exposure) -> dict[str, Any]:
    return {
        "patient": e.patient,
        "drugs": [drug_total(d) for d in e.drugs],
        "combined": [combined_doc(c) for c in e.combined],
        "doxorubicin_equivalent_mg_per_m2": e.doxorubicin_equivalent_mg_per_m2,
        "equivalence": e.equivalence,
        "status": e.status,
    }


def _split(values: dict[str, float], units: dict[str, str]) -> tuple[dict[str, Any], ...]:
    per_m2 = {d: v for d, v in values.items() if per_m2_unit(units[d])}
    totals = {
        d: {"value": v, "unit": units[d]} for d, v in values.items() if not per_m2_unit(units[d])
    }
    return per_m2, totals


def plan_doc(p: Plan) -> dict[str, Any]:
    start, start_totals = _split(p.start, p.units)
    cycles = []
    for c in p.cycles:
        per_m2, totals = _split(c.cumulative, p.units)
        cycles.append(
            {
                "n": c.n,
                "regimen": c.regimen,
                "cumulative_mg_per_m2": per_m2,
                "status": c.status,
                "cumulative_totals": totals,
                "doxorubicin_equivalent_mg_per_m2": c.doxorubicin_equivalent_mg_per_m2,
                "combined": [
                    {"group": g, "total_mg_per_m2": v, "status": c.combined_status[g]}
                    for g, v in c.combined.items()
                ],
            }
        )
    return {
        "patient": p.patient,
        "start_mg_per_m2": start,
        "cycles": cycles,
        "first_warn_cycle": p.first_warn_cycle,
        "first_over_cycle": p.first_over_cycle,
        "cycles_left_before_max": p.cycles_left_before_max,
        "start_totals": start_totals,
        "start_status": p.start_status,
        "start_doxorubicin_equivalent_mg_per_m2": p.start_doxorubicin_equivalent_mg_per_m2,
        "start_combined": [
            {"group": g, "total_mg_per_m2": v, "status": p.start_combined_status[g]}
            for g, v in p.start_combined.items()
        ],
        "dose_percent": p.dose_percent,
        "added_per_cycle_mg_per_m2": {
            reg: {d: v for d, v in adds.items() if per_m2_unit(p.units.get(d, "mg/m2"))}
            for reg, adds in p.per_cycle.items()
        },
        "equivalence": p.equivalence,
        "above_usual_maximum": [
            {
                "regimen": r,
                "drug": x.comparison.drug,
                "message": x.comparison.text,
                "value": x.comparison.value,
                "limit": x.comparison.limit,
                "acknowledged": x.acknowledged,
            }
            for r, x in p.limits
        ],
        "warnings": list(p.warnings),
    }
