from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def regimen_data() -> Path:
    return DATA / "regimens"


@pytest.fixture(autouse=True)
def _terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output laid out as off a terminal (120 wide), whoever runs the tests: a COLUMNS
    inherited from the shell or set by a parallel runner's workers would change every
    table. A test that needs a width sets COLUMNS itself."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
