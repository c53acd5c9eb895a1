"""A guid-less item whose link differs from an archived article's of its feed only in
its query (a per-fetch cache-buster, ``?_=1733000001``; look 16c F3b): that article,
not archived again (decide.same_but_query); and a feed document's links read without
the per-fetch parameter they all share (decide.per_fetch_parameters; look16d F2); and an
item whose link is known only on the other host name of its site (``www.``), that
article (decide.host_twin; look16i I6)."""

from __future__ import annotations

import logging
from collections.abc import Container, Sequence
from dataclasses import replace
from datetime import datetime

from rssarchive.core import decide
from rssarchive.core.models import Entry, FeedConfig
from rssarchive.run.relisted import _Relisted
from rssarchive.run.report import FeedResult

log = logging.getLogger(__name__)


def without_per_fetch(entries: Sequence[Entry], now: datetime) -> list[Entry]:
    """One feed document's entries, their links without the per-fetch parameters they
    all share (a cache-buster's time stamp): fetched and recorded without them, so that
    every fetch of the document finds the same articles."""
    names = decide.per_fetch_parameters([entry.link for entry in entries], now)
    if not names:
        return list(entries)
    return [replace(e, link=decide.without_per_fetch(e.link, names)) for e in entries]


class _InAny:
    """The keys in any of some sets, read in place."""

    def __init__(self, *sets: Container[str]) -> None:
        self.sets = sets

    def __contains__(self, key: object) -> bool:
        return any(key in keys for keys in self.sets)


class _SamePage(_Relisted):
    """Guid-less items at an archived article's path (see the module)."""

    def _known_as(
        self, entry: Entry, url_key: str, result: FeedResult
    ) -> tuple[str, bool, tuple[int, str, bool] | None]:
        """The key an item's link is known by (its own, or its decide.host_twin's when
        only that one is taken on this run or recorded: one page of one site, look16i
        I6), whether this run took it on already, and the state's lookup_link of it.
        Taken as its twin, the item is said so once (a backfill's, a feed's, any)."""
        if url_key in self._recorded:
            return url_key, True, None
        found = self.state.lookup_link(url_key)
        twin = None if found is not None else decide.host_twin(url_key)
        if twin is None:
            return url_key, False, found
        listed_twice = twin in self._recorded
        there = None if listed_twice else self.state.lookup_link(twin)
        if not listed_twice and there is None:
            return url_key, False, None
        mark = decide.host_twin_mark(url_key)
        says, records = decide.host_twin_told(
            self.state.meta_value(mark) is not None, dry_run=self.dry_run
        )
        if says:
            known = there or self.state.lookup(twin)  # taken on this run: its row, if any
            url = twin if known is None else self._url_of(known[0], twin)
            result.warnings.append(
                f"{entry.link} is the same link on the other host name of its site as {url}:"
                " one article, not archived again"
            )
        if records:
            self.state.set_meta({mark: "1"})
        return twin, listed_twice, there

    def _url_of(self, article_id: int, url_key: str) -> str:
        """The link an article is recorded at (``url_key`` when none is)."""
        row = self.state.url_and_guid(article_id)
        return url_key if row is None else row[0]

    def _lookup_either(self, url_key: str) -> tuple[int, str] | None:
        """The article at ``url_key``, else at its decide.host_twin (a backfill's URL
        without ``www.`` for an article its feed lists with it, look16i I6)."""
        found = self.state.lookup(url_key)
        twin = decide.host_twin(url_key) if found is None else None
        return found if twin is None else self.state.lookup(twin)

    def _same_path(
        self,
        feed: FeedConfig,
        entry: Entry,
        url_key: str,
        result: FeedResult,
        listed: frozenset[str],
    ) -> bool:
        """Whether a new guid-less item is an article of its feed at its link's path
        (another query or none): then it is not recorded, and its link is not made an
        alias (a cache-buster's links would add one on every run; the item is found
        again by this rule, a read of the unique index). Said once for each article,
        as a move by guid is; later in the log."""
        path = decide.path_of(url_key)
        # The run's own articles and the document's other items are not compared, nor
        # counted in the window: other items' (look16d F2, F7).
        skip = _InAny(self._recorded, listed, {url_key})  # not copied: a backfill's are many
        near, now = decide.compared_first(url_key), self.clock()
        rows = self.state.at_path(feed.name, path, decide.SAME_PATH_COMPARED, skip, near)
        others = [
            decide.AtPath(
                article_id,
                self._shown_at_path(article_id, status),
                taken=self._same_path_taken.get(article_id, url_key) != url_key
                or decide.without_stamps(key, now) in listed - {url_key},
            )
            for article_id, status, key in rows
            if status != decide.ARTICLE_STANDING.failed  # given up: tried at this link
        ]
        item = decide.Shown(entry.title, entry.published)
        same = decide.same_but_query(item, others) if others else None
        if same is None:
            return False
        found = same.id
        self._same_path_taken[found] = url_key
        status = {row[0]: row[1] for row in rows}[found]
        row = self.state.url_and_guid(found)
        said = decide.same_path_said(
            entry.link or "", "" if row is None else row[0], dated=same.dated
        )
        mark = f"same path {found}"
        archived = status == decide.ARTICLE_STANDING.done
        said_before = (
            decide.asks_said_before(archived, True) and self.state.meta_value(mark) is not None
        )
        told = decide.move_said(archived, True, said_before)
        if told == "logged":
            log.info("%s", said)
        else:
            result.warnings.append(said)
            if told == "said once" and decide.records(dry_run=self.dry_run):
                self.state.set_meta({mark: "1"})
        result.skipped += status == decide.ARTICLE_STANDING.done
        return True

    def _shown_at_path(self, article_id: int, status: str) -> decide.Shown | None:
        """The title and date an article is compared by: its post's when archived (and
        whether it says its date), its entry's while not."""
        if status != decide.ARTICLE_STANDING.done:
            entry = self.state.entry_of(article_id)
            return None if entry is None else decide.Shown(entry.title, entry.published)
        return self._post_shown(self.state.filename_of(article_id))

    def _before_move(
        self,
        feed: FeedConfig,
        entry: Entry,
        url_key: str,
        before: Sequence[str],
        result: FeedResult,
    ) -> tuple[bool, int | None]:
        """Whether a new item of a moved feed is an article of this feed, archived or pending
        at a link its relative link named before the move (``before``:
        decide.links_before_move): its new link becomes an alias of it (found by link
        from now on), said once; a pending one is relinked (its old link may be the one
        that fails now), and then the article's id to work on now (the pending one's, in
        a run that records), else None."""
        found = []
        for url in before:
            key = decide.link_key(url)
            known = None if key is None else self.state.lookup(key)
            if known is not None:
                shown = self._shown_at_path(*known)
                found.append((*known, self.state.feed_of(known[0]), shown))
        item = decide.Shown(entry.title, entry.published)
        article = decide.archived_before_move(found, feed.name, item)
        if article is None:
            return False, None
        article_id, status = article
        records = decide.records(dry_run=self.dry_run)
        if status == decide.ARTICLE_STANDING.pending:
            if records:
                self.state.relink(article_id, url_key, entry, self.clock())
                self._relinked.add(article_id)
                self._recorded.add(url_key)
            return True, article_id if records else None
        row = self.state.url_and_guid(article_id)
        result.warnings.append(
            f"{entry.link} is the archived {'' if row is None else row[0]} (its relative link"
            f" {entry.relative!r} named it before its feed moved); not archived again"
        )
        result.skipped += 1
        if records:
            self.state.alias(url_key, article_id)
        return True, None
