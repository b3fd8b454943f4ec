"""Writing patient data: atomically, readable by its owner only, never over a file by chance.

The text goes to a temporary file in the target's folder (mode 0600), is flushed to disk,
then takes the target's name in one step: a reader sees the old file or the whole new one,
never half. Without ``force`` the new name is linked only if nothing has it (an existing
file is refused, even one created a moment ago); with ``force`` it replaces it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from osdose.errors import FileError


def write_private(path: str | Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600; refuse an existing file unless
    ``force``."""
    target = Path(path)
    if target.is_dir():
        raise FileError(target, None, "is a folder, not a file")
    if target.exists() and not force:
        raise FileError(target, None, "exists: give --force to replace it")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise FileError(target, None, f"cannot be written ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)  # mkstemp makes 0600 already; say it where it matters
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if the name exists: never replaces by chance
            except FileExistsError:
                raise FileError(target, None, "exists: give --force to replace it") from None
            except OSError:  # a file system without hard links
                if target.exists():
                    raise FileError(target, None, "exists: give --force to replace it") from None
                os.replace(tmp, target)
    except OSError as exc:
        raise FileError(target, None, f"cannot be written ({exc.strerror})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    # the rename is durable once the folder's entry is on disk (POSIX; Windows has no
    # directory handles to sync)
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
