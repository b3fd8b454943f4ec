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

import copy
import json
import os
import re
import resource
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

from .hostile import value_paths

LIMIT_S = 5.0  # seconds one input may take: more is a hang
CLASSES = ("traceback", "hang", "bad-exit")


class Hang(BaseException):
    """Raised in the reader by the timer when an input takes longer than :data:`LIMIT_S`."""


class BadExit(Exception):
    """What the command line did with an input is outside osdose's contract."""


@dataclass
class Crash:
    reader: str
    kind: str  # one of CLASSES
    signature: str  # what makes two crashes the same: the exception and where it was raised
    value: str  # the smallest input seen with this signature (minimized at the end under fuzz)
    detail: str  # the exception's message, or what the command printed
    read: Callable[[str], Any]
    count: int = 1

    @property
    def example(self) -> str:
        return shown(self.value)


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
            if c.kind == "traceback":
                out.append(f"    {c.detail[:300]}")
            out.append(f"    smallest input: {c.example}")
        return out


REPORT = Report()


def profile() -> str:
    """``fuzz`` (make fuzz) or ``ci`` (make test, the default): ``$OSDOSE_FUZZ_PROFILE``."""
    return "fuzz" if os.environ.get("OSDOSE_FUZZ_PROFILE") == "fuzz" else "ci"


def active() -> settings:
    """The settings of the profile in use (registered in conftest.py)."""
    return settings.get_profile(profile())


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


GROWTH = 2 << 30  # bytes of address space one input may add (a 10⁸-element list fails)


@contextmanager
def memory_limit(growth: int = GROWTH) -> Iterator[None]:
    """Let this process grow by at most ``growth`` bytes while one input runs: a hostile input
    must fail here (MemoryError, a crash), not take the memory the machine shares."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        size = int(f.read().split()[0]) * resource.getpagesize()
    limit = size + growth
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _where(exc: BaseException) -> str:
    """The innermost frame of osdose's own code in the traceback: file:line function."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/osdose/" in f.filename] or frames
    if not ours:
        return "?"
    f = ours[-1]
    return f"{f.filename.rsplit('/osdose/', 1)[-1]}:{f.lineno} {f.name}"


def _general(message: str) -> str:
    """A message without what varies from input to input: the scratch files' names, numbers."""
    message = re.sub(r"\S*/(fuzz-\d+|ledger-\d+)\.\w+", "FILE", message)
    return re.sub(r"\d+", "N", message)


def shown(value: Any, limit: int = 400) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 40]} … ({len(text)} characters)"


def outcome(read: Callable[[str], Any], value: str) -> tuple[str, str, str] | None:
    """``None`` when ``read(value)`` returns or refuses; else the crash's kind, signature and
    detail."""
    start = time.monotonic()
    try:
        with memory_limit(), time_limit(LIMIT_S):
            read(value)
    except OsdoseError:
        pass
    except Hang:
        return "hang", f"over {LIMIT_S:g} s", ""
    except BadExit as exc:
        return "bad-exit", _general(str(exc)), str(exc)
    except (Exception, RecursionError, MemoryError) as exc:
        return "traceback", f"{type(exc).__name__} at {_where(exc)}", f"{exc!r}"[:300]
    if time.monotonic() - start > LIMIT_S:
        return "hang", f"over {LIMIT_S:g} s (in code the timer cannot stop)", ""
    return None


def _smaller(value: str) -> Iterator[str]:
    """Candidates a little smaller than ``value``: a JSON document without one of its keys
    or items (or with one replaced by its only child); any text without one of its lines."""
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict | list):
        paths = [p for p in value_paths(data) if p]
        for at in reversed(paths[:400]):
            cut = copy.deepcopy(data)
            parent = cut
            for k in at[:-1]:
                parent = parent[k]
            del parent[at[-1]]
            yield json.dumps(cut, ensure_ascii=False)
        return
    lines = value.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        yield "\n".join(lines[:i] + lines[i + 1 :])


def minimize(crash: Crash, seconds: float = 20.0) -> None:
    """Make ``crash.value`` smaller while it still crashes the same way (greedy, bounded)."""
    end = time.monotonic() + seconds
    same = (crash.kind, crash.signature)
    progress = True
    while progress and time.monotonic() < end:
        progress = False
        for candidate in _smaller(crash.value):
            if time.monotonic() > end:
                break
            got = outcome(crash.read, candidate)
            if got is not None and got[:2] == same and len(candidate) < len(crash.value):
                crash.value, crash.detail = candidate, got[2]
                progress = True
                break


class Fuzzer:
    """One fuzz test's runner: a scratch folder, the per-input check, the time budget."""

    tests = 1  # fuzz tests collected (conftest sets it): they share $FUZZ_SECONDS

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.readers: set[str] = set()
        self.end = float("inf")

    def check(self, reader: str, read: Callable[[str], Any], value: str) -> None:
        """Run one input; a crash fails at once (ci) or is recorded (fuzz)."""
        if time.monotonic() > self.end:
            return  # the test's time is up: let hypothesis finish its round at once
        self.readers.add(reader)
        REPORT.inputs[reader] = REPORT.inputs.get(reader, 0) + 1
        got = outcome(read, value)
        if got is None:
            return
        kind, signature, detail = got
        key = (reader, f"{kind}: {signature}")
        known = REPORT.crashes.get(key)
        if known is None:
            REPORT.crashes[key] = Crash(reader, kind, signature, value, detail, read)
        else:
            known.count += 1
            if len(value) < len(known.value):
                known.value, known.detail = value, detail
        if not fuzzing():
            raise AssertionError(f"{reader}: {kind}: {signature}: {detail}\ninput: {shown(value)}")

    def run(self, rounds: Callable[[], None]) -> None:
        """Once (ci); or round after round of hypothesis examples until this test's share of
        ``$FUZZ_SECONDS`` is spent, then minimize each crash found and fail if any (fuzz)."""
        if not fuzzing():
            rounds()
            return
        budget = float(os.environ.get("FUZZ_SECONDS", "300")) / self.tests
        self.end = time.monotonic() + budget
        while time.monotonic() < self.end:
            rounds()
        crashed = [c for r in sorted(self.readers) for c in REPORT.crashed(r)]
        for c in crashed:
            minimize(c)
        assert not crashed, "\n".join(
            f"{c.reader} {c.kind} ×{c.count}: {c.signature}; smallest input: {c.example}"
            for c in crashed
        )
