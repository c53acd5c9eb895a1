"""The units of a run's work (one article to get, one feed polled) and the pure
helpers the run's stages share; the limits that size the work in flight."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from rssarchive.core import decide
from rssarchive.core.errors import RssArchiveError
from rssarchive.core.models import (
    Article,
    ContentMode,
    Entry,
    FeedConfig,
    Post,
    Response,
    Selectors,
)
from rssarchive.net.addresses import Allow
from rssarchive.run.backlog import Backlog
from rssarchive.run.report import FeedResult
from rssarchive.store.state import FeedState, GuidOwner

if TYPE_CHECKING:
    from rssarchive.net.http import HttpClient
    from rssarchive.sources.feeds import ParsedFeed

T = TypeVar("T")
R = TypeVar("R")


# Threads that wait on the network. The per-host limits in the HTTP module keep each
# site's load polite; this only bounds how many different hosts are waited on at once.
FETCH_THREADS = 32
# Units of work submitted at once: enough to keep every thread busy, few enough that
# memory does not grow with the size of a backfill.
MAX_IN_FLIGHT = 2 * FETCH_THREADS
# And jobs: 64 units of feed-text posts (16 each) staged up to 1,000 posts ahead of the
# main thread that places them, and a run stopped by Ctrl-C then spent more than a
# second removing their temporary files (issue 16). An eighth of that (8 units) keeps
# the worker processes as busy: the main thread placing posts sets the pace, and 2,000
# feed-text posts took as long either way (within the noise of a loaded machine).
MAX_JOBS_IN_FLIGHT = 2 * MAX_IN_FLIGHT
# Below this many articles, starting worker processes costs more than it saves; such
# articles are extracted in-process, still bounded by the extractor's size and element caps.
POOL_MIN_ARTICLES = 3
# Posts written between two commits of the state database: one directory sync and one
# commit per batch instead of per post. A crash loses nothing: the next run finds the
# batch's posts in _posts by their from: URL.
WRITE_BATCH = 50
# Posts made from the feed's own text in one call to a worker process. Such a post costs
# about half a millisecond of CPU, less than a round trip to a worker, so one call
# makes many of them.
FEED_POSTS_PER_CALL = 16


# What fetches for a run: the HTTP client, its one signature (net/http.py).
Fetcher: TypeAlias = "HttpClient"


class Extractor(Protocol):
    def extract(
        self, page: bytes, url: str, selectors: Selectors | None, content_type: str | None
    ) -> Article: ...

    def run(self, label: str, function: Callable[..., R], *args: Any, **kwargs: Any) -> R: ...

    def warm(self) -> None: ...


class InlineExtractor:
    """Extraction in this process (small runs, tests). ``allow_private_addresses``: the
    config's, for lead images' URLs."""

    def __init__(self, allow_private_addresses: Allow = False) -> None:
        self.allow_private_addresses = allow_private_addresses

    def warm(self) -> None:
        pass

    def run(self, label: str, function: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        return function(*args, **kwargs)

    def extract(
        self, page: bytes, url: str, selectors: Selectors | None, content_type: str | None
    ) -> Article:
        from rssarchive.extract.article import extract_article

        return extract_article(
            page,
            url,
            selectors=selectors,
            content_type=content_type,
            allow_private_addresses=self.allow_private_addresses,
        )


@dataclass
class _Job:
    """One article to get: begun in the state database, not yet written."""

    feed: FeedConfig
    entry: Entry
    mode: ContentMode
    result: FeedResult
    article_id: int
    # Images that stayed remote (URL, reason), and the page they were resolved against.
    image_failures: tuple[tuple[str, str], ...] = ()
    page_url: str = ""
    # The (status, location) of each redirect hop its page came by.
    redirects: tuple[tuple[int, str], ...] = ()
    # Whether the article comes from its page; None until the feed's text is looked at.
    needs_page: bool | None = None
    # Failed attempts before this one (a retry of an earlier run's failure when > 0).
    attempts: int = 0
    # The page's ETag and Last-Modified, for its re-checks' conditional GETs.
    validators: tuple[str | None, str | None] = (None, None)
    # The page's headline as extracted, which its re-checks compare (None: no page).
    headline: str | None = None
    # The page's first <h1> (Article.heading): with its headline, the title it shows.
    heading: str | None = None
    # Why its post was made from the feed's text though its page was wanted (said
    # in a warning when it is written).
    feed_text_because: str | None = None
    # Whether that is because its page gave less of the article (decide.keeps_feed_text).
    feed_text_fuller: bool = False
    # Or the feed whose item's whole text it was made from, its own feed's being none or
    # a summary (decide.whole_text_instead).
    feed_text_of: str | None = None
    # How its page's bytes were read when not as declared (said when it is written).
    charset_said: str | None = None
    # When its page says it was published (None: no page read, or none said), and how
    # its post is dated (None: not staged from a page): a post dated at archiving is
    # said when it is written (decide.archiving_date_note).
    page_date: datetime | None = None
    dated: decide.PostDate | None = None
    # The run's clock its page was dated by (a page date within a minute of it may be
    # the fetch's own time, decide.fetch_time_note).
    dated_at: datetime | None = None
    # Whether its post was made from its page (not from the feed's text).
    from_page: bool = False
    # The URL its page names as canonical (Article.canonical; None: none, or no page).
    canonical: str | None = None
    # The URL keys its feed document lists (a decide.Listing: what each item there
    # shows, for decide.landed_on_listed), shared by the document's jobs.
    listed: frozenset[str] = frozenset()
    # Its item's date is the time several items of its document share (decide.
    # build_stamps: the feed's build time; look16c F6b). Whether this run took it on
    # from a feed, and that feed's last successful poll before (None: none), and when
    # its page says it was last changed: whether the item is plausibly new
    # (decide.plausibly_new, look16c F5).
    stamped: bool = False
    taken_on_now: bool = False
    last_poll: datetime | None = None
    # Whether that poll left items out under max_items for a later run (decide.
    # left_a_backlog): this one's undated items may be them (look16e F13).
    backlog: bool = False
    page_modified: datetime | None = None

    def __post_init__(self) -> None:
        # A notice at its guid marked no permalink (decide.own_texts) is its feed text
        # whatever the content mode: the guid is no page, its link the listing's.
        e = self.entry
        if self.needs_page is None and decide.from_own_text(
            e.guid, e.link, no_address=e.guid_no_address
        ):
            self.needs_page = False


class _FeedGiven(Exception):
    """A URL given to backfill is a feed: its items are archived instead (not an error
    anyone sees: it carries the parsed feed from a fetch thread to the writing loop)."""

    def __init__(self, feed: ParsedFeed) -> None:
        super().__init__("a feed")
        self.feed = feed


@dataclass(frozen=True)
class _Staged:
    """A rendered post whose text is already on disk under a temporary name."""

    post: Post
    temp: Path


# What staging one job gave: its post on disk, why it failed, the feed it turned out to
# be, or None: its page is needed.
_Outcome = _Staged | RssArchiveError | _FeedGiven | None


# A backfill's pending articles: ids, with the feed, report line and content mode of each.
_Pending = Backlog[tuple[FeedConfig, FeedResult, ContentMode]]


@dataclass
class _Poll:
    """What polling one feed gave: a response (or an error) and its parsed entries."""

    feed: FeedConfig
    state: FeedState
    response: Response | None = None
    parsed: ParsedFeed | None = None
    error: RssArchiveError | None = None


def _post_parts(text: str | None) -> tuple[str, str, str] | None:
    """A post's text as (front matter and title, body, end); None when it has no body
    (core/postformat.py cuts it; postformat.join puts it back together)."""
    from rssarchive.core import postformat

    post = postformat.parse(text) if text is not None else None
    return None if post is None or post.body is None else (post.head, post.body, post.tail)


def _round_robin(items: list[T], host_of: Callable[[T], str]) -> list[T]:
    """Interleave items by host, so that waiting threads spread over all hosts instead of
    queueing on the politeness limit of the first one: the backfill's Backlog is the
    one interleave, of the items' places here."""
    places: Backlog[None] = Backlog()
    for place, item in enumerate(items):
        places.add(host_of(item), "", None, place)
    return [items[place] for _, place in places.take(len(items))]


