"""Every ledger command is shown in docs/ledger.md, with real output; the README points
there."""

from __future__ import annotations

from pathlib import Path

from osdose.cli_ledger import ledger_app

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "ledger.md"


def test_every_ledger_command_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [c.name for c in ledger_app.registered_commands]
    assert sorted(names) == [
        "check", "export", "import", "init", "list", "record", "verify-record", "void",
    ]  # fmt: skip
    for name in names:
        assert f"$ osdose ledger {name} " in text, name
    assert "osdose.ledger.store.LedgerStore" in text  # the interface both backends implement
    for topic in ("pg_advisory_xact_lock", "GRANT SELECT, INSERT", "--expect-head", "CI=true"):
        assert topic in text, topic


def test_the_readme_points_to_the_ledger_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The administration ledger", 1)[1].split("\n## ", 1)[0]
    assert "(docs/ledger.md)" in section
