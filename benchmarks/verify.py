"""`osdose verify --batch` of 100,000 orders (JSON Lines: varied patients, regimens, cycles; a
shared history file and inline histories; some wrong doses) against the floor: a plain-Python
script that parses each line and recomputes each dose (benchmarks/floors.py). Whole
processes, paired runs, medians. The ratio is of CPU time (every worker process included:
the work as if on one core); wall time shows the use of every core; peak memory at N/4 and N
shows that results are streamed.

Run: .venv/bin/python benchmarks/verify.py [-n ORDERS] [--runs R]   (target: ≤ 3× CPU)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
from pathlib import Path

from timing import OSDOSE, compile_package, paired, row

FLOORS = str(Path(__file__).with_name("floors.py"))
TARGET = 3.0
REGIMENS = {
    "DDP+EPI": [("cisplatin", 140.0, [1]), ("epirubicin", 50.0, [1])],
    "DIA": [
        ("cisplatin", 120.0, [1]),
        ("epirubicin", 40.0, [1, 2, 3]),
        ("ifosfamide", 2000.0, [1, 2, 3, 4, 5]),
        ("mesna", 1200.0, [1, 2, 3, 4, 5]),
    ],
}
COURSE = """patient: {id: P-BENCH, height: 175 cm, weight: 70 kg}
administrations:
  - {date: 2021-04-20, regimen: DDP+EPI, cycle: 1}
  - {date: 2021-05-11, regimen: DDP+EPI, cycle: 2}
"""


def order(i: int, rng: random.Random) -> dict[str, object]:
    name = rng.choice(list(REGIMENS))
    h = rng.uniform(150, 195)
    w = rng.uniform(45, 110)
    bsa = math.sqrt(h * w / 3600)
    prescribed = []
    for drug, per_m2, days in REGIMENS[name]:
        dose = per_m2 * bsa * (10 if rng.random() < 0.02 else 1)
        prescribed.append({"drug": drug, "dose": f"{dose:.0f} mg", "days": days})
    o: dict[str, object] = {
        "patient": {
            "id": "P-BENCH" if i % 2 else f"P-{i:05d}",
            "height": f"{h:.0f} cm",
            "weight": f"{w:.1f} kg",
            "age": rng.randint(18, 80),
            "sex": rng.choice(["male", "female"]),
            "serum_creatinine": f"{rng.uniform(0.6, 1.8):.2f} mg/dL",
        },
        "regimen": name,
        "cycle": 3,
        "date": "2021-06-01",
        "prescribed": prescribed,
    }
    if i % 2:
        o["history"] = "course.yaml"
    else:
        o["history"] = [{"date": "2021-05-11", "regimen": name, "cycle": 2}]
    return o


def write_batch(path: Path, n: int) -> None:
    rng = random.Random(4)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(order(i, rng)) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    compile_package()
    print(f"verify --batch of {a.n:,} orders, {a.runs} paired runs, {os.cpu_count()} cores")
    pairs = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "course.yaml").write_text(COURSE, "utf-8")
        for n in (a.n // 4, a.n):
            batch = folder / f"batch-{n}.jsonl"
            write_batch(batch, n)
            pairs[n] = paired(
                [OSDOSE, "verify", "--batch", str(batch), "--format", "json"],
                [sys.executable, FLOORS, "orders", str(batch)],
                a.runs,
                ok=(0, 1),
                label=f"osdose verify --batch -f json, {n:,} orders",
            )
    small, big = pairs[a.n // 4], pairs[a.n]
    print(f"  peak memory {small.peak_mib:.0f} MiB at {a.n // 4:,}, {big.peak_mib:.0f} at {a.n:,}")
    busy = big.cpu / big.wall
    print(f"  wall {big.wall:.2f} s for CPU {big.cpu:.2f} s: {busy:.1f} CPU s per wall s")
    row(
        "`verify --batch` (CPU time, all workers)",
        "plain-Python parse and recompute per line",
        TARGET,
        big,
        f"{a.n:,} orders (peak {small.peak_mib:.0f} MiB at {a.n // 4:,}; "
        f"{busy:.1f} CPU s per wall s)",
    )


if __name__ == "__main__":
    main()
