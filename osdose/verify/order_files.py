"""Where orders come from: YAML files, folders of them, and JSONL batch files.

A JSONL line is read as plain data and wrapped in a :class:`Document` whose every position
is that line, so each problem names ``batch.jsonl:LINE``. In a batch an unreadable order is
returned as :class:`Unreadable`, counted as failed, and the rest is still verified.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from osdose.drugs import DrugTable
from osdose.errors import FileError, OsdoseError
from osdose.reader import Document, Pos, input_limit, json_value, load, open_regular, too_large
from osdose.verify.order import Order, build_order

ORDER_SUFFIXES = (".yaml", ".yml")


OrderLoader = Callable[[Path, DrugTable], Order]


def load_order(path: str | Path, table: DrugTable) -> Order:
    """One order in osdose's own format (YAML, or the same as JSON) from a file; a problem
    raises with file and line. A FHIR MedicationRequest Bundle is read by
    :func:`osdose.orders.load_any_order`, which sits above both this and the FHIR readers."""
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


_BLOCK = 1 << 20  # bytes read at a time while checking a batch file


def check_batch(path: Path) -> int | FileError:
    """The number of lines of a JSONL batch file (as ``\\n`` ends them: the count sizes the
    worker pool), or why it cannot be read (a folder, device or pipe, a file over
    :func:`osdose.reader.input_limit`, binary or not UTF-8): the whole file is checked, a
    block at a time, before any order is verified (nothing is held)."""
    what = "JSONL batch file"
    limit = input_limit()
    try:
        f = open_regular(path, limit, what)
    except FileError as exc:
        return exc
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    size = newlines = 0
    binary = False
    bad_line: int | None = None
    last = b""
    with f:
        while True:
            try:
                block = f.read(_BLOCK)
            except OSError as exc:
                return FileError(path, None, f"cannot be read ({exc.strerror})")
            size += len(block)
            if size > limit:
                return too_large(path, limit, what)
            if not block:
                break
            binary = binary or b"\x00" in block
            if bad_line is None:
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    at = max(0, exc.start - pending)
                    bad_line = newlines + block[:at].count(b"\n") + 1
            newlines += block.count(b"\n")
            last = block[-1:]
    if not binary and bad_line is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            bad_line = newlines + 1
    # as decode() of the whole file: binary content first, then the first bad UTF-8
    if binary:
        return FileError(path, 1, "is a binary file, not text")
    if bad_line is not None:
        return FileError(path, bad_line, "is not UTF-8 text")
    return newlines + (1 if last not in (b"", b"\n") else 0)


def batch_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a batch file that :func:`check_batch` accepted, numbered from 1, read
    one at a time; lines end as ``str.splitlines`` ends them (``\\r\\n``, ``\\r``,
    ``\\u2028``, …), so numbers agree with an editor's and with reading the file whole."""
    n = 0
    with open(path, "rb") as f:
        for i, raw in enumerate(f):
            text = raw.decode("utf-8-sig" if i == 0 else "utf-8", "replace")
            for line in text.splitlines():
                n += 1
                yield n, line


def orders_from_lines(
    path: Path, lines: Iterable[tuple[int, str]], table: DrugTable
) -> Iterator[Order | FileError]:
    """The orders of numbered ``lines`` of a batch file."""
    base = path.parent
    for n, raw in lines:
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
    paths: list[Path], batch: Path | None, table: DrugTable, load: OrderLoader = load_order
) -> Iterator[Order | OsdoseError]:
    """Every order of the files, folders and batch file, or the error that stopped it (each
    file read by ``load``)."""
    for p in expand(paths):
        try:
            yield load(p, table)
        except OsdoseError as exc:
            yield exc
    if batch is not None:
        checked = check_batch(batch)
        if isinstance(checked, FileError):
            yield checked
            return
        yield from orders_from_lines(batch, batch_lines(batch), table)
