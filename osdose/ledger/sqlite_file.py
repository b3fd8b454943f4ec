"""The SQLite ledger as a file: what is at the path, before SQLite touches it.

- A path is followed through symbolic links to the real file, so that every writer uses
  the same ``-wal`` file; a dangling link is refused, never created through.
- The first 100 bytes (the SQLite header) tell an osdose ledger (application id "osdo")
  from any other file *before* SQLite opens it: another file is refused unmodified, not
  even switched to WAL mode. An empty file, or one shorter than its header says, is a
  damaged ledger (:class:`LedgerDamaged`): ``ledger check`` reports it as a loss.
- A new ledger is built complete (WAL mode, schema) in a temporary file in the same
  folder and linked into place, so that no osdose ledger is ever seen empty: an empty file
  at the path means a truncation.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from osdose.ledger.records import LedgerDamaged, LedgerError
from osdose.ledger.sqlite_schema import APPLICATION_ID, migrate

FILE_MODE = 0o600
MAGIC = b"SQLite format 3\x00"
BUSY_SECONDS = 30.0


@dataclass(frozen=True)
class Header:
    """What a ledger file's first 100 bytes say."""

    size: int
    expected_size: int | None  # page count × page size, when the header's count is valid
    application_id: int
    user_version: int


def real_path(path: Path, shown: str) -> Path | None:
    """The file ``path`` names, symbolic links followed; ``None`` when nothing is there."""
    if path.is_symlink():
        try:
            return path.resolve(strict=True)
        except FileNotFoundError:
            raise LedgerError(
                f"ledger {shown} is a symbolic link to {os.readlink(path)}, which does not "
                "exist: give the path of the ledger itself"
            ) from None
        except (OSError, RuntimeError) as exc:
            raise LedgerError(
                f"ledger {shown}: the symbolic link cannot be followed ({exc})"
            ) from None
    try:
        path.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise LedgerError(
            f"ledger {shown}: a part of the path before the file name is a file, not a folder"
        ) from None
    except OSError as exc:
        raise LedgerError(f"ledger {shown} cannot be reached: {exc.strerror}") from None
    return path


def _side_files(path: Path, shown: str) -> None:
    """Refuse a -wal or -shm beside the ledger that is a link (symbolic or hard) or not a
    regular file: SQLite writes them, and osdose never writes through a link (SQLite refuses
    a symbolic one too, with no more than "unable to open database file")."""
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        try:
            st = side.lstat()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise LedgerError(f"ledger {shown}: {side} cannot be reached: {exc.strerror}") from None
        if stat.S_ISLNK(st.st_mode):
            raise LedgerError(
                f"ledger {shown}: its {suffix[1:].upper()} file {side} is a symbolic link to "
                f"{os.readlink(side)}; osdose never writes through one: remove the link"
            )
        if not stat.S_ISREG(st.st_mode):
            raise LedgerError(
                f"ledger {shown}: its {suffix[1:].upper()} file {side} is not a regular file"
            )
        if st.st_nlink > 1:  # another name for the same file: writing it would change that
            raise LedgerError(
                f"ledger {shown}: its {suffix[1:].upper()} file {side} is also another file "
                f"(it has {st.st_nlink} names, hard links); osdose never writes into one: "
                "remove it"
            )


