"""An article's decisions: where its text comes from (the feed or the page), its date, the
order of work, and what a failure means (permanent or not, given up, the feed's text
instead).

Part of the decider (rssarchive.core.decide): pure, the time an argument."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from rssarchive.core.dates import EARLIEST, believable
from rssarchive.core.decide.images import images_local
from rssarchive.core.decide.policies import ARTICLE_RETRIES, ARTICLE_STANDING
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
from rssarchive.core.models import ContentMode, ImagesMode, Origin

T = TypeVar("T")


# -- articles: where their text comes from ---------------------------------------------


DatedBy = Literal["item", "page", "url", "sitemap", "archiving time"]


@dataclass(frozen=True)
class PostDate:
    """How a post is dated: ``published``, the time its ``<!--…-->`` comment keeps (None:
    none believed), and ``by``, what dates the post (render.post_date): the item's own
    date, its page's, the day its URL names (a build time's item, no page fetched), the
    date a sitemap listed it with, or the archiving time."""

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
    stamped: bool = False,
    url_day: datetime | None = None,
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
    day (the seeds are dated so).

    An item whose date is ``stamped`` (its feed document gives it to several items to
    the second: dating.build_stamps, the feed's build time) is dated by its page's
    publication date when that is earlier (look16c F6b), htmldate's guess aside; with
    no page fetched (its feed's text is the article), by the day its URL names
    (``url_day``, its midnight) when that is a day before the stamp's (look16e F12: a
    first poll's backlog of full texts, all stamped with the build time). The stamp's
    own day is not: the build time, within an hour of the run, is closer than its
    midnight, as for an undated item."""
    from_page = page is not None and page_dated_by != "htmldate" and believable(page, now)
    if stamped and from_page and published is not None and page is not None and page < published:
        return PostDate(page, "page")
    # A day before a build time's (within an hour of ``now``) is before ``now`` too.
    if stamped and url_day is not None and url_day >= EARLIEST and _day_before(url_day, published):
        return PostDate(url_day, "url")
    if published is not None:
        if origin == "feed" and published >= EARLIEST:
            return PostDate(published, "item" if believable(published, now) else "archiving time")
        if believable(published, now):
            return PostDate(published, "item")
    if origin == "feed" and (page_dated_by == "htmldate" or _runs_day(page, page_dated_by, now)):
        page = None
    if page is not None and believable(page, now):
        return PostDate(page, "page")
    if listed is not None and believable(listed, now):
        return PostDate(listed, "sitemap")
    return PostDate(None, "archiving time")


def _day_before(day: datetime, stamp: datetime | None) -> bool:
    """Whether ``day`` (a URL's) is a day before the one ``stamp`` (a build time) is in."""
    return stamp is not None and day.date() < stamp.date()


def _runs_day(page: datetime | None, page_dated_by: str | None, now: datetime) -> bool:
    """Whether ``page`` is the day (its midnight) the URL names and the run's own: the
    archiving hour is closer to a polled feed's new item than that midnight."""
    return page is not None and page_dated_by == "url" and page.date() == now.date()


Fallback = Literal["archiving time", "page, else archiving time", "archiving time, item kept"]


@dataclass(frozen=True)
class DateNote:
    """What a run says of an item's date when it takes the item on (run/printing.
    date_note_line says it): ``problem``, the note given with the item (why it has no
    date though it gives one, or a note on the date read); ``not_believed``, its date
    when after the run's clock; ``dated``, what dates the post instead (None: its own
    date): the archiving time, the archiving time with the item's date kept in the
    post's ``<!--…-->`` comment, or its page, else the archiving time."""

    problem: str | None
    not_believed: datetime | None = None
    dated: Fallback | None = None


def date_warning(
    published: datetime | None,
    problem: str | None,
    *,
    origin: Origin,
    content: ContentMode,
    now: datetime,
) -> DateNote | None:
    """What a run says of an item's date when it takes the item on (once: the item is
    not taken on again), after its link; None: nothing. ``problem``: why the item has no
    date though it gives one, or the note said of the date read (feeds._published).

    Said from post_date's answer for the item alone (its page and sitemap are not known
    yet): a date it does not believe, after the run's clock, is said, with what dates
    the post instead: the archiving time, the item's date kept in the post's
    ``<!--…-->`` comment (a polled feed's item), or its page, else the archiving time
    (with a page: ``content`` other than ``feed``)."""
    dated = post_date(published, origin, page=None, page_dated_by=None, listed=None, now=now)
    fallback: Fallback = "archiving time" if content == "feed" else "page, else archiving time"
    if published is None:
        return None if problem is None else DateNote(problem, None, fallback)
    if dated.by == "item" or published <= now:  # believed (feeds refuse dates before 1990)
        return None if problem is None else DateNote(problem)
    if dated.published is not None:
        fallback = "archiving time, item kept"
    return DateNote(None, published, fallback)


