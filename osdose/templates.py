"""Commented, valid examples of each file format osdose reads (``osdose template KIND``), and
the example files shipped with osdose (``osdose examples --to DIR``).

Each template is a file in ``osdose/data/templates/`` that the tests hold to two promises:
it is valid (the command it is for accepts it), and it names every field of its format's
model (shown commented out where optional), so that a field added to a format without its
template fails the build. The batch template is made from the order template, so the two
cannot drift apart; the drug-table template is the shipped drug table itself.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from osdose.errors import OsdoseError


@dataclass(frozen=True)
class Template:
    kind: str
    text: str
    filename: str  # what to call the file it makes
    command: str  # how to use it


KINDS = {
    "course": ("course.yaml", "osdose cumulative course.yaml"),
    "order": ("order.yaml", "osdose verify order.yaml"),
    "regimen": ("regimen.yaml", "osdose lint regimen.yaml && osdose dose regimen.yaml …"),
    "drugs": ("drugs.yaml", "osdose --drugs drugs.yaml dose …"),
    "batch": ("batch.jsonl", "osdose verify --batch batch.jsonl"),
    "patients": ("patients.yaml", "osdose snapshot REGIMENS --patients patients.yaml"),
}


def _data(*parts: str) -> str:
    return resources.files("osdose").joinpath("data", *parts).read_text("utf-8")


def _batch() -> str:
    """Two orders, one JSON object a line: the order template, and the same patient's
    second cycle with its first given inline as history (JSON Lines has no comments)."""
    import yaml

    first: dict[str, Any] = yaml.safe_load(_data("templates", "order.yaml"))
    first = json.loads(json.dumps(first, default=str, allow_nan=False))  # dates as text
    second = json.loads(json.dumps(first, allow_nan=False))
    second.update(
        cycle=2,
        date="2026-06-22",
        labs={"date": "2026-06-21", "anc": "2.6 x10^9/L", "platelets": "190 x10^9/L"},
        history=[{"date": "2026-06-01", "regimen": "DDP+EPI", "cycle": 1}],
    )
    return "".join(
        json.dumps(o, ensure_ascii=False, allow_nan=False) + "\n" for o in (first, second)
    )


def template(kind: str) -> Template:
    """The template of ``kind`` (one of :data:`KINDS`)."""
    if kind not in KINDS:
        raise OsdoseError(f"no template {kind!r}: choose one of {', '.join(KINDS)}")
    filename, command = KINDS[kind]
    if kind == "batch":
        text = _batch()
    elif kind == "drugs":
        text = _data("drugs.yaml")
    elif kind == "patients":
        text = _data("reference-patients.yaml")
    else:
        text = _data("templates", filename)
    return Template(kind, text, filename, command)


# -- the shipped examples ----------------------------------------------------------------------


def examples() -> list[tuple[str, str]]:
    """The shipped example files as (relative path, text), sorted: the case report's course
    files, orders, example regimens, and the scripts the documentation runs."""
    root = resources.files("osdose.examples")
    out: list[tuple[str, str]] = []

    def walk(folder: Any, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.is_dir() and not entry.name.startswith(("_", ".")):
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith((".yaml", ".yml", ".jsonl", ".json", ".sh")):
                out.append((f"{prefix}{entry.name}", entry.read_text("utf-8")))

    walk(root, "")
    return out


def copy_examples(to: Path, force: bool = False) -> list[Path]:
    """Write the shipped examples under ``to/examples/`` (each file atomically); an existing
    file is replaced only with ``force``. The paths written."""
    from osdose.atomic import write_atomic

    items = examples()
    targets = [(to / "examples" / rel, text) for rel, text in items]
    # lexists: a link (even a dangling one) is there too, and is never written through
    existing = [str(p) for p, _ in targets if os.path.lexists(p)]
    if existing and not force:
        raise OsdoseError(
            f"{existing[0]} exists{f' (and {len(existing) - 1} more)' if len(existing) > 1 else ''}"
            ": nothing written; give --force to replace them"
        )
    from osdose.atomic import check_target

    for path, _ in targets:  # a link or a folder in the way: refused before any is written
        if path.parent.is_dir():
            check_target(path, force=force)
    for path, text in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text, force=force, mode=0o644)
    return [p for p, _ in targets]
