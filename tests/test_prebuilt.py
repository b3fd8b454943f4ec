"""osdose/data/prebuilt.json: the shipped drug table and thresholds as this code builds them,
used at start-up only when built from exactly the shipped files by exactly this code, and
never for another file or with other thresholds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from osdose import drugs, prebuilt, thresholds
from osdose.basis import Basis
from osdose.errors import FileError
from osdose.thresholds import Limit

ROOT = Path(__file__).resolve().parents[1]
HELD = json.loads(prebuilt.FILE.read_text("utf-8"))


def _printed(script: str) -> str:
    """What ``script`` prints, in a fresh interpreter (a start-up of its own)."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout


def _python(script: str) -> list[str]:
    """What ``script`` prints in a fresh interpreter, word by word."""
    return _printed(script).split()


def _fresh_build() -> Any:
    """What ``python -m osdose.prebuilt`` would write now, built in a fresh interpreter."""
    script = "import json; from osdose import prebuilt; print(json.dumps(prebuilt.build()))"
    return json.loads(_printed(script))


def test_the_file_is_what_this_code_builds_from_the_shipped_files() -> None:
    """Fails when the shipped files or the code that reads them changed and the file was
    not rebuilt (osdose then reads the shipped files, slower but right): run
    ``python -m osdose.prebuilt``."""
    assert _fresh_build() == HELD


def test_read_back_it_equals_a_build_of_the_shipped_files(monkeypatch: pytest.MonkeyPatch) -> None:
    held_thresholds = prebuilt.decode(HELD["thresholds"])
    held_drugs = prebuilt.decode(HELD["drugs"])
    monkeypatch.setattr(prebuilt, "_building", True)  # read the shipped files themselves
    thresholds._load.cache_clear()
    drugs._load_cached.cache_clear()
    try:
        built_thresholds = thresholds._load("")
        built_drugs = drugs._load_cached(drugs.default_path(), built_thresholds)
    finally:
        thresholds._load.cache_clear()
        drugs._load_cached.cache_clear()
    assert held_thresholds == built_thresholds
    assert held_drugs == built_drugs
    assert held_drugs.resolve("adriamycin").name == "doxorubicin"  # the index came back too


def test_a_start_up_takes_them_from_the_file() -> None:
    script = (
        "import sys; from osdose import drugs, prebuilt, thresholds; "
        "t = thresholds.current(); d = drugs.load_drugs(); "
        "print(t is prebuilt.shipped_thresholds(), d is prebuilt.shipped_drugs(), "
        "any(m.startswith('osdose.formats') for m in sys.modules))"
    )
    assert _python(script) == ["True", "True", "False"]


def test_other_thresholds_build_the_shipped_drug_table_again(tmp_path: Path) -> None:
    """The drug table's checks read the thresholds in use: with another thresholds file the
    shipped drug table is read and checked against it, not taken from the file."""
    shipped = (ROOT / "osdose" / "data" / "thresholds.yaml").read_text("utf-8")
    mine = tmp_path / "thresholds.yaml"
    mine.write_text(shipped, "utf-8")
    script = (
        "import sys; from osdose import drugs, prebuilt, thresholds; "
        f"thresholds.use({str(mine)!r}); d = drugs.load_drugs(); "
        "print(d is prebuilt.shipped_drugs(), prebuilt.shipped_drugs() is None, "
        "'osdose.formats.drugs' in sys.modules)"
    )
    assert _python(script) == ["False", "True", "True"]


def test_a_drug_table_given_by_path_is_read_and_checked(tmp_path: Path) -> None:
    """A copy of the shipped table with one error is refused: a file given by path is never
    the prebuilt one, even when its text is the shipped text but for the error."""
    text = (ROOT / "osdose" / "data" / "drugs.yaml").read_text("utf-8")
    broken = tmp_path / "drugs.yaml"
    broken.write_text(text.replace("default_equivalence:", "default_equivalence: nope\nx:", 1))
    with pytest.raises(FileError):
        drugs.load_drugs(broken)
    good = tmp_path / "same.yaml"
    good.write_text(text, "utf-8")
    assert drugs.load_drugs(good) is not drugs.load_drugs()
    assert drugs.load_drugs(good).drugs == drugs.load_drugs().drugs


