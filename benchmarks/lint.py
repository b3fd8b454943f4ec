"""`osdose lint` of a library of 10,000 regimen files against a loop of
``yaml.load(..., CSafeLoader)`` over the same files (benchmarks/floors.py), both as whole
processes, paired runs, medians of CPU time; then the peak memory at N and N/4, to show that
it stays flat as the library grows (files are streamed, not all held).

Run: .venv/bin/python benchmarks/lint.py [-n FILES] [--runs R]   (target: ≤ 1.0×)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from timing import OSDOSE, compile_package, paired, row

ROOT = Path(__file__).resolve().parents[1]
FLOORS = str(Path(__file__).with_name("floors.py"))
TARGET = 1.0


def make_library(folder: Path, n: int) -> None:
    """``n`` files: the shipped regimens in turn, each copy with its own name and aliases."""
    texts = [s.read_text("utf-8") for s in sorted((ROOT / "regimens").glob("*.yaml"))]
    for i in range(n):
        text = texts[i % len(texts)]
        text = re.sub(r"(?m)^name: .*$", f"name: regimen-{i:05d}", text)
        text = re.sub(r"(?m)^aliases: .*$", f"aliases: [alias-{i:05d}]", text)
        sub = folder / f"site-{i % 20:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"regimen-{i:05d}.yaml").write_text(text, "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    compile_package()
    print(f"lint of {a.n:,} regimen files, {a.runs} paired runs")
    pairs = {}
    for n in (a.n // 4, a.n):
        with tempfile.TemporaryDirectory() as tmp:
            make_library(Path(tmp), n)
            pairs[n] = paired(
                [OSDOSE, "lint", "--format", "json", tmp],
                [sys.executable, FLOORS, "yaml-files", tmp],
                a.runs,
                ok=(0, 1),
                label=f"osdose lint -f json, {n:,} files",
            )
    small, big = pairs[a.n // 4], pairs[a.n]
    print(f"  peak memory {small.peak_mib:.0f} MiB at {a.n // 4:,}, {big.peak_mib:.0f} at {a.n:,}")
    row(
        "`lint` of a regimen library",
        "loop of `yaml.load(..., CSafeLoader)`",
        TARGET,
        big,
        f"{a.n:,} files (peak {small.peak_mib:.0f} MiB at {a.n // 4:,})",
    )


if __name__ == "__main__":
    main()
