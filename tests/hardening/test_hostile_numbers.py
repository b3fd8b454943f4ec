"""Issue 10 §1 and §8, as properties: NaN, ±inf, -0, 1e308, 5,000-digit integers and dates
at the ends of the calendar, fed to every reader osdose has — options on the command line,
fields of course, order, regimen and drug-table files, the ledger's record and import —
are refused with exit status 2 and one line; any other number never ends in a traceback.

Each reader is one command with one hole for the value; a hostile value is one that no
field may hold. (The fuzz suite of §9 runs the readers over whole documents; these
properties hold every reader to the exact inputs of the issue.)"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .conftest import Run, refused, run_main, shipped_drug_table

# 25 s of properties over 35 readers: make test and CI run them; a bare pytest leaves them out
# (test_numbers.py holds each reader to the exact inputs in the default set).
pytestmark = pytest.mark.slow

FIVE_THOUSAND_DIGITS = "9" * 5000

# Numbers no field of osdose may hold, as people (and YAML 1.1) write them.
NON_FINITE = ["nan", "NaN", ".nan", "inf", "-inf", ".inf", "-.inf", "Infinity", "1e309"]
ABSURD = ["1e308", "-1e308", FIVE_THOUSAND_DIGITS, "-" + FIVE_THOUSAND_DIGITS, "1" + "0" * 24]
HUGE_DATES = ["9999-12-31", "0001-01-01", "2200-01-01", "1899-12-31"]
HOSTILE = NON_FINITE + ABSURD
_serial = itertools.count()


@dataclass(frozen=True)
class Reader:
    """A command with a hole ``{}`` for the value: in its arguments, or in a file it reads
    (``file`` is the file's text; the file's path replaces ``FILE`` in the arguments)."""

    args: tuple[str, ...]
    file: str = ""
    suffix: str = ".yaml"
    zero_is_valid: bool = False  # -0 is in the field's range (a count of days, a percent)
    batch: bool = False  # a line of a JSONL batch: that order fails (exit 1), the run goes on

    def run(self, capsys: pytest.CaptureFixture[str], folder: Path, value: str) -> Run:
        args = [a.replace("{}", value) for a in self.args]
        if self.file:
            path = folder / f"input-{next(_serial)}{self.suffix}"  # a fresh name: no cache
            path.write_text(self.file.replace("{}", value), "utf-8")
            args = [str(path) if a == "FILE" else a for a in args]
        return run_main(capsys, *args)


COURSE = """\
patient: {id: P-1, bsa: 1.5 m2}
administrations:
  - {date: 2025-01-01, drug: epirubicin, dose: 60 mg}
  - {date: 2025-01-22, drug: epirubicin, dose: %s}
"""
ORDER = """\
patient: {id: P-1, height: 160 cm, weight: 52 kg, age: 61, sex: female}
regimen: DDP+EPI
cycle: %s
date: %s
prescribed:
  - {drug: cisplatin, dose: %s, days: [1]}
  - {drug: epirubicin, dose: 91 mg, days: [1]}
"""
REGIMEN = """\
name: EPI-test
status: draft
version: 1
cycle_length_days: %s
drugs:
  - {drug: epirubicin, dose: %s, days: [1]}
