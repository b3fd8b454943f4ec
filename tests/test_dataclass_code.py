"""osdose/data/dataclasses.marshal: the dataclasses' methods compiled once. A kept code
object is exactly what compiling its text gives; the file is used only by the interpreter
it was built for; a cold start of each command compiles no method anew; and a dataclass
made with it installed behaves as one made without."""

from __future__ import annotations
import __future__

import dataclasses
import marshal
import subprocess
import sys
from pathlib import Path

import pytest

from osdose import dataclass_code

ROOT = Path(__file__).resolve().parents[1]
KEPT_TAG, KEPT = marshal.loads(dataclass_code.FILE.read_bytes())
OURS = dataclass_code.tag() == KEPT_TAG  # built for this interpreter's bytecode


def _fresh(script: str, *args: str) -> str:
    """What ``script`` prints in a fresh interpreter (a start-up of its own)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_each_kept_method_is_what_compiling_its_text_gives() -> None:
    if not OURS:  # another Python's file: this one never takes a code object from it
        assert dataclass_code.install() is False
        return
    assert len(KEPT) > 500
    for text, code in KEPT.items():
        # as dataclasses compiles it: without this module's `from __future__ import annotations`
        assert code == compile(text, "<string>", "exec", dont_inherit=True), text[:200]
        assert not code.co_flags & __future__.annotations.compiler_flag


def test_the_file_is_not_used_by_another_interpreter_or_when_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(dataclasses, "exec", raising=False)
    other = tmp_path / "other.marshal"
    other.write_bytes(marshal.dumps(("00000000 -O0", {"x": compile("x = 1", "<s>", "exec")})))
    torn = tmp_path / "torn.marshal"
    torn.write_bytes(dataclass_code.FILE.read_bytes()[:1000])
    for path in (other, torn, tmp_path / "missing.marshal"):
        assert dataclass_code.install(path) is False
        assert not hasattr(dataclasses, "exec")  # dataclasses compile as always


def test_a_dataclass_made_with_it_behaves_as_one_made_without() -> None:
    # in a fresh interpreter: made with the file installed, then without it, then compared
    script = """
import dataclasses, pickle
from osdose import dataclass_code

def make():
    @dataclasses.dataclass(frozen=True, order=True)
    class Dose:
        drug: str
        mg: float = 0.0
        days: tuple[int, ...] = dataclasses.field(default=(1,))
    return Dose

assert dataclass_code.install()
make()  # compiled anew (not in the file); kept now, as the file keeps its texts
for _, text in dataclass_code.misses:
    dataclass_code._CODES[text] = dataclass_code._compiled(text)
missed = len(dataclass_code.misses)
With = make()  # every method taken from the kept code objects
assert missed >= 5 and len(dataclass_code.misses) == missed
assert {module for module, _ in dataclass_code.misses} == {"__main__"}
dataclass_code.uninstall()
Without = make()
for D in (With, Without):
    a, b = D("EPI", 60.0), D("EPI", 60.0, (1, 2))
    print(repr(a), a == D("EPI", 60.0), a < b, hash(a) == hash(D("EPI", 60.0)))
    try:
        a.mg = 1.0
    except dataclasses.FrozenInstanceError as exc:
        print("frozen:", exc)
    print(dataclasses.replace(a, mg=2.0), [f.name for f in dataclasses.fields(D)])
print(dataclass_code.misses == [], With.__init__.__code__ == Without.__init__.__code__)
print(With.__init__.__annotations__ == Without.__init__.__annotations__)
"""
    out = _fresh(script).splitlines()
    half = (len(out) - 2) // 2
    assert out[:half] == out[half:-2]
    assert out[0] == "make.<locals>.Dose(drug='EPI', mg=60.0, days=(1,)) True True True"
    assert out[-2:] == ["True True", "True"]  # (uninstall cleared the misses) the same code


@pytest.mark.parametrize("argv", dataclass_code.COMMANDS, ids=" ".join)
def test_a_cold_start_compiles_no_method_of_osdose_anew(argv: tuple[str, ...]) -> None:
    """Every method text of osdose's own dataclasses that a command compiles is in the file:
    after a change to any of them, run ``make prebuilt``. (A library's dataclasses are
    reported, not held: a release of rich that changes its own would fail a clean checkout's
    CI otherwise; it only makes the start slower until the file is built again.)"""
    script = """
import contextlib, io, sys
from osdose.cli import main
from osdose import dataclass_code
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
for module, text in dataclass_code.misses:
    print(module, text.split(chr(10))[1].strip())
"""
    if not OURS:  # another Python's file is never used: every text is compiled, as always
        return
    missed = _fresh(script, *argv).splitlines()
    ours = [m for m in missed if m.split(" ", 1)[0].split(".")[0] == "osdose"]
    assert not ours, f"{ours[:5]}: run 'make prebuilt'"