# What a backfilled post dated at archiving says when neither its item nor its page nor
# its sitemap dates it: the page gives none, a modification date only
# (article:modified_time is none), or one pagedates did not believe (after the clock it
# has, before 1990).
NO_PAGE_DATE = "its page gives no believable publication date"
# What a polled feed's item that nothing dates says (counted for its feed: dating.
# said_per_feed): neither its item nor its page (when read) gives a date.
NO_DATE = "no date, in the feed or on its page"


def archiving_date_note(
    origin: Origin,
    dated: PostDate,
    given: Sequence[datetime | None],
    now: datetime,
    *,
    from_page: bool,
    plausibly_new: bool = True,
    said_taken_on: bool = False,
) -> DateNote | None:
    """What a run says when it writes the post of a backfilled article (``origin`` not
    a polled feed's) that post_date dates at archiving time (``dated``): its page gives
    no publication date (NO_PAGE_DATE), or the first of the dates it was ``given`` (the
    item's, the page's, the sitemap's) is after the run's clock. Said as date_warning's notes are
    (run/printing.date_note_line): a backfill archives the past, so its archiving time
    is far from the article's, unlike a polled feed's new item (None for those: the
    hour a cron run archives it in is close, and a date of theirs not believed is said
    when it is taken on). Only for a post made ``from_page``: one made from the feed's
    text is its item's, whose date date_warning judged when it was taken on.

    A polled feed's item (look16c F5) is said too when it is not ``plausibly_new``
    (dating.plausibly_new: the feed's first poll, or an earlier run's item) and its item
    gives no date (``given[0]``) nor one ``said_taken_on`` (date_warning said it): NO_DATE
    (counted for the feed, dating.said_per_feed), or the page's date after the clock."""
    if dated.by != "archiving time":
        return None
    if origin == "feed":
        if plausibly_new or said_taken_on or (given and given[0] is not None):
            return None
        ahead = next((when for when in given if when is not None and when > now), None)
        if ahead is not None:
            return DateNote(None, ahead, "archiving time")
        # A page's day set aside that is the run's own is no lack of one (look16g F13).
        if any(when is not None and when.date() == now.date() for when in given):
            return None
        return DateNote(NO_DATE, None, "archiving time")
    if not from_page:
        return None
    ahead = next((when for when in given if when is not None and when > now), None)
    if ahead is not None:
        return DateNote(None, ahead, "archiving time")
    return DateNote(NO_PAGE_DATE, None, "archiving time")


# Whose fault a failure met while an article was made is (failure_of).
Whose = Literal["item", "run", "surprise"]


def failure_of(exc: BaseException) -> Whose:
    """Whose fault ``exc``, raised while an article was made (its page fetched and
    extracted, or its post made from the feed's text, in the run or in a worker), is:
    "item": that article's failure (a fetch, a parse, an extraction), recorded and
    retried by its policy; "run": the run's own (a full disk, the state, a lock: any
    other error of ours, and any OSError), which stops the run; "surprise": a bug met
    on this article only, which fails it (errors.unexpected), not the run nor the other
    articles. The one rule: run/pipeline.py and publish/entry_posts.py ask it."""
    if isinstance(exc, FetchError | ParseError | ExtractError):
        return "item"
    if isinstance(exc, RssArchiveError | OSError):
        return "run"
    return "surprise"


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
    if needs_page is not None or images_local(images):
        return False
    return mode == "feed" or (mode == "auto" and bool((content or "").strip()))


def asks_substantial(mode: ContentMode, content: str | None) -> bool:
    """Whether needs_page depends on whether the feed's text looks like the whole
    article (extract.is_substantial, a parse of it): only with ``content: auto`` and
    text in the feed. The caller judges the text only then."""
    return mode == "auto" and bool((content or "").strip())


def needs_page(mode: ContentMode, content: str | None, *, substantial: bool) -> bool:
    """Whether the article is its page: not with ``content: feed``; with ``auto``, unless
    the feed's text looks like the whole article (``substantial``: extract.is_substantial
    of it, judged when asks_substantial says so, else False)."""
    if mode == "feed":
        return False
    return not (asks_substantial(mode, content) and substantial)


def asks_given_up_feed(origin: Origin, status: str, content: str | None, *, dry_run: bool) -> bool:
    """Whether takes_over_given_up needs the feed an article was given up for (a read
    of the state) and whether the item's text is the whole article (a parse of it):
    only for a feed's item with text whose article was given up, in a run that
    changes things."""
    return (
        origin == "feed"
        and status == ARTICLE_STANDING.failed
        and bool((content or "").strip())
        and not dry_run
    )


def takes_over_given_up(
    given_up_for: str | None,
    feed: str,
    mode: ContentMode,
    content: str | None,
    *,
    substantial: bool,
) -> bool:
    """Whether a feed's item takes on an article given up for another feed of the
    config (``given_up_for``; None: not known), its page failed for good there (look 16
    F7): when the item carries the article's text, which this feed archives without
    the page (needs_page: ``content: feed``, or ``auto`` and ``substantial``). The
    article is written once, from the text that exists. Not for the feed it was given
    up for, nor for an item that would need the failed page again: that would only try
    it again and again, feed after feed."""
    if given_up_for is None or given_up_for == feed or not (content or "").strip():
        return False
    return not needs_page(mode, content, substantial=substantial)


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


