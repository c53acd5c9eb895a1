"""SQLite state: feed validators and health, and every article we have taken on.

The order of work for one article (see README, "Crash safety") is

1. ``begin``   — a row with status ``pending`` and the entry it came from;
2. the post is written to a temporary file and renamed into ``_posts`` (archive.py);
3. ``finish``  — the row becomes ``done`` with its file name.

A crash between 1 and 3 leaves a pending row; the next run re-does it (or, if the post
is already in ``_posts``, only marks it done), so nothing is lost or written twice.
Every method commits its own transaction: a ``kill -9`` loses at most the step under way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import StateError
from .models import Entry

SCHEMA_VERSION = 1
# After this many failed attempts an article stops being retried on every run; it stays
# listed as failed (never silently dropped) and a backfill of its URL tries it again.
MAX_ATTEMPTS = 5
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
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS image_retries (
    filename TEXT PRIMARY KEY,
    page_url TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_guid ON articles (guid_key);
CREATE INDEX IF NOT EXISTS articles_status ON articles (status);
"""


@dataclass(frozen=True)
class FeedState:
    url: str
    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0
    next_allowed: str | None = None
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


# The feeds table has one column per FeedState field, in the same order.
FEED_COLUMNS = tuple(f.name for f in fields(FeedState))


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


