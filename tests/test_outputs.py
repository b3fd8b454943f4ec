"""Every file osdose writes (issue 10 §6): written whole (osdose.atomic), never through a
symbolic link, never over one of the run's inputs (a path given or a file read), an
existing file replaced only with --force, patient data created 0600.

Each writer is one row of WRITERS: the command line for an output path, the suffix the
output must have, and the input it reads that an output must never replace.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from osdose.cli import app

ROOT = Path(__file__).resolve().parent.parent
HOSPITAL = ROOT / "tests" / "fhir" / "data" / "bundle-hospital-export-three-drugs.json"


def _osdose(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


@dataclass(frozen=True)
class Writer:
    argv: Callable[[Path], list[str | Path]]  # the command line writing to the given path
    suffix: str  # what the output file ends in
    read: str  # a file the command reads (relative to the examples folder)
    mode: int = 0o600  # a new file's mode: patient data is its owner's only
    needs: str | None = None  # an optional module the command needs to write


def _ledger_export(out: Path) -> list[str | Path]:
    return ["ledger", "export", "-p", "P-0042", "--ledger", "ledger.sqlite3", "-o", out]


WRITERS = {
    "verify --worksheet": Writer(
        lambda out: ["verify", "orders/ddp-epi-cycle3.yaml", "--worksheet", out],
        ".html",
        "orders/ddp-epi-cycle3.yaml",
    ),
    # the history file the order names is read by the run, not given on its command line
    "verify --worksheet (history)": Writer(
        lambda out: ["verify", "orders/ddp-epi-cycle3.yaml", "--worksheet", out],
        ".html",
        "course-ddp-epi-two-cycles.yaml",
    ),
    # and so is the regimen file the order names
    "verify --worksheet (regimen)": Writer(
        lambda out: ["verify", "orders/by-file.yaml", "--worksheet", out],
        ".html",
        "ddp-epi.yaml",
    ),
    "snapshot --write": Writer(
        lambda out: ["snapshot", "regimens", "--write", out],
        ".yaml",
        "regimens/etoposide-infant-rules.yaml",  # read from the folder given
        mode=0o644,  # a golden file for version control, reference patients only
    ),
    "cumulative --plot": Writer(
        lambda out: ["cumulative", "course-p0042.yaml", "--plot", out],
        ".png",
        "course-p0042.yaml",
        needs="matplotlib",
    ),
    "fhir export -o": Writer(
        lambda out: ["fhir", "export", "course-ddp-epi-two-cycles.yaml", "-o", out],
        ".json",
        "course-ddp-epi-two-cycles.yaml",
    ),
    "fhir import --to-course": Writer(
        lambda out: ["fhir", "import", "bundle.json", "--to-course", out],
        ".yaml",
        "bundle.json",
    ),
    "fhir regimen --import -o": Writer(
        lambda out: ["fhir", "regimen", "--import", "plan.json", "-o", out],
        ".yaml",
        "plan.json",
    ),
    "fhir regimen -o": Writer(
        lambda out: ["fhir", "regimen", "regimens/etoposide-infant-rules.yaml", "-o", out],
        ".json",
        "regimens/etoposide-infant-rules.yaml",
    ),
    "ledger export -o": Writer(_ledger_export, ".yaml", "ledger.sqlite3"),
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped examples, a FHIR bundle, a PlanDefinition, an order naming its regimen
    file, and a ledger with P-0042."""
    from osdose.verify.order import clear_caches

    # Regimens and courses are cached by path within a process; the CLI runs one command
    # per process, so each test starts, as a command does, having read nothing.
    clear_caches()
    here = tmp_path / "ex"
    shutil.copytree(ROOT / "examples", here)
    shutil.copy(HOSPITAL, here / "bundle.json")
    shutil.copy(ROOT / "regimens" / "DDP+EPI.yaml", here / "ddp-epi.yaml")
    first = (here / "orders" / "ddp-epi-first-course.yaml").read_text("utf-8")
    by_file = first.replace("regimen: DDP+EPI", "regimen: ../ddp-epi.yaml")
    assert by_file != first
    (here / "orders" / "by-file.yaml").write_text(by_file, "utf-8")
    monkeypatch.chdir(here)
    assert _osdose("fhir", "regimen", "DDP+EPI", "-o", "plan.json").exit_code == 0
    r = _osdose("ledger", "import", "course-p0042.yaml", "--ledger", "ledger.sqlite3", "--by", "x")
    assert r.exit_code == 0, r.stderr
    return here