def says_fallback(failure: Failure) -> bool:
    """Whether a post made from the feed's text instead of its page (falls_back_to_feed_text)
    says so in a warning when it is written: when the page is gone (its page failed, the
    reason named); a page that holds no article (or is over its cap) is what
    ``content: auto`` expects of a feed whose text is the article, and is not said."""
    return failure == "gone"


def work_order(pending: Sequence[tuple[T, bool, bool]], new: Sequence[T]) -> list[T]:
    """The order a run works its jobs in: the articles ``pending`` from earlier runs
    (each job with whether it is a feed's item and whether it was relinked) that its
    feeds listed, then its feeds' ``new`` items, then old backfills' retries (not a
    feed's): this run is about its feeds, and a host's turns go to them first. A
    pending job whose article was relinked this run (its guid is listed at another
    link now) is dropped: the new link's job replaces it."""
    kept = [(job, from_feed) for job, from_feed, relinked in pending if not relinked]
    return (
        [job for job, from_feed in kept if from_feed]
        + list(new)
        + [job for job, from_feed in kept if not from_feed]
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


# What a run says of an article whose attempt failed (run/printing.article_failed_lines
# says it): a failed: line with its reason; the same and a warning that it is given up
# (a feed's item on its last attempt); a failed: line saying it is given up now (an
# article a backfill was handed again, on its last attempt) or that later runs try it
# again (after the server's time, when it named one); a warning alone that it is given
# up; the attempt logged only (an old backfill's article retried by a run).
Told = Literal[
    "failed", "failed, gave up", "failed, given up now", "failed, later runs", "gave up", "logged"
]


@dataclass(frozen=True)
class ArticleFailed:
    """What to do with an article whose attempt failed."""

    give_up: bool  # failed for good now, by its failure (state.give_up)
    status: Literal["pending", "failed"]  # else, what the state records (state.fail)
    not_before: datetime | None  # then: no run retries it earlier (None: given up now)
    told: Told  # what the report says of it
    reason: str  # why it failed (reason_of)
    attempts: int  # its failed attempts said, this one included
    retry_after: datetime | None = None  # the server's time to come back, when it named one


def last_attempt(recorded_attempts: int, recorded: datetime, now: datetime) -> bool:
    """Whether an article's attempt at ``now`` is the one ARTICLE_RETRIES gives it up
    after, if it fails: the state records ``recorded_attempts`` failed ones before it,
    and the article since ``recorded``."""
    return ARTICLE_RETRIES.gives_up(recorded_attempts + 1, recorded, now)


def archived_as_is(not_the_article: bool, *, last: bool) -> bool:
    """Whether a page judged no article is archived as it is: on the attempt that would
    give its article up, since the judgement may be wrong (a real short article) and it
    may delay an article, never lose it. A 404, a network error: never (no page)."""
    return not_the_article and last


def as_is_warning(link: str, why: str, attempts: int) -> str:
    """The warning said of a page archived as it is (archived_as_is); ``why``:
    decide.not_the_article's reason, said without its "its page holds no article"."""
    looked = why.removeprefix("its page holds no article").lstrip(",: ")
    said = why if looked == why else f"its page still looked like {looked}"  # cut off: as is
    return f"{link}: {said} after {attempts} attempts; archived as it is"


def article_failed(
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
    attempts += 1

    def answer(told: Told, said: int = attempts) -> ArticleFailed:
        if final:
            return ArticleFailed(True, "failed", None, told, why, said)
        not_before = ARTICLE_RETRIES.next_attempt(recorded_attempts + 1, now, later)
        status: Literal["pending", "failed"] = "failed" if last else "pending"
        return ArticleFailed(False, status, not_before, told, why, said, later)

    if origin == "feed":
        return answer("failed, gave up" if last else "failed")
    if attempts == 1:  # this command met it first, or was handed it again
        if final:
            return answer("failed")
        if last:  # the attempt that gives it up (a backfill's "asked now")
            return answer("failed, given up now", recorded_attempts + 1)
        return answer("failed, later runs")
    if final or last:
        return answer("gave up")
    return answer("logged")


def feed_text_instead(
    mode: ContentMode, content: str | None, permanent: bool, *, last: bool, shared: bool = False
) -> bool:
    """Whether an article whose attempt failed is archived from the feed's text: with
    ``content: auto`` and text in the feed, when its page failed for good (``permanent``,
    see permanent) or on the attempt that gives it up (``last``): a post of the feed's
    text beats no post. Otherwise a later attempt may still get the page. An item at its
    permalink guid that shares its link (``shared``, look16g F5): on that last attempt
    whatever the mode, its own text rather than the shared link's page (a listing)."""
    if not (content or "").strip() or (mode != "auto" and not (shared and last)):
        return False
    return permanent or last
