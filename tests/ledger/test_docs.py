"""Every ledger command is shown in the README section, with real output."""

from __future__ import annotations

from pathlib import Path

from osdose.cli_ledger import ledger_app

DOC = Path(__file__).resolve().parents[2] / "README.md"


def test_every_ledger_command_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [c.name for c in ledger_app.registered_commands]
    assert sorted(names) == ["check", "export", "import", "list", "record", "void"]
    for name in names:
        assert f"$ osdose ledger {name} " in text, name
    assert "osdose.ledger.store.LedgerStore" in text  # the interface a second backend implements
