"""State's re-check records of archived articles (the rechecks table; recheck.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rssarchive.core.decide import ARTICLE_STANDING
from rssarchive.core.recheck_status import (
    UNDECIDED_SQL,
    UNREACHABLE_SQL,
    WALLED_SQL,
    WITNESS_SQL,
)
from rssarchive.store.base import StateBase, _reads
from rssarchive.store.codec import (
    _RECHECK_COLUMNS,
    IDS_PER_QUERY,
    RecheckRow,
    _column,
    _recheck_row,
    _time_or,
    moment,
    stored_text,
    stored_time,
)


class Rechecks(StateBase):
    """The re-check schedule and verdicts."""

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
                    stored_text(archived),
                    None if due is None else stored_text(due),
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
            f" WHERE status = '{ARTICLE_STANDING.done}' AND NOT EXISTS"
            " (SELECT 1 FROM rechecks r WHERE r.article_id = a.id) ORDER BY id"
        ).fetchall()
        return [(int(r[0]), str(r[1]), _time_or(str(r[2]), now), str(r[3])) for r in rows]

    def enroll(self, rows: Sequence[tuple[int, datetime, datetime | None]]) -> None:
        """Schedules for :meth:`unscheduled` articles: (id, archived, next due). Their
        post is taken as the page's text (``from_page``): no reference was kept for them,
        and their post is the article as archived, which their first check compares
        with (review 19s, H2: it took the first page seen, and lost an edit made
        before it)."""
        with self._write():
            self._conn.executemany(
                "INSERT OR IGNORE INTO rechecks (article_id, archived, next_due, from_page)"
                " VALUES (?, ?, ?, 1)",
                [(i, stored_text(a), None if d is None else stored_text(d)) for i, a, d in rows],
            )

    @_reads
    def paused_rechecks(self, since: datetime) -> list[tuple[int, str, datetime]]:
        """Re-check records without a next check (done with their ages, or paused by
        ``recheck: false``) archived after ``since``: (id, feed name, when archived), so
        that re-enabling re-checks resumes those still within their ages."""
        rows = self._conn.execute(
            "SELECT r.article_id, a.feed, r.archived FROM rechecks r"
            " JOIN articles a ON a.id = r.article_id"
            f" WHERE r.next_due IS NULL AND a.status = '{ARTICLE_STANDING.done}'"
            " AND r.archived > ?"
            " ORDER BY r.article_id",
            (stored_text(since),),
        ).fetchall()
        return [(int(r[0]), str(r[1]), stored_time(r[2])) for r in rows]

    def reschedule(self, rows: Sequence[tuple[int, datetime | None]]) -> None:
        """Set the next check of re-check records: (id, next due; None: none)."""
        with self._write():
            self._conn.executemany(
                "UPDATE rechecks SET next_due = ? WHERE article_id = ?",
                [(None if d is None else stored_text(d), i) for i, d in rows],
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
            (stored_text(now),),
        ).fetchall()
        return [(int(r[0]), stored_time(r[1])) for r in rows]

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
        ``host`` (a host key, urls.host_key: with or without ``www.``; the caller
        compares keys exactly) and that are believed present, newest first: witnesses
        that the host still serves its articles."""
        rows = self._conn.execute(
            "SELECT r.article_id, a.url, a.feed, coalesce(a.filename, ''),"
            f" {', '.join('r.' + c for c in _RECHECK_COLUMNS)}"
            " FROM rechecks r JOIN articles a ON a.id = r.article_id"
            f" WHERE {WITNESS_SQL}"  # recheck_status.is_witness
            " AND (a.url LIKE ? OR a.url LIKE ? OR a.url LIKE ? OR a.url LIKE ?)"
            " ORDER BY r.archived DESC LIMIT ?",
            (f"%://{host}/%", f"%://{host}:%", f"%://www.{host}/%", f"%://www.{host}:%", limit),
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
    def recheck_pauses(self) -> dict[str, datetime]:
        """The hosts whose re-checks wait, by the time their 429's Retry-After named
        (recheck_schedule.host_paused says whether one still holds)."""
        found = {}
        for host, until in self._conn.execute("SELECT host, paused_until FROM recheck_hosts"):
            when = moment(until)
            if when is not None:  # None: edited by hand, no pause
                found[str(host)] = when
        return found

    def pause_rechecks(self, pauses: dict[str, datetime | None]) -> None:
        """Keep hosts' pauses for the next runs (host: until when; None: none any more)."""
        with self._write():
            for host, until in pauses.items():
                if until is None:
                    self._conn.execute("DELETE FROM recheck_hosts WHERE host = ?", (host,))
                else:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO recheck_hosts (host, paused_until) VALUES (?, ?)",
                        (host, stored_text(until)),
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
            f" count(*) FILTER (WHERE {UNDECIDED_SQL}),"  # recheck_status.is_undecided
            f" count(*) FILTER (WHERE {UNREACHABLE_SQL}),"  # recheck_status.is_unreachable
            f" count(*) FILTER (WHERE {WALLED_SQL})"  # recheck_status.is_walled
            " FROM rechecks",
            (stored_text(now),),
        ).fetchone()
        # undecided: suspected, but every check meant to confirm it met an outage, and
        # none is left (recheck_status.is_undecided, recheck.UNDECIDED_AFTER).
        keys = (
            "checked",
            "edited",
            "suspected",
            "deleted",
            "restored",
            "due",
            "scheduled",
            "undecided",
            # unreachable: done with its ages, but its last check said nothing (an
            # outage, a second fetch that failed or met a wall): an edit may be unseen.
            "unreachable",
            # walled: suspected, its last check met a login wall without the article.
            "walled",
        )
        return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}
