"""osdose.atomic.write_atomic, and `ledger export --output` that uses it (issue 10 §6):
whole or absent, never through a link, never over an input, replaced only with --force,
created 0600."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from osdose.atomic import write_atomic
from osdose.errors import FileError

from .conftest import DATA, run


def _folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir())


def test_a_new_file_is_written_whole_and_0600(tmp_path: Path) -> None:
    out = write_atomic(tmp_path / "out.yaml", "a: 1\n", force=False)
    assert out.read_text() == "a: 1\n"
    assert out.stat().st_mode & 0o777 == 0o600
    assert _folder(tmp_path) == ["out.yaml"]  # no temporary file left


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    out.write_text("old\n")
    out.chmod(0o644)
    with pytest.raises(FileError, match=r"out.yaml: exists: give --force to replace it$"):
        write_atomic(out, "new\n", force=False)
    assert (out.read_text(), out.stat().st_mode & 0o777) == ("old\n", 0o644)
    write_atomic(out, "new\n", force=True)
    # replaced by a new file: the new text, and 0600 (not the 0644 of the file it replaced)
    assert (out.read_text(), out.stat().st_mode & 0o777) == ("new\n", 0o600)
    assert _folder(tmp_path) == ["out.yaml"]


@pytest.mark.parametrize("dangling", [False, True])
def test_never_through_a_symbolic_link(tmp_path: Path, dangling: bool) -> None:
    target = tmp_path / "regimen.yaml"
    if not dangling:
        target.write_text("precious\n")
    link = tmp_path / "out.yaml"
    link.symlink_to(target)
    for force in (False, True):
        with pytest.raises(FileError, match="is a symbolic link: osdose never writes through one"):
            write_atomic(link, "x\n", force=force)
    assert link.is_symlink()
    assert target.exists() is not dangling
    if not dangling:
        assert target.read_text() == "precious\n"


def test_never_over_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order = tmp_path / "order.yaml"
    order.write_text("the order\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    for spelling in (order, Path("../order.yaml"), tmp_path / "sub" / ".." / "order.yaml"):
        with pytest.raises(FileError, match="is one of this command's inputs"):
            write_atomic(spelling, "x\n", force=True, inputs=[order])
    hard = tmp_path / "hard.yaml"
    os.link(order, hard)  # the same file under another name
    with pytest.raises(FileError, match="is one of this command's inputs"):
        write_atomic(hard, "x\n", force=True, inputs=[order])
    assert order.read_text() == "the order\n"


def test_a_folder_a_device_or_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="exists and is not a regular file"):
        write_atomic(tmp_path, "x", force=True)
    with pytest.raises(FileError, match="exists and is not a regular file"):
        write_atomic("/dev/null", "x", force=True)
    with pytest.raises(FileError, match=r"the folder .* does not exist"):
        write_atomic(tmp_path / "no" / "out.yaml", "x", force=False)
    assert _folder(tmp_path) == []


def test_export_output_through_the_cli(ledger: str, tmp_path: Path) -> None:
    assert (
        run(ledger, "import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x").exit_code == 0
    )
    out = tmp_path / "export.yaml"
    out.write_text("keep me\n")
    r = run(ledger, "export", "-p", "P-0009", "--output", str(out))
    assert (r.exit_code, r.stderr) == (
        2,
        f"osdose: error: {out}: exists: give --force to replace it\n",
    )
    assert out.read_text() == "keep me\n"
    r = run(ledger, "export", "-p", "P-0009", "--output", str(out), "--force")
    assert r.exit_code == 0, r.stderr
    assert out.read_text().startswith("# Course of P-0009 exported from the osdose ledger")
    assert out.stat().st_mode & 0o777 == 0o600
    link = tmp_path / "link.yaml"
    link.symlink_to(out)
    r = run(ledger, "export", "-p", "P-0009", "--output", str(link), "--force")
    assert r.exit_code == 2 and "is a symbolic link" in r.stderr


def test_export_never_overwrites_the_ledger(sqlite_ledger: Path) -> None:
    assert (
        run(
            sqlite_ledger, "import", str(DATA / "course_one_epirubicin.yaml"), "--by", "x"
        ).exit_code
        == 0
    )
    before = sqlite_ledger.read_bytes()
    r = run(sqlite_ledger, "export", "-p", "P-0009", "--output", str(sqlite_ledger), "--force")
    assert (r.exit_code, r.stderr) == (
        2,
        f"osdose: error: {sqlite_ledger}: is one of this command's inputs: write the output "
        "elsewhere\n",
    )
    assert sqlite_ledger.read_bytes() == before


def test_never_over_a_file_the_command_read(tmp_path: Path) -> None:
    from osdose.atomic import forget_reads
    from osdose.reader import read_text

    regimen = tmp_path / "regimen.yaml"
    regimen.write_text("name: X\n")
    forget_reads()
    read_text(regimen)  # read by this command: an input, though no option named it
    with pytest.raises(FileError, match="is one of this command's inputs"):
        write_atomic(regimen, "x\n", force=True)
    assert regimen.read_text() == "name: X\n"
    forget_reads()  # the next command has read nothing yet
    write_atomic(regimen, "x\n", force=True)
    assert regimen.read_text() == "x\n"


def test_bytes_are_written_as_they_are(tmp_path: Path) -> None:
    out = write_atomic(tmp_path / "chart.png", b"\x89PNG\r\n\x00", force=False)
    assert out.read_bytes() == b"\x89PNG\r\n\x00"


def test_whole_output_writes_all_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output written in pieces (ledger export, list --format json) reaches the
    stream only once every piece is made; past the spool's memory it is held on disk."""
    from osdose import atomic

    monkeypatch.setattr(atomic, "SPOOL_BYTES", 100)  # spill to the temporary file early
    written: list[str] = []
    with atomic.whole_output(written.append) as out:
        for i in range(1000):
            out(f"line {i} é\n")
            assert written == []  # nothing reaches the stream while pieces are made
    assert "".join(written) == "".join(f"line {i} é\n" for i in range(1000))
    written.clear()
    with pytest.raises(ValueError, match="refused"), atomic.whole_output(written.append) as out:
        out("# a course header\n")
        raise ValueError("record 2 refused")
    assert written == []
