"""Walks from a starting point to article URLs: down a sitemap index (sitemaps.org), or
back through a feed's ``prev-archive`` links (RFC 5005).

Pure: no network, no disk, no clock. The walkers take the fetching as a function, so the
caller decides how (the HTTP module, with its address checks and size caps) and tests
need no server. One document is read by ``rssarchive.sources.sitemaps``; here are the
walk's own limits: how many documents, URLs and pages one walk may take, so that an
index generating children without end, or a server minting a new "previous" page on
every request, ends.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime

from rssarchive.core import decide
from rssarchive.core.dates import to_utc
from rssarchive.core.errors import RssArchiveError, reason_of
from rssarchive.core.urls import normalize_url
from rssarchive.sources.feeds import ParsedFeed
from rssarchive.sources.sitemaps import SitemapEntry, after_until, in_range, parse_sitemap

__all__ = [
    "MAX_ARCHIVE_PAGES",
    "MAX_SITEMAPS",
    "MAX_WALK_URLS",
    "walk_archives",
    "walk_sitemaps",
]

log = logging.getLogger(__name__)

# Sitemap documents one walk may fetch, the root included. Monthly child sitemaps for 80
# years, daily ones for almost three; with ``since`` the older children are skipped
# without being fetched, so real backfills stay far below. Guards against an index that
# generates children without end.
MAX_SITEMAPS = 1000
# Distinct article URLs one walk yields. Each one costs an entry in the dedupe set
# (about 150 bytes) and later a page fetch; a million is years of a large news site and
# still bounded memory, where 1000 full sitemaps could name 50 million.
MAX_WALK_URLS = 1_000_000
# Archive pages of an RFC 5005 feed one walk follows: monthly archives for 80 years,
# weekly ones for almost 20. Guards against a server that mints a new "previous" page on
# every request (a loop through distinct URLs that loop detection cannot see).
MAX_ARCHIVE_PAGES = 1000
ErrorCallback = Callable[[str, str], None]


def _log_error(url: str, reason: str) -> None:
    log.error("failed: %s: %s", url, reason)


def _log_warning(url: str, message: str) -> None:
    log.warning("warning: %s: %s", url, message)


def walk_sitemaps(
    root_url: str,
    fetch: Callable[[str], bytes],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    max_sitemaps: int = MAX_SITEMAPS,
    max_urls: int = MAX_WALK_URLS,
    on_error: ErrorCallback | None = None,
    on_warning: ErrorCallback | None = None,
) -> Iterator[SitemapEntry]:
    """Yield the article entries reachable from the sitemap (or index) at ``root_url``
    whose date is in ``[since, until]`` (see ``in_range``: undated ones included), each
    URL once (by ``normalize_url``; the first spelling is yielded), in document order,
    index children breadth first.

    ``fetch(url) -> bytes`` may raise any RssArchiveError. If the root cannot be fetched
    or parsed, that error propagates: nothing was found. A child that fails is reported
    and skipped, and the walk goes on.

    ``on_error(url, reason)`` hears of what leaves part of the range unread: a child
    sitemap that failed, or a cap that stopped the walk. ``on_warning(url, message)``
    hears of the rest: refused entries and other parse warnings, a child listed twice or
    an index that lists itself or an ancestor (read once; loops end there). Both default
    to logging.

    Child sitemaps whose lastmod is before ``since`` are not fetched: nothing in them
    changed since. Every fetch counts towards ``max_sitemaps``, the root's included.
    """
    if max_sitemaps < 1 or max_urls < 1:
        raise ValueError("max_sitemaps and max_urls must be at least 1")
    report_error = on_error or _log_error
    report_warning = on_warning or _log_warning
    since_utc = to_utc(since) if since is not None else None
    queue = deque([root_url])
    read = {normalize_url(root_url)}  # sitemaps queued or read: loop and duplicate guard
    yielded: set[str] = set()
    fetched = 0
    while queue:
        url = queue.popleft()
        if fetched >= max_sitemaps:
            report_error(
                url,
                f"not read: the limit of {max_sitemaps} sitemaps was reached "
                f"({len(queue) + 1} sitemaps left unread)",
            )
            return
        fetched += 1
        try:
            sitemap = parse_sitemap(fetch(url), url)
        except RssArchiveError as exc:
            if fetched == 1:
                raise
            report_error(url, reason_of(exc))
            continue
        for warning in sitemap.warnings:
            report_warning(url, warning)
        for child in sitemap.sitemaps:
            if since_utc is not None and child.lastmod is not None and child.lastmod < since_utc:
                log.debug("skipped %s: last modified %s, before --since", child.url, child.lastmod)
                continue
            key = normalize_url(child.url)
            if key in read:
                report_warning(child.url, "sitemap listed twice or in a loop; read once")
                continue
            read.add(key)
            queue.append(child.url)
        shared = decide.shared_lastmods([e.lastmod for e in sitemap.urls if e.published is None])
        left_out = 0
        for listed in sitemap.urls:
            if not in_range(listed, since, until):
                left_out += after_until(listed, until)
                continue
            built = listed.published is None and listed.lastmod in shared
            entry = replace(listed, shared=True) if built else listed
            key = normalize_url(entry.url)
            if key in yielded:
                continue
            if len(yielded) >= max_urls:
                report_error(url, f"stopped: the limit of {max_urls} URLs was reached")
                return
            yielded.add(key)
            yield entry
        if left_out:  # a modification date bounds a publication from above only
            urls = "1 URL" if left_out == 1 else f"{left_out} URLs"
            its, it, them = ("its", "it", "it") if left_out == 1 else ("their", "they", "them")
            report_warning(
                url,
                f"{urls} left out by {its} <lastmod> after --until: a last modification, "
                f"{it} may have been published in the range; a backfill without --until "
                f"takes {them}",
            )


def walk_archives(
    first_feed_url: str,
    fetch_feed: Callable[[str], ParsedFeed],
    *,
    max_pages: int = MAX_ARCHIVE_PAGES,
    on_error: ErrorCallback | None = None,
    on_warning: ErrorCallback | None = None,
) -> Iterator[tuple[str, ParsedFeed]]:
    """Yield ``(url, feed)`` for the feed at ``first_feed_url`` and then for each older
    archive page its ``prev-archive`` links lead to (RFC 5005, section 4), newest first.

    Stops when a page has no ``prev-archive``; at a URL already read (a loop: reported to
    ``on_warning``, since nothing is lost); after ``max_pages`` pages (reported to
    ``on_error``: older pages are left unread). ``fetch_feed(url)`` may raise any
    RssArchiveError: on the first page it propagates (nothing was found); on a later
    page it goes to ``on_error`` and ends the walk, the chain being broken there. A
    page's own parse warnings are on the yielded ``ParsedFeed``, not reported here.
    """
    if max_pages < 1:
        raise ValueError("max_pages must be at least 1")
    report_error = on_error or _log_error
    report_warning = on_warning or _log_warning
    seen: set[str] = set()
    url: str | None = first_feed_url
    while url is not None:
        key = normalize_url(url)
        if key in seen:
            report_warning(url, "archive loop: this page was already read; stopped here")
            return
        if len(seen) >= max_pages:
            report_error(url, f"not read: the limit of {max_pages} archive pages was reached")
            return
        seen.add(key)
        try:
            feed = fetch_feed(url)
        except RssArchiveError as exc:
            if len(seen) == 1:
                raise
            report_error(url, reason_of(exc))
            return
        yield url, feed
        url = feed.prev_archive
