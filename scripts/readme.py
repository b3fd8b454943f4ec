"""Keep the example output of the README and of docs/ real.

Every fenced block whose info string is ``console`` holds commands (lines starting ``$ ``),
each followed by its output and a ``# exit N`` line. The blocks of each document run in
order in a folder of their own that holds nothing but the shipped examples (``osdose
examples --to .``), as a reader would run them: from an empty folder, with osdose
installed. ``--update`` rewrites the documents' output; ``--check`` (the default; run by
the test suite) fails when a document differs from a fresh run; ``--wheel`` checks with an
osdose installed from a wheel built from this checkout into a fresh virtual environment, so
that an example needing a file the wheel does not ship fails. Blocks whose output changes
from run to run (times, hashes) use the info string ``text`` and are not run.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
# settings of the reader's machine that would change what osdose prints or reads
UNSET = ("FORCE_COLOR", "OSDOSE_LEDGER", "OSDOSE_DRUGS", "OSDOSE_THRESHOLDS", "PYTHONPATH")


def documents() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    docs = ROOT / "docs"
    return [README, *sorted(docs.rglob("*.md"))] if docs.is_dir() else [README]


class Folder:
    """An empty folder with the shipped examples in it, where one document's commands run
    with the osdose of ``bin_dir``."""

    def __init__(self, path: Path, bin_dir: Path) -> None:
        self.path = path
        self.env = {k: v for k, v in os.environ.items() if k not in UNSET}
        self.env.update(
            PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            NO_COLOR="1",
            COLUMNS="120",
            TERM="dumb",
            # the default ledger, were a command to use it, is this folder's, not the user's
            XDG_DATA_HOME=str(path / ".data"),
        )
        copied = self.run("osdose examples --to .")
        if not copied.endswith("# exit 0\n"):
            raise RuntimeError(f"osdose examples --to . failed in {path}:\n{copied}")

    def run(self, command: str) -> str:
        p = subprocess.run(
            ["bash", "-c", command], cwd=self.path, env=self.env, capture_output=True, text=True
        )
        out = p.stdout + p.stderr
        # trailing spaces are layout, not content; editors strip them
        out = "\n".join(line.rstrip() for line in out.rstrip("\n").splitlines())
        return f"$ {command}\n" + (out + "\n" if out else "") + f"# exit {p.returncode}\n"


def refreshed(text: str, bin_dir: Path) -> str:
    """``text`` with every console block's output replaced by a fresh run's."""
    if not BLOCK.search(text):
        return text
    with tempfile.TemporaryDirectory(prefix="osdose-doc-") as tmp:
        folder = Folder(Path(tmp), bin_dir)

        def render(m: re.Match[str]) -> str:
            commands = [line[2:] for line in m.group(1).splitlines() if line.startswith("$ ")]
            if not commands:  # a listing of commands to type, not a transcript
                return m.group(0)
            return "```console\n" + "".join(folder.run(c) for c in commands) + "```\n"

        return BLOCK.sub(render, text)


def install_wheel(tmp: Path) -> Path:
    """Build a wheel from a copy of this checkout and install it into a fresh virtual
    environment in ``tmp``; its bin folder. Only osdose comes from the wheel: its
    dependencies are this interpreter's (a .pth file), so no network is needed."""
    src = tmp / "src"
    shutil.copytree(  # a copy, so that the build leaves the checkout and its build/ alone
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".*", "build", "dist", "site", "*.egg-info", "__pycache__"),
    )
    pip = [sys.executable, "-m", "pip"]
    quiet = {"check": True, "capture_output": True}
    wheels = tmp / "dist"
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(src)],
        **quiet,
    )
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], **quiet)
    python = venv / "bin" / "python"
    wheel = next(wheels.glob("osdose-*.whl"))
    subprocess.run(
        [*pip, "--python", str(python), "install", "-q", "--no-deps", str(wheel)], **quiet
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True,
        **quiet,
    ).stdout.strip()
    (Path(site) / "osdose-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", "utf-8"
    )
    return venv / "bin"


def stale(path: Path, new: str) -> str:
    """The diff of ``path`` against a fresh run, and how to fix it."""
    name = str(path.relative_to(ROOT))
    diff = difflib.unified_diff(
        path.read_text("utf-8").splitlines(True), new.splitlines(True), name, "fresh run"
    )
    fix = f".venv/bin/python scripts/readme.py --update {name}"
    return "".join(diff) + f"{name} output is stale: run `{fix}`\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the files in place")
    parser.add_argument(
        "--wheel", action="store_true", help="check with osdose installed from a wheel"
    )
    parser.add_argument("files", nargs="*", type=Path, help="only these (default: all)")
    args = parser.parse_args()
    if args.update and args.wheel:
        parser.error("--wheel only checks; update with the development install")
    paths = [p.resolve() for p in args.files] or documents()
    with tempfile.TemporaryDirectory(prefix="osdose-wheel-") as tmp:
        bin_dir = install_wheel(Path(tmp)) if args.wheel else Path(sys.executable).parent

        def work(path: Path) -> str:
            text = path.read_text("utf-8")
            new = refreshed(text, bin_dir)
            if new == text:
                return ""
            if args.update:
                path.write_text(new, "utf-8")
                return ""
            return stale(path, new)

        # documents run side by side, each in its own folder
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            reports = [r for r in pool.map(work, paths) if r]
    sys.stdout.write("".join(reports))
    return 1 if reports else 0


if __name__ == "__main__":
    sys.exit(main())
