"""Which of a patient's records ``ledger list`` shows, as one SQL query on either backend.

A page is a patient's records sorted by date (a void by the date of the record it voids),
then id: by default the newest :data:`DEFAULT_LIMIT` administrations in effect, from a
date on (``since``), or all of them. The database filters, sorts and limits; rows stream
out of it one record at a time (with its second signatures and the id of its void), so
listing a million records holds one in memory, and a page of 50 reads 50.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from osdose.ledger.records import COLUMNS, SIGNATURE_COLUMNS, Record, Signature, stored_date

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
    # which columns of each record and of each signature the rows hold (the id first, both)
    columns: tuple[str, ...] = COLUMNS
    signature_columns: tuple[str, ...] = SIGNATURE_COLUMNS


@dataclass(frozen=True)
class Tables:
    """How a backend names its tables and writes a parameter (``?`` or ``%s``)."""

    records: str
    signatures: str | None  # None: a ledger of schema 1, before second signatures
    mark: str


def _from_where(page: Page, t: Tables) -> tuple[str, str, str, list[Any]]:
    """The page's records as (``FROM`` with its joins, ``WHERE`` condition, the date a
    record sorts by, parameters): a record ``r``, the void ``v`` that voids it and, when
    voids are shown, the record ``w`` a void voids (whose date the void sorts by)."""
    m = t.mark
    joins = f"FROM {t.records} r LEFT JOIN {t.records} v ON v.voids = r.id"
    cond = f"r.patient = {m}"
    params: list[Any] = [page.patient]
    if page.include_void:
        joins += f" LEFT JOIN {t.records} w ON w.id = r.voids"
        date = "COALESCE(r.date, w.date)"
    else:  # administrations only, each with its date
        cond += " AND r.kind = 'administration' AND v.id IS NULL"
        date = "r.date"
    if page.since is not None:
        cond += f" AND {date} >= {m}"
        params.append(page.since if "%" in m else page.since.isoformat())
    return joins, cond, date, params


def voids_query(patient: str, t: Tables) -> tuple[str, list[Any]]:
    """The records that void one of ``patient``'s records, or that the patient's own
    records include as voids (whatever patient a changed void now names), in id order:
    what takes a record out of effect, for every reader to check before it leaves a record
    out. Two index look-ups (the patient's records; a void by what it voids), no scan."""
    m = t.mark
    cols = ", ".join(f"v.{c}" for c in COLUMNS)
    return (
        f"SELECT {cols} FROM {t.records} v WHERE v.patient = {m} AND v.voids IS NOT NULL "
        f"UNION ALL SELECT {cols} FROM {t.records} r JOIN {t.records} v ON v.voids = r.id "
        f"WHERE r.patient = {m} AND v.patient <> r.patient ORDER BY 1",
        [patient, patient],
    )


def count_query(page: Page, t: Tables) -> tuple[str, list[Any]]:
    """How many records the page would hold without its limit."""
    joins, cond, _, params = _from_where(page, t)
    return f"SELECT count(*) {joins} WHERE {cond}", params


def page_query(page: Page, t: Tables) -> tuple[str, list[Any]]:
    """The page's rows: each record's columns (``page.columns``), the id of its void, then
    one of its second signatures (``page.signature_columns``, NULLs when none); a record
    with several signatures comes on consecutive rows (:func:`grouped` puts them in the
    order they were made: sorting them in SQL cost a temporary B-tree of every row).

    A page without a limit is one flat join (a million records exported or listed in full:
    the sub-select that a limit needs, to count records rather than signature rows, was
    half of SQLite's time for the whole query)."""
    joins, cond, date, params = _from_where(page, t)
    cols = ", ".join(f"r.{c}" for c in page.columns)
    if t.signatures is None:
        sig, signed = ", ".join("NULL" for _ in page.signature_columns), ""
    else:
        sig = ", ".join(f"s.{c}" for c in page.signature_columns)
        signed = f" LEFT JOIN {t.signatures} s ON s.record_id = {{}}.id"
    if page.limit is None:
        order = "r.id" if page.by_id else f"{date}, r.id"
        return (
            f"SELECT {cols}, v.id, {sig} {joins}{signed.format('r')} WHERE {cond} ORDER BY {order}",
            params,
        )
    newest = "r.id DESC" if page.by_id else "sort_date DESC, r.id DESC"
    inner = (
        f"SELECT {cols}, v.id AS voided_by, {date} AS sort_date "
        f"{joins} WHERE {cond} ORDER BY {newest} LIMIT {t.mark}"
    )
    params.append(page.limit)
    outer = ", ".join(f"p.{c}" for c in page.columns)
    order = "p.id" if page.by_id else "p.sort_date, p.id"
    return (
        f"SELECT {outer}, p.voided_by, {sig} FROM ({inner}) p{signed.format('p')} ORDER BY {order}",
        params,
    )


Row = tuple[Any, ...]
#: One record of a page as the database gives it: its columns (:data:`COLUMNS`, or those
#: the page asked for; a date as ``YYYY-MM-DD`` text or a date), the id of its void, and
#: its signatures' rows.
Entry = tuple[Row, int | None, Sequence[Row]]
_DATE = COLUMNS.index("date")


def grouped(rows: Iterable[Row], page: Page) -> Iterator[Entry]:
    """The rows of :func:`page_query` for ``page`` as (record columns, voided by, signature
    rows), one per record, in order; a record's signatures in the order they were made
    (sorted by their id, the first column, each distinct)."""
    n = len(page.columns)
    first_sig = n + 1
    rid: Any = None
    current: Row = ()
    voided_by: int | None = None
    sigs: Sequence[Row] = ()
    for row in rows:
        if row[0] != rid:
            if current:
                yield current, voided_by, sigs if len(sigs) < 2 else sorted(sigs)
            rid, current, voided_by = row[0], row[:n], row[n]
            sigs = () if row[first_sig] is None else (row[first_sig:],)
        elif row[first_sig] is not None:
            sigs = (*sigs, row[first_sig:])
    if current:
        yield current, voided_by, sigs if len(sigs) < 2 else sorted(sigs)


def record_of(row: Row, location: str) -> Record:
    """The :class:`Record` of a row of :data:`COLUMNS` of the ledger at ``location`` (its
    date as :func:`~osdose.ledger.records.stored_date` reads it)."""
    if type(row[_DATE]) is not dt.date:
        row = (*row[:_DATE], stored_date(row[_DATE], row[0], location), *row[_DATE + 1 :])
    return Record(**dict(zip(COLUMNS, row, strict=True)))


def signatures_of(rows: Sequence[Row]) -> tuple[Signature, ...]:
    return tuple(Signature(*r) for r in rows)
