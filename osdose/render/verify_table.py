"""``osdose verify`` for people: each check with its status colour and a one-line reason;
for several orders, a summary with one row per order."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from osdose.render.text import Table
from osdose.verify.run import Outcome, Unreadable, Verification
from osdose.visible import visible

STYLE = {"pass": "green", "not-checked": "bold magenta", "warn": "bold yellow", "fail": "bold red"}


def status_text(status: str) -> Text:
    return Text(status.upper(), style=STYLE.get(status, ""))


def order_table(v: Verification) -> Group:
    o = v.order
    p = o.patient
    head = Text()
    head.append(f"{o.label}", style="bold")
    head.append(
        f" — patient {p.id}, {o.regimen.name} cycle {o.cycle}, {o.date}; "
        f"height {p.height_cm:g} cm, weight {p.weight_kg:g} kg, "
        f"BSA {v.bsa.m2:.4f} m² ({v.bsa.formula})"
    )
    if o.dose_percent != 100:
        head.append(f", dose {o.dose_percent:g}%")
    if v.crcl is not None:
        head.append(f", CrCl {v.crcl.ml_min:.1f} mL/min")
    t = Table(title=None, show_lines=False)
    t.add_column("check")
    t.add_column("drug")
    t.add_column("status")
    t.add_column("reason", overflow="fold")
    for c in v.checks:
        t.add_row(c.check, c.drug or "", status_text(c.status), c.message)
    tail = Text()
    if v.not_checked:
        n = len(v.not_checked)
        tail.append(
            f"{n} check{'s' if n != 1 else ''} could not be made (NOT-CHECKED above): check "
            f"{'them' if n != 1 else 'it'} by hand\n",
            style=STYLE["not-checked"],
        )
    tail.append("result: ")
    tail.append_text(status_text(v.status))
    return Group(head, t, tail)


def _first_problem(v: Outcome) -> str:
    if isinstance(v, Unreadable):
        return v.message
    worst = next((c for c in v.checks if c.status == v.status and v.status != "pass"), None)
    return f"{worst.check}: {worst.message}" if worst else ""


Row = tuple[str, str, str, str, str, str, str, str]
SUMMARY_COLUMNS: Row = (
    "order", "patient", "regimen", "status", "fail", "warn", "not checked", "first problem",
)  # fmt: skip


def summary_row(v: Outcome) -> tuple[str, str | None, Row]:
    """(status, error message of an unreadable order, the order's summary row)."""
    if isinstance(v, Unreadable):
        return "fail", v.message, (v.label, "", "", "fail", "", "", "", v.message)
    fails = sum(c.status == "fail" for c in v.checks)
    warns = sum(c.status == "warn" for c in v.checks)
    unchecked = sum(c.status == "not-checked" for c in v.checks)
    o = v.order
    row = (
        v.label,
        o.patient.id,
        f"{o.regimen.name} c{o.cycle}",
        v.status,
        str(fails or ""),
        str(warns or ""),
        str(unchecked or ""),
        _first_problem(v),
    )
    return v.status, None, row


_ANSI = {
    "pass": "\x1b[32m", "not-checked": "\x1b[1;35m", "warn": "\x1b[1;33m", "fail": "\x1b[1;31m"
}  # fmt: skip


def summary_text(rows: list[Row], colour: bool) -> str:
    """The summary as plain aligned text (rich is too slow for 10,000 rows); the status
    is coloured on a terminal unless NO_COLOR is set."""
    rows = [tuple(visible(x) for x in r) for r in rows]  # type: ignore[misc]  # one line each
    widths = [max(len(r[i]) for r in [SUMMARY_COLUMNS, *rows]) for i in range(7)]
    counts = {"pass": 0, "not-checked": 0, "warn": 0, "fail": 0}
    out = []
    for n, r in enumerate([SUMMARY_COLUMNS, *rows]):
        cells = [r[i].ljust(widths[i]) for i in range(7)]
        if n and colour:
            cells[3] = f"{_ANSI[r[3]]}{cells[3].upper()}\x1b[0m"
        elif n:
            cells[3] = cells[3].upper()
        if n:
            counts[r[3]] += 1
        out.append("  ".join([*cells, r[7]]).rstrip())
    out.append(
        f"{len(rows)} orders: pass {counts['pass']}, not checked {counts['not-checked']}, "
        f"warn {counts['warn']}, fail {counts['fail']}"
    )
    return "\n".join(out) + "\n"
