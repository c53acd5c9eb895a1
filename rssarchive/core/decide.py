"""Every decision of a run, pure: no network, no disk, no clock (the time is an argument).

The orchestration (pipeline.py and the modules it runs) asks these functions and carries
their answers out; each takes plain values and returns a decision value, so that each
can be read, and tested as a table of cases (tests/test_decide.py), on its own. Modelled
on the ``Decider`` of lemon24/reader. A few take a costly input as a function (a read of
the state, is_substantial), called only when the decision needs it: a run on its
hot path reads no more than it did before.

The retry policies are here too, one per kind of retry, each defined once: whoever
retries something asks its policy, and status says the same limits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeVar

from rssarchive.core import retries
from rssarchive.core.dates import EARLIEST, believable
from rssarchive.core.errors import (
    BlockedAddressError,
    ExtractError,
    FetchError,
    ParseError,
    RssArchiveError,
    TooLargeError,
    UnexpectedError,
    reason_of,
)
from rssarchive.core.models import ContentMode, Entry, ImagesMode, Origin
from rssarchive.core.urls import host_key

T = TypeVar("T")


# -- retry policies -------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often something is tried before it is given up, and the waits between tries.

    ``attempts``: tries in all. Waits (when ``initial`` is set) double from ``initial``
    up to ``longest``; ``jitter``: the random part a caller adds to each wait."""

    attempts: int
    initial: timedelta = timedelta(0)
    longest: timedelta = timedelta(0)
    jitter: timedelta = timedelta(0)

    def gives_up(self, attempts: int) -> bool:
        """Whether ``attempts`` tries, all failed, are the last."""
        return attempts >= self.attempts

    def wait(self, failures: int) -> timedelta | None:
        """The wait (jitter aside) after ``failures`` failed tries; None: none (the next
        occasion, the next run, is soon enough)."""
        if not self.initial or failures < 1:
            return None
        return _doubled(self.initial, failures - 1, self.longest)


@dataclass(frozen=True)
class Backoff:
    """Waits for something that is never given up: none until ``after`` failures in a
    row, then doubling from ``initial`` up to ``longest``."""

    after: int
    initial: timedelta
    longest: timedelta

    def wait(self, failures: int) -> timedelta | None:
        """The wait after ``failures`` failures in a row; None: try on the next run."""
        if failures < self.after:
            return None
        return _doubled(self.initial, failures - self.after, self.longest)


@dataclass(frozen=True)
class ArticleRetries:
    """An article's attempts, spaced in time: after the n-th failed one the next waits
    ``waits[n-1]`` (the last repeats), or until the server's Retry-After when that is
    later; it is given up after ``attempts`` in all once ``span`` has passed since it
    was recorded, so that no schedule of runs spends them faster (retries.py)."""

    attempts: int
    waits: tuple[timedelta, ...]
    span: timedelta

    def gives_up(self, attempts: int, recorded: datetime, now: datetime) -> bool:
        """Whether ``attempts`` tries, all failed, the last at ``now``, of an article
        recorded at ``recorded``, are the last."""
        return attempts >= self.attempts and recorded <= now - self.span

    def next_attempt(self, failures: int, now: datetime, retry_after: datetime | None) -> datetime:
        """The time before which no run tries an article again after its ``failures``-th
        failed attempt (counting from 1) at ``now``."""
        wait = self.waits[min(max(failures, 1), len(self.waits)) - 1]
        return max(now + wait, retry_after) if retry_after is not None else now + wait


def retry_due(not_before: datetime | None, last_failure: datetime | None, now: datetime) -> bool:
    """Whether a pending article is tried by a run at ``now``: its back-off (or the
    server's Retry-After) has passed, or the clock went back: ``now`` is before its last
    failure, so ``not_before`` was set by a clock ahead of this one and waiting for it
    would delay the retry by the jump, silently (issue 16: a clock set back a day would
    hold every retry a day). Such a retry is due now; its next failure is spaced anew
    from the new clock."""
    if not_before is None or now >= not_before:
        return True
    return last_failure is not None and now < last_failure


def _doubled(initial: timedelta, times: int, longest: timedelta) -> timedelta:
    """``initial`` doubled ``times`` times, at most ``longest``. The doubling stops at 2**30:
    a feed failing for weeks would otherwise overflow timedelta (2**38 hours)."""
    return min(initial * (1 << min(times, 30)), longest)


