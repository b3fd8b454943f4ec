"""A patient's administrations in effect, written as a course file that
:func:`osdose.course.load_course` reads back to the same administrations.

Each administration becomes a single-drug entry with the BSA of its day. A dose that was
recorded per m² (dose = dose per m² × BSA exactly) is written per m², any other as the
amount given, so that reading it back recomputes the same pair of numbers. The ledger
record id, regimen, cycle and day go in the entry's ``notes`` (a course entry for one drug
has no fields for them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from osdose.basis import parse_basis
from osdose.course import Administration


def written(value: float, unit_text: str) -> str:
    """``value`` with its unit, as text that reads back to exactly ``value``.

    The course reader converts mg through grams (× 1e-3, then × 1e3), which can move a
    float by one unit in the last place; the neighbours of ``value`` are tried until one
    reads back exactly, else its own spelling (off by at most that last place) is kept.
    """
    candidates = [value]
    up = down = value
    for _ in range(4):
        up, down = math.nextafter(up, math.inf), math.nextafter(down, -math.inf)
        candidates += [up, down]
    for c in candidates:
        text = f"{c!r} {unit_text}"
        if parse_basis(text).amount == value:
            return text
    return f"{value!r} {unit_text}"


def entry(a: Administration, record_id: int) -> dict[str, Any]:
    out: dict[str, Any] = {"date": a.date, "drug": a.drug}
    per_m2_exact = (
        a.dose_per_m2 is not None and a.bsa_m2 is not None and a.dose == a.dose_per_m2 * a.bsa_m2
    )
    if a.dose is None or per_m2_exact:
        assert a.dose_per_m2 is not None  # the ledger stores one of the two at least
        out["dose"] = written(a.dose_per_m2, f"{a.unit}/m2")
    else:
        out["dose"] = written(a.dose, a.unit)
    if a.bsa_m2 is not None:
        out["bsa"] = a.bsa_m2
    notes = [f"ledger record {record_id}"]
    if a.regimen:
        cycle = f" cycle {a.cycle}" if a.cycle is not None else ""
        day = f" day {a.day}" if a.day is not None else ""
        pct = f" at {a.dose_percent:g}%" if a.dose_percent != 100 else ""
        notes.append(f"{a.regimen}{cycle}{day}{pct}")
    out["notes"] = "; ".join(notes)
    return out


def course_text(
    patient: str, administrations: Sequence[tuple[Administration, int]], header: str
) -> str:
    """The course file: ``header`` as comment lines, then patient and administrations."""
    import yaml

    doc = {"patient": {"id": patient}, "administrations": [entry(a, i) for a, i in administrations]}
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    return comments + body
