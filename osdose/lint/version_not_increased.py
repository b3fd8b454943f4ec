"""version-not-increased: with ``lint --base REF``, a dose changed since REF and the
``version`` did not increase (or the version went back, or was removed).

A dose change is :func:`osdose.dose_changes.dose_differences` — the one definition ``osdose diff``
uses too — and the rule is :func:`osdose.governance.version_problem`. When the file at REF
cannot be read as a regimen the comparison cannot be made, and that is a warning of this
rule, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from osdose.governance import version_problem
from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "version-not-increased"
SEVERITY: Severity = "error"
DESCRIPTION = (
    "With --base REF: a dose changed since REF without a version increase (or the version "
    "went back); a warning when the file at REF cannot be compared."
)


def check(ctx: FileContext) -> Iterator[Finding]:
    against = ctx.against_base
    if isinstance(against, str):
        yield ctx.finding(
            ID,
            "warning",
            ctx.at_field("version"),
            f"cannot compare the doses with --base: {against}; check by hand that the version "
            "increased if a dose changed",
            key=True,
        )
        return
    yield from ctx.base_findings(ID, "version", version_problem)
