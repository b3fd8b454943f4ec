"""What a command-line start-up sets before typer, pydantic and rich are imported
(:mod:`osdose.cli` imports this first)."""

from __future__ import annotations

import os

from osdose import dataclass_code

# typer validates parameters with pydantic; pydantic's plugin discovery scans every installed
# distribution's entry points (~25 ms) and osdose uses no pydantic plugin.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
# the dataclasses' methods compiled once, not at every start (~40 ms)
dataclass_code.install()
