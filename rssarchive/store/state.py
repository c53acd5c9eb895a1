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
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar
from urllib.request import pathname2url

from rssarchive.core.decide import ARTICLE_RETRIES, retry_due
from rssarchive.core.errors import NewerStateError, StateError
from rssarchive.core.models import Entry
from rssarchive.core.urls import is_safe_link, normalize_url

# Bumped by every change of SCHEMA, with a step in MIGRATIONS from the version before.
# 1: the first schema, changed three times without a bump (tests/state_schemas/);
# 2: feeds.warning, and every column and table of schema 1's last form;
# 3: aliases (the URL a redirect ended at), articles.not_before (a server's Retry-After),
#    and URL keys without dot-segments or doubled slashes (urls.normalize_url);
# 4: rechecks (re-checks of archived articles, recheck.py).
# 5: reused_guids (a guid seen on different articles identifies none), and URL keys
#    without a final slash, their query parameters sorted (urls.normalize_url).
# 6: feed_guids (what each feed's guid last showed, and the article it is: a guid
#    attached to an article another source archived, and the reference a later move of
#    it is compared with; identity.py).
SCHEMA_VERSION = 6
# After this many failed attempts (spread over a day at least) an article stops being
# retried; it stays listed as failed (never silently dropped) and a backfill of its URL
# tries it again. The policy is decide.ARTICLE_RETRIES; the name stays for status and the
# tests.
MAX_ATTEMPTS = ARTICLE_RETRIES.attempts
# Ids bound to one query: below the 999 parameters older SQLite builds allow.
IDS_PER_QUERY = 500

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_allowed TEXT,
    gone INTEGER NOT NULL DEFAULT 0,
    posts INTEGER NOT NULL DEFAULT 0,
    moved_to TEXT,
    redirect_to TEXT,
    redirect_count INTEGER NOT NULL DEFAULT 0,
    warning TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url_key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    guid_key TEXT,
    feed TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    filename TEXT,
    entry TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    not_before TEXT
);
CREATE TABLE IF NOT EXISTS aliases (
    url_key TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reused_guids (guid_key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS feed_guids (
    guid_key TEXT NOT NULL,
    feed TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    title TEXT,
    published TEXT,
    text_key TEXT,
    PRIMARY KEY (guid_key, feed)
);
CREATE TABLE IF NOT EXISTS image_retries (
    filename TEXT PRIMARY KEY,
    page_url TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS rechecks (
    article_id INTEGER PRIMARY KEY,
    archived TEXT NOT NULL,
    next_due TEXT,
    checks INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'unchanged',
    reference TEXT,
    from_page INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    last_checked TEXT,
    last_result TEXT,
    edited_at TEXT,
    suspected_at TEXT,
    deleted_at TEXT,
    restored_at TEXT
);
CREATE INDEX IF NOT EXISTS rechecks_due ON rechecks (next_due);
CREATE INDEX IF NOT EXISTS articles_guid ON articles (guid_key);
CREATE INDEX IF NOT EXISTS articles_status ON articles (status);
"""


@dataclass(frozen=True)
class FeedState:
    url: str
    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    failures: int = 0
    next_allowed: datetime | None = None  # not polled before then (backing off)
    gone: bool = False
    posts: int = 0
    # Where the feed moved (a 301/308 seen on consecutive polls); the config's url stays
    # the key, so the old address is still known.
    moved_to: str | None = None
    redirect_to: str | None = None  # a permanent redirect seen, not yet trusted
    redirect_count: int = 0
    # What the last parse of the feed warned about (items beyond max_items …); None
    # when its last document had nothing to say. Kept through a 304.
    warning: str | None = None


@dataclass(frozen=True)
class PendingArticle:
    id: int
    url: str
    feed: str
    entry: Entry
    attempts: int


@dataclass(frozen=True)
class RecheckRow:
    """One article's re-check record (the rechecks table, with its article's URL, feed
    and post file)."""

    article_id: int
    url: str
    feed: str
    filename: str
    archived: datetime
    next_due: datetime | None = None
    checks: int = 0
    status: str = "unchanged"
    reference: str | None = None
    from_page: bool = False
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    last_result: str | None = None
    edited_at: datetime | None = None
    suspected_at: datetime | None = None
    deleted_at: datetime | None = None
    restored_at: datetime | None = None


_RECHECK_COLUMNS = tuple(f.name for f in fields(RecheckRow))[4:]
_RECHECK_TIMES = {"archived", "next_due", "last_checked", "edited_at", "suspected_at"}
_RECHECK_TIMES |= {"deleted_at", "restored_at"}


def _time_or(text: str, default: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return default
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=default.tzinfo)


def _column(value: object) -> object:
    if isinstance(value, datetime):
        return _iso(value)
    return int(value) if isinstance(value, bool) else value


def _recheck_row(row: Sequence[Any]) -> RecheckRow:
    values: dict[str, Any] = {
        "article_id": int(row[0]),
        "url": str(row[1]),
        "feed": str(row[2]),
        "filename": str(row[3]),
    }
    for name, value in zip(_RECHECK_COLUMNS, row[4:], strict=True):
        if name in _RECHECK_TIMES and value is not None:
            value = datetime.fromisoformat(str(value))
        values[name] = value
    values["from_page"] = bool(values["from_page"])
    return RecheckRow(**values)


@dataclass(frozen=True)
class GuidOwner:
    """An article recorded with a given guid (State.guid_owners)."""

    id: int
    url: str
    status: str
    filename: str | None  # its post, once done
    entry: Entry | None  # the entry it came from, while not done
    keys: frozenset[str]  # its URL keys: its own and its aliases
    feed: str = ""  # the feed it was recorded for (identity by guid is per feed)
    # What the feed's item with this guid last showed (title, date, identity.text_key of
    # its text; State.see_guid), or None: nothing recorded (an older state, a post).
    seen: GuidSeen | None = None


@dataclass(frozen=True)
class GuidSeen:
    """What a feed's item with a given guid last showed, and the article it is."""

    article_id: int
    title: str | None
    published: datetime | None
    text_key: str | None


# The feeds table has one column per FeedState field, in the same order.
FEED_COLUMNS = tuple(f.name for f in fields(FeedState))
# Its times: ISO 8601 text in the database, datetimes in a FeedState (feed, save_feed).
FEED_TIMES = ("last_success", "last_error_at", "next_allowed")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def entry_to_json(entry: Entry) -> str:
    data: dict[str, Any] = {
        "title": entry.title,
        "link": entry.link,
        "guid": entry.guid,
        "published": None if entry.published is None else entry.published.isoformat(),
        "author": entry.author,
        "content": entry.content,
        "image": entry.image,
    }
    # Only when set: rows written before these fields existed read back the same.
    if entry.origin != "feed":
        data["origin"] = entry.origin
    if entry.listed is not None:
        data["listed"] = entry.listed.isoformat()
    return json.dumps(data, ensure_ascii=False)


def entry_from_json(text: str) -> Entry:
    data = json.loads(text)
    published = data.get("published")
    listed = data.get("listed")
    return Entry(
        title=data["title"],
        link=data.get("link"),
        guid=data.get("guid"),
        published=None if published is None else datetime.fromisoformat(published),
        author=data.get("author"),
        content=data.get("content"),
        image=data.get("image"),
        origin=data.get("origin", "feed"),
        listed=None if listed is None else datetime.fromisoformat(listed),
    )


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _reads(method: Callable[Concatenate[State, _P], _R]) -> Callable[Concatenate[State, _P], _R]:
    """A read whose SQLite error (an I/O error, a full disk for the shared memory file)
    becomes a one-line StateError; writes get theirs from _Transaction."""

    def read(self: State, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: cannot read state ({_why(exc, self.path)})") from exc

    read.__name__, read.__doc__ = method.__name__, method.__doc__
    return read


class State:
    """The state database. Open with :meth:`open`; close when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        self.created = False  # True when the database did not exist (or was rebuilt)
        self.rebuilt_from: Path | None = None  # where a corrupt database was moved
        # The copy the database was restored from (it was corrupt or missing); the
        # posts written after that copy are adopted by the run.
        self.restored_from: Path | None = None
        # Rows changed by feed saves: a run whose only changes they are (a cron run
        # whose feeds all answer 304) need not renew the copy (keep_copy).
        self._feed_changes = 0
        # The copy keep_copy found damaged and renewed (the run says so once).
        self.damaged_copy: Path | None = None

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
            os.replace(temp, path)
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
            _fsync(temp)
            os.replace(temp, target)
            _fsync(target.parent)
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

    # -- articles -------------------------------------------------------------------

    @_reads
    def is_known(self, url_key: str, guid_key: str | None) -> bool:
        """True when this article (by URL, by guid, or by the URL a redirect of an
        archived article ended at) is done, pending or failed."""
        row = self._conn.execute(
            "SELECT 1 FROM articles WHERE url_key = ? OR (guid_key IS NOT NULL AND guid_key = ?)"
            " UNION ALL SELECT 1 FROM aliases WHERE url_key = ?",
            (url_key, guid_key, url_key),
        ).fetchone()
        return row is not None

    @_reads
    def lookup(self, url_key: str) -> tuple[int, str] | None:
        """(id, status) of the article known by this URL key (its own, or where its
        redirects ended, or a link it moved to), or None."""
        row = self._conn.execute(
            "SELECT id, status FROM articles WHERE url_key = ? UNION ALL"
            " SELECT a.id, a.status FROM aliases JOIN articles a ON a.id = aliases.article_id"
            " WHERE aliases.url_key = ?",
            (url_key, url_key),
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    @_reads
    def guid_owners(self, guid_key: str) -> list[GuidOwner]:
        """The articles recorded with this guid, each with its URL keys (its own and
        its aliases)."""
        rows = self._conn.execute(
            "SELECT id, url_key, url, status, filename, entry, feed FROM articles"
            " WHERE guid_key = ? UNION SELECT a.id, a.url_key, a.url, a.status, a.filename,"
            " a.entry, g.feed FROM feed_guids g JOIN articles a ON a.id = g.article_id"
            " WHERE g.guid_key = ? ORDER BY 1",
            (guid_key, guid_key),
        ).fetchall()
        owners: list[GuidOwner] = []
        for r in rows:
            seen = self.guid_seen(guid_key, str(r[6] or ""))
            aliases = self._conn.execute(
                "SELECT url_key FROM aliases WHERE article_id = ?", (int(r[0]),)
            ).fetchall()
            owners.append(
                GuidOwner(
                    id=int(r[0]),
                    url=str(r[2]),
                    status=str(r[3]),
                    filename=None if r[4] is None else str(r[4]),
                    entry=None if r[5] is None else entry_from_json(str(r[5])),
                    keys=frozenset({str(r[1]), *(str(a[0]) for a in aliases)}),
                    feed=str(r[6] or ""),
                    seen=seen if seen is not None and seen.article_id == int(r[0]) else None,
                )
            )
        return owners

    @_reads
    def guid_seen(self, guid_key: str, feed: str) -> GuidSeen | None:
        """What ``feed``'s item with this guid last showed, and the article it is (None:
        nothing recorded, or its article is gone)."""
        row = self._conn.execute(
            "SELECT g.article_id, g.title, g.published, g.text_key FROM feed_guids g"
            " JOIN articles a ON a.id = g.article_id WHERE g.guid_key = ? AND g.feed = ?",
            (guid_key, feed),
        ).fetchone()
        if row is None:
            return None
        published = None if row[2] is None else datetime.fromisoformat(str(row[2]))
        return GuidSeen(int(row[0]), row[1], published, row[3])

    @_reads
    def seen_of(self, article_id: int) -> GuidSeen | None:
        """What a feed's item last showed of an article (its title, date), by any of its
        guids; None: no feed item with a guid named it."""
        row = self._conn.execute(
            "SELECT article_id, title, published, text_key FROM feed_guids"
            " WHERE article_id = ? ORDER BY rowid DESC LIMIT 1",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        published = None if row[2] is None else datetime.fromisoformat(str(row[2]))
        return GuidSeen(int(row[0]), row[1], published, row[3])

    def see_guid(self, guid_key: str, feed: str, seen: GuidSeen) -> None:
        """Record what ``feed``'s item with this guid shows now, and the article it is.
        Written only when it changed: a run reads its known items, it does not rewrite
        them."""
        if self.guid_seen(guid_key, feed) == seen:
            return
        published = None if seen.published is None else seen.published.isoformat()
        with self._write():
            self._conn.execute(
                "INSERT OR REPLACE INTO feed_guids (guid_key, feed, article_id, title,"
                " published, text_key) VALUES (?, ?, ?, ?, ?, ?)",
                (guid_key, feed, seen.article_id, seen.title, published, seen.text_key),
            )

    @_reads
    def guid_reused(self, guid_key: str) -> bool:
        """Whether this guid was seen on different articles: it identifies none."""
        row = self._conn.execute(
            "SELECT 1 FROM reused_guids WHERE guid_key = ?", (guid_key,)
        ).fetchone()
        return row is not None

    def reuse_guid(self, guid_key: str) -> None:
        """Record a guid seen on different articles: from now on it identifies none."""
        with self._write():
            self._conn.execute(
                "INSERT OR IGNORE INTO reused_guids (guid_key) VALUES (?)", (guid_key,)
            )

    @_reads
    def archived_as(self, url_keys: Sequence[str], article_id: int) -> int | None:
        """Another article archived under one of ``url_keys`` (its own key, or an alias:
        where its redirects ended), or None."""
        marks = ",".join("?" * len(url_keys))
        row = self._conn.execute(
            f"SELECT id FROM articles WHERE url_key IN ({marks}) AND status = 'done'"
            f" AND id != ? UNION ALL SELECT article_id FROM aliases WHERE url_key IN ({marks})"
            " AND article_id != ?",
            [*url_keys, article_id, *url_keys, article_id],
        ).fetchone()
        return None if row is None else int(row[0])

    def alias(self, url_key: str, article_id: int) -> None:
        """Record ``url_key`` as another address of an article (a redirect's end, or a
        URL found to lead to an article archived already)."""
        with self._write():
            self._conn.execute(
                "INSERT OR REPLACE INTO aliases (url_key, article_id) VALUES (?, ?)",
                (url_key, article_id),
            )

    def relink(self, article_id: int, url_key: str, entry: Entry, now: datetime) -> None:
        """Move an article not yet archived to the link its feed lists it at now: its
        entry becomes the new one, its attempts start anew, and its old link is kept
        as an alias (an item still naming it is still this article). The old page may
        be the one failing; retrying it would give the article up unseen."""
        assert entry.link is not None
        with self._write():
            old = self._conn.execute(
                "SELECT url_key FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            self._conn.execute("DELETE FROM aliases WHERE url_key = ?", (url_key,))
            self._conn.execute(
                "UPDATE articles SET url_key = ?, url = ?, entry = ?, status = 'pending',"
                " attempts = 0, not_before = NULL, updated = ? WHERE id = ? AND status != 'done'",
                (url_key, entry.link, entry_to_json(entry), _iso(now), article_id),
            )
            if old is not None and str(old[0]) != url_key:
                self._conn.execute(
                    "INSERT OR REPLACE INTO aliases (url_key, article_id) VALUES (?, ?)",
                    (str(old[0]), article_id),
                )

    @_reads
    def url_and_guid(self, article_id: int) -> tuple[str, str | None] | None:
        """(url, guid key) of an article, or None."""
        row = self._conn.execute(
            "SELECT url, guid_key FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), None if row[1] is None else str(row[1]))

    @_reads
    def entry_of(self, article_id: int) -> Entry | None:
        """The entry recorded for an article not archived yet (pending or failed)."""
        row = self._conn.execute(
            "SELECT entry FROM articles WHERE id = ? AND entry IS NOT NULL", (article_id,)
        ).fetchone()
        return None if row is None else entry_from_json(str(row[0]))

    def retake(
        self, article_id: int, entry: Entry, *, feed: str, guid_key: str | None, now: datetime
    ) -> None:
        """Take an article not archived yet on again with a feed item's entry (its title,
        date and text), for that feed, with its attempts anew: a feed listing it is new
        evidence on an article a backfill took on (waiting, or given up)."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET entry = ?, feed = ?, guid_key = coalesce(?, guid_key),"
                " status = 'pending', attempts = 0, not_before = NULL, updated = ?"
                " WHERE id = ? AND status != 'done'",
                (entry_to_json(entry), feed, guid_key, _iso(now), article_id),
            )

    @_reads
    def attempts_of(self, article_id: int) -> int:
        """The failed attempts recorded for an article (0 for an unknown id)."""
        row = self._conn.execute(
            "SELECT attempts FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return 0 if row is None else int(row[0])

    @_reads
    def status_of(self, url_key: str) -> str | None:
        row = self._conn.execute(
            "SELECT status FROM articles WHERE url_key = ?", (url_key,)
        ).fetchone()
        return None if row is None else str(row[0])

    def begin(
        self, *, url_key: str, guid_key: str | None, feed: str, entry: Entry, now: datetime
    ) -> int:
        """Record an article as pending (step 1); returns its id. An article recorded
        before (one that failed, begun again) starts its attempts anew."""
        assert entry.link is not None
        with self._write():
            cur = self._conn.execute(
                "INSERT INTO articles (url_key, url, guid_key, feed, status, entry, created,"
                " updated) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)"
                " ON CONFLICT (url_key) DO UPDATE SET status = 'pending', entry = excluded.entry,"
                " feed = excluded.feed, updated = excluded.updated, attempts = 0,"
                " not_before = NULL"
                " RETURNING id",
                (url_key, entry.link, guid_key, feed, entry_to_json(entry), _iso(now), _iso(now)),
            )
            return int(cur.fetchone()[0])

    def finish(self, article_id: int, filename: str, now: datetime) -> None:
        """Mark an article done with the file it was written to (step 3)."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET status = 'done', filename = ?, entry = NULL,"
                " last_error = NULL, updated = ? WHERE id = ?",
                (filename, _iso(now), article_id),
            )

    def fail(
        self,
        article_id: int,
        reason: str,
        now: datetime,
        *,
        status: Literal["pending", "failed"],
        not_before: datetime | None,
    ) -> None:
        """Record a failed attempt as decide.article_failed says: the article's status
        now and the time before which no run tries it again."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET attempts = attempts + 1, last_error = ?, updated = ?,"
                " status = ?, not_before = ? WHERE id = ?",
                (reason, _iso(now), status, not_before and _iso(not_before), article_id),
            )

    @_reads
    def recorded(self, article_id: int, now: datetime) -> tuple[int, datetime]:
        """An article's failed attempts recorded and when it was recorded, what
        decide.article_failed weighs (an unknown id: none, recorded ``now``)."""
        row = self._conn.execute(
            "SELECT attempts, created FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return 0, now
        return int(row[0]), datetime.fromisoformat(row[1])

    def give_up(self, article_id: int, reason: str, now: datetime) -> None:
        """Record a failed attempt that no retry can mend: the article is failed now."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET attempts = attempts + 1, last_error = ?, updated = ?,"
                " status = 'failed' WHERE id = ?",
                (reason, _iso(now), article_id),
            )

    def retried(self) -> list[tuple[str, str, str, int, str | None]]:
        """Articles that failed at least once and are waiting or gave up: (url, status,
        last error, attempts, the entry's JSON when kept)."""
        rows = self._conn.execute(
            "SELECT url, status, coalesce(last_error, ''), attempts, entry FROM articles"
            " WHERE status = 'failed' OR (status = 'pending' AND attempts > 0) ORDER BY id"
        ).fetchall()
        return [
            (str(r[0]), str(r[1]), str(r[2]), int(r[3]), None if r[4] is None else str(r[4]))
            for r in rows
        ]

    @_reads
    def failing_by_feed(self) -> dict[str, list[tuple[str, str, int, str | None]]]:
        """{feed name: [(url, last error, attempts, not before)]} of the feed items
        whose attempts failed and that are waiting for the next one (not a backfill's:
        status lists those apart)."""
        rows = self._conn.execute(
            "SELECT feed, url, coalesce(last_error, ''), attempts, not_before, entry"
            " FROM articles WHERE status = 'pending' AND attempts > 0 ORDER BY id"
        ).fetchall()
        found: dict[str, list[tuple[str, str, int, str | None]]] = {}
        for feed, url, error, attempts, later, entry in rows:
            if entry is not None and entry_from_json(str(entry)).origin == "feed":
                found.setdefault(str(feed), []).append(
                    (str(url), str(error), int(attempts), None if later is None else str(later))
                )
        return found

    @_reads
    def not_before(self) -> dict[str, str]:
        """{url: the time before which no run retries it} of the pending articles whose
        server asked to wait (Retry-After)."""
        rows = self._conn.execute(
            "SELECT url, not_before FROM articles WHERE status = 'pending'"
            " AND not_before IS NOT NULL"
        ).fetchall()
        return {str(r[0]): str(r[1]) for r in rows}

    def forget(self, article_id: int) -> None:
        """Drop a pending row whose work turned out to be unnecessary."""
        with self._write():
            cur = self._conn.execute(
                "DELETE FROM articles WHERE id = ? AND status != 'done'", (article_id,)
            )
            if cur.rowcount:  # its id may be given to the next article recorded
                self._conn.execute("DELETE FROM feed_guids WHERE article_id = ?", (article_id,))

    @_reads
    def pending(self, now: datetime | None = None) -> list[PendingArticle]:
        """The pending articles; with ``now``, those whose back-off or Retry-After has
        not passed (not_before) are left for a later run, unless the clock went back
        (decide.retry_due)."""
        rows = self._conn.execute(
            "SELECT id, url, feed, entry, attempts, not_before, updated FROM articles"
            " WHERE status = 'pending' ORDER BY id"
        ).fetchall()
        return [
            PendingArticle(int(r[0]), str(r[1]), str(r[2]), entry_from_json(str(r[3])), int(r[4]))
            for r in rows
            if now is None
            or retry_due(_time_or(r[5], now) if r[5] else None, _time_or(r[6] or "", now), now)
        ]

    @_reads
    def pending_entries(self, ids: Sequence[int]) -> dict[int, Entry]:
        """The recorded entries of those of ``ids`` that are still pending."""
        found: dict[int, Entry] = {}
        for start in range(0, len(ids), IDS_PER_QUERY):
            part = list(ids[start : start + IDS_PER_QUERY])
            marks = ",".join("?" * len(part))
            rows = self._conn.execute(
                f"SELECT id, entry FROM articles WHERE id IN ({marks})"
                " AND status = 'pending' AND entry IS NOT NULL",
                part,
            ).fetchall()
            found.update((int(r[0]), entry_from_json(str(r[1]))) for r in rows)
        return found

    def adopt(
        self, *, url_key: str, url: str, filename: str, now: datetime, feed: str = ""
    ) -> bool:
        """Record a post found in ``_posts`` as done; False when it was known already.
        ``feed``: the feed a new row is counted for (a known row keeps its own)."""
        with self._write():
            cur = self._conn.execute(
                "INSERT INTO articles (url_key, url, feed, status, filename, created, updated)"
                " VALUES (?, ?, ?, 'done', ?, ?, ?)"
                " ON CONFLICT (url_key) DO UPDATE SET status = 'done',"
                " filename = excluded.filename, entry = NULL WHERE status != 'done'",
                (url_key, url, feed, filename, _iso(now), _iso(now)),
            )
            return cur.rowcount > 0

    def rename_post(self, article_id: int, filename: str) -> None:
        """Record that an archived article's post is now ``filename`` (renamed by hand,
        missingposts.renamed_post); its image retries follow it."""
        with self._write():
            row = self._conn.execute(
                "SELECT filename FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            self._conn.execute(
                "UPDATE articles SET filename = ? WHERE id = ? AND status = 'done'",
                (filename, article_id),
            )
            if row is not None and row[0] is not None:
                self._conn.execute(
                    "UPDATE OR IGNORE image_retries SET filename = ? WHERE filename = ?",
                    (filename, str(row[0])),
                )

    @_reads
    def known_filenames(self) -> set[str]:
        rows = self._conn.execute(
            "SELECT filename FROM articles WHERE filename IS NOT NULL"
        ).fetchall()
        return {str(r[0]) for r in rows}

    @_reads
    def failed(self) -> list[tuple[str, str]]:
        rows = self._conn.execute(
            "SELECT url, coalesce(last_error, '') FROM articles WHERE status = 'failed'"
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    @_reads
    def counts_by_feed(self) -> dict[str, dict[str, int]]:
        """{feed name: {status: number of articles}}; posts adopted before rssarchive
        counted them for their host's feed have the name ''."""
        counts: dict[str, dict[str, int]] = {}
        for feed, status, n in self._conn.execute(
            "SELECT feed, status, count(*) FROM articles GROUP BY feed, status"
        ):
            counts.setdefault(str(feed), {})[str(status)] = int(n)
        return counts

    @_reads
    def done_posts(self) -> list[tuple[str, str]]:
        """(file name, URL) of every archived article."""
        rows = self._conn.execute(
            "SELECT filename, url FROM articles WHERE status = 'done' AND filename IS NOT NULL"
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    @_reads
    def filename_of(self, article_id: int) -> str | None:
        """The post file of an archived article, or None."""
        row = self._conn.execute(
            "SELECT filename FROM articles WHERE id = ? AND status = 'done'", (article_id,)
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    @_reads
    def count_done(self) -> int:
        return int(
            self._conn.execute("SELECT count(*) FROM articles WHERE status = 'done'").fetchone()[0]
        )

    # -- images that could not be archived yet ----------------------------------------

    def image_retry(self, filename: str, page_url: str, *, attempted: bool) -> None:
        """Remember a post that still links remote images (one more attempt if made)."""
        with self._write():
            self._conn.execute(
                "INSERT INTO image_retries (filename, page_url, attempts) VALUES (?, ?, ?)"
                " ON CONFLICT (filename) DO UPDATE SET attempts = attempts + excluded.attempts",
                (filename, page_url, int(attempted)),
            )

    @_reads
    def image_retries(self) -> list[tuple[str, str, int]]:
        rows = self._conn.execute(
            "SELECT filename, page_url, attempts FROM image_retries ORDER BY filename"
        ).fetchall()
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def image_done(self, filename: str) -> None:
        with self._write():
            self._conn.execute("DELETE FROM image_retries WHERE filename = ?", (filename,))

    # -- re-checks of archived articles (recheck.py) ---------------------------------

    def schedule_recheck(
        self,
        article_id: int,
        archived: datetime,
        due: datetime | None,
        *,
        from_page: bool,
        validators: tuple[str | None, str | None] = (None, None),
        headline: str | None = None,
    ) -> None:
        """Give a newly archived article its re-check schedule (``due``: its first age;
        None: not re-checked). ``from_page``: its post holds the page's extracted text,
        the reference later checks compare with; ``validators``: the page's ETag and
        Last-Modified, so that its first re-check is conditional already;
        ``headline``: the page's headline, kept as the reference's first line (its body
        is the post's text, filled in at the first check: recheck_text)."""
        from rssarchive.core.recheck_text import join_headline

        reference = join_headline(headline, "") if from_page and headline else None
        with self._write():
            self._conn.execute(
                "INSERT OR IGNORE INTO rechecks (article_id, archived, next_due, from_page,"
                " etag, last_modified, reference) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    _iso(archived),
                    None if due is None else _iso(due),
                    int(from_page),
                    *(validators if from_page else (None, None)),
                    reference,
                ),
            )

    @_reads
    def unscheduled(self, now: datetime) -> list[tuple[int, str, datetime, str]]:
        """Archived articles without a re-check schedule (archived before re-checks
        existed, or adopted from _posts): (id, feed name, when recorded done, ``now``
        when the row's time cannot be read; post file). An adopted post's time is that
        of the adoption, not of its archiving (the re-checker reads its post's date)."""
        rows = self._conn.execute(
            "SELECT id, feed, updated, coalesce(filename, '') FROM articles a"
            " WHERE status = 'done' AND NOT EXISTS"
            " (SELECT 1 FROM rechecks r WHERE r.article_id = a.id) ORDER BY id"
        ).fetchall()
        return [(int(r[0]), str(r[1]), _time_or(str(r[2]), now), str(r[3])) for r in rows]

    def enroll(self, rows: Sequence[tuple[int, datetime, datetime | None]]) -> None:
        """Schedules for :meth:`unscheduled` articles: (id, archived, next due)."""
        with self._write():
            self._conn.executemany(
                "INSERT OR IGNORE INTO rechecks (article_id, archived, next_due) VALUES (?, ?, ?)",
                [(i, _iso(a), None if d is None else _iso(d)) for i, a, d in rows],
            )

    @_reads
    def paused_rechecks(self, since: datetime) -> list[tuple[int, str, datetime]]:
        """Re-check records without a next check (done with their ages, or paused by
        ``recheck: false``) archived after ``since``: (id, feed name, when archived), so
        that re-enabling re-checks resumes those still within their ages."""
        rows = self._conn.execute(
            "SELECT r.article_id, a.feed, r.archived FROM rechecks r"
            " JOIN articles a ON a.id = r.article_id"
            " WHERE r.next_due IS NULL AND a.status = 'done' AND r.archived > ?"
            " ORDER BY r.article_id",
            (_iso(since),),
        ).fetchall()
        return [(int(r[0]), str(r[1]), datetime.fromisoformat(str(r[2]))) for r in rows]

    def reschedule(self, rows: Sequence[tuple[int, datetime | None]]) -> None:
        """Set the next check of re-check records: (id, next due; None: none)."""
        with self._write():
            self._conn.executemany(
                "UPDATE rechecks SET next_due = ? WHERE article_id = ?",
                [(None if d is None else _iso(d), i) for i, d in rows],
            )

    @_reads
    def article_keys(self, article_id: int) -> frozenset[str]:
        """An article's URL keys: its own and its aliases (where its redirects ended
        when it was archived)."""
        rows = self._conn.execute(
            "SELECT url_key FROM articles WHERE id = ?"
            " UNION SELECT url_key FROM aliases WHERE article_id = ?",
            (article_id, article_id),
        ).fetchall()
        return frozenset(str(r[0]) for r in rows)

    @_reads
    def due_rechecks(self, now: datetime) -> list[tuple[int, datetime]]:
        """(article id, due time) of every article due at ``now``."""
        rows = self._conn.execute(
            "SELECT article_id, next_due FROM rechecks WHERE next_due IS NOT NULL"
            " AND next_due <= ?",
            (_iso(now),),
        ).fetchall()
        return [(int(r[0]), datetime.fromisoformat(str(r[1]))) for r in rows]

    @_reads
    def recheck_rows(
        self, ids: Sequence[int] | None = None, *, changed: bool = False
    ) -> list[RecheckRow]:
        """The re-check records of ``ids`` (in that order), or with ``changed`` of every
        article ever edited, suspected, deleted or restored."""
        query = (
            "SELECT r.article_id, a.url, a.feed, coalesce(a.filename, ''),"
            f" {', '.join('r.' + c for c in _RECHECK_COLUMNS)}"
            " FROM rechecks r JOIN articles a ON a.id = r.article_id"
        )
        if ids is None:
            where = " WHERE r.status != 'unchanged' OR r.edited_at IS NOT NULL" if changed else ""
            rows = self._conn.execute(query + where + " ORDER BY r.article_id").fetchall()
        else:
            rows = []
            for start in range(0, len(ids), IDS_PER_QUERY):
                part = list(ids[start : start + IDS_PER_QUERY])
                marks = ",".join("?" * len(part))
                rows += self._conn.execute(
                    query + f" WHERE r.article_id IN ({marks})", part
                ).fetchall()
            order = {ident: n for n, ident in enumerate(ids)}
            rows.sort(key=lambda r: order[int(r[0])])
        return [_recheck_row(r) for r in rows]

    @_reads
    def recheck_witnesses(self, host: str, limit: int) -> list[RecheckRow]:
        """Up to ``limit`` re-check records of articles whose URL looks to be on
        ``host`` (the caller compares hosts exactly) and that are believed present,
        newest first: witnesses that the host still serves its articles."""
        rows = self._conn.execute(
            "SELECT r.article_id, a.url, a.feed, coalesce(a.filename, ''),"
            f" {', '.join('r.' + c for c in _RECHECK_COLUMNS)}"
            " FROM rechecks r JOIN articles a ON a.id = r.article_id"
            " WHERE r.status IN ('unchanged', 'edited', 'restored')"
            " AND (r.reference IS NOT NULL OR r.from_page)"
            " AND (a.url LIKE ? OR a.url LIKE ?)"
            " ORDER BY r.archived DESC LIMIT ?",
            (f"%://{host}/%", f"%://{host}:%", limit),
        ).fetchall()
        return [_recheck_row(r) for r in rows]

    def save_recheck(self, row: RecheckRow) -> None:
        with self._write():
            values = [_column(getattr(row, c)) for c in _RECHECK_COLUMNS]
            self._conn.execute(
                f"UPDATE rechecks SET {', '.join(c + ' = ?' for c in _RECHECK_COLUMNS)}"
                " WHERE article_id = ?",
                [*values, row.article_id],
            )

    @_reads
    def recheck_counts(self, now: datetime) -> dict[str, int]:
        """Articles checked at least once, by status, and still due at ``now``."""
        row = self._conn.execute(
            "SELECT count(*) FILTER (WHERE checks > 0),"
            " count(*) FILTER (WHERE edited_at IS NOT NULL),"
            " count(*) FILTER (WHERE status = 'suspected'),"
            " count(*) FILTER (WHERE status = 'deleted'),"
            " count(*) FILTER (WHERE restored_at IS NOT NULL),"
            " count(*) FILTER (WHERE next_due IS NOT NULL AND next_due <= ?),"
            " count(*) FILTER (WHERE next_due IS NOT NULL),"
            " count(*) FILTER (WHERE status = 'suspected' AND next_due IS NULL)"
            " FROM rechecks",
            (_iso(now),),
        ).fetchone()
        # undecided: suspected, but every check meant to confirm it met an outage, and
        # none is left (recheck.UNDECIDED_AFTER).
        keys = (
            "checked",
            "edited",
            "suspected",
            "deleted",
            "restored",
            "due",
            "scheduled",
            "undecided",
        )
        return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}

    # -- feeds ----------------------------------------------------------------------

    @_reads
    def feed(self, url: str, name: str) -> FeedState:
        row = self._conn.execute(
            f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            return FeedState(url=url, name=name)
        values = dict(zip(FEED_COLUMNS, row, strict=True))
        values["gone"] = bool(values["gone"])
        for column in FEED_TIMES:
            if values[column] is not None:
                values[column] = datetime.fromisoformat(values[column])
        return FeedState(**values)

    def save_feed(self, feed: FeedState) -> None:
        values = [getattr(feed, column) for column in FEED_COLUMNS]
        # Times as the pipeline always wrote them: isoformat(), to the microsecond.
        values = [v.isoformat() if isinstance(v, datetime) else v for v in values]
        updates = ", ".join(f"{c} = excluded.{c}" for c in FEED_COLUMNS if c != "url")
        before = self._conn.total_changes
        with self._write():
            self._conn.execute(
                f"INSERT INTO feeds ({', '.join(FEED_COLUMNS)})"
                f" VALUES ({', '.join('?' * len(FEED_COLUMNS))})"
                f" ON CONFLICT (url) DO UPDATE SET {updates}",
                [int(v) if isinstance(v, bool) else v for v in values],
            )
        self._feed_changes += self._conn.total_changes - before

    def rename_feed(self, url: str, old: str, new: str) -> int:
        """Give the feed at ``url`` and the articles recorded for its old name its new
        name (renames.py); the number of articles."""
        with self._write():
            self._conn.execute("UPDATE feeds SET name = ? WHERE url = ?", (new, url))
            cur = self._conn.execute("UPDATE articles SET feed = ? WHERE feed = ?", (new, old))
            # Its guids too (identity by guid is per feed name); a row the new name has
            # already (none, unless the name was used before) keeps the new name's.
            self._conn.execute(
                "UPDATE OR IGNORE feed_guids SET feed = ? WHERE feed = ?", (new, old)
            )
            self._conn.execute("DELETE FROM feed_guids WHERE feed = ?", (old,))
            return cur.rowcount

    @_reads
    def feeds(self) -> list[FeedState]:
        urls = [str(r[0]) for r in self._conn.execute("SELECT url FROM feeds ORDER BY name")]
        return [self.feed(url, "") for url in urls]

    # -- plumbing -------------------------------------------------------------------

    def _write(self) -> _Transaction:
        return _Transaction(self._conn, self.path)

    def batch(self) -> _Transaction:
        """One transaction around many steps (``with state.batch(): ...``): one commit
        instead of one per article. Steps inside it join it instead of committing."""
        return _Transaction(self._conn, self.path)


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


def _move_aside(path: Path) -> Path:
    """Rename a corrupt database and its -wal/-shm files to ``*.corrupt``: a new database
    at ``path`` must not find the old write-ahead log beside it."""
    aside = path.with_name(path.name + ".corrupt")
    try:
        for suffix in ("", "-wal", "-shm"):
            source = path.with_name(path.name + suffix)
            if suffix == "" or source.exists():
                source.replace(aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise StateError(f"{path}: cannot move the corrupt state database aside ({exc})") from exc
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


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _add_columns(conn: sqlite3.Connection, table: str, columns: dict[str, str]) -> None:
    have = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}
    for name, definition in columns.items():
        if name not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")


def _to_2(conn: sqlite3.Connection) -> None:
    # Schema 1 was written in three forms (aa5d5f0; a4e09c1 added the feed's redirect
    # columns; 760ef06 added image_retries): bring any of them to its last form, then
    # add what schema 2 adds.
    _add_columns(
        conn,
        "feeds",
        {
            "moved_to": "TEXT",
            "redirect_to": "TEXT",
            "redirect_count": "INTEGER NOT NULL DEFAULT 0",
            "warning": "TEXT",
        },
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS image_retries (filename TEXT PRIMARY KEY,"
        " page_url TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
    )


def _to_3(conn: sqlite3.Connection) -> None:
    _add_columns(conn, "articles", {"not_before": "TEXT"})
    conn.execute(
        "CREATE TABLE IF NOT EXISTS aliases (url_key TEXT PRIMARY KEY, article_id INTEGER NOT NULL)"
    )
    # Keys now resolve dot-segments and doubled slashes: an article recorded under the
    # old spelling of a key must be found by the new one, or it is archived again. A
    # key whose new form another row has already keeps its old form (that row answers
    # for the new one).
    _rekey_articles(
        conn,
        "url_key LIKE '%/.%' OR instr(substr(url_key, 9), '//') > 0"
        " OR guid_key LIKE '%/.%' OR instr(substr(guid_key, 9), '//') > 0",
    )


def _rekey_articles(conn: sqlite3.Connection, where: str) -> None:
    """Rewrite the URL and guid keys of the articles matching ``where`` (an SQL condition
    that finds every key the new normalize_url spells otherwise) to their new form. A key
    whose new form another row has already keeps its old form: that row answers for it."""
    taken = {str(r[0]) for r in conn.execute("SELECT url_key FROM articles")}
    for article_id, url_key, guid_key in conn.execute(
        f"SELECT id, url_key, guid_key FROM articles WHERE {where}"
    ).fetchall():
        new_key = normalize_url(url_key)
        if new_key != url_key and new_key not in taken:
            conn.execute("UPDATE articles SET url_key = ? WHERE id = ?", (new_key, article_id))
            taken.add(new_key)
        if guid_key is not None and is_safe_link(guid_key):
            conn.execute(
                "UPDATE articles SET guid_key = ? WHERE id = ?",
                (normalize_url(guid_key), article_id),
            )


def _to_4(conn: sqlite3.Connection) -> None:
    # The table only: the articles archived before it get their schedule from their
    # archive time when re-checks first run (State.unscheduled, State.enroll), so that those past
    # their last age are never fetched again.
    # One statement at a time (not executescript): inside the step's transaction.
    start = SCHEMA.index("CREATE TABLE IF NOT EXISTS rechecks")
    end = SCHEMA.index("CREATE INDEX IF NOT EXISTS articles_guid")
    for statement in SCHEMA[start:end].split(";"):
        if statement.strip():
            conn.execute(statement)


def _to_5(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS reused_guids (guid_key TEXT PRIMARY KEY)")
    # Keys now drop a final slash and sort their query parameters: an article recorded
    # under the old spelling of its key must be found by the new one, or it is archived
    # again. As in _to_3, a key whose new form another row has already keeps its old
    # form (that row answers for the new one).
    _rekey_articles(
        conn,
        "url_key LIKE '%/' OR url_key LIKE '%?%&%' OR guid_key LIKE '%/' OR guid_key LIKE '%?%&%'",
    )
    for (url_key,) in conn.execute(
        "SELECT url_key FROM aliases WHERE url_key LIKE '%/' OR url_key LIKE '%?%&%'"
    ).fetchall():
        new_key = normalize_url(url_key)
        if new_key != url_key:
            conn.execute(
                "UPDATE OR IGNORE aliases SET url_key = ? WHERE url_key = ?", (new_key, url_key)
            )


def _to_6(conn: sqlite3.Connection) -> None:
    # The table only: an article archived before it is compared with its post, or its
    # entry, as before, until its feed lists its item again (State.see_guid).
    start = SCHEMA.index("CREATE TABLE IF NOT EXISTS feed_guids")
    end = SCHEMA.index("CREATE TABLE IF NOT EXISTS image_retries")
    conn.execute(SCHEMA[start:end].strip().rstrip(";"))


# version -> the step that upgrades a database of that version to the next one.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _to_2,
    2: _to_3,
    3: _to_4,
    4: _to_5,
    5: _to_6,
}
