"""Keep the example output of the README and of docs/ real.

Every fenced block whose info string is ``console`` holds commands (lines starting ``$ ``),
each followed by its output and a ``# exit N`` line. ``--update`` re-runs the commands from
the repository root with the project's .venv first on PATH and rewrites their output;
``--check`` (the default; run by the test suite) fails when the README differs from a fresh
run. Blocks whose output changes from run to run (dates, temporary paths) use the info
string ``text`` and are not run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def documents() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    docs = ROOT / "docs"
    return [README, *sorted(docs.rglob("*.md"))] if docs.is_dir() else [README]


BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


def run(command: str) -> str:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "TERM": "dumb",
    }
    env.pop("FORCE_COLOR", None)
    p = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True)
    out = p.stdout + p.stderr
    # trailing spaces are layout, not content; editors strip them
    out = "\n".join(line.rstrip() for line in out.rstrip("\n").splitlines())
    return f"$ {command}\n" + (out + "\n" if out else "") + f"# exit {p.returncode}\n"


def render_block(body: str) -> str:
    commands = [line[2:] for line in body.splitlines() if line.startswith("$ ")]
    if not commands:  # a listing of commands to type, not a transcript
        return "```console\n" + body + "```\n"
    return "```console\n" + "".join(run(c) for c in commands) + "```\n"


def refreshed(text: str) -> str:
    return BLOCK.sub(lambda m: render_block(m.group(1)), text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the files in place")
    parser.add_argument("files", nargs="*", type=Path, help="only these (default: all)")
    args = parser.parse_args()
    stale = 0
    for path in [p.resolve() for p in args.files] or documents():
        text = path.read_text("utf-8")
        new = refreshed(text)
        if args.update:
            if new != text:
                path.write_text(new, "utf-8")
            continue
        if new != text:
            import difflib

            name = str(path.relative_to(ROOT))
            sys.stdout.writelines(
                difflib.unified_diff(text.splitlines(True), new.splitlines(True), name, "fresh run")
            )
            fix = f".venv/bin/python scripts/readme.py --update {name}"
            print(f"{name} output is stale: run `{fix}`")
            stale += 1
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
