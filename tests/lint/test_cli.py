"""Exit codes of `osdose lint` and the shipped library linting clean."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from osdose.cli import app
from osdose.lint import lint_paths

ROOT = Path(__file__).resolve().parents[2]
BROKEN = "tests/lint/data/broken"


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_shipped_regimens_lint_clean_under_strict() -> None:
    result = lint_paths([ROOT / "regimens"])
    assert not result.failed(strict=True)
    # the case report's cisplatin 120 mg/m² every 14 days and 140 every 21 (above 100 per
    # 21 days), and DIA's epirubicin 120 mg/m² every 14 days (above 120 per 21), are
    # acknowledged, not dropped
    assert [(Path(f.path).name, f.line, f.rule, f.level) for f in result.findings] == [
        ("DDP+EPI.yaml", 17, "dose-implausible", "acknowledged"),
        ("DDP+IFO.yaml", 18, "dose-implausible", "acknowledged"),
        ("DIA.yaml", 18, "dose-implausible", "acknowledged"),
        ("DIA.yaml", 27, "dose-implausible", "acknowledged"),
    ]
    code, _, _ = invoke("lint", "--strict", str(ROOT / "regimens"))
    assert code == 0


def test_warning_fails_only_with_strict() -> None:
    warned = f"{BROKEN}/missing-reference.yaml"
    assert invoke("lint", warned)[0] == 0
    assert invoke("lint", "--strict", warned)[0] == 1


def test_error_fails() -> None:
    assert invoke("lint", f"{BROKEN}/unknown-drug.yaml")[0] == 1


def test_missing_path_is_a_usage_error() -> None:
    code, out, _ = invoke("lint", "no/such/folder")
    assert code == 2
    assert out == ""


def test_folder_without_yaml_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke("lint", str(tmp_path))
    assert code == 2
    assert err == f"osdose: error: no *.yaml or *.yml files in {tmp_path}\n"


def test_unknown_format_is_a_usage_error() -> None:
    assert invoke("lint", "--format", "xml", "regimens")[0] == 2


def test_folders_are_searched_recursively_for_yaml_and_yml(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.yml").write_text("- not a regimen\n")
    (tmp_path / "a" / "notes.txt").write_text("ignored\n")
    result = lint_paths([tmp_path])
    assert result.files == ((tmp_path / "a" / "b" / "x.yml").as_posix(),)


def test_text_output_is_uncoloured_off_a_terminal() -> None:
    _, out, _ = invoke("lint", f"{BROKEN}/unknown-drug.yaml")
    assert "\x1b[" not in out


def test_hidden_folders_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "tool.yaml").write_text("- other tool's file\n")
    (tmp_path / "r.yaml").write_text("- not a regimen\n")
    assert lint_paths([tmp_path]).files == ((tmp_path / "r.yaml").as_posix(),)


def test_pre_commit_hook_runs_lint() -> None:
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "osdose-lint"
    assert hook["entry"] == "osdose lint --strict"
    assert hook["language"] == "python"


def test_snapshot_write_to_a_missing_folder_is_a_clean_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "snap.yaml"
    code, _, err = invoke(
        "snapshot",
        "regimens",
        "--patients",
        "osdose/data/reference-patients.yaml",
        "--write",
        str(target),
    )
    assert code == 2
    assert err.startswith(f"osdose: error: {target}: cannot be written")