# An item of a polled feed whose article failed is retried by later runs, as its page may
# not be online yet (15 min, 1 h, 6 h, then every day after a failure; 5 attempts and a
# day); then it stays listed as failed (never silently dropped) and a backfill of its
# URL tries it again. The values are retries.py's.
ARTICLE_RETRIES = ArticleRetries(retries.ATTEMPTS, retries.BACKOFF, retries.GIVE_UP_SPAN)
# A post whose images failed is retried on this many later runs, then left linking the
# original images (they are kept in data-original-src either way).
IMAGE_RETRIES = RetryPolicy(attempts=5)
# A feed that failed this many times in a row stops being polled on every run and backs
# off (1 h, 2 h, 4 h ... up to a day): polite to a dead site, and it is never dropped.
FEED_BACKOFF = Backoff(after=3, initial=timedelta(hours=1), longest=timedelta(days=1))
# One HTTP request: tried this many times on a transient failure (a 5xx, a timeout, a
# reset), waiting about 1 s, 2 s, 4 s ... (at most 10 s) plus up to 1 s at random.
FETCH_RETRIES = RetryPolicy(
    attempts=3,
    initial=timedelta(seconds=1),
    longest=timedelta(seconds=10),
    jitter=timedelta(seconds=1),
)

# A permanent redirect must be seen on this many polls in a row before the feed's address
# changes: one misconfigured response should not move a feed.
MOVE_AFTER = 2


# -- feeds ----------------------------------------------------------------------------


def not_due(
    url: str,
    *,
    gone: bool,
    next_allowed: datetime | None,
    failures: int,
    last_error: str | None,
    now: datetime,
    last_failure: datetime | None = None,
) -> str | None:
    """Why a feed is not polled now (its report's error line); None: poll it. A back-off
    whose failure is later than ``now`` was set by a clock ahead of this one (the clock
    went back): the feed is polled, as an article's retry is (retry_due)."""
    if gone:
        return f"{url}: feed is gone (HTTP 410); remove it from the config or give it a new url"
    if next_allowed is not None and not retry_due(next_allowed, last_failure, now):
        return (
            f"{url}: not polled until {next_allowed.isoformat()} after "
            f"{failures} failures; last error: {last_error}"
        )
    return None


@dataclass(frozen=True)
class FeedFailed:
    """What a failed poll makes of the feed's health."""

    failures: int
    next_allowed: datetime | None  # not polled before then
    gone: bool  # HTTP 410: not polled again until the config changes


def feed_failed(
    failures: int, *, status: int | None, retry_after: float | None, now: datetime
) -> FeedFailed:
    """A feed that failed ``failures`` times before fails once more, with an HTTP
    ``status`` (None: not an HTTP answer) and the server's Retry-After in seconds. A
    server that names its time is believed; otherwise FEED_BACKOFF says the wait."""
    failures += 1
    wait = timedelta(seconds=retry_after) if retry_after else FEED_BACKOFF.wait(failures)
    return FeedFailed(failures, None if wait is None else now + wait, status == 410)


@dataclass(frozen=True)
class FeedSucceeded:
    """What a successful poll makes of the feed's health."""

    failures: int  # in a row: none now
    next_allowed: datetime | None  # no back-off any more
    last_success: datetime


def feed_succeeded(now: datetime) -> FeedSucceeded:
    """A feed polled successfully at ``now`` (its document, or a 304): its failures in a
    row and its back-off end."""
    return FeedSucceeded(0, None, now)


def run_failed(failures: int, *, gone: bool) -> int | None:
    """A run stopped before its feeds could succeed or fail on their own (a write error,
    a lock that cannot be made): the failures in a row counted for a feed that failed
    ``failures`` times before, so that status says FAILING; None: the feed is left as
    it is (a gone one). No back-off: the fault is ours, not the site's."""
    return None if gone else failures + 1


HealthKind = Literal["ok", "warning", "failing", "articles failing", "gone"]


