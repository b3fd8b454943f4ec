"""Run one input through a reader and say whether osdose crashed on it.

A crash is one of three kinds (issue 10 §9):

- ``traceback``: an exception that is not osdose's own refusal (:class:`OsdoseError`),
  raised by the reader or by rendering its result (a non-finite number in strict JSON too);
- ``hang``: more than :data:`LIMIT_S` seconds on one input;
- ``bad-exit``: through the command line, an exit code outside 0/1/2, an exit 2 whose
  stderr is not exactly one ``osdose: error:`` line, or a traceback printed.

Under the ``ci`` profile the first crash fails the test (hypothesis shrinks it and prints
the smallest input); under ``fuzz`` every crash is kept, the smallest input of each distinct
crash is reported, and the test fails at the end of its time.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import settings

from osdose.errors import OsdoseError

LIMIT_S = 5.0  # seconds one input may take: more is a hang
CLASSES = ("traceback", "hang", "bad-exit")


class Hang(BaseException):  # noqa: N818 - a BaseException, so no `except Exception` eats it
    """Raised in the reader by the timer when an input takes longer than :data:`LIMIT_S`."""


class BadExit(Exception):  # noqa: N818 - named after the class of crash it reports
    """What the command line did with an input is outside osdose's contract."""


@dataclass
class Crash:
    reader: str
    kind: str  # one of CLASSES
    signature: str  # what makes two crashes the same: the exception and where it was raised
    example: str  # the smallest input seen with this signature
    count: int = 1


@dataclass
class Report:
    inputs: dict[str, int] = field(default_factory=dict)
    crashes: dict[tuple[str, str], Crash] = field(default_factory=dict)

    def crashed(self, reader: str) -> list[Crash]:
        return [c for (r, _), c in self.crashes.items() if r == reader]

    def lines(self) -> list[str]:
        out = [f"{'fuzz: reader':<26}{'inputs':>9}{'crashes':>9}  " + " ".join(CLASSES)]
        for reader, n in sorted(self.inputs.items()):
            found = self.crashed(reader)
            kinds = " ".join(
                f"{sum(c.count for c in found if c.kind == k):>{len(k)}}" for k in CLASSES
            )
            out.append(f"{reader:<26}{n:>9}{sum(c.count for c in found):>9}  {kinds}")
        for c in sorted(self.crashes.values(), key=lambda c: (c.reader, c.kind, c.signature)):
            out.append(f"  {c.reader} {c.kind} ×{c.count}: {c.signature}")
            out.append(f"    smallest input: {c.example}")
        return out


REPORT = Report()


def profile() -> str:
    """The hypothesis profile loaded (``--hypothesis-profile`` or conftest's default)."""
    return str(getattr(settings, "_current_profile", "ci"))


def fuzzing() -> bool:
    return profile() == "fuzz"


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in this (main) thread after ``seconds``."""

    def _alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"more than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _where(exc: BaseException) -> str:
    """The innermost frame of osdose's own code in the traceback: file:line function."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/osdose/" in f.filename] or frames
    if not ours:
        return "?"
    f = ours[-1]
    return f"{f.filename.rsplit('/osdose/', 1)[-1]}:{f.lineno} {f.name}"


def shown(value: Any, limit: int = 400) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 40]} … ({len(text)} characters)"


class Fuzzer:
    """One fuzz test's runner: a scratch folder, the per-input check, the time budget."""

    tests = 1  # fuzz tests collected (conftest sets it): they share $FUZZ_SECONDS

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.readers: set[str] = set()

    def check(self, reader: str, run: Callable[[], Any], example: Any) -> None:
        """Run one input; a crash fails at once (ci) or is recorded (fuzz)."""
        self.readers.add(reader)
        REPORT.inputs[reader] = REPORT.inputs.get(reader, 0) + 1
        start = time.monotonic()
        kind = signature = ""
        try:
            with time_limit(LIMIT_S):
                run()
        except OsdoseError:
            pass
        except Hang:
            kind, signature = "hang", f"over {LIMIT_S:g} s"
        except BadExit as exc:
            kind, signature = "bad-exit", str(exc)
        except (Exception, RecursionError) as exc:
            kind, signature = "traceback", f"{type(exc).__name__} at {_where(exc)}"
            detail = traceback.format_exc(limit=-6)
        if not kind and time.monotonic() - start > LIMIT_S:
            kind, signature = "hang", f"over {LIMIT_S:g} s (in code the timer cannot stop)"
        if not kind:
            return
        text = shown(example)
        key = (reader, f"{kind}: {signature}")
        known = REPORT.crashes.get(key)
        if known is None:
            REPORT.crashes[key] = Crash(reader, kind, signature, text)
        else:
            known.count += 1
            if len(text) < len(known.example):
                known.example = text
        if not fuzzing():
            more = f"\n{detail}" if kind == "traceback" else ""
            raise AssertionError(f"{reader}: {kind}: {signature}\ninput: {text}{more}")

    def run(self, rounds: Callable[[], None]) -> None:
        """Once (ci); or round after round of hypothesis examples until this test's share of
        ``$FUZZ_SECONDS`` is spent, then fail if any of its readers crashed (fuzz)."""
        if not fuzzing():
            rounds()
            return
        budget = float(os.environ.get("FUZZ_SECONDS", "300")) / self.tests
        end = time.monotonic() + budget
        while time.monotonic() < end:
            rounds()
        crashed = [c for r in sorted(self.readers) for c in REPORT.crashed(r)]
        assert not crashed, "\n".join(
            f"{c.reader} {c.kind} ×{c.count}: {c.signature}; smallest input: {c.example}"
            for c in crashed
        )
