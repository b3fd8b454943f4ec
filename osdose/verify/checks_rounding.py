"""The ``rounding`` check (with ``--round``): each recalculated dose rounded by its drug's
rule, shown beside the exact one, refused when it moves the dose too far."""

from __future__ import annotations

from osdose.status import Verdict
from osdose.verify.context import Context
from osdose.verify.result import CheckResult, deviation, num, signed
from osdose.verify.rounding import round_dose, rule_for


def rounding(ctx: Context) -> list[CheckResult]:
    if not ctx.options.round:
        return []
    out = []
    limit = ctx.options.round_limit_percent
    for p, e in ctx.pairs():
        if e.unit != "mg" or p.unit != "mg":
            continue
        rule = rule_for(ctx.table, p.drug)
        r = round_dose(e.daily, rule)
        src = f" ({rule.source})" if rule.source else ""
        if r.value is None:
            out.append(
                CheckResult(
                    "rounding",
                    Verdict.WARN,
                    f"{p.drug}: {num(e.daily)} mg is {r.how}{src}: give the exact dose",
                    p.drug,
                    e.daily,
                    p.dose,
                )
            )
            continue
        change = deviation(r.value, e.daily)
        work = (
            f"{p.drug}: {num(e.daily)} mg → {num(r.value)} mg ({r.how}): "
            f"({num(r.value)} − {num(e.daily)}) / {num(e.daily)} × 100 = {signed(change)}",
        )
        if round(abs(change), 6) > limit:
            out.append(
                CheckResult(
                    "rounding",
                    Verdict.WARN,
                    f"{p.drug}: rounding refused: {r.how} gives {num(r.value)} mg, "
                    f"{signed(change)} from the exact {num(e.daily)} mg (limit {limit:g}%){src}",
                    p.drug,
                    e.daily,
                    p.dose,
                    change,
                    work=work,
                )
            )
            continue
        same = " = the prescribed dose" if abs(p.dose - r.value) < 1e-9 else ""
        out.append(
            CheckResult(
                "rounding",
                Verdict.PASS,
                f"{p.drug}: exact {num(e.daily)} mg, rounded {num(r.value)} mg{same} "
                f"({r.how}, {signed(change)}){src}",
                p.drug,
                e.daily,
                p.dose,
                change,
                rounded_mg=r.value,
                work=work,
            )
        )
    return out
