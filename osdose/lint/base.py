"""``lint --base REF``: each linted file as it was at a git revision, read with ``git``.

A file is found at the revision by its path relative to its own folder (``git -C DIR``), so
that it works from any working directory. A file that did not exist at the revision is
new: there is nothing to compare with. Not being in a git repository, or a revision git does
not know, is a usage error (one line, exit 2), never a silent pass.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from osdose.errors import OsdoseError

TIMEOUT = 30  # seconds for one git command: a hung git is an error, not a pass


@dataclass(frozen=True)
class BaseFile:
    """A linted file at revision ``ref``: its bytes there, or ``None`` when it is new."""

    ref: str
    raw: bytes | None


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, timeout=TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise OsdoseError("--base needs git, and git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise OsdoseError(f"--base: git did not answer within {TIMEOUT} s in {folder}") from None


def _folder(path: str) -> Path:
    return Path(path).resolve().parent


def check_ref(ref: str, path: str) -> None:
    """Refuse ``ref`` unless ``path`` is in a git repository that knows it as a commit."""
    if ref.startswith("-"):
        raise OsdoseError(f"--base {ref!r}: a git revision does not start with '-'")
    folder = _folder(path)
    inside = _git(folder, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise OsdoseError(
            f"--base {ref}: {path} is not in a git repository (lint --base compares each file "
            "with its version at a git revision)"
        )
    known = _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if known.returncode != 0:
        raise OsdoseError(
            f"--base {ref}: git knows no such revision in the repository of {path} (give a "
            "branch, tag or commit, for example origin/main; fetch it first in a shallow clone)"
        )


def read_base(ref: str, path: str) -> BaseFile:
    """``path`` as it was at ``ref`` (call :func:`check_ref` first)."""
    folder = _folder(path)
    name = f"./{Path(path).name}"
    listed = _git(folder, "ls-tree", "--name-only", ref, "--", name)
    if listed.returncode != 0:
        raise OsdoseError(
            f"--base {ref}: git cannot list {path} at that revision: "
            f"{listed.stderr.decode('utf-8', 'replace').strip()}"
        )
    if not listed.stdout.strip():
        return BaseFile(ref, None)
    shown = _git(folder, "show", f"{ref}:{name}")
    if shown.returncode != 0:
        raise OsdoseError(
            f"--base {ref}: git cannot show {path} at that revision: "
            f"{shown.stderr.decode('utf-8', 'replace').strip()}"
        )
    return BaseFile(ref, shown.stdout)
