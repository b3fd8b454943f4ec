"""``ledger check``: everything the ledger can show of tampering or loss.

- both hash chains (records, signatures), walked once, streamed;
- what the database shows (:meth:`~osdose.ledger.store.LedgerStore.integrity`): its own
  consistency checks, the shipped triggers (their SQL text, not only their names), a
  removed tail of records below the high-water mark, a SQLite high-water mark lowered or
  removed by hand, each signature still bound to its record's hash;
- an empty or truncated SQLite file (:class:`~osdose.ledger.records.LedgerDamaged`);
- head hashes kept elsewhere (``--expect-head``): a chain recomputed after an edit
  verifies again, but no longer contains the head that was kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from osdose.errors import InputError
from osdose.ledger.location import redact, resolve
from osdose.ledger.records import GENESIS, Break, LedgerDamaged, walk_records, walk_signatures
from osdose.ledger.store import LedgerStore, open_ledger

_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class LedgerCheck:
    """Records verified, the heads, the first break of each chain, other problems."""

    location: str
    records: int
    verified: int
    head: str
    chain_break: Break | None
    problems: tuple[str, ...]
    signatures: int = 0
    signatures_verified: int = 0
    signatures_head: str = GENESIS
    signature_break: Break | None = None

    @property
    def ok(self) -> bool:
        return self.chain_break is None and self.signature_break is None and not self.problems


def checked_heads(heads: Iterable[str]) -> tuple[str, ...]:
    out = []
    for h in heads:
        if not _HASH.fullmatch(h.strip().lower()):
            raise InputError(
                "--expect-head", f"must be a SHA-256 hash (64 hexadecimal digits), got {h!r}"
            )
        out.append(h.strip().lower())
    return tuple(out)


def check(store: LedgerStore, expect_heads: Iterable[str] = ()) -> LedgerCheck:
    """Verify both hash chains and the database's own integrity, in one snapshot."""
    expect = checked_heads(expect_heads)
    with store.snapshot():
        problems = list(store.integrity())
        records = walk_records(store.records(), expect)
        signatures = walk_signatures(store.signatures(), expect)
    for h in expect:
        if h not in records.met and h not in signatures.met:
            problems.append(
                f"the head {h} kept earlier (--expect-head) is not in the ledger: records up "
                "to it were changed and the chain recomputed, or removed"
            )
    return LedgerCheck(
        store.location, records.rows, records.verified, records.prev, records.broken,
        tuple(problems), signatures.rows, signatures.verified, signatures.prev,
        signatures.broken,
    )  # fmt: skip


def check_location(location: str | Path | None, expect_heads: Iterable[str] = ()) -> LedgerCheck:
    """:func:`check` of the ledger at ``location``; an empty, truncated or unreadable
    ledger is a broken result (a loss), not an error. Other errors (no ledger there,
    another program's file, a newer schema) are raised: they are unusable input."""
    expect = checked_heads(expect_heads)
    try:
        store = open_ledger(location)
    except LedgerDamaged as exc:
        return LedgerCheck(redact(resolve(location)), 0, 0, GENESIS, None, (str(exc),))
    with store:
        try:
            return check(store, expect)
        except LedgerDamaged as exc:
            return LedgerCheck(store.location, 0, 0, GENESIS, None, (str(exc),))
