"""Rich tables for ``osdose cumulative`` and ``osdose plan``: totals with a gauge bar per
drug against its ceiling, statuses in words (colour only adds to them)."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from osdose.cumulative import DrugTotal, Exposure, per_m2_unit
from osdose.plan import Plan

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
    tail = Text()
    tail.append(
        f"Doxorubicin-equivalent: {e.doxorubicin_equivalent_mg_per_m2:,.1f} mg/m² "
        f"({e.equivalence}: {e.equivalence_source})\n"
    )
    for d in e.drugs:
        if d.status != "ok":
            tail.append_text(_note(d))
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
    t.add_column("dox-eq (mg/m²)", justify="right")
    t.add_column("status")
    t.add_row(
        "start",
        "history",
        *[Text(f"{p.start[d]:,.1f}", style=STYLE[p.start_status[d]]) for d in drugs],
        f"{p.start_doxorubicin_equivalent_mg_per_m2:,.1f}",
        "",
    )
    for c in p.cycles:
        t.add_row(
            str(c.n),
            c.regimen,
            *[f"{c.cumulative[d]:,.1f}" for d in drugs],
            f"{c.doxorubicin_equivalent_mg_per_m2:,.1f}",
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
    for reg, n in p.cycles_left_before_max.items():
        if n is None:
            tail.append(f"{reg}: holds no drug with a maximum; no limit on cycles from ceilings\n")
        else:
            plural = "s" if n != 1 else ""
            tail.append(f"{reg}: {n} more full-dose cycle{plural} before a maximum is exceeded\n")
    return Group(t, tail)
