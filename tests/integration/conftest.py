"""The ledger backends (tests/ledger/backends.py) for the integration tests too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..ledger.backends import BACKENDS, close, ledger_fixture, summary


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from ledger_fixture(request, tmp_path)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary(terminalreporter)


def pytest_sessionfinish(session: pytest.Session) -> None:
    close()
