"""The one status vocabulary of osdose, and the one ``worst()``.

Two scales meet in osdose, each an ordered enum (mildest first):

- :class:`Level` — where a cumulative total stands against a drug's thresholds:
  ``ok < watch < warn < over`` (``cumulative``, ``plan``, the ledger);
- :class:`Verdict` — the outcome of a check: ``pass < not-checked < warn < fail``
  (``verify``, ``lint``, and every command's exit code).

``not-checked`` ranks above ``pass``: a check that could not be made never reads as a
pass. :data:`VERDICT_OF_LEVEL` is the one place where a level becomes a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar


class Level(StrEnum):
    """A cumulative total against its thresholds, mildest first."""

    OK = "ok"
    WATCH = "watch"
    WARN = "warn"
    OVER = "over"

    @property
    def rank(self) -> int:
        return _ORDER[self]


class Verdict(StrEnum):
    """The outcome of a check, mildest first."""

    PASS = "pass"
    NOT_CHECKED = "not-checked"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        return _ORDER[self]


_ORDER: dict[StrEnum, int] = {
    **{s: i for i, s in enumerate(Level)},
    **{s: i for i, s in enumerate(Verdict)},
}

S = TypeVar("S", Level, Verdict)


def worst(statuses: Iterable[S], default: S) -> S:
    """The most severe of ``statuses`` (``default`` when there are none)."""
    out = default
    for s in statuses:
        if _ORDER[s] > _ORDER[out]:
            out = s
    return out


def at_least(status: S, floor: S) -> S:
    """``status``, raised to ``floor`` when milder."""
    return floor if _ORDER[status] < _ORDER[floor] else status


#: The one mapping between the two scales: a cumulative level as a check's verdict.
VERDICT_OF_LEVEL: dict[Level, Verdict] = {
    Level.OK: Verdict.PASS,
    Level.WATCH: Verdict.WARN,
    Level.WARN: Verdict.WARN,
    Level.OVER: Verdict.FAIL,
}


def level(text: str) -> Level:
    """A level from its word (``--fail-on warn``)."""
    return Level(text)


def verdict(text: str) -> Verdict:
    """A verdict from its word."""
    return Verdict(text)
