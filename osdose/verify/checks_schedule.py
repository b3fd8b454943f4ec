"""Checks of the order against the regimen's shape and calendar: ``missing-drug``,
``extra-drug``, ``days`` and ``interval``."""

from __future__ import annotations

import datetime as dt

from osdose.verify.context import Context
from osdose.verify.result import CheckResult


def _days(days: tuple[int, ...]) -> str:
    return ", ".join(str(d) for d in days)


def missing_drug(ctx: Context) -> list[CheckResult]:
    """Every drug of the regimen must be prescribed."""
    given = {p.drug for p in ctx.order.prescribed}
    missing = [d.drug for d in ctx.order.regimen.drugs if d.drug not in given]
    if not missing:
        n = len(ctx.order.regimen.drugs)
        return [
            CheckResult(
                "missing-drug", "pass", f"all {n} drugs of {ctx.order.regimen.name} prescribed"
            )
        ]
    return [
        CheckResult(
            "missing-drug",
            "fail",
            f"{name} is in {ctx.order.regimen.name} but not prescribed",
            name,
        )
        for name in missing
    ]


def extra_drug(ctx: Context) -> list[CheckResult]:
    """Every prescribed drug must be in the regimen."""
    extra = [p for p in ctx.order.prescribed if p.drug not in ctx.regimen_drugs]
    if not extra:
        return [CheckResult("extra-drug", "pass", "no drug outside the regimen")]
    return [
        CheckResult(
            "extra-drug",
            "fail",
            f"{p.drug} ({p.text}) is prescribed but is not in {ctx.order.regimen.name}",
            p.drug,
            prescribed_mg=p.dose if p.unit == "mg" else None,
        )
        for p in extra
    ]


def days(ctx: Context) -> list[CheckResult]:
    """The prescribed days of each drug must be the regimen's: one row when all agree, one
    failing row per drug otherwise."""
    out = []
    n = 0
    for p in ctx.order.prescribed:
        d = ctx.regimen_drugs.get(p.drug)
        if d is None:
            continue
        n += 1
        if sorted(p.days) != sorted(d.days):
            out.append(
                CheckResult(
                    "days",
                    "fail",
                    f"{p.drug}: prescribed on days {_days(p.days)}, the regimen gives it on "
                    f"days {_days(d.days)}",
                    p.drug,
                )
            )
    if out or not n:
        return out
    return [CheckResult("days", "pass", f"the days of all {n} drugs are the regimen's")]


def previous_cycle_start(ctx: Context) -> dt.date | None:
    """Start of the last cycle in the history.

    Of the history's cycle start dates (see ``History.starts``), those that fall within one
    cycle's treatment days (the regimen's last day) of a run's first date belong to that
    run, so days 1–5 or 1 and 8 of one cycle count once; the last run's first date is the
    previous cycle's start.
    """
    h = ctx.order.history
    if h is None or not h.starts:
        return None
    span = max((max(d.days) for d in ctx.order.regimen.drugs), default=1)
    starts = h.starts
    run_start = starts[0]
    for s in starts[1:]:
        if (s - run_start).days >= span:
            run_start = s
    return run_start


def interval(ctx: Context) -> list[CheckResult]:
    """The order's date against the previous cycle of the history plus the cycle length."""
    h = ctx.order.history
    if h is None:
        return []
    prev = previous_cycle_start(ctx)
    if prev is None:
        return [CheckResult("interval", "pass", "no earlier cycle in the history")]
    length = ctx.order.regimen.cycle_length_days
    due = prev + dt.timedelta(days=length)
    date = ctx.order.date
    early = (due - date).days
    grace = ctx.options.grace_days
    work = (f"due = {prev} (previous cycle start) + {length} days = {due}",)
    if early <= 0:
        status = "pass"
        msg = f"{date} is on or after the due date {due} ({prev} + {length} days)"
    elif early <= grace:
        status = "warn"
        msg = (
            f"{date} is {early} day{'s' if early > 1 else ''} before the due date {due} "
            f"({prev} + {length} days), within the grace of {grace} day{'s' if grace > 1 else ''}"
        )
    else:
        status = "fail"
        msg = (
            f"{date} is {early} days before the due date {due} ({prev} + {length} days); "
            f"grace is {grace} day{'s' if grace != 1 else ''}"
        )
    return [CheckResult("interval", status, msg, work=work)]
