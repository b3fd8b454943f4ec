"""JSON documents for machine use: exact, stable keys, values unrounded, no colour."""

from __future__ import annotations

import json
from typing import Any

from osdose.bsa import BSA, FORMULAS
from osdose.dosing import DoseLine, DoseSheet, Limit
from osdose.kidney import CalvertGfr
from osdose.regimen import Regimen


def dumps(doc: Any) -> str:
    """Strict JSON (a non-finite number is a bug, never written)."""
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)


def bsa_doc(b: BSA | None) -> dict[str, Any] | None:
    if b is None:
        return None
    out: dict[str, Any] = {
        "m2": b.m2,
        "formula": b.formula,
        "capped": b.capped,
        "uncapped_m2": b.uncapped_m2,
        "cap_m2": b.cap_m2,
        "cap_reason": b.cap_reason,
        "below_full_weight_based_percent": b.below_full_percent if b.capped else 0.0,
    }
    if b.formula in FORMULAS:
        out["expression"] = FORMULAS[b.formula].expression
        out["reference"] = FORMULAS[b.formula].reference
    return out


def bsa_results(results: list[BSA]) -> dict[str, Any]:
    """One patient's BSA by one or more formulas (computed from the same height and weight)."""
    return {
        "height_cm": results[0].height_cm,
        "weight_kg": results[0].weight_kg,
        "results": [
            {
                "formula": r.formula,
                "m2": r.m2,
                "capped": r.capped,
                "uncapped_m2": r.uncapped_m2,
                "expression": FORMULAS[r.formula].expression,
                "reference": FORMULAS[r.formula].reference,
            }
            for r in results
        ],
    }


def _amount(value: float | None, unit: str) -> dict[str, Any] | None:
    return None if value is None else {"value": value, "unit": unit}


def dose_line(line: DoseLine) -> dict[str, Any]:
    return {
        "drug": line.drug,
        "basis": line.basis.text,
        "basis_per": "day",
        "written": {
            "basis": line.written_basis.text,
            "per": "cycle" if line.written_as == "per_cycle" else "day",
        },
        "days": list(line.days),
        "route": line.route,
        "daily_mg": line.daily_mg,
        "cycle_mg": line.cycle_mg,
        "daily": _amount(line.daily, line.unit),
        "cycle": _amount(line.cycle, line.unit),
        "capped": line.capped,
        "uncapped_daily": _amount(line.uncapped_daily, line.unit),
        "cap": _amount(line.cap.amount if line.cap else None, line.unit),
        "cap_origin": line.cap.origin if line.cap else None,
        "cap_source": line.cap.source if line.cap and line.cap.source else None,
        "no_cap_reason": line.no_cap_reason,
        "gfr": gfr_doc(line.gfr),
        "small_patient_rule": line.rule.text if line.rule is not None else None,
        "trace": list(line.trace),
    }


def gfr_doc(g: CalvertGfr | None) -> dict[str, Any] | None:
    """The GFR of Calvert's formula (mL/min), for a dose by AUC."""
    if g is None:
        return None
    return {
        "method": g.method,
        "value_ml_min": g.value,
        "uncapped_ml_min": g.uncapped,
        "cap_ml_min": g.cap,
        "capped": g.capped,
        "work": g.work,
    }


def limit_doc(x: Limit) -> dict[str, Any]:
    c = x.comparison
    m = c.maximum
    return {
        "drug": c.drug,
        "maximum": m.dose.text,
        "period": m.period,
        "cycle_days": m.cycle_days,
        "value": c.value,
        "limit": c.limit,
        "unit": m.dose.unit_text,
        "over": c.over,
        "acknowledged": x.acknowledged,
        "source": m.cited,
    }


def dose_sheet(sheet: DoseSheet) -> dict[str, Any]:
    r = sheet.regimen
    return {
        "regimen": r.name,
        "regimen_file": r.path,
        "regimen_sha256": r.sha256,
        "bsa": bsa_doc(sheet.bsa),
        "height_cm": sheet.bsa.height_cm if sheet.bsa else None,
        "weight_kg": sheet.weight_kg,
        "dose_percent": sheet.dose_percent,
        "cycle_length_days": r.cycle_length_days,
        "drugs": [dose_line(line) for line in sheet.lines],
        "limits": [limit_doc(x) for x in sheet.limits],
        "not_compared": list(sheet.not_compared),
        "warnings": list(sheet.warnings),
    }


def regimen_doc(r: Regimen) -> dict[str, Any]:
    return {
        "name": r.name,
        "aliases": list(r.aliases),
        "description": r.description,
        "cycle_length_days": r.cycle_length_days,
        "cycles": r.cycles,
        "drugs": [
            {
                "drug": d.drug,
                "dose_per_day": d.basis.text,
                "written": {
                    "basis": d.written_basis.text,
                    "per": "cycle" if d.written_as == "per_cycle" else "day",
                },
                "days": list(d.days),
                "route": d.route,
                "diluent": d.diluent,
                "volume": d.volume,
                "duration": d.duration,
                "max_dose": d.max_dose.text if d.max_dose else None,
                "notes": d.notes,
                "source": d.source,
                "acknowledged": [{"rule": a, "reason": b} for a, b in d.acknowledged],
            }
            for d in r.drugs
        ],
        "supportive_care": r.supportive_care,
        "references": list(r.references),
        "assumptions": list(r.assumptions),
        "path": r.path,
        "sha256": r.sha256,
        **life_cycle(r),
    }


def life_cycle(r: Regimen) -> dict[str, Any]:
    """Where the regimen is in its approval life cycle (osdose.governance)."""
    return {
        "status": r.status,
        "version": r.version,
        "approved": {"by": r.approved.by, "date": r.approved.date.isoformat()}
        if r.approved
        else None,
        "superseded_by": r.superseded_by,
    }


def regimen_list(regs: tuple[Regimen, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": r.name,
            "aliases": list(r.aliases),
            "cycle_length_days": r.cycle_length_days,
            "cycles": r.cycles,
            "drugs": [d.drug for d in r.drugs],
            "path": r.path,
            "status": r.status,
        }
        for r in regs
    ]
