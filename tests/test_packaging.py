"""The installed program: a real subprocess, python -m, a wheel that carries its data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def osdose(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "osdose"), *args], capture_output=True, text=True, cwd=cwd)


def test_installed_osdose_from_another_directory(tmp_path: Path) -> None:
    r = osdose(
        "dose", "DIA", "--height", "175cm", "--weight", "70kg", "--format", "json", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    # 120 mg/m² × √(175 × 70 / 3600) m² = 221.36 mg
    assert round(doc["drugs"][0]["daily_mg"], 2) == 221.36


def test_python_m_osdose(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "osdose", "regimens", "list", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert "DDP+IFO" in {x["name"] for x in json.loads(r.stdout)}


def test_usage_error_is_one_line_exit_2() -> None:
    r = osdose("dose", "DIA", "--height", "175cm", "--weight", "70kg", "--frobnicate")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("osdose: error: No such option: --frobnicate")
    assert r.stderr.count("\n") == 1


def test_error_has_no_traceback_and_writes_nothing_to_stdout() -> None:
    r = osdose("dose", "DIA", "--height", "175cm", "--weight", "70cm")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == "osdose: error: --weight must be a mass, got 70 cm\n"


def pint_imported_by(*args: str) -> bool:
    """Run ``osdose ARGS`` in a fresh interpreter and say whether it imported pint."""
    code = (
        "import sys\n"
        "from osdose.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
        "print('pint' in sys.modules, file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return r.stderr.strip().splitlines()[-1] == "True"


def test_help_does_not_import_pint() -> None:
    assert not pint_imported_by("--help")


def test_no_command_imports_pint() -> None:
    # osdose reads units with its own vocabulary; pint is only the tests' oracle
    assert not pint_imported_by("dose", "DIA", "-H", "175cm", "-W", "70kg", "-f", "json")
    assert not pint_imported_by("dose", "DIA", "-H", "5 ft 9 in", "-W", "154 pounds", "-f", "json")


@pytest.mark.skipif(os.environ.get("OSDOSE_SKIP_WHEEL") == "1", reason="asked to skip")
def test_wheel_carries_regimens_and_drug_table(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("osdose-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for f in (
        "osdose/regimens/DIA.yaml",
        "osdose/regimens/DDP+EPI.yaml",
        "osdose/regimens/DDP+IFO.yaml",
        "osdose/regimens/anlotinib.yaml",
        "osdose/data/drugs.yaml",
        "osdose/data/prebuilt.json",
        "osdose/data/dataclasses.marshal",
    ):
        assert f in names
    # install the wheel's files alone and run them from an unrelated folder
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target)}
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import osdose, sys; print(osdose.__file__);"
            "from osdose.cli import main; main(['dose', 'DDP+EPI', '--bsa', '1.9', '-f', 'json'])",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    first, _, rest = r.stdout.partition("\n")
    assert first.startswith(str(target)), first  # the wheel's copy, not the checkout
    assert json.loads(rest)["drugs"][0]["daily_mg"] == pytest.approx(266.0)  # 140 × 1.9
