"""Connecting to a PostgreSQL ledger, creating or upgrading its schema (``ledger init``),
and comparing what is in the database with what osdose installs (``ledger check``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osdose.ledger.location import redact
from osdose.ledger.postgres_schema import LOCK, MIGRATIONS, expected, grants
from osdose.ledger.records import LedgerError

if TYPE_CHECKING:
    import psycopg

LOCK_SECONDS = 30  # as long as a SQLite writer waits for the write lock


def version() -> int:
    """The schema version this osdose writes."""
    return len(MIGRATIONS)


def driver() -> Any:
    """The psycopg module, or one line naming the extra that installs it."""
    try:
        import psycopg
    except ImportError:
        raise LedgerError(
            "a PostgreSQL ledger needs the psycopg driver: pip install 'osdose[postgres]'"
        ) from None
    # psycopg logs what it ignores while closing a lost connection ("error ignored
    # terminating ... Pipeline"); osdose reports the loss itself, in one line.
    logging.getLogger("psycopg").addHandler(logging.NullHandler())
    return psycopg


def first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


@dataclass
class Session:
    """A connection with what osdose needs to know of it."""

    conn: psycopg.Connection[Any]
    user: str  # session_user: the role the server authenticated
    database: str
    has_schema: bool  # a schema named osdose exists
    may_use: bool  # ... and this role has USAGE on it
    has_ledger: bool  # ... with the ledger's migrations table


def connect(dsn: str, shown: str) -> Session:
    """A connection in autocommit mode (osdose opens its transactions itself) with osdose's
    session settings, in one round trip after the connection itself:

    - ``search_path`` fixed: osdose names every object with its schema, whatever the role's
      own search_path, and the server prints triggers and indexes schema-qualified;
    - ``lock_timeout``: a writer waits at most 30 s for the chain's lock;
    - ``enable_seqscan`` off: every query osdose sends is an index lookup by design, and a
      plan cached while the ledger was small (prepared statements, the triggers' queries)
      must not stay a sequential scan as the ledger grows;
    - ``synchronous_commit`` on when a DBA turned it off: acknowledged means on disk.
    """
    pg = driver()
    try:
        params = pg.conninfo.conninfo_to_dict(dsn)
    except pg.Error as exc:
        raise LedgerError(
            f"ledger {shown} is not a PostgreSQL connection string libpq accepts "
            f"({first_line(exc)})"
        ) from None
    extra: dict[str, Any] = {}
    if "application_name" not in params:
        extra["application_name"] = "osdose"
    if "connect_timeout" not in params:
        extra["connect_timeout"] = 10
    try:
        conn: psycopg.Connection[Any] = pg.connect(dsn, autocommit=True, **extra)
    except pg.Error as exc:
        raise LedgerError(
            f"cannot connect to the PostgreSQL ledger {shown}: {first_line(exc)}"
        ) from None
    try:
        row = conn.execute(
            "SELECT session_user, current_database(), current_setting('synchronous_commit'), "
            "to_regnamespace('osdose') IS NOT NULL, "
            "coalesce(has_schema_privilege(to_regnamespace('osdose'), 'USAGE'), false), "
            # CASE: to_regclass fails on a schema the role may not use
            "CASE WHEN has_schema_privilege(to_regnamespace('osdose'), 'USAGE') "
            "THEN to_regclass('osdose.migrations') IS NOT NULL ELSE false END, "
            "set_config('search_path', 'pg_catalog, pg_temp', false), "
            "set_config('lock_timeout', %s, false), set_config('enable_seqscan', 'off', false)",
            (f"{LOCK_SECONDS}s",),
        ).fetchone()
        assert row is not None
        if row[2] == "off":
            conn.execute("SET synchronous_commit = on")
    except pg.Error as exc:
        conn.close()
        raise LedgerError(f"ledger {shown}: {first_line(exc)}") from None
    return Session(conn, str(row[0]), str(row[1]), bool(row[3]), bool(row[4]), bool(row[5]))


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """The highest schema step applied (the migrations table must exist)."""
    found = conn.execute("SELECT max(version) FROM osdose.migrations").fetchone()
    return int(found[0]) if found and found[0] is not None else 0


# -- ledger init ----------------------------------------------------------------------------


def grant_statements(version: int, roles: Iterable[str], conn: Any = None) -> list[str]:
    """The GRANTs for each role (quoted as SQL identifiers), each ending with ';'."""
    pg = driver()
    out = []
    for role in roles:
        quoted = pg.sql.Identifier(role).as_string(conn)
        out += [g.format(role=quoted) + ";" for g in grants(version)]
    return out


def initialise(dsn: str, roles: Sequence[str] = ()) -> tuple[bool, list[int], int, list[str]]:
    """``ledger init``: create or upgrade the schema ``osdose`` and grant ``roles``, in one
    transaction holding the chain's lock. (created, versions applied, schema version,
    GRANTs applied)."""
    pg = driver()
    shown = redact(dsn)
    session = connect(dsn, shown)
    conn = session.conn
    try:
        with conn.pipeline():
            conn.execute("BEGIN")
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", LOCK)
        if session.has_schema and not session.has_ledger:
            raise LedgerError(
                f"database {session.database} ({shown}) already has a schema osdose that is "
                "not an osdose ledger; nothing was changed"
            )
        current = schema_version(conn) if session.has_ledger else 0
        if current > version():
            raise LedgerError(
                f"ledger {shown} has schema version {current}, newer than this osdose knows "
                f"({version()}): upgrade osdose"
            )
        applied = []
        for number in range(current, version()):
            if number == 0:
                conn.execute("CREATE SCHEMA osdose")
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute("INSERT INTO osdose.migrations (version) VALUES (%s)", (number + 1,))
            applied.append(number + 1)
        done = []
        for role in roles:
            for statement in grant_statements(version(), [role], conn):
                try:
                    conn.execute(statement)
                except pg.errors.UndefinedObject:
                    raise LedgerError(
                        f"--grant {role}: no such role in the server; create it first "
                        f"(CREATE ROLE …); nothing was changed"
                    ) from None
                done.append(statement)
        conn.execute("COMMIT")
        return current == 0, applied, version(), done
    except pg.errors.InsufficientPrivilege as exc:
        raise LedgerError(
            f"role {session.user} may not create or change the ledger's schema in {shown} "
            f"({first_line(exc)}): run init as the database's owner; nothing was changed"
        ) from None
    except pg.Error as exc:
        raise LedgerError(f"ledger {shown}: {first_line(exc)}; nothing was changed") from None
    finally:
        conn.close()


# -- ledger check ---------------------------------------------------------------------------


def schema_problems(conn: psycopg.Connection[Any], version: int) -> list[str]:
    """How the guards in the database differ from the ones osdose installs at
    ``version``: trigger functions by their source, triggers and indexes by the
    definition the server prints back, and triggers disabled."""
    functions, triggers, indexes = expected(version)
    have_f = dict(
        conn.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'osdose'"
        ).fetchall()
    )
    rows = conn.execute(
        "SELECT t.tgname, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t "
        "JOIN pg_class r ON r.oid = t.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace "
        "WHERE n.nspname = 'osdose' AND NOT t.tgisinternal"
    ).fetchall()
    have_t = {name: definition for name, definition, _ in rows}
    disabled = sorted(name for name, _, enabled in rows if enabled != "O")
    have_i = dict(
        conn.execute(
            "SELECT x.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_namespace n "
            "ON n.oid = x.relnamespace WHERE n.nspname = 'osdose'"
        ).fetchall()
    )
    problems = _compare("function", functions, have_f)
    problems += _compare("append-only trigger", triggers, have_t)
    problems += [
        f"the trigger {name} is disabled (ALTER TABLE … DISABLE TRIGGER): the database "
        "does not guard the ledger while it is"
        for name in disabled
    ]
    problems += _compare("index", indexes, have_i)
    return problems


def grant_problems(conn: psycopg.Connection[Any]) -> list[str]:
    """Roles (other than a table's owner) that may UPDATE, DELETE or TRUNCATE it."""
    rows = conn.execute(
        "SELECT c.relname, a.privilege_type, "
        "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
        "aclexplode(c.relacl) a WHERE n.nspname = 'osdose' AND a.grantee <> c.relowner "
        "AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE') ORDER BY 1, 3, 2"
    ).fetchall()
    return [
        f"role {who} may {what} osdose.{table}: a role that records needs only SELECT and "
        f"INSERT (REVOKE {what} ON osdose.{table} FROM {who})"
        for table, what, who in rows
    ]


def _compare(what: str, want: dict[str, str], have: dict[str, str]) -> list[str]:
    out = []
    for name, text in want.items():
        if name not in have:
            out.append(f"the {what} {name} is missing (someone removed it)")
        elif have[name] != text:
            out.append(f"the {what} {name} differs from the one osdose installs (it was changed)")
    out += [
        f"the {what.split()[-1]} {name} was not installed by osdose (someone added it)"
        for name in sorted(have)
        if name not in want
    ]
    return out