def test_make_prebuilt_builds_even_while_the_file_is_current(tmp_path: Path) -> None:
    # `python -m` runs the module as __main__, a second copy of it: its "building" flag was
    # not the one the readers ask, so a current file was read back instead of built, and
    # the file written named only the sources that reading it needs (10 of 17)
    assert prebuilt.key(HELD["files"]) == HELD["key"]  # current: the case that went wrong
    out = tmp_path / "prebuilt.json"
    subprocess.run(
        [sys.executable, "-m", "osdose.prebuilt", str(out)], check=True, cwd=ROOT,
        capture_output=True,
    )  # fmt: skip
    assert json.loads(out.read_text("utf-8")) == HELD


def test_any_change_to_a_source_in_the_key_or_the_data_changes_the_key(tmp_path: Path) -> None:
    files = HELD["files"]
    assert "drugs.py" in files and "formats/drugs.py" in files and "reader.py" in files
    assert prebuilt.key(files) == HELD["key"]
    assert prebuilt.key([*files, "cli.py"]) != HELD["key"]
    assert prebuilt.key([f for f in files if f != "units.py"]) != HELD["key"]


def test_a_stale_or_foreign_file_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = dict(HELD, key="0" * 64)
    path = tmp_path / "prebuilt.json"
    path.write_text(json.dumps(stale), "utf-8")
    monkeypatch.setattr(prebuilt, "FILE", path)
    prebuilt._read.cache_clear()
    try:
        assert prebuilt.shipped_thresholds() is None
        path.write_text("not json", "utf-8")
        prebuilt._read.cache_clear()
        assert prebuilt.shipped_thresholds() is None
    finally:
        prebuilt._read.cache_clear()


def test_encode_and_decode_keep_every_kind_of_value() -> None:
    limit = Limit(1.0, 2.5, "kg", "a source", True)
    basis = Basis(120.0, "mg", "m2", "120 mg/m2")
    value = {"a": (limit, frozenset({"x", "y"}), None), "b": [basis][0], "c": (1, 0.1, "t")}
    assert prebuilt.decode(json.loads(json.dumps(prebuilt.encode(value)))) == value


@pytest.mark.parametrize(
    "data",
    [
        {"@": "os:system", "f": {}},
        {"@": "osdose.cli:app", "f": {}},
        {"@": "osdose.drugs:load_drugs", "f": {}},
        [1, 2],
    ],
)
def test_decode_builds_only_table_classes(data: Any) -> None:
    with pytest.raises(TypeError):
        prebuilt.decode(data)


def test_encode_refuses_what_it_cannot_read_back() -> None:
    with pytest.raises(TypeError):
        prebuilt.encode({1: "a"})
    with pytest.raises(TypeError):
        prebuilt.encode(object())


def test_the_drug_table_is_built_again_for_other_thresholds(tmp_path: Path) -> None:
    """The table's checks read the thresholds in use (an IU dose's floor against the largest
    plausible patient): a table loaded under one thresholds file is not served under
    another (it was cached by its path alone)."""
    shipped = (ROOT / "osdose" / "data" / "thresholds.yaml").read_text("utf-8")
    assert "max: 3.5 m2" in shipped
    mine = tmp_path / "thresholds-bsa-up-to-3.yaml"
    mine.write_text(shipped.replace("max: 3.5 m2", "max: 3.0 m2", 1), "utf-8")
    first = drugs.load_drugs()
    try:
        thresholds.use(mine)
        other = drugs.load_drugs()
        assert thresholds.current().bsa.high == 3.0
        assert other is not first and other == first  # built again; the same table here
        assert drugs.load_drugs() is other  # and kept, for these thresholds
    finally:
        thresholds.use(None)
    assert drugs.load_drugs() is first
