"""The two ledger backends under test: a SQLite file, and a real PostgreSQL server.

Every ledger test takes the ``ledger`` fixture, parametrised over both backends: a file
path in the test's folder, or the URL of a database created for the test alone (and
dropped after it), with the osdose schema initialised and the test roles granted.

The server: ``$OSDOSE_TEST_PG`` (default ``postgresql://root@127.0.0.1:5432/postgres``), a
role that may CREATE DATABASE and CREATE ROLE, trust authentication for the test roles.
Without a server the PostgreSQL tests are skipped, and the run's summary says so and how
to run them; with ``CI=true`` a missing server fails them instead.
"""

from __future__ import annotations

import contextlib
import getpass
import itertools
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner, Result

from osdose.cli import app

ADMIN = os.environ.get("OSDOSE_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")
# The people of the tests: on PostgreSQL each is a login role, as in a pharmacy where
# every pharmacist connects as themselves (--by NAME connects as NAME).
PEOPLE = ("x", "A. Pharm", "B. Check", "B. Checker", "importer", "tester", "loop")
HOW_TO_RUN = (
    "start a PostgreSQL server on 127.0.0.1:5432 with trust authentication (or set "
    "OSDOSE_TEST_PG=postgresql://USER@HOST:PORT/DB, a role that may CREATE DATABASE and "
    "CREATE ROLE), then run make test again; with CI=true a missing server fails the run"
)


def is_pg(location: str) -> bool:
    return location.startswith("postgresql://")


class Server:
    """The PostgreSQL server the tests use: databases and roles made for them."""

    def __init__(self) -> None:
        import psycopg

        self.psycopg = psycopg
        self.params = psycopg.conninfo.conninfo_to_dict(ADMIN)
        self.admin_user = str(self.params.get("user") or getpass.getuser())
        self.conn = psycopg.connect(ADMIN, autocommit=True, connect_timeout=3)
        self.version = str(self.conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        self.group = f"osdose_test_writers_{os.getpid()}"
        self.counter = itertools.count()
        self.templates: dict[str, str] = {}
        self._roles()

    def _roles(self) -> None:
        ident = self.psycopg.sql.Identifier
        self.conn.execute(self.psycopg.sql.SQL("CREATE ROLE {} NOLOGIN").format(ident(self.group)))
        for name in PEOPLE:
            exists = self.conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)
            ).fetchone()
            if not exists:
                self.conn.execute(self.psycopg.sql.SQL("CREATE ROLE {} LOGIN").format(ident(name)))
            self.conn.execute(
                self.psycopg.sql.SQL("GRANT {} TO {}").format(ident(self.group), ident(name))
            )

    def url(self, database: str, user: str | None = None) -> str:
        who = quote(user or self.admin_user, safe="")
        password = self.params.get("password")
        if password and user is None:
            who += ":" + quote(str(password), safe="")
        host = str(self.params.get("host") or "127.0.0.1")
        if host.startswith("/"):
            return f"postgresql://{who}@/{database}?host={quote(host, safe='')}"
        return f"postgresql://{who}@{host}:{self.params.get('port') or 5432}/{database}"

    def create_database(self, template: str | None = None) -> str:
        name = f"osdose_test_{os.getpid()}_{next(self.counter)}"
        like = f' TEMPLATE "{template}"' if template else ""
        self.conn.execute(f'CREATE DATABASE "{name}"{like}')
        return name

    def drop_database(self, name: str) -> None:
        self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def template(self, key: str, build: Any) -> str:
        """A database built once per session by ``build(url)`` (from the ``ledger``
        template when ``key`` is not "ledger"), that tests clone: copying a small database
        takes a fraction of building it."""
        if key not in self.templates:
            name = self.create_database(None if key == "ledger" else self.template("ledger", _init))
            self.templates[key] = name
            build(self.url(name))
        return self.templates[key]

    def connect(self, database: str, user: str | None = None) -> Any:
        return self.psycopg.connect(self.url(database, user), autocommit=True)

    def close(self) -> None:
        if self.conn.closed:
            return
        for name in self.templates.values():
            self.drop_database(name)
        ident = self.psycopg.sql.Identifier
        # Only this session's own group: the people's roles (PEOPLE) are shared by every
        # session on the server; dropping them here broke a session running beside this one
        # (its next GRANT or login failed). They are kept, as a server's users are.
        for name in [self.group]:
            with contextlib.suppress(self.psycopg.Error):
                self.conn.execute(self.psycopg.sql.SQL("DROP ROLE {}").format(ident(name)))
        self.conn.close()


class _State:
    server: Server | None = None
    error: str | None = None
    tried = False
    summarised = False


STATE = _State()


def server() -> Server:
    """The session's server, or skip (fail under CI=true) with how to run these tests."""
    if not STATE.tried:
        STATE.tried = True
        try:
            STATE.server = Server()
        except ImportError:
            STATE.error = "psycopg is not installed (pip install -e '.[test,postgres]')"
        except Exception as exc:  # any reason the server cannot be used is reported
            STATE.error = f"no usable server at {ADMIN} ({str(exc).strip().splitlines()[0]})"
    if STATE.server is None:
        message = f"PostgreSQL tests: {STATE.error}; {HOW_TO_RUN}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return STATE.server


def pg_database(request: pytest.FixtureRequest, template: str | None = None) -> tuple[Server, str]:
    """A new database for this test (empty, or a copy of ``template``), dropped after it."""
    srv = server()
    name = srv.create_database(template)
    request.addfinalizer(lambda: srv.drop_database(name))
    return srv, name


