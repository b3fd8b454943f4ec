"""FHIR export and import of a 10,000-administration Bundle, against `json.load` of it.

1. Export: a course of 10,000 administrations (already read) → the Bundle (every resource
   built, the whole validated with the R4B models) → its JSON text.
2. Import: the Bundle file → strict JSON → R4B validation of each resource → course-file
   data → `parse_course` (every unit and drug check) → the Course.
3. Baseline: `json.load` of the same file.

Time is the median of 3 runs after a warm-up (models, unit registry and caches loaded);
peak memory is tracemalloc's peak of Python allocations during one run (measured apart,
tracemalloc slows what it watches). Ratios are against the baseline.

Needs the extra: .venv/bin/pip install -e '.[fhir]'; run: .venv/bin/python benchmarks/fhir.py
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This file is called fhir.py and Python puts its folder first on the path: `import fhir`
# (the fhir.resources package) would find this script instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

N = 10_000
RUNS = 3
DRUGS = [("cisplatin", "120 mg/m2"), ("epirubicin", "40 mg/m2"), ("ifosfamide", "2 g/m2"),
         ("mesna", "1200 mg/m2"), ("epirubicin", "73.79 mg")]  # fmt: skip


def course() -> Any:
    from osdose.course import parse_course
    from osdose.reader import Document, Pos

    first = dt.date(1990, 1, 1)  # 10,000 days later is 2017: no date in the future
    entries = []
    for i in range(N):
        drug, dose = DRUGS[i % len(DRUGS)]
        bsa = f"{1.5 + (i % 50) / 100:.2f} m2"
        day = first + dt.timedelta(days=i)
        entries.append({"date": day, "drug": drug, "dose": dose, "bsa": bsa})
    data = {"patient": {"id": "P-bench"}, "administrations": entries}
    return parse_course(Document("bench", data, values={(): Pos(1, 1)}))


def timed(fn: Callable[[], Any]) -> float:
    fn()  # warm-up
    times = []
    for _ in range(RUNS):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    result = fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return top


def main() -> None:
    from osdose.fhir.export import bundle, dumps
    from osdose.fhir.ingest import read

    c = course()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.json"

        def export() -> str:
            return dumps(bundle(c).bundle)

        path.write_text(export(), "utf-8")
        size = path.stat().st_size

        def baseline() -> Any:
            with path.open("rb") as f:
                return json.load(f)

        def import_() -> Any:
            return read(path)

        got = read(path).course
        assert [a.dose_per_m2 for a in got.administrations] == [
            a.dose_per_m2 for a in c.administrations
        ]
        t_json, t_out, t_in = timed(baseline), timed(export), timed(import_)
        m_json, m_out, m_in = peak(baseline), peak(export), peak(import_)
    mb = 1024 * 1024
    print(f"Bundle of {N:,} MedicationAdministration, {size / mb:.1f} MiB of JSON")
    print(f"{'':8} {'time':>9} {'× json.load':>12} {'peak memory':>12} {'× json.load':>12}")
    for name, t, m in (("json.load", t_json, m_json), ("export", t_out, m_out),
                       ("import", t_in, m_in)):  # fmt: skip
        ratio_t, ratio_m = t / t_json, m / m_json
        print(f"{name:8} {t * 1000:7.0f} ms {ratio_t:11.1f}× {m / mb:8.1f} MiB {ratio_m:11.1f}×")


if __name__ == "__main__":
    main()
