"""unknown-drug: a drug that is neither a name nor a synonym in the drug reference."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "unknown-drug"
SEVERITY: Severity = "error"
DESCRIPTION = "A drug that is not a name or synonym in the drug reference (closest suggested)."


def check(ctx: FileContext) -> Iterator[Finding]:
    for i, entry in ctx.entries():
        name = entry.get("drug")
        if isinstance(name, str) and ctx.drugs.find(name) is None:
            close = ctx.drugs.close_matches(name)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            yield ctx.finding(
                ID,
                SEVERITY,
                ("drugs", i, "drug"),
                f"unknown drug {name!r}{hint}",
            )
