"""Shared helpers for the cumulative tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from osdose.drugs import DrugTable, load_drugs

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def table() -> DrugTable:
    return load_drugs()
