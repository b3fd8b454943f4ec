"""The floors the benchmarks measure osdose against, each run as a whole process like osdose:

- ``floors.py yaml-files FOLDER``: a loop of ``yaml.load(..., CSafeLoader)`` over every
  ``*.yaml`` file under FOLDER (the floor of ``osdose lint``);
- ``floors.py yaml-file FILE``: one ``CSafeLoader`` load of FILE (the floor of
  ``osdose cumulative`` and ``osdose plan``);
- ``floors.py orders FILE``: a plain-Python check of a JSON Lines batch of orders, one line
  at a time: parse the line, recompute each prescribed drug's dose from the patient's height
  and weight (Mosteller BSA × the regimen's mg/m²), compare it with the prescription
  (within 5 %) and write one JSON result line per order (the floor of ``osdose verify
  --batch``). It knows only the benchmark's two regimens, hard-coded.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import yaml

#: the benchmark's regimens (benchmarks/verify.py): drug → mg/m² per day
PER_M2 = {
    "DDP+EPI": {"cisplatin": 140.0, "epirubicin": 50.0},
    "DIA": {"cisplatin": 120.0, "epirubicin": 40.0, "ifosfamide": 2000.0, "mesna": 1200.0},
}
_UNITS = {"cm": 1.0, "m": 100.0, "kg": 1.0, "g": 0.001, "mg": 1.0}


def _amount(text: str) -> float:
    value, unit = text.split()
    return float(value) * _UNITS[unit]


def check_order(line: str) -> dict[str, object]:
    o = json.loads(line)
    p = o["patient"]
    bsa = math.sqrt(_amount(p["height"]) * _amount(p["weight"]) / 3600)
    per_m2 = PER_M2[o["regimen"]]
    drugs = []
    for rx in o["prescribed"]:
        expected = per_m2[rx["drug"]] * bsa
        given = _amount(rx["dose"])
        ok = abs(given - expected) <= 0.05 * expected
        drugs.append({"drug": rx["drug"], "expected_mg": expected, "ok": ok})
    status = "pass" if all(d["ok"] for d in drugs) else "fail"
    return {"patient": p["id"], "bsa_m2": bsa, "status": status, "drugs": drugs}


def orders(path: str) -> None:
    out = sys.stdout
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.write(json.dumps(check_order(line)) + "\n")


def yaml_files(folder: str) -> None:
    for f in sorted(Path(folder).rglob("*.yaml")):
        with f.open(encoding="utf-8") as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)


def yaml_file(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)


if __name__ == "__main__":
    {"orders": orders, "yaml-files": yaml_files, "yaml-file": yaml_file}[sys.argv[1]](sys.argv[2])
