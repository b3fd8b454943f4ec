"""The quick start's main job runs (placeholder until the full suite lands)."""

from typer.testing import CliRunner

from osdose.cli import app


def test_dose_dia_runs() -> None:
    result = CliRunner().invoke(app, ["dose", "DIA", "--height", "175cm", "--weight", "70kg"])
    assert result.exit_code == 0
    assert "cisplatin" in result.stdout
