"""State's articles: whether one is known, and its lifecycle (begin, finish, fail,
give up, adopt ...; README, "Crash safety"), and the images of its post that could
not be archived yet."""

from __future__ import annotations

import itertools
from collections.abc import Container, Sequence
from datetime import datetime
from typing import Final

from rssarchive.core.decide import ARTICLE_STANDING as STANDING
from rssarchive.core.models import Entry
from rssarchive.store.base import StateBase, _reads
from rssarchive.store.codec import (
    IDS_PER_QUERY,
    FailingArticle,
    PendingArticle,
    RetriedArticle,
    _time_or,
    entry_from_json,
    entry_to_json,
    moment,
    stored_text,
    stored_time,
)

# An article's statuses (the schema's CHECK), the decider's (decide.ARTICLE_STANDING,
# whose rules the queries below take their parameters from): pending, failed, and done
# (archived). Written into the queries by name, never as literals.
PENDING: Final = STANDING.pending
FAILED: Final = STANDING.failed
DONE: Final = STANDING.done


class Articles(StateBase):
    """The articles table (and the image retries of their posts)."""

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
        found = self.lookup_link(url_key)
        return None if found is None else found[:2]

    @_reads
    def lookup_link(self, url_key: str) -> tuple[int, str, bool] | None:
        """lookup's answer, and whether the key is only an alias of the article (not
        its own): in the same read (decide.asks_alias_of)."""
        row = self._conn.execute(
            "SELECT id, status, 0 FROM articles WHERE url_key = ? UNION ALL"
            " SELECT a.id, a.status, 1 FROM aliases JOIN articles a"
            " ON a.id = aliases.article_id WHERE aliases.url_key = ?",
            (url_key, url_key),
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]), bool(row[2]))

    @_reads
    def archived_as(self, url_keys: Sequence[str], article_id: int) -> int | None:
        """Another article archived under one of ``url_keys`` (its own key, or an alias:
        where its redirects ended), or None."""
        marks = ",".join("?" * len(url_keys))
        row = self._conn.execute(
            f"SELECT id FROM articles WHERE url_key IN ({marks}) AND status = '{DONE}'"
            f" AND id != ? UNION ALL SELECT article_id FROM aliases WHERE url_key IN ({marks})"
            " AND article_id != ?",
            [*url_keys, article_id, *url_keys, article_id],
        ).fetchone()
        return None if row is None else int(row[0])

    @_reads
    def at_path(
        self,
        feed: str,
        path_key: str,
        limit: int,
        skip: Container[str] = (),
        near: Sequence[str] = (),
    ) -> list[tuple[int, str, str]]:
        """(id, status, key) of ``feed``'s articles at ``path_key`` (a URL key without
        its query; decide.same_but_query), ``limit`` of them not in ``skip`` (the run's
        and its document's: look16d F2), those with more of the query pieces ``near``
        first (decide.compared_first), then the newest. Keys starting ``path_key?``
        sort between it and ``path_key@``: a range of the unique index."""
        shared = "".join("(instr('&' || substr(url_key, ?) || '&', ?) > 0) + " for _ in near)
        order = f"{shared[:-3]} DESC, id DESC" if near else "id DESC"
        pieces = [value for piece in near for value in (len(path_key) + 2, f"&{piece}&")]
        where = "feed = ? AND (url_key = ? OR (url_key >= ? AND url_key < ?))"
        rows = self._conn.execute(
            f"SELECT id, status, url_key FROM articles WHERE {where} ORDER BY {order}",
            (feed, path_key, path_key + "?", path_key + "@", *pieces),
        )
        kept = ((int(row[0]), str(row[1]), str(row[2])) for row in rows if str(row[2]) not in skip)
        return list(itertools.islice(kept, limit))

    def alias(self, url_key: str, article_id: int) -> None:
        """Record ``url_key`` as another address of an article (a redirect's end, or a
        URL found to lead to an article archived already)."""
        with self._write():
            self._conn.execute(
                "INSERT OR REPLACE INTO aliases (url_key, article_id) VALUES (?, ?)",
                (url_key, article_id),
            )

    def unalias(self, url_key: str, article_id: int) -> None:
        """Drop ``url_key`` as an address of that article (one that turned out to be
        no evidence: a canonical URL other pages of the run name too)."""
        with self._write():
            self._conn.execute(
                "DELETE FROM aliases WHERE url_key = ? AND article_id = ?", (url_key, article_id)
            )

    def hand_over(self, article_id: int, url_key: str, new_key: str, new_url: str) -> None:
        """Take ``url_key`` from an archived article that moved away from it to
        ``new_url`` (``new_key``), so that a new article can be recorded there
        (decide.hands_over): the article is known by its new link from now on (its own
        when ``url_key`` was, its post rewritten by the caller first), and no longer by
        ``url_key``."""
        with self._write():
            self._conn.execute("DELETE FROM aliases WHERE url_key = ?", (url_key,))
            cur = self._conn.execute(
                "UPDATE articles SET url_key = ?, url = ? WHERE id = ? AND url_key = ?",
                (new_key, new_url, article_id, url_key),
            )
            if cur.rowcount:
                self._conn.execute("DELETE FROM aliases WHERE url_key = ?", (new_key,))

    @_reads
    def url_key_of(self, article_id: int) -> str | None:
        """The URL key an article is recorded under (its post's from: URL's), or None."""
        row = self._conn.execute(
            "SELECT url_key FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else str(row[0])

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
                f"UPDATE articles SET url_key = ?, url = ?, entry = ?, status = '{PENDING}',"
                " attempts = 0, not_before = NULL, updated = ?"
                f" WHERE id = ? AND status != '{DONE}'",
                (url_key, entry.link, entry_to_json(entry), stored_text(now), article_id),
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

    @_reads
    def feed_of(self, article_id: int) -> str | None:
        """The feed an article is recorded for (the last that took it on)."""
        row = self._conn.execute("SELECT feed FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else str(row[0])

    def redate(self, article_id: int, entry: Entry, guid_key: str | None = None) -> None:
        """Record a pending article's entry with the date (and title: decide.
        relisted_title, then with its ``guid_key``) its feed's item gives now
        (decide.relisted_date): the post written later, by this run or another, has it."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET entry = ?, guid_key = coalesce(?, guid_key)"
                f" WHERE id = ? AND status = '{PENDING}'",
                (entry_to_json(entry), guid_key, article_id),
            )

    def retake(
        self, article_id: int, entry: Entry, *, feed: str, guid_key: str | None, now: datetime
    ) -> None:
        """Take an article not archived yet on again with a feed item's entry (its title,
        date and text), for that feed, with its attempts anew: a feed listing it is new
        evidence on an article a backfill took on (waiting, or given up)."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET entry = ?, feed = ?, guid_key = coalesce(?, guid_key),"
                f" status = '{PENDING}', attempts = 0, not_before = NULL, updated = ?"
                f" WHERE id = ? AND status != '{DONE}'",
                (entry_to_json(entry), feed, guid_key, stored_text(now), article_id),
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
                f" updated) VALUES (?, ?, ?, ?, '{PENDING}', ?, ?, ?)"
                f" ON CONFLICT (url_key) DO UPDATE SET status = '{PENDING}',"
                " entry = excluded.entry,"
                " feed = excluded.feed, updated = excluded.updated, attempts = 0,"
                " not_before = NULL"
                " RETURNING id",
                (
                    url_key,
                    entry.link,
                    guid_key,
                    feed,
                    entry_to_json(entry),
                    stored_text(now),
                    stored_text(now),
                ),
            )
            return int(cur.fetchone()[0])

    def finish(self, article_id: int, filename: str, now: datetime) -> None:
        """Mark an article done with the file it was written to (step 3)."""
        with self._write():
            self._conn.execute(
                f"UPDATE articles SET status = '{DONE}', filename = ?, entry = NULL,"
                " last_error = NULL, updated = ? WHERE id = ?",
                (filename, stored_text(now), article_id),
            )

    def fail(
        self,
        article_id: int,
        reason: str,
        now: datetime,
        *,
        status: str,
        not_before: datetime | None,
    ) -> None:
        """Record a failed attempt as decide.article_failed says: the article's status
        now (PENDING or FAILED) and the time before which no run tries it again."""
        with self._write():
            self._conn.execute(
                "UPDATE articles SET attempts = attempts + 1, last_error = ?, updated = ?,"
                " status = ?, not_before = ? WHERE id = ?",
                (
                    reason,
                    stored_text(now),
                    status,
                    not_before and stored_text(not_before),
                    article_id,
                ),
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
        return int(row[0]), stored_time(row[1])

    def give_up(self, article_id: int, reason: str, now: datetime) -> None:
        """Record a failed attempt that no retry can mend: the article is failed now (no
        time of a next attempt kept: a feed listing it again starts it afresh)."""
        self.fail(article_id, reason, now, status=FAILED, not_before=None)

    def retried(self) -> list[RetriedArticle]:
        """Articles that failed at least once and are waiting or gave up (decide.
        ArticleStanding.retried: the query's parameters are its)."""
        rows = self._conn.execute(
            "SELECT url, status, coalesce(last_error, ''), attempts, entry FROM articles"
            " WHERE status = ? OR (status = ? AND attempts >= ?) ORDER BY id",
            (STANDING.failed, STANDING.pending, STANDING.failing_after),
        ).fetchall()
        return [
            RetriedArticle(
                str(r[0]),
                str(r[1]),
                str(r[2]),
                int(r[3]),
                None if r[4] is None else entry_from_json(str(r[4])).origin,
            )
            for r in rows
        ]

    @_reads
    def failing_by_feed(self) -> dict[str, list[FailingArticle]]:
        """{feed name: its items whose attempts failed and that are waiting for the next
        one} (decide.ArticleStanding.listed_as "failing"; not a backfill's: status lists
        those apart)."""
        rows = self._conn.execute(
            "SELECT feed, url, coalesce(last_error, ''), attempts, not_before, entry"
            " FROM articles WHERE status = ? AND attempts >= ? ORDER BY id",
            (STANDING.pending, STANDING.failing_after),
        ).fetchall()
        found: dict[str, list[FailingArticle]] = {}
        for feed, url, error, attempts, later, entry in rows:
            origin = None if entry is None else entry_from_json(str(entry)).origin
            if STANDING.listed_as(STANDING.pending, int(attempts), origin) == "failing":
                found.setdefault(str(feed), []).append(
                    FailingArticle(str(url), str(error), int(attempts), moment(later))
                )
        return found

    @_reads
    def not_before(self) -> dict[str, datetime]:
        """{url: the time before which no run retries it} of the pending articles whose
        server asked to wait (Retry-After)."""
        rows = self._conn.execute(
            "SELECT url, not_before FROM articles WHERE status = ? AND not_before IS NOT NULL",
            (STANDING.pending,),
        ).fetchall()
        found = {str(r[0]): moment(str(r[1])) for r in rows}
        return {url: when for url, when in found.items() if when is not None}

    def forget(self, article_id: int) -> None:
        """Drop a pending row whose work turned out to be unnecessary."""
        with self._write():
            cur = self._conn.execute(
                f"DELETE FROM articles WHERE id = ? AND status != '{DONE}'", (article_id,)
            )
            if cur.rowcount:  # its id may be given to the next article recorded
                self._conn.execute("DELETE FROM feed_guids WHERE article_id = ?", (article_id,))

    @_reads
    def pending(self, now: datetime | None = None) -> list[PendingArticle]:
        """The pending articles; with ``now``, those whose back-off or Retry-After has
        not passed (not_before) are left for a later run, unless the clock went back
        (decide.ArticleStanding.due; its last failure is when its row was last updated)."""
        rows = self._conn.execute(
            "SELECT id, url, feed, entry, attempts, not_before, updated FROM articles"
            " WHERE status = ? ORDER BY id",
            (STANDING.pending,),
        ).fetchall()
        return [
            PendingArticle(int(r[0]), str(r[1]), str(r[2]), entry_from_json(str(r[3])), int(r[4]))
            for r in rows
            if now is None
            or STANDING.due(
                STANDING.pending,
                _time_or(r[5], now) if r[5] else None,
                _time_or(r[6] or "", now),
                now,
            )
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
                f" AND status = '{PENDING}' AND entry IS NOT NULL",
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
                f" VALUES (?, ?, ?, '{DONE}', ?, ?, ?)"
                f" ON CONFLICT (url_key) DO UPDATE SET status = '{DONE}',"
                f" filename = excluded.filename, entry = NULL WHERE status != '{DONE}'",
                (url_key, url, feed, filename, stored_text(now), stored_text(now)),
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
                f"UPDATE articles SET filename = ? WHERE id = ? AND status = '{DONE}'",
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

    def _pairs(self, query: str, params: tuple[object, ...] = ()) -> list[tuple[str, str]]:
        """The rows of a query of two text columns."""
        return [(str(a), str(b)) for a, b in self._conn.execute(query, params).fetchall()]

    @_reads
    def failed(self) -> list[tuple[str, str]]:
        return self._pairs(
            "SELECT url, coalesce(last_error, '') FROM articles WHERE status = ?",
            (STANDING.failed,),
        )

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
        return self._pairs(
            f"SELECT filename, url FROM articles WHERE status = '{DONE}' AND filename IS NOT NULL"
        )

    @_reads
    def filename_of(self, article_id: int) -> str | None:
        """The post file of an archived article, or None."""
        row = self._conn.execute(
            f"SELECT filename FROM articles WHERE id = ? AND status = '{DONE}'", (article_id,)
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    @_reads
    def count_done(self) -> int:
        return int(
            self._conn.execute(f"SELECT count(*) FROM articles WHERE status = '{DONE}'").fetchone()[
                0
            ]
        )
