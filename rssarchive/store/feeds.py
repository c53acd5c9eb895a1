"""State's feeds: their validators, health and warnings (the feeds table)."""

from __future__ import annotations

from datetime import datetime

from rssarchive.store.base import StateBase, _reads
from rssarchive.store.codec import (
    FEED_COLUMNS,
    FEED_TIMES,
    FeedState,
    stored_time_or_none,
)


class Feeds(StateBase):
    """One row per configured feed URL."""

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
            values[column] = stored_time_or_none(values[column])
        return FeedState(**values)

    @_reads
    def has_articles(self, feed: str) -> bool:
        """Whether the archive holds an article of ``feed`` (decide.first_run: a state
        rebuilt from the posts knows them, though no poll of the feed)."""
        found = self._conn.execute("SELECT 1 FROM articles WHERE feed = ? LIMIT 1", (feed,))
        return found.fetchone() is not None

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
