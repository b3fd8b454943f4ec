"""Crashes known and not fixed yet: each entry marks one fuzz test ``xfail(strict=False)``
with the reason (the issue and section that will fix it).

Empty: every crash class the fuzz suite has found is fixed (RESULTS.md), so every fuzz test
holds its reader to zero crashes. When a new crash cannot be fixed in the change that finds
it, add its test id here with the reason, and delete the entry with the fix.
``make fuzz`` prints each crash with its smallest input.
"""

from __future__ import annotations

import pytest

# test id → why it still crashes (the issue and section whose fix makes it pass)
KNOWN: dict[str, str] = {}


def marks(test_id: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN.get(test_id)
    return [pytest.mark.xfail(strict=False, reason=reason)] if reason else []


def case(test_id: str, *values: object) -> object:
    """A parameter set named ``test_id``, marked when :data:`KNOWN` lists it."""
    return pytest.param(*values, id=test_id, marks=marks(test_id))
