"""Today's date, the one clock of osdose (history dated after it is refused).

``$OSDOSE_TODAY`` (YYYY-MM-DD) pins it, so that examples and tests give the same output on
any day; it changes nothing else.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

ENV = "OSDOSE_TODAY"
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)  # any date osdose reads

# Days after today a date of something done is still accepted (a date written where the
# day has begun, read where it has not): the thresholds file's dates.history_future_days,
# set by osdose.thresholds when it is imported (1, tomorrow, until then).
_future_days: Callable[[], int] = lambda: 1  # noqa: E731


def use_future_days(days: Callable[[], int]) -> None:
    """Where :func:`latest_done` reads its days from (:mod:`osdose.thresholds` sets it)."""
    global _future_days
    _future_days = days


def today() -> dt.date:
    pinned = os.environ.get(ENV)
    if pinned:
        from osdose.errors import InputError

        try:
            day = dt.date.fromisoformat(pinned.strip())
        except ValueError:
            raise InputError(ENV, f"must be a date written YYYY-MM-DD, got {pinned!r}") from None
        if not EARLIEST <= day <= LATEST:
            raise InputError(ENV, f"{day} is outside {EARLIEST}–{LATEST}: check the year")
        return day
    return dt.date.today()


def latest_done() -> dt.date:
    """The latest date a thing done can carry: today plus the accepted days ahead."""
    return today() + dt.timedelta(days=_future_days())
