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