@dataclass(frozen=True)
class Health:
    """A feed's health as status says it, in text and JSON alike: ``count`` is the
    failures in a row ("failing") or the articles failing ("articles failing")."""

    kind: HealthKind
    count: int = 0

    @property
    def ok(self) -> bool:
        """Whether nothing fails (a warning aside)."""
        return self.kind in ("ok", "warning")


def feed_health(failures: int, *, gone: bool, failing_articles: int, warning: bool) -> Health:
    """A feed's health from its state: gone (HTTP 410); failing, its last poll or run
    failed (``failures`` in a row); its articles failing, ``failing_articles`` waiting
    for their next attempt (each run exits 1); ok with a warning kept from its last
    document; else ok."""
    if gone:
        return Health("gone")
    if failures:
        return Health("failing", failures)
    if failing_articles:
        return Health("articles failing", failing_articles)
    return Health("warning" if warning else "ok")


@dataclass(frozen=True)
class Moves:
    """A feed's permanent redirects, counted: where it moved (None: nowhere new) and the
    redirect seen but not trusted yet."""

    moved_to: str | None
    redirect_to: str | None
    redirect_count: int


def follow_moves(
    redirects: Sequence[tuple[int, str]], redirect_to: str | None, redirect_count: int
) -> Moves:
    """Count the permanent redirects of a poll (``redirects``: its (status, location)
    hops) after ``redirect_count`` polls that went to ``redirect_to``; after MOVE_AFTER
    polls in a row to one place, the feed moves there. Any other answer resets the
    count."""
    if not redirects or not all(status in (301, 308) for status, _ in redirects):
        return Moves(None, None, 0)
    target = redirects[-1][1]
    count = redirect_count + 1 if redirect_to == target else 1
    if count >= MOVE_AFTER:
        return Moves(target, None, 0)
    return Moves(None, target, count)


def poll_url(url: str, moved_to: str | None) -> str:
    """The address a feed is polled at: where it moved, else the config's."""
    return moved_to or url


# -- entries: new or known ---------------------------------------------------------------

Known = Literal["new", "by guid", "again", "asked now", "resumed", "skipped"]


def known_link(
    status: str | None,
    *,
    listed_twice: bool,
    again: bool,
    adoptable: bool,
    has_guid: bool,
    post_gone: Callable[[], bool],
) -> Known:
    """What an entry is, by its link: ``status`` is its article's (None: the link is
    unknown), ``listed_twice``: this run took the link on already, ``again``: an article
    that failed for good is tried once more (a URL handed to backfill again),
    ``adoptable``: its post is in _posts, which the state does not know yet (a dry run's
    view of a killed run's work), ``post_gone``: its post was deleted from _posts by hand
    (a read of the disk, asked only when it matters).

    "new": recorded as a new article; "by guid": unknown by its link, its guid says
    (identity.py); "again": its article, failed for good or archived with its post
    deleted by hand, is handed to backfill again and tried once more; "asked now": its
    article waits for a retry and is handed to backfill, which tries it now, whatever
    its back-off; "resumed": its article is pending, this run (or a later one, after
    its back-off) goes on with it, neither new nor skipped; "skipped": archived already
    (or listed twice)."""
    if listed_twice:
        return "skipped"
    if status is None:
        return "by guid" if has_guid else "new"
    if status == "pending" and not adoptable:
        return "asked now" if again else "resumed"
    if again and (status == "failed" or post_gone()):
        return "again"
    return "skipped"


GuidOwned = Literal["new", "relinked", "resumed", "skipped"]


def guid_owner(owner_status: str | None, *, dry_run: bool) -> GuidOwned:
    """What an entry unknown by its link is, once its guid named the article it is
    (``owner_status``; None: none, it is a new article). One not archived yet, now listed
    at another link, is fetched at that link from now on ("relinked"; a dry run changes
    nothing, so it stays "resumed"); one archived is "skipped"."""
    if owner_status is None:
        return "new"
    if owner_status != "done" and not dry_run:
        return "relinked"
    return "resumed" if owner_status == "pending" else "skipped"


def retakes(
    origin: Origin, status: str, stored_origin: Callable[[], Origin | None], *, dry_run: bool
) -> bool:
    """Whether a feed's item takes on again an article known by its link (``status``)
    that a backfill (or a sitemap, an archive page) took on and did not archive:
    ``stored_origin`` says whose entry the article has (None: none stored; asked only
    when it matters, it is a read of the state). The feed listing it is new evidence:
    one waiting for a retry is written from the item's entry, one given up is tried
    again. A dry run changes nothing."""
    if origin != "feed" or status == "done" or dry_run:
        return False
    stored = stored_origin()
    return stored is not None and stored != "feed"


