"""Files replaced atomically, whole or not at all, and the temporary files a killed run
left (posts, images, versions, the record of a stopped run).

A file is written to a temporary file beside it, flushed to disk, then renamed over
its final name, so a reader (or Jekyll) sees the old file or the new one, never part
of one. The temporary file's name is a dot-file (Jekyll never publishes those) that
the next run's cleanup knows by its prefix and suffix.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

# Every temporary file rssarchive writes (posts, images): a dot-file, which Jekyll never
# publishes, and which the next run knows for a killed run's leftover.
TEMP_PREFIX = ".rssarchive-"
TEMP_SUFFIX = ".tmp"


def write_temp(folder: Path, data: bytes) -> Path:
    """``data`` in a new temporary file in ``folder`` (TEMP_PREFIX … TEMP_SUFFIX), flushed
    to disk; OSError when it cannot be, the file then removed again."""
    temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def write_atomic(target: Path, data: bytes) -> None:
    """Replace ``target`` by ``data`` atomically: write_temp (flushed to disk) renamed
    over it, the rename then made durable, so a reader (or Jekyll) sees the old file or
    the new one, never part of one, and a killed run leaves only a temporary file the
    next run's cleanup knows by its name. The folder must exist; OSError when the file
    cannot be written, the temporary file then removed again."""
    commit(write_temp(target.parent, data), target)


def commit(temp: Path, target: Path, *, flush: bool = False, sync_dir: bool = True) -> None:
    """Put ``temp``, a whole file made beside ``target`` (by write_temp, or by SQLite's
    backup: the state's copy), in place of ``target``: flushed to disk first when
    ``flush`` (write_temp flushed its own), renamed over it, then the rename made
    durable (fsync_dir; ``sync_dir=False``: by the caller, once for a batch). The one
    replace-and-flush of the package. OSError when it cannot be done, ``temp`` then
    removed and ``target`` as it was."""
    try:
        if flush:
            fsync_file(temp)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if sync_dir:
        fsync_dir(target.parent)


def remove_temp_files(folders: Iterable[Path]) -> list[Path]:
    """Remove the temporary files (write_temp's names) a killed run left in ``folders``
    (only under the site lock: then none is a running run's); a folder that cannot be
    listed or a file that cannot be removed is left."""
    removed: list[Path] = []
    for folder in folders:
        with contextlib.suppress(OSError):
            for temp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
                with contextlib.suppress(OSError):
                    temp.unlink()
                    removed.append(temp)
    return removed


def fsync_file(path: Path) -> None:
    """Flush a written file (the state's copy) to disk; OSError when it cannot be: a
    file whose data may not be on disk must not replace a good one."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename in the folder ``path`` durable, where the platform can: not every
    one can open a directory or flush it, and the rename is done either way."""
    with contextlib.suppress(OSError):
        fsync_file(path)
