"""State's record of guids: the articles a guid names, what a feed's item with it last
showed (feed_guids), and the guids seen on different articles (reused_guids)."""

from __future__ import annotations

import json
from collections.abc import Collection

from rssarchive.core.decide import ARTICLE_STANDING, Candidate, MovedTo, Shown
from rssarchive.store.base import StateBase, _reads
from rssarchive.store.codec import (
    GuidOwner,
    GuidSeen,
    entry_from_json,
    stored_time_or_none,
)

# The meta key of a guid found no page (mark_no_page), the guid key after it.
_NO_PAGE = "no page "


class Guids(StateBase):
    """Identity by guid (identity.py reads and writes it through these)."""

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
        return GuidSeen(int(row[0]), row[1], stored_time_or_none(row[2]), row[3])

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
        return GuidSeen(int(row[0]), row[1], stored_time_or_none(row[2]), row[3])

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

    def mark_no_page(self, guid_key: str) -> None:
        """Record a guid that answered 404 or 410 when fetched as its item's permalink:
        an id, not a page; its item is at its own link from now on (decide.on_its_link,
        decide.permalinked's ``no_pages``). Kept in the meta table, one value a guid."""
        with self._write():
            self._conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (_NO_PAGE + guid_key,)
            )

    @_reads
    def no_pages(self, guid_keys: Collection[str]) -> set[str]:
        """Those of ``guid_keys`` recorded as no pages (mark_no_page)."""
        return {
            key
            for key in guid_keys
            if self._conn.execute("SELECT 1 FROM meta WHERE key = ?", (_NO_PAGE + key,)).fetchone()
        }

    def mark_moved(self, article_id: int, moved: MovedTo) -> None:
        """Record where an archived article went when its feed's item with its guid was
        taken for it at another link: the links it left may be handed to new articles
        (decide.hands_over). Kept in the meta table, one value an article."""
        value = json.dumps([moved.feed, moved.guid, moved.key, moved.link])
        with self._write():
            self._conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                (f"moved to {article_id}", value),
            )

    @_reads
    def archived_identity(self, article_id: int) -> tuple[str, str | None, MovedTo | None] | None:
        """An article's URL, its guid key, and where it last moved by its guid
        (mark_moved; None: it did not), in one read: asked of every known item with a
        guid; None for an unknown id."""
        row = self._conn.execute(
            "SELECT url, guid_key, (SELECT value FROM meta WHERE key = 'moved to ' || id)"
            " FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        moved = None
        if row[2] is not None:
            feed, guid, key, link = json.loads(str(row[2]))
            moved = MovedTo(str(feed), str(guid), str(key), str(link))
        return str(row[0]), None if row[1] is None else str(row[1]), moved

    @_reads
    def migration_candidates(
        self, feed: str, title: str | None, limit: int
    ) -> list[tuple[str, Candidate]]:
        """The archived articles of ``feed`` whose item (by its guid) last showed this
        title, the newest first, at most ``limit``: each with that guid, as
        decide.migration_checks compares them (look 16 F18)."""
        rows = self._conn.execute(
            "SELECT g.guid_key, a.id, a.url, a.url_key, g.title, g.published, g.text_key"
            " FROM feed_guids g JOIN articles a ON a.id = g.article_id WHERE g.feed = ?"
            f" AND a.status = '{ARTICLE_STANDING.done}' AND g.title = ?"
            " ORDER BY a.id DESC LIMIT ?",
            (feed, title, limit),
        ).fetchall()
        found: list[tuple[str, Candidate]] = []
        for guid, article_id, url, url_key, shown_title, shown_at, text in rows:
            aliases = self._conn.execute(
                "SELECT url_key FROM aliases WHERE article_id = ?", (int(article_id),)
            ).fetchall()
            shown = Shown(
                shown_title,
                stored_time_or_none(shown_at),
                text,
            )
            keys = frozenset({str(url_key), *(str(a[0]) for a in aliases)})
            found.append((str(guid), Candidate(int(article_id), str(url), keys, shown)))
        return found

    @_reads
    def posts_titled(
        self, feed: str, name_part: str, limit: int
    ) -> list[tuple[str, int, str, frozenset[str]]]:
        """The archived articles of ``feed`` whose post's file name was made from a
        title whose name part (publish.render.post_filename's) is ``name_part``, on any
        day, with or without a hash: a guid-less feed's articles by title (its items
        record no guid to find them by), the newest first, at most ``limit``: each its
        post's file name, its id, URL and URL keys (its own and its aliases)."""
        escaped = name_part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._conn.execute(
            "SELECT id, url, url_key, filename FROM articles WHERE feed = ?"
            f" AND status = '{ARTICLE_STANDING.done}' AND (filename LIKE ? ESCAPE '\\'"
            " OR filename LIKE ? ESCAPE '\\') ORDER BY id DESC LIMIT ?",
            (feed, f"%-{escaped}.md", f"%-{escaped}-%.md", limit),
        ).fetchall()
        found: list[tuple[str, int, str, frozenset[str]]] = []
        for article_id, url, url_key, filename in rows:
            aliases = self._conn.execute(
                "SELECT url_key FROM aliases WHERE article_id = ?", (int(article_id),)
            ).fetchall()
            keys = frozenset({str(url_key), *(str(a[0]) for a in aliases)})
            found.append((str(filename), int(article_id), str(url), keys))
        return found
