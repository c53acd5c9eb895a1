"""What State's parts (the mixins in articles.py, guids.py, rechecks.py, feeds.py)
share: the connection, the path, the write transaction, and the decorator that turns a
read's SQLite error into a StateError."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from rssarchive.core.errors import StateError
from rssarchive.store.files import _Transaction, _why


class StateBase:
    """The state database's connection and what every part of State shares."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        self.created = False  # True when the database did not exist (or was rebuilt)
        self.rebuilt_from: Path | None = None  # where a corrupt database was moved
        # The copy the database was restored from (it was corrupt or missing); the
        # posts written after that copy are adopted by the run.
        self.restored_from: Path | None = None
        # A copy that turned out to be another site's, and where the database restored
        # from it was set aside (State.without_foreign_copy): rebuilt from the posts.
        self.foreign_copy: tuple[Path, Path] | None = None
        # The database was there with no byte in it (truncated, a failed restore):
        # restored or rebuilt as a lost one is, and said to have been empty.
        self.emptied = False
        # Rows changed by feed saves: a run whose only changes they are (a cron run
        # whose feeds all answer 304) need not renew the copy (keep_copy).
        self._feed_changes = 0
        # The copy keep_copy found damaged and renewed (the run says so once).
        self.damaged_copy: Path | None = None

    # -- plumbing -------------------------------------------------------------------

    def _write(self) -> _Transaction:
        return _Transaction(self._conn, self.path)

    def batch(self) -> _Transaction:
        """One transaction around many steps (``with state.batch(): ...``): one commit
        instead of one per article. Steps inside it join it instead of committing."""
        return _Transaction(self._conn, self.path)


_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound=StateBase)


def _reads(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """A read whose SQLite error (an I/O error, a full disk for the shared memory file)
    becomes a one-line StateError; writes get theirs from _Transaction."""

    def read(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: cannot read state ({_why(exc, self.path)})") from exc

    read.__name__, read.__doc__ = method.__name__, method.__doc__
    return read