def _init(url: str) -> None:
    from osdose.ledger.store import init_ledger

    assert STATE.server is not None
    init_ledger(url, grant=[STATE.server.group])


def pg_ledger(request: pytest.FixtureRequest, key: str = "ledger", fill: Any = None) -> str:
    """A new database with the osdose ledger initialised and the test roles granted (a copy
    of one made by ``ledger init`` once per session); with ``fill``, a copy of one filled
    by ``fill(url)`` once per session."""
    srv = server()
    template = srv.template(key, fill or _init)
    _, name = pg_database(request, template)
    return srv.url(name)


_FILLED: dict[str, Path] = {}


def filled_fixture(request: pytest.FixtureRequest, tmp_path: Path, key: str, fill: Any) -> str:
    """A ledger on the backend of ``request.param`` holding what ``fill(location)`` records,
    recorded once per session and copied for each test (the tests only read it or are
    refused: what they may not change is compared before and after)."""
    if request.param != "sqlite":
        return pg_ledger(request, key, fill)
    if key not in _FILLED:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="osdose-filled-"))
        request.session.config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        _FILLED[key] = folder / "ledger.sqlite3"
        fill(str(_FILLED[key]))
    target = tmp_path / "ledger.sqlite3"
    shutil.copy2(_FILLED[key], target)
    return str(target)


def as_user(location: str, name: str) -> str:
    """``location`` connecting as ``name`` (PostgreSQL); a file is the same for everyone."""
    if not is_pg(location) or name not in PEOPLE:
        return location
    assert STATE.server is not None
    database = location.rsplit("/", 1)[1].split("?", 1)[0]
    return STATE.server.url(database, name)


def run(ledger: str | Path, *args: str) -> Result:
    """``osdose ledger ARGS --ledger LEDGER``; on PostgreSQL as the role ``--by`` names."""
    location = str(ledger)
    if "--by" in args:
        location = as_user(location, args[args.index("--by") + 1])
    return CliRunner().invoke(app, ["ledger", *args, "--ledger", location])


def snapshot(location: str | Path) -> Any:
    """What "unchanged" means: a SQLite file's bytes, SQL dump and side files; a
    PostgreSQL ledger's rows in every table and its schema objects."""
    where = str(location)
    if is_pg(where):
        import psycopg

        with psycopg.connect(where) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'osdose' ORDER BY 1"
                )
            ]
            rows = {
                t: conn.execute(f"SELECT * FROM osdose.{t} ORDER BY 1, 2").fetchall()
                for t in tables
            }
            objects = conn.execute(
                "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'osdose' ORDER BY 1"
            ).fetchall()
        return rows, objects
    path = Path(where)
    data = path.read_bytes() if path.exists() else b""
    dump: list[str] = []
    if path.exists():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dump = list(conn.iterdump())
        conn.close()
    sides = sorted(p.name for p in path.parent.glob(path.name + "-*"))
    return data, dump, sides


def superuser(location: str) -> Any:
    """A connection that may do anything (to tamper with a ledger as an attacker would)."""
    if is_pg(location):
        import psycopg

        return psycopg.connect(location, autocommit=True)
    return sqlite3.connect(location, isolation_level=None)


def tamper(location: str, *statements: str) -> None:
    """Run ``statements`` on the ledger's tables with the append-only guards off, then put
    the guards back (PostgreSQL) — what someone with the owner's rights could do."""
    if is_pg(location):
        tables = ("records", "signatures", "high_water")
        with superuser(location) as conn:
            conn.execute("SET search_path = osdose")
            for t in tables:
                conn.execute(f"ALTER TABLE {t} DISABLE TRIGGER USER")
            for s in statements:
                conn.execute(s)
            for t in tables:
                conn.execute(f"ALTER TABLE {t} ENABLE TRIGGER USER")
        return
    conn = sqlite3.connect(location)
    for trigger in (
        "records_no_update",
        "records_no_delete",
        "signatures_no_update",
        "signatures_no_delete",
    ):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()


def ledger_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.sqlite3")
    else:
        yield pg_ledger(request)


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def summary(terminalreporter: Any) -> None:
    """One clear line on the PostgreSQL tests: ran against which server, or skipped and
    how to run them."""
    if STATE.summarised:
        return
    write = terminalreporter.write_line
    if not STATE.tried:  # pytest-xdist's controller: the workers ran them; count their reports
        counts = {
            kind: sum("postgres" in r.keywords for r in terminalreporter.stats.get(kind, []))
            for kind in ("passed", "skipped", "failed", "error")
        }
        if any(counts.values()):
            STATE.summarised = True
            write("PostgreSQL tests: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        return
    STATE.summarised = True
    if STATE.server is not None:
        passed = [r for r in terminalreporter.stats.get("passed", []) if "postgres" in r.keywords]
        write(
            f"PostgreSQL tests: {len(passed)} passed against PostgreSQL "
            f"{STATE.server.version} at {ADMIN}"
        )
        return
    if os.environ.get("CI", "").lower() == "true":
        failed = [
            r
            for kind in ("error", "failed")
            for r in terminalreporter.stats.get(kind, [])
            if "postgres" in r.keywords
        ]
        write(
            f"PostgreSQL tests: {len(failed)} FAILED (CI=true): {STATE.error}", red=True, bold=True
        )
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "postgres" in r.keywords]
    write(f"PostgreSQL tests: {len(skipped)} SKIPPED: {STATE.error}", yellow=True, bold=True)
    write(f"  to run them: {HOW_TO_RUN}", yellow=True)


def close() -> None:
    if STATE.server is not None:
        STATE.server.close()
