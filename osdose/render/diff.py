"""``osdose diff`` reports: one small renderer per ``--format``, chosen from :data:`RENDERERS`.

JSON carries the unrounded mg; the table and the annotations round them for reading. GitHub
annotations sit on the new file's lines: a warning per changed dose field and per drug
whose reference doses change, an error per life-cycle problem, a notice per other field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from osdose.diff import DoseChange, FieldChange, RegimenDiff
from osdose.governance import describe
from osdose.regimen import Regimen

# the runner's escapes for workflow commands, kept in one place
from osdose.render.findings_github import _data, _prop


def _side(r: Regimen) -> dict[str, Any]:
    return {
        "path": r.path,
        "name": r.name,
        "status": r.status,
        "version": r.version,
        "sha256": r.sha256,
    }


def _field(f: FieldChange) -> dict[str, Any]:
    return {"path": f.path, "old": f.old, "new": f.new, "line": f.line, "dose": f.dose}


def _dose(d: DoseChange) -> dict[str, Any]:
    return {
        "patient": d.patient,
        "drug": d.drug,
        "unit": d.unit,
        "line": d.line,
        "daily_before": d.daily_before,
        "daily_after": d.daily_after,
        "daily_percent": d.daily_percent,
        "cycle_before": d.cycle_before,
        "cycle_after": d.cycle_after,
        "cycle_percent": d.cycle_percent,
    }


def document(r: RegimenDiff) -> dict[str, Any]:
    """The JSON document: exactly these keys."""
    return {
        "old": _side(r.old),
        "new": _side(r.new),
        "dose_changed": r.dose_changed,
        "differences": [
            {"subject": d.subject, "what": d.what, "old": d.old, "new": d.new}
            for d in r.differences
        ],
        "fields": [_field(f) for f in r.fields],
        "patients_file": r.patients_file,
        "patients": list(r.patients),
        "doses": [_dose(d) for d in r.doses],
        "review": [{"field": p.field, "line": p.line, "message": p.message} for p in r.review],
    }


def render_json(r: RegimenDiff) -> str:
    from osdose.render.dose_json import dumps

    return dumps(document(r)) + "\n"


# -- for people and for pull requests ----------------------------------------------------


def value(v: Any) -> str:
    """A field's value as written, on one line (``absent`` when it is not there)."""
    if v is None:
        return "absent"
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, allow_nan=False)


def mg(x: float | None, unit: str) -> str:
    return "absent" if x is None else f"{x:.2f} {unit}"


def pct(x: float | None) -> str:
    return "" if x is None else f"{x:+.1f}%"


def moved(before: float | None, after: float | None, percent: float | None, unit: str) -> str:
    """``258.25 mg → 221.36 mg (-14.3%)``."""
    shown = f" ({pct(percent)})" if percent is not None else ""
    return f"{mg(before, unit)} → {mg(after, unit)}{shown}"


def _by_drug(doses: tuple[DoseChange, ...]) -> dict[str, list[DoseChange]]:
    out: dict[str, list[DoseChange]] = {}
    for d in doses:
        out.setdefault(d.drug, []).append(d)
    return out


def _annotation(kind: str, path: str, line: int, title: str, message: str) -> str:
    return f"::{kind} file={_prop(path)},line={line},title={_prop(title)}::{_data(message)}\n"


def render_github(r: RegimenDiff) -> str:
    path = r.new.path
    out = []
    for f in r.fields:
        kind, title = ("warning", "dose change") if f.dose else ("notice", "field change")
        out.append(
            _annotation(kind, path, f.line, title, f"{f.path}: {value(f.old)} → {value(f.new)}")
        )
    for drug, changes in _by_drug(r.doses).items():
        each = "; ".join(
            f"{c.patient} per day {moved(c.daily_before, c.daily_after, c.daily_percent, c.unit)}"
            f", per cycle {moved(c.cycle_before, c.cycle_after, c.cycle_percent, c.unit)}"
            for c in changes
        )
        out.append(_annotation("warning", path, changes[0].line, f"reference doses: {drug}", each))
    for p in r.review:
        out.append(_annotation("error", path, p.line, f"life cycle: {p.field}", p.message))
    return "".join(out)


def render_table(r: RegimenDiff) -> Any:
    from rich.console import Group
    from rich.text import Text

    from osdose.render.text import Table

    head = Text(f"{r.new.name}: {r.old.path} → {r.new.path}\n", style="bold")
    head.append(f"  before: {describe(r.old)}\n  after:  {describe(r.new)}\n")
    parts: list[Any] = [head]
    if r.fields:
        t = Table(title="Fields written differently")
        for col in ("field", "before", "after", "line", ""):
            t.add_column(col, overflow="fold")
        for f in r.fields:
            mark = Text("DOSE", style="bold red") if f.dose else Text("")
            t.add_row(Text(f.path), Text(value(f.old)), Text(value(f.new)), str(f.line), mark)
        parts.append(t)
    else:
        parts.append(Text("No field is written differently."))
    n = len(r.patients)
    if r.doses:
        t = Table(title=Text(f"Doses of the reference patients ({r.patients_file})"))
        for col in ("patient", "drug", "per day before", "after", "change"):
            t.add_column(col, justify="left" if col in ("patient", "drug") else "right")
        for col in ("per cycle before", "after", "change"):
            t.add_column(col, justify="right")
        for c in r.doses:
            t.add_row(
                Text(c.patient),
                Text(c.drug),
                mg(c.daily_before, c.unit),
                mg(c.daily_after, c.unit),
                pct(c.daily_percent),
                mg(c.cycle_before, c.unit),
                mg(c.cycle_after, c.unit),
                pct(c.cycle_percent),
            )
        parts.append(t)
    else:
        parts.append(Text(f"No dose of the {n} reference patients ({r.patients_file}) changes."))
    notes = Text()
    for d in r.differences:
        notes.append(f"DOSE CHANGED: {d.text}\n", style="bold red")
    for p in r.review:
        notes.append(f"ERROR ({p.field}, line {p.line}): {p.message}\n", style="bold red")
    if not r.dose_changed:
        notes.append("No dose changed.\n", style="green")
    parts.append(notes)
    return Group(*parts)


#: format name → its renderer: a string for machines, rich renderables for people
RENDERERS: dict[str, Callable[[RegimenDiff], Any]] = {
    "table": render_table,
    "json": render_json,
    "github": render_github,
}
