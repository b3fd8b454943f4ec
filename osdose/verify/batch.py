"""Verifying many orders: files, folders and JSONL batches, in one process or several.

Each order's outcome is turned into what the caller will print (``render``) where it was
verified, so that a worker process sends back short strings, not object graphs. A batch file
is read a line at a time (checked whole first, a block at a time), never held. A batch
is split across processes only when it is large enough to repay starting them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from osdose.drugs import DrugTable
from osdose.errors import FileError, OsdoseError
from osdose.verify.order import Order, with_history
from osdose.verify.order_files import (
    OrderLoader,
    batch_lines,
    check_batch,
    load_order,
    orders,
    orders_from_lines,
)
from osdose.verify.result import Options
from osdose.verify.run import Outcome, Unreadable, verify_order

R = TypeVar("R")
PARALLEL_FROM = 2000  # orders; below this, starting processes costs more than it saves


@dataclass(frozen=True)
class LedgerHistory:
    """Take each order's history from the ledger (``--ledger PATH [--patient ID]``): a
    file's path, or a PostgreSQL URL (a ``str``: a ``Path`` would fold its ``//``)."""

    path: str | Path
    patient: str | None = None

    def apply(self, order: Order, table: DrugTable) -> Order:
        from osdose.ledger.history import course_from_ledger

        if self.patient is not None and self.patient != order.patient.id:
            raise OsdoseError(
                f"{order.label}: --patient {self.patient!r} is not the order's patient "
                f"{order.patient.id!r}"
            )
        return with_history(order, course_from_ledger(self.path, order.patient.id, table))


def unreadable(exc: OsdoseError) -> Unreadable:
    if isinstance(exc, FileError):
        label = f"{exc.path}:{exc.line}" if exc.line else exc.path
        return Unreadable(label, str(exc))
    return Unreadable("order", str(exc))


def outcome(
    item: Order | OsdoseError, table: DrugTable, options: Options, ledger: LedgerHistory | None
) -> Outcome:
    """One order verified, or the reason it could not be (never raises osdose's errors)."""
    if isinstance(item, OsdoseError):
        return unreadable(item)
    try:
        order = ledger.apply(item, table) if ledger else item
        return verify_order(order, table, options)
    except OsdoseError as exc:
        return unreadable(exc)


# What a forked worker reads: set by run_iter() just before the pool starts (fork shares it).
_JOB: dict[str, Any] = {}


def _work(lines: list[tuple[int, str]]) -> list[Any]:
    j = _JOB
    items = orders_from_lines(j["batch"], lines, j["table"])
    return [j["render"](outcome(i, j["table"], j["options"], j["ledger"])) for i in items]


def _chunks(lines: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    while chunk := list(itertools.islice(lines, CHUNK)):
        yield chunk


def jobs_for(count: int, jobs: int | None) -> int:
    """Worker processes for ``count`` orders: ``jobs`` if given, else the usable cores."""
    if jobs is not None:
        return max(1, jobs)
    if count < PARALLEL_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


CHUNK = 500  # orders a worker verifies at a time: small enough to balance a busy machine


def run_iter(
    paths: list[Path],
    batch: Path | None,
    table: DrugTable,
    options: Options,
    render: Callable[[Outcome], R],
    ledger: LedgerHistory | None = None,
    jobs: int | None = None,
    load: OrderLoader = load_order,
) -> Generator[R, None, None]:
    """Every order of ``paths`` (files or folders) and ``batch`` (JSONL), rendered, in order,
    as soon as each is ready (a caller can write while workers still verify).

    An order that cannot be read is rendered as :class:`Unreadable`; a batch file that
    cannot be read at all raises before anything is yielded from it."""
    count = check_batch(batch) if batch is not None else 0
    if isinstance(count, OsdoseError):
        raise count  # the batch file itself cannot be read: refused before any output
    for item in orders(paths, None, table, load):
        yield render(outcome(item, table, options, ledger))
    if batch is None:
        return
    import multiprocessing

    n = jobs_for(count, jobs)
    if "fork" not in multiprocessing.get_all_start_methods():
        n = 1  # workers share the loaded tables by fork; without it, verify in this process
    if n == 1:
        items: Iterable[Order | OsdoseError] = orders_from_lines(batch, batch_lines(batch), table)
        for item in items:
            yield render(outcome(item, table, options, ledger))
        return
    from osdose.library import library

    library(table)  # built once here and shared by fork, not once per worker
    _JOB.update(batch=batch, table=table, options=options, render=render, ledger=ledger)
    pool = multiprocessing.get_context("fork").Pool(n)
    try:
        # lines go to the workers a chunk at a time as they read the file, and results
        # come back in order as each chunk is done: nothing grows with the batch
        for part in pool.imap(_work, _chunks(batch_lines(batch))):
            yield from part
    except BaseException:  # the reader gone (`| head`), Ctrl-C, an error: stop now
        _stop(pool)
        raise
    else:
        pool.close()
        pool.join()
    finally:
        _JOB.clear()


STOP_SECONDS = 5.0  # how long the pool's own teardown may take before its workers are killed


def _stop(pool: Any) -> None:
    """Stop ``pool`` without waiting on it for ever. ``Pool.terminate`` joins its threads,
    and one of them can wait for good on a result a terminated worker was half-way through
    sending (seen once in a few hundred runs of ``verify --batch … | head`` on a loaded
    machine): the teardown runs in a thread of its own, and after :data:`STOP_SECONDS`
    the workers are killed and the command goes on (that thread is a daemon: it does not
    hold the process open)."""
    import threading

    done = threading.Thread(target=pool.terminate, name="osdose-pool-stop", daemon=True)
    done.start()
    done.join(STOP_SECONDS)
    if done.is_alive():
        for worker in getattr(pool, "_pool", ()):  # the pool's processes (no public name)
            if worker.exitcode is None:
                worker.kill()