def says_taken(
    guid_key: str | None, archived_guid_key: str | None, said: Callable[[], bool]
) -> bool:
    """Whether an item skipped for the archived article at its link is said to be taken
    for it (two items, one post): when its guid is another than the archived one's, and
    that was not said before (``said``: whether the state marks it said; asked only when
    it matters, on every run's known items)."""
    if guid_key is None or archived_guid_key is None or archived_guid_key == guid_key:
        return False
    return not said()


# -- feeds: which items of a document are kept ------------------------------------------


def newest_first(entries: Sequence[Entry], now: datetime | None = None) -> list[Entry]:
    """Dated entries newest first (ties in feed order); an undated entry keeps its place
    in the feed's order. One dated after ``now`` (the run's clock) comes after every
    other dated one, as the oldest: its date is not believed, and by it a bogus 2100
    would be the newest and take a real new item's place under max_items."""

    def believed(e: Entry) -> bool:
        return now is None or e.published is None or e.published <= now

    dated = iter(
        sorted(
            (e for e in entries if e.published is not None),
            key=lambda e: (believed(e), e.published or datetime.min),
            reverse=True,
        )
    )
    return [next(dated) if e.published is not None else e for e in entries]


def keep_newest(entries: Sequence[Entry], max_items: int, now: datetime | None) -> list[Entry]:
    """The ``max_items`` newest entries (see newest_first), in the feed's order."""
    kept = {id(e) for e in newest_first(entries, now)[:max_items]}
    return [e for e in entries if id(e) in kept]


# -- articles: where their text comes from ---------------------------------------------


DatedBy = Literal["item", "page", "sitemap", "archiving time"]


@dataclass(frozen=True)
class PostDate:
    """How a post is dated: ``published``, the time its ``<!--…-->`` comment keeps (None:
    none believed), and ``by``, what dates the post (render.post_date): the item's own
    date, its page's, the date a sitemap listed it with, or the archiving time."""

    published: datetime | None
    by: DatedBy


def post_date(
    published: datetime | None,
    origin: Origin,
    *,
    page: datetime | None,
    page_dated_by: str | None,
    listed: datetime | None,
    now: datetime,
) -> PostDate:
    """How the post of an item dated ``published`` is dated, archived at ``now``: the
    item's own date, else its page's (``page``, found by ``page_dated_by``), else the
    date a sitemap ``listed`` it with. A date after ``now`` or before 1990 is not
    believed, and the next source is asked (a backfilled archive item dated 2050 whose
    page says 2005 is dated 2005); else the archiving time dates it.

    A polled feed's item keeps its own date as it is, but not one before 1990 (a zero
    epoch, 1970-01-01, is a missing date written as a number): a future one is kept in
    the post's comment while the archiving time dates the post (post-format.md; the
    seeds and every feed's posts stay as they were). For a polled feed's item only the
    page's markup counts, not htmldate's guess of the day: the item is new, and the time
    it is archived, within the hour of a cron run, says more than the midnight of its
    day (the seeds are dated so)."""
    if published is not None:
        if origin == "feed" and published >= EARLIEST:
            return PostDate(published, "item" if believable(published, now) else "archiving time")
        if believable(published, now):
            return PostDate(published, "item")
    if page_dated_by == "htmldate" and origin == "feed":
        page = None
    if page is not None and believable(page, now):
        return PostDate(page, "page")
    if listed is not None and believable(listed, now):
        return PostDate(listed, "sitemap")
    return PostDate(None, "archiving time")


