"""duplicate-key: a mapping repeats a key. Plain YAML loaders silently keep the last value;
osdose keeps the first and reports the repeat where it stands."""

from __future__ import annotations

from collections.abc import Iterator

from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "duplicate-key"
SEVERITY: Severity = "error"
DESCRIPTION = "A mapping repeats a key (a plain YAML loader would silently keep the last)."


def check(ctx: FileContext) -> Iterator[Finding]:
    for d in ctx.doc.duplicates:
        yield Finding(
            ctx.path,
            d.again.line,
            d.again.column,
            ID,
            SEVERITY,
            d.message,
            where=d.path,
        )
