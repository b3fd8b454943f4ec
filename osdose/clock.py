"""Today's date, the one clock of osdose (history dated after it is refused).

``$OSDOSE_TODAY`` (YYYY-MM-DD) pins it, so that examples and tests give the same output on
any day; it changes nothing else.
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "OSDOSE_TODAY"


def today() -> dt.date:
    pinned = os.environ.get(ENV)
    if pinned:
        from osdose.errors import InputError
        from osdose.fields import FieldError, date

        try:
            return date(pinned)
        except FieldError as exc:
            raise InputError(ENV, str(exc)) from None
    return dt.date.today()
