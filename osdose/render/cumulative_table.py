"""Rich tables for ``osdose cumulative`` and ``osdose plan``: totals with a gauge bar per
drug against its ceiling, statuses in words (colour only adds to them)."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.text import Text

from osdose.cumulative import CombinedTotal, DrugTotal, Exposure, per_m2_unit
from osdose.plan import Plan
from osdose.render.text import Table

STYLE = {"ok": "green", "watch": "cyan", "warn": "bold yellow", "over": "bold red"}
GAUGE = 10


def threshold(value: float | None, unit: str | None) -> str:
    """``900 mg/m²``, ``400,000 IU``; an em dash for no threshold."""
    if value is None or unit is None:
        return "—"
    return f"{value:,.1f} {unit.replace('m2', 'm²')}"


def gauge(value: float | None, maximum: float | None, status: str) -> Text:
    """A bar of the total against the maximum; past the maximum it ends in ``▶``."""
    if value is None or not maximum:
        return Text("")
    filled = min(GAUGE, round(value / maximum * GAUGE))
    bar = "█" * filled + "░" * (GAUGE - filled)
    if value > maximum:
        bar = bar[:-1] + "▶"
    return Text(bar, style=STYLE[status])


def _value(d: DrugTotal) -> float | None:
    return d.total_per_m2 if per_m2_unit(d.ceiling_unit) else d.total


def _combined_note(c: CombinedTotal) -> Text:
    line = Text(f"{c.basis} ({c.group}) ", style="bold")
    line.append(c.status.upper(), style=STYLE[c.status])
    line.append(f": {c.total_mg_per_m2:,.1f} mg/m²")
    if c.max is not None:
        line.append(f" against the {c.reference_drug} maximum {c.max:,.1f} mg/m²")
        if c.percent_of_max is not None:
            line.append(f" ({c.percent_of_max:.1f}% of the maximum)")
    if c.warn_since:
        line.append(f"; warn band reached on {c.warn_since}")
    if c.over_since:
        line.append(f"; went over the maximum on {c.over_since}")
    line.append("\n")
    parts = " + ".join(
        f"{x.drug} {x.mg_per_m2:,.1f} × {x.factor:g}"
        if x.factor is not None
        else f"{x.drug} {x.mg_per_m2:,.1f} (NOT CONVERTIBLE)"
        for x in c.contributors
    )
    line.append(f"    {parts}\n", style="dim")
    for r in c.reasons:
        line.append(f"    {r}\n", style="dim")
    return line


def _note(d: DrugTotal) -> Text:
    value = threshold(_value(d), d.ceiling_unit)
    line = Text(f"{d.drug} ", style="bold")
    line.append(d.status.upper(), style=STYLE[d.status])
    if d.status == "over":
        line.append(
            f": {value} is ABOVE the maximum {threshold(d.max, d.ceiling_unit)} "
            f"({d.percent_of_max:.1f}% of the maximum)"
        )
    elif d.status == "warn":
        line.append(
            f": {value} is in the warn band {threshold(d.warn, d.ceiling_unit)}–"
            f"{threshold(d.max, d.ceiling_unit)}"
        )
    else:
        line.append(f": {value}; monitor")
    if d.warn_since:
        line.append(f"; warn band reached on {d.warn_since}")
    if d.over_since:
        line.append(f"; went over the maximum on {d.over_since}")
    line.append("\n")
    for r in d.reasons:
        line.append(f"    {r}\n", style="dim")
    return line


def number(value: float | None, unit: str | None, default: str) -> str:
    """A number for a column whose header gives ``default`` as its unit; any other unit is
    written out (a bleomycin total in IU in a column of mg)."""
    if value is None or unit is None:
        return "—"
    shown = f"{value:,.1f}"
    return shown if unit == default else f"{shown} {unit.replace('m2', 'm²')}"


def exposure_table(e: Exposure) -> Group:
    t = Table(
        title=f"Cumulative exposure — patient {e.patient}",
        caption="warn and max in mg/m² unless marked; status: ok < watch < warn < over",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for col in ("drug", "total mg", "mg/m²", "warn", "max", "% max", "gauge", "status"):
        right = col not in ("drug", "gauge", "status")
        t.add_column(col, justify="right" if right else "left", no_wrap=True)
    for d in e.drugs:
        t.add_row(
            d.drug,
            number(d.total, d.unit, "mg") if d.total is not None else "no BSA",
            number(d.total_per_m2, f"{d.unit}/m2", "mg/m2"),
            number(d.warn, d.ceiling_unit, "mg/m2"),
            number(d.max, d.ceiling_unit, "mg/m2"),
            "" if d.percent_of_max is None else f"{d.percent_of_max:.1f}%",
            gauge(_value(d), d.max, d.status),
            Text(d.status, style=STYLE[d.status]),
        )
    for c in e.combined:
        t.add_row(
            Text(c.basis, style="bold"),
            "",
            number(c.total_mg_per_m2, "mg/m2", "mg/m2"),
            number(c.warn, "mg/m2", "mg/m2"),
            number(c.max, "mg/m2", "mg/m2"),
            "" if c.percent_of_max is None else f"{c.percent_of_max:.1f}%",
            gauge(c.total_mg_per_m2, c.max, c.status),
            Text(c.status, style=STYLE[c.status]),
        )
    tail = Text()
    if e.combined:
        tail.append(f"Equivalence factors: {e.equivalence} ({e.equivalence_source})\n")
    for d in e.drugs:
        if d.status != "ok":
            tail.append_text(_note(d))
    for c in e.combined:
        if c.status != "ok" or c.not_convertible:
            tail.append_text(_combined_note(c))
    if not e.drugs:
        tail.append("No administrations recorded.\n")
    return Group(t, tail)


def plan_table(p: Plan) -> Group:
    drugs = list(p.units)
    title = f"Plan for patient {p.patient}"
    if p.dose_percent != 100:
        title += f" at {p.dose_percent:g}% dose"
    t = Table(
        title=title,
        caption="cumulative after each planned cycle; status of the drugs the cycle gives",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    t.add_column("cycle", justify="right")
    t.add_column("regimen")
    for d in drugs:
        t.add_column(f"{d} ({p.units[d].replace('m2', 'm²')})", justify="right")
    groups = list(dict.fromkeys([*p.start_combined, *(g for c in p.cycles for g in c.combined)]))
    for g in groups:
        t.add_column(f"{g} dox-eq (mg/m²)", justify="right")
    t.add_column("status")
    t.add_row(
        "start",
        "history",
        *[Text(f"{p.start[d]:,.1f}", style=STYLE[p.start_status[d]]) for d in drugs],
        *[
            Text(
                f"{p.start_combined.get(g, 0.0):,.1f}",
                style=STYLE[p.start_combined_status.get(g, "ok")],
            )
            for g in groups
        ],
        "",
    )
    for c in p.cycles:
        t.add_row(
            str(c.n),
            c.regimen,
            *[f"{c.cumulative[d]:,.1f}" for d in drugs],
            *[
                Text(f"{c.combined.get(g, 0.0):,.1f}", style=STYLE[c.combined_status.get(g, "ok")])
                for g in groups
            ],
            Text(c.status, style=STYLE[c.status]),
        )
    tail = Text()
    tail.append(f"First cycle reaching a warn threshold: {p.first_warn_cycle or 'none'}\n")
    tail.append(
        f"First cycle above a maximum: {p.first_over_cycle or 'none'}\n",
        style=STYLE["over"] if p.first_over_cycle else "",
    )
    for d, s in p.start_status.items():
        if s == "over":
            tail.append(f"The history is already above the maximum for {d}.\n", style=STYLE[s])
    for g, s in p.start_combined_status.items():
        if s == "over":
            tail.append(
                f"The history's combined {g} exposure is already over (see cumulative).\n",
                style=STYLE[s],
            )
    for reg, x in p.limits:
        above = f"{reg}: {x.comparison.text} ({x.comparison.maximum.cited})"
        if x.acknowledged:
            tail.append(f"{above}; acknowledged: {x.acknowledged}\n")
        else:
            tail.append(f"{above}\n", style=STYLE["warn"])
    for w in p.warnings:
        tail.append(f"WARNING: {w}\n", style=STYLE["over"])
    for reg, n in p.cycles_left_before_max.items():
        if n is None:
            tail.append(f"{reg}: holds no drug with a maximum; no limit on cycles from ceilings\n")
        else:
            plural = "s" if n != 1 else ""
            tail.append(f"{reg}: {n} more full-dose cycle{plural} before a maximum is exceeded\n")
    return Group(t, tail)
