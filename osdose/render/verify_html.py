"""``osdose verify --worksheet FILE.html``: a self-contained printable record of the check.

Inputs, every formula with its numbers, each check's result, the osdose version, the
regimen file's sha256, and lines for the verifying pharmacist's signature and date. Every
value from an order is escaped, with its control, bidirectional-override and invisible
characters shown as escapes (``\u202e``), and each value read from a file stands in its
own ``<bdi>`` so that right-to-left text cannot reorder the numbers around it; the page is
left-to-right and loads nothing from anywhere.
"""

from __future__ import annotations

from html import escape

from osdose import __version__
from osdose.verify.context import bsa_work
from osdose.verify.run import Outcome, Unreadable, Verification
from osdose.visible import visible

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #111; font-size: 11pt; }
h1 { font-size: 16pt; margin-bottom: 0.2em; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
.pass { color: #0a6b0a; font-weight: bold; }
.warn { color: #8a5a00; font-weight: bold; background: #fff4d6; }
.fail { color: #a40000; font-weight: bold; background: #fde2e2; }
.not-checked { color: #6b0a6b; font-weight: bold; background: #f4e2fd; }
.work { font-family: ui-monospace, monospace; font-size: 9.5pt; white-space: pre-wrap; }
.meta { color: #444; font-size: 9.5pt; }
.sign { margin-top: 2.5em; display: flex; gap: 2em; }
.sign div { flex: 1; border-top: 1px solid #000; padding-top: 0.3em; }
section.order { page-break-after: always; break-after: page; }
td, li, h1, bdi { unicode-bidi: isolate; }
@media print { body { margin: 1cm; } }
"""


def _e(value: object) -> str:
    return escape(visible(str(value)), quote=True)


def _u(value: object) -> str:
    """A value from a file, isolated from the text around it."""
    return f"<bdi>{_e(value)}</bdi>"


def _row(name: str, value: object) -> str:
    return f"<tr><th>{_e(name)}</th><td>{_u(value)}</td></tr>"


def _row_html(name: str, html: str) -> str:
    return f"<tr><th>{_e(name)}</th><td>{html}</td></tr>"


def _status(status: str) -> str:
    return f'<span class="{_e(status)}">{_e(status.upper())}</span>'


def _inputs(v: Verification) -> str:
    o = v.order
    p = o.patient
    rows = [
        _row("patient", p.id),
        _row("height", f"{p.height_cm:g} cm"),
        _row("weight", f"{p.weight_kg:g} kg"),
    ]
    optional = (
        ("baseline weight", p.baseline_weight_kg, "kg"),
        ("age", p.age, "years"),
        ("sex", p.sex, ""),
        ("serum creatinine", p.serum_creatinine_mg_dl, "mg/dL"),
        ("bilirubin", p.bilirubin_mg_dl, "mg/dL"),
    )
    for name, value, unit in optional:
        if value is not None:
            text = f"{value:.4g}" if isinstance(value, float) else str(value)
            rows.append(_row(name, f"{text} {unit}".strip()))
    rows += [
        _row_html("regimen", f"{_u(o.regimen.name)} ({_e(o.regimen.cycle_length_days)}-day cycle)"),
        _row("regimen file", o.regimen.path),
        _row("regimen sha256", o.regimen.sha256),
        _row("cycle", o.cycle),
        _row("date", o.date.isoformat()),
        _row("BSA formula", o.bsa_formula),
        _row("BSA on the order", "—" if o.bsa_given_m2 is None else f"{o.bsa_given_m2:g} m²"),
        _row("dose percent", f"{o.dose_percent:g}%"),
        _row("history", "none given" if o.history is None else o.history.source),
    ]
    presc = "".join(
        f"<tr><td>{_u(x.drug)}</td><td>{_u(x.text)}</td>"
        f"<td>{_e(', '.join(str(d) for d in x.days))}</td></tr>"
        for x in o.prescribed
    )
    return (
        "<h2>Inputs</h2><table>" + "".join(rows) + "</table>"
        "<table><tr><th>prescribed drug</th><th>dose per day</th><th>days</th></tr>"
        + presc
        + "</table>"
    )


def _formulas(v: Verification) -> str:
    lines = [bsa_work(v.bsa)]
    if v.crcl is not None:
        lines.append(v.crcl.work)
    for c in v.checks:
        if c.check == "dose":
            lines.extend(f"{c.drug}: {w}" for w in c.work)
    body = "".join(f'<li class="work">{_e(x.replace("**2", "²"))}</li>' for x in lines)
    return f"<h2>Formulas with the numbers used</h2><ul>{body}</ul>"


def _checks(v: Verification) -> str:
    rows = []
    for c in v.checks:
        work = "<br>".join(_e(w.replace("**2", "²")) for w in c.work if c.check != "dose")
        rows.append(
            f"<tr><td>{_e(c.check)}</td><td>{_u(c.drug or '')}</td><td>{_status(c.status)}</td>"
            f"<td>{_e(c.message.replace('**2', '²'))}"
            + (f'<div class="work">{work}</div>' if work else "")
            + "</td></tr>"
        )
    notes = "".join(f"<li>{_e(n)}</li>" for n in v.not_checked)
    return (
        f"<h2>Checks — result {_status(v.status)}</h2>"
        "<table><tr><th>check</th><th>drug</th><th>status</th><th>result and working</th></tr>"
        + "".join(rows)
        + "</table>"
        + (f"<p>Not checked — check these by hand:</p><ul>{notes}</ul>" if notes else "")
    )


def _signature() -> str:
    return (
        '<div class="sign"><div>Verifying pharmacist (name)</div><div>Signature</div>'
        "<div>Date and time</div></div>"
    )


def _order(v: Verification) -> str:
    o = v.order
    title = f"Order {_u(o.label)} — {_u(o.patient.id)}, {_u(o.regimen.name)} cycle {_e(o.cycle)}"
    return (
        f'<section class="order"><h1>{title}</h1>'
        + _inputs(v)
        + _formulas(v)
        + _checks(v)
        + _signature()
        + "</section>"
    )


def worksheet(outcomes: list[Outcome], generated: str) -> str:
    """The whole page for the orders verified (one printed page or more per order)."""
    parts = [o for o in outcomes if isinstance(o, Verification)]
    bad = [o for o in outcomes if isinstance(o, Unreadable)]
    head = (
        "<!DOCTYPE html><html lang='en' dir='ltr'><head><meta charset='utf-8'>"
        "<title>osdose order verification worksheet</title>"
        f"<style>{_CSS}</style></head><body>"
        f'<p class="meta">osdose {_e(__version__)} — order verification worksheet — generated '
        f"{_e(generated)}. An independent recalculation: the verifying pharmacist checks it "
        "and signs; it does not decide treatment.</p>"
    )
    unread = ""
    if bad:
        items = "".join(f"<li>{_e(b.message)}</li>" for b in bad)
        unread = (
            f"<section><h1>Orders that could not be read ({len(bad)})</h1>"
            f'<p class="fail">Each is counted as failed.</p><ul>{items}</ul></section>'
        )
    return head + "".join(_order(v) for v in parts) + unread + "</body></html>\n"
