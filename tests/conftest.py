from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def regimen_data() -> Path:
    return DATA / "regimens"


@pytest.fixture(autouse=True)
def _terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output laid out as off a terminal (120 wide), whoever runs the tests: a COLUMNS
    inherited from the shell or set by a parallel runner's workers would change every
    table. A test that needs a width sets COLUMNS itself."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """With pytest-xdist the workers run the PostgreSQL tests and the controller never
    loads tests/ledger/conftest.py: say here how many ran, so that a run in which they were
    skipped or failed for want of a server shows it (the workers' reports carry the id)."""
    config = terminalreporter.config
    if not getattr(config.option, "numprocesses", 0) or hasattr(config, "workerinput"):
        return  # one process: tests/ledger/conftest.py says it, with the server's version
    counts = {
        kind: sum(
            "[postgres" in r.nodeid or "postgres" in r.keywords or "test_postgres" in r.nodeid
            for r in terminalreporter.stats.get(kind, [])
        )
        for kind in ("passed", "skipped", "failed", "error")
    }
    if any(counts.values()):
        shown = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        terminalreporter.write_line(f"PostgreSQL tests (on the workers): {shown}")


@pytest.fixture(autouse=True)
def _shipped_thresholds_after() -> Iterator[None]:
    """``--thresholds`` is process state (:func:`osdose.thresholds.use`): a test that ran a
    command with it must not leave it to the next test of the same worker."""
    from osdose import thresholds

    use = thresholds.use  # the real one: a test may monkeypatch it
    yield
    use(None)