def inspect(path: Path, shown: str) -> Header:
    """Read the header of the file at ``path``; refuse anything that is not an osdose
    ledger, and report an empty or truncated one as damaged."""
    _side_files(path, shown)
    st = path.stat()
    if stat.S_ISDIR(st.st_mode):
        raise LedgerError(f"ledger {shown} is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise LedgerError(f"ledger {shown} is not a regular file")
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise LedgerError(f"ledger {shown} cannot be read: {exc.strerror}") from None
    if st.st_size == 0:
        raise LedgerDamaged(
            f"ledger {shown} is empty (0 bytes): an osdose ledger never is, so it was "
            "truncated; restore it from a backup (or remove the file if it is not a ledger)"
        )
    if not head.startswith(MAGIC[: len(head)]) or (len(head) >= 16 and head[:16] != MAGIC):
        raise LedgerError(
            f"{shown} is not an osdose ledger (not a SQLite database); it was left unchanged"
        )
    if len(head) < 100:
        raise LedgerDamaged(
            f"ledger {shown} is truncated ({st.st_size} bytes, shorter than a SQLite header): "
            "restore it from a backup"
        )
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = pages > 0 and head[24:28] == head[92:96]
    header = Header(
        size=st.st_size,
        expected_size=pages * page_size if valid else None,
        application_id=int.from_bytes(head[68:72], "big", signed=True),
        user_version=int.from_bytes(head[60:64], "big", signed=True),
    )
    if header.application_id != APPLICATION_ID and not _marked_in_wal(path):
        raise LedgerError(
            f"{shown} is a SQLite database but not an osdose ledger (application id "
            f"{header.application_id:#x}); it was left unchanged"
        )
    if header.expected_size is not None and header.size < header.expected_size:
        raise LedgerDamaged(
            f"ledger {shown} is truncated: {header.size} bytes where its header says "
            f"{header.expected_size}; restore it from a backup"
        )
    return header


def _marked_in_wal(path: Path) -> bool:
    """A ledger made by osdose before 0.2 may carry its mark in a -wal file that no one has
    checkpointed yet; ask SQLite, read-only."""
    wal = Path(f"{path}-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            return bool(conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID)
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def create(path: Path, shown: str) -> bool:
    """Create the ledger at ``path`` complete, readable and writable by its owner only;
    whether this call created it.

    Built in a temporary file (0600) in the same folder, then hard-linked into place: a
    writer that loses the race to create it uses the other's. The folder is created 0700.
    """
    tmp = build(path, shown)
    try:
        return place(tmp, path, shown)
    finally:
        remove(tmp)


def build(path: Path, shown: str) -> Path:
    """A new ledger, complete, in a temporary file (0600) in ``path``'s folder (created
    0700): :func:`place` puts it at ``path``, :func:`remove` removes it."""
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=folder)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise LedgerError(f"cannot create the ledger {shown}: {exc.strerror}{where}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE")
            migrate(conn, 0)
            conn.execute("COMMIT")
        finally:
            conn.close()  # the last connection checkpoints: the header is in the file
    except (OSError, sqlite3.Error) as exc:
        remove(tmp)
        raise LedgerError(f"cannot create the ledger {shown}: {exc}") from None
    return tmp


def place(tmp: Path, path: Path, shown: str) -> bool:
    """Link the ledger built in ``tmp`` (every connection to it closed: its content is in
    the file) to ``path``, durably; ``False`` when a ledger is there already."""
    try:
        fsync(tmp)
        created = True
        try:
            os.link(tmp, path)
        except FileExistsError:  # another writer created it first
            created = False
        fsync(path.parent)
    except OSError as exc:
        raise LedgerError(f"cannot create the ledger {shown}: {exc}") from None
    return created


def remove(tmp: Path) -> None:
    """Remove a ledger built by :func:`build` (its name: the ledger, if placed, keeps its own)."""
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)


def fsync(path: Path) -> None:
    if os.name != "posix" and path.is_dir():
        return  # Windows cannot open a folder to sync it; NTFS journals the rename
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_writable(path: Path, shown: str) -> None:
    """Refuse, before any write, a ledger that cannot or must not be written: a file its
    owner made read-only (0400, refused even for root), or a file or folder this user or
    its file system cannot write (the -wal file lives beside the ledger)."""
    mode = path.stat().st_mode
    if not mode & stat.S_IWUSR:
        raise LedgerError(
            f"ledger {shown} is read-only (mode {mode & 0o777:04o}): nothing can be recorded "
            f"into it; chmod 600 {shown} if it should be written"
        )
    for what, where in (("ledger", path), ("folder of the ledger", path.parent)):
        if not os.access(where, os.W_OK):
            raise LedgerError(
                f"ledger {shown} cannot be written: this user may not write its {what} "
                f"{where}, or its file system is read-only; nothing was recorded"
            )


def connect(path: Path, shown: str, write: bool) -> sqlite3.Connection:
    """A connection that never creates the file. A reader falls back to read-only, then
    (in a folder it cannot write, with no -wal to read) to SQLite's immutable mode."""
    uri = path.absolute().as_uri()
    attempts = [f"{uri}?mode=rw"] if write else [f"{uri}?mode=rw", f"{uri}?mode=ro"]
    wal = Path(f"{path}-wal")
    if not write and not (wal.exists() and wal.stat().st_size > 0):
        attempts.append(f"{uri}?immutable=1")
    last: sqlite3.Error | None = None
    for target in attempts:
        try:
            conn = sqlite3.connect(target, uri=True, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            last = exc
            if "unable to open" not in str(exc) and "readonly" not in str(exc):
                break
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise LedgerDamaged(
                f"ledger {shown} cannot be read ({exc}): it is damaged; run osdose ledger check"
            ) from None
    raise LedgerError(f"ledger {shown} cannot be opened: {last}")
