"""The README's example output is real: every `console` block re-runs to the same text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_console_blocks_are_current() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme.py")], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_readme_has_the_two_quick_start_commands() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick and "make test" in quick
