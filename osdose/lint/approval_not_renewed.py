"""approval-not-renewed: with ``lint --base REF``, an active regimen whose doses changed
since REF still carries the approval of the version before (or one dated before it).

The rule is :func:`osdose.governance.approval_problem`; ``osdose diff`` applies it too.
"""

from __future__ import annotations

from collections.abc import Iterator

from osdose.governance import approval_problem
from osdose.lint.context import FileContext
from osdose.lint.finding import Finding, Severity

ID = "approval-not-renewed"
SEVERITY: Severity = "error"
DESCRIPTION = (
    "With --base REF: an active regimen whose doses changed since REF keeps the previous "
    "version's approval."
)


def check(ctx: FileContext) -> Iterator[Finding]:
    # without a comparison, version-not-increased says why it could not be made
    yield from ctx.base_findings(ID, "approved", approval_problem)
