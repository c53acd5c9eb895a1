"""The post for an entry, pure: what worker processes run to make posts from a feed's
text. It imports no orchestration (pipeline.py), so a worker does not either."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime

from rssarchive.core import decide
from rssarchive.core.errors import RssArchiveError, unexpected
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
    stamped: bool = False,
) -> Post:
    """The post for an entry (pure): the item's title, else the page's, else its URL.
    ``stamped``: its item's date is its feed's build time (decide.post_date)."""
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
        published=dated(entry, article, archived_at, stamped=stamped).published,
        archived_at=archived_at,
        author=(entry.author or "").strip() or feed.author,
        tags=feed.tags,
        categories=feed.categories,
        body_html="" if article is None else article.body_html,
        taken=taken,
    )


def dated(
    entry: Entry, article: Article | None, now: datetime, *, stamped: bool = False
) -> decide.PostDate:
    """How the post of ``entry`` (its page's ``article``) is dated (decide.post_date):
    the item's own date, else the page's, else the date a sitemap listed it with; its
    ``published`` None: the archiving time dates it. An item ``stamped`` with its feed's
    build time whose page was not fetched (no article, or the feed's text) may be dated
    by the day its URL names (look16e F12); one whose page gives the time it was fetched
    as its publication, by its URL's day (decide.fetch_time_dated, look16f s43)."""
    no_page = article is None or article.source == "feed"
    day = url_day(entry.link)
    post = decide.post_date(
        entry.published,
        entry.origin,
        page=article.published if article else None,
        page_dated_by=article.dated_by if article else None,
        listed=entry.listed,
        now=now,
        stamped=stamped,
        url_day=day if stamped and no_page else None,
    )
    return decide.fetch_time_dated(post, day, now)


def url_day(link: str | None) -> datetime | None:
    """The day ``link``'s path names (pagedates.url_dates, as a page's URL is read), its
    midnight in UTC; None: none."""
    from rssarchive.core.dates import parse_date
    from rssarchive.sources.pagedates import url_dates

    return next((when for text in url_dates(link) if (when := parse_date(text))), None)


def feed_posts(
    items: list[tuple[FeedConfig, Entry, ContentMode]],
    archived_at: datetime,
    allow_private_addresses: Allow = False,
    stamped: Collection[int] = (),
) -> list[Post | RssArchiveError | None]:
    """Posts for entries whose feed may carry the article (runs in a worker process): for
    each, its post, why it has none, or None when the feed's text is only a summary
    (``content: auto``) and the page is needed. ``stamped``: the indexes of the items
    whose date is their feed's build time (render_entry's ``stamped``)."""
    posts: list[Post | RssArchiveError | None] = []
    for index, (feed, entry, mode) in enumerate(items):
        try:
            article = _feed_article(entry, mode, allow_private_addresses)
            post = (
                None
                if article is None
                else render_entry(feed, entry, article, archived_at, stamped=index in stamped)
            )
        except Exception as exc:  # one item's failure fails that item, not the others
            whose = decide.failure_of(exc)
            if whose == "run":
                raise  # the run's own fault (a full disk, the state)
            if whose == "surprise":
                log.debug("%s: unexpected error", entry.link, exc_info=True)
            posts.append(exc if isinstance(exc, RssArchiveError) else unexpected(exc, entry.link))
            continue
        posts.append(post)
    return posts


def _feed_article(entry: Entry, mode: ContentMode, allow: Allow) -> Article | None:
    """The article from the feed's text; None when the page is needed (decide.needs_page:
    with ``content: auto``, the text is only a summary). One parse of the text serves
    both the question and the article."""
    from rssarchive.extract.feedtext import article_from_feed, whole_article_from_feed

    # Parsed only when the answer depends on it (content: auto, with text).
    asks = decide.asks_substantial(mode, entry.content)
    whole = whole_article_from_feed(entry, allow) if asks else None
    if decide.needs_page(mode, entry.content, substantial=whole is not None):
        return None
    return whole if whole is not None else article_from_feed(entry, allow)
