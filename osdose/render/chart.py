"""A plain-text chart of cumulative mg/m² over time, for the terminal (``--chart``).

One block per charted drug with its warn (``┆``) and maximum (``│``) lines, then the
doxorubicin-equivalent; one row per course entry. Plain characters only, no colour, so it
reads the same in a log, a pipe or with NO_COLOR.
"""

from __future__ import annotations

from osdose.timeline import Timeline

WIDTH = 40


def _block(title: str, rows: list[tuple[str, float]], warn: float | None, mx: float | None) -> str:
    top = max([v for _, v in rows] + [x * 1.1 for x in (warn, mx) if x is not None] + [1.0])
    cols = {round(x / top * WIDTH): ch for x, ch in ((warn, "┆"), (mx, "│")) if x is not None}
    lines = [title]
    label_width = max(len(label) for label, _ in rows)
    for label, value in rows:
        filled = round(value / top * WIDTH)
        # the lines stay visible across a bar that passes them
        cells = [cols.get(i, "█" if i < filled else " ") for i in range(WIDTH + 1)]
        flag = "  OVER" if mx is not None and round(value, 6) > mx else ""
        if not flag and warn is not None and round(value, 6) >= warn:
            flag = "  warn"
        lines.append(f"  {label:<{label_width}}  {''.join(cells)} {value:9,.1f}{flag}")
    scale = f"  {'':<{label_width}}  0{'':<{WIDTH - 1}}{top:,.0f} mg/m²"
    lines.append(scale)
    return "\n".join(lines)


def chart(t: Timeline) -> str:
    """The chart as text (ends without a newline)."""
    if not t.points:
        return "No administrations to chart."
    labels = [f"{p.date} {p.label}" for p in t.points]
    blocks = []
    for s in t.series:
        marks = []
        if s.warn is not None:
            marks.append(f"warn {s.warn:,.0f} ┆")
        if s.max is not None:
            marks.append(f"max {s.max:,.0f} │")
        rows = [(lab, p.values[s.drug]) for lab, p in zip(labels, t.points, strict=True)]
        blocks.append(
            _block(f"Cumulative {s.drug} (mg/m²) — {', '.join(marks)}", rows, s.warn, s.max)
        )
    if t.points[-1].doxorubicin_equivalent_mg_per_m2 is not None:
        rows = [
            (lab, p.doxorubicin_equivalent_mg_per_m2 or 0.0)
            for lab, p in zip(labels, t.points, strict=True)
        ]
        blocks.append(
            _block(f"Doxorubicin-equivalent (mg/m², {t.equivalence} factors)", rows, None, None)
        )
    if not blocks:
        return "No drug with a per-m² ceiling in this course: nothing to chart."
    return "\n\n".join(blocks)
