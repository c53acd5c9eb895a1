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
from rssarchive.core.decide.policies import ARTICLE_RETRIES
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
from rssarchive.core.models import ContentMode, ImagesMode, Origin, PageSigns

T = TypeVar("T")


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


def relisted_date(
    recorded: datetime | None, listed: datetime | None, *, now: datetime
) -> datetime | None:
    """The date of a pending article of a feed whose item the feed lists again before
    its post is written (look16 F4): the item's date now (``listed``) when it is
    believed (not after ``now``, not before 1990), else the one ``recorded`` with the
    article (missing, unreadable or not believed when it was taken on, or a good one the
    item no longer gives). The post is dated by what its feed lists when it is written."""
    if listed is not None and believable(listed, now):
        return listed
    return recorded


def dated_by_another(
    recorded: datetime | None, others: Sequence[datetime | None], *, now: datetime
) -> datetime | None:
    """The date of an article this run took on from an item that gives none
    (``recorded``: None) when other items of the run list it at the same link, another
    feed's (``others``: their dates, in the run's order; look16 F13): the first believed
    one (not after ``now``, not before 1990). The dated listing dates the post whichever
    feed came first; an item's own date is kept."""
    if recorded is not None:
        return recorded
    return next((when for when in others if when is not None and believable(when, now)), None)


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


def takes_another_date(origin: Origin, published: datetime | None) -> bool:
    """Whether an article this run took on may take the date another feed's item gives
    its link (dated_by_another): a feed's item (``origin``) that gives none itself
    (``published``); a URL handed to backfill has no item, a dated item keeps its own."""
    return origin == "feed" and published is None


def takes_relisted_date(origin: Origin, *, listed: bool, relinked: bool) -> bool:
    """Whether a pending article of an earlier run takes the date its feed's item gives
    now (relisted_date): a feed's item (``origin``; a URL handed to backfill has no
    item) that its feed lists again in this run's documents (``listed``), unless this
    run relinked it (``relinked``: its entry is that item's already)."""
    return origin == "feed" and listed and not relinked


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


def asks_title_shown(signs: PageSigns | None) -> bool:
    """Whether not_the_article needs to know if the page shows the item's title (a
    normalisation of both): a short page with signs of a wall, not a teaser's prompt."""
    return signs is not None and signs.prompt is None


def not_the_article(signs: PageSigns | None, *, title_shown: bool) -> str | None:
    """Why a page that answered 200 holds no article, else None (look16c F1): a
    failed attempt, said, and tried again later, when the page may be the article's
    (a FetchError without a status: transient). ``signs``: what the short page shows of
    itself (walls.page_signs; None for a longer page). A paywall's teaser (its last
    paragraph asks to subscribe to read on) is one whatever its headline; a bot wall, a
    login wall, a "not found", a maintenance or a consent page is one unless the page's
    title or heading carries the item's (``title_shown``, asked when asks_title_shown
    says so): then the few words that say "log in", "cookies" or "404" are the
    article's own."""
    if signs is None:
        return None
    if signs.prompt is not None:
        return f"its page holds no article, only a paywall's teaser ending {signs.prompt}"
    if title_shown:
        return None
    for what, shown in (
        ("a bot wall", signs.bot),
        ("a login wall", signs.login),
        (None, signs.says),
    ):
        if shown is not None:
            return (
                f"its page holds no article: {shown}"
                if what is None
                else (f"its page holds no article: {what} ({shown})")
            )
    return None


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


def use_worker_pool(articles: int, started: bool, *, pool_min: int) -> bool:
    """Whether articles are extracted in worker processes: below ``pool_min`` articles
    starting them costs more than it saves, unless they are running already."""
    return started or articles >= pool_min


def warm_workers(pending_backlog: bool, all_from_feed_text: bool) -> bool:
    """Whether a run's worker processes are started before its work begins: pages will
    be extracted (a backfill's ``pending_backlog``, or jobs not all made from the feed's
    text), and the workers' start-up overlaps the first fetches."""
    return pending_backlog or not all_from_feed_text


def warm_workers_now(recorded: int, *, pool_min: int) -> bool:
    """Whether a backfill starts its workers while it still records URLs: at the
    ``recorded``-th article that makes the pool worth it (use_worker_pool), once, so that
    their start-up overlaps recording the rest of a long list instead of following it."""
    return recorded == pool_min


def parse_in_worker(size: int, *, at_least: int) -> bool:
    """Whether a feed document of ``size`` bytes is parsed in a worker process, under its
    time limit: from ``at_least`` bytes on, where a hostile document could hold the run;
    a smaller one is parsed at once, as a worker call costs more than its parse."""
    return size >= at_least


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
    mode: ContentMode, content: str | None, permanent: bool, *, last: bool
) -> bool:
    """Whether an article whose attempt failed is archived from the feed's text: with
    ``content: auto`` and text in the feed, when its page failed for good (``permanent``,
    see permanent) or on the attempt that gives it up (``last``): a post of the feed's
    text beats no post. Otherwise a later attempt may still get the page."""
    if mode != "auto" or not (content or "").strip():
        return False
    return permanent or last
