"""dose-implausible: a dose per administration day above the drug reference's usual maximum
single dose (warning), or above several times it (error: most likely a dose per cycle
written as per day, or a unit slip such as g for mg)."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import EntryDose, FileContext, num, shown
from osdose.lint.finding import Finding, Severity

ID = "dose-implausible"
SEVERITY: Severity = "warning"
DESCRIPTION = (
    "A daily dose above the drug's usual maximum single dose (warning), or above "
    "several times it (error)."
)

#: Above this multiple of the usual maximum the dose is an error, not a judgement: a
#: per-cycle total of a 3-day or longer schedule written per day is at least 3 times its
#: daily dose, and a unit slip (g for mg) 1,000 times.
ERROR_FACTOR = 3.0
#: A per-m² or per-kg dose is compared with a flat maximum (vincristine 2 mg) at a large
#: adult's size, after the entry's own max_dose cap.
REFERENCE_BSA_M2 = 2.0
REFERENCE_WEIGHT_KG = 100.0


def check(ctx: FileContext) -> Iterator[Finding]:
    for e in ctx.doses:
        found = _compare(e)
        if found is None:
            continue
        value_text, limit_text, ratio = found
        times = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.3g}"
        assert e.drug is not None and e.field is not None
        source = e.drug.max_single_dose_source
        where = ("drugs", e.index, e.field)
        if ratio > ERROR_FACTOR:
            yield ctx.finding(
                ID,
                "error",
                where,
                f"{e.drug.name} {value_text} is {times} times the usual maximum single dose "
                f"of {limit_text} (more than {ERROR_FACTOR:g} times: a dose per cycle written "
                f"per day, or a unit slip?; source: {source})",
            )
        elif ratio > 1.0:
            yield ctx.finding(
                ID,
                "warning",
                where,
                f"{e.drug.name} {value_text} is above the usual maximum single dose of "
                f"{limit_text} ({times} times; source: {source})",
            )


def _compare(e: EntryDose) -> tuple[str, str, float] | None:
    """(the dose as compared, the limit, dose ÷ limit), or ``None`` when not comparable."""
    daily = e.per_day
    if e.drug is None or e.drug.max_single_dose is None or daily is None:
        return None
    limit = e.drug.max_single_dose
    if daily.unit != limit.unit:
        return None
    text = f"{shown(daily)} per day"
    if e.field == "dose_per_cycle" and e.written is not None and e.days:
        text += f" (written {shown(e.written)} per cycle over {len(e.days)} days)"
    if daily.per == limit.per:
        return text, shown(limit), daily.amount / limit.amount
    if limit.per != "flat" or daily.per == "flat":
        return None  # a flat dose against a per-m² maximum needs a patient
    size, unit = (REFERENCE_BSA_M2, "m²") if daily.per == "m2" else (REFERENCE_WEIGHT_KG, "kg")
    value = daily.amount * size
    text += f" = {num(value)} {daily.unit} at {size:g} {unit}"
    if e.cap is not None and e.cap.per == "flat" and e.cap.unit == daily.unit:
        value = min(value, e.cap.amount)
        text += f", {num(value)} {daily.unit} after max_dose"
    return text, shown(limit), value / limit.amount
