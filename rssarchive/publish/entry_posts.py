"""The post for an entry, pure: what worker processes run to make posts from a feed's
text. It imports no orchestration (pipeline.py), so a worker does not either."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from rssarchive.core.errors import ExtractError, RssArchiveError, unexpected
from rssarchive.core.models import Article, ContentMode, Entry, FeedConfig, Post
from rssarchive.net.addresses import Allow

log = logging.getLogger(__name__)


def render_entry(
    feed: FeedConfig,
    entry: Entry,
    article: Article | None,
    archived_at: datetime,
    *,
    taken: Callable[[str], bool] | None = None,
) -> Post:
    """The post for an entry (pure): the item's title, else the page's, else its URL."""
    from rssarchive.publish.render import clean_title, render_post, trim

    url = entry.link
    assert url is not None
    title = entry.title
    # A title of control characters and spaces only is no title: its post would say
    # title: "" and [](url).
    if not trim(clean_title(title)).strip():
        title = (article.title if article and article.title else None) or url
    return render_post(
        title=title,
        url=url,
        published=_published(entry, article, archived_at),
        archived_at=archived_at,
        author=(entry.author or "").strip() or feed.author,
        tags=feed.tags,
        categories=feed.categories,
        body_html="" if article is None else article.body_html,
        taken=taken,
    )


def _published(entry: Entry, article: Article | None, now: datetime) -> datetime | None:
    """When the article was published: the item's own date, else the page's, else the
    date a sitemap listed it with. A date after ``now`` or before 1990 is not believed,
    and the next source is asked (a backfilled archive item dated 2050 whose page says
    2005 is dated 2005); only a polled feed's item keeps its own date as it is (the
    seeds and every feed's posts stay as they were). None: the archiving time will do.

    For an item of a polled feed, only the page's markup counts, not htmldate's guess of
    the day: the item is new, and the time it is archived, within the hour of a cron
    run, says more than the midnight of its day (the seeds are dated so)."""
    from rssarchive.core.dates import EARLIEST, believable

    if entry.published is not None and (
        (entry.origin == "feed" and entry.published >= EARLIEST) or believable(entry.published, now)
    ):
        # A polled feed's item keeps a future date (post-format.md: the date falls
        # back to the archiving time, the epoch comment keeps the item's), but not one
        # before 1990: a zero epoch (1970-01-01) is a missing date written as a number.
        return entry.published
    page = article.published if article else None
    if article is not None and article.dated_by == "htmldate" and entry.origin == "feed":
        page = None
    for when in (page, entry.listed):
        if when is not None and believable(when, now):
            return when
    return None


def feed_posts(
    items: list[tuple[FeedConfig, Entry, ContentMode]],
    archived_at: datetime,
    allow_private_addresses: Allow = False,
) -> list[Post | ExtractError | None]:
    """Posts for entries whose feed may carry the article (runs in a worker process): for
    each, its post, why it has none, or None when the feed's text is only a summary
    (``content: auto``) and the page is needed."""
    from rssarchive.extract.feedtext import article_from_feed, whole_article_from_feed

    posts: list[Post | ExtractError | None] = []
    for feed, entry, mode in items:
        try:
            article = (
                whole_article_from_feed(entry, allow_private_addresses)
                if mode == "auto"
                else article_from_feed(entry, allow_private_addresses)
            )
            post = None if article is None else render_entry(feed, entry, article, archived_at)
        except ExtractError as exc:
            posts.append(exc)
            continue
        except RssArchiveError:
            raise
        except Exception as exc:  # one item's surprise fails that item, not the others
            log.debug("%s: unexpected error", entry.link, exc_info=True)
            posts.append(unexpected(exc, entry.link))
            continue
        posts.append(post)
    return posts
