"""Plain, frozen values that flow through the pipeline: no behaviour, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

ContentMode = Literal["auto", "page", "feed"]
# Where an entry came from: an item of a polled feed ("feed"); a URL handed to backfill,
# directly, in a file or in a sitemap ("url"); an item a backfill found in a feed (an
# RFC 5005 archive page, or a feed URL given to backfill: "archive").
Origin = Literal["feed", "url", "archive"]
ImagesMode = Literal["remote", "local"]


@dataclass(frozen=True)
class Selectors:
    """CSS selectors a feed's config may give for its pages."""

    body: str | None = None
    image: str | None = None


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    content: ContentMode = "auto"
    author: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    selectors: Selectors = field(default_factory=Selectors)
    # remote: posts link the original images (the existing archive's output);
    # local: images are downloaded into the site and the posts point at the copies.
    images: ImagesMode = "remote"
    # Items kept from one feed document, the newest by date (feedrepair.MAX_ITEMS); more is
    # a warning on every run that hits it.
    max_items: int = 2000
    # Ages after archiving at which the article's page is checked again (recheck.py);
    # empty: never. The config's default is recheck_schedule.AGES.
    recheck: tuple[timedelta, ...] = ()


@dataclass(frozen=True)
class NetworkConfig:
    timeout: float = 30.0
    user_agent: str = "rssarchive/0.1 (+https://github.com/rssarchive/rssarchive)"
    # False: public addresses only. True: anything. A tuple: these addresses/CIDRs too.
    allow_private_addresses: bool | tuple[str, ...] = False
    # Politeness per host, across feeds, pages and images: requests in flight to one
    # host, and seconds between the starts of two requests to it.
    per_host_concurrency: int = 1
    per_host_delay: float = 1.0


@dataclass(frozen=True)
class Config:
    site_dir: Path
    state_path: Path
    feeds: tuple[FeedConfig, ...]
    network: NetworkConfig = field(default_factory=NetworkConfig)
    # Per-run budget of re-checks: at most this many articles, started within this many
    # seconds (recheck_schedule.BUDGET_*).
    # Re-check ages of articles whose feed is no longer configured (adopted posts).
    recheck: tuple[timedelta, ...] = ()
    recheck_articles: int = 200
    recheck_seconds: float = 120.0


@dataclass(frozen=True)
class Response:
    """A completed HTTP exchange (200 or 304) after redirects."""

    url: str  # final URL, after redirects
    status: int
    headers: dict[str, str]  # lower-case names
    content: bytes
    # (status, location) of each redirect hop that led here, in order.
    redirects: tuple[tuple[int, str], ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def close_delimited(self) -> bool:
        """Whether only the connection's end ended the body (no Content-Length, no
        chunking): a cut there looks like the end (decide.cut_off)."""
        chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        return "content-length" not in self.headers and not chunked

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(frozen=True)
class Entry:
    """One item of a feed, normalised."""

    title: str
    link: str | None
    guid: str | None = None
    published: datetime | None = None  # timezone-aware UTC, or None when absent/unparseable
    author: str | None = None
    content: str | None = None  # HTML: content:encoded / atom content / description
    image: str | None = None  # media:content, media:thumbnail or image enclosure URL
    origin: Origin = "feed"
    # The date a listing gave the entry (a sitemap's news:publication_date, else its
    # lastmod): used when neither the item nor its page says when it was published.
    listed: datetime | None = None
    # Why the item has no date though it gives one (``its date 'yesterday' cannot be
    # read``): said in a warning when the entry is taken on. Not stored.
    date_problem: str | None = None
    # The link as the feed wrote it when relative (``story-1``), resolved against the
    # feed's address: a feed that moves resolves it elsewhere (decide.links_before_move).
    # Not stored.
    relative: str | None = None
    # Its feed marks its guid no permalink (isPermaLink="false"): never fetched as a page,
    # whatever it looks like (decide.permalinked, look16e F11). Not stored.
    guid_no_address: bool = False
    # The link it shares with other items of its document when its guid is taken for its
    # permalink instead (decide.permalinked): where it falls back when that answers 404
    # or 410 (decide.on_its_link). Stored: a retry of a later run may meet that answer.
    shared_link: str | None = None
    # Its last update as the feed gives one (atom:updated, dc:date), when read: an
    # archived item listed as updated since the last poll tells a feed sorted by update
    # (decide.next_page, look16h H15). Not stored.
    updated: datetime | None = None


@dataclass(frozen=True)
class PageSigns:
    """What a short page shows of itself besides an article (core/walls.page_signs),
    each quoted for the report, None when not shown; decide.not_the_article judges
    them (look16c F1)."""

    bot: str | None = None  # a bot wall's words or challenge (walls.bot_wall)
    login: str | None = None  # a login form, its title asking to log in (walls.login_wall)
    says: str | None = None  # its title: "not found", maintenance, consent (walls.page_says)
    prompt: str | None = None  # its last paragraph asks to subscribe to read on (a teaser)
    # Its text is its headline and a wall's wording only (walls.bare_wall, look16d F3).
    bare: str | None = None


@dataclass(frozen=True)
class Article:
    """What the extractor produced for one item: body HTML (unsanitised) and its source."""

    body_html: str
    source: Literal["rule", "selectors", "trafilatura", "feed"]
    lead_image: str | None = None
    title: str | None = None  # the page's own title, used when the item has none
    # When the page says it was published (pagedates.py), UTC; None when it does not.
    published: datetime | None = None
    # What said so: "json-ld", "meta", "time", "text" (the page's markup and byline),
    # "url" (the day its URL's path names) or "htmldate" (a guess of the day, from the
    # URL or the page's layout).
    dated_by: str | None = None
    # The page's first <h1>: re-checks compare it for a title that is it plus a
    # site's name (recheck_text.page_headline).
    heading: str | None = None
    # How its page's bytes were read when not as they declared (encodings'
    # LATIN_FALLBACK_SAID), said in a warning when its post is written.
    charset_said: str | None = None
    # What its page, when short, shows of itself besides an article (a wall, a soft
    # 404, a teaser): decide.not_the_article judges it (look16c F1).
    signs: PageSigns | None = None
    # The URL its page names as its canonical one (``<link rel="canonical">``, absolute;
    # None: none): evidence of which archived article the page is (decide.canonical_key).
    canonical: str | None = None
    # When the page says it was last changed (pagedates.page_modified): no publication
    # date, but a bound on it (decide.plausibly_new, look16c F5).
    modified: datetime | None = None


@dataclass(frozen=True)
class Post:
    """A rendered post: its file name inside ``_posts`` and its full text."""

    filename: str
    text: str
    url: str
    title: str = ""  # as given to the renderer, to name the file again on a collision
