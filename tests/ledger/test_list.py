"""`ledger list` pages: the newest records by date with the count and how to see more,
--limit/--since/--all in either format, and the streamed JSON byte for byte what
`json.dumps` writes, on both backends."""

from __future__ import annotations

import datetime as dt
import json

from osdose.ledger.actions import Listed
from osdose.ledger.records import Record, Signature
from osdose.render.dose_json import dumps
from osdose.render.ledger import records_json, write_records_json, write_rows_json

from .conftest import epi_60, run


def _record_days(ledger: str, patient: str, days: list[str]) -> None:
    for day in days:
        r = run(ledger, *epi_60(patient, day, "--by", "A. Pharm"))
        assert r.exit_code == 0, r.stderr


def _ids(ledger: str, *args: str) -> list[int]:
    r = run(ledger, "list", "-p", "P-1", "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return [d["id"] for d in json.loads(r.stdout)]


def test_json_is_sorted_by_date_and_lists_every_record_unless_limited(ledger: str) -> None:
    # recorded out of date order: ids 1, 2, 3 are dated 2025-03-10, -01, -05
    _record_days(ledger, "P-1", ["2025-03-10", "2025-03-01", "2025-03-05"])
    assert _ids(ledger) == [2, 3, 1]
    assert _ids(ledger, "--limit", "2") == [3, 1]  # the newest two, still oldest first
    assert _ids(ledger, "--since", "2025-03-05") == [3, 1]
    assert _ids(ledger, "--since", "2025-03-02", "--limit", "1") == [1]
    assert _ids(ledger, "--all") == [2, 3, 1]


def test_a_void_sorts_by_the_date_of_the_record_it_voids(ledger: str) -> None:
    _record_days(ledger, "P-1", ["2025-03-10", "2025-03-01"])
    assert run(ledger, "void", "1", "--reason", "wrong", "--by", "B. Check").exit_code == 0
    assert _ids(ledger, "--include-void") == [2, 1, 3]
    assert _ids(ledger, "--include-void", "--since", "2025-03-05") == [1, 3]
    assert _ids(ledger) == [2]


def test_the_table_shows_the_newest_and_says_how_many_and_how_to_see_more(ledger: str) -> None:
    _record_days(ledger, "P-1", ["2025-03-01", "2025-03-02", "2025-03-03"])
    r = run(ledger, "list", "-p", "P-1", "--limit", "2")
    assert r.exit_code == 0, r.stderr
    assert "administrations in effect — the newest 2 of 3" in r.stdout
    assert "older ones: --limit N, --since YYYY-MM-DD, or --all" in r.stdout
    assert "2025-03-01" not in r.stdout and "2025-03-03" in r.stdout
    r = run(ledger, "list", "-p", "P-1")  # 3 of at most 50: no note
    assert "newest" not in r.stdout and "older ones" not in r.stdout
    assert r.stdout.index("2025-03-01") < r.stdout.index("2025-03-03")


def test_a_known_patient_with_nothing_on_the_page_is_an_empty_page(ledger: str) -> None:
    _record_days(ledger, "P-1", ["2025-03-01"])
    assert _ids(ledger, "--since", "2025-04-01") == []
    r = run(ledger, "list", "-p", "P-2", "-f", "json")
    assert r.exit_code == 2 and "unknown patient 'P-2'" in r.stderr


def test_bad_paging_options_are_refused(ledger: str) -> None:
    _record_days(ledger, "P-1", ["2025-03-01"])
    r = run(ledger, "list", "-p", "P-1", "--all", "--limit", "5")
    assert r.exit_code == 2 and "--all and --limit" in r.stderr
    r = run(ledger, "list", "-p", "P-1", "--since", "March")
    assert r.exit_code == 2 and "--since must be a date written YYYY-MM-DD" in r.stderr
    assert run(ledger, "list", "-p", "P-1", "--limit", "0").exit_code == 2


def _listed(i: int, **kw: object) -> Listed:
    fields: dict[str, object] = dict(
        kind="administration", patient="P-ü \"1\"", recorded_by="A. Pharm",
        date=dt.date(2025, 3, i % 28 + 1), drug="epirubicin", unit="mg", dose=60.0 + i / 7,
        dose_per_m2=40.0, bsa_m2=1.5, id=i, recorded_at="2026-01-10T09:00:00.000000+00:00",
        hash="ab" * 32,
    )  # fmt: skip
    fields.update(kw)
    sigs = (Signature(1, i, "cd" * 32, "verified", "2026-01-11", "B. Check", "0" * 64, "ef"),)
    return Listed(Record(**fields), None, sigs if i % 2 else ())  # type: ignore[arg-type]


def test_the_streamed_json_is_byte_for_byte_what_json_dumps_writes() -> None:
    void = dict(date=None, drug=None, unit=None, dose=None, dose_per_m2=None, bsa_m2=None)
    items = [
        _listed(1),
        _listed(2, unit="IU", dose=10000, dose_per_m2=None, bsa_m2=None),
        _listed(3, regimen="DIA", cycle=2, day=1, dose_percent=80.0, source="c.yaml:3"),
        Listed(_listed(4).record, 5),
        _listed(5, kind="void", voids=4, reason="wrong\tpatient", **void),
        # a float's text is kept once written: never given for an int or a zero of the
        # other sign that compares equal to it (json.dumps writes 100.0, 100, -0.0, 0.0)
        _listed(6, dose=100.0, dose_per_m2=-0.0),
        _listed(7, dose=100, dose_per_m2=0.0, dose_percent=100),
        _listed(8, dose=-0.0, dose_per_m2=0.0),
        _listed(9, unit="m%sg"),  # a unit no ledger holds, written as given, never a template
    ]
    for chosen in ([], items[:1], items):
        out: list[str] = []
        n = write_records_json(iter(chosen), out.append)
        assert n == len(chosen)
        assert "".join(out) == dumps(records_json(chosen)) + "\n"
        # as the database gives them: SQLite a date as text, PostgreSQL a date
        for as_text in (True, False):
            rows = [_row(x, as_text) for x in chosen]
            out = []
            assert write_rows_json(iter(rows), out.append) == len(chosen)
            assert "".join(out) == dumps(records_json(chosen)) + "\n"


def test_rows_are_grouped_by_record_with_signatures_in_the_order_made() -> None:
    from osdose.ledger.pages import Page, grouped

    page = Page("P-1", columns=("id", "drug"), signature_columns=("id", "meaning"))
    rows = [
        (1, "EPI", None, None, None),
        (2, "DDP", 9, 7, "verified"),  # a record's signatures, as the database gives them:
        (2, "DDP", 9, 4, "checked"),  # consecutive, in no order SQL was asked for
        (2, "DDP", 9, 5, "witnessed"),
        (3, "IFO", None, 6, "verified"),
    ]
    assert list(grouped(rows, page)) == [
        ((1, "EPI"), None, ()),
        ((2, "DDP"), 9, [(4, "checked"), (5, "witnessed"), (7, "verified")]),
        ((3, "IFO"), None, ((6, "verified"),)),
    ]
    assert list(grouped([], page)) == []


def _row(
    item: Listed, date_as_text: bool
) -> tuple[tuple[object, ...], int | None, list[tuple[object, ...]]]:
    from osdose.ledger.records import COLUMNS, SIGNATURE_COLUMNS

    r = item.record
    row = tuple(getattr(r, c) for c in COLUMNS)
    if date_as_text and r.date is not None:
        row = tuple(
            r.date.isoformat() if c == "date" else v for c, v in zip(COLUMNS, row, strict=True)
        )
    sigs = [tuple(getattr(g, c) for c in SIGNATURE_COLUMNS) for g in item.signatures]
    return row, item.voided_by, sigs


def test_a_page_is_read_through_the_patient_index(sqlite_ledger: object) -> None:
    import sqlite3
    from pathlib import Path

    from osdose.ledger.pages import Page, Tables, count_query, page_query

    from .bulk import fill

    fill(str(sqlite_ledger), {"P-1": 30, "P-2": 30})
    conn = sqlite3.connect(Path(str(sqlite_ledger)))
    t = Tables("records", "signatures", "?")
    for page in (Page("P-1"), Page("P-1", True, dt.date(1900, 1, 2), None, by_id=True)):
        for sql, params in (page_query(page, t), count_query(page, t)):
            plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            # the patient's records through (patient, id); no scan of the whole ledger
            assert "SEARCH r USING INDEX records_patient_id (patient=?)" in plan, plan
            assert not [p for p in plan if p.startswith("SCAN r")], plan
    conn.close()
