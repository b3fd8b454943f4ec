"""CLI commands for regimen CI: `lint`, `schema`, `snapshot` (issue 5).

Registered by :mod:`osdose.cli`; import heavy modules inside the commands, not here.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this feature's commands to ``app``."""
