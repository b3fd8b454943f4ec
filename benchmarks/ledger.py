"""Ledger performance on both backends (SQLite file, PostgreSQL server).

1. 10,000 `record` calls, one transaction each, every commit durable (SQLite
   synchronous=FULL; PostgreSQL synchronous_commit=on): through the Python API (one open
   ledger), and through the CLI command in-process (each call parses its options, opens the
   ledger, records, closes it); plus 100 `osdose ledger record` processes, start-up
   included. Reported in ms per record, and the PostgreSQL/SQLite ratio.
2. `cumulative` for one patient on a ledger of 1,000,000 records across 10,000 patients
   (100 each; built through `LedgerStore.append` in transactions of 10,000 records): the
   `osdose cumulative --ledger L --patient P` process (median of 10) against the start-up
   of `osdose dose`, and in-process `course_from_ledger` + `exposure` (median of 10). One
   patient is read through an index: O(that patient's records), whatever the ledger's
   size (the EXPLAIN of the query is printed).

3. Hospital scale (issue 15), on a SQLite ledger of N records of one patient (default
   1,000,000; --scale N) and 100 of another, each row against its floor in the same run,
   paired (A B A B …, --runs of each), the median of the ratios of CPU seconds (user +
   sys, the whole osdose process against the floor's own operation):
   - `ledger export --format jsonl` of the N records / `json.dumps` of the same entries;
   - `ledger import` of that file into a new ledger / `json.loads` of the same entries;
   - `ledger list --format json` of the N records / the same SELECT in a Python loop,
     with the peak memory of both listings (N records, and 100: flat means equal);
   - `cumulative --ledger --patient` of the 100-record patient / the cold start
     `python -c "import typer, pint, yaml"`, in wall milliseconds above it.

PostgreSQL: $OSDOSE_BENCH_PG (default postgresql://root@127.0.0.1:5432/postgres), a role that
may CREATE DATABASE; the benchmark creates a database of its own and drops it. Without a
server, the PostgreSQL half is skipped (said so).

   On PostgreSQL (--pg-scale N, default 100,000; --only pg-scale): the export and import
   rows alone, N records of one patient, each import into a new database.

Run: .venv/bin/python benchmarks/ledger.py [--calls N] [--records N] [--scale N]
     [--pg-scale N] [--runs N] [--only scale|pg-scale]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from timing import compile_package, medians

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "ledger"))

BIN = Path(sys.executable).parent
OSDOSE = shutil.which("osdose", path=str(BIN)) or "osdose"
ADMIN = os.environ.get("OSDOSE_BENCH_PG", "postgresql://root@127.0.0.1:5432/postgres")
RUNS = 10
PROCESSES = 100
PATIENTS = 10_000
FIRST = dt.date(1990, 1, 1)


@contextmanager
def pg_database(suffix: str = "") -> Iterator[str | None]:
    """A new database on the server (dropped afterwards), or None without a server."""
    try:
        import psycopg

        admin = psycopg.connect(ADMIN, autocommit=True, connect_timeout=3)
    except Exception as exc:  # no driver, no server: the PostgreSQL half is skipped
        print(f"PostgreSQL skipped: {str(exc).strip().splitlines()[0]} (set OSDOSE_BENCH_PG)")
        yield None
        return
    name = f"osdose_bench_{os.getpid()}{suffix}"
    admin.execute(f'CREATE DATABASE "{name}"')
    params = psycopg.conninfo.conninfo_to_dict(ADMIN)
    params["dbname"] = name
    url = "postgresql://{user}@{host}:{port}/{dbname}".format(
        user=params.get("user", "root"), host=params.get("host", "127.0.0.1"),
        port=params.get("port", 5432), dbname=name,
    )  # fmt: skip
    try:
        from osdose.ledger.store import init_ledger

        init_ledger(url)
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def api_calls(location: str, n: int) -> float:
    """Seconds for ``n`` `record` calls through the Python API, one transaction each."""
    from osdose.drugs import load_drugs
    from osdose.ledger.actions import record
    from osdose.ledger.entries import from_options
    from osdose.ledger.store import open_ledger

    table = load_drugs()
    t0 = time.perf_counter()
    with open_ledger(location, create=True) as store:
        for i in range(n):
            adms = from_options(
                table, date=FIRST + dt.timedelta(days=i), drug="EPI", dose="60 mg", bsa="1.5"
            )
            record(store, adms, f"P-api-{i % 10}")
    return time.perf_counter() - t0


def cli_calls(location: str, n: int) -> float:
    """Seconds for ``n`` `osdose ledger record` commands run in-process (the command's own
    parsing, opening and closing the ledger each time; no process start-up)."""
    import contextlib
    import io

    import typer

    from osdose.cli import app

    command = typer.main.get_command(app)  # built once, as in one process
    t0 = time.perf_counter()
    for i in range(n):
        args = ["ledger", "record", "-p", f"P-cli-{i % 10}", "--drug", "EPI", "--dose", "60 mg",
                "--bsa", "1.5", "--date", (FIRST + dt.timedelta(days=i)).isoformat(),
                "--ledger", location]  # fmt: skip
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            command.main(args, prog_name="osdose", standalone_mode=False)
    return time.perf_counter() - t0


def process_calls(location: str, n: int) -> float:
    t0 = time.perf_counter()
    for i in range(n):
        subprocess.run(
            [OSDOSE, "ledger", "record", "-p", f"P-proc-{i % 10}", "--drug", "EPI", "--dose",
             "60 mg", "--bsa", "1.5", "--date", (FIRST + dt.timedelta(days=i)).isoformat(),
             "--ledger", location],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return time.perf_counter() - t0


def build(location: str, records: int) -> float:
    """Append ``records`` administrations of PATIENTS patients (each patient's on
    consecutive days) in transactions of 10,000; seconds."""
    from osdose.drugs import load_drugs
    from osdose.ledger.entries import from_options, to_records
    from osdose.ledger.store import open_ledger

    table = load_drugs()
    per = records // PATIENTS
    days = [
        from_options(table, date=FIRST + dt.timedelta(days=d), drug="EPI", dose="60 mg",
                     bsa="1.5")[0]
        for d in range(per)
    ]  # fmt: skip
    t0 = time.perf_counter()
    with open_ledger(location, create=True) as store:
        who = store.identity(None)
        batch = []
        for p in range(PATIENTS):
            batch += to_records(days, f"P-{p:05d}", who)
            if len(batch) >= 10_000:
                store.append(batch)
                batch = []
        if batch:
            store.append(batch)
    return time.perf_counter() - t0


def exposure_ms(location: str, patient: str) -> float:
    from osdose.cumulative import exposure
    from osdose.drugs import load_drugs
    from osdose.ledger.history import course_from_ledger

    table = load_drugs()
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        course = course_from_ledger(location, patient, table)
        exposure(course.administrations, table, patient)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def explain(location: str, patient: str) -> list[str]:
    if location.startswith("postgresql://"):
        import psycopg

        from osdose.ledger.postgres import PATIENT_QUERY as PG_QUERY

        with psycopg.connect(location) as conn:
            conn.execute("ANALYZE osdose.records")
            rows = conn.execute(f"EXPLAIN ANALYZE {PG_QUERY}", (patient,)).fetchall()
        return [r[0] for r in rows]
    from osdose.ledger.sqlite import PATIENT_QUERY

    conn = sqlite3.connect(location)
    rows = conn.execute(f"EXPLAIN QUERY PLAN {PATIENT_QUERY}", (patient,)).fetchall()
    conn.close()
    return [r[3] for r in rows]


def each_backend(tmp: Path, name: str, run: Callable[[str], float]) -> dict[str, float]:
    out = {"SQLite": run(str(tmp / f"{name}.sqlite3"))}
    with pg_database() as url:
        if url is not None:
            out["PostgreSQL"] = run(url)
    return out


def report(what: str, seconds: dict[str, float], n: int) -> None:
    line = "  ".join(f"{k} {v / n * 1000:6.2f} ms" for k, v in seconds.items())
    ratio = ""
    if len(seconds) == 2:
        ratio = f"  PostgreSQL/SQLite {seconds['PostgreSQL'] / seconds['SQLite']:.2f}×"
    print(f"{what:<46} {line}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-scale", type=int, default=100_000)
    parser.add_argument("--only", choices=["scale", "pg-scale"])
    args = parser.parse_args()
    n = args.calls
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.only == "scale":
            scale(tmp, args.scale, args.runs)
            return
        if args.only == "pg-scale":
            pg_scale(tmp, args.pg_scale, args.runs)
            return
        print(f"1. record, {n:,} calls, one durable transaction each (ms per record)")
        report("Python API (record())", each_backend(tmp, "api", lambda L: api_calls(L, n)), n)
        report("CLI command, in-process", each_backend(tmp, "cli", lambda L: cli_calls(L, n)), n)
        procs = each_backend(tmp, "proc", lambda L: process_calls(L, PROCESSES))
        report(f"CLI process ({PROCESSES} processes, start-up incl.)", procs, PROCESSES)
        print(f"\n2. cumulative for one patient, {args.records:,} records of {PATIENTS:,} patients")
        with pg_database() as url:
            locations = {"SQLite": str(tmp / "big.sqlite3")}
            if url is not None:
                locations["PostgreSQL"] = url
            for backend, location in locations.items():
                one_patient(backend, location, args.records)
        scale(tmp, args.scale, args.runs)
        pg_scale(tmp, args.pg_scale, args.runs)


def one_patient(backend: str, location: str, records: int) -> None:
    patient = f"P-{PATIENTS // 2:05d}"
    seconds = build(location, records)
    print(f"{backend}: built in {seconds:.0f} s ({seconds / records * 1e6:.0f} µs per record)")
    dose = [OSDOSE, "dose", "DIA", "--height", "175cm", "--weight", "70kg", "--format", "json"]
    cumulative = [
        OSDOSE, "cumulative", "--ledger", location, "--patient", patient, "--format", "json",
    ]  # fmt: skip
    med = medians(
        {"osdose dose (start-up)": dose, f"osdose cumulative --ledger ({backend})": cumulative},
        RUNS,
    )
    base, cum = med.values()
    print(f"  cumulative {cum - base:+.0f} ms above the start-up of dose ({cum / base:.2f}×)")
    in_process = exposure_ms(location, patient)
    print(f"  course_from_ledger + exposure in-process: {in_process:.1f} ms (median of {RUNS})")
    print("  " + "\n  ".join(explain(location, patient)))


# -- 3. hospital scale ----------------------------------------------------------------------


def run_process(cmd: list[str], stdout: int | None = subprocess.DEVNULL) -> tuple[float, float]:
    """(CPU seconds, peak memory MiB) of one whole process (the kernel's accounting)."""
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}: {err[-500:]!r}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


