"""The fuzz suite's hypothesis profiles and its report.

Two profiles, chosen with ``$OSDOSE_FUZZ_PROFILE``:

- ``ci`` (the default, what ``make test`` runs): seeded (``derandomize``), a few examples per
  reader, not shrunk: seconds, and the same inputs on every run.
- ``fuzz`` (what ``make fuzz`` runs): random, as many inputs as ``$FUZZ_SECONDS`` allows
  (shared evenly by the fuzz tests), every crash kept and classified instead of stopping at
  the first, and a table of inputs and crashes per reader at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from .harness import REPORT, Fuzzer

_QUIET = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
    HealthCheck.large_base_example,
    HealthCheck.function_scoped_fixture,
]
# deadline=None: the harness bounds each input itself (5 s, a hang is a crash of its own)
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=_QUIET,
    # no shrinking: seconds, not minutes, in make test; make fuzz minimizes what it finds
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=200,  # one round; make fuzz runs rounds until its time is up
    deadline=None,
    database=None,
    suppress_health_check=_QUIET,
)
# Not loaded globally (the other property tests keep their own settings): the fuzz tests
# take theirs from harness.active(), the profile named by $OSDOSE_FUZZ_PROFILE.


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # the tests that share $FUZZ_SECONDS: those that generate inputs
    Fuzzer.tests = max(1, sum(1 for i in items if "fuzzer" in getattr(i, "fixturenames", ())))


@pytest.fixture
def fuzzer(tmp_path: Path) -> Iterator[Fuzzer]:
    yield Fuzzer(tmp_path)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT.inputs:
        terminalreporter.write_line("")
        for line in REPORT.lines():
            terminalreporter.write_line(line)