"""
RECORD = ("ledger", "record", "--ledger", "l.db", "-p", "P-1")

NUMBER_READERS = {
    # the command line: quantities
    "--weight": Reader(("bsa", "-H", "175 cm", "-W", "{} kg")),
    "--weight bare": Reader(("bsa", "-H", "175 cm", "-W", "{}")),
    "--height": Reader(("bsa", "-H", "{} cm", "-W", "70 kg")),
    "--bsa": Reader(("dose", "DIA", "--bsa", "{}")),
    "--bsa-cap": Reader(("dose", "DIA", "-H", "175cm", "-W", "70kg", "--bsa-cap", "{} m2",
                         "--cap-reason", "local policy")),
    "--gfr": Reader(("dose", "carboplatin-paclitaxel", "--bsa", "1.8", "--gfr", "{} mL/min")),
    "--creatinine": Reader(("gfr", "--age", "60", "--sex", "male", "--creatinine", "{} mg/dL")),
    "--age": Reader(("dose", "DIA", "--bsa", "1.8", "--age", "{}"), zero_is_valid=True),
    # the command line: plain numbers
    "--dose-percent": Reader(("dose", "DIA", "--bsa", "1.8", "--dose-percent", "{}")),
    "plan --cycles": Reader(("plan", "FILE", "-r", "DDP+EPI", "-n", "{}"),
                            file=COURSE % "60 mg"),
    "--round-limit": Reader(("verify", "--batch", "FILE", "--round-limit", "{}"), file="{}\n",
                            suffix=".jsonl", zero_is_valid=True),
    "--grace-days": Reader(("verify", "--batch", "FILE", "--grace-days", "{}"), file="{}\n",
                           suffix=".jsonl", zero_is_valid=True),
    "--jobs": Reader(("verify", "--batch", "FILE", "--jobs", "{}"), file="{}\n",
                     suffix=".jsonl"),
    # the ledger
    "record --dose": Reader((*RECORD, "--drug", "epirubicin", "--dose", "{} mg", "--bsa", "1.5",
                             "--date", "2025-01-01")),
    "record --bsa": Reader((*RECORD, "--drug", "epirubicin", "--dose", "60 mg", "--bsa", "{}",
                            "--date", "2025-01-01")),
    "record --cycle": Reader((*RECORD, "--regimen", "DIA", "--cycle", "{}", "--bsa", "1.5",
                              "--date", "2025-01-01")),
    "record --dose-percent": Reader((*RECORD, "--regimen", "DIA", "--cycle", "1", "--bsa", "1.5",
                                     "--date", "2025-01-01", "--dose-percent", "{}")),
    "record --future-days": Reader((*RECORD, "--drug", "epirubicin", "--dose", "60 mg", "--bsa",
                                    "1.5", "--date", "2025-01-01", "--future-days", "{}"),
                                   zero_is_valid=True),
    "void": Reader(("ledger", "void", "--ledger", "l.db", "{}", "--reason", "wrong patient")),
    "import": Reader(("ledger", "import", "--ledger", "l.db", "FILE"), file=COURSE % "{} mg"),
    # files
    "course dose": Reader(("cumulative", "FILE"), file=COURSE % "{} mg"),
    "course dose bare": Reader(("cumulative", "FILE", "--fail-on", "over"), file=COURSE % "{}"),
    "order dose": Reader(("verify", "FILE"), file=ORDER % ("1", "2025-06-01", "{} mg")),
    "order cycle": Reader(("verify", "FILE"), file=ORDER % ("{}", "2025-06-01", "152 mg")),
    "batch dose": Reader(
        ("verify", "--batch", "FILE", "-f", "json"),
        file='{"patient": {"id": "P-1", "bsa": {}}, "regimen": "DDP+EPI", "cycle": 1}\n',
        suffix=".jsonl",
        batch=True,
    ),
    "regimen dose": Reader(("dose", "FILE", "--bsa", "1.8"), file=REGIMEN % ("21", "{} mg/m2")),
    "regimen cycle length": Reader(("dose", "FILE", "--bsa", "1.8"),
                                   file=REGIMEN % ("{}", "90 mg/m2")),
    "drug table ceiling": Reader(
        ("--drugs", "FILE", "regimens", "list"),
        file=shipped_drug_table().replace("max: 1000 mg/m2,", "max: {} mg/m2,", 1),
    ),
    "drug table step": Reader(
        ("--drugs", "FILE", "regimens", "list"),
        file=shipped_drug_table().replace("step: 100 mg", "step: {} mg", 1),
    ),
    "drug table vial": Reader(
        ("--drugs", "FILE", "regimens", "list"),
        file=shipped_drug_table().replace("vials: [10 mg, 50 mg]", "vials: [10 mg, {} mg]", 1),
    ),
}  # fmt: skip

DATE_READERS = {
    "course date": Reader(
        ("cumulative", "FILE"),
        file="patient: {id: P-1, bsa: 1.5 m2}\n"
        "administrations:\n  - {date: {}, drug: epirubicin, dose: 60 mg}\n",
    ),
    "order date": Reader(("verify", "FILE"), file=ORDER % ("1", "{}", "152 mg")),
    "record --date": Reader(
        (*RECORD, "--drug", "epirubicin", "--dose", "60 mg", "--bsa", "1.5", "--date", "{}")
    ),
    "import date": Reader(
        ("ledger", "import", "--ledger", "l.db", "FILE"),
        file="patient: {id: P-1, bsa: 1.5 m2}\n"
        "administrations:\n  - {date: {}, drug: epirubicin, dose: 60 mg}\n",
    ),
}

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same inputs on every run: a failure is reproduced, not chanced on
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _refused(reader: Reader, r: Run) -> None:
    """Refused as the reader refuses: exit 2 and one line; a batch line fails its order."""
    if not reader.batch:
        refused(r)
        return
    import json

    assert r.code == 1 and "Traceback" not in r.err, (r.code, r.err[-500:])
    (doc,) = json.loads(r.out)
    assert doc["status"] == "fail" and doc["checks"][0]["check"] == "input", doc


def _one_line_or_success(r: Run) -> None:
    """Never a traceback; exit 0, 1 or 2; a refusal is exactly one line."""
    assert "Traceback" not in r.err, r.err[-2000:]
    assert r.code in (0, 1, 2), (r.code, r.err[-500:])
    if r.code == 2:
        refused(r)


@pytest.mark.parametrize("name", list(NUMBER_READERS))
@PROPERTY
@given(value=st.sampled_from([*HOSTILE, "-0"]))
def test_hostile_numbers_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, value: str
) -> None:
    reader = NUMBER_READERS[name]
    if value == "-0" and reader.zero_is_valid:
        return
    _refused(reader, reader.run(capsys, tmp_path, value))
    assert not (tmp_path / "l.db").exists()  # nothing written for a refused record


@pytest.mark.parametrize("name", list(DATE_READERS))
@PROPERTY
@given(value=st.sampled_from(HUGE_DATES) | st.dates().map(str).filter(lambda d: d > "2199"))
def test_dates_beyond_the_calendar_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, value: str
) -> None:
    refused(DATE_READERS[name].run(capsys, tmp_path, value))
    assert not (tmp_path / "l.db").exists()


_FLOAT_TEXT = st.floats(allow_nan=True, allow_infinity=True).map(repr) | st.integers().map(str)


@pytest.mark.parametrize("name", list(NUMBER_READERS))
@settings(PROPERTY, max_examples=15)
@given(value=_FLOAT_TEXT)
@example(value="-0.0")
@example(value="5e-324")
def test_any_number_ends_in_a_result_or_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, value: str
) -> None:
    _one_line_or_success(NUMBER_READERS[name].run(capsys, tmp_path, value))


def test_every_hostile_value_is_a_number_python_reads_as_non_finite_or_huge() -> None:
    # The list means what it says: each is NaN, infinite, or beyond any field's range.
    import math

    for v in NON_FINITE:
        x = float(v.replace(".nan", "nan").replace(".inf", "inf"))
        assert not math.isfinite(x) or abs(x) > 1e300
    assert all(abs(float(v)) >= 1e24 for v in ABSURD)
