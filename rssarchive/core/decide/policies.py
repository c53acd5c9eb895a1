"""The retry policies, one per kind of retry, each defined once: whoever retries something
asks its policy, and status says the same limits.

Part of the decider (rssarchive.core.decide): pure, the time an argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

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
    was recorded, so that no schedule of runs spends them faster (ARTICLE_RETRIES)."""

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


# How status lists an article that failed (ArticleStanding.listed_as): a feed's item
# failing, waiting for its next attempt (its feed FAILING, the runs exit 1); an article a
# backfill took on (a URL, a sitemap's, an archive page's), waiting for a later run's
# retry, or given up.
Listed = Literal["failing", "backfill waiting", "backfill gave up"]


@dataclass(frozen=True)
class ArticleStanding:
    """What an article's status and failed attempts (its row in the state) mean: one
    ``done`` is archived (its post written); one ``pending`` with at least
    ``failing_after`` failed attempts is failing, waiting for its next; one ``failed`` is
    given up (or its page is gone); a pending one is due when its back-off has passed
    (retry_due). Defined once: store/articles.py's queries take
    their parameters from here (ARTICLE_STANDING), and the rows they return are judged
    by these, so that what a run retries and what status says are the same rule."""

    pending: str = "pending"
    failed: str = "failed"
    done: str = "done"
    failing_after: int = 1

    def failing(self, status: str, attempts: int) -> bool:
        """Whether an article waits for another attempt after failed ones."""
        return status == self.pending and attempts >= self.failing_after

    def retried(self, status: str, attempts: int) -> bool:
        """Whether an article failed at least once and is failing or given up."""
        return status == self.failed or self.failing(status, attempts)

    def due(
        self, status: str, not_before: datetime | None, last_failure: datetime | None, now: datetime
    ) -> bool:
        """Whether a run at ``now`` tries an article: a pending one whose back-off (or
        Retry-After) has passed, or whose clock went back (retry_due)."""
        return status == self.pending and retry_due(not_before, last_failure, now)

    def listed_as(self, status: str, attempts: int, origin: str | None) -> Listed | None:
        """How status lists an article, by whose it is (``origin``: its recorded entry's;
        None: none recorded, a state from before origins): a feed's item failing is
        "failing" under its feed; a backfill's is "backfill waiting" or, given up,
        "backfill gave up"; None: not listed so (not failing; a feed's item given up is
        a "failed article" of its feed's count, as is one of a state without origins)."""
        if origin is None or not self.retried(status, attempts):
            return None
        if origin == "feed":
            return "failing" if self.failing(status, attempts) else None
        return "backfill waiting" if status == self.pending else "backfill gave up"


ARTICLE_STANDING = ArticleStanding()


# What one confirming fetch of a re-check answered (ConfirmRetries.again): a page that
# can be compared with the first; a page sharing almost nothing with the first (a wall,
# an error page); a failed request (a timeout, a 5xx, a 429 without Retry-After); a 429
# with Retry-After (the host asked for a pause); the page gone (a 404, 410, 451).
ConfirmAnswer = Literal["page", "wall", "failed", "paused", "gone"]


@dataclass(frozen=True)
class ConfirmRetries:
    """A re-check's confirming fetch (run/rechecker.py), made again at once when it
    said nothing, up to ``attempts`` in all: a host that walls every second request of
    a burst lets the third through."""

    attempts: int

    def again(self, made: int, answer: ConfirmAnswer) -> bool:
        """Whether another confirming fetch is made after ``made`` of them, the last
        answering ``answer``. A page or a gone page is the answer; a host that asked for
        a pause gets none (its Retry-After is kept, run/recheckgate.py)."""
        if answer not in ("wall", "failed"):
            return False
        return made < self.attempts


def confirm_answer(seen: str, back_off: float | None, says_nothing: bool) -> ConfirmAnswer:
    """What one confirming fetch of a re-check answered (ConfirmAnswer), from what it saw
    (recheck.Seen: "page", "gone", "outage", "not_modified"), the pause its 429 asked for
    (``back_off``: its Retry-After's seconds, else None) and, for a page, whether it
    ``says_nothing`` (shares almost nothing with the first fetch: a wall, an error page).
    Neither a page nor an outage is the site's answer about the page: "gone"."""
    if seen == "outage":
        return "paused" if back_off is not None else "failed"
    if seen == "page":
        return "wall" if says_nothing else "page"
    return "gone"


def recheck_request(seen: str, back_off: float | None) -> tuple[bool, float | None]:
    """What one re-check request's answer does to its host in the run (run/recheckgate.py):
    (whether it counts among the host's failures, HOST_RECHECK_RETRIES: an outage, which
    a bot wall is too; the pause it asks for: a 429's Retry-After seconds, kept for the
    next runs, else None)."""
    failed = seen == "outage"
    return failed, back_off if failed else None


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
# not be online yet; then it stays listed as failed (never silently dropped) and a
# backfill of its URL tries it again (issue 16). Attempts are spaced in time: a run a
# minute after a failure does not spend another attempt on a page that is down for five
# minutes. The next attempt waits a growing delay after the last failure (15 min, 1 h,
# 6 h, then every day; or the server's Retry-After, when that is later), so that the 5
# attempts span more than a day whatever the cron interval; and giving up also requires
# a day to have passed since the article was first recorded, so that no schedule of runs
# can spend them faster.
ARTICLE_RETRIES = ArticleRetries(
    attempts=5,
    waits=(
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(hours=24),
    ),
    span=timedelta(days=1),
)
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


