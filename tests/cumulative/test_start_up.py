"""`osdose cumulative` reads everyday spellings without pint (start-up matters: the
benchmark is benchmarks/cumulative.py; no timing here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from osdose import units

DATA = Path(__file__).parent / "data"

_SCRIPT = """
import sys
from osdose.cli import main
try:
    main(["cumulative", sys.argv[1], "--format", "json"])
except SystemExit:
    pass
print("pint" in sys.modules, file=sys.stderr)
"""


def test_cumulative_does_not_import_pint() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(DATA / "mixed-entry-styles.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("text", ["1.84 m2", "1.84m2", "1.84 m²", "1.84 m^2", "1.84 m**2", "2 m2"])
def test_bsa_fast_spellings_agree_with_pint(text: str) -> None:
    expected = float(units.parse(text, "bsa").to("m**2").magnitude)
    assert units.bsa_m2(text) == pytest.approx(expected, rel=1e-12)


def test_bsa_other_spellings_still_go_to_pint() -> None:
    assert units.bsa_m2("18400 cm2") == pytest.approx(1.84)
    with pytest.raises(units.InputError, match="outside the plausible range"):
        units.bsa_m2("18.4 m2")
