"""The second signature (`ledger verify-record ID --meaning verified`), on both backends:
someone other than the recorder, bound to the record's hash, shown by list and export,
checked by check."""

from __future__ import annotations

import json

import yaml

from .backends import tamper
from .conftest import as_user, epi_60, is_pg, run, snapshot


def _recorded(ledger: str) -> dict[str, object]:
    r = run(ledger, *epi_60("P-0042", "2025-03-01", "--by", "A. Pharm"))
    assert r.stdout == "1\n", r.stderr
    (doc,) = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json").stdout)
    return doc  # type: ignore[no-any-return]


def test_a_second_person_verifies_and_list_shows_both_signatures(ledger: str) -> None:
    doc = _recorded(ledger)
    r = run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "B. Check")
    assert (r.exit_code, r.stdout) == (0, ""), r.stderr
    (after,) = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json").stdout)
    (sig,) = after["signatures"]
    assert r.stderr == (
        f"record 1 verified by B. Check (signature 1); signatures head {sig['hash']}\n"
    )
    assert (after["recorded_by"], sig["signed_by"], sig["meaning"]) == (
        "A. Pharm",
        "B. Check",
        "verified",
    )
    assert sig["record_hash"] == doc["hash"] == after["hash"]  # bound to what was recorded
    table = run(ledger, "list", "-p", "P-0042").stdout
    assert "A. Pharm" in table and "B. Check" in table and "verified by" in table
    check = json.loads(run(ledger, "check", "-f", "json").stdout)
    assert (check["ok"], check["signatures"], check["signatures_head_hash"]) == (
        True,
        1,
        sig["hash"],
    )


def test_the_recorder_cannot_verify_their_own_record(ledger: str) -> None:
    _recorded(ledger)
    before = snapshot(ledger)
    r = run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "A. Pharm")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (
        "osdose: error: record 1 was recorded by A. Pharm: a record is verified by someone "
        "other than the person who recorded it\n"
    )
    assert snapshot(ledger) == before


def test_a_record_changed_by_hand_is_not_signed(ledger: str) -> None:
    """A second signature vouches for the record as it reads: one whose dose was changed in
    the database (its hash not recomputed) would be signed as checked while its hash still
    names the old dose."""
    _recorded(ledger)
    tamper(ledger, "UPDATE records SET dose = 6.0 WHERE id = 1")
    before = snapshot(ledger)
    r = run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "B. Check")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("osdose: error: ledger ") and r.stderr.endswith(
        ": record 1: its content does not match its hash: it was changed outside osdose after "
        "it was recorded, and is not used (run osdose ledger check)\n"
    )
    assert snapshot(ledger) == before


def test_a_record_is_verified_once(ledger: str) -> None:
    _recorded(ledger)
    assert (
        run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "B. Check").exit_code
        == 0
    )
    before = snapshot(ledger)
    r = run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "x")
    assert (r.exit_code, r.stderr) == (
        2,
        "osdose: error: record 1 is already verified by B. Check\n",
    )
    assert snapshot(ledger) == before


def test_a_void_can_be_verified_and_a_verified_record_voided(ledger: str) -> None:
    _recorded(ledger)
    assert (
        run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "B. Check").exit_code
        == 0
    )
    assert run(ledger, "void", "1", "--reason", "not given", "--by", "A. Pharm").stdout == "2\n"
    assert (
        run(ledger, "verify-record", "2", "--meaning", "verified", "--by", "B. Check").exit_code
        == 0
    )
    docs = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json", "--include-void").stdout)
    assert [(d["id"], d["voided"], [s["signed_by"] for s in d["signatures"]]) for d in docs] == [
        (1, True, ["B. Check"]),
        (2, False, ["B. Check"]),
    ]
    assert run(ledger, "check").exit_code == 0


def test_export_shows_both_signatures(ledger: str) -> None:
    _recorded(ledger)
    assert (
        run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "B. Check").exit_code
        == 0
    )
    (doc,) = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json").stdout)
    (sig,) = doc["signatures"]
    course = yaml.safe_load(run(ledger, "export", "-p", "P-0042").stdout)
    assert course["administrations"][0]["notes"] == (
        f"ledger record 1; recorded by A. Pharm at {doc['recorded_at']}; "
        f"verified by B. Check at {sig['signed_at']}"
    )


def test_a_record_changed_after_it_was_verified_is_named_by_check(ledger: str) -> None:
    # A forger who changes a verified record and recomputes its hash (and the chain after
    # it, here the last record) still leaves the signature bound to the old hash.
    from dataclasses import replace

    from osdose.ledger.records import seal
    from osdose.ledger.store import open_ledger

    _recorded(ledger)
    assert (
        run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "B. Check").exit_code
        == 0
    )
    with open_ledger(ledger) as store:
        (r,) = list(store.records())
    forged = seal(replace(r, dose=600.0), 1, r.recorded_at, r.prev_hash)
    tamper(ledger, f"UPDATE records SET dose = 600.0, hash = '{forged.hash}' WHERE id = 1")
    out = run(ledger, "check").stdout.splitlines()
    assert out[0] == (
        "BROKEN: signature 1 does not carry the hash of record 1: the record was changed after "
        "it was verified"
    )


def test_a_changed_signature_breaks_the_signature_chain(ledger: str) -> None:
    _recorded(ledger)
    assert (
        run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "B. Check").exit_code
        == 0
    )
    tamper(ledger, "UPDATE signatures SET signed_by = 'x' WHERE id = 1")
    r = run(ledger, "check")
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0] == (
        "BROKEN: signature 1: its content does not match its hash (it was changed) "
        "(0 of 1 signatures verify before it)"
    )


def test_on_postgres_the_signer_is_the_role_and_by_may_only_repeat_it(ledger: str) -> None:
    _recorded(ledger)
    if not is_pg(ledger):
        # SQLite has no logins: the signer is --by (or the OS user), as for recording
        r = run(ledger, "verify-record", "1", "--meaning", "verified", "--by", "anyone")
        assert r.exit_code == 0
        return
    from typer.testing import CliRunner

    from osdose.cli import app

    as_b = as_user(ledger, "B. Check")
    r = CliRunner().invoke(app, ["ledger", "verify-record", "1", "--meaning", "verified",
                                 "--by", "x", "--ledger", as_b])  # fmt: skip
    assert r.exit_code == 2
    assert r.stderr.startswith("osdose: error: --by 'x' is not the role this connection is")
    r = CliRunner().invoke(app, ["ledger", "verify-record", "1", "--meaning", "verified",
                                 "--ledger", as_b])  # fmt: skip
    assert r.exit_code == 0, r.stderr
    (doc,) = json.loads(run(ledger, "list", "-p", "P-0042", "-f", "json").stdout)
    assert doc["signatures"][0]["signed_by"] == "B. Check"
