"""Issue 10 §4: bounded work for any input.

Every file osdose reads goes through one reader (:func:`osdose.reader.read_bytes`): a
device, FIFO, folder or anything but a regular file (after following symlinks) is refused
before it is read, and a file larger than the thresholds file's ``input.max_file_bytes``
(1 GiB shipped) is refused after reading at most one byte more. Day ranges, days lists,
vial sizes, batch lines, JSON numbers and nesting have stated limits; one bad batch line
fails that order only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from osdose.reader import input_limit, json_value
from osdose.thresholds import DEFAULT_MAX_FILE_BYTES

from .text_cli import DATA, ROOT, SHIPPED_THRESHOLDS, refused, regimen_text, run

ZERO = "/dev/zero"
COURSE = str(DATA / "course-patient-id-0042-quoted.yaml")
BODY = ("--height", "170 cm", "--weight", "70 kg")


def _fifo(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    os.mkfifo(path)
    return str(path)


def _link_to_zero(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.symlink_to(ZERO)
    return str(path)


def _thresholds(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """The shipped thresholds file with ``old`` written as ``new``, as ``name``."""
    text = SHIPPED_THRESHOLDS.read_text("utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), "utf-8")
    return path


NOT_REGULAR = "is not a regular file (a device, pipe or socket)"


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("dose", "{f}", *BODY), "a regimen file"),
        (("cumulative", "{f}"), "a course file"),
        (("verify", "{f}"), "an order file"),
        (("--drugs", "{f}", "cumulative", COURSE), "a drug table"),
        (("--thresholds", "{f}", "cumulative", COURSE), "a thresholds file"),
        (("verify", "--batch", "{f}"), "a JSONL batch file"),
        (("lint", "{f}"), "a regimen file"),
        (("ledger", "import", "{f}", "--ledger", "{tmp}/l.sqlite3"), "a course file"),
    ],
)
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "symlink-to-dev-zero"])
def test_a_device_fifo_or_link_to_one_is_refused_for_every_kind_of_file(
    tmp_path: Path, args: tuple[str, ...], what: str, kind: str
) -> None:
    target = {
        "dev-zero": lambda: ZERO,
        "fifo": lambda: _fifo(tmp_path, "fifo.yaml"),
        "symlink-to-dev-zero": lambda: _link_to_zero(tmp_path, "zero.yaml"),
    }[kind]()
    argv = [a.replace("{f}", target).replace("{tmp}", str(tmp_path)) for a in args]
    if argv[0] == "lint":
        code, out, _ = run(*argv)
        assert code == 1 and NOT_REGULAR in out
        return
    err = refused(*argv)
    assert f"{NOT_REGULAR}: not {what}" in err


def test_a_json_order_that_is_a_link_to_dev_zero_is_refused_not_read_forever(
    tmp_path: Path,
) -> None:
    # a .json order is first looked at as a FHIR Bundle: that look is bounded too
    err = refused("verify", _link_to_zero(tmp_path, "order.json"))
    assert NOT_REGULAR in err


def test_fhir_import_of_dev_zero_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("fhir.resources")
    err = refused("fhir", "import", _link_to_zero(tmp_path, "b.json"), "--to-course", "c.yaml")
    assert f"{NOT_REGULAR}: not a FHIR JSON file" in err


def test_a_folder_is_refused(tmp_path: Path) -> None:
    err = refused("cumulative", str(tmp_path))
    assert "is a folder, not a file" in err


def test_the_size_bound_is_stated_and_configurable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert input_limit() == DEFAULT_MAX_FILE_BYTES == 1 << 30
    small = _thresholds(
        tmp_path, "thresholds-1-mib.yaml", "max_file_bytes: 1073741824", "max_file_bytes: 1048576"
    )
    course = tmp_path / "course-2-mib.yaml"
    line = "  - {date: 2021-04-01, drug: epirubicin, dose: 1 mg, bsa: 1.84 m2}  # " + "x" * 60
    course.write_text("patient: {id: P-1}\nadministrations:\n" + (line + "\n") * 20_000)
    assert course.stat().st_size > 2 << 20
    err = refused("--thresholds", str(small), "cumulative", str(course))
    assert "is larger than 1 MiB, the largest file osdose reads, so not a course file" in err
    assert "input.max_file_bytes" in err
    batch = tmp_path / "batch-2-mib.jsonl"
    batch.write_text(("{}" + " " * 1000 + "\n") * 2100)
    monkeypatch.setenv("OSDOSE_THRESHOLDS", str(small))
    err = refused("verify", "--batch", str(batch))
    assert "is larger than 1 MiB" in err


def test_the_size_bound_has_a_stated_range(tmp_path: Path) -> None:
    bad = _thresholds(
        tmp_path, "thresholds-12-bytes.yaml", "max_file_bytes: 1073741824", "max_file_bytes: 12"
    )
    err = refused("--thresholds", str(bad), "cumulative", COURSE)
    assert "max_file_bytes must be from 1,048,576 to 1,099,511,627,776, got 12" in err


@pytest.mark.parametrize(
    ("name", "old", "new", "why"),
    [
        # a range is checked before it is expanded
        ("days-1-200000000", "days: 1-3", 'days: "1-200000000"', "day 200000000 is outside 1–365"),
        ("days-1-365-twice", "days: 1-3", 'days: "1-365, 1-365"', "days lists more than 365 days"),
        (
            "cycles-1e11",
            "cycles: 11",
            "cycles: 100000000000",
            "cycles must be from 1 to 100, got 100,000,000,000",
        ),
    ],
)
def test_a_regimen_count_beyond_its_bound_is_refused(
    tmp_path: Path, name: str, old: str, new: str, why: str
) -> None:
    regimen = tmp_path / f"regimen-{name}.yaml"
    regimen.write_text(regimen_text(**{old: new}))
    err = refused("dose", str(regimen), *BODY)
    assert why in err


def test_a_drug_with_more_than_20_vial_sizes_is_refused(tmp_path: Path) -> None:
    table = (SHIPPED_THRESHOLDS.parent / "drugs.yaml").read_text()
    old = "rounding: {method: vials, vials: [10 mg, 50 mg],"
    assert old in table
    sizes = ", ".join(f"{n} mg" for n in range(1, 22))
    drugs = tmp_path / "drugs-21-vial-sizes.yaml"
    drugs.write_text(table.replace(old, f"rounding: {{method: vials, vials: [{sizes}],"))
    err = refused("--drugs", str(drugs), "cumulative", COURSE)
    assert "vials" in err and "at most 20" in err


def test_one_bad_batch_line_fails_that_order_only() -> None:
    # line 2: 2,000-deep nesting; line 3: a 5,000-digit number; line 4: a repeated key
    code, out, err = run(
        "verify", "--batch", str(DATA / "batch-good-deep-huge-duplicate-good.jsonl")
    )
    assert code == 1
    assert "Traceback" not in out + err
    assert ":2: not a JSON object osdose reads: nesting deeper than 64 levels" in err
    assert ":3: not a JSON object osdose reads: a whole number of 5,000 digits (at most 30)" in err
    assert "5 orders: pass 0, not checked 0, warn 2, fail 3" in out + err
    assert "P-0051" in out and "P-0052" in out


def test_a_batch_line_longer_than_a_mebibyte_fails_that_order_only(tmp_path: Path) -> None:
    good = (DATA / "batch-good-deep-huge-duplicate-good.jsonl").read_text().splitlines()[0]
    batch = tmp_path / "batch-long-line.jsonl"
    batch.write_text(good + "\n" + '{"notes": "' + "x" * (1 << 20) + '"}\n' + good + "\n")
    code, out, err = run("verify", "--batch", str(batch))
    assert code == 1
    assert ":2: the line is longer than 1,048,576 characters: no order" in err
    assert "3 orders: pass 0, not checked 0, warn 2, fail 1" in out + err


def test_json_nesting_and_numbers_have_stated_limits() -> None:
    assert json_value("[" * 64 + "]" * 64) is not None
    with pytest.raises(ValueError, match="nesting deeper than 64 levels"):
        json_value("[" * 65 + "]" * 65)
    with pytest.raises(ValueError, match="nesting deeper than 64 levels"):
        json_value("[" * 100_000 + "]" * 100_000)
    assert json_value("1" * 30) == int("1" * 30)
    with pytest.raises(ValueError, match="a whole number of 31 digits"):
        json_value("1" * 31)


def test_an_order_whose_history_is_a_device_is_refused(tmp_path: Path) -> None:
    order = Path(__file__).parents[2] / "examples" / "orders" / "ddp-epi-first-course.yaml"
    written = tmp_path / "order-history-dev-zero.yaml"
    written.write_text(order.read_text().replace("history: []", f"history: {ZERO}"))
    err = refused("verify", str(written))
    assert f"{ZERO}: {NOT_REGULAR}: not a course file" in err


def test_a_device_in_a_folder_of_orders_is_refused_by_name_not_skipped(tmp_path: Path) -> None:
    order = Path(__file__).parents[2] / "examples" / "orders" / "ddp-epi-first-course.yaml"
    (tmp_path / "order.yaml").write_text(order.read_text())
    _link_to_zero(tmp_path, "zero.yaml")
    code, out, err = run("verify", str(tmp_path))
    assert code == 1
    assert f"zero.yaml: {NOT_REGULAR}: not an order file" in err
    assert "2 orders: pass 0, not checked 0, warn 1, fail 1" in out + err


def test_a_device_in_a_folder_of_regimens_is_a_lint_error_not_skipped(tmp_path: Path) -> None:
    _link_to_zero(tmp_path, "zero.yaml")
    code, out, _ = run("lint", str(tmp_path))
    assert code == 1
    assert f"zero.yaml:1:1: error: {NOT_REGULAR}: not a regimen file [yaml-syntax]" in out


FHIR_ORDER = ROOT / "examples" / "fhir" / "order-ddp-epi-cycle3.json"


def _fhir_order_with(tmp_path: Path, name: str, change: str, items: int) -> Path:
    import json

    bundle = json.loads(FHIR_ORDER.read_text("utf-8"))
    if change == "codings":
        obs = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation")
        obs["resource"]["code"]["coding"] = ["inf"] * items
    else:  # entries: copies of the first Observation, each with its own id
        obs = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation")
        for i in range(items - len(bundle["entry"])):
            copy = json.loads(json.dumps(obs))
            copy["fullUrl"] = f"urn:uuid:copy-{i}"
            copy["resource"]["id"] = f"copy-{i}"
            bundle["entry"].append(copy)
    path = tmp_path / name
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def test_a_fhir_list_longer_than_the_bound_is_refused_before_validation(tmp_path: Path) -> None:
    # A fuzzed order Bundle with 3,000,000 strings in one Observation's code.coding took 90 s
    # and 5.9 GB to refuse (the validator collected an error per item). A list longer than
    # input.max_fhir_list_items (10,000 shipped) is refused by its length, naming its place.
    assert FHIR_ORDER.exists()
    order = _fhir_order_with(tmp_path, "order-10001-codings.json", "codings", 10_001)
    err = refused("verify", str(order))
    assert (
        "code.coding has 10,001 items, more than the 10,000 osdose reads in one list of a "
        "FHIR file (input.max_fhir_list_items in the thresholds file)"
    ) in err
    # at the bound the list is read: the codings are refused one by one, as before
    order = _fhir_order_with(tmp_path, "order-10000-codings.json", "codings", 10_000)
    err = refused("verify", str(order))
    assert "has 10,000 items" not in err and "(and 9997 more)" in err


def test_a_fhir_bundle_with_more_entries_than_the_bound_is_refused(tmp_path: Path) -> None:
    small = _thresholds(
        tmp_path,
        "thresholds-fhir-lists-of-20.yaml",
        "max_fhir_list_items: 10000",
        "max_fhir_list_items: 20",
    )
    order = _fhir_order_with(tmp_path, "order-21-entries.json", "entries", 21)
    err = refused("--thresholds", str(small), "verify", str(order))
    assert "Bundle.entry has 21 items, more than the 20 osdose reads in one list" in err
    bad = _thresholds(
        tmp_path,
        "thresholds-fhir-lists-of-9.yaml",
        "max_fhir_list_items: 10000",
        "max_fhir_list_items: 9",
    )
    err = refused("--thresholds", str(bad), "verify", str(FHIR_ORDER))
    assert "max_fhir_list_items must be from 10 to 1,073,741,824, got 9" in err
