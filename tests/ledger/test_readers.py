"""Commands outside `ledger` that read one (verify, cumulative, plan, fhir export) never
create a ledger nor write into a file that is not one (issue 10 §6): a missing ledger, an
empty file, a dangling link or a link to another file is one line and exit 2, and the
folder is as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from osdose.cli import app

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "examples" / "orders" / "ddp-epi-cycle3.yaml"

READERS = {
    "verify": ["verify", str(ORDER), "--patient", "P-0042"],
    "cumulative": ["cumulative", "--patient", "P-0042"],
    "plan": ["plan", "--patient", "P-0042", "-r", "DDP+EPI", "-n", "1", "--bsa", "1.8"],
    "fhir export": ["fhir", "export", "--patient", "P-0042"],
}


def _make(kind: str, folder: Path) -> Path:
    path = folder / "ledger.sqlite3"
    if kind == "empty file":
        path.touch()
    elif kind == "dangling link":
        path.symlink_to(folder / "gone" / "ledger.sqlite3")
    elif kind == "link to another file":
        (folder / "notes.txt").write_text("not a ledger\n")
        path.symlink_to(folder / "notes.txt")
    return path


def _state(folder: Path) -> list[tuple[str, bytes | str]]:
    return [
        (p.name, str(p.readlink()) if p.is_symlink() else p.read_bytes())
        for p in sorted(folder.iterdir())
    ]


@pytest.mark.parametrize("command", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("missing", "no ledger at "),
        ("empty file", "is empty (0 bytes)"),
        ("dangling link", "is a symbolic link to "),
        ("link to another file", "is not an osdose ledger"),
    ],
)
def test_a_reader_never_creates_or_writes_a_ledger(
    tmp_path: Path, command: list[str], kind: str, says: str
) -> None:
    ledger = _make(kind, tmp_path)
    before = _state(tmp_path)
    r = CliRunner().invoke(app, [*command, "--ledger", str(ledger)])
    assert r.exit_code == 2, r.stdout
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("osdose: error: "), r.stderr
    assert says in lines[0]
    assert _state(tmp_path) == before
