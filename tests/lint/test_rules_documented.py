"""Every rule has a broken example file named after it (its row in docs/commands/lint.md is
tests/test_docs.py's)."""

from __future__ import annotations

from pathlib import Path

from osdose.lint.rules import RULES

DATA = Path(__file__).parent / "data"


def test_every_rule_has_a_broken_example() -> None:
    examples = {p.name for p in (DATA / "broken").iterdir()} | {
        p.name for p in DATA.iterdir() if p.is_dir()
    }
    for rule in RULES:
        assert any(name.startswith(rule) for name in examples), rule
