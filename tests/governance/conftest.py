"""Shared by the life-cycle tests: the CLI, a small regimen written to a temporary folder,
and a throwaway git repository for ``lint --base``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from osdose.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "governance"
APPROVED = "approved: {by: Pharmacy and Therapeutics Committee, date: 2026-01-15}\n"

# cisplatin {cis} on day 1 and epirubicin 50 mg/m² on day 1, every 21 days; cisplatin above
# its usual 100 mg/m² per 21 days is acknowledged (an unused acknowledgement only warns)
REGIMEN = """\
name: {name}
{life}cycle_length_days: 21
drugs:
  - drug: cisplatin
    dose: {cis}
    days: [1]
    acknowledge: [{{rule: dose-implausible, reason: intended as in the protocol}}]
  - drug: epirubicin
    dose: 50 mg/m2
    days: [1]
references: [test]
"""


def run(*args: str | Path) -> Result:
    """``osdose ARGS`` in-process."""
    return CliRunner().invoke(app, [str(a) for a in args])


def regimen_text(name: str = "T", life: str = "", cis: str = "140 mg/m2") -> str:
    return REGIMEN.format(name=name, life=life, cis=cis)


def write_regimen(folder: Path, file: str = "T.yaml", **kwargs: str) -> Path:
    path = folder / file
    path.write_text(regimen_text(**kwargs), "utf-8")
    return path


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q")
    return path


def commit(repo: Path, name: str, text: str) -> Path:
    """``text`` committed as ``name`` in ``repo``."""
    path = repo / name
    path.write_text(text, "utf-8")
    git(repo, "add", name)
    git(repo, "commit", "-qm", f"{name}")
    return path
