"""Writing an output file so that it is whole or absent, and never where it must not be.

:func:`write_atomic` writes a temporary file in the destination's folder, syncs it to disk
and renames it into place: a reader (or a crash) sees the old file or the new one, never
half of one. It refuses to write through a symbolic link, to replace an existing file
without ``force``, and to overwrite one of the run's own inputs (an order, a regimen, a
ledger). The file is created with ``mode`` (0600 by default: outputs hold patient data).

The run's inputs are the paths a command passes, and every file osdose read during the
command (:func:`note_read`, called by :func:`osdose.reader.read_bytes`): a worksheet can
never replace the order it checks, nor the regimen or history file that order names.
:func:`check_target` runs the same refusals early, before a long computation.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from osdose.errors import FileError

# (device, inode) of every regular file read since the command began: the run's inputs.
_READ: set[tuple[int, int]] = set()


def note_read(info: os.stat_result) -> None:
    """Remember a file the command read (its ``fstat``): an output must never replace it."""
    _READ.add((info.st_dev, info.st_ino))


def forget_reads() -> None:
    """Start a new command: the files read by the one before are not its inputs."""
    _READ.clear()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.absolute() == b.absolute()


def check_target(
    path: str | Path, *, force: bool, inputs: Iterable[str | Path] = ()
) -> os.stat_result | None:
    """Refuse ``path`` as an output (see :func:`write_atomic`) before anything is written;
    what is there now (``lstat``), or ``None``."""
    target = Path(path)
    for given in inputs:
        if _same_file(target, Path(given)):
            raise FileError(
                target, None, "is one of this command's inputs: write the output elsewhere"
            )
    try:
        st = target.lstat()
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise FileError(
            target, None, "cannot be written: a part of the path before the file name is a file"
        ) from None
    except OSError as exc:
        raise FileError(target, None, f"cannot be written ({exc.strerror})") from None
    if st is not None:
        if (st.st_dev, st.st_ino) in _READ and stat.S_ISREG(st.st_mode):
            raise FileError(
                target, None, "is one of this command's inputs: write the output elsewhere"
            )
        if stat.S_ISLNK(st.st_mode):
            raise FileError(
                target, None, "is a symbolic link: osdose never writes through one; give the "
                "path of a regular file",
            )  # fmt: skip
        if not stat.S_ISREG(st.st_mode):
            raise FileError(target, None, "exists and is not a regular file")
        if not force:
            raise FileError(target, None, "exists: give --force to replace it")
    folder = target.parent
    if not folder.is_dir():
        raise FileError(target, None, f"cannot be written: the folder {folder} does not exist")
    return st


def write_atomic(
    path: str | Path,
    content: str | bytes | Iterable[str],
    *,
    force: bool,
    mode: int = 0o600,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write ``content`` (text as UTF-8, or bytes, or text in pieces: written as they come,
    never held whole) to ``path`` atomically; the path written. An error while the pieces
    are produced leaves nothing written.

    Refused, with nothing written: ``path`` is one of ``inputs`` or a file read by this
    command (compared as files: links, hard links and relative spellings resolved);
    ``path`` is a symbolic link (dangling or not); an existing file without ``force``;
    anything that is not a regular file; a missing folder.
    """
    target = Path(path)
    st = check_target(target, force=force, inputs=inputs)
    folder = target.parent
    pieces: Iterable[str | bytes] = (content,) if isinstance(content, str | bytes) else content
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise FileError(target, None, f"cannot be written ({exc.strerror})") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            f.flush()
            if hasattr(os, "fchmod"):  # not on Windows, where the folder's ACL applies
                os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        if st is None:
            # no file there when we looked: link, which fails rather than replace one that
            # appeared since (replacing needs --force)
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise FileError(target, None, "exists: give --force to replace it") from None
            except OSError:  # a file system without hard links (FAT, some shares)
                if os.path.lexists(target):
                    raise FileError(target, None, "exists: give --force to replace it") from None
                os.replace(tmp, target)
            else:
                tmp.unlink()
        else:
            os.replace(tmp, target)
        _sync_folder(folder)
    except OSError as exc:
        raise FileError(target, None, f"cannot be written ({exc.strerror})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


#: What :func:`whole_output` keeps in memory before it spools to a temporary file.
SPOOL_BYTES = 8 << 20


@contextlib.contextmanager
def whole_output(write: Callable[[str], object]) -> Iterator[Callable[[str], object]]:
    """A writer for text produced in pieces that reaches ``write`` (standard output) only
    once the ``with`` block has ended without an error: a refusal on the way (a record that
    fails its checks) writes nothing, as :func:`write_atomic` leaves no file. A shell
    redirect (``> course.yaml``) must never hold half a course, whose totals would be too
    low. The text is held in memory up to :data:`SPOOL_BYTES`, beyond that in an unnamed
    temporary file (readable by this process alone, gone when it closes)."""
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
    ) as spool:
        yield spool.write
        spool.seek(0)
        while piece := spool.read(1 << 20):
            write(piece)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder to sync it
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
