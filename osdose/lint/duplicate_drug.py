"""duplicate-drug: one drug listed twice on a common day, under the same name or two
(cisplatin and DDP both on day 1) — the two doses would both be given."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "duplicate-drug"
SEVERITY: Severity = "error"
DESCRIPTION = "One drug listed twice on a common day (under the same name or a synonym)."


def check(ctx: FileContext) -> Iterator[Finding]:
    first: dict[str, tuple[int, str, set[int]]] = {}
    for e in ctx.doses:
        if e.drug is None or not e.days:
            continue
        name = str(ctx.data["drugs"][e.index].get("drug"))
        seen = first.get(e.drug.name)
        if seen is None:
            first[e.drug.name] = (e.index, name, set(e.days))
            continue
        index, other, days = seen
        common = sorted(days & set(e.days))
        if common:
            line = ctx.doc.where(("drugs", index)).line
            also = f" (as {other!r})" if other != name else ""
            yield ctx.finding(
                ID,
                SEVERITY,
                ("drugs", e.index, "drug"),
                f"{name!r} is {e.drug.name}, already listed at line {line}{also}, on day "
                f"{', '.join(map(str, common))}: list each drug once per day",
            )
        days |= set(e.days)
