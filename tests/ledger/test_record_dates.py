"""``ledger record --date``: the one date reader and the one clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose.cli import app

RECORD = ["ledger", "record", "-p", "P-1", "--drug", "EPI", "--dose", "60 mg", "--bsa", "1.5"]


def test_a_date_without_its_dashes_is_refused(tmp_path: Path) -> None:
    # fromisoformat alone reads 20250101 as 2025-01-01; a date is written YYYY-MM-DD
    ledger = tmp_path / "l.db"
    r = CliRunner().invoke(app, [*RECORD, "--ledger", str(ledger), "--date", "20250101"])
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "osdose: error: --date must be a date written YYYY-MM-DD, got '20250101'\n"
    assert not ledger.exists()


def test_today_is_osdose_s_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # --date today (and no --date) is $OSDOSE_TODAY when it is pinned, like every date check
    monkeypatch.setenv("OSDOSE_TODAY", "2024-01-02")
    ledger = str(tmp_path / "l.db")
    assert CliRunner().invoke(app, [*RECORD, "--ledger", ledger, "--date", "today"]).exit_code == 0
    listed = CliRunner().invoke(
        app, ["ledger", "list", "--ledger", ledger, "-p", "P-1", "-f", "json"]
    )
    assert [r["date"] for r in json.loads(listed.stdout)] == ["2024-01-02"]
