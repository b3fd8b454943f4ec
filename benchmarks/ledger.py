"""Ledger performance: in-process recording, exposure from the ledger, and process time
of a ledger-backed command against `osdose dose`.

1. 10,000 rows recorded in-process through the command's own parsing: as one append (one
   transaction, the `import` path; target < 2 s), and as 10,000 `record` calls of one
   transaction each, every commit fsynced (synchronous=FULL): that one is bound by the
   disk's fsync, which the ledger does not trade away.
2. `course_from_ledger` + `exposure` for a patient with 1,000 records, in-process.
3. Process time, median of 10 interleaved runs: `osdose ledger list --patient P --format
   json` over those 1,000 records, and a `python -c` process doing what a ledger-backed
   `cumulative` does (course_from_ledger + exposure + JSON), against `osdose dose DIA
   --height 175cm --weight 70kg --format json`. Target: ≤ 1.5×. (The `cumulative` command
   itself is built on another branch.)

Run: .venv/bin/python benchmarks/ledger.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timing import medians

RUNS = 10
BIN = Path(sys.executable).parent
OSDOSE = shutil.which("osdose", path=str(BIN)) or "osdose"
CUMULATIVE = """
import sys, json
from osdose.drugs import load_drugs
from osdose.ledger.history import course_from_ledger
from osdose.cumulative import exposure
t = load_drugs()
c = course_from_ledger(sys.argv[1], sys.argv[2], t)
e = exposure(c.administrations, t, c.patient)
print(json.dumps([[d.drug, d.total_mg_per_m2, d.status] for d in e.drugs]))
"""


def record_calls(path: Path, n: int) -> float:
    from osdose.drugs import load_drugs
    from osdose.ledger.actions import record
    from osdose.ledger.entries import from_options
    from osdose.ledger.store import open_ledger

    table = load_drugs()
    first = dt.date(1990, 1, 1)
    t0 = time.perf_counter()
    with open_ledger(path, create=True) as store:
        for i in range(n):
            adms = from_options(
                table, date=first + dt.timedelta(days=i), drug="EPI", dose="60 mg", bsa="1.5"
            )
            record(store, adms, f"P-{i % 10}", "bench")
    return time.perf_counter() - t0


def record_batch(path: Path, n: int) -> float:
    from osdose.drugs import load_drugs
    from osdose.ledger.entries import from_options, to_records
    from osdose.ledger.store import open_ledger

    table = load_drugs()
    first = dt.date(1990, 1, 1)
    t0 = time.perf_counter()
    new = []
    for i in range(n):
        adms = from_options(
            table, date=first + dt.timedelta(days=i), drug="EPI", dose="60 mg", bsa="1.5"
        )
        new += to_records(adms, f"P-{i % 10}", "bench")
    with open_ledger(path, create=True) as store:
        store.append(new)
    return time.perf_counter() - t0


def exposure_time(path: Path, patient: str) -> float:
    from osdose.cumulative import exposure
    from osdose.drugs import load_drugs
    from osdose.ledger.history import course_from_ledger

    table = load_drugs()
    t0 = time.perf_counter()
    course = course_from_ledger(path, patient, table)
    exposure(course.administrations, table, patient)
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        calls = Path(tmp) / "calls.sqlite3"
        t = record_batch(Path(tmp) / "batch.sqlite3", 10_000)
        print(f"{t * 1000:8.0f} ms  10,000 rows in one append, parsing included (target < 2 s)")
        t = record_calls(calls, 10_000)
        print(f"{t * 1000:8.0f} ms  10,000 record calls, one fsynced transaction each "
              f"({t / 10_000 * 1e6:.0f} µs per record)")  # fmt: skip
        # P-0 has 1,000 of the 10,000 records
        times = [exposure_time(calls, "P-0") for _ in range(RUNS)]
        print(f"{statistics.median(times) * 1000:8.1f} ms  course_from_ledger + exposure, "
              "patient with 1,000 records (in-process, median)")  # fmt: skip
        commands = {
            "osdose dose DIA --height 175cm --weight 70kg --format json": [
                OSDOSE, "dose", "DIA", "--height", "175cm", "--weight", "70kg", "--format", "json",
            ],
            "osdose ledger list --patient P-0 --format json (1,000 records)": [
                OSDOSE, "ledger", "list", "--patient", "P-0", "--format", "json",
                "--ledger", str(calls),
            ],
            "python -c: course_from_ledger + exposure + JSON (1,000 records)": [
                sys.executable, "-c", CUMULATIVE, str(calls), "P-0",
            ],
        }  # fmt: skip
        med = medians(commands, RUNS)
        base = next(iter(med.values()))
        for name, ms in list(med.items())[1:]:
            print(f"{ms / base:.2f}× dose: {name} (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
