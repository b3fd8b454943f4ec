"""Every rule has a broken example file named after it and a row in the README section."""

from __future__ import annotations

from pathlib import Path

from osdose.lint.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def test_every_rule_has_a_broken_example() -> None:
    examples = {p.name for p in (DATA / "broken").iterdir()} | {
        p.name for p in DATA.iterdir() if p.is_dir()
    }
    for rule in RULES:
        assert any(name.startswith(rule) for name in examples), rule


def test_every_rule_is_documented() -> None:
    doc = (ROOT / "README.md").read_text("utf-8")
    for rule in RULES:
        assert f"| `{rule}` |" in doc, rule
