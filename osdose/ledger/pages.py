"""Which of a patient's records ``ledger list`` shows, as one SQL query on either backend.

A page is a patient's records sorted by date (a void by the date of the record it voids),
then id: by default the newest :data:`DEFAULT_LIMIT` administrations in effect, from a
date on (``since``), or all of them. The database filters, sorts and limits; rows stream
out of it one record at a time (with its second signatures and the id of its void), so
listing a million records holds one in memory, and a page of 50 reads 50.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from osdose.ledger.records import COLUMNS, SIGNATURE_COLUMNS, Record, Signature

DEFAULT_LIMIT = 50  # records a person reads on one screen or two


@dataclass(frozen=True)
class Page:
    """Which records: a patient's administrations in effect (every record with
    ``include_void``), dated on or after ``since``, the newest ``limit`` (``None``: all)."""

    patient: str
    include_void: bool = False
    since: dt.date | None = None
    limit: int | None = DEFAULT_LIMIT
    by_id: bool = False  # in the order recorded (export: the order totals are summed in)


@dataclass(frozen=True)
class Tables:
    """How a backend names its tables and writes a parameter (``?`` or ``%s``)."""

    records: str
    signatures: str | None  # None: a ledger of schema 1, before second signatures
    mark: str


def _where(page: Page, t: Tables) -> tuple[str, list[Any]]:
    m = t.mark
    sql = (
        f"FROM {t.records} r LEFT JOIN {t.records} v ON v.voids = r.id "
        f"LEFT JOIN {t.records} w ON w.id = r.voids WHERE r.patient = {m}"
    )
    params: list[Any] = [page.patient]
    if not page.include_void:
        sql += " AND r.kind = 'administration' AND v.id IS NULL"
    if page.since is not None:
        sql += f" AND COALESCE(r.date, w.date) >= {m}"
        params.append(page.since if "%" in m else page.since.isoformat())
    return sql, params


def count_query(page: Page, t: Tables) -> tuple[str, list[Any]]:
    """How many records the page would hold without its limit."""
    where, params = _where(page, t)
    return f"SELECT count(*) {where}", params


def page_query(page: Page, t: Tables) -> tuple[str, list[Any]]:
    """The page's rows: each record's columns (:data:`COLUMNS`), the id of its void, then
    one of its second signatures (:data:`SIGNATURE_COLUMNS`, NULLs when none); a record
    with several signatures comes on consecutive rows, in signature order."""
    where, params = _where(page, t)
    cols = ", ".join(f"r.{c}" for c in COLUMNS)
    inner = f"SELECT {cols}, v.id AS voided_by, COALESCE(r.date, w.date) AS sort_date {where}"
    if page.limit is not None:
        newest = "r.id DESC" if page.by_id else "sort_date DESC, r.id DESC"
        inner += f" ORDER BY {newest} LIMIT {t.mark}"
        params.append(page.limit)
    outer = ", ".join(f"p.{c}" for c in COLUMNS)
    order = "p.id" if page.by_id else "p.sort_date, p.id"
    if t.signatures is None:
        nulls = ", ".join("NULL" for _ in SIGNATURE_COLUMNS)
        return f"SELECT {outer}, p.voided_by, {nulls} FROM ({inner}) p ORDER BY {order}", params
    sig = ", ".join(f"s.{c}" for c in SIGNATURE_COLUMNS)
    return (
        f"SELECT {outer}, p.voided_by, {sig} FROM ({inner}) p "
        f"LEFT JOIN {t.signatures} s ON s.record_id = p.id ORDER BY {order}, s.id",
        params,
    )


Row = tuple[Any, ...]
#: One record of a page as the database gives it: its columns (:data:`COLUMNS`; a date as
#: ``YYYY-MM-DD`` text or a date), the id of its void, and its signatures' rows.
Entry = tuple[Row, int | None, list[Row]]
_N = len(COLUMNS)
_DATE = COLUMNS.index("date")


def grouped(rows: Iterable[Row]) -> Iterator[Entry]:
    """The rows of :func:`page_query` as (record columns, voided by, signature rows), one
    per record, in order."""
    current: Row | None = None
    voided_by: int | None = None
    sigs: list[Row] = []
    for row in rows:
        if current is None or row[0] != current[0]:
            if current is not None:
                yield current, voided_by, sigs
            current, voided_by, sigs = row[:_N], row[_N], []
        if row[_N + 1] is not None:
            sigs.append(row[_N + 1 :])
    if current is not None:
        yield current, voided_by, sigs


def record_of(row: Row) -> Record:
    """The :class:`Record` of a row of :data:`COLUMNS`."""
    if isinstance(row[_DATE], str):
        row = (*row[:_DATE], dt.date.fromisoformat(row[_DATE]), *row[_DATE + 1 :])
    return Record(**dict(zip(COLUMNS, row, strict=True)))


def signatures_of(rows: list[Row]) -> tuple[Signature, ...]:
    return tuple(Signature(*r) for r in rows)
