"""Acknowledgements: a file excuses an intended exception next to what it excuses
(``acknowledge: [{rule, reason}]`` on a drug entry, or on the regimen for regimen-wide
findings). The excused finding is kept and marked; an acknowledgement that excuses nothing
is itself reported (unused-acknowledgement), so that none outlives its reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from osdose.lint.context import FileContext, Where
from osdose.lint.finding import Finding, Severity
from osdose.lint.invalid_value import ACKNOWLEDGEABLE

ID = "unused-acknowledgement"
SEVERITY: Severity = "warning"
DESCRIPTION = "An acknowledgement that excuses no finding (the exception it excused is gone)."


def _acks(raw: Any, where: Where) -> Iterator[tuple[str, str, Where]]:
    if isinstance(raw, list):
        for j, ack in enumerate(raw):
            if isinstance(ack, dict) and isinstance(ack.get("rule"), str):
                yield ack["rule"], str(ack.get("reason", "")), (*where, j)


def apply(ctx: FileContext, findings: list[Finding]) -> list[Finding]:
    """``findings`` with the file's acknowledgements applied, plus any unused ones."""
    scopes: dict[Where, list[tuple[str, str, Where]]] = {
        (): list(_acks(ctx.data.get("acknowledge"), ("acknowledge",)))
    }
    for i, entry in ctx.entries():
        scopes[("drugs", i)] = list(_acks(entry.get("acknowledge"), ("drugs", i, "acknowledge")))
    used: set[Where] = set()
    out = []
    for f in findings:
        scope = f.where[:2] if f.where[:1] == ("drugs",) and len(f.where) >= 2 else ()
        match = next((a for a in scopes.get(scope, []) if a[0] == f.rule), None)
        if match is not None and f.rule in ACKNOWLEDGEABLE:
            used.add(match[2])
            f = f.acknowledge(match[1])
        out.append(f)
    for acks in scopes.values():
        for rule, _, where in acks:
            if where not in used and rule in ACKNOWLEDGEABLE:
                out.append(
                    ctx.finding(
                        ID,
                        SEVERITY,
                        (*where, "rule"),
                        f"acknowledgement of {rule} excuses nothing here: remove it, or move it "
                        "next to the finding it excuses",
                    )
                )
    return out
