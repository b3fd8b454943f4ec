"""Where orders come from: YAML files, folders of them, and JSONL batch files.

A JSONL line is read as plain data and wrapped in a :class:`Document` whose every position
is that line, so each problem names ``batch.jsonl:LINE``. In a batch an unreadable order is
returned as :class:`Unreadable`, counted as failed, and the rest is still verified.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from osdose.drugs import DrugTable
from osdose.errors import FileError, OsdoseError
from osdose.source import Document, Pos, decode, json_value, load, read_bytes
from osdose.verify.order import Order, build_order

ORDER_SUFFIXES = (".yaml", ".yml")


def load_order(path: str | Path, table: DrugTable) -> Order:
    """One order from a YAML file; a problem raises with file and line."""
    if str(path).lower().endswith(".json"):  # a FHIR MedicationRequest Bundle (osdose[fhir])
        from osdose.fhir.order import is_bundle, load_bundle_order

        if is_bundle(path):
            return load_bundle_order(path, table)
    doc = load(path, what="order file")
    return build_order(doc, str(path), Path(path).parent, table)


def order_from_object(
    data: object, batch: str | Path, line: int, table: DrugTable, base: Path | None = None
) -> Order:
    """One order from a decoded JSONL line (its relative paths are the batch file's folder,
    ``base``)."""
    name = str(batch)
    doc = Document(name, data, values={(): Pos(line, 1)})
    return build_order(doc, f"{name}:{line}", base or Path(batch).parent, table)


MAX_LINE = 1 << 20  # characters of one order (a line longer than this is no order)


def jsonl_lines(path: Path) -> list[str] | FileError:
    """The lines of a JSONL batch file, or why it cannot be read (a folder, device or pipe,
    a file over :func:`osdose.source.input_limit`, binary or not UTF-8)."""
    try:
        return decode(read_bytes(path, what="JSONL batch file"), path).splitlines()
    except FileError as exc:
        return exc


def orders_from_lines(
    path: Path, lines: list[str], start: int, stop: int, table: DrugTable
) -> Iterator[Order | FileError]:
    """The orders of ``lines[start:stop]`` of a batch file (line numbers from 1)."""
    base = path.parent
    for n in range(start + 1, stop + 1):
        raw = lines[n - 1]
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE:
            yield FileError(path, n, f"the line is longer than {MAX_LINE:,} characters: no order")
            continue
        try:
            data = json_value(raw)
        except json.JSONDecodeError as exc:
            yield FileError(path, n, f"not a JSON object: {exc.msg} (column {exc.colno})")
            continue
        except ValueError as exc:  # a duplicate key, NaN, a huge number, nesting too deep
            yield FileError(path, n, f"not a JSON object osdose reads: {exc}")
            continue
        if not isinstance(data, dict):
            yield FileError(path, n, "each line must be one JSON object (an order)")
            continue
        try:
            yield order_from_object(data, path, n, table, base)
        except OsdoseError as exc:
            yield exc if isinstance(exc, FileError) else FileError(path, n, str(exc))


def expand(paths: list[Path]) -> list[Path]:
    """Order files, with each folder replaced by its ``*.yaml``/``*.yml`` files (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            # a device or pipe named *.yaml is kept, to be refused by name, never skipped
            out.extend(
                sorted(q for q in p.iterdir() if q.suffix in ORDER_SUFFIXES and not q.is_dir())
            )
        else:
            out.append(p)
    return out


def orders(
    paths: list[Path], batch: Path | None, table: DrugTable
) -> Iterator[Order | OsdoseError]:
    """Every order of the files, folders and batch file, or the error that stopped it."""
    for p in expand(paths):
        try:
            yield load_order(p, table)
        except OsdoseError as exc:
            yield exc
    if batch is not None:
        lines = jsonl_lines(batch)
        if isinstance(lines, FileError):
            yield lines
            return
        yield from orders_from_lines(batch, lines, 0, len(lines), table)