def date_warning(
    published: datetime | None,
    problem: str | None,
    *,
    origin: Origin,
    content: ContentMode,
    now: datetime,
) -> str | None:
    """What a run says of an item's date when it takes the item on (once: the item is
    not taken on again), after its link; None: nothing. ``problem``: why the item has no
    date though it gives one, or the note said of the date read (feeds._published).

    Said from post_date's answer for the item alone (its page and sitemap are not known
    yet): a date it does not believe, after the run's clock, is said, with what dates
    the post instead: the archiving time, the item's date kept in the post's
    ``<!--…-->`` comment (a polled feed's item), or its page, else the archiving time
    (with a page: ``content`` other than ``feed``)."""
    dated = post_date(published, origin, page=None, page_dated_by=None, listed=None, now=now)
    fallback = "at archiving time" if content == "feed" else "by its page, else at archiving time"
    if published is None:
        return None if problem is None else f"{problem}; dated {fallback}"
    if dated.by == "item" or published <= now:  # believed (feeds refuse dates before 1990)
        return problem
    if dated.published is not None:  # both aware (a feed's dates leave dates.py in UTC)
        fallback = "at archiving time (its <!--…--> comment keeps the item's date)"
    shown = f"{published.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
    return f"its date {shown} is after the run's clock, not believed; dated {fallback}"


def content_mode(origin: Origin, feed_mode: ContentMode) -> ContentMode:
    """Where an entry's article comes from: a URL handed to backfill has only its page,
    whatever its feed's content mode."""
    return "page" if origin == "url" else feed_mode


def from_feed_text(
    mode: ContentMode, images: ImagesMode, content: str | None, needs_page: bool | None
) -> bool:
    """Whether a post is tried from the feed's text first, many to a worker call
    (``needs_page``: what is known of that already, None: nothing). A feed whose images
    are archived has its posts made one at a time, where images are fetched."""
    if needs_page is not None or images == "local":
        return False
    return mode == "feed" or (mode == "auto" and bool((content or "").strip()))


def needs_page(mode: ContentMode, content: str | None, substantial: Callable[[str], bool]) -> bool:
    """Whether the article is its page: not with ``content: feed``; with ``auto``, unless
    the feed's text looks like the whole article (``substantial``, extract.is_substantial)."""
    if mode == "feed":
        return False
    text = content or ""
    return not (mode == "auto" and text.strip() and substantial(text))


Failure = Literal["gone", "not extracted", "other"]


def page_failure(exc: RssArchiveError) -> Failure:
    """How getting a page failed, as far as falling back on the feed's text goes: the page
    is gone (HTTP 404, 410), it is no article (extraction failed, or the page is over
    its size cap: its download stops there, where the extractor refused it before), or
    something else."""
    if isinstance(exc, FetchError) and exc.status in (404, 410):
        return "gone"
    if isinstance(exc, ExtractError | TooLargeError):
        return "not extracted"
    return "other"


def falls_back_to_feed_text(mode: ContentMode, content: str | None, failure: Failure) -> bool:
    """Whether an article whose page failed is made from the feed's text instead: with
    ``content: auto``, when the feed has text and the page is gone for good or holds no
    article; a transient failure is retried instead."""
    return mode == "auto" and bool((content or "").strip()) and failure != "other"


def use_worker_pool(articles: int, started: bool, *, pool_min: int) -> bool:
    """Whether articles are extracted in worker processes: below ``pool_min`` articles
    starting them costs more than it saves, unless they are running already."""
    return started or articles >= pool_min


def parse_in_worker(size: int, *, at_least: int) -> bool:
    """Whether a feed document of ``size`` bytes is parsed in a worker process, under its
    time limit: from ``at_least`` bytes on, where a hostile document could hold the run;
    a smaller one is parsed at once, as a worker call costs more than its parse."""
    return size >= at_least


def work_order(
    pending: Sequence[T],
    new: Sequence[T],
    *,
    from_feed: Callable[[T], bool],
    relinked: Callable[[T], bool],
) -> list[T]:
    """The order a run works its jobs in: the articles ``pending`` from earlier runs
    that its feeds listed, then its feeds' ``new`` items, then old backfills' retries
    (not ``from_feed``): this run is about its feeds, and a host's turns go to them
    first. A pending job whose article was ``relinked`` this run (its guid is listed
    at another link now) is dropped: the new link's job replaces it."""
    kept = [job for job in pending if not relinked(job)]
    return (
        [job for job in kept if from_feed(job)]
        + list(new)
        + [job for job in kept if not from_feed(job)]
    )


def feed_given(is_feed: bool, origin: Origin) -> bool:
    """Whether a page that is a feed is archived as one (its items): only a URL handed to
    backfill; a feed's item whose link is a feed is no article."""
    return is_feed and origin == "url"


