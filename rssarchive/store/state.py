"""SQLite state: feed validators and health, and every article we have taken on.

The order of work for one article (see README, "Crash safety") is

1. ``begin``   — a row with status ``pending`` and the entry it came from;
2. the post is written to a temporary file and renamed into ``_posts`` (archive.py);
3. ``finish``  — the row becomes ``done`` with its file name.

A crash between 1 and 3 leaves a pending row; the next run re-does it (or, if the post
is already in ``_posts``, only marks it done), so nothing is lost or written twice.
Every method commits its own transaction: a ``kill -9`` loses at most the step under way.

Durability (README, "Crash safety"): after each completed run :meth:`State.keep_copy`
writes a consistent copy of the database beside it (SQLite's online backup); a database
found corrupt or missing is restored from that copy, and the run then adopts the posts
written since. The schema has a version (``meta.schema``): older versions are upgraded
in place, a newer one is refused.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from urllib.request import pathname2url

from rssarchive.core.errors import NewerStateError, StateError
from rssarchive.store.articles import Articles
from rssarchive.store.atomicfile import commit
from rssarchive.store.base import _reads
from rssarchive.store.codec import FeedState, GuidOwner, GuidSeen, RecheckRow
from rssarchive.store.feeds import Feeds
from rssarchive.store.files import (
    _check,
    _connect,
    _Corrupt,
    _has_data,
    _is_corrupt,
    _is_empty,
    _is_good_copy,
    _move_aside,
    _read_into_memory,
    _refuse_odd_copy,
    _unreadable,
    _why,
    backup_path,
)
from rssarchive.store.guids import Guids
from rssarchive.store.imageretries import ImageRetries
from rssarchive.store.rechecks import Rechecks
from rssarchive.store.schema import MIGRATIONS, SCHEMA, SCHEMA_VERSION

# The rows State's methods take and return (codec.py), imported from here by most of
# State's callers with State itself.
__all__ = ["FeedState", "GuidOwner", "GuidSeen", "RecheckRow", "State"]


# Its methods by table, each part a module under 500 lines (issue 18): articles.py,
# guids.py, rechecks.py, feeds.py, imageretries.py; here opening, restoring, the copy
# and the meta table.
class State(Articles, Guids, Rechecks, Feeds, ImageRetries):
    """The state database. Open with :meth:`open`; close when done."""

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> State:
        """Open (creating if needed) the database at ``path``.

        A corrupt database is moved aside (``*.corrupt``); it is restored from its copy
        (:meth:`keep_copy`) when that is good, else a new one is created with ``created``
        set so the caller rebuilds it from the posts and warns. A missing database is
        restored from its copy too. ``readonly`` reads a snapshot into memory: nothing
        is written, not even in a read-only directory.
        """
        # A zero-byte file (a truncated copy, a failed restore) holds no state either.
        existed = _has_data(path)
        emptied = not existed and _is_empty(path)
        copy = backup_path(path)
        if readonly:
            if existed:
                return cls._snapshot(path)
            _refuse_odd_copy(copy)
            return cls._snapshot(copy) if _has_data(copy) else cls.memory()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"{path.parent}: cannot create state directory ({exc})") from exc
        if not existed:
            # The write-ahead log of a deleted database must not be applied to the new
            # one (SQLite drops it itself only while the new database is empty).
            for suffix in ("-wal", "-shm"):
                try:
                    path.with_name(path.name + suffix).unlink()
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise StateError(f"{path}{suffix}: cannot remove ({exc})") from exc
            restored = cls._restore(path, copy)
            if restored is not None:
                restored.emptied = emptied
                return restored
        try:
            state = cls._open_file(path)
        except sqlite3.DatabaseError as exc:
            if not existed or not _is_corrupt(exc):
                raise StateError(f"{path}: cannot open state database ({_why(exc, path)})") from exc
            aside = _move_aside(path)
            try:
                state = cls._restore(path, copy) or cls._open_file(path)
            except sqlite3.DatabaseError as again:
                raise StateError(
                    f"{path}: cannot open state database ({_why(again, path)})"
                ) from again
            state.rebuilt_from = aside
            existed = state.restored_from is not None
        state.created = not existed
        state.emptied = emptied
        return state

    @classmethod
    def _open_file(cls, path: Path) -> State:
        """The database at ``path``, its schema created or upgraded; DatabaseError when
        it cannot be used (corrupt, disk full ...)."""
        conn = _connect(str(path))
        try:
            state = cls(conn, path)
            state._init_schema()
            # Only now: a database from a newer rssarchive is left exactly as it was.
            conn.execute("PRAGMA journal_mode=WAL")
        except BaseException:
            conn.close()
            raise
        return state

    @classmethod
    def _restore(cls, path: Path, copy: Path) -> State | None:
        """Put the copy back at ``path`` and open it; None when there is no good copy."""
        _refuse_odd_copy(copy)
        if not _has_data(copy):
            return None
        temp = path.with_name(path.name + ".restoring")
        try:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            source = sqlite3.connect(f"file:{pathname2url(str(copy))}?mode=ro", uri=True)
            try:
                _check(source)
                target = sqlite3.connect(temp, isolation_level=None)
                try:
                    source.backup(target)
                finally:
                    target.close()
            finally:
                source.close()
            # Durable as the copy itself is (keep_copy): a power cut after the restore
            # must not leave a database the runs since were never written to.
            commit(temp, path, flush=True)
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            if _is_corrupt(exc):
                return None  # the copy is no good either: the posts are all that is left
            # A full disk, an I/O error: the copy may be good, so it must not give way
            # to a database rebuilt from the posts (the next copy would replace it).
            raise StateError(
                f"{path}: cannot restore the state database from {copy} ({_why(exc, path)})"
            ) from exc
        except OSError as exc:
            raise StateError(f"{path}: cannot restore the state database ({exc})") from exc
        try:
            state = cls._open_file(path)
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{path}: cannot open state database ({_why(exc, path)})") from exc
        state.restored_from = copy
        return state

    def without_foreign_copy(self) -> State:
        """This database, just restored from its copy, belongs to another site (the
        ``.backup`` of another site's state, copied here by hand): it is closed and set
        aside as ``*.foreign``, and a new database takes its place, which the run
        rebuilds from the site's posts as if the copy were gone. The copy itself is
        replaced by the next completed run's."""
        assert self.path is not None and self.restored_from is not None
        copy = self.restored_from
        self.close()
        aside = _move_aside(self.path, "foreign")
        try:
            state = type(self)._open_file(self.path)
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"{self.path}: cannot open state database ({_why(exc, self.path)})"
            ) from exc
        state.created = True
        state.rebuilt_from = self.rebuilt_from
        state.emptied = self.emptied
        state.foreign_copy = (copy, aside)
        return state

    @classmethod
    def _snapshot(cls, path: Path) -> State:
        """A read-only database read into memory (upgraded there if it is older)."""
        try:
            conn = _read_into_memory(path)
        except sqlite3.DatabaseError as exc:
            raise _unreadable(path, exc) from exc
        state = cls(conn, path)
        try:
            state._init_schema()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _unreadable(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return state

    @classmethod
    def memory(cls) -> State:
        state = cls(_connect(":memory:"), None)
        state._init_schema()
        state.created = True
        return state

    def _init_schema(self) -> None:
        version = self._version()
        if version is not None and version > SCHEMA_VERSION:
            raise NewerStateError(
                f"{self.path}: state database is from a newer rssarchive "
                f"(schema {version} > {SCHEMA_VERSION}); upgrade rssarchive to use it"
            )
        # Find a corrupt file now, not mid-run: quick_check reads every page (a few ms
        # for tens of thousands of articles), where a count may touch only an index.
        _check(self._conn)
        while version is not None and version < SCHEMA_VERSION:
            # Each step and its new version in one transaction: a crash or a full disk
            # leaves the database at the version before, and the next open goes on.
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[version](self._conn)
                version += 1
                self._conn.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema'", (str(version),)
                )
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise
        # A new database (or a lost index come back), its tables and its version in one
        # transaction: a run killed half-way through creating them left tables without
        # a version, which the next open took for schema 1 and could not upgrade.
        stamp = (
            f"INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}');"
            if version is None
            else ""
        )
        self._conn.executescript(f"BEGIN IMMEDIATE;\n{SCHEMA}\n{stamp}\nCOMMIT;")

    def _version(self) -> int | None:
        """The schema version, None for a new database."""
        tables = {str(r[0]) for r in self._conn.execute("SELECT name FROM sqlite_master")}
        if "meta" not in tables:
            return 1 if "feeds" in tables else None
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:  # killed between creating the tables and recording the version
            # (before they were made in one transaction): schema 1 had both tables.
            return 1 if {"feeds", "articles"} <= tables else None
        text = str(row[0])
        # Only rssarchive writes this value, always a positive integer: anything else
        # ('abc', '', '2.0', 0, -1) means the file was damaged or edited by hand, so it
        # is treated as any other corruption (restored from its copy, else rebuilt from
        # the posts) rather than refused: a refusal would stop every cron run until
        # someone repaired the file, and the copy is the last state known good.
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise _Corrupt(f"schema version {text!r} in meta is not one rssarchive writes")
        return int(text)

    def keep_copy(self) -> Path | None:
        """Write a consistent copy of the database beside it (``*.backup``), by SQLite's
        online backup into a temporary file renamed over the last copy; the copy is
        checked before it replaces the last one, so a good copy is never lost to a bad
        one. Raises StateError (disk full ...), the last copy left as it was. None for a
        database in memory."""
        if self.path is None:
            return None
        target = backup_path(self.path)
        _refuse_odd_copy(target)
        # Feed validators and health alone are not worth a copy (50-100 ms for 10,000
        # articles): a copy a few polls old costs at most a full fetch of a feed.
        if self._conn.total_changes == self._feed_changes and _has_data(target):
            # Only if it still reads as intact (quick_check, a few ms): a copy damaged
            # since (bit rot, a partial restore) would otherwise go unnoticed while runs
            # find nothing new, until the live database needs it.
            if _is_good_copy(target):
                return target
            self.damaged_copy = target
        temp = target.with_name(target.name + ".tmp")
        try:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            copy = sqlite3.connect(temp, isolation_level=None)
            try:
                self._conn.backup(copy)
                # One self-contained file: no write-ahead log to lose beside it.
                copy.execute("PRAGMA journal_mode=DELETE")
                _check(copy)
            finally:
                copy.close()
            commit(temp, target, flush=True)
        except (sqlite3.Error, OSError) as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise StateError(f"{target}: cannot keep a copy of the state ({reason})") from exc
        return target

    def close(self) -> None:
        self._conn.close()

    @_reads
    def meta_value(self, key: str) -> str | None:
        """A value of the meta table (siteid.py keeps the state's site there)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, values: dict[str, str]) -> None:
        """Set values of the meta table. Like a feed's validators, they are not worth a
        copy of the state on their own (keep_copy): a copy without them costs a warning
        said again or a feed fetched in full once, and the site's id is claimed again."""
        before = self._conn.total_changes
        with self._write():
            self._conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items()
            )
        self._feed_changes += self._conn.total_changes - before