FLOOR = r"""
import json, sqlite3, sys, time
what, path = sys.argv[1], sys.argv[2]
if what == "dumps":
    with open(path, encoding="utf-8") as f:
        next(f)
        entries = [json.loads(line) for line in f]
    t = time.process_time(); json.dumps(entries, ensure_ascii=False); t = time.process_time() - t
elif what == "loads":
    with open(path, encoding="utf-8") as f:
        next(f)
        text = "[" + ",".join(line.rstrip() for line in f) + "]"
    t = time.process_time(); json.loads(text); t = time.process_time() - t
else:  # the SELECT `ledger list --format json` runs, in a Python loop
    from osdose.ledger.pages import Page, Tables, page_query
    sql, params = page_query(Page(sys.argv[3], limit=None), Tables("records", "signatures", "?"))
    conn = sqlite3.connect(path)
    t = time.process_time()
    for row in conn.execute(sql, params):
        pass
    t = time.process_time() - t
print(t)
"""


def floor(what: str, *args: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", FLOOR, what, *args], check=True, capture_output=True, text=True
    )
    return float(out.stdout)


def paired(
    name: str,
    command: Callable[[], tuple[float, float]],
    base: Callable[[], float],
    runs: int,
    n: int,
) -> None:
    """``runs`` pairs of the command and its floor, in turn; the medians and the median of
    the ratios."""
    rows = []
    for _ in range(runs):
        cpu, mib = command()
        rows.append((cpu, base(), mib))
    cpu = statistics.median(r[0] for r in rows)
    low = statistics.median(r[1] for r in rows)
    ratio = statistics.median(r[0] / r[1] for r in rows)
    mib = statistics.median(r[2] for r in rows)
    print(
        f"{name:<44} {cpu:8.2f} s  floor {low:7.2f} s  {ratio:5.2f}×  "
        f"{cpu / n * 1e6:6.1f} µs/record  peak {mib:6.0f} MiB"
    )


