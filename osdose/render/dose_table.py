"""Rich tables for people. Numbers are rounded for reading; JSON carries them unrounded."""

from __future__ import annotations

from rich.console import Console, Group
from rich.text import Text

from osdose.bsa import BSA, FORMULAS
from osdose.dosing import DoseSheet
from osdose.regimen import Regimen
from osdose.render.text import Table


def amount(value: float, unit: str) -> str:
    """A dose for reading: mg to 2 decimals (1 at 1,000 mg and above), IU whole."""
    if unit == "IU":
        return f"{value:,.0f} IU"
    return f"{value:,.1f} mg" if value >= 1000 else f"{value:,.2f} mg"


def pretty(unit_text: str) -> str:
    """``120 mg/m**2`` → ``120 mg/m²`` for reading."""
    return unit_text.replace("**2", "²")


def days_text(days: tuple[int, ...]) -> str:
    if len(days) > 1 and list(days) == list(range(days[0], days[-1] + 1)):
        return f"d{days[0]}–{days[-1]}"
    return "d" + ",".join(str(d) for d in days)


def bsa_line(b: BSA | None, weight_kg: float | None) -> str:
    if b is None:
        return "no BSA (flat doses only)" + (f"; weight {weight_kg:g} kg" if weight_kg else "")
    parts = [f"BSA {b.m2:.4f} m² ({b.formula}"]
    if b.height_cm is not None and b.weight_kg is not None and b.formula != "given":
        parts.append(f": height {b.height_cm:g} cm, weight {b.weight_kg:g} kg")
    parts.append(")")
    if b.capped:
        parts.append(
            f" — CAPPED at {b.cap_m2:g} m² (uncapped {b.uncapped_m2:.4f} m²): every per-m² dose "
            f"{b.below_full_percent:.1f}% below full weight-based dosing; reason: {b.cap_reason}"
        )
    elif b.cap_m2 is not None:
        parts.append(f" — cap {b.cap_m2:g} m² not reached")
    return "".join(parts)


def bsa_table(results: list[BSA]) -> Table:
    """One patient's BSA by one or more formulas (computed from the same height and weight)."""
    t = Table(
        title=f"BSA for height {results[0].height_cm:g} cm, weight {results[0].weight_kg:g} kg"
    )
    t.add_column("formula")
    t.add_column("m²", justify="right")
    t.add_column("expression (H cm, W kg)", overflow="fold")
    t.add_column("reference")
    for r in results:
        shown = f"{r.m2:.4f}" + (f" (capped; uncapped {r.uncapped_m2:.4f})" if r.capped else "")
        f = FORMULAS[r.formula]
        t.add_row(r.formula, shown, f.expression, f.reference)
    return t


def dose_table(sheet: DoseSheet) -> Group:
    r = sheet.regimen
    title = f"{r.name} — cycle of {r.cycle_length_days} days"
    if sheet.dose_percent != 100:
        title += f" — at {sheet.dose_percent:g}% dose"
    if r.status == "draft":
        title += " — DRAFT, not approved for use"
    t = Table(title=title)
    t.add_column("drug")
    t.add_column("dose per day (basis)")
    t.add_column("days")
    t.add_column("route")
    t.add_column("per day", justify="right")
    t.add_column("per cycle", justify="right")
    any_capped = any(line.capped for line in sheet.lines)
    if any_capped:
        t.add_column("note")
    for line in sheet.lines:
        basis = pretty(line.basis.text)
        if line.written_as == "per_cycle":
            basis += f" (written {pretty(line.written_basis.text)} per cycle)"
        if line.rule is not None:
            rule = line.rule
            how = f"÷ {rule.divisor:g} per kg" if rule.rule == "per-kg" else f"× {rule.percent:g}%"
            basis += f" {how} ({rule.when})"
        if line.gfr is not None:
            capped = f", capped from {line.gfr.uncapped:.1f}" if line.gfr.capped else ""
            basis += f" × (GFR {line.gfr.value:.1f}{capped} + 25)"
        note = ""
        if line.capped:
            uncapped = amount(line.uncapped_daily, line.unit)
            cap = amount(line.cap.amount if line.cap else 0, line.unit)
            origin = line.cap.origin if line.cap else ""
            note = f"CAPPED at {cap} ({origin}; uncapped {uncapped})"
        cells: list[str | Text] = [
            line.drug,
            basis,
            days_text(line.days),
            line.route or "",
            amount(line.daily, line.unit),
            amount(line.cycle, line.unit),
        ]
        if any_capped:
            cells.append(Text(note, style="bold yellow"))
        t.add_row(*cells)
    work = Text("How each dose was reached:\n", style="bold")
    for line in sheet.lines:
        work.append(f"  {line.drug}: ", style="bold")
        work.append(pretty("; ".join(line.trace)) + "\n")
    for x in sheet.limits:
        c = x.comparison
        if not c.over:
            continue
        if x.acknowledged:
            work.append(
                f"  {c.text} ({c.maximum.cited}); acknowledged: {x.acknowledged}\n", style="yellow"
            )
        else:
            work.append(f"  {c.text} ({c.maximum.cited})\n", style="bold red")
    for why in sheet.not_compared:
        work.append(f"  not compared: {why}\n", style="bold magenta")
    for w in sheet.warnings:
        work.append(f"  WARNING: {w}\n", style="bold red")
    work.append(f"Regimen file: {r.path} (sha256 {r.sha256[:12]}…)\n", style="dim")
    return Group(Text(bsa_line(sheet.bsa, sheet.weight_kg), style="bold"), t, work)