# -- articles: failures ------------------------------------------------------------------


def permanent(exc: RssArchiveError) -> bool:
    """Whether trying again later cannot help: the page is gone or refused (4xx but 408
    and 429), the address is not allowed, the fetch failed in a way the server will
    repeat (larger than the size cap, a redirect loop, a redirect without a Location),
    or the page is not an article (not HTML, no article text). Server errors (5xx),
    timeouts and network failures are transient."""
    if isinstance(exc, BlockedAddressError):
        return True
    if isinstance(exc, FetchError):
        if exc.permanent:  # too large, a redirect loop or one without a Location
            return True
        return exc.status is not None and 400 <= exc.status < 500 and exc.status not in (408, 429)
    if isinstance(exc, UnexpectedError):  # a bug met on the way, not the page's fault
        return False
    return isinstance(exc, ExtractError | ParseError)


@dataclass(frozen=True)
class ArticleFailed:
    """What to do with an article whose attempt failed."""

    give_up: bool  # failed for good now, by its failure (state.give_up)
    status: Literal["pending", "failed"]  # else, what the state records (state.fail)
    not_before: datetime | None  # then: no run retries it earlier (None: given up now)
    failed: str | None  # the report's failed: line (its reason), if any
    warning: str | None  # the report's warning, if any
    note: str | None  # said in the log only


def last_attempt(recorded_attempts: int, recorded: datetime, now: datetime) -> bool:
    """Whether an article's attempt at ``now`` is the one ARTICLE_RETRIES gives it up
    after, if it fails: the state records ``recorded_attempts`` failed ones before it,
    and the article since ``recorded``."""
    return ARTICLE_RETRIES.gives_up(recorded_attempts + 1, recorded, now)


def article_failed(
    link: str,
    origin: Origin,
    attempts: int,
    exc: RssArchiveError,
    now: datetime,
    *,
    recorded_attempts: int,
    recorded: datetime,
) -> ArticleFailed:
    """An article's attempt failed, after ``attempts`` failed ones this job knows of;
    ``recorded_attempts``: the failed attempts the state records for it before this one
    (more than ``attempts`` for one handed to backfill again while it waited for a
    retry), ``recorded``: when the state recorded it. This attempt is the last when
    ARTICLE_RETRIES says (last_attempt): it is failed then, else pending, retried not
    before ARTICLE_RETRIES.next_attempt (or the server's Retry-After, when later).

    An item of a polled feed is retried by later runs (ARTICLE_RETRIES), as its page
    may not be online yet; each failure is a failed: line. What a backfill took on ends
    at once when the failure is permanent; a transient one is retried by later runs,
    which say nothing of it until they give up, and then say so once: their exit codes
    and failed: lines stay about their own feeds."""
    why = reason_of(exc)
    # A server that named a time to come back (Retry-After) is not asked earlier.
    retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    later = now + timedelta(seconds=retry_after) if retry_after else None
    last = last_attempt(recorded_attempts, recorded, now)
    final = origin != "feed" and permanent(exc)

    def answer(failed: str | None, warning: str | None, note: str | None) -> ArticleFailed:
        if final:
            return ArticleFailed(True, "failed", None, failed, warning, note)
        not_before = ARTICLE_RETRIES.next_attempt(recorded_attempts + 1, now, later)
        status: Literal["pending", "failed"] = "failed" if last else "pending"
        return ArticleFailed(False, status, not_before, failed, warning, note)

    attempts += 1
    gave_up = f"{link}: gave up after {attempts} attempts: {why}; not tried again"
    if origin == "feed":
        return answer(why, gave_up if last else None, None)
    if attempts == 1:  # this command met it first, or was handed it again
        if last and not final:  # the attempt that gives it up (a backfill's "asked now")
            why += f"; gave up after {recorded_attempts + 1} attempts, not tried again"
        if not (final or last):
            why += "; later runs will try again"
            if later is not None:
                why += f" after {later.isoformat(timespec='minutes')}"
        return answer(why, None, None)
    if final or last:
        return answer(None, gave_up, None)
    return answer(
        None, None, f"{link}: attempt {attempts} of {ARTICLE_RETRIES.attempts} failed: {why}"
    )