def scale(tmp: Path, n: int, runs: int) -> None:
    from bulk import fill  # tests/ledger/bulk.py: valid chained records, fast

    big, small = "P-BIG", "P-SMALL"
    compile_package()  # each timed process reads osdose's bytecode, as an installed one does
    ledger = str(tmp / "scale.sqlite3")
    print(f"\n3. hospital scale: {n:,} records of one patient (SQLite), {runs} paired runs")
    t0 = time.perf_counter()
    fill(ledger, {big: n, small: 100})
    built = time.perf_counter() - t0
    print(f"built in {built:.0f} s ({built / n * 1e6:.0f} µs per record, LedgerStore.append)")
    out = tmp / "export.jsonl"

    def export() -> tuple[float, float]:
        return run_process([OSDOSE, "ledger", "export", "-p", big, "--ledger", ledger,
                            "-o", str(out), "--force"])  # fmt: skip

    print(f"{'':<44} {'osdose':>10}  {'floor':>13}  {'ratio':>6}")
    paired("ledger export --format jsonl / json.dumps", export,
           lambda: floor("dumps", str(out)), runs, n)  # fmt: skip
    target = tmp / "imported.sqlite3"

    def import_() -> tuple[float, float]:
        for f in tmp.glob("imported.sqlite3*"):
            f.unlink()
        return run_process([OSDOSE, "ledger", "import", str(out), "--by", "bench",
                            "--ledger", str(target)])  # fmt: skip

    paired("ledger import (jsonl) / json.loads", import_, lambda: floor("loads", str(out)),
           runs, n)  # fmt: skip

    def listing(patient: str) -> Callable[[], tuple[float, float]]:
        return lambda: run_process(
            [OSDOSE, "ledger", "list", "-p", patient, "-f", "json", "--ledger", ledger]
        )

    paired("ledger list --format json / SELECT loop", listing(big),
           lambda: floor("select", ledger, big), runs, n)  # fmt: skip
    _, small_mib = listing(small)()
    print(f"{'':<44} peak memory listing 100 records: {small_mib:.0f} MiB")
    yaml_out = tmp / "export.yaml"
    cpu, _ = run_process([OSDOSE, "ledger", "export", "-p", big, "--ledger", ledger,
                          "-o", str(yaml_out), "--force"])  # fmt: skip
    print(f"{'ledger export (YAML), for people':<44} {cpu:8.2f} s  ({cpu / n * 1e6:.1f} µs/record)")
    # the same 100 records from a course file: the command's own cold start
    course = tmp / "small.yaml"
    run_process([OSDOSE, "ledger", "export", "-p", small, "--ledger", ledger, "-o", str(course)])
    commands = {
        "cold start: python -c 'import typer, pint, yaml'": [
            sys.executable, "-c", "import typer, pint, yaml"
        ],
        f"osdose cumulative COURSE.yaml (the same {small} records)": [
            OSDOSE, "cumulative", str(course), "-f", "json"
        ],
        f"osdose cumulative --ledger L --patient {small} (100 of {n + 100:,})": [
            OSDOSE, "cumulative", "--ledger", ledger, "--patient", small, "-f", "json"
        ],
    }  # fmt: skip
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    wall: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(RUNS):
        for name, cmd in commands.items():
            t0 = time.perf_counter()
            cpu[name].append(run_process(cmd)[0] * 1000)
            wall[name].append((time.perf_counter() - t0) * 1000)
    for name in commands:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        print(f"{c:8.1f} ms CPU {w:8.1f} ms wall  {name}")
    cold, from_file, from_ledger = (statistics.median(v) for v in cpu.values())
    print(
        f"cumulative, one patient of a {n + 100:,}-record ledger: {from_ledger - from_file:+.1f} "
        f"ms CPU above the same command on a course file, {from_ledger - cold:+.0f} ms above "
        f"the cold start floor (median of {RUNS})"
    )


