"""Checks of the order against the regimen's shape and calendar: ``missing-drug``,
``extra-drug``, ``days`` and ``interval``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from osdose.errors import OsdoseError
from osdose.regimen import Regimen
from osdose.status import Verdict
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
                "missing-drug",
                Verdict.PASS,
                f"all {n} drugs of {ctx.order.regimen.name} prescribed",
            )
        ]
    return [
        CheckResult(
            "missing-drug",
            Verdict.FAIL,
            f"{name} is in {ctx.order.regimen.name} but not prescribed",
            name,
        )
        for name in missing
    ]


def extra_drug(ctx: Context) -> list[CheckResult]:
    """Every prescribed drug must be in the regimen."""
    extra = [p for p in ctx.order.prescribed if p.drug not in ctx.regimen_drugs]
    if not extra:
        return [CheckResult("extra-drug", Verdict.PASS, "no drug outside the regimen")]
    return [
        CheckResult(
            "extra-drug",
            Verdict.FAIL,
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
                    Verdict.FAIL,
                    f"{p.drug}: prescribed on days {_days(p.days)}, the regimen gives it on "
                    f"days {_days(d.days)}",
                    p.drug,
                )
            )
    if out or not n:
        return out
    return [CheckResult("days", Verdict.PASS, f"the days of all {n} drugs are the regimen's")]


@dataclass(frozen=True)
class Previous:
    """The last cycle of the history: its start, its regimen (``None`` when not recorded)
    and the number of cycles of the ordered regimen the history holds."""

    start: dt.date
    regimen: Regimen | None
    regimen_name: str | None


def _load(name: str, ctx: Context) -> Regimen | None:
    if name == ctx.order.regimen.name:
        return ctx.order.regimen
    try:
        from osdose.library import load_regimen

        return load_regimen(name, ctx.table)
    except OsdoseError:
        return None


def runs(ctx: Context) -> list[tuple[dt.date, str | None]]:
    """The cycles of the history as (start, regimen name or ``None``), in date order.

    Of the history's cycle start dates (see ``History.starts``), those that fall within one
    cycle's treatment days of a run's first date belong to that run, so days 1–5 or 1 and 8
    of one cycle count once. A run's regimen (when recorded) says how many days it spans;
    otherwise the ordered regimen's do."""
    h = ctx.order.history
    if h is None or not h.starts:
        return []
    ordered = ctx.order.regimen
    out = [(h.starts[0].date, h.starts[0].regimen)]
    for s in h.starts[1:]:
        start, name = out[-1]
        reg = _load(name, ctx) if name else None
        if (s.date - start).days >= (reg or ordered).treatment_days:
            out.append((s.date, s.regimen))
        elif name is None and s.regimen is not None:
            out[-1] = (start, s.regimen)
    return out


def previous_cycle(ctx: Context) -> Previous | None:
    """The last cycle in the history: its start, and the regimen recorded for it (which
    says how long that cycle was)."""
    found = runs(ctx)
    if not found:
        return None
    start, name = found[-1]
    return Previous(start, _load(name, ctx) if name else None, name)


def interval(ctx: Context) -> list[CheckResult]:
    """The order's date against the previous cycle's start plus THAT cycle's length (the
    regimen given then, not the one ordered now)."""
    h = ctx.order.history
    if h is None:
        return [
            CheckResult(
                "interval",
                Verdict.NOT_CHECKED,
                "no history on the order: the interval since the last cycle cannot be checked",
            )
        ]
    prev = previous_cycle(ctx)
    if prev is None:
        return [CheckResult("interval", Verdict.PASS, "no earlier cycle in the history")]
    ordered = ctx.order.regimen
    if prev.regimen is not None:
        length = prev.regimen.cycle_length_days
        whose = f"{prev.regimen.name}'s cycle of {length} days"
        assumed = ""
    else:
        length = ordered.cycle_length_days
        whose = f"{ordered.name}'s cycle of {length} days"
        assumed = (
            f"the last cycle's regimen {prev.regimen_name!r} is not in the library"
            if prev.regimen_name
            else "the last cycle's regimen is not recorded in the history"
        ) + f": assumed {whose}"
    due = prev.start + dt.timedelta(days=length)
    date = ctx.order.date
    early = (due - date).days
    grace = ctx.options.grace_days
    work = (f"due = {prev.start} (previous cycle start) + {length} days ({whose}) = {due}",)
    if early <= 0:
        status = Verdict.PASS
        msg = f"{date} is on or after the due date {due} ({prev.start} + {whose})"
    elif early <= grace:
        status = Verdict.WARN
        msg = (
            f"{date} is {early} day{'s' if early > 1 else ''} before the due date {due} "
            f"({prev.start} + {whose}), within the grace of {grace} day{'s' if grace > 1 else ''}"
        )
    else:
        status = Verdict.FAIL
        msg = (
            f"{date} is {early} days before the due date {due} ({prev.start} + {whose}); "
            f"grace is {grace} day{'s' if grace != 1 else ''}"
        )
    if assumed:
        msg += f"; {assumed}"
        if status is Verdict.PASS:
            status = Verdict.WARN
    return [CheckResult("interval", status, msg, work=work)]


def cycle_number(ctx: Context) -> list[CheckResult]:
    """The order's cycle number against the regimen's number of cycles and the history: a
    cycle beyond the regimen's ``cycles``, or one that does not follow the cycles of the
    same regimen already given, warns."""
    o = ctx.order
    reg = o.regimen
    out = []
    if reg.cycles is not None and o.cycle > reg.cycles:
        out.append(
            CheckResult(
                "cycle-number",
                Verdict.WARN,
                f"cycle {o.cycle} is beyond {reg.name}'s {reg.cycles} cycles",
            )
        )
    h = o.history
    if h is not None and h.starts:
        numbers = [a.cycle for a in h.administrations if a.regimen == reg.name and a.cycle]
        cycles = runs(ctx)
        same = [r for r in cycles if r[1] == reg.name]
        if numbers:
            given, basis = max(numbers), f"the history's last {reg.name} cycle is {max(numbers)}"
        elif same or all(name is not None for _, name in cycles):
            n = len(same)
            given, basis = n, f"the history holds {n} {reg.name} cycle{'s' if n != 1 else ''}"
        else:
            out.append(
                CheckResult(
                    "cycle-number",
                    Verdict.NOT_CHECKED,
                    f"cycle {o.cycle}: the history does not record which regimen its cycles "
                    "were (give regimen and cycle on its entries)",
                )
            )
            given = None
        if given is not None and o.cycle != given + 1:
            out.append(
                CheckResult(
                    "cycle-number",
                    Verdict.WARN,
                    f"cycle {o.cycle} does not follow the history: {basis}, so the next is "
                    f"{given + 1}",
                )
            )
    if out:
        return out
    return [
        CheckResult(
            "cycle-number", Verdict.PASS, f"cycle {o.cycle} of {reg.name} follows the history"
        )
    ]