def _substantial(content: str, link: str | None) -> bool:
    from rssarchive.extract.feedtext import is_substantial

    return is_substantial(content, link)


def _shared_guids(entries: Sequence[Entry], result: FeedResult) -> set[str]:
    """The guid keys shared by items of one feed document with different links
    (decide.shared_guids), each said in a warning."""
    shared = decide.shared_guids([(entry.guid, entry.link) for entry in entries])
    for guid in sorted(shared):
        result.warnings.append(
            f"{shared[guid]} items with different links share the guid {guid!r}; "
            "each is identified by its link"
        )
    return set(shared)


def _item_name(entry: Entry) -> str:
    """An item without a usable link, named by what it has: its title, its guid, else
    its link as written."""
    if entry.title.strip():
        return f"item {' '.join(entry.title.split())[:100]!r}"
    if entry.guid:
        return f"item with guid {entry.guid[:200]!r}"
    return f"item with link {entry.link[:200]!r}" if entry.link else "an item without title or link"


def _warn_collapsed(entries: Sequence[Entry], result: FeedResult) -> None:
    """Say when different items of one feed document have one link (decide.collapsed):
    one page, so one article is archived for them, and the others are not."""
    for link, count in decide.collapsed([(e.guid, e.link, e.title) for e in entries]):
        result.warnings.append(
            f"{count} different items (by guid or title) have one link, {link}; "
            "archived as one article"
        )