def feed_text_instead(
    mode: ContentMode, content: str | None, permanent: bool, *, last: bool
) -> bool:
    """Whether an article whose attempt failed is archived from the feed's text: with
    ``content: auto`` and text in the feed, when its page failed for good (``permanent``,
    see permanent) or on the attempt that gives it up (``last``): a post of the feed's
    text beats no post. Otherwise a later attempt may still get the page."""
    if mode != "auto" or not (content or "").strip():
        return False
    return permanent or last


# -- images -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImagesRetried:
    """After a retry of a post's images: whether they are retried again, the warning
    (given up with some still remote, or kept back by our own disk), and whether this
    retry counts as one of the IMAGE_RETRIES attempts."""

    again: bool
    warning: str | None
    counted: bool = True


def images_retried(
    name: str, attempts: int, still_remote: int, *, cause: str = "", local: bool = False
) -> ImagesRetried:
    """A post's images were retried after ``attempts`` earlier (counted) retries, and
    ``still_remote`` of them could still not be archived, the first for ``cause``.
    ``local``: some failed on our own disk (full, read-only, quota, I/O error): that is
    no evidence against the images, so the attempt is not counted and they are never
    given up for it; the next run with room stores them (said on every run meanwhile)."""
    if not still_remote:
        return ImagesRetried(False, None)
    why = f" ({cause})" if cause else ""
    if local:
        return ImagesRetried(
            True,
            f"{name}: {still_remote} images still remote{why}; retried on the next run "
            "(a local write error does not count as an attempt)",
            counted=False,
        )
    if not IMAGE_RETRIES.gives_up(attempts + 1):
        return ImagesRetried(True, None)
    return ImagesRetried(
        False,
        f"{name}: {still_remote} images still remote after "
        f"{IMAGE_RETRIES.attempts} attempts{why}; no more retries",
    )


# -- backfill ---------------------------------------------------------------------------


def by_host(feeds: Sequence[T], url_of: Callable[[T], str]) -> dict[str, T]:
    """The feeds by host, the first of each host (for feed_for)."""
    found: dict[str, T] = {}
    for feed in feeds:
        found.setdefault(host_key(url_of(feed)), feed)
    return found


def feed_for(url: str, feeds_by_host: Mapping[str, T], first: T) -> T:
    """The feed a backfilled URL (or an adopted post) is counted for: the first feed on
    its host (``feeds_by_host``, see by_host), else the first of all."""
    return feeds_by_host.get(host_key(url), first)


# -- images: one download (review 18 H14) --------------------------------------------------

# Why one image of a body could not be had (publish/images.ImageFailure): "budget" the
# run's image bytes are spent, "fetch" the network or the server, "refused" not an image
# we keep (HTML, SVG, an unknown format), "too large" over the per-image cap, "disk" our
# own site's disk (full, read-only, ...: no evidence against the image).
ImageFailureKind = Literal["budget", "fetch", "refused", "too large", "disk"]

# Hotlink protection answers these; some hosts refuse foreign referers, others any.
HOTLINK_STATUSES = frozenset({401, 403})
# One image download: with the article as Referer, then once more without one.
IMAGE_HOTLINK_RETRY = RetryPolicy(attempts=2)


def retry_without_referer(status: int | None, had_referer: bool, attempts: int = 1) -> bool:
    """Whether an image download that failed with ``status`` after ``attempts`` tries is
    tried again without a Referer: only a hotlink refusal of a request that sent one,
    within IMAGE_HOTLINK_RETRY."""
    if IMAGE_HOTLINK_RETRY.gives_up(attempts):
        return False
    return had_referer and status in HOTLINK_STATUSES


def image_budget_spent(used: int, max_run_bytes: int) -> bool:
    """Whether ``used`` bytes of images downloaded this run exceed its ``max_run_bytes``:
    no more images are fetched by this run (the ones left are retried by the next)."""
    return used > max_run_bytes


def tries_next_image(kind: ImageFailureKind) -> bool:
    """Whether an element's next candidate URL (a smaller srcset file, src) is tried after
    its current one failed for ``kind``: yes, unless the run's budget is spent (each
    candidate would fail the same way)."""
    return kind != "budget"
