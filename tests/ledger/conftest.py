"""Shared helpers for the ledger tests: a ledger per test, a fixed clock, the CLI."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from osdose.cli import app

DATA = Path(__file__).parent / "data"
FIXED_TIME = "2026-01-10T09:00:00.000000+00:00"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr("osdose.ledger.sqlite.now_utc", lambda: FIXED_TIME)
    yield FIXED_TIME


def run(ledger: Path, *args: str) -> Result:
    """``osdose ledger ARGS --ledger LEDGER``."""
    return CliRunner().invoke(app, ["ledger", *args, "--ledger", str(ledger)])


def snapshot(path: Path) -> tuple[bytes, list[str], list[str]]:
    """The ledger's bytes, its SQL dump and which side files exist: what "unchanged" means."""
    data = path.read_bytes() if path.exists() else b""
    dump: list[str] = []
    if path.exists():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dump = list(conn.iterdump())
        conn.close()
    sides = sorted(p.name for p in path.parent.glob(path.name + "-*"))
    return data, dump, sides


def epi_60(patient: str, date: str, *more: str) -> list[str]:
    """``record`` arguments: 60 mg epirubicin at BSA 1.5 m² (60 / 1.5 = 40 mg/m²)."""
    return ["record", "-p", patient, "--drug", "EPI", "--dose", "60 mg", "--bsa", "1.5",
            "--date", date, *more]  # fmt: skip