def pg_scale(tmp: Path, n: int, runs: int) -> None:
    """Part 3's export and import on PostgreSQL: N records of one patient, exported to JSON
    Lines, imported into a new database each run (its creation not timed)."""
    from bulk import BATCH, administrations

    from osdose.ledger.store import open_ledger

    compile_package()
    print(f"\n3b. hospital scale on PostgreSQL: {n:,} records of one patient, {runs} paired runs")
    with pg_database("_src") as src:
        if src is None:
            return
        t0 = time.perf_counter()
        with open_ledger(src, write=True) as store:
            who = store.identity(None)
            batch = []
            for r in administrations("P-BIG", n, who):
                batch.append(r)
                if len(batch) == BATCH:
                    store.append(batch)
                    batch = []
            if batch:
                store.append(batch)
        built = time.perf_counter() - t0
        print(f"built in {built:.0f} s ({built / n * 1e6:.0f} µs per record, LedgerStore.append)")
        out = tmp / "pg-export.jsonl"

        def export() -> tuple[float, float]:
            return run_process([OSDOSE, "ledger", "export", "-p", "P-BIG", "--ledger", src,
                                "-o", str(out), "--force"])  # fmt: skip

        print(f"{'':<44} {'osdose':>10}  {'floor':>13}  {'ratio':>6}")
        paired("ledger export --format jsonl / json.dumps", export,
               lambda: floor("dumps", str(out)), runs, n)  # fmt: skip
        count = iter(range(runs * 2))

        def import_() -> tuple[float, float]:
            with pg_database(f"_dst{next(count)}") as dst:
                assert dst is not None
                return run_process([OSDOSE, "ledger", "import", str(out), "--ledger", dst])

        paired("ledger import (jsonl) / json.loads", import_, lambda: floor("loads", str(out)),
               runs, n)  # fmt: skip


if __name__ == "__main__":
    main()
