"""The hash chain alone, without a database."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osdose.ledger.records import GENESIS, NewRecord, canonical, seal, verify_chain


def _chain(n: int) -> list:  # type: ignore[type-arg]
    out = []
    prev = GENESIS
    for i in range(1, n + 1):
        r = seal(
            NewRecord("administration", "P-1", "x", dt.date(2025, 1, i), "epirubicin", "mg", 60),
            i,
            f"2025-01-{i:02d}T00:00:00.000000+00:00",
            prev,
        )
        prev = r.hash
        out.append(r)
    return out


def test_hash_is_sha256_of_the_canonical_json_with_the_previous_hash() -> None:
    (r,) = _chain(1)
    text = canonical(r, 1, r.recorded_at, GENESIS).decode()
    assert text.startswith(
        '{"bsa_m2":null,"cycle":null,"date":"2025-01-01","day":null,"dose":60.0,'
    )
    assert f'"prev_hash":"{GENESIS}"' in text and '"id":1' in text
    assert r.hash == hashlib.sha256(text.encode()).hexdigest()


def test_an_integer_and_a_float_dose_hash_alike() -> None:
    a = NewRecord("administration", "P-1", "x", dt.date(2025, 1, 1), "epirubicin", "mg", 60)
    b = replace(a, dose=60.0)
    assert canonical(a, 1, "t", GENESIS) == canonical(b, 1, "t", GENESIS)


def test_verify_finds_a_change_a_removal_and_a_swap() -> None:
    chain = _chain(4)
    assert verify_chain(chain) == (4, chain[-1].hash, None)
    changed = [*chain[:2], replace(chain[2], patient="P-2"), chain[3]]
    assert verify_chain(changed)[2] is not None and verify_chain(changed)[2].record_id == 3  # type: ignore[union-attr]
    removed = [chain[0], chain[2], chain[3]]
    assert verify_chain(removed)[2].record_id == 3  # type: ignore[union-attr]
    swapped = [chain[0], chain[2], chain[1], chain[3]]
    assert verify_chain(swapped)[2].record_id == 3  # type: ignore[union-attr]


def test_numbers_a_ledger_must_not_hold_are_refused_by_the_model() -> None:
    import math

    import pytest

    from osdose.ledger.records import LedgerError, check_id, check_values

    ok = NewRecord("administration", "P-1", "x", dt.date(2025, 1, 1), "epirubicin", "mg", 60.0,
                   40.0, 1.5, dose_percent=100.0)  # fmt: skip
    assert check_values(ok) is ok
    for field, value in [
        ("dose", math.nan), ("dose", math.inf), ("dose", -math.inf), ("dose", 1e308),
        ("dose", 0.0), ("dose", -0.0), ("dose", -60.0), ("dose", 1e9 + 1), ("dose", True),
        ("dose_per_m2", math.nan), ("bsa_m2", 10.5), ("bsa_m2", math.inf),
        ("dose_percent", 0.0), ("dose_percent", 1001.0), ("cycle", 0), ("cycle", 10**25),
        ("day", 1_000_001), ("voids", 2**63),
    ]:  # fmt: skip
        with pytest.raises(LedgerError):
            check_values(replace(ok, **{field: value}))
    assert check_values(replace(ok, dose=1e9)).dose == 1e9  # the bound itself is allowed
    assert check_id(2**63 - 1) == 2**63 - 1
    for bad in (0, -1, 2**63, 10**25):
        with pytest.raises(LedgerError, match="from 1 to 9223372036854775807"):
            check_id(bad)


def test_a_signature_hash_is_sha256_of_its_canonical_json() -> None:
    from osdose.ledger.records import Signature, seal_signature, walk_signatures

    s = seal_signature(Signature(1, 7, "a" * 64, "verified", "2025-01-01T00:00:00.000000+00:00",
                                 "B. Check", GENESIS))  # fmt: skip
    text = (
        '{"id":1,"meaning":"verified","prev_hash":"'
        + GENESIS
        + '","record_hash":"'
        + "a" * 64
        + '","record_id":7,"signed_at":"2025-01-01T00:00:00.000000+00:00","signed_by":"B. Check"}'
    )
    assert s.hash == hashlib.sha256(text.encode()).hexdigest()
    w = walk_signatures(
        [s, replace(seal_signature(replace(s, id=2, prev_hash=s.hash)), signed_by="x")]
    )
    assert (w.rows, w.verified, w.prev) == (2, 1, s.hash)
    assert w.broken is not None and w.broken.record_id == 2


def test_a_walk_meets_the_expected_heads_it_verifies() -> None:
    from osdose.ledger.records import walk_records

    chain = _chain(3)
    w = walk_records(chain, expect=[chain[1].hash, "f" * 64])
    assert (w.rows, w.verified, w.met) == (3, 3, {chain[1].hash})
    # a head after the first break is not met: only verified records count
    broken = [chain[0], replace(chain[1], patient="P-2"), chain[2]]
    w = walk_records(broken, expect=[chain[2].hash])
    assert (w.rows, w.verified, w.met) == (3, 1, set())


def _reference(record: NewRecord, record_id: int, recorded_at: str, prev_hash: str) -> bytes:
    """The canonical text as defined: json.dumps of every field but the hash, keys sorted,
    no spaces, floats as floats (what canonical() wrote before it wrote it directly)."""
    import json
    from dataclasses import asdict

    content = asdict(record)
    for k in ("dose", "dose_per_m2", "bsa_m2", "dose_percent"):
        if content[k] is not None:
            content[k] = float(content[k])
    if content["date"] is not None:
        content["date"] = content["date"].isoformat()
    content.update(id=record_id, recorded_at=recorded_at, prev_hash=prev_hash)
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


_text = st.one_of(st.none(), st.text(max_size=12))
_number = st.one_of(
    st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**70), 2**70)
)
_count = st.one_of(st.none(), st.integers(-(2**70), 2**70), st.booleans())


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["administration", "void"]),
    patient=st.text(max_size=12),
    by=st.text(max_size=12),
    day=st.one_of(st.none(), st.dates()),
    texts=st.tuples(_text, _text, _text, _text, _text),
    numbers=st.tuples(_number, _number, _number, _number),
    counts=st.tuples(_count, _count, _count),
    record_id=st.integers(-(2**70), 2**70),
    at=st.text(max_size=40),
    prev=st.text(max_size=64),
)
def test_the_canonical_text_is_json_dumps_of_the_content_byte_for_byte(
    kind: str,
    patient: str,
    by: str,
    day: dt.date | None,
    texts: tuple[str | None, ...],
    numbers: tuple[float | int | None, ...],
    counts: tuple[int | bool | None, ...],
    record_id: int,
    at: str,
    prev: str,
) -> None:
    drug, unit, regimen, reason, source = texts
    dose, per_m2, bsa, percent = numbers
    cycle, cycle_day, voids = counts
    r = NewRecord(
        kind, patient, by, day, drug, unit, dose, per_m2, bsa, regimen, cycle, cycle_day,  # type: ignore[arg-type]
        percent, voids, reason, source,
    )  # fmt: skip
    try:
        expected = _reference(r, record_id, at, prev)
    except UnicodeEncodeError as exc:  # a lone surrogate cannot be written in UTF-8
        with pytest.raises(type(exc)):
            canonical(r, record_id, at, prev)
        return
    assert canonical(r, record_id, at, prev) == expected


def test_the_canonical_text_refuses_what_json_refuses() -> None:
    r = NewRecord("administration", "P-1", "x", dt.date(2025, 1, 1), "epirubicin", "mg", 60)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="Out of range float values"):
            canonical(replace(r, dose=bad), 1, "t", GENESIS)
    # a newline, a quote and a character beyond ASCII are escaped as json.dumps escapes them
    text = canonical(replace(r, source='a"b\nc é\x01'), 1, "t", GENESIS).decode()
    assert '"source":"a\\"b\\nc é\\u0001"' in text


def test_a_row_is_intact_exactly_when_its_record_is() -> None:
    """row_intact (the streamed readers' check of a row as the database gives it) and
    intact (of a Record) hash the same text: each field changed breaks both, and a
    number no record can hold matches no hash."""
    from osdose.ledger.records import COLUMNS, intact, row_intact

    r = seal(
        NewRecord(
            "administration", "P-1", "A. Pharm", dt.date(2025, 3, 1), "epirubicin", "mg",
            74.0, 40.21739130434783, 1.84, "DDP+EPI", 2, 1, 80.0, None, None, "course.yaml:7",
        ),
        12, "2025-03-01T10:00:00.000000+00:00", "ab" * 32,
    )  # fmt: skip
    row = tuple(getattr(r, c) for c in COLUMNS)
    assert intact(r) and row_intact(row, "2025-03-01")
    # SQLite gives the date as text, PostgreSQL as a date: both are read as YYYY-MM-DD
    assert not row_intact(row, "2025-03-02")
    changes = {
        "kind": "void", "patient": "P-2", "drug": "doxorubicin", "unit": "IU", "dose": 7.4,
        "dose_per_m2": 4.0, "bsa_m2": 1.85, "regimen": "DIA", "cycle": 3, "day": 2,
        "dose_percent": 100.0, "voids": 3, "reason": "why", "source": "other.yaml:1",
        "recorded_at": "2025-03-01T10:00:00.000001+00:00", "recorded_by": "B. Check",
        "prev_hash": "cd" * 32, "id": 13, "hash": "ef" * 32,
    }  # fmt: skip
    assert set(changes) == set(COLUMNS) - {"date"}
    for name, value in changes.items():
        i = COLUMNS.index(name)
        assert not row_intact((*row[:i], value, *row[i + 1 :]), "2025-03-01"), name
        if name != "hash":
            assert not intact(replace(r, **{name: value})), name
    assert not row_intact((*row[:6], math.nan, *row[7:]), "2025-03-01")
    # 74 and 74.0 hash alike, in a row as in a record (PostgreSQL gives a float either way)
    assert row_intact((*row[:6], 74, *row[7:]), "2025-03-01")
