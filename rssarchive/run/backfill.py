"""Backfill's sources: URLs given, sitemaps, and feeds' RFC 5005 archive pages."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from rssarchive.core import decide
from rssarchive.core.errors import ParseError, RssArchiveError, reason_of
from rssarchive.core.models import Entry, FeedConfig
from rssarchive.core.urls import host_key, normalize_url
from rssarchive.run.backlog import Backlog
from rssarchive.run.jobs import POOL_MIN_ARTICLES, _Pending
from rssarchive.run.printing import dating_lines
from rssarchive.run.recovery import _Recovery
from rssarchive.run.report import FeedResult, RunReport

if TYPE_CHECKING:
    from rssarchive.sources.feeds import ParsedFeed


class _Backfill(_Recovery):
    """Backfill's sources: URLs given, sitemaps, and feeds' RFC 5005 archive pages."""

    def _backfill(
        self,
        urls: Iterable[str],
        feed_name: str | None,
        sitemaps: Sequence[str],
        since: datetime | None,
        until: datetime | None,
        archives: bool,
    ) -> RunReport:
        report = RunReport()
        jobs = self._prepare(report)
        chosen = None if feed_name is None else self._feed_named(feed_name)
        results: dict[str, FeedResult] = {}
        # (url, the date the sitemap lists it with): the date serves when the page has none.
        from_sitemaps: list[tuple[str, datetime | None]] = []
        for root in sitemaps:
            from_sitemaps.extend(self._sitemap_urls(root, since, until, report))
        backlog: _Pending = Backlog()
        if archives:
            for feed in (chosen,) if chosen else self.config.feeds:
                self._record_archives(feed, report, backlog)
        # (url, its sitemap date, whether it was named by the user)
        listed_urls = ((url, None, True) for url in urls)
        sitemapped = ((url, listed, False) for url, listed in from_sitemaps)
        for raw, listed, named in itertools.chain(listed_urls, sitemapped):
            url = raw.strip()
            feed = chosen or self._feed_for(url)
            result = results.get(feed.name)
            if result is None:
                result = results[feed.name] = FeedResult(feed.name, "backfill")
                report.results.append(result)
            if decide.unusable_link(url):
                result.failed.append((url, "not an absolute http(s) URL"))
                continue
            entry = self._url_entry(url, listed)
            article_id = self._record(feed, entry, result, again=True)
            self._say_archived(url, result, named=named, recorded=article_id is not None)
            if article_id is not None:
                backlog.add(host_key(url), f"page {feed.name}", (feed, result, "page"), article_id)
                if decide.warm_workers_now(len(backlog), pool_min=POOL_MIN_ARTICLES):
                    self._workers().warm()
        from_sitemaps.clear()
        # The quiet retries of URLs handed again: their new jobs replace them.
        jobs = [job for job in jobs if job.article_id not in self._relinked]
        self._work(jobs, backlog)
        for result in report.results:  # a pending feed item's date, said once per feed
            result.warnings.extend(dating_lines(result))
        return report

    def _url_entry(self, url: str, listed: datetime | None) -> Entry:
        """The entry of a URL handed to backfill (decide.url_entry): for an article
        archived before or given up, what its feed last showed is read (State.seen_of;
        for a given-up one without a guid, its recorded entry)."""
        known = self._lookup_either(normalize_url(url))
        shown: tuple[str | None, datetime | None] | None = None
        if known is not None and decide.asks_feed_shown(known[1]):
            seen = self.state.seen_of(known[0])
            shown = None if seen is None else (seen.title, seen.published)
            # An item without a guid: the entry a given-up article's row keeps.
            if decide.asks_stored_shown(known[1], seen=seen is not None):
                stored = self.state.entry_of(known[0])
                shown = None if stored is None else (stored.title, stored.published)
        return decide.url_entry(url, listed, shown)

    def _say_archived(self, url: str, result: FeedResult, *, named: bool, recorded: bool) -> None:
        """Say that a URL handed to backfill is archived already, and as which post (an
        ``archived already:`` line on standard output, JSON ``archived_already``), as
        decide.says_archived says: the user asked for it, and nothing is written. Its
        post is looked for only when that matters."""
        if not decide.asks_post_there(named, recorded):
            return
        known = self._lookup_either(normalize_url(url))
        name = None if known is None else self.state.filename_of(known[0])
        there = name is not None and (self.archive.posts_dir / name).exists()
        there = there and name is not None and not self.archive.damaged(name)
        if name is not None and decide.says_archived(named, recorded, there):
            result.archived.append((url, name))

    def _sitemap_urls(
        self, root: str, since: datetime | None, until: datetime | None, report: RunReport
    ) -> list[tuple[str, datetime | None]]:
        """The article URLs reachable from a sitemap, each with the date it is listed
        with (news:publication_date, else lastmod); failures become report lines."""
        result = FeedResult("sitemap", root)
        report.results.append(result)

        def failed(url: str, reason: str) -> None:
            result.failed.append((url, reason))

        def warned(url: str, message: str) -> None:
            result.warnings.append(f"{url}: {message}")

        from rssarchive.core.caps import MAX_SITEMAP_BYTES
        from rssarchive.sources.walks import walk_sitemaps

        def fetch(url: str) -> bytes:
            return self.client.get(url, max_bytes=MAX_SITEMAP_BYTES).content

        entries = walk_sitemaps(
            root, fetch, since=since, until=until, on_error=failed, on_warning=warned
        )
        try:
            listed = []
            for entry in entries:
                if entry.published is None and entry.dating is not None:
                    # Its date is a lastmod: said if it dates the post (sitemap_date_note).
                    self._lastmod_listed.add(normalize_url(entry.url))
                listed.append((entry.url, entry.dating))
            return listed
        except RssArchiveError as exc:  # the root itself failed; other sources go on
            # An error that carries its URL (a fetch's) names it already; a parse error
            # does not.
            result.error = str(exc) if exc.url is not None else f"{root}: {exc}"
            return []

    def _record_archives(self, feed: FeedConfig, report: RunReport, backlog: _Pending) -> None:
        """Record the items of a feed and of its RFC 5005 archive pages as pending, into
        ``backlog``: their entries (content and all) wait in the state database."""
        result = FeedResult(feed.name, feed.url)
        report.results.append(result)

        from rssarchive.core.caps import MAX_FEED_BYTES
        from rssarchive.sources.walks import walk_archives

        def fetch_feed(url: str) -> ParsedFeed:
            # Parsed as the run's feeds are (review 18 H15): a large page in a worker with
            # its time limit, and the run's clock ordering the items kept under max_items.
            response = self.client.get(url, max_bytes=MAX_FEED_BYTES)
            try:
                return self._parse(response, feed.max_items, self.clock())
            except ParseError as exc:  # said as fetches are, with the page's URL
                raise ParseError(reason_of(exc), url=exc.url or response.url) from exc

        def failed(url: str, reason: str) -> None:
            result.failed.append((url, reason))

        pages = walk_archives(feed.url, fetch_feed, on_error=failed)
        try:
            for _, page in pages:
                report.polled += 1
                entries, listed = self._identified(page.entries, result)
                for entry in reversed(entries):
                    article_id = self._record(
                        feed, replace(entry, origin="archive"), result, listed=listed
                    )
                    if article_id is not None:
                        host, key = host_key(entry.link or ""), (feed, result, feed.content)
                        backlog.add(host, f"archive {feed.name}", key, article_id)
        except RssArchiveError as exc:  # the feed itself failed; other feeds go on
            result.error = str(exc)
