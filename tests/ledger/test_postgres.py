"""What only the PostgreSQL backend has: init and its GRANTs, roles that may only INSERT and
SELECT, guards the database enforces whatever client writes, authenticated names,
schema versions, connection strings, and one patient read through an index."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from osdose.drugs import load_drugs
from osdose.ledger.entries import from_options, to_records
from osdose.ledger.postgres import PATIENT_QUERY
from osdose.ledger.records import seal
from osdose.ledger.store import init_ledger, open_ledger

from .backends import STATE, superuser
from .conftest import as_user, epi_60, run, snapshot

pytestmark = pytest.mark.postgres

GRANTS = [
    'GRANT USAGE ON SCHEMA osdose TO "{r}";',
    'GRANT SELECT ON osdose.migrations TO "{r}";',
    'GRANT SELECT, INSERT ON osdose.high_water, osdose.records, osdose.signatures TO "{r}";',
]


def _database(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_init_creates_the_schema_and_prints_the_grants(pg_empty: str) -> None:
    r = run(pg_empty, "init")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == (
        f"created the ledger {pg_empty}: schema version 2 (applied schema step 1, 2)\n"
    )
    assert r.stdout.splitlines() == [
        "-- run as the schema's owner, for the role that records (or give --grant ROLE):",
        *[g.format(r="osdose_writer") for g in GRANTS],
    ]
    again = run(pg_empty, "init")
    assert again.stderr == f"checked the ledger {pg_empty}: schema version 2 (nothing to do)\n"
    with superuser(pg_empty) as conn:
        assert conn.execute("SELECT version FROM osdose.migrations ORDER BY 1").fetchall() == [
            (1,),
            (2,),
        ]
    assert run(pg_empty, "check").exit_code == 0


def test_init_grant_applies_them_and_refuses_an_unknown_role(pg_empty: str) -> None:
    assert STATE.server is not None
    before = snapshot(pg_empty)
    r = run(pg_empty, "init", "--grant", "no_such_role_osdose")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (
        "osdose: error: --grant no_such_role_osdose: no such role in the server; create it "
        "first (CREATE ROLE …); nothing was changed\n"
    )
    assert snapshot(pg_empty) == before  # not even the schema: one transaction
    group = STATE.server.group
    r = run(pg_empty, "init", "--grant", group)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [g.format(r=group) for g in GRANTS]
    assert r.stderr.splitlines()[1] == (
        f"granted SELECT and INSERT to {group}; no role may UPDATE or DELETE"
    )
    assert run(pg_empty, *epi_60("P-1", "2025-01-01", "--by", "x")).stdout == "1\n"


def test_a_role_without_the_grants_is_told_whom_to_ask(pg_empty: str) -> None:
    init_ledger(pg_empty)  # no --grant: "x" may connect, not use the schema
    where = as_user(pg_empty, "x")
    r = run(where, "list", "-p", "P-1")
    assert r.exit_code == 2
    assert r.stderr == (
        f"osdose: error: role x may not use the ledger {where}: ask its owner to run "
        f"`osdose ledger init --ledger {where} --grant x` (or to grant a role that has the "
        "ledger's GRANTs)\n"
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE osdose.records SET dose = 6 WHERE id = 1",
        "DELETE FROM osdose.records WHERE id = 1",
        "TRUNCATE osdose.records CASCADE",
        "UPDATE osdose.high_water SET last_id = 1",
        "DELETE FROM osdose.signatures",
        "ALTER TABLE osdose.records DISABLE TRIGGER records_no_update",
        "DROP TABLE osdose.records CASCADE",
    ],
)
def test_a_recording_role_may_insert_and_select_only(pg: str, statement: str) -> None:
    import psycopg

    assert run(pg, *epi_60("P-1", "2025-01-01", "--by", "x")).exit_code == 0
    before = snapshot(pg)
    with (
        psycopg.connect(as_user(pg, "x"), autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)
    assert snapshot(pg) == before


@pytest.mark.parametrize(
    ("statement", "error"),
    [
        ("UPDATE osdose.records SET dose = 6 WHERE id = 1", "UPDATE on osdose.records is refused"),
        ("DELETE FROM osdose.records WHERE id = 1", "DELETE on osdose.records is refused"),
        ("TRUNCATE osdose.records CASCADE", "TRUNCATE on osdose.records is refused"),
        ("DELETE FROM osdose.high_water", "DELETE on osdose.high_water is refused"),
    ],
)
def test_even_the_owner_is_refused_by_the_guards(pg: str, statement: str, error: str) -> None:
    import psycopg

    assert run(pg, *epi_60("P-1", "2025-01-01", "--by", "x")).exit_code == 0
    before = snapshot(pg)
    with superuser(pg) as conn, pytest.raises(psycopg.errors.RaiseException, match=error):
        conn.execute(statement)
    assert snapshot(pg) == before


def _forged_insert(pg: str, user: str, claimed: str | None = None, **change: object) -> None:
    """Insert a record by hand, as a client that skips osdose (and its lock) would."""
    import psycopg

    from osdose.ledger.postgres import _INSERT, _row

    table = load_drugs()
    adms = from_options(table, date=dt.date(2025, 2, 1), drug="EPI", dose="60 mg", bsa="1.5")
    (new,) = to_records(adms, "P-1", claimed or user)
    with open_ledger(pg) as store:
        head = list(store.records())[-1]
    fields = {"record_id": head.id + 1, "recorded_at": "2025-02-01T00:00:00.000000+00:00",
              "prev_hash": head.hash, **change}  # fmt: skip
    r = seal(new, int(fields["record_id"]), str(fields["recorded_at"]), str(fields["prev_hash"]))
    with psycopg.connect(as_user(pg, user), autocommit=True) as conn:
        conn.execute(_INSERT, _row(r))


def test_the_database_keeps_the_chain_linear_and_the_names_authenticated(pg: str) -> None:
    import psycopg

    for day in ("2025-01-01", "2025-01-02"):
        assert run(pg, *epi_60("P-1", day, "--by", "x")).exit_code == 0
    with open_ledger(pg) as store:
        first = next(store.records())
    before = snapshot(pg)
    with pytest.raises(psycopg.errors.RaiseException, match="does not follow the head"):
        _forged_insert(pg, "x", prev_hash=first.hash)  # a fork from record 1
    with pytest.raises(psycopg.errors.RaiseException, match="is not above every id"):
        _forged_insert(pg, "x", record_id=2)
    with pytest.raises(psycopg.errors.RaiseException, match="is not the role of this session"):
        _forged_insert(pg, "x", claimed="A. Pharm")  # connected as x, claims to be A. Pharm
    assert snapshot(pg) == before
    _forged_insert(pg, "x")  # linked to the head, by the role that inserts it: accepted
    assert run(pg, "check").exit_code == 0


def test_check_names_a_role_granted_update(pg: str) -> None:
    assert run(pg, *epi_60("P-1", "2025-01-01")).exit_code == 0
    with superuser(pg) as conn:
        conn.execute('GRANT UPDATE, TRUNCATE ON osdose.records TO "x"')
    r = run(pg, "check")
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        f"BROKEN: role x may {p} osdose.records: a role that records needs only SELECT and "
        f"INSERT (REVOKE {p} ON osdose.records FROM x)"
        for p in ("TRUNCATE", "UPDATE")
    ]


def test_check_names_a_disabled_guard(pg: str) -> None:
    assert run(pg, *epi_60("P-1", "2025-01-01")).exit_code == 0
    with superuser(pg) as conn:
        conn.execute("ALTER TABLE osdose.records DISABLE TRIGGER records_no_delete")
    r = run(pg, "check")
    assert (r.exit_code, r.stdout) == (
        1,
        "BROKEN: the trigger records_no_delete is disabled (ALTER TABLE … DISABLE TRIGGER): "
        "the database does not guard the ledger while it is\n",
    )


def test_superuser_tampering_with_the_guard_off_is_named_by_check(pg: str) -> None:
    for day in ("2025-01-01", "2025-01-02", "2025-01-03"):
        assert run(pg, *epi_60("P-1", day)).exit_code == 0
    with superuser(pg) as conn:
        conn.execute("ALTER TABLE osdose.records DISABLE TRIGGER records_no_update")
        conn.execute("UPDATE osdose.records SET dose = 600 WHERE id = 2")
        conn.execute("ALTER TABLE osdose.records ENABLE TRIGGER records_no_update")
    r = run(pg, "check")
    assert (r.exit_code, r.stdout) == (
        1,
        "BROKEN: record 2: its content does not match its hash (it was changed) "
        "(1 of 3 records verify before it)\n",
    )


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (3, "has schema version 3, newer than this osdose knows (2): upgrade osdose"),
        (1, "has schema version 1; this osdose needs 2: run `osdose ledger init --ledger {url}` "
            "to upgrade it"),
    ],
)  # fmt: skip
def test_a_schema_of_another_version_is_refused_with_what_to_do(
    pg: str, version: int, message: str
) -> None:
    with superuser(pg) as conn:
        conn.execute("ALTER TABLE osdose.migrations DISABLE TRIGGER USER")
        if version == 3:
            conn.execute("INSERT INTO osdose.migrations (version) VALUES (3)")
        else:
            conn.execute("DELETE FROM osdose.migrations WHERE version = 2")
    for args in (["list", "-p", "P-1"], epi_60("P-1", "2025-01-01"), ["check"]):
        r = run(pg, *args)
        assert (r.exit_code, r.stderr) == (
            2,
            f"osdose: error: ledger {pg} {message.format(url=pg)}\n",
        )


def test_a_schema_named_osdose_that_is_not_a_ledger_is_left_alone(pg_empty: str) -> None:
    with superuser(pg_empty) as conn:
        conn.execute("CREATE SCHEMA osdose")
        conn.execute("CREATE TABLE osdose.notes (x text)")
    r = run(pg_empty, "init")
    assert r.exit_code == 2
    assert r.stderr == (
        f"osdose: error: database {_database(pg_empty)} ({pg_empty}) already has a schema osdose "
        "that is not an osdose ledger; nothing was changed\n"
    )


def test_the_libpq_keyword_form_and_the_socket(pg: str) -> None:
    assert STATE.server is not None
    with superuser(pg) as conn:
        sockets = conn.execute("SHOW unix_socket_directories").fetchone()[0]
    if not sockets:
        pytest.skip("the server listens on no Unix socket")
    socket = sockets.split(",")[0].strip()
    keywords = f"host={socket} dbname={_database(pg)} user={STATE.server.admin_user}"
    assert run(keywords, *epi_60("P-1", "2025-01-01")).stdout == "1\n"
    url = f"postgresql:///{_database(pg)}?host={socket}"
    r = run(url, "list", "-p", "P-1", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert '"id": 1' in r.stdout


def test_no_server_is_one_line_and_never_shows_the_password() -> None:
    url = "postgresql://ann:s3cret@127.0.0.1:1/osdose"
    r = run(url, "list", "-p", "P-1")
    assert r.exit_code == 2
    assert r.stderr.startswith(
        "osdose: error: cannot connect to the PostgreSQL ledger postgresql://ann:***@127.0.0.1:1/osdose: "
    )
    assert len(r.stderr.splitlines()) == 1 and "s3cret" not in r.stderr


def test_without_the_driver_the_error_names_the_extra(tmp_path: Path) -> None:
    # the same interpreter with psycopg made unimportable, as if osdose[postgres] were not
    # installed; the server is never reached
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from osdose.cli import main\n"
        "main(['ledger', 'list', '-p', 'P-1', '--ledger', 'postgresql://127.0.0.1:1/x'])\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == (
        "osdose: error: a PostgreSQL ledger needs the psycopg driver: pip install "
        "'osdose[postgres]'\n"
    )


def test_one_patient_is_read_through_an_index(pg: str) -> None:
    # 20,000 records of 2,000 patients, as osdose appends them; the planner then reads one
    # patient's 10 records through records_patient_id, not the whole table.
    table = load_drugs()
    first = dt.date(2000, 1, 1)
    adms = [
        from_options(table, date=first + dt.timedelta(days=d), drug="EPI", dose="60 mg", bsa="1.5")[
            0
        ]
        for d in range(10)
    ]
    with open_ledger(pg, write=True) as store:
        for batch in range(10):
            new = [
                r
                for p in range(batch * 200, batch * 200 + 200)
                for r in to_records(adms, f"P-{p:05d}", store.identity(None))
            ]
            store.append(new)
    with superuser(pg) as conn:
        conn.execute("ANALYZE osdose.records")
        plan = "\n".join(
            r[0] for r in conn.execute(f"EXPLAIN {PATIENT_QUERY}", ("P-01234",)).fetchall()
        )
    assert "Index Scan using records_patient_id on records" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_init_by_a_role_that_may_not_create_a_schema(pg_empty: str) -> None:
    where = as_user(pg_empty, "x")
    before = snapshot(pg_empty)
    r = run(where, "init")
    assert r.exit_code == 2
    assert r.stderr.startswith(
        f"osdose: error: role x may not create or change the ledger's schema in {where} ("
    )
    assert r.stderr.endswith("): run init as the database's owner; nothing was changed\n")
    assert snapshot(pg_empty) == before
