"""What three of issue 15's targets cannot go below: a part of the work that any
implementation giving osdose's output and keeping osdose's store must do, timed alone in
one process against the target's own floor (CPU time, ``time.process_time``; the median of
``--runs``).

1. ``ledger import`` (target ≤ 3× ``json.loads`` of the same records): storing the records
   in the ledger's own schema, made by osdose's own migrations (its indexes: one patient's
   records in order, a unique hash, one void per record; its append-only triggers and
   checks) by a bare ``executemany`` of rows already built — nothing read, checked or
   hashed — in one transaction; the same into a table of the same columns with no check and
   no index at all (the least SQLite can store them in); and SHA-256 over each record's
   canonical text (``records.record_hash``), the hash chain alone.
2. ``verify --batch`` (target ≤ 3× ``floors.py orders``): ``json.loads`` of each order line
   and ``json.dumps`` of osdose's own result for that order (taken from a real run of
   ``osdose verify --batch --format json``) — reading the input and encoding the output,
   nothing checked.
3. ``lint`` (target ≤ 1.0× a loop of ``yaml.load(..., CSafeLoader)``): osdose's read of each
   file (libyaml's parse into nodes and osdose's value builder), the schema validation and
   the sixteen per-file rules, each timed alone, each file let go before the next as lint
   does (not a bound on every possible lint, but on the parts osdose is built from).

A part that is already above its target shows that the target cannot be met by any
implementation that does that part; the whole command does more.

Run: .venv/bin/python benchmarks/bounds.py [--records N] [--orders N] [--files N] [--runs R]
     [--only import|verify|lint]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests" / "ledger")]

from timing import OSDOSE  # noqa: E402


def cpu(fn: Callable[[], object], runs: int) -> float:
    """The median CPU seconds of ``runs`` calls of ``fn`` (the collector paused, as osdose
    pauses it while it reads)."""
    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
        gc.enable()
    return statistics.median(times)


def show(name: str, seconds: float, floor: float, n: int, per: str) -> None:
    print(
        f"  {name:<58} {seconds:7.3f} s  {seconds / n * 1e6:7.2f} µs/{per}  "
        f"{seconds / floor:6.2f}× the floor"
    )


def bound_import(tmp: Path, n: int, runs: int) -> None:
    from bulk import fill  # valid chained records, through the store's own append

    from osdose.ledger.records import COLUMNS, record_hash
    from osdose.ledger.sqlite import _INSERT
    from osdose.ledger.sqlite_schema import migrate
    from osdose.ledger.store import open_ledger

    source = str(tmp / "source.sqlite3")
    print(f"\n1. ledger import: {n:,} records (building the ledger to export…)", flush=True)
    fill(source, {"P-BIG": n})
    export = tmp / "export.jsonl"
    subprocess.run(
        [OSDOSE, "ledger", "export", "-p", "P-BIG", "--ledger", source, "-o", str(export)],
        check=True,
        capture_output=True,
    )
    with export.open(encoding="utf-8") as f:
        next(f)  # the header line
        text = "[" + ",".join(line.rstrip() for line in f) + "]"
    floor = cpu(lambda: json.loads(text), runs)
    with sqlite3.connect(source) as conn:
        rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM records ORDER BY id").fetchall()

    def insert(schema: Callable[[sqlite3.Connection], object]) -> Callable[[], None]:
        def run() -> None:
            target = tmp / "bare.sqlite3"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            conn = sqlite3.connect(target, isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")  # as osdose opens a ledger
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE")
            schema(conn)
            for i in range(0, len(rows), 10_000):  # import's own parts
                conn.executemany(_INSERT, rows[i : i + 10_000])
            conn.execute("COMMIT")
            conn.close()

        return run

    # the least SQLite can store the rows in: a table of the same columns, no check, no
    # index but the row id
    columns = ", ".join("id INTEGER PRIMARY KEY" if c == "id" else c for c in COLUMNS)
    bare_table = f"CREATE TABLE records ({columns})"

    with open_ledger(source) as store:
        records = list(store.records("P-BIG"))

    def chain() -> None:
        for r in records:
            record_hash(r, r.id, r.recorded_at, r.prev_hash)

    print(f"  floor: json.loads of the {n:,} exported records {floor:7.3f} s")
    stored = cpu(insert(lambda conn: migrate(conn, 0)), runs)
    least = cpu(insert(lambda conn: conn.execute(bare_table)), runs)
    hashed = cpu(chain, runs)
    show("bare INSERT into the ledger's schema (no read, no check)", stored, floor, n, "record")
    show("the same into a table with no check and no index at all", least, floor, n, "record")
    show("the hash chain: canonical text and SHA-256 (record_hash)", hashed, floor, n, "record")
    show("the two together", stored + hashed, floor, n, "record")
    print(
        f"bound: `ledger import` (≤ 3×) | {n:,} records | a bare INSERT of the rows into the "
        f"ledger's schema {stored / floor:.1f}× (into a table with no check and no index "
        f"{least / floor:.1f}×); the hash chain {hashed / floor:.1f}×; together "
        f"{(stored + hashed) / floor:.1f}×"
    )


def bound_verify(tmp: Path, n: int, runs: int) -> None:
    import floors
    from verify import COURSE, write_batch

    from osdose.render.verify_json import _ENCODE  # the encoder osdose writes each result with

    print(f"\n2. verify --batch: {n:,} orders", flush=True)
    (tmp / "course.yaml").write_text(COURSE, "utf-8")
    batch = tmp / "batch.jsonl"
    write_batch(batch, n)
    out = subprocess.run(
        [OSDOSE, "verify", "--batch", str(batch), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp,
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"osdose verify --batch: exit {out.returncode}: {out.stderr[-500:]}")
    lines = batch.read_text("utf-8").splitlines()
    results = json.loads(out.stdout)  # a JSON array, a result a line
    if len(results) != n:
        raise SystemExit(f"osdose verify --batch wrote {len(results)} results for {n} orders")
    size = len(out.stdout.encode("utf-8")) / n

    def floor_work() -> None:
        for line in lines:
            json.dumps(floors.check_order(line))

    floor = cpu(floor_work, runs)
    read = cpu(lambda: [json.loads(line) for line in lines], runs)
    written = cpu(lambda: [_ENCODE(r) for r in results], runs)
    print(f"  floor: floors.py's parse, recompute and write of each order {floor:7.3f} s")
    show("json.loads of each order line", read, floor, n, "order")
    show(f"json.dumps of osdose's result ({size:,.0f} bytes an order)", written, floor, n, "order")
    show("the two together", read + written, floor, n, "order")
    print(
        f"bound: `verify --batch` (≤ 3×) | {n:,} orders | encoding osdose's results "
        f"{written / floor:.1f}×; reading the orders {read / floor:.2f}×; together "
        f"{(read + written) / floor:.1f}×"
    )


def bound_lint(tmp: Path, n: int, runs: int) -> None:
    import yaml
    from lint import make_library

    from osdose.drugs import load_drugs
    from osdose.lint import acknowledge, runner, yaml_syntax
    from osdose.lint.context import FileContext
    from osdose.lint.rules import FILE_RULES
    from osdose.reader import Document

    print(f"\n3. lint: {n:,} files", flush=True)
    make_library(tmp, n)
    files = runner.collect([tmp])
    table = load_drugs()

    def floor_work() -> None:
        for f in files:
            with open(f, encoding="utf-8") as fh:
                yaml.load(fh, Loader=yaml.CSafeLoader)

    def parts() -> tuple[float, float, float]:
        """Each file read, validated and checked, then let go (as lint streams a library):
        the CPU time of each part, summed over the files."""
        read = valid = checked = 0.0
        clock = time.process_time
        for f in files:
            t0 = clock()
            doc = yaml_syntax.read(f)
            t1 = clock()
            if not isinstance(doc, Document):
                raise SystemExit(f"{f}: did not read")
            ctx = FileContext(doc, table)
            ctx.schema  # noqa: B018 - the property validates
            t2 = clock()
            acknowledge.apply(ctx, [found for rule in FILE_RULES for found in rule(ctx)])
            t3 = clock()
            read, valid, checked = read + t1 - t0, valid + t2 - t1, checked + t3 - t2
        return read, valid, checked

    parts()  # once before timing: the model built, each rule's module warm
    floor = cpu(floor_work, runs)
    timed = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        timed.append(parts())
        gc.enable()
    read, valid, checked = (statistics.median(t[i] for t in timed) for i in range(3))
    print(f"  floor: a loop of yaml.load(..., CSafeLoader) {floor:7.3f} s")
    show("osdose's read (parse and build, with positions)", read, floor, n, "file")
    show("schema validation (the pydantic model)", valid, floor, n, "file")
    show("the 16 per-file rules and acknowledgements", checked, floor, n, "file")
    show("the three together (no start-up, no report)", read + valid + checked, floor, n, "file")
    print(
        f"bound: `lint` (≤ 1.0×) | {n:,} files | osdose's read {read / floor:.2f}×, the "
        f"validation {valid / floor:.2f}×, the rules {checked / floor:.2f}×; together "
        f"{(read + valid + checked) / floor:.2f}× (no start-up, no report)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--orders", type=int, default=20_000)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["import", "verify", "lint"])
    a = ap.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    print("parts of the three unmet targets' work, each alone in one process, CPU time")
    print(f"against the target's floor (median of {a.runs})")
    for name, fn, n in (
        ("import", bound_import, a.records),
        ("verify", bound_verify, a.orders),
        ("lint", bound_lint, a.files),
    ):
        if a.only in (None, name):
            with tempfile.TemporaryDirectory() as tmp:
                fn(Path(tmp), n, a.runs)


if __name__ == "__main__":
    main()