@dataclass(frozen=True)
class Revalidation:
    """When a feed's poll is sent without its validators (no If-None-Match, no
    If-Modified-Since): a broken cache that answers 304 to a stale ETag forever would
    otherwise hide every new item. Unconditional after ``unchanged`` 304s in a row, or
    once ``every`` has passed since its last document (a 200)."""

    unchanged: int
    every: timedelta

    def unconditional(self, unchanged: int, last_document: datetime | None, now: datetime) -> bool:
        """Whether the poll at ``now`` of a feed answered ``unchanged`` 304s in a row
        since its last document, received at ``last_document``, is sent without
        validators (None: no document yet, and no validators either). A clock set back
        (``now`` before ``last_document``) waits for the count."""
        if unchanged >= self.unchanged:
            return True
        return last_document is not None and now - last_document >= self.every

    @staticmethod
    def polled(
        unchanged: int, last_document: datetime | None, *, not_modified: bool, now: datetime
    ) -> tuple[int, datetime | None]:
        """What a successful poll at ``now`` records: the 304s in a row and the time of
        the last document (a 304 counts one more; a document starts the count anew). A
        304 to a feed whose last document is not known (a state from before schema 10)
        starts the day from now: its validators go back as kept until then."""
        if not not_modified:
            return 0, now
        return unchanged + 1, now if last_document is None else last_document


# A feed answered 304 a hundred times in a row, or for a day since its last document, is
# polled once without its validators: at most one full download a day (or per hundred
# polls: every 100 minutes with a run each minute) for a cache that may be stale forever.
FEED_REVALIDATION = Revalidation(unchanged=100, every=timedelta(hours=24))


# Re-checks of one host in one run: a host whose checks fail this many times
# (timeouts, refused connections, 5xx, bot walls) gets no more in that run: a hung host
# would otherwise take a timeout per due article. Its articles stay due, for the next run
# (run/recheckgate.py).
HOST_RECHECK_RETRIES = RetryPolicy(attempts=3)

# A re-check's second fetch that said nothing is made once more (review 19d, 5); then the
# check is inconclusive, and the changed text it saw waits for the next check's first
# fetch to confirm it (recheck_candidate.py).
RECHECK_CONFIRM_RETRIES = ConfirmRetries(attempts=2)

# One image download: with the article as Referer, then once more without one (a
# hotlink refusal, images.retry_without_referer).
IMAGE_HOTLINK_RETRY = RetryPolicy(attempts=2)

# A call to a worker process (extract/workers.py) whose worker died under it is made
# once more, in a new worker: it may have been killed for another call's time limit.
WORKER_DEATH_RETRIES = RetryPolicy(attempts=2)


# A batch of feed items written as posts in one worker call (run/pipeline.py) that
# failed as a whole (a time limit, a worker died, a surprise) is made again item by
# item, so that only the one at fault fails: batch_retried.
def batch_retried(size: int) -> bool:
    """Whether a failed batch of ``size`` items is made again one item at a time: a
    batch of more than one; a single item's failure is its own."""
    return size > 1


# A failure on the wire, by kind (net/transport.network_reason tells it by the
# exception's type).
WireFailure = Literal[
    "certificate", "dns", "refused", "reset", "network", "closed", "malformed", "request"
]


def wire_failure_passes(kind: WireFailure) -> bool:
    """Whether another attempt may help after a failure on the wire of this ``kind``:
    a name that did not resolve, a refused or reset connection, a network error, a
    server that closed the connection before it answered may all pass in a moment; a
    certificate that failed verification stays wrong a second later, a malformed status
    line or headers is the server's bug, which stays, and a request the client could not
    make (an unsupported scheme) is the same the next time."""
    return kind not in ("certificate", "malformed", "request")


# Statuses that usually mean "try again in a moment" (a restart, an overloaded proxy).
RETRY_STATUSES = frozenset({500, 502, 503, 504})


def retry_now(status: int | None, retry_after: float | None, budget_spent: bool) -> bool:
    """Whether one request that failed is tried again at once, within FETCH_RETRIES (net/
    http.py's retry predicate asks this): ``status``, the HTTP status answered (None: no
    answer, a failure on the wire that may pass, as transport.network_reason judged it
    by its type: a timeout, a reset, a body cut short); ``retry_after``, the seconds the
    server asked to wait (None: it named none); ``budget_spent``, the attempt used its
    whole time (a server that stalls once usually stalls again).

    A server error (5xx of RETRY_STATUSES) is tried again unless the server named a time
    to come back: then it gets exactly that, from the caller's schedule (FetchError.
    retry_after), not a hammering. Across runs the same failures are transient
    (articles.permanent): nothing retried now is given up for good."""
    if budget_spent:
        return False
    if status is None:
        return True
    return status in RETRY_STATUSES and retry_after is None


# A permanent redirect must be seen on this many polls in a row before the feed's address
# changes: one misconfigured response should not move a feed.
MOVE_AFTER = 2


# A paged feed's later pages (rel="next") read in one run, past its first: enough for
# the items a busy feed pushes down between two runs, and no crawl of its archive
# (backfill --archives is for that).
MAX_LATER_FEED_PAGES = 10


# -- worker processes: when they pay ------------------------------------------------------


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