def regimens_table(regs: tuple[Regimen, ...]) -> Table:
    t = Table(title="Regimens")
    for col in ("name", "aliases", "cycle", "cycles", "drugs"):
        t.add_column(col)
    for r in regs:
        t.add_row(
            r.name if r.status == "active" else f"{r.name} ({r.status})",
            ", ".join(r.aliases),
            f"{r.cycle_length_days} d",
            str(r.cycles or "—"),
            ", ".join(d.drug for d in r.drugs),
        )
    return t


def regimen_detail(r: Regimen) -> Group:
    head = Text()
    head.append(f"{r.name}", style="bold")
    if r.aliases:
        head.append(f"  (also: {', '.join(r.aliases)})")
    head.append(
        f"\n{r.description or ''}\ncycle length {r.cycle_length_days} days; "
        f"usual cycles {r.cycles or 'not set'}; file {r.path}\n"
    )
    from osdose.governance import describe

    head.append(f"{describe(r)}\n", style="bold red" if r.status != "active" else "")
    t = Table()
    for col in ("drug", "dose per day", "days", "route", "diluent / volume / duration", "source"):
        t.add_column(col)
    for d in r.drugs:
        dose = pretty(d.basis.text)
        if d.written_as == "per_cycle":
            dose += f" (written {pretty(d.written_basis.text)} per cycle)"
        if d.cap:
            dose += f", max {d.cap.text} ({d.cap.origin})"
        elif d.no_cap_reason:
            dose += ", no cap (acknowledged)"
        extra = " / ".join(x for x in (d.diluent, d.volume, d.duration) if x)
        t.add_row(d.drug, dose, days_text(d.days), d.route or "", extra, d.source or "")
    tail = Text()
    for k, v in r.supportive_care.items():
        tail.append(f"{k}: ", style="bold")
        tail.append(f"{v}\n")
    for d in r.drugs:
        for rule, reason in d.acknowledged:
            tail.append(f"acknowledged [{rule}] {d.drug}: {reason}\n", style="yellow")
    for ref in r.references:
        tail.append(f"reference: {ref}\n", style="dim")
    for a in r.assumptions:
        tail.append(f"assumed: {a}\n", style="dim")
    return Group(head, t, tail)


def console() -> Console:
    """stdout console: colour only on a terminal; rich itself honours NO_COLOR and COLUMNS.
    Off a terminal (a pipe, a file, CI logs) without COLUMNS, lines are laid out 120 wide
    instead of 80 so that a dose and its trace are not broken across lines."""
    import os
    import sys

    wide = sys.stdout.isatty() or os.environ.get("COLUMNS")
    # Nothing osdose prints is markup or emoji: a patient id "[dim]P-1" or ":pill:" is text.
    return Console(highlight=False, markup=False, emoji=False, width=None if wide else 120)
