"""dose-implausible: a regimen drug's schedule above one of the drug table's usual maxima,
compared in the maximum's own period (per administration, day, week, or cycle of the
length its source assumes) by the one comparison of :mod:`osdose.limits`. Above a maximum
is an error unless the file acknowledges it with a reason; far above it (more than
:data:`HINT_FACTOR` times) the message names the usual slips: a dose per cycle written
per day, or g for mg.

Per-m² and per-kg doses are compared with a flat maximum (vincristine 2 mg per week) at a
large reference adult's size, after the entry's caps. A cap must not hide a slip either: a
dose that the cap lowers more than :data:`HINT_FACTOR`-fold at that size is an error too
(1.4 g/m² of vincristine "capped" at 2 mg is a unit slip, not a dose).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from osdose.basis import Basis
from osdose.drugs import Drug
from osdose.limits import Comparison, Size, compare, schedule
from osdose.lint.context import EntryDose, FileContext
from osdose.lint.finding import Finding, Severity
from osdose.regimen import effective_cap

ID = "dose-implausible"
SEVERITY: Severity = "error"
DESCRIPTION = (
    "A drug's schedule above one of the drug table's usual maxima, in the maximum's own "
    "period (administration, day, week or cycle)."
)

#: Above this multiple of a maximum, the message names the usual slips: a per-cycle total
#: of a 3-day or longer schedule written per day is at least 3 times its daily dose, and a
#: unit slip (g for mg) 1,000 times.
HINT_FACTOR = 3.0
#: The size at which a per-m² or per-kg dose is compared with a flat maximum.
REFERENCE = Size(bsa_m2=2.0, weight_kg=100.0, reference=True)


def _size(per: str) -> str:
    return f"{REFERENCE.bsa_m2:g} m²" if per == "m2" else f"{REFERENCE.weight_kg:g} kg"


#: The comparisons of a drug's schedule that are over a maximum, by (the drug's identity,
#: schedule, cycle length): a library repeats the same schedule of a drug in many regimens
#: (the drug object is kept with them, so that its identity is not reused).
_COMPARED: dict[tuple[Any, ...], tuple[Drug, list[Comparison]]] = {}
_COMPARED_MAX = 4096


def _over(
    drug: Drug, given: list[tuple[Basis, tuple[int, ...]]], cycle_length: int
) -> list[Comparison]:
    """The comparisons of :func:`osdose.limits.compare` of the schedule ``given`` (each
    per-day dose with its days) at :data:`REFERENCE` that are over their maximum (worked out
    once per drug, schedule and cycle length)."""
    key = (id(drug), *given, cycle_length)
    kept = _COMPARED.get(key)
    if kept is not None and kept[0] is drug:
        return kept[1]
    doses = schedule(given)
    found = [c for c in compare(drug, doses, cycle_length, REFERENCE)[0] if c.over]
    if len(_COMPARED) >= _COMPARED_MAX:
        _COMPARED.clear()
    _COMPARED[key] = (drug, found)
    return found


def check(ctx: FileContext) -> Iterator[Finding]:
    if ctx.cycle_length is None:
        return
    by_drug: dict[str, list[EntryDose]] = {}
    for e in ctx.doses:
        if e.drug is None or e.per_day is None or not e.days:
            continue
        by_drug.setdefault(e.drug.name, []).append(e)
    for entries in by_drug.values():
        drug = entries[0].drug
        assert drug is not None
        given: list[tuple[Basis, tuple[int, ...]]] = []
        for e in entries:
            daily = e.per_day
            assert daily is not None and e.days
            cap = effective_cap(drug, daily, e.cap, None)
            size = REFERENCE.factor(daily.per) or 1.0
            if cap is not None and daily.amount * size > cap.amount:
                uncapped = daily.amount * size
                ratio = uncapped / cap.amount
                if ratio > HINT_FACTOR:
                    at = "" if daily.per == "flat" else f" at a reference {_size(daily.per)}"
                    yield ctx.finding(
                        ID,
                        SEVERITY,
                        ("drugs", e.index, e.field or "drug"),
                        f"{drug.name} {daily.text}{at} is {uncapped:,.4g} {daily.unit}, "
                        f"{ratio:,.0f} times its cap of {cap.text} ({cap.origin}): a unit slip "
                        "hidden by the cap?",
                    )
                # the cap binds at the reference size: compare what would be given
                daily = Basis(cap.amount, daily.unit, "flat", cap.text)
            given.append((daily, e.days))
        found = _over(drug, given, ctx.cycle_length)
        for c in found:
            e = entries[0]
            where = ("drugs", e.index, e.field or "drug")
            written = ""
            if e.field == "dose_per_cycle" and e.written is not None:
                written = f" (written {e.written.text} per cycle over {len(e.days or ())} days)"
            times = f"{c.ratio:,.0f}" if c.ratio >= 10 else f"{c.ratio:.3g}"
            hint = (
                f"; more than {HINT_FACTOR:g} times: a dose per cycle written per day, or a unit "
                "slip?"
                if c.ratio > HINT_FACTOR
                else ""
            )
            yield ctx.finding(
                ID,
                SEVERITY,
                where,
                f"{c.text}{written} ({times} times{hint}; source: {c.maximum.cited})",
            )
