"""The run's decisions (rssarchive/core/decide/), each as a table: one row per case, its
inputs and the decision expected of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import (
    ARTICLE_RETRIES,
    FEED_BACKOFF,
    FETCH_RETRIES,
    IMAGE_RETRIES,
    ArticleFailed,
    DateNote,
    FeedFailed,
    ImagesRetried,
    Moves,
    NotDue,
    Told,
)
from rssarchive.core.errors import (
    BlockedAddressError,
    ExtractError,
    FetchError,
    ParseError,
    RssArchiveError,
    StateError,
    TooLargeError,
    reason_of,
    unexpected,
)
from rssarchive.core.models import Entry

NOW = datetime(2025, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
URL = "https://example.com/feed.xml"
LINK = "https://example.com/a"


def fetch_error(status: int | None = None, *, retry_after: float | None = None) -> FetchError:
    return FetchError(LINK, f"HTTP {status}", status=status, retry_after=retry_after)


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


# -- policies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "attempts", "gives_up"),
    [
        row(IMAGE_RETRIES, 4, False, id="images: 4 of 5"),
        row(IMAGE_RETRIES, 5, True, id="images: 5 of 5"),
        row(FETCH_RETRIES, 2, False, id="fetch: 2 of 3"),
        row(FETCH_RETRIES, 3, True, id="fetch: 3 of 3"),
        row(decide.IMAGE_HOTLINK_RETRY, 1, False, id="image hotlink: 1 of 2"),
        row(decide.IMAGE_HOTLINK_RETRY, 2, True, id="image hotlink: 2 of 2"),
        row(decide.HOST_RECHECK_RETRIES, 2, False, id="host re-checks: 2 of 3"),
        row(decide.HOST_RECHECK_RETRIES, 3, True, id="host re-checks: 3 of 3"),
        row(decide.WORKER_DEATH_RETRIES, 1, False, id="worker died: once more"),
        row(decide.WORKER_DEATH_RETRIES, 2, True, id="worker died twice: given up"),
    ],
)
def test_retry_limits(policy: decide.RetryPolicy, attempts: int, gives_up: bool) -> None:
    assert policy.gives_up(attempts) is gives_up


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        row(1, None, id="one failure: next run"),
        row(2, None, id="two: next run"),
        row(3, HOUR, id="three: an hour"),
        row(4, 2 * HOUR, id="four: two hours"),
        row(7, 16 * HOUR, id="seven: 16 hours"),
        row(8, 24 * HOUR, id="eight: a day at most"),
        row(60, 24 * HOUR, id="weeks of failures: still a day, no overflow"),
    ],
)
def test_feed_backoff(failures: int, wait: timedelta | None) -> None:
    assert FEED_BACKOFF.wait(failures) == wait


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        row(0, None, id="no failure: no wait"),
        row(1, timedelta(seconds=1), id="first retry: a second"),
        row(2, timedelta(seconds=2), id="second: two"),
        row(5, timedelta(seconds=10), id="at most ten"),
    ],
)
def test_fetch_retry_waits(failures: int, wait: timedelta | None) -> None:
    assert FETCH_RETRIES.wait(failures) == wait


@pytest.mark.parametrize(
    ("unchanged", "last_document", "now", "unconditional"),
    [
        row(0, None, NOW, False, id="never a document: nothing to validate anyway"),
        row(5, NOW - HOUR, NOW, False, id="a few 304s within the day: conditional"),
        row(99, NOW - HOUR, NOW, False, id="99 304s in a row: still conditional"),
        row(100, NOW - HOUR, NOW, True, id="100 304s in a row: unconditional"),
        row(100, None, NOW, True, id="100 304s, document not known: unconditional"),
        row(1, NOW - 24 * HOUR, NOW, True, id="a day since the last 200: unconditional"),
        row(1, NOW - 23 * HOUR, NOW, False, id="23 hours since the last 200: conditional"),
        row(0, NOW - 30 * 24 * HOUR, NOW, True, id="a month-old document, no 304: unconditional"),
        row(3, NOW + 48 * HOUR, NOW, False, id="clock set back: waits for the count"),
    ],
)
def test_feed_revalidation_sends_a_poll_without_validators(
    unchanged: int, last_document: datetime | None, now: datetime, unconditional: bool
) -> None:
    policy = decide.FEED_REVALIDATION
    assert policy.unconditional(unchanged, last_document, now) is unconditional


@pytest.mark.parametrize(
    ("unchanged", "last_document", "not_modified", "recorded"),
    [
        row(4, NOW - HOUR, True, (5, NOW - HOUR), id="a 304: one more in a row"),
        row(4, NOW - HOUR, False, (0, NOW), id="a document: the count starts anew"),
        row(0, None, True, (1, NOW), id="a 304, document not known: the day starts now"),
        row(0, None, False, (0, NOW), id="a first document"),
    ],
)
def test_feed_revalidation_records_each_poll(
    unchanged: int,
    last_document: datetime | None,
    not_modified: bool,
    recorded: tuple[int, datetime | None],
) -> None:
    polled = decide.FEED_REVALIDATION.polled(
        unchanged, last_document, not_modified=not_modified, now=NOW
    )
    assert polled == recorded


def test_image_retries_wait_for_the_next_run() -> None:
    assert IMAGE_RETRIES.wait(3) is None


DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("attempts", "recorded", "gives_up"),
    [
        row(4, NOW - 2 * DAY, False, id="4 of 5, days old: retried"),
        row(5, NOW - 2 * DAY, True, id="5 of 5, days old: given up"),
        row(5, NOW - DAY, True, id="5 of 5, a day old exactly: given up"),
        row(5, NOW - DAY + timedelta(seconds=1), False, id="5 of 5 within a day: retried"),
        row(9, NOW - HOUR, False, id="9 within an hour: retried still"),
    ],
)
def test_article_retries_give_up(attempts: int, recorded: datetime, gives_up: bool) -> None:
    """Given up after 5 attempts AND a day since it was recorded: no schedule of runs
    spends the attempts faster."""
    assert ARTICLE_RETRIES.gives_up(attempts, recorded, NOW) is gives_up


@pytest.mark.parametrize(
    ("failures", "retry_after", "expected"),
    [
        row(1, None, NOW + timedelta(minutes=15), id="1st failure: 15 minutes"),
        row(2, None, NOW + HOUR, id="2nd: an hour"),
        row(3, None, NOW + 6 * HOUR, id="3rd: six hours"),
        row(4, None, NOW + DAY, id="4th: a day"),
        row(9, None, NOW + DAY, id="later: a day, the last wait repeats"),
        row(0, None, NOW + timedelta(minutes=15), id="no count: as the first"),
        row(1, NOW + 2 * HOUR, NOW + 2 * HOUR, id="Retry-After later: it"),
        row(3, NOW + 2 * HOUR, NOW + 6 * HOUR, id="Retry-After sooner: the back-off"),
    ],
)
def test_article_next_attempt(
    failures: int, retry_after: datetime | None, expected: datetime
) -> None:
    assert ARTICLE_RETRIES.next_attempt(failures, NOW, retry_after) == expected


# -- feeds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gone", "next_allowed", "expected"),
    [
        row(False, None, None, id="healthy: polled"),
        row(True, None, NotDue("gone"), id="gone"),
        row(False, NOW + HOUR, NotDue("backoff", NOW + HOUR, 3, "HTTP 500"), id="backing off"),
        row(False, NOW, None, id="back-off over (exactly now)"),
        row(False, NOW - HOUR, None, id="back-off over"),
    ],
)
def test_not_due(gone: bool, next_allowed: datetime | None, expected: NotDue | None) -> None:
    got = decide.not_due(
        gone=gone, next_allowed=next_allowed, failures=3, last_error="HTTP 500", now=NOW
    )
    assert got == expected


@pytest.mark.parametrize(
    ("last_failure", "polled"),
    [
        (NOW - HOUR, False),  # backing off, the clock as it was
        (None, False),  # no time of failure: nothing says the clock moved
        (NOW + timedelta(days=1), True),  # the clock went back a day: polled now
    ],
)
def test_a_feeds_back_off_set_by_a_clock_ahead_is_not_waited_for(
    last_failure: datetime | None, polled: bool
) -> None:
    got = decide.not_due(
        gone=False,
        next_allowed=NOW + 2 * HOUR,
        failures=3,
        last_error="HTTP 500",
        now=NOW,
        last_failure=last_failure,
    )
    assert (got is None) is polled


@pytest.mark.parametrize(
    ("failures", "status", "retry_after", "expected"),
    [
        row(0, 500, None, FeedFailed(1, None, False), id="first failure: no wait"),
        row(1, None, None, FeedFailed(2, None, False), id="network error"),
        row(2, 500, None, FeedFailed(3, NOW + HOUR, False), id="third: backs off"),
        row(5, 503, None, FeedFailed(6, NOW + 8 * HOUR, False), id="sixth: 8 hours"),
        row(0, 429, 120, FeedFailed(1, NOW + timedelta(seconds=120), False), id="Retry-After"),
        row(9, 503, 60, FeedFailed(10, NOW + timedelta(seconds=60), False), id="Retry-After wins"),
        row(0, 410, None, FeedFailed(1, None, True), id="410: gone"),
        row(0, 404, None, FeedFailed(1, None, False), id="404: not gone"),
    ],
)
def test_feed_failed(
    failures: int, status: int | None, retry_after: float | None, expected: FeedFailed
) -> None:
    assert decide.feed_failed(failures, status=status, retry_after=retry_after, now=NOW) == expected


def test_feed_succeeded_ends_failures_and_back_off() -> None:
    assert decide.feed_succeeded(NOW) == decide.FeedSucceeded(0, None, NOW)


@pytest.mark.parametrize(
    ("failures", "gone", "expected"),
    [
        row(0, False, 1, id="healthy feed: counted FAILING"),
        row(4, False, 5, id="failing feed: one more, no back-off of its own"),
        row(1, True, None, id="gone feed: left as it is"),
    ],
)
def test_run_failed(failures: int, gone: bool, expected: int | None) -> None:
    assert decide.run_failed(failures, gone=gone) == expected


@pytest.mark.parametrize(
    ("failures", "gone", "failing_articles", "warning", "kind", "count", "ok"),
    [
        row(0, False, 0, False, "ok", 0, True, id="ok"),
        row(0, False, 0, True, "warning", 0, True, id="a warning is still ok"),
        row(2, False, 0, False, "failing", 2, False, id="polls failing"),
        row(2, False, 3, True, "failing", 2, False, id="failing polls say more than articles"),
        row(0, False, 3, False, "articles failing", 3, False, id="articles failing: not ok"),
        row(0, False, 1, True, "articles failing", 1, False, id="articles failing over a warning"),
        row(1, True, 0, False, "gone", 0, False, id="gone"),
        row(1, True, 2, True, "gone", 0, False, id="gone over everything"),
    ],
)
def test_feed_health(
    failures: int, gone: bool, failing_articles: int, warning: bool, kind: str, count: int, ok: bool
) -> None:
    health = decide.feed_health(
        failures, gone=gone, failing_articles=failing_articles, warning=warning, runs_stopped=False
    )
    assert (health.kind, health.count, health.ok) == (kind, count, ok)


@pytest.mark.parametrize(
    ("failures", "failing_articles", "kind", "ok"),
    [
        row(0, 0, "empty", False, id="an empty channel after items: not ok (look16f s29)"),
        row(0, 2, "empty", False, id="empty says more than its articles failing"),
        row(3, 0, "failing", False, id="failing polls say more"),
    ],
)
def test_feed_health_of_an_empty_channel(
    failures: int, failing_articles: int, kind: str, ok: bool
) -> None:
    health = decide.feed_health(
        failures,
        gone=False,
        failing_articles=failing_articles,
        warning=True,
        runs_stopped=False,
        empty=True,
    )
    assert (health.kind, health.ok) == (kind, ok)


# Articles of the feed that failed for good: given up, or their pages gone (look16 F3).
@pytest.mark.parametrize(
    ("failures", "failing_articles", "warning", "given_up", "kind", "count", "ok"),
    [
        row(0, 0, False, 1, "articles given up", 1, True, id="given up: not plain ok"),
        row(0, 0, True, 2, "articles given up", 2, True, id="given up over a warning"),
        row(0, 3, False, 2, "articles failing", 3, False, id="articles failing say more"),
        row(2, 0, False, 2, "failing", 2, False, id="failing polls say more"),
        row(0, 0, False, 0, "ok", 0, True, id="none given up: ok"),
    ],
)
def test_feed_health_with_articles_given_up(
    failures: int,
    failing_articles: int,
    warning: bool,
    given_up: int,
    kind: str,
    count: int,
    ok: bool,
) -> None:
    health = decide.feed_health(
        failures,
        gone=False,
        failing_articles=failing_articles,
        warning=warning,
        runs_stopped=False,
        given_up=given_up,
    )
    assert (health.kind, health.count, health.ok) == (kind, count, ok)


# A feed no poll has reached yet (new, or the runs stopped before its turn: look16c F13).
@pytest.mark.parametrize(
    ("failures", "runs_stopped", "kind", "ok"),
    [
        row(0, False, "not polled yet", True, id="never polled: no failure, not plain ok"),
        row(0, True, "runs stopped", False, id="the runs stop before it: failing"),
    ],
)
def test_feed_health_of_a_feed_never_polled(
    failures: int, runs_stopped: bool, kind: str, ok: bool
) -> None:
    health = decide.feed_health(
        failures,
        gone=False,
        failing_articles=0,
        warning=False,
        runs_stopped=runs_stopped,
        polled=False,
    )
    assert (health.kind, health.ok) == (kind, ok)


# The last runs stopped where the state could not record it (store/runfailure.py).
@pytest.mark.parametrize(
    ("failures", "gone", "failing_articles", "warning", "kind", "count", "ok"),
    [
        row(0, False, 0, False, "runs stopped", 0, False, id="a clean feed: not ok"),
        row(0, False, 0, True, "runs stopped", 0, False, id="over a warning"),
        row(0, False, 3, False, "runs stopped", 0, False, id="over articles failing"),
        row(2, False, 0, False, "failing", 2, False, id="its own failures say more"),
        row(1, True, 0, False, "gone", 0, False, id="gone: not polled, not its concern"),
        row(0, True, 0, False, "gone", 0, False, id="gone with no failures: still gone"),
    ],
)
def test_feed_health_when_runs_stopped(
    failures: int, gone: bool, failing_articles: int, warning: bool, kind: str, count: int, ok: bool
) -> None:
    health = decide.feed_health(
        failures, gone=gone, failing_articles=failing_articles, warning=warning, runs_stopped=True
    )
    assert (health.kind, health.count, health.ok) == (kind, count, ok)


NEW = "https://new.example.com/feed.xml"
OTHER = "https://other.example.com/feed.xml"


@pytest.mark.parametrize(
    ("redirects", "redirect_to", "count", "expected"),
    [
        row([], None, 0, Moves(None, None, 0), id="no redirect"),
        row([], NEW, 1, Moves(None, None, 0), id="redirect gone: count reset"),
        row([(301, NEW)], None, 0, Moves(None, NEW, 1), id="first 301: counted"),
        row([(308, NEW)], NEW, 1, Moves(NEW, None, 0, True), id="second 308 in a row: moved"),
        row([(301, NEW)], OTHER, 1, Moves(None, NEW, 1), id="another target: counted anew"),
        row([(302, NEW)], NEW, 1, Moves(None, None, 0), id="302: temporary, reset"),
        row([(301, OTHER), (302, NEW)], NEW, 1, Moves(None, None, 0), id="a temporary hop: reset"),
        row([(301, OTHER), (301, NEW)], NEW, 1, Moves(NEW, None, 0, True), id="chain: its end"),
    ],
)
def test_follow_moves(
    redirects: list[tuple[int, str]], redirect_to: str | None, count: int, expected: Moves
) -> None:
    assert decide.follow_moves(redirects, redirect_to, count) == expected


@pytest.mark.parametrize(
    ("redirects", "redirect_to", "count", "expected"),
    [
        row([], None, 0, Moves(OTHER, None, 0), id="moved before, no redirect: kept"),
        row([(301, NEW)], None, 0, Moves(OTHER, NEW, 1), id="moved before, a 301: counted"),
        row([(301, NEW)], NEW, 1, Moves(NEW, None, 0, True), id="moved before, moves again"),
    ],
)
def test_follow_moves_keeps_an_earlier_move(
    redirects: list[tuple[int, str]], redirect_to: str | None, count: int, expected: Moves
) -> None:
    # look18b F12: the whole moved_to is the decider's, not filled in by the run.
    assert decide.follow_moves(redirects, redirect_to, count, OTHER) == expected


@pytest.mark.parametrize(
    ("redirects", "redirect_to", "count", "said"),
    [
        row([], None, 0, None, id="no redirect: nothing"),
        row([(301, NEW)], None, 0, "followed", id="first 301: said followed (review16h LOW 7)"),
        row([(301, NEW)], NEW, 1, "moved", id="second in a row: said moved"),
        row([(301, NEW)], OTHER, 1, "followed", id="another target: followed, said anew"),
        row([(302, NEW)], None, 0, None, id="a temporary redirect: nothing"),
        row([], NEW, 1, None, id="the redirect gone: nothing"),
    ],
)
def test_feed_move_said(
    redirects: list[tuple[int, str]], redirect_to: str | None, count: int, said: str | None
) -> None:
    moves = decide.follow_moves(redirects, redirect_to, count)
    assert decide.feed_move_said(moves) == said


@pytest.mark.parametrize(
    ("moved_to", "expected"),
    [row(None, URL, id="not moved"), row(NEW, NEW, id="moved")],
)
def test_poll_url(moved_to: str | None, expected: str) -> None:
    assert decide.poll_url(URL, moved_to) == expected


# -- where an article comes from ---------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "feed_mode", "expected"),
    [
        row("url", "feed", "page", id="backfilled URL: its page"),
        row("url", "auto", "page", id="backfilled URL, auto: its page"),
        row("feed", "feed", "feed", id="feed item: the feed's mode"),
        row("archive", "auto", "auto", id="archive item: the feed's mode"),
    ],
)
def test_content_mode(origin: Any, feed_mode: Any, expected: str) -> None:
    assert decide.content_mode(origin, feed_mode) == expected


@pytest.mark.parametrize(
    ("mode", "images", "content", "needs_page", "expected"),
    [
        row("feed", "remote", None, None, True, id="feed mode"),
        row("auto", "remote", "<p>text</p>", None, True, id="auto with text"),
        row("auto", "remote", "  ", None, False, id="auto, blank text"),
        row("auto", "remote", None, None, False, id="auto, no text"),
        row("page", "remote", "<p>text</p>", None, False, id="page mode"),
        row("feed", "local", "<p>text</p>", None, False, id="images archived: one at a time"),
        row("auto", "remote", "<p>text</p>", True, False, id="known to need its page"),
        row("feed", "remote", "<p>text</p>", False, False, id="already decided"),
    ],
)
def test_from_feed_text(
    mode: Any, images: Any, content: str | None, needs_page: bool | None, expected: bool
) -> None:
    assert decide.from_feed_text(mode, images, content, needs_page) is expected


def substantial(content: str) -> bool:
    return "whole" in content


def never(content: str) -> bool:
    raise AssertionError("not asked")


@pytest.mark.parametrize(
    ("mode", "content", "judge", "expected"),
    [
        row("feed", None, never, False, id="feed mode: never the page"),
        row("page", "<p>whole</p>", never, True, id="page mode: always"),
        row("auto", "<p>whole</p>", substantial, False, id="auto, whole article in feed"),
        row("auto", "<p>summary</p>", substantial, True, id="auto, summary"),
        row("auto", "   ", never, True, id="auto, blank"),
        row("auto", None, never, True, id="auto, no text"),
    ],
)
def test_needs_page(
    mode: Any, content: str | None, judge: Callable[[str], bool], expected: bool
) -> None:
    # ``never``: the text is not to be judged (asks_substantial says so).
    asks = decide.asks_substantial(mode, content)
    assert asks is (judge is not never)
    substantial = asks and judge(content or "")
    assert decide.needs_page(mode, content, substantial=substantial) is expected


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        row(fetch_error(404), "gone", id="404"),
        row(fetch_error(410), "gone", id="410"),
        row(fetch_error(500), "other", id="500"),
        row(fetch_error(None), "other", id="network"),
        row(ExtractError("no article text"), "not extracted", id="no article"),
        # Over the page's size cap (core/caps.py): its download stops there, where the
        # extractor refused it before; either way no article (review 18, M2).
        row(TooLargeError(LINK, "response larger than 5 MB"), "not extracted", id="too large"),
        row(FetchError(LINK, "too many redirects", permanent=True), "other", id="loop"),
        row(BlockedAddressError(LINK, "private"), "other", id="blocked"),
    ],
)
def test_page_failure(exc: RssArchiveError, expected: str) -> None:
    assert decide.page_failure(exc) == expected


@pytest.mark.parametrize(
    ("mode", "content", "failure", "expected"),
    [
        row("auto", "<p>t</p>", "gone", True, id="auto, page gone: feed text"),
        row("auto", "<p>t</p>", "not extracted", True, id="auto, no article: feed text"),
        row("auto", "<p>t</p>", "other", False, id="auto, transient: retried"),
        row("auto", " ", "gone", False, id="auto, no feed text"),
        row("auto", None, "gone", False, id="auto, no content"),
        row("page", "<p>t</p>", "gone", False, id="page mode: no fallback"),
    ],
)
def test_falls_back_to_feed_text(
    mode: Any, content: str | None, failure: Any, expected: bool
) -> None:
    assert decide.falls_back_to_feed_text(mode, content, failure) is expected


@pytest.mark.parametrize(
    ("articles", "started", "expected"),
    [
        row(2, False, False, id="few: in process"),
        row(3, False, True, id="enough: workers"),
        row(1, True, True, id="workers running: used"),
    ],
)
def test_use_worker_pool(articles: int, started: bool, expected: bool) -> None:
    assert decide.use_worker_pool(articles, started, pool_min=3) is expected


@pytest.mark.parametrize(
    ("is_feed", "origin", "expected"),
    [
        row(True, "url", True, id="feed handed to backfill"),
        row(True, "feed", False, id="feed item linking a feed"),
        row(True, "archive", False, id="archive item linking a feed"),
        row(False, "url", False, id="not a feed"),
    ],
)
def test_feed_given(is_feed: bool, origin: Any, expected: bool) -> None:
    assert decide.feed_given(is_feed, origin) is expected


# -- failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        row(fetch_error(404), True, id="404"),
        row(fetch_error(410), True, id="410"),
        row(fetch_error(403), True, id="403"),
        row(fetch_error(408), False, id="408"),
        row(fetch_error(429), False, id="429"),
        row(fetch_error(500), False, id="500"),
        row(fetch_error(None), False, id="network"),
        row(FetchError(LINK, "too large", permanent=True), True, id="too large"),
        row(BlockedAddressError(LINK, "private"), True, id="blocked address"),
        row(ExtractError("not an HTML page: a PDF"), True, id="not HTML"),
        row(ParseError("not a feed"), True, id="parse"),
        row(StateError("disk full"), False, id="ours"),
        row(unexpected(ValueError("lxml"), LINK), False, id="unexpected error"),
    ],
)
def test_permanent(exc: RssArchiveError, expected: bool) -> None:
    assert decide.permanent(exc) is expected


MIN15 = timedelta(minutes=15)


def pending(
    when: datetime, told: Told, reason: str, attempts: int, retry_after: datetime | None = None
) -> ArticleFailed:
    return ArticleFailed(False, "pending", when, told, reason, attempts, retry_after)


def given_up(told: Told, reason: str, attempts: int) -> ArticleFailed:
    """Failed for good at once (a permanent failure of what a backfill took on)."""
    return ArticleFailed(True, "failed", None, told, reason, attempts)


def last(told: Told, attempts: int) -> ArticleFailed:
    """Failed on its last attempt (HTTP 500), its next one a day later were it retried."""
    return ArticleFailed(False, "failed", NOW + DAY, told, "HTTP 500", attempts)


# What is said of each (the words: tests/test_decisions_said.py).
@pytest.mark.parametrize(
    ("origin", "attempts", "exc", "recorded_attempts", "age", "expected"),
    [
        row("feed", 0, fetch_error(500), 0, HOUR,
            pending(NOW + MIN15, "failed", "HTTP 500", 1),
            id="feed item: failed line, retried in 15 minutes"),
        row("feed", 0, fetch_error(404), 0, HOUR,
            pending(NOW + MIN15, "failed", "HTTP 404", 1),
            id="feed item, 404: retried all the same (not online yet)"),
        row("feed", 4, fetch_error(500), 4, 2 * DAY,
            last("failed, gave up", 5),
            id="feed item, last attempt: failed and said given up"),
        row("feed", 4, fetch_error(500), 4, HOUR,
            pending(NOW + DAY, "failed", "HTTP 500", 5),
            id="feed item, 5th attempt within the day: not the last, nothing said"),
        row("feed", 0, fetch_error(503, retry_after=3600), 0, HOUR,
            pending(NOW + HOUR, "failed", "HTTP 503", 1, NOW + HOUR),
            id="feed item, Retry-After later than the back-off: it"),
        row("feed", 2, fetch_error(503, retry_after=3600), 2, HOUR,
            pending(NOW + 6 * HOUR, "failed", "HTTP 503", 3, NOW + HOUR),
            id="feed item, Retry-After sooner than the back-off: the back-off"),
        row("url", 0, fetch_error(500), 0, HOUR,
            pending(NOW + MIN15, "failed, later runs", "HTTP 500", 1),
            id="backfill, transient: later runs"),
        row("url", 0, fetch_error(500), 2, HOUR,
            pending(NOW + 6 * HOUR, "failed, later runs", "HTTP 500", 1),
            id="backfill handed a URL waiting for a retry: the recorded count spaces it"),
        row("url", 0, fetch_error(500), 4, 2 * DAY,
            last("failed, given up now", 5),
            id="backfill handed a URL waiting for a retry, its last attempt: gave up said"),
        row("url", 0, fetch_error(404), 4, 2 * DAY,
            given_up("failed", "HTTP 404", 1),
            id="backfill, permanent on the last attempt: given up, said as permanent"),
        row("url", 0, fetch_error(503, retry_after=3600), 0, HOUR,
            pending(NOW + HOUR, "failed, later runs", "HTTP 503", 1, NOW + HOUR),
            id="backfill, Retry-After: said when"),
        row("url", 0, fetch_error(404), 0, HOUR,
            given_up("failed", "HTTP 404", 1),
            id="backfill, permanent: given up at once"),
        row("archive", 2, fetch_error(500), 2, HOUR,
            pending(NOW + 6 * HOUR, "logged", "HTTP 500", 3),
            id="backfill retried by a run: logged only"),
        row("archive", 4, fetch_error(500), 4, 2 * DAY,
            last("gave up", 5),
            id="backfill, last attempt: warned once"),
        row("archive", 4, fetch_error(500), 4, DAY,
            last("gave up", 5),
            id="backfill, last attempt a day after it was recorded exactly: given up"),
        row("archive", 4, fetch_error(500), 4, HOUR,
            pending(NOW + DAY, "logged", "HTTP 500", 5),
            id="backfill, 5th attempt within the day: logged only"),
        row("url", 1, fetch_error(410), 1, HOUR,
            given_up("gave up", "HTTP 410", 2),
            id="backfill retry, permanent: given up, warned"),
    ],
)  # fmt: skip
def test_article_failed(
    origin: Any,
    attempts: int,
    exc: RssArchiveError,
    recorded_attempts: int,
    age: timedelta,
    expected: ArticleFailed,
) -> None:
    got = decide.article_failed(
        origin, attempts, exc, NOW, recorded_attempts=recorded_attempts, recorded=NOW - age
    )
    assert got == expected


@pytest.mark.parametrize(
    ("recorded_attempts", "age", "last"),
    [
        row(3, 2 * DAY, False, id="4th attempt: not the last"),
        row(4, 2 * DAY, True, id="5th attempt, days after it was recorded: the last"),
        row(4, HOUR, False, id="5th attempt within a day: not yet"),
        row(7, DAY, True, id="later still, a day after: the last"),
    ],
)
def test_last_attempt(recorded_attempts: int, age: timedelta, last: bool) -> None:
    assert decide.last_attempt(recorded_attempts, NOW - age, NOW) is last


@pytest.mark.parametrize(
    ("mode", "content", "permanent", "last", "expected"),
    [
        row("auto", "<p>t</p>", True, False, True, id="auto, page failed for good: feed text"),
        row("auto", "<p>t</p>", False, True, True, id="auto, last attempt: feed text"),
        row("auto", "<p>t</p>", False, False, False, id="auto, transient: retried later"),
        row("auto", " ", True, True, False, id="auto, no feed text: none"),
        row("auto", None, True, True, False, id="auto, no content: none"),
        row("page", "<p>t</p>", True, True, False, id="page mode: never"),
        row("feed", "<p>t</p>", True, True, False, id="feed mode: never (it was the text)"),
    ],
)
def test_feed_text_instead(
    mode: Any, content: str | None, permanent: bool, last: bool, expected: bool
) -> None:
    assert decide.feed_text_instead(mode, content, permanent, last=last) is expected


@pytest.mark.parametrize(
    ("mode", "content", "permanent", "last", "expected"),
    [
        # look16g F5: an item at its permalink guid sharing its link, the guid gone on the
        # attempt that gives it up: its own text, not the shared link's page.
        row("page", "<p>t</p>", True, True, True, id="page, last: its text"),
        row("page", "<p>t</p>", True, False, False, id="page, not the last: retried"),
        row("page", None, True, True, False, id="page, no text: the shared link"),
        row("auto", "<p>t</p>", True, False, True, id="auto: as before"),
    ],
)
def test_feed_text_instead_of_a_shared_link(
    mode: Any, content: str | None, permanent: bool, last: bool, expected: bool
) -> None:
    assert decide.feed_text_instead(mode, content, permanent, last=last, shared=True) is expected


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        row(fetch_error(500), "HTTP 500", id="fetch: no URL"),
        row(ExtractError("no article text", url=LINK), "no article text", id="extract"),
    ],
)
def test_reason(exc: RssArchiveError, expected: str) -> None:
    assert reason_of(exc) == expected


# -- images -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempts", "still_remote", "local", "expected"),
    [
        row(0, 0, False, ImagesRetried(False, None), id="all archived: done"),
        row(3, 0, False, ImagesRetried(False, None), id="archived late: done"),
        row(4, 0, True, ImagesRetried(False, None), id="stored once room came: done"),
        row(0, 2, False, ImagesRetried(True, None), id="some still remote: again"),
        row(3, 1, False, ImagesRetried(True, None), id="fourth retry failed: again"),
        row(4, 2, False, ImagesRetried(False, "given up"), id="fifth: given up, said"),
        row(
            0,
            2,
            True,
            ImagesRetried(True, "kept back", counted=False),
            id="disk full: again, not counted, said",
        ),
        row(
            4,
            2,
            True,
            ImagesRetried(True, "kept back", counted=False),
            id="disk full on the fifth: never given up for it",
        ),
        row(
            40,
            2,
            True,
            ImagesRetried(True, "kept back", counted=False),
            id="disk full for many runs: still again",
        ),
    ],
)
def test_images_retried(
    attempts: int, still_remote: int, local: bool, expected: ImagesRetried
) -> None:
    assert decide.images_retried(attempts, still_remote, local=local) == expected


# -- backfill -----------------------------------------------------------------------------

FEEDS = ["https://www.a.example/feed", "https://b.example/rss", "https://a.example/other"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        row("https://a.example/post", FEEDS[0], id="same host, first feed of it"),
        row("https://WWW.A.example/post", FEEDS[0], id="www and case do not count"),
        row("https://b.example/x", FEEDS[1], id="another feed's host"),
        row("https://c.example/x", FEEDS[0], id="unknown host: first feed"),
        row("not a url", FEEDS[0], id="no host: first feed"),
    ],
)
def test_feed_for(url: str, expected: str) -> None:
    by_host = decide.by_host((feed, feed) for feed in FEEDS)
    assert decide.feed_for(url, by_host, FEEDS[0]) == expected


# -- entries: new or known ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "listed_twice", "again", "adoptable", "has_guid", "gone", "expected", "reads"),
    [
        row(None, False, False, False, False, False, "new", 0, id="unknown link, no guid: new"),
        row(None, False, False, False, True, False, "by guid", 0, id="unknown link with a guid"),
        row(None, True, False, False, True, False, "skipped", 0, id="listed twice in this run"),
        row("done", True, True, False, False, True, "skipped", 0,
            id="listed twice wins over again"),
        row("done", False, False, False, True, True, "skipped", 0,
            id="archived: the disk is not asked"),
        row("done", False, True, False, False, False, "skipped", 1,
            id="archived, backfilled again, its post there"),
        row("done", False, True, False, False, True, "again", 1,
            id="archived, backfilled again, its post deleted by hand"),
        row("pending", False, False, False, False, False, "resumed", 0,
            id="pending: resumed, not skipped"),
        row("pending", False, True, False, False, False, "asked now", 0,
            id="pending, backfilled: tried now, whatever its back-off"),
        row("pending", False, False, True, False, False, "skipped", 0,
            id="pending, post in _posts"),
        row("failed", False, False, False, False, False, "skipped", 0, id="failed for good"),
        row("failed", False, True, False, False, False, "again", 0,
            id="failed, backfilled again"),
    ],
)  # fmt: skip
def test_known_link(
    status: str | None,
    listed_twice: bool,
    again: bool,
    adoptable: bool,
    has_guid: bool,
    gone: bool,
    expected: str,
    reads: int,
) -> None:
    # ``reads``: whether the caller is asked to read the disk (asks_post_gone) first.
    asks = decide.asks_post_gone(
        status, listed_twice=listed_twice, again=again, adoptable=adoptable
    )
    assert asks is bool(reads)
    got = decide.known_link(
        status,
        listed_twice=listed_twice,
        again=again,
        adoptable=adoptable,
        has_guid=has_guid,
        post_gone=gone and asks,
    )
    assert got == expected


@pytest.mark.parametrize(
    ("owner_status", "dry_run", "expected"),
    [
        row(None, False, "new", id="no owner: new"),
        row("done", False, "skipped", id="archived: skipped"),
        row("done", True, "skipped", id="archived, dry run: skipped"),
        row("pending", False, "relinked", id="pending: fetched at its new link"),
        row("failed", False, "relinked", id="failed: fetched at its new link"),
        row("pending", True, "resumed", id="pending, dry run: nothing changes"),
        row("failed", True, "skipped", id="failed, dry run: skipped"),
    ],
)
def test_guid_owner(owner_status: str | None, dry_run: bool, expected: str) -> None:
    assert decide.guid_owner(owner_status, dry_run=dry_run) == expected


@pytest.mark.parametrize(
    ("owner_status", "expected"),
    [
        row("pending", "resumed", id="another feed's pending: stays at its own link"),
        row("failed", "relinked", id="another feed's given up: tried at this link"),
        row("done", "skipped", id="another feed's archived: skipped"),
    ],
)
def test_guid_owner_across_feeds(owner_status: str, expected: str) -> None:
    assert decide.guid_owner(owner_status, dry_run=False, across=True) == expected


@pytest.mark.parametrize(
    ("origin", "status", "stored", "dry_run", "expected", "reads"),
    [
        row("feed", "pending", "url", False, True, 1, id="backfill's, waiting: retaken"),
        row("feed", "failed", "sitemap", False, True, 1, id="sitemap's, given up: retaken"),
        row("feed", "pending", "archive", False, True, 1, id="archive page's: retaken"),
        row("feed", "pending", "feed", False, False, 1, id="a feed's own: not"),
        row("feed", "pending", None, False, False, 1, id="no entry stored: not"),
        row("feed", "done", "url", False, False, 0, id="archived: not, nothing read"),
        row("url", "pending", "url", False, False, 0, id="a backfill's item: not"),
        row("feed", "pending", "url", True, False, 0, id="dry run: changes nothing"),
    ],
)
def test_retakes(
    origin: Any, status: str, stored: Any, dry_run: bool, expected: bool, reads: int
) -> None:
    asks = decide.asks_stored_origin(origin, status, dry_run=dry_run)
    assert asks is bool(reads)
    got = decide.retakes(origin, status, stored if asks else None, dry_run=dry_run)
    assert got is expected


FULL = "<p>the whole article</p>"


@pytest.mark.parametrize(
    ("origin", "status", "content", "given_up_for", "mode", "substantial", "expected", "reads"),
    [
        row("feed", "failed", FULL, "A", "auto", True, True, 1, id="another's, its text: taken"),
        row("feed", "failed", FULL, "A", "feed", False, True, 1, id="content feed: taken"),
        row("feed", "failed", FULL, "B", "auto", True, False, 1, id="given up for this feed"),
        row("feed", "failed", FULL, "A", "auto", False, False, 1, id="a summary: page again, no"),
        row("feed", "failed", FULL, "A", "page", True, False, 1, id="content page: no"),
        row("feed", "failed", FULL, None, "auto", True, False, 1, id="feed unknown: no"),
        row("feed", "failed", "", "A", "feed", False, False, 0, id="no text: nothing read"),
        row("feed", "pending", FULL, "A", "auto", True, False, 0, id="not given up: not asked"),
        row("url", "failed", FULL, "A", "auto", True, False, 0, id="a backfill's: not asked"),
    ],
)
def test_takes_over_given_up(
    origin: Any,
    status: str,
    content: str,
    given_up_for: str | None,
    mode: Any,
    substantial: bool,
    expected: bool,
    reads: int,
) -> None:
    asks = decide.asks_given_up_feed(origin, status, content, dry_run=False)
    assert asks is bool(reads)
    assert not decide.asks_given_up_feed(origin, status, content, dry_run=True)
    got = asks and decide.takes_over_given_up(
        given_up_for, "B", mode, content, substantial=substantial
    )
    assert got is expected


@pytest.mark.parametrize(
    ("guid_key", "archived", "said", "expected", "reads"),
    [
        row("g2", "g1", False, True, 1, id="another guid: said"),
        row("g2", "g1", True, False, 1, id="said before: not again"),
        row("g1", "g1", False, False, 0, id="the same guid: nothing to say"),
        row(None, "g1", False, False, 0, id="item without a guid"),
        row("g2", None, False, False, 0, id="archived without a guid"),
    ],
)
def test_says_taken(
    guid_key: str | None, archived: str | None, said: bool, expected: bool, reads: int
) -> None:
    asks = decide.asks_taken_said(guid_key, archived)
    assert asks is bool(reads)
    assert decide.says_taken(guid_key, archived, said=said and asks) is expected


PARTS = (
    "policies",
    "feeds",
    "feeditems",
    "entries",
    "identity",
    "elsewhere",
    "movesaid",
    "samepage",
    "samestory",
    "evidence",
    "aliases",
    "relisted",
    "articles",
    "dating",
    "pages",
    "images",
)


def test_the_decider_is_pure() -> None:
    # No network, disk, clock or state: core/decide/ imports only values and the standard
    # library's pure parts, and never reads the time (it is an argument).
    import ast
    from pathlib import Path

    # Every module of the decider (a package: policies, feeds, feeditems, entries,
    # identity, samepage, evidence, articles, dating, pages, images).
    sources = [p.read_text("utf-8") for p in Path(decide.__file__).parent.glob("*.py")]
    assert len(sources) > 1
    source = "\n".join(sources)
    imported = set()
    for node in (n for text in sources for n in ast.walk(ast.parse(text))):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module in (None, "rssarchive.core"):
            # from rssarchive.core import x (or from . import x): the module x
            base = node.module or "." * node.level
            imported |= {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    allowed = {
        "__future__",
        "collections.abc",
        "dataclasses",
        "datetime",
        "typing",
        "urllib.parse",
        "rssarchive.core.dates",  # pure: EARLIEST and believable, no clock
        "rssarchive.core.errors",
        "rssarchive.core.identity",  # pure: the comparisons of titles, dates, texts
        "rssarchive.core.models",
        "rssarchive.core.recheck_confirm",  # pure: says_nothing, the re-checks' text measure
        "rssarchive.core.recheck_text",  # pure: same_but_site_name, a site's name aside
        "rssarchive.core.urls",  # pure string functions (host_key)
        *(f"rssarchive.core.decide.{part}" for part in PARTS),  # its own parts
    }
    assert imported <= allowed, imported - allowed
    assert ".now(" not in source and "time.time" not in source and "open(" not in source


# -- a retry after the clock went back (review16d L3) ----------------------------------

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("not_before", "last_failure", "now", "due"),
    [
        (None, None, NOW, True),  # never failed, or no wait
        (NOW - HOUR, NOW - 2 * HOUR, NOW, True),  # its back-off has passed
        (NOW, NOW - HOUR, NOW, True),  # exactly at its time
        (NOW + HOUR, NOW - HOUR, NOW, False),  # waiting, the clock as it was
        (NOW + 2 * DAY, NOW - HOUR, NOW, False),  # a long Retry-After is waited for
        # The clock went back a day: the failure is "later" than now, and its
        # not_before was set by the clock ahead. Due now, not in a day.
        (NOW + DAY + 15 * timedelta(minutes=1), NOW + DAY, NOW, True),
        (NOW + 2 * DAY, NOW + timedelta(seconds=1), NOW, True),
        (NOW + HOUR, None, NOW, False),  # no time of failure: nothing says the clock moved
    ],
)
def test_retry_due(
    not_before: datetime | None, last_failure: datetime | None, now: datetime, due: bool
) -> None:
    assert decide.retry_due(not_before, last_failure, now) is due


# -- what is said of an item's date when it is taken on (review16d M2) --------------------


FUTURE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
UNREAD = "its date 'yesterday' cannot be read"


@pytest.mark.parametrize(
    ("published", "problem", "origin", "content", "said"),
    [
        (NOW - HOUR, None, "feed", "auto", None),
        (None, None, "feed", "auto", None),  # no date given: nothing to say
        (None, UNREAD, "feed", "feed", DateNote(UNREAD, None, "archiving time")),
        (None, UNREAD, "feed", "auto", DateNote(UNREAD, None, "page, else archiving time")),
        (
            NOW + HOUR,
            None,
            "feed",
            "feed",
            DateNote(None, NOW + HOUR, "archiving time, item kept"),
        ),
        (FUTURE, None, "url", "auto", DateNote(None, FUTURE, "page, else archiving time")),
        (NOW, None, "feed", "feed", None),  # the run's own time is not the future
        # A note said of a date read (an ambiguous zone's name) is said as it is.
        (NOW - HOUR, "its date 'x CST': read as US", "feed", "feed",
         DateNote("its date 'x CST': read as US")),
    ],
)  # fmt: skip
def test_date_warning(
    published: datetime | None,
    problem: str | None,
    origin: Any,
    content: Any,
    said: DateNote | None,
) -> None:
    got = decide.date_warning(published, problem, origin=origin, content=content, now=NOW)
    assert got == said


# -- feeds: which items of a document are kept ------------------------------------------

# Items by name: D<n> dated n days after DAY0 (D1.a and D1.b: the same date), U<n>
# undated, F<n> dated 2100 (after the run's clock). The feed lists them as written.
DAY0 = datetime(2026, 12, 1, tzinfo=UTC)
NOW_FEEDS = datetime(2026, 12, 31, tzinfo=UTC)


def feed_items(names: str) -> list[Entry]:
    def published(name: str) -> datetime | None:
        if name.startswith("U"):
            return None
        if name.startswith("F"):
            return datetime(2100, 1, 1, tzinfo=UTC)
        return DAY0 + timedelta(days=int(name[1:].split(".")[0]))

    return [
        # D3' is the article D3 listed again (its link, its date).
        Entry(
            title=n,
            link=f"https://x.example/{n.rstrip(chr(39))}",
            published=published(n.rstrip(chr(39))),
        )
        for n in names.split()
    ]


@pytest.mark.parametrize(
    ("feed", "now", "newest"),
    [
        ("D1 D2 D3", NOW_FEEDS, "D3 D2 D1"),  # oldest first
        ("D3 D2 D1", NOW_FEEDS, "D3 D2 D1"),
        # An undated item keeps its place; the dated ones are ordered around it.
        ("D1 U1 D3 U2 D2", NOW_FEEDS, "D3 U1 D2 U2 D1"),
        ("U1 U2", NOW_FEEDS, "U1 U2"),  # undated: the feed's order
        ("D1.a D1.b", NOW_FEEDS, "D1.a D1.b"),  # ties: the feed's order
        # review16d M2: a date after the run's clock is not believed: the oldest.
        ("D0 F1 D1 D2", datetime(2026, 12, 3, tzinfo=UTC), "D2 D1 D0 F1"),
        # Without a clock (a document read outside a run), the dates order as written.
        ("D0 F1 D1 D2", None, "F1 D2 D1 D0"),
        ("", NOW_FEEDS, ""),
    ],
)
def test_newest_first(feed: str, now: datetime | None, newest: str) -> None:
    assert [e.title for e in decide.newest_first(feed_items(feed), now)] == newest.split()


@pytest.mark.parametrize(
    ("feed", "max_items", "now", "kept"),
    [
        ("D1 D2 D3 D4", 2, NOW_FEEDS, "D3 D4"),  # oldest first: its newest, in feed order
        ("D4 D3 D2 D1", 2, NOW_FEEDS, "D4 D3"),
        ("D1 D2", 5, NOW_FEEDS, "D1 D2"),  # under the cap: all
        ("D2 D1", 2, NOW_FEEDS, "D2 D1"),  # at the cap: all, as listed
        # Undated items keep their place in the order, so the first ones are kept.
        ("U1 D1 U2 D2", 2, NOW_FEEDS, "U1 D2"),
        # A bogus future date takes no real new item's place.
        ("D0 F1 D1 D2", 3, datetime(2026, 12, 3, tzinfo=UTC), "D0 D1 D2"),
        ("D0 F1 D1 D2", 3, None, "F1 D1 D2"),
        # look16 F2: an article listed several times takes one place under the cap, so
        # the others that fit are kept; each listing of it stays (the run takes it once).
        ("D3 D3' D3' D1 D2", 3, NOW_FEEDS, "D3 D3' D3' D1 D2"),
        ("D1 D3 D2 D3'", 2, NOW_FEEDS, "D3 D2 D3'"),
        ("D1 D1' D2 D3", 2, NOW_FEEDS, "D2 D3"),
    ],
)
def test_keep_under_cap_knowing_nothing(
    feed: str, max_items: int, now: datetime | None, kept: str
) -> None:
    got = decide.keep_under_cap(feed_items(feed), max_items, now)
    assert [e.title for e in got.entries] == kept.split()


def test_distinct_articles() -> None:
    assert decide.distinct_articles(feed_items("D3 D3' D3' D1 D2")) == 3
    assert decide.distinct_articles(feed_items("D1 D2")) == 2


OLD = datetime(2005, 6, 1, tzinfo=UTC)
ZERO = datetime(1970, 1, 1, tzinfo=UTC)
LATER = NOW + DAY


@pytest.mark.parametrize(
    ("published", "origin", "page", "page_by", "listed", "expected"),
    [
        row(OLD, "feed", NOW - HOUR, "markup", None, (OLD, "item"), id="feed item: its own date"),
        row(LATER, "feed", OLD, "markup", None, (LATER, "archiving time"),
            id="feed item dated ahead: kept for its comment, dated at archiving time"),
        row(ZERO, "feed", OLD, "markup", None, (OLD, "page"),
            id="feed item dated 1970 (a zero epoch): its page"),
        row(None, "feed", OLD, "markup", None, (OLD, "page"), id="feed item undated: its page"),
        row(None, "feed", OLD, "htmldate", None, (None, "archiving time"),
            id="feed item: htmldate's guess is not taken"),
        row(None, "url", OLD, "htmldate", None, (OLD, "page"),
            id="backfilled page: htmldate's guess is taken"),
        row(LATER, "archive", OLD, "markup", None, (OLD, "page"),
            id="archive item dated ahead: not believed, its page"),
        row(None, "sitemap", LATER, "markup", OLD, (OLD, "sitemap"),
            id="page dated ahead: the sitemap's date"),
        row(None, "sitemap", None, None, ZERO, (None, "archiving time"),
            id="sitemap's date before 1990: archiving time"),
        row(NOW, "url", None, None, None, (NOW, "item"), id="the run's own time is not ahead"),
        row(None, "url", None, None, None, (None, "archiving time"), id="nothing: archiving time"),
    ],
)  # fmt: skip
def test_post_date(
    published: datetime | None,
    origin: Any,
    page: datetime | None,
    page_by: str | None,
    listed: datetime | None,
    expected: tuple[datetime | None, str],
) -> None:
    got = decide.post_date(
        published, origin, page=page, page_dated_by=page_by, listed=listed, now=NOW
    )
    assert (got.published, got.by) == expected


# -- what is said of a backfilled post dated at archiving (review16h LOW 8) --------------

NO_PAGE_DATE = "its page gives no believable publication date"


@pytest.mark.parametrize(
    ("published", "origin", "page", "page_by", "listed", "said"),
    [
        row(None, "url", None, None, None, DateNote(NO_PAGE_DATE, None, "archiving time"),
            id="backfilled page without a date (or with a modification date only)"),
        row(None, "archive", None, None, None, DateNote(NO_PAGE_DATE, None, "archiving time"),
            id="archive item without a date, its page without one"),
        row(None, "url", LATER, "meta", None, DateNote(None, LATER, "archiving time"),
            id="backfilled page dated after the clock: its date said"),
        row(LATER, "url", None, None, None, DateNote(None, LATER, "archiving time"),
            id="a date its feed once gave, after the clock: said"),
        row(None, "url", None, None, ZERO, DateNote(NO_PAGE_DATE, None, "archiving time"),
            id="a sitemap's date before 1990 is none"),
        row(None, "url", OLD, "htmldate", None, None, id="dated by its page: nothing"),
        row(None, "url", None, None, OLD, None, id="dated by its sitemap: nothing"),
        row(OLD, "archive", None, None, None, None, id="dated by its item: nothing"),
        row(None, "feed", None, None, None, None,
            id="a polled feed's undated item: the hour it is archived in is close"),
        row(LATER, "feed", None, None, None, None,
            id="a polled feed's item dated ahead: said when taken on (date_warning)"),
    ],
)  # fmt: skip
def test_archiving_date_note(
    published: datetime | None,
    origin: Any,
    page: datetime | None,
    page_by: str | None,
    listed: datetime | None,
    said: DateNote | None,
) -> None:
    dated = decide.post_date(
        published, origin, page=page, page_dated_by=page_by, listed=listed, now=NOW
    )
    given = (published, page, listed)
    got = decide.archiving_date_note(origin, dated, given, NOW, from_page=True)
    assert got == said
    # A post made from the feed's text: its item's date was judged when taken on.
    assert decide.archiving_date_note(origin, dated, given, NOW, from_page=False) is None


@pytest.mark.parametrize(
    ("recorded", "listed", "expected"),
    [
        row(None, OLD, OLD, id="recorded none (missing, unreadable): the item's now"),
        row(LATER, OLD, OLD, id="recorded after the clock (a typo): the item's now"),
        row(ZERO, OLD, OLD, id="recorded before 1990: the item's now"),
        row(OLD, NOW, NOW, id="both believed: what the feed lists when it is written"),
        row(OLD, None, OLD, id="the item gives none now: the recorded one"),
        row(OLD, LATER, OLD, id="the item's now after the clock: the recorded one"),
        row(LATER, ZERO, LATER, id="neither believed: the recorded one, as it was"),
        row(None, None, None, id="none either way"),
    ],
)  # fmt: skip
def test_relisted_date(
    recorded: datetime | None, listed: datetime | None, expected: datetime | None
) -> None:
    assert decide.relisted_date(recorded, listed, now=NOW) == expected


MOVED = "its item's date changed from 2005-06-01T00:00Z to 2005-06-02T09:00Z while its page"


@pytest.mark.parametrize(
    ("recorded", "published", "said"),
    [
        row(OLD, OLD + DAY + timedelta(hours=9), True, id="another day (a bump): said"),
        row(OLD, OLD + timedelta(hours=9), False, id="within the day: nothing of the name"),
        row(OLD, OLD, False, id="unchanged"),
        row(None, OLD, False, id="none recorded: a date added, the rule's own case"),
        row(LATER, OLD, False, id="recorded not believed: a corrected date"),
        row(OLD, None, False, id="none now"),
    ],
)  # fmt: skip
def test_relisted_date_note(
    recorded: datetime | None, published: datetime | None, said: bool
) -> None:
    note = decide.relisted_date_note(recorded, published, now=NOW)
    assert (note is not None) is said
    if said:
        assert note == f"{MOVED} failed; its post is dated by the new one"


@pytest.mark.parametrize(
    ("recorded", "others", "expected"),
    [
        row(None, [None, OLD], OLD, id="undated, another feed dates it: its date"),
        row(None, [LATER, ZERO, OLD], OLD, id="the first believed one"),
        row(None, [None, LATER], None, id="none believed: undated still"),
        row(None, [], None, id="no other listing"),
        row(NOW, [OLD], NOW, id="its own date is kept"),
    ],
)  # fmt: skip
def test_dated_by_another(
    recorded: datetime | None, others: list[datetime | None], expected: datetime | None
) -> None:
    assert decide.dated_by_another(recorded, others, now=NOW) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        row(0, False, id="empty: at once"),
        row(512 * 1024 - 1, False, id="a byte under: at once"),
        row(512 * 1024, True, id="at the threshold: in a worker"),
        row(9 * 1024 * 1024, True, id="huge: in a worker"),
    ],
)
def test_parse_in_worker(size: int, expected: bool) -> None:
    assert decide.parse_in_worker(size, at_least=512 * 1024) is expected


# Jobs as (article id, origin): a feed's items and old backfills' retries.
@pytest.mark.parametrize(
    ("pending", "new", "relinked", "expected"),
    [
        row([], [], set(), [], id="nothing to do"),
        row([(1, "feed"), (2, "url"), (3, "feed")], [(9, "feed")], set(),
            [1, 3, 9, 2], id="feeds' pending, then new items, then backfills' retries"),
        row([(2, "sitemap"), (4, "archive")], [(9, "feed"), (8, "feed")], set(),
            [9, 8, 2, 4], id="retries after new items, in their order"),
        row([(1, "feed"), (2, "url"), (3, "feed")], [(9, "feed")], {1, 2},
            [3, 9], id="relinked pending jobs dropped, feed's and backfill's"),
        row([(1, "feed")], [(1, "feed")], {1},
            [1], id="a new job is never dropped as relinked"),
    ],
)  # fmt: skip
def test_work_order(
    pending: list[tuple[int, str]],
    new: list[tuple[int, str]],
    relinked: set[int],
    expected: list[int],
) -> None:
    got = decide.work_order([(job, job[1] == "feed", job[0] in relinked) for job in pending], new)
    assert [job[0] for job in got] == expected


# -- images: one download (review 18 H14) --------------------------------------------------


@pytest.mark.parametrize(
    ("status", "had_referer", "attempts", "expected"),
    [
        row(403, True, 1, True, id="403 with a Referer: once more without"),
        row(401, True, 1, True, id="401 with a Referer: once more without"),
        row(403, False, 1, False, id="403 without a Referer: nothing to drop"),
        row(403, True, 2, False, id="403 again without: IMAGE_HOTLINK_RETRY spent"),
        row(404, True, 1, False, id="404: not a hotlink refusal"),
        row(500, True, 1, False, id="500: not a hotlink refusal"),
        row(None, True, 1, False, id="no status (network): not a hotlink refusal"),
    ],
)
def test_retry_without_referer(
    status: int | None, had_referer: bool, attempts: int, expected: bool
) -> None:
    assert decide.retry_without_referer(status, had_referer, attempts) is expected


def test_image_hotlink_retry_is_two_tries() -> None:
    assert not decide.IMAGE_HOTLINK_RETRY.gives_up(1)
    assert decide.IMAGE_HOTLINK_RETRY.gives_up(2)


@pytest.mark.parametrize(
    ("used", "cap", "expected"),
    [
        row(0, 100, False, id="nothing yet"),
        row(100, 100, False, id="exactly the budget: still within"),
        row(101, 100, True, id="one byte over: spent"),
        row(1, 0, True, id="a zero budget: spent by any image"),
    ],
)
def test_image_budget_spent(used: int, cap: int, expected: bool) -> None:
    assert decide.image_budget_spent(used, cap) is expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        row("budget", False, id="budget spent: every candidate would fail so"),
        row("fetch", True, id="network or status: src may still be there"),
        row("refused", True, id="not an image: another candidate may be one"),
        row("too large", True, id="over the cap: a smaller candidate may fit"),
        row("disk", True, id="our disk: a smaller candidate may fit"),
    ],
)
def test_tries_next_image(kind: decide.ImageFailureKind, expected: bool) -> None:
    assert decide.tries_next_image(kind) is expected


@pytest.mark.parametrize(
    ("recorded", "listed", "expected"),
    [
        ("Week 1: the budget fight", "Week 2: the border deal", ("Week 2: the border deal", True)),
        ("Storm hits coast", "Storm hits the coast", ("Storm hits the coast", True)),
        ("Storm hits coast", "STORM  hits coast", ("Storm hits coast", False)),
        ("Storm hits coast", "", ("Storm hits coast", False)),
        ("Storm hits coast", "   ", ("Storm hits coast", False)),
    ],
    ids=["a link reused: the item listed now", "a headline edited: the one listed now",
         "the same title, as titles compare: kept", "no title now: kept", "blank: kept"],
)  # fmt: skip
def test_relisted_title(recorded: str, listed: str, expected: tuple[str, bool]) -> None:
    # look16f s33: the post is the item the feed lists when it is written.
    assert decide.relisted_title(recorded, listed) == expected
