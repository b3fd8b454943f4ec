"""osdose.api: each command as a Python function returning the object the command renders;
and the command line's renderers, one per output format for every command."""

from __future__ import annotations

import importlib
import math
from pathlib import Path

import pytest

from osdose import api, cli, cli_cumulative
from osdose.cli_common import Format
from osdose.errors import OsdoseError

ROOT = Path(__file__).parents[1]
RENDERERS = {
    name: value
    for module in (cli, cli_cumulative)
    for name, value in vars(module).items()
    if name.endswith("_RENDERERS")
}


def test_the_api_doses_as_the_command_does() -> None:
    sheet = api.dose("DIA", height="175 cm", weight="70 kg")
    # Mosteller √(175 × 70 / 3600) = 1.844662 m²; cisplatin 120 mg/m² → 221.36 mg
    assert sheet.lines[0].daily == pytest.approx(120 * math.sqrt(175 * 70 / 3600))
    (b,) = api.bsa(height="175 cm", weight="70 kg")
    assert b.m2 == math.sqrt(175 * 70 / 3600)
    assert len(api.bsa(height="175 cm", weight="70 kg", formula="all")) == 5


def test_api_errors_name_the_argument() -> None:
    with pytest.raises(OsdoseError, match=r"^weight must be a mass"):
        api.dose("DIA", height="175 cm", weight="70 cm")
    with pytest.raises(OsdoseError, match="bsa_cap needs cap_reason"):
        api.bsa(height="175 cm", weight="120 kg", bsa_cap="2.0")


def test_history_cumulative_plan_verify_lint_snapshot() -> None:
    course = ROOT / "examples" / "case-report-course.yaml"
    e = api.cumulative(course)
    epi = e.get("epirubicin")
    assert epi is not None and epi.status == "over"  # 1,520 mg/m² of 1,000
    p = api.plan(course, steps=[("DDP+IFO", 2)], bsa="1.8")
    assert [c.n for c in p.cycles] == [1, 2]
    v = api.verify(ROOT / "examples" / "orders" / "ddp-epi-low-neutrophils.yaml")
    assert v.status == "fail"  # ANC 1.1 × 10⁹/L below the delay gate 1.5
    assert api.lint(builtin=True).failed(strict=True) is False
    assert len(api.snapshot(builtin=True).doses) == 56
    with pytest.raises(OsdoseError, match="not both"):
        api.history(course, patient="P-1")


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_every_command_has_a_renderer_for_every_format(name: str) -> None:
    renderers = RENDERERS[name]
    assert set(renderers) == set(Format)
    for target in renderers.values():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function))
