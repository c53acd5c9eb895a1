"""The state database's files: connecting, the copy kept beside it (State.keep_copy),
telling a damaged file from other errors, moving one aside, reading one without
writing, and the transactions every write runs in (SQLite errors become one-line
StateErrors)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.request import pathname2url

from rssarchive.core.errors import StateError


class _Transaction:
    """``with`` block = one committed transaction; SQLite errors become StateError."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self._path = path
        self._outer = True

    def __enter__(self) -> None:
        if self._conn.in_transaction:
            self._outer = False  # inside a batch: its commit is ours
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:  # e.g. "database is locked" by another program
            raise StateError(
                f"{self._path}: cannot update state ({_why(err, self._path)})"
            ) from err

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self._outer:
            return
        if exc_type is None:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                raise StateError(
                    f"{self._path}: cannot update state ({_why(err, self._path)})"
                ) from err
            return
        self._rollback()
        if isinstance(exc, sqlite3.Error):
            raise StateError(
                f"{self._path}: cannot update state ({_why(exc, self._path)})"
            ) from exc

    def _rollback(self) -> None:
        # A COMMIT or statement that fails for a full disk or an I/O error has SQLite
        # roll the transaction back itself; a ROLLBACK then would fail ("no transaction
        # is active") and hide the real error.
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per step.
    conn = sqlite3.connect(target, uri=uri, isolation_level=None, timeout=5.0)
    try:
        # WAL mode is set by State._open_file, once the schema version is known.
        # NORMAL in WAL mode survives any crash of the process (kill -9); a power cut may
        # lose the last commits, which the next run repairs from _posts like a killed run.
        conn.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn


def backup_path(path: Path) -> Path:
    """Where :meth:`State.keep_copy` keeps the copy of the database at ``path``."""
    return path.with_name(path.name + ".backup")


# Free space below which an SQLite I/O error is put down to a full disk.
_FULL_BELOW = 1 << 20


def _why(exc: sqlite3.Error, path: Path | None) -> str:
    """SQLite's message, saying so when the disk is full: a full disk is "database or
    disk is full" for the database's own files, but a bare "disk I/O error" when its
    shared-memory file finds no room."""
    text = str(exc)
    if path is None or not getattr(exc, "sqlite_errorname", "").startswith("SQLITE_IOERR"):
        return text
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return text
    return f"{text}: disk full, {free} bytes free" if free < _FULL_BELOW else text


def _has_data(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _is_empty(path: Path) -> bool:
    """Whether ``path`` is there with no byte in it (said so, not as missing)."""
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


class _Corrupt(sqlite3.DatabaseError):
    """quick_check found damage."""


# SQLite's result codes for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB); other
# errors on open (a full disk, a lock, an I/O error) leave the database where it is.
_CORRUPT_CODES = (11, 26)


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    if isinstance(exc, _Corrupt):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF in _CORRUPT_CODES
    return not isinstance(exc, sqlite3.OperationalError)


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> StateError:
    """Why a read-only command cannot read the database, and what a run would do."""
    if not _is_corrupt(exc):
        return StateError(f"{path}: cannot read state database ({_why(exc, path)})")
    then = (
        "restores it from its copy"
        if _is_good_copy(backup_path(path))
        else "rebuilds it from the posts"
    )
    return StateError(f"{path}: state database is corrupt ({exc}); the next run {then}")


def _refuse_odd_copy(copy: Path) -> None:
    """A copy that is not a regular file (a directory someone made, a device) is said
    to be so, by name: SQLite would only say "disk I/O error" about it."""
    if (copy.exists() or copy.is_symlink()) and not copy.is_file():
        raise StateError(
            f"{copy}: the copy of the state database is not a file; move it out of the way"
        )


def _is_good_copy(copy: Path) -> bool:
    """Whether a run would restore from ``copy``: a file that reads as an intact
    database (status must not promise a restore from a copy as damaged as the rest)."""
    if not copy.is_file() or not _has_data(copy):
        return False
    try:
        conn = sqlite3.connect(f"file:{pathname2url(str(copy))}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        _check(conn)
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return True


def _check(conn: sqlite3.Connection) -> None:
    row = conn.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise _Corrupt(f"integrity check failed: {row[0] if row else '?'}")


def _move_aside(path: Path, what: str = "corrupt") -> Path:
    """Rename a corrupt database and its -wal/-shm files to ``*.corrupt`` (``what``: a
    restored copy of another site's goes to ``*.foreign``): a new database at ``path``
    must not find the old write-ahead log beside it."""
    aside = path.with_name(f"{path.name}.{what}")
    try:
        for suffix in ("", "-wal", "-shm"):
            source = path.with_name(path.name + suffix)
            if suffix == "" or source.exists():
                source.replace(aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise StateError(f"{path}: cannot move the {what} state database aside ({exc})") from exc
    return aside


def _read_into_memory(path: Path) -> sqlite3.Connection:
    """A copy in memory of the database at ``path``, read without writing anything.

    A database in WAL mode opened read-only needs its ``-shm`` file, which a read-only
    directory cannot get. Without a ``-wal`` file everything is in the database file and
    ``immutable=1`` reads it as it is; with one, the two are copied to a temporary
    directory and read from there.
    """
    memory = sqlite3.connect(":memory:", isolation_level=None)
    url = pathname2url(str(path))
    tries: list[Callable[[], sqlite3.Connection]] = [
        lambda: sqlite3.connect(f"file:{url}?mode=ro", uri=True)
    ]
    wal = path.with_name(path.name + "-wal")
    if not _has_data(wal):
        tries.append(lambda: sqlite3.connect(f"file:{url}?mode=ro&immutable=1", uri=True))
    for connect in tries:
        try:
            source = connect()
            try:
                source.backup(memory)
                return memory
            finally:
                source.close()
        except sqlite3.OperationalError:
            continue
    with tempfile.TemporaryDirectory(prefix="rssarchive-state-") as scratch:
        copy = Path(scratch) / path.name
        try:
            for suffix in ("", "-wal"):
                source_file = path.with_name(path.name + suffix)
                if source_file.exists():
                    with (
                        open(source_file, "rb") as src,
                        open(copy.with_name(copy.name + suffix), "wb") as dst,
                    ):
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
        except OSError as exc:
            raise sqlite3.OperationalError(f"cannot read {path} ({exc})") from exc
        source = sqlite3.connect(copy)
        try:
            source.backup(memory)
        finally:
            source.close()
    return memory