def _files(folder: Path) -> dict[str, tuple[bytes, int]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(folder))] = (p.read_bytes(), p.stat().st_mode & 0o777)
    return out


def _refused(r: Result, out: Path, why: str) -> None:
    assert r.exit_code == 2, (r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"osdose: error: {out}"), r.stderr
    assert why in lines[0]


@pytest.mark.parametrize("w", WRITERS.values(), ids=WRITERS.keys())
def test_a_new_file_is_written_whole_with_its_mode(folder: Path, w: Writer) -> None:
    if w.needs:
        pytest.importorskip(w.needs)
    out = folder / f"out{w.suffix}"
    r = _osdose(*w.argv(out))
    assert r.exit_code in (0, 1), r.stderr  # 1: verify's WARN or a lint finding is not ours
    assert out.stat().st_mode & 0o777 == w.mode
    assert out.stat().st_size > 0
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]  # no temporary left


@pytest.mark.parametrize("w", WRITERS.values(), ids=WRITERS.keys())
def test_an_existing_file_is_replaced_only_with_force(folder: Path, w: Writer) -> None:
    out = folder / f"out{w.suffix}"
    out.write_text("keep me\n")
    before = _files(folder)
    _refused(_osdose(*w.argv(out)), out, "exists: give --force to replace it")
    assert _files(folder) == before
    if w.needs:
        pytest.importorskip(w.needs)
    assert _osdose(*w.argv(out), "--force").exit_code in (0, 1)
    assert out.read_bytes() != b"keep me\n"
    assert out.stat().st_mode & 0o777 == w.mode  # a new file, not the old one's 0644


@pytest.mark.parametrize("w", WRITERS.values(), ids=WRITERS.keys())
@pytest.mark.parametrize("dangling", [False, True], ids=["link", "dangling link"])
def test_never_through_a_symbolic_link(folder: Path, w: Writer, dangling: bool) -> None:
    target = folder / "precious.txt"
    if not dangling:
        target.write_text("precious\n")
    out = folder / f"out{w.suffix}"
    out.symlink_to(target)
    before = _files(folder)
    for force in ([], ["--force"]):
        _refused(_osdose(*w.argv(out), *force), out, "is a symbolic link")
    assert _files(folder) == before
    assert out.is_symlink() and target.exists() is not dangling


@pytest.mark.parametrize("w", WRITERS.values(), ids=WRITERS.keys())
@pytest.mark.parametrize("how", ["same path", "hard link"])
def test_never_over_an_input_of_the_run(folder: Path, w: Writer, how: str) -> None:
    read = folder / w.read
    out = read
    if how == "hard link" or read.suffix != w.suffix:
        # the input under the output's name: the same file all the same
        out = folder / f"out{w.suffix}"
        os.link(read, out)
    before = _files(folder)
    r = _osdose(*w.argv(out), "--force")
    _refused(r, out, "is one of this command's inputs: write the output elsewhere")
    assert _files(folder) == before


def test_a_worksheet_must_be_html(folder: Path) -> None:
    """A slip of the option (the name of a regimen or course file) is refused by its name,
    even with --force: a worksheet is never written over YAML."""
    regimen = folder / "regimens" / "etoposide-no-infant-rule.yaml"
    before = regimen.read_bytes()
    r = _osdose("verify", "orders/ddp-epi-cycle3.yaml", "--worksheet", regimen, "--force")
    assert (r.exit_code, r.stderr) == (
        2,
        f"osdose: error: --worksheet {regimen}: the file must end in .html\n",
    )
    assert regimen.read_bytes() == before


def test_examples_never_write_through_a_link(tmp_path: Path) -> None:
    assert _osdose("examples", "--to", tmp_path).exit_code == 0
    victim = tmp_path / "victim.yaml"
    victim.write_text("mine\n")
    link = tmp_path / "examples" / "course-p0042.yaml"
    link.unlink()
    link.symlink_to(victim)
    r = _osdose("examples", "--to", tmp_path, "--force")
    assert r.exit_code == 2
    assert r.stderr == (
        f"osdose: error: {link}: is a symbolic link: osdose never writes through one; give "
        "the path of a regular file\n"
    )
    assert victim.read_text() == "mine\n"
