"""`osdose lint` on a library of 2,000 regimen files, against a plain Python loop that only
`yaml.safe_load`s the same files. Prints both times and the ratio.

The lint time is the whole command as CI runs it (a fresh process: start-up, drug table,
every rule on every file). The floor is the loop alone, in this process, after a warm-up.

Run: .venv/bin/python benchmarks/lint.py   (target: ratio ≤ 3, and under 5 s in all)
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

N_FILES = 2000
RUNS = 3
ROOT = Path(__file__).resolve().parents[1]
OSDOSE = shutil.which("osdose", path=str(Path(sys.executable).parent)) or "osdose"


def make_library(folder: Path) -> list[Path]:
    """2,000 files: the shipped regimens, each copy with its own name and aliases."""
    sources = sorted((ROOT / "regimens").glob("*.yaml"))
    texts = [s.read_text("utf-8") for s in sources]
    files = []
    for i in range(N_FILES):
        text = texts[i % len(texts)]
        text = re.sub(r"(?m)^name: .*$", f"name: regimen-{i:04d}", text)
        text = re.sub(r"(?m)^aliases: .*$", f"aliases: [alias-{i:04d}]", text)
        sub = folder / f"site-{i % 20:02d}"
        sub.mkdir(exist_ok=True)
        path = sub / f"regimen-{i:04d}.yaml"
        path.write_text(text, "utf-8")
        files.append(path)
    return files


def time_lint(folder: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [OSDOSE, "lint", "--strict", "--format", "json", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"lint failed on the generated library: {done.stderr}")
    return elapsed


def time_safe_load(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in files:
        with f.open(encoding="utf-8") as fh:
            yaml.safe_load(fh)
    return time.perf_counter() - t0


def time_c_safe_load(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in files:
        with f.open(encoding="utf-8") as fh:
            yaml.load(fh, Loader=yaml.CSafeLoader)
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = make_library(folder)
        time_safe_load(files[:50])  # warm the page cache and PyYAML
        lint_times, load_times, c_times = [], [], []
        for _ in range(RUNS):
            lint_times.append(time_lint(folder))
            load_times.append(time_safe_load(files))
            c_times.append(time_c_safe_load(files))
    lint_s, load_s = statistics.median(lint_times), statistics.median(load_times)
    c_s = statistics.median(c_times)
    print(f"{N_FILES} regimen files, median of {RUNS} runs")
    print(f"{lint_s:8.2f} s  osdose lint --strict --format json (whole process)")
    print(f"{load_s:8.2f} s  plain loop of yaml.safe_load")
    print(f"ratio lint/safe_load: {lint_s / load_s:.2f} (target ≤ 3; lint under 5 s)")
    # for context: yaml.safe_load is PyYAML's pure-Python loader; libyaml's is much faster
    print(f"{c_s:8.2f} s  (for context) loop of yaml.load(Loader=CSafeLoader)")
    print(f"ratio lint/CSafeLoader loop: {lint_s / c_s:.2f}")


if __name__ == "__main__":
    main()
