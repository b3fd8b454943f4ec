"""Throughput of `osdose verify --batch`: generates a JSONL batch of orders (varied
patients, regimens, cycles; a shared history file and inline histories; some wrong doses)
and times the whole command as a process, as a user runs it.

Run: .venv/bin/python benchmarks/verify.py [N]   (target: 10,000 orders in ≤ 3 s)
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
OSDOSE = shutil.which("osdose", path=str(BIN)) or "osdose"
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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "course.yaml").write_text(COURSE, "utf-8")
        batch = folder / "batch.jsonl"
        batch.write_text("\n".join(json.dumps(order(i, rng)) for i in range(n)) + "\n", "utf-8")
        for fmt in ("json", "table"):
            t0 = time.perf_counter()
            done = subprocess.run(
                [OSDOSE, "verify", "--batch", str(batch), "--format", fmt],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            elapsed = time.perf_counter() - t0
            if done.returncode not in (0, 1):
                sys.exit(f"verify failed ({done.returncode}): {done.stderr[-500:]}")
            print(
                f"--format {fmt}: {n} orders in {elapsed:.2f} s = {n / elapsed:,.0f} orders/s "
                f"(exit {done.returncode}; target ≤ 3 s for 10,000)"
            )


if __name__ == "__main__":
    main()
