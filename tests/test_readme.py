"""The documentation's examples are real: every `console` block of the README and docs/
re-runs to the same text in an empty folder with osdose installed from a wheel, and the
file-format pages are generated from the models; the README is a short path that starts
with the two quick-start commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *args], capture_output=True, text=True
    )


@pytest.mark.slow
def test_every_documented_example_runs_from_an_empty_folder_with_a_wheel_install() -> None:
    # OSDOSE_SKIP_WHEEL=1 (as for tests/test_packaging.py): the same check with this
    # environment's osdose, still each page in an empty folder
    wheel = [] if os.environ.get("OSDOSE_SKIP_WHEEL") == "1" else ["--wheel"]
    r = script("readme.py", *wheel)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]


def test_format_pages_are_generated_from_the_models() -> None:
    r = script("formats.py")
    assert r.returncode == 0, r.stdout + r.stderr


def test_readme_quick_start_is_the_two_commands() -> None:
    quick = README.read_text("utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"```sh\n(.*?)```", quick, re.DOTALL) == ["make demo\nmake test\n"]


def test_readme_is_at_most_300_lines() -> None:
    assert len(README.read_text("utf-8").splitlines()) <= 300


def test_readme_shows_each_main_job_with_one_example_and_links_to_its_page() -> None:
    # after the quick start; the guarantees and the links at the end show no command
    closing = ("Security and reliability\n", "Everything else\n")
    sections = [
        s for s in README.read_text("utf-8").split("\n## ")[2:] if not s.startswith(closing)
    ]
    pages = [
        "docs/commands/dose.md",
        "docs/commands/plan.md",
        "docs/commands/verify.md",
        "docs/ci.md",
        "docs/ledger.md",
    ]
    assert len(sections) == len(pages)
    for section, page in zip(sections, pages, strict=True):
        assert section.count("```console") == 1, section[:60]
        assert f"]({page})" in section, page
