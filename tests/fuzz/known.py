"""Crashes this branch knows of and leaves to the fixes of issue 10's other sections.

Each entry marks one fuzz test ``xfail(strict=False)`` with the section that fixes what it
finds. Once those fixes are merged, delete the entry (or the whole dict): the test then
holds the reader to zero crashes. ``make fuzz`` prints each crash with its smallest input.
"""

from __future__ import annotations

import pytest

# test id → why it still crashes on this base (the section whose fix makes it pass)
KNOWN: dict[str, str] = {}


def marks(test_id: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN.get(test_id)
    return [pytest.mark.xfail(strict=False, reason=reason)] if reason else []


def case(test_id: str, *values: object) -> object:
    """A parameter set named ``test_id``, marked when :data:`KNOWN` lists it."""
    return pytest.param(*values, id=test_id, marks=marks(test_id))
