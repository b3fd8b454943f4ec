"""What a verification returns: one frozen :class:`CheckResult` per named check, the options
that set its thresholds, and the worst-status rule shared by every check and renderer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

STATUSES = ("pass", "warn", "fail")  # mildest first

#: Every named check, in the order they appear in a report.
CHECKS = (
    "dose",
    "error-pattern",
    "missing-drug",
    "extra-drug",
    "days",
    "bsa",
    "weight-change",
    "interval",
    "cumulative",
    "max-single-dose",
    "renal",
    "hepatic",
    "rounding",
)
#: Checks whose warning an order may acknowledge with a reason (never a failure).
ACKNOWLEDGEABLE = ("max-single-dose", "weight-change", "cumulative")


@dataclass(frozen=True)
class Options:
    """Thresholds of a verification; every one can be set on the command line.

    ``warn_percent``/``fail_percent``: a deviation above the first warns, above the second
    fails (dose, bsa, and the adjusted dose of renal/hepatic). ``weight_change_percent``: a
    change from baseline of at least this warns. ``grace_days``: a cycle this many days early
    warns instead of failing. ``round``: add a rounding check per drug; ``round_limit_percent``:
    a rounding that moves the dose more than this is refused.
    """

    warn_percent: float = 5.0
    fail_percent: float = 10.0
    weight_change_percent: float = 10.0
    grace_days: int = 1
    round: bool = False
    round_limit_percent: float = 5.0


@dataclass(frozen=True)
class CheckResult:
    """One named check's outcome. Amounts are in mg (``unit`` says when a drug is in IU;
    then the ``*_mg`` fields are ``None`` and the message carries the numbers).

    ``work`` holds each formula with its numbers substituted, for the worksheet.
    """

    check: str
    status: str
    message: str
    drug: str | None = None
    expected_mg: float | None = None
    prescribed_mg: float | None = None
    deviation_percent: float | None = None
    rounded_mg: float | None = None
    work: tuple[str, ...] = ()


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=STATUSES.index, default="pass")


def deviation(prescribed: float, expected: float) -> float:
    """Signed deviation of ``prescribed`` from ``expected`` in percent."""
    return (prescribed - expected) / expected * 100.0


def graded(dev_percent: float, options: Options) -> str:
    """pass within ``warn_percent``, warn up to ``fail_percent``, fail beyond (absolute).

    Compared after rounding to 6 decimals so that float noise never crosses a threshold.
    """
    d = round(abs(dev_percent), 6)
    if d <= options.warn_percent:
        return "pass"
    return "warn" if d <= options.fail_percent else "fail"


def num(x: float, places: int = 2) -> str:
    """A number for a message: ``places`` decimals without trailing zeros."""
    text = f"{x:,.{places}f}" if x >= 1000 or x <= -1000 else f"{x:.{places}f}"
    return text.rstrip("0").rstrip(".") if places else text


def signed(x: float) -> str:
    return f"{x:+.1f}%"
