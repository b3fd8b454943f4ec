"""The hash chain alone, without a database."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

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
