"""``osdose gfr``: every kidney-function estimate side by side (table), or the JSON contract
``{"inputs": {...}, "estimates": [{method, value, unit, formula, reference}]}``."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text

from osdose.kidney import KidneyReport
from osdose.render.text import Table


def gfr_doc(r: KidneyReport) -> dict[str, Any]:
    return {
        "inputs": dict(r.inputs),
        "estimates": [
            {
                "method": e.method,
                "value": e.value,
                "unit": e.unit,
                "formula": e.formula,
                "reference": e.reference,
            }
            for e in r.estimates
        ],
        "not_applicable": list(r.not_applicable),
    }


def gfr_table(r: KidneyReport) -> Group:
    t = Table(title="Kidney function")
    t.add_column("method")
    t.add_column("value", justify="right")
    t.add_column("unit")
    t.add_column("formula with the numbers", overflow="fold")
    t.add_column("reference", overflow="fold")
    for e in r.estimates:
        unit = e.unit.replace("1.73m2", "1.73 m²")
        t.add_row(Text(e.method), f"{e.value:.1f}", unit, Text(e.formula), Text(e.reference))
    tail = Text()
    tail.append(
        "mL/min/1.73 m² is indexed to a standard body size: for dosing use mL/min (CrCl, or the "
        "eGFR de-indexed to the patient's BSA)\n",
        style="dim",
    )
    for why in r.not_applicable:
        tail.append(f"not applicable — {why}\n", style="dim")
    return Group(t, tail)
