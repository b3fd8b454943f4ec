"""Shared helpers for the ledger tests: a ledger per test on each backend, a fixed clock,
the CLI (the backends themselves: backends.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .backends import (
    BACKENDS,
    PEOPLE,
    as_user,
    close,
    is_pg,
    ledger_fixture,
    pg_database,
    pg_ledger,
    run,
    snapshot,
    summary,
)

DATA = Path(__file__).parent / "data"
FIXED_TIME = "2026-01-10T09:00:00.000000+00:00"

__all__ = ["DATA", "FIXED_TIME", "PEOPLE", "as_user", "epi_60", "is_pg", "run", "snapshot"]


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A ledger on each backend: a SQLite file (not created yet) or an initialised
    PostgreSQL database of its own."""
    yield from ledger_fixture(request, tmp_path)


@pytest.fixture
def sqlite_ledger(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> str:
    """A PostgreSQL ledger alone (for what only a server has: roles, grants)."""
    return pg_ledger(request)


@pytest.fixture
def pg_empty(request: pytest.FixtureRequest) -> str:
    """The URL of a new PostgreSQL database without a ledger."""
    srv, name = pg_database(request)
    return srv.url(name)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr("osdose.ledger.sqlite.now_utc", lambda: FIXED_TIME)
    yield FIXED_TIME


def epi_60(patient: str, date: str, *more: str) -> list[str]:
    """``record`` arguments: 60 mg epirubicin at BSA 1.5 m² (60 / 1.5 = 40 mg/m²)."""
    return ["record", "-p", patient, "--drug", "EPI", "--dose", "60 mg", "--bsa", "1.5",
            "--date", date, *more]  # fmt: skip


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary(terminalreporter)


def pytest_sessionfinish(session: pytest.Session) -> None:
    close()
