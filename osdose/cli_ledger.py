"""CLI commands for the administration ledger: `ledger ...` (issue 6).

Registered by :mod:`osdose.cli`; import heavy modules inside the commands, not here.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
