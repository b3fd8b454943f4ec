"""What a verification returns: one frozen :class:`CheckResult` per finding of a named check,
and the options that set its thresholds. Statuses are :class:`osdose.status.Verdict`s:
``pass < not-checked < warn < fail``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from osdose.status import Verdict

#: Checks whose warning an order may acknowledge with a reason (never a failure).
ACKNOWLEDGEABLE = ("max-single-dose", "weight-change", "cumulative", "small-patient")


@dataclass(frozen=True)
class Options:
    """Thresholds of a verification; every one can be set on the command line.

    ``warn_percent``/``fail_percent``: a deviation above the first warns, above the second
    fails (dose, bsa, and the adjusted dose of renal/hepatic). ``weight_warn_percent`` and
    ``weight_fail_percent``: a weight change from baseline of at least the first warns; of
    at least the second, with doses that match the old weight's BSA better than today's,
    fails (``None``: the thresholds file's). ``grace_days``: a cycle this many days early
    warns instead of failing. ``round``: add a rounding check per drug;
    ``round_limit_percent``: a rounding that moves the dose more than this is refused.
    ``crcl_weight``: the Cockcroft–Gault weight policy (``None``: the order's, else the
    thresholds file's); ``creatinine_floor_mg_dl``: raise a lower creatinine to this first.
    ``gfr_method`` (before the order's and the regimen's) and ``gfr_cap_ml_min`` (``None``:
    the thresholds file's) set the GFR of carboplatin by AUC.
    """

    warn_percent: float = 5.0
    fail_percent: float = 10.0
    weight_warn_percent: float | None = None
    weight_fail_percent: float | None = None
    grace_days: int = 1
    round: bool = False
    round_limit_percent: float = 5.0
    crcl_weight: str | None = None
    creatinine_floor_mg_dl: float | None = None
    gfr_method: str | None = None
    gfr_cap_ml_min: float | None = None

    def __post_init__(self) -> None:
        # The command line checks its options first, in its own words; this holds a Python
        # caller to the same ranges (a NaN threshold would make every comparison pass).
        from osdose.errors import InputError

        for name in _PERCENTS:
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                raise InputError(name, f"must be a percent from 0 to 100, got {value!r}")
        if self.warn_percent > self.fail_percent:
            raise InputError("warn_percent", "must not be larger than fail_percent")
        if isinstance(self.grace_days, bool) or not 0 <= self.grace_days <= MAX_GRACE_DAYS:
            raise InputError(
                "grace_days", f"must be from 0 to {MAX_GRACE_DAYS} days, got {self.grace_days!r}"
            )
        for name in ("creatinine_floor_mg_dl", "gfr_cap_ml_min"):
            value = getattr(self, name)
            if value is not None and not 0 < value < 1e9:  # NaN fails this too
                raise InputError(name, f"must be a finite number above 0, got {value!r}")


MAX_GRACE_DAYS = 365  # a cycle a year early is no cycle: a longer grace is a slip
_PERCENTS = (
    "warn_percent",
    "fail_percent",
    "weight_warn_percent",
    "weight_fail_percent",
    "round_limit_percent",
)


@dataclass(frozen=True)
class CheckResult:
    """One named check's outcome. Amounts are in mg (``unit`` says when a drug is in IU;
    then the ``*_mg`` fields are ``None`` and the message carries the numbers).

    ``work`` holds each formula with its numbers substituted, for the worksheet; ``extra``
    holds a check's own keys for the JSON row (the renal check's ``crcl_ml_min`` …).
    """

    check: str
    status: Verdict
    message: str
    drug: str | None = None
    expected_mg: float | None = None
    prescribed_mg: float | None = None
    deviation_percent: float | None = None
    rounded_mg: float | None = None
    work: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()


def deviation(prescribed: float, expected: float) -> float:
    """Signed deviation of ``prescribed`` from ``expected`` in percent."""
    return (prescribed - expected) / expected * 100.0


def graded(dev_percent: float, options: Options) -> Verdict:
    """pass within ``warn_percent``, warn up to ``fail_percent``, fail beyond (absolute).

    Compared after rounding to 6 decimals so that float noise never crosses a threshold.
    """
    d = round(abs(dev_percent), 6)
    if d <= options.warn_percent:
        return Verdict.PASS
    return Verdict.WARN if d <= options.fail_percent else Verdict.FAIL


def num(x: float, places: int = 2) -> str:
    """A number for a message: ``places`` decimals without trailing zeros."""
    text = f"{x:,.{places}f}" if x >= 1000 or x <= -1000 else f"{x:.{places}f}"
    return text.rstrip("0").rstrip(".") if places else text


def signed(x: float) -> str:
    return f"{x:+.1f}%"