class State:
    """The state database. Open with :meth:`open`; close when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        self.created = False  # True when the database did not exist (or was rebuilt)
        self.rebuilt_from: Path | None = None  # where a corrupt database was moved

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> State:
        """Open (creating if needed) the database at ``path``.

        A corrupt database is moved aside (``*.corrupt``) and a new one created, with
        ``created`` set so the caller rebuilds it from the posts and warns.
        """
        # A zero-byte file (a truncated copy, a failed restore) holds no state either.
        existed = path.exists() and path.stat().st_size > 0
        if readonly:
            if not existed:
                return cls.memory()
            conn = _connect(f"file:{path}?mode=ro", uri=True)
            return cls(conn, path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"{path.parent}: cannot create state directory ({exc})") from exc
        try:
            state = cls(_connect(str(path)), path)
            state._init_schema()
        except sqlite3.DatabaseError as exc:
            if not existed or "locked" in str(exc):
                raise StateError(f"{path}: cannot open state database ({exc})") from exc
            aside = path.with_name(path.name + ".corrupt")
            path.replace(aside)
            state = cls(_connect(str(path)), path)
            state._init_schema()
            state.rebuilt_from = aside
            existed = False
        state.created = not existed
        return state

    @classmethod
    def memory(cls) -> State:
        state = cls(_connect(":memory:"), None)
        state._init_schema()
        state.created = True
        return state

    def _init_schema(self) -> None:
        with self._conn:
            self._conn.executescript(SCHEMA)
            columns = {str(r[1]) for r in self._conn.execute("PRAGMA table_info(feeds)")}
            if "warning" not in columns:  # a database from before feeds.warning
                self._conn.execute("ALTER TABLE feeds ADD COLUMN warning TEXT")
            row = self._conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StateError(
                    f"{self.path}: state database is from a newer rssarchive "
                    f"(schema {row[0]} > {SCHEMA_VERSION})"
                )
        # Find a corrupt file now, not mid-run: quick_check reads every page (a few ms
        # for tens of thousands of articles), where a count may touch only an index.
        row = self._conn.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else '?'}")

    def close(self) -> None:
        self._conn.close()

    # -- articles -------------------------------------------------------------------

    def is_known(self, url_key: str, guid_key: str | None) -> bool:
        """True when this article (by URL or by guid) is done, pending or failed."""
        row = self._conn.execute(
            "SELECT 1 FROM articles WHERE url_key = ? OR (guid_key IS NOT NULL AND guid_key = ?)",
            (url_key, guid_key),
        ).fetchone()
        return row is not None

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
                " feed = excluded.feed, updated = excluded.updated, attempts = 0"
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

    def fail(self, article_id: int, reason: str, now: datetime) -> None:
        """Record a failed attempt; after MAX_ATTEMPTS the article stops being retried."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET attempts = attempts + 1, last_error = ?, updated = ?,"
                " status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END"
                " WHERE id = ?",
                (reason, _iso(now), MAX_ATTEMPTS, article_id),
            )

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

    def forget(self, article_id: int) -> None:
        """Drop a pending row whose work turned out to be unnecessary."""
        with self._write():
            self._conn.execute(
                "DELETE FROM articles WHERE id = ? AND status != 'done'", (article_id,)
            )

    def pending(self) -> list[PendingArticle]:
        rows = self._conn.execute(
            "SELECT id, url, feed, entry, attempts FROM articles WHERE status = 'pending'"
            " ORDER BY id"
        ).fetchall()
        return [
            PendingArticle(int(r[0]), str(r[1]), str(r[2]), entry_from_json(str(r[3])), int(r[4]))
            for r in rows
        ]

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

    def adopt(self, *, url_key: str, url: str, filename: str, now: datetime) -> bool:
        """Record a post found in ``_posts`` as done; False when it was known already."""
        with self._write():
            cur = self._conn.execute(
                "INSERT INTO articles (url_key, url, feed, status, filename, created, updated)"
                " VALUES (?, ?, '', 'done', ?, ?, ?)"
                " ON CONFLICT (url_key) DO UPDATE SET status = 'done',"
                " filename = excluded.filename, entry = NULL WHERE status != 'done'",
                (url_key, url, filename, _iso(now), _iso(now)),
            )
            return cur.rowcount > 0

    def known_filenames(self) -> set[str]:
        rows = self._conn.execute(
            "SELECT filename FROM articles WHERE filename IS NOT NULL"
        ).fetchall()
        return {str(r[0]) for r in rows}

    def failed(self) -> list[tuple[str, str]]:
        rows = self._conn.execute(
            "SELECT url, coalesce(last_error, '') FROM articles WHERE status = 'failed'"
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def counts_by_feed(self) -> dict[str, dict[str, int]]:
        """{feed name: {status: number of articles}}; adopted posts have the name ''."""
        counts: dict[str, dict[str, int]] = {}
        for feed, status, n in self._conn.execute(
            "SELECT feed, status, count(*) FROM articles GROUP BY feed, status"
        ):
            counts.setdefault(str(feed), {})[str(status)] = int(n)
        return counts

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

    def image_retries(self) -> list[tuple[str, str, int]]:
        rows = self._conn.execute(
            "SELECT filename, page_url, attempts FROM image_retries ORDER BY filename"
        ).fetchall()
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def image_done(self, filename: str) -> None:
        with self._write():
            self._conn.execute("DELETE FROM image_retries WHERE filename = ?", (filename,))

    # -- feeds ----------------------------------------------------------------------

    def feed(self, url: str, name: str) -> FeedState:
        row = self._conn.execute(
            f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            return FeedState(url=url, name=name)
        values = dict(zip(FEED_COLUMNS, row, strict=True))
        values["gone"] = bool(values["gone"])
        return FeedState(**values)

    def save_feed(self, feed: FeedState) -> None:
        values = [getattr(feed, column) for column in FEED_COLUMNS]
        updates = ", ".join(f"{c} = excluded.{c}" for c in FEED_COLUMNS if c != "url")
        with self._write():
            self._conn.execute(
                f"INSERT INTO feeds ({', '.join(FEED_COLUMNS)})"
                f" VALUES ({', '.join('?' * len(FEED_COLUMNS))})"
                f" ON CONFLICT (url) DO UPDATE SET {updates}",
                [int(v) if isinstance(v, bool) else v for v in values],
            )

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
            raise StateError(f"{self._path}: cannot update state ({err})") from err

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self._outer:
            return
        if exc_type is None:
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as err:
                self._conn.execute("ROLLBACK")
                raise StateError(f"{self._path}: cannot update state ({err})") from err
            return
        self._conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise StateError(f"{self._path}: cannot update state ({exc})") from exc


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per step.
    conn = sqlite3.connect(target, uri=uri, isolation_level=None, timeout=5.0)
    if not uri and target != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode survives any crash of the process (kill -9); a power cut may
    # lose the last commits, which the next run repairs from _posts like a killed run.
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn
