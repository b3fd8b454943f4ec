"""Where a ledger lives: a SQLite file path or a PostgreSQL connection string.

``--ledger`` and ``OSDOSE_LEDGER`` take either. A PostgreSQL location is a libpq URL
(``postgresql://user@host:5432/db``, ``postgres://…``, ``postgresql:///db?host=/run/pg``)
or a libpq keyword/value string (``host=/run/postgresql dbname=pharmacy``); anything else
is a file path. Locations are kept as strings: :class:`pathlib.Path` folds the ``//`` of
a URL into ``/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from osdose.ledger.records import LedgerError

ENV = "OSDOSE_LEDGER"
FILE_NAME = "ledger.sqlite3"

_PG_URL = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)
# what pathlib leaves of a URL that went through Path(): "postgresql:/host/db"
_FOLDED = re.compile(r"^postgres(?:ql)?:/(?!/)", re.IGNORECASE)
_OTHER_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")  # two letters at least: C:/ is a path
# libpq's keyword/value form starts with one of its keywords and '='
_LIBPQ_KEYWORDS = (
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service",
    "sslmode", "sslrootcert", "sslcert", "sslkey", "application_name", "options",
    "connect_timeout", "target_session_attrs", "gssencmode", "channel_binding",
)  # fmt: skip
_LIBPQ = re.compile(rf"^\s*(?:{'|'.join(_LIBPQ_KEYWORDS)})\s*=")
_URL_PASSWORD = re.compile(r"^([^:/]+://[^:/@?]*):[^@/?]*@")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)
_KV_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)")


def default_location() -> str:
    """``$OSDOSE_LEDGER``, else ``ledger.sqlite3`` in the user data folder."""
    env = os.environ.get(ENV)
    if env:
        return env
    import platformdirs

    return str(Path(platformdirs.user_data_dir("osdose", appauthor=False)) / FILE_NAME)


def resolve(location: str | Path | None) -> str:
    """The location as a string; ``None`` or empty: :func:`default_location`."""
    if location is None or str(location) == "":
        return default_location()
    return str(location)


def is_postgres(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a file.

    Refuses a URL that is neither (``mysql://…``) and a PostgreSQL URL that went through
    :class:`pathlib.Path` and lost its ``//`` (which cannot be restored unambiguously).
    """
    if _PG_URL.match(location) or _LIBPQ.match(location):
        return True
    if _FOLDED.match(location):
        raise LedgerError(
            f"ledger {redact(location)}: a PostgreSQL URL must start postgresql:// (it lost a "
            "'/': pass the location as a string, not a pathlib.Path)"
        )
    if _OTHER_URL.match(location):
        scheme = location.split(":", 1)[0]
        raise LedgerError(
            f"ledger {redact(location)}: {scheme}: is not a kind of ledger osdose knows; give "
            "a file path (SQLite) or a postgresql:// URL"
        )
    return False


def redact(location: str) -> str:
    """``location`` with any password replaced by ``***``: safe for messages and logs."""
    out = _URL_PASSWORD.sub(r"\1:***@", location)
    out = _QUERY_PASSWORD.sub(r"\1***", out)
    if _LIBPQ.match(location):
        out = _KV_PASSWORD.sub(r"\1***", out)
    return out
