"""Issue 12's target: verifying 10,000 orders that include carboplatin by AUC and blood-count
gates stays within 1.2× of the time verify takes for 10,000 orders of today's kind (the
case report's regimens, no AUC, no counts). Both batches are timed in one run, interleaved,
as whole `osdose verify --batch` processes; with ``--base PATH`` (an osdose executable of
an earlier version) today's batch is timed with it too.

Run: .venv/bin/python benchmarks/clinical_verify.py [N] [--runs R] [--base PATH]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from timing import medians
from verify import COURSE, OSDOSE, order

CARBO = {
    "carboplatin-paclitaxel": [("paclitaxel", 175.0, [1])],
    "carboplatin-etoposide": [("etoposide", 100.0, [1, 2, 3])],
}


def clinical(i: int, rng: random.Random) -> dict[str, object]:
    """Every other order a carboplatin regimen dosed from the order's creatinine; every order
    with counts and the labs' date (the case report's regimens now have count gates)."""
    if i % 2:
        o = order(i, rng)
    else:
        name = rng.choice(list(CARBO))
        h, w = rng.uniform(150, 195), rng.uniform(45, 110)
        age, sex = rng.randint(18, 80), rng.choice(["male", "female"])
        scr = rng.uniform(0.6, 1.8)
        bsa = math.sqrt(h * w / 3600)
        crcl = (140 - age) * w * (0.85 if sex == "female" else 1) / (72 * scr)  # near enough
        prescribed = [
            {"drug": d, "dose": f"{per_m2 * bsa:.0f} mg", "days": days}
            for d, per_m2, days in CARBO[name]
        ]
        prescribed.append(
            {"drug": "carboplatin", "dose": f"{5 * (min(crcl, 125) + 25):.0f} mg", "days": [1]}
        )
        o = {
            "patient": {
                "id": f"P-{i:05d}",
                "height": f"{h:.0f} cm",
                "weight": f"{w:.1f} kg",
                "age": age,
                "sex": sex,
                "serum_creatinine": f"{scr:.2f} mg/dL",
            },
            "regimen": name,
            "cycle": 2,
            "date": "2021-06-01",
            "prescribed": prescribed,
            "history": [{"date": "2021-05-11", "regimen": name, "cycle": 1}],
        }
    o["labs"] = {
        "date": "2021-05-31",
        "anc": f"{rng.uniform(0.8, 6):.1f} x10^9/L",
        "platelets": f"{rng.uniform(60, 400):.0f} G/L",
    }
    return o


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base", help="an earlier osdose executable to time today's batch with")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "course.yaml").write_text(COURSE, "utf-8")
        today, new = folder / "today.jsonl", folder / "clinical.jsonl"
        rng = random.Random(4)
        today.write_text("\n".join(json.dumps(order(i, rng)) for i in range(a.n)) + "\n")
        rng = random.Random(4)
        new.write_text("\n".join(json.dumps(clinical(i, rng)) for i in range(a.n)) + "\n")
        commands = {
            f"today's orders ({a.n:,})": [OSDOSE, "verify", "--batch", str(today), "-f", "json"],
            f"with carboplatin and count gates ({a.n:,})": [
                OSDOSE, "verify", "--batch", str(new), "-f", "json",
            ],
        }  # fmt: skip
        if a.base:
            commands[f"today's orders, {a.base}"] = [
                a.base, "verify", "--batch", str(today), "--format", "json",
            ]  # fmt: skip
        med = medians(commands, a.runs, ok=(0, 1))
        names = list(med)
        ratio = med[names[1]] / med[names[0]]
        print(f"carboplatin and count gates / today's orders: {ratio:.2f}× (target ≤ 1.2×)")


if __name__ == "__main__":
    main()
