"""Ledger output: JSON documents (exact keys, unrounded) and rich tables for people."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from osdose.ledger.records import COLUMNS, SIGNATURE_COLUMNS
from osdose.render import json_text
from osdose.render.dose_json import _amount  # the one {"value", "unit"} shape of every JSON output

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from osdose.ledger.actions import LedgerCheck, Listed
    from osdose.ledger.pages import Entry
    from osdose.ledger.records import Break


def record_doc(item: Listed) -> dict[str, Any]:
    """One record. ``dose_mg``/``dose_mg_per_m2`` are null for IU drugs and for voids;
    ``dose``/``dose_per_m2`` carry the amount in its own unit."""
    r = item.record
    mg = r.unit == "mg"
    return {
        "id": r.id,
        "kind": r.kind,
        "patient": r.patient,
        "date": r.date.isoformat() if r.date else None,
        "drug": r.drug,
        "dose_mg": r.dose if mg else None,
        "dose_mg_per_m2": r.dose_per_m2 if mg else None,
        "dose": _amount(r.dose, r.unit or ""),
        "dose_per_m2": _amount(r.dose_per_m2, f"{r.unit}/m2"),
        "bsa_m2": r.bsa_m2,
        "regimen": r.regimen,
        "cycle": r.cycle,
        "day": r.day,
        "dose_percent": r.dose_percent,
        "recorded_at": r.recorded_at,
        "recorded_by": r.recorded_by,
        "signatures": [
            {
                "meaning": g.meaning,
                "signed_by": g.signed_by,
                "signed_at": g.signed_at,
                "record_hash": g.record_hash,
                "hash": g.hash,
            }
            for g in item.signatures
        ],
        "source": r.source,
        "voids": r.voids,
        "reason": r.reason,
        "voided": item.voided_by is not None,
        "voided_by": item.voided_by,
        "hash": r.hash,
    }


def records_json(items: Sequence[Listed]) -> list[dict[str, Any]]:
    return [record_doc(x) for x in items]


Row = tuple[Any, ...]
_COLUMNS_OF = operator.attrgetter(*COLUMNS)
_SIGNATURE_COLUMNS_OF = operator.attrgetter(*SIGNATURE_COLUMNS)

# -- the same list, streamed -------------------------------------------------------------
# ``ledger list --format json`` of a million records: json.dumps with an indent runs the
# pure-Python encoder and needs the whole list at once. These write the text of one record
# at a time, byte for byte what :func:`osdose.render.dose_json.dumps` writes for
# :func:`records_json` (a test compares them), with the C string encoder.


_SIGNATURE = (
    '      {\n        "meaning": %s,\n        "signed_by": %s,\n        "signed_at": %s,\n'
    '        "record_hash": %s,\n        "hash": %s\n      }'
)
_S_MEANING, _S_SIGNED_AT, _S_SIGNED_BY, _S_RECORD_HASH, _S_HASH = (
    SIGNATURE_COLUMNS.index(c) for c in ("meaning", "signed_at", "signed_by", "record_hash", "hash")
)


def _signatures_text(sigs: Sequence[Row]) -> str:
    if not sigs:
        return "[]"
    body = ",\n".join(
        _SIGNATURE
        % (
            _str(g[_S_MEANING]),
            _str(g[_S_SIGNED_BY]),
            _str(g[_S_SIGNED_AT]),
            _str(g[_S_RECORD_HASH]),
            _str(g[_S_HASH]),
        )
        for g in sigs
    )
    return f"[\n{body}\n    ]"


_KEYS = (
    "id", "kind", "patient", "date", "drug", "dose_mg", "dose_mg_per_m2", "dose", "dose_per_m2",
    "bsa_m2", "regimen", "cycle", "day", "dose_percent", "recorded_at", "recorded_by",
    "signatures", "source", "voids", "reason", "voided", "voided_by", "hash",
)  # fmt: skip
# the keys of record_doc in order, each on its own line at the depth of a list's element
_RECORD = "{\n" + ",\n".join(f'    "{k}": %s' for k in _KEYS) + "\n  }"


def row_text(row: Row, voided_by: int | None, sigs: Sequence[Row]) -> str:
    """:func:`record_doc` of a record's row (:data:`~osdose.ledger.records.COLUMNS`, its
    date as text or a date), the id of its void and its signatures' rows, as the JSON text
    of an element of a list indented by two.

    A million of these make ``ledger list --format json`` of a large ledger: each value is
    written inline (a finite float by its ``repr``, a text by the C string encoder, as
    ``json.dumps`` writes them), and anything else through :func:`_jnum` and :func:`_str`."""
    (
        rid, kind, patient, day, drug, unit, dose, per_m2, bsa, regimen, cycle, cycle_day,
        percent, voids, reason, source, at, by, _, hash_,
    ) = row  # fmt: skip
    amounts = _AMOUNTS.get(unit)
    if amounts is None:
        amounts = _amounts(unit)
        if len(_AMOUNTS) < 16:  # mg and IU (a ledger changed outside osdose may hold others)
            _AMOUNTS[unit] = amounts
    mg, dose_text, per_m2_text = amounts
    dose_s, per_m2_s = _number(dose), _number(per_m2)
    return _RECORD % (
        _int(rid) if type(rid) is int else _jnum(rid),
        _str(kind),
        _str(patient),
        "null" if day is None else _enc(day if type(day) is str else day.isoformat()),
        _str(drug),
        dose_s if mg else "null",
        per_m2_s if mg else "null",
        "null" if dose is None else dose_text % dose_s,
        "null" if per_m2 is None else per_m2_text % per_m2_s,
        _number(bsa),
        "null" if regimen is None else _str(regimen),
        "null" if cycle is None else _jnum(cycle),
        "null" if cycle_day is None else _jnum(cycle_day),
        _number(percent),
        _str(at),
        _str(by),
        _signatures_text(sigs) if sigs else "[]",
        "null" if source is None else _str(source),
        "null" if voids is None else _jnum(voids),
        "null" if reason is None else _str(reason),
        "false" if voided_by is None else "true",
        "null" if voided_by is None else _jnum(voided_by),
        _str(hash_),
    )


_int, _enc = int.__repr__, encode_basestring
_str, _jnum, _number = json_text.string, json_text.number, json_text.cached_number


def _amounts(unit: str | None) -> tuple[bool, str, str]:
    """Whether ``unit`` is mg, and the texts (``%`` templates) of an amount in it and of one
    per m² of it."""

    def text(u: str) -> str:
        return f'{{\n      "value": %s,\n      "unit": {_str(u).replace("%", "%%")}\n    }}'

    return unit == "mg", text(unit or ""), text(f"{unit}/m2")


# per unit: whether it is mg, and the texts of an amount in it and per m² of it
_AMOUNTS: dict[str | None, tuple[bool, str, str]] = {}


def record_text(item: Listed) -> str:
    """:func:`record_doc` as the JSON text of an element of a list indented by two."""
    row = _COLUMNS_OF(item.record)
    sigs = [_SIGNATURE_COLUMNS_OF(g) for g in item.signatures]
    return row_text(row, item.voided_by, sigs)


def write_rows_json(entries: Iterable[Entry], write: Callable[[str], object]) -> int:
    """Write the list of :func:`records_json` of the rows of a page
    (:meth:`~osdose.ledger.store.LedgerStore.page`) as :func:`osdose.render.dose_json.dumps`
    does, then a line break, a thousand records at a time (memory flat); how many."""
    n = 0
    chunk: list[str] = []
    for row, voided_by, sigs in entries:
        chunk.append(("[\n  " if n == 0 else ",\n  ") + row_text(row, voided_by, sigs))
        n += 1
        if len(chunk) == 1000:
            write("".join(chunk))
            chunk = []
    chunk.append("\n]\n" if n else "[]\n")
    write("".join(chunk))
    return n


def write_records_json(items: Iterable[Listed], write: Callable[[str], object]) -> int:
    """:func:`write_rows_json` of records already read."""
    rows = (
        (_COLUMNS_OF(x.record), x.voided_by, [_SIGNATURE_COLUMNS_OF(g) for g in x.signatures])
        for x in items
    )
    return write_rows_json(rows, write)


def _break(b: Break | None) -> dict[str, Any] | None:
    return None if b is None else {"id": b.record_id, "problem": b.problem}


def check_json(result: LedgerCheck) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "ledger": result.location,
        "records": result.records,
        "verified": result.verified,
        "head_hash": result.head,
        "break": _break(result.chain_break),
        "signatures": result.signatures,
        "signatures_verified": result.signatures_verified,
        "signatures_head_hash": result.signatures_head,
        "signature_break": _break(result.signature_break),
        "problems": list(result.problems),
    }


def check_lines(result: LedgerCheck) -> list[str]:
    """``ledger check`` for people: one line when sound, one line per problem otherwise
    (each one line: what the ledger holds is shown escaped, :func:`visible`)."""
    from osdose.render.text import visible

    return [visible(line) for line in _check_lines(result)]


def _check_lines(result: LedgerCheck) -> list[str]:
    if result.ok:
        signed = (
            f"; {result.signatures} signature{'s' if result.signatures != 1 else ''}, "
            f"signatures head {result.signatures_head}"
            if result.signatures
            else ""
        )
        return [
            f"ok: {result.records} records in {result.location}; hash chain verified, "
            f"database integrity ok; head {result.head}{signed}"
        ]
    lines = []
    b = result.chain_break
    if b is not None:
        lines.append(
            f"BROKEN: record {b.record_id}: {b.problem} "
            f"({result.verified} of {result.records} records verify before it)"
        )
    s = result.signature_break
    if s is not None:
        lines.append(
            f"BROKEN: signature {s.record_id}: {s.problem} "
            f"({result.signatures_verified} of {result.signatures} signatures verify before it)"
        )
    lines += [f"BROKEN: {p}" for p in result.problems]
    return lines


def _num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def records_table(
    patient: str, items: Sequence[Listed], include_void: bool, total: int | None = None
) -> RenderableType:
    """The records for people; ``total``: how many match, when ``items`` is the newest
    of them (the title says so, and the caption how to see the rest)."""
    from rich import box
    from rich.text import Text

    from osdose.render.text import Table, plain, visible

    shown = "every record" if include_void else "administrations in effect"
    caption = "per m²: the dose's unit per m² of that day's BSA; times, hashes: --format json"
    if total is not None and total > len(items):
        shown += f" — the newest {len(items):,} of {total:,}"
        caption += "\nolder ones: --limit N, --since YYYY-MM-DD, or --all"
    t = Table(
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        title=f"Ledger — patient {visible(patient)} — {shown}",
        caption=caption,
    )
    # numbers, dates, names and the status are never cut short; only free text may wrap
    for col in ("id", "date", "drug", "dose", "per m²", "BSA m²"):
        t.add_column(col, justify="left" if col in ("date", "drug") else "right", no_wrap=True)
    t.add_column("note", min_width=12)
    t.add_column("by", overflow="fold", min_width=6)
    t.add_column("verified by", overflow="fold", min_width=6)
    for x in items:
        r = x.record
        if r.kind == "void":
            t.add_row(
                str(r.id), "", "", "", "", "",
                plain(f"VOID of {r.voids}: {r.reason}", style="yellow"), plain(r.recorded_by),
                _verified(x),
            )  # fmt: skip
            continue
        note = ""
        if r.regimen:
            note = visible(r.regimen) + (f" c{r.cycle}" if r.cycle else "")
            note += f" d{r.day}" if r.day else ""
            if r.dose_percent not in (None, 100.0):
                note += f" {r.dose_percent:g}%"
        cell = Text(note)
        if x.voided_by:
            cell = Text(
                f"VOIDED by {x.voided_by}" + (f"; {note}" if note else ""), style="bold red"
            )
        t.add_row(
            str(r.id), str(r.date), visible(r.drug or ""),
            f"{_num(r.dose)} {r.unit}" if r.dose is not None else "—",
            _num(r.dose_per_m2), _num(r.bsa_m2), cell, plain(r.recorded_by), _verified(x),
        )  # fmt: skip
    return t


def _verified(item: Listed) -> Text:
    from osdose.render.text import plain

    names = ", ".join(s.signed_by for s in item.signatures if s.meaning == "verified")
    return plain(names or "—", style="" if names else "dim")
