"""The ``approval`` check: may the order's regimen be used for new treatment at all?

The rule is :func:`osdose.governance.admit`, the same one ``dose`` and ``plan`` apply: a
retired regimen fails (naming its successor), a draft or an active regimen without an
approval record warns, an approved active regimen passes with who approved it and when.
"""

from __future__ import annotations

from osdose.governance import RetiredRegimen, admit, describe
from osdose.regimen import Regimen
from osdose.status import Verdict
from osdose.verify.context import Context
from osdose.verify.result import CheckResult

CHECK = "approval"


# id of a regimen → (the regimen, its rows): a batch verifies thousands of orders of the same
# few regimens (loaded once, frozen); the regimen is kept so that its id is never another's.
_ROWS: dict[int, tuple[Regimen, tuple[CheckResult, ...]]] = {}


def approval(ctx: Context) -> list[CheckResult]:
    """One row: fail for a retired regimen, warn for each life-cycle warning, else pass."""
    reg = ctx.order.regimen
    hit = _ROWS.get(id(reg))
    if hit is None or hit[0] is not reg:
        if len(_ROWS) >= 256:
            _ROWS.clear()
        hit = _ROWS[id(reg)] = (reg, tuple(_rows(reg)))
    return list(hit[1])


def _rows(reg: Regimen) -> list[CheckResult]:
    try:
        warnings = admit(reg)
    except RetiredRegimen as exc:
        return [CheckResult(CHECK, Verdict.FAIL, exc.message)]
    if warnings:
        return [CheckResult(CHECK, Verdict.WARN, w) for w in warnings]
    return [CheckResult(CHECK, Verdict.PASS, f"{reg.name}: {describe(reg)}")]