def _without_shared_guids(
    entries: Sequence[Entry], result: FeedResult, shared: set[str] | None = None
) -> list[Entry]:
    """The entries of one feed document, those whose guid is shared by items with
    different links (``shared``, else _shared_guids) stripped of it: such a guid
    identifies none of them, so each is identified by its link."""
    if shared is None:
        shared = _shared_guids(entries, result)
    if not shared:
        return list(entries)
    return [replace(e, guid=None) if decide.guid_key(e.guid) in shared else e for e in entries]


def _permalinked(
    entries: Sequence[Entry], no_pages: Callable[[set[str]], set[str]] | None = None
) -> list[Entry]:
    """The entries of one feed document, those that share a link but each give their own
    permalink as their guid given it as their link (decide.permalinked, look16c F7), the
    link they share kept (Entry.shared_link). A guid its feed marks isPermaLink="false"
    is no permalink (look16e F11), nor one that answered 404 or 410 before
    (``no_pages``: which of the guid keys given the state records so, asked only of
    the guids the rule would take)."""
    items = [(None if e.guid_no_address else e.guid, e.link) for e in entries]
    links = decide.permalinked(items)
    if links and no_pages is not None:
        asked = {key for guid in links.values() if (key := decide.guid_key(guid)) is not None}
        if marked := no_pages(asked):
            links = decide.permalinked(items, marked)
    # Distinct notices at one link, their guids marked no permalinks, each with its own
    # feed text: each at its guid, written from that text (look16g F5, F8).
    own = decide.own_texts(
        [
            (e.guid if e.guid_no_address and i not in links else None, e.link, e.content)
            for i, e in enumerate(entries)
        ]
    )
    return [
        replace(e, link=links[i], shared_link=e.link)
        if i in links
        else replace(e, link=own[i])
        if i in own
        else e
        for i, e in enumerate(entries)
    ]


@dataclass
class _NoPages:
    """The items of one feed whose guids, fetched as their permalinks, answered 404 or
    410 this run, and that fell back on the one link they share (decide.on_its_link):
    said once, when the run's pages are in (decide.no_page_warning)."""

    result: FeedResult
    link: str
    reason: str
    guids: list[str]
    fetched: bool = False


def _refetched(job: _Job) -> _Job:
    """A job begun again for its entry (its article's attempts anew), what its feed
    poll told of it kept, nothing of its failed page."""
    return _Job(
        job.feed,
        job.entry,
        job.mode,
        job.result,
        job.article_id,
        listed=job.listed,
        stamped=job.stamped,
        taken_on_now=job.taken_on_now,
        last_poll=job.last_poll,
        backlog=job.backlog,
    )


def _owner(owner: GuidOwner) -> decide.Owner:
    """An article recorded with a guid, as decide.by_guid compares it."""
    from rssarchive.core.identity import text_key, text_plain

    seen, entry = owner.seen, owner.entry
    return decide.Owner(
        id=owner.id,
        feed=owner.feed,
        keys=owner.keys,
        seen=None if seen is None else decide.Shown(seen.title, seen.published, seen.text_key),
        entry=(
            None
            if entry is None
            else decide.Shown(
                entry.title,
                entry.published,
                text_key(entry.content),
                plain=text_plain(entry.content),
            )
        ),
        has_post=owner.filename is not None,
    )
