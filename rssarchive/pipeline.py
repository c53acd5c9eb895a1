"""Orchestration only: poll feeds, decide what is new, get each article, write it.

Every feed yields a :class:`FeedResult`; a failure of one feed or one article is recorded
and the batch goes on. The order of work for one article is in ``state.py``.

Threads do the waiting (feeds and pages are fetched in parallel, each host held to its
politeness limits by the HTTP module) and worker processes do the extraction; the state
database and ``_posts`` are only touched from the calling thread, one article at a time.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from . import renames, selection
from .addresses import Allow
from .archive import Archive
from .backlog import Backlog
from .errors import (
    BlockedAddressError,
    ExtractError,
    FetchError,
    ParseError,
    RssArchiveError,
    StateError,
    UsageError,
    reason_of,
)
from .models import Article, Config, ContentMode, Entry, FeedConfig, Post, Response, Selectors
from .state import FeedState, GuidOwner, State
from .urls import is_safe_link, normalize_url

# The stage modules (extraction, feed parsing, rendering, images, sitemaps) are imported
# where they are first used: an hourly run whose feeds all answer 304 needs none of them,
# and trafilatura's import alone costs about a third of a second.
if TYPE_CHECKING:
    from .feeds import ParsedFeed
    from .images import ImageStore
    from .politeness import Admission
    from .rechecker import RecheckReport
    from .workers import ExtractionPool

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

# A feed that failed this many times in a row stops being polled on every run and backs
# off (1 h, 2 h, 4 h ... up to a day): polite to a dead site, and it is never dropped.
BACKOFF_AFTER = 3
BACKOFF_BASE = timedelta(hours=1)
BACKOFF_MAX = timedelta(days=1)
# A permanent redirect must be seen on this many polls in a row before the feed's address
# changes: one misconfigured response should not move a feed.
MOVE_AFTER = 2
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
# articles are extracted in-process, still bounded by extract.py's size and element caps.
POOL_MIN_ARTICLES = 3
# Posts written between two commits of the state database: one directory sync and one
# commit per batch instead of per post. A crash loses nothing: the next run finds the
# batch's posts in _posts by their from: URL.
WRITE_BATCH = 50
# A backfill's pending articles whose entries are read back from the state database at
# a time.
ENTRIES_PER_READ = 200
# Posts made from the feed's own text in one call to a worker process. Such a post costs
# about half a millisecond of CPU, less than a round trip to a worker, so one call
# makes many of them.
FEED_POSTS_PER_CALL = 16
# A feed body at least this large is parsed in a worker process: feedparser needs about
# 0.1 s per megabyte, which would hold up the other feeds' threads, and a worker puts the
# same time limit on a hostile feed as on a hostile page.
PARSE_IN_WORKER_BYTES = 512 * 1024
# A post whose images failed is retried on this many later runs, then left linking the
# original images (they are kept in data-original-src either way).
IMAGE_ATTEMPTS = 5


class Fetcher(Protocol):
    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        referer: str | None = None,
        max_bytes: int = ...,
        # Asked when the request's turn at its host came; False: not sent (http.py).
        admit: Admission | None = None,
    ) -> Response: ...


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
        from .extract import extract_article

        return extract_article(
            page,
            url,
            selectors=selectors,
            content_type=content_type,
            allow_private_addresses=self.allow_private_addresses,
        )


@dataclass
class FeedResult:
    name: str
    url: str
    new: list[str] = field(default_factory=list)  # file names written (or that would be)
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    error: str | None = None  # the feed itself failed
    warnings: list[str] = field(default_factory=list)  # archived, but something was off
    not_modified: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed


@dataclass
class RunReport:
    results: list[FeedResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    polled: int = 0
    dry_run: bool = False
    recheck: RecheckReport | None = None  # the run's re-checks, when it made any

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def new_posts(self) -> int:
        return sum(len(r.new) for r in self.results)

    @property
    def skipped(self) -> int:
        return sum(r.skipped for r in self.results)

    @property
    def failed(self) -> int:
        """Failed articles, plus one for each feed that failed as a whole."""
        return sum(len(r.failed) + (r.error is not None) for r in self.results)

    def summary(self) -> str:
        line = (
            f"feeds polled: {self.polled}, new posts: {self.new_posts}, "
            f"skipped: {self.skipped}, failed: {self.failed}"
        )
        return line + " (dry run: nothing written)" if self.dry_run else line


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
    # Whether the article comes from its page; None until the feed's text is looked at.
    needs_page: bool | None = None
    # Failed attempts before this one (a retry of an earlier run's failure when > 0).
    attempts: int = 0
    # The page's ETag and Last-Modified, for its re-checks' conditional GETs.
    validators: tuple[str | None, str | None] = (None, None)
    # Why its post was made from the feed's text though its page was wanted (said
    # in a warning when it is written).
    feed_text_because: str | None = None


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


@dataclass
class Pipeline:
    config: Config
    client: Fetcher
    state: State
    archive: Archive
    clock: Callable[[], datetime]
    dry_run: bool = False
    # Called with (done, total) after each article; the CLI draws a progress bar with it.
    progress: Callable[[int, int], None] | None = None
    _images: ImageStore | None = field(default=None, init=False)
    _pool: ExtractionPool | None = field(default=None, init=False)
    _pool_lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _stopping: bool = field(default=False, init=False)
    _feeds_by_host: dict[str, FeedConfig] | None = field(default=None, init=False)
    # URL keys (own and where redirects ended) of the posts placed by this run, whose
    # state is settled in batches: the article id of each.
    _placed: dict[str, int] = field(default_factory=dict, init=False)
    # URL keys of the entries this run took on (or in a dry run, listed as new): the
    # same link listed again is a duplicate, not a pending article resumed.
    _recorded: set[str] = field(default_factory=set, init=False)
    # Articles not archived yet whose feed lists them at a new link this run (_record).
    _relinked: set[int] = field(default_factory=set, init=False)
    # A dry run's URL keys of the posts in _posts the state does not know (a killed
    # run's): a real run would adopt them, not write them.
    _adoptable: set[str] = field(default_factory=set, init=False)
    # The report of the command under way: what a stopped one wrote is read from it.
    _report: RunReport | None = field(default=None, init=False)

    @property
    def written(self) -> list[str]:
        """The posts this command has written so far: a command stopped part-way (Ctrl-C,
        a full disk) still names them, as no later run reports them as new."""
        if self._report is None or self.dry_run:
            return []
        return [name for result in self._report.results for name in result.new]

    @property
    def _allow_private(self) -> Allow:
        return self.config.network.allow_private_addresses

    # -- entry points ---------------------------------------------------------------

    def run(self) -> RunReport:
        try:
            return self._kept(self._rechecked(self._run()))
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: nobody waits for the workers
            self._close_workers(kill=True)
            raise
        except RssArchiveError as exc:
            self._record_abort(exc)
            raise
        finally:
            self._close_workers()

    def _run(self) -> RunReport:
        report = RunReport()
        jobs = self._prepare(report)
        due: list[tuple[FeedConfig, FeedState, FeedResult]] = []
        for feed in self.config.feeds:
            result = FeedResult(feed.name, feed.url)
            report.results.append(result)
            fstate = self.state.feed(feed.url, feed.name)
            if self._not_due(feed, fstate, result):
                continue
            # max_items changed: what the old cap dropped is in a document the server
            # would answer 304 for.
            fstate = selection.unconditional_if_changed(self.state, feed, fstate)
            due.append((feed, fstate, result))
        report.polled = len(due)
        due = _round_robin(due, lambda item: _host(item[1].moved_to or item[0].url))
        polls = self._parallel(lambda item: self._fetch_feed(item[0], item[1]), due)
        finished: list[tuple[_Poll, FeedResult]] = []
        # Old backfills' retries go after the feeds' items: this run is about its feeds,
        # and a host's turns go to them first.
        retries = [job for job in jobs if job.entry.origin != "feed"]
        jobs = [job for job in jobs if job.entry.origin == "feed"]
        known = len(jobs)
        with self._batch():  # every new item recorded as pending in one commit
            for (_, _, result), poll in zip(due, polls, strict=True):
                jobs.extend(self._new_jobs(poll, result))
                finished.append((poll, result))
        if self._relinked:  # their old links' jobs: the new ones replace them
            old = [job for job in jobs[:known] if job.article_id not in self._relinked]
            jobs, known = old + jobs[known:], len(old)
            retries = [job for job in retries if job.article_id not in self._relinked]
        if len(jobs) > known:
            # The new pending rows are copied too, before their work starts: a run
            # killed now whose database is then corrupted still knows those articles
            # (an item gone from the feed by then would otherwise be lost). Only when
            # there are new ones: the copy costs 50-120 ms at 10,000 articles.
            self._kept(report)
        jobs.extend(retries)
        self._work(jobs)
        with self._batch():
            for poll, result in finished:
                self._record_poll(poll, result)
        return report

    def _rechecked(self, report: RunReport) -> RunReport:
        """The run's re-checks of archived articles, after its own work, within their
        budget (rechecker.py); their failures are warnings, never the run's exit code."""
        if self.dry_run:
            return report
        from .rechecker import Rechecker

        try:
            report.recheck = Rechecker(self.config, self.client, self.state, self.clock).run()
        except RssArchiveError as exc:
            report.warnings.append(f"re-checks: {exc}")
        return report

    def _kept(self, report: RunReport) -> RunReport:
        """A completed run's state, copied beside the database (state.keep_copy); a copy
        that cannot be written is a warning: the run itself is done."""
        if not self.dry_run:
            try:
                self.state.keep_copy()
            except StateError as exc:
                if str(exc) not in report.warnings:  # said once, if both copies fail
                    report.warnings.append(str(exc))
        return report

    def _record_abort(self, exc: RssArchiveError) -> None:
        """A run stopped by an error (a full disk, an unwritable _posts): every feed's
        run failed, so that status says so. No backoff: the fault is ours, not the
        sites'. Best effort: the state may be what cannot be written."""
        if self.dry_run:
            return
        record_run_failure(self.state, self.config.feeds, reason_of(exc), self.clock())

    def backfill(
        self,
        urls: Iterable[str],
        feed_name: str | None = None,
        *,
        sitemaps: Sequence[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        archives: bool = False,
    ) -> RunReport:
        """Archive the given article URLs, the articles of sitemaps (within [since,
        until]), and with ``archives`` the items of the feeds' RFC 5005 archive pages."""
        try:
            return self._kept(self._backfill(urls, feed_name, sitemaps, since, until, archives))
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: nobody waits for the workers
            self._close_workers(kill=True)
            raise
        finally:
            self._close_workers()

    def _backfill(
        self,
        urls: Iterable[str],
        feed_name: str | None,
        sitemaps: Sequence[str],
        since: datetime | None,
        until: datetime | None,
        archives: bool,
    ) -> RunReport:
        report = RunReport()
        jobs = self._prepare(report)
        chosen = None if feed_name is None else self._feed_named(feed_name)
        results: dict[str, FeedResult] = {}
        # (url, the date the sitemap lists it with): the date serves when the page has none.
        from_sitemaps: list[tuple[str, datetime | None]] = []
        for root in sitemaps:
            from_sitemaps.extend(self._sitemap_urls(root, since, until, report))
        backlog: _Pending = Backlog()
        if archives:
            for feed in (chosen,) if chosen else self.config.feeds:
                self._record_archives(feed, report, backlog)
        listed_urls = ((url, None) for url in urls)
        for raw, listed in itertools.chain(listed_urls, from_sitemaps):
            url = raw.strip()
            feed = chosen or self._feed_for(url)
            result = results.get(feed.name)
            if result is None:
                result = results[feed.name] = FeedResult(feed.name, "backfill")
                report.results.append(result)
            if not is_safe_link(url):
                result.failed.append((url, "not an absolute http(s) URL"))
                continue
            entry = Entry(title="", link=url, origin="url", listed=listed)
            article_id = self._record(feed, entry, result, again=True)
            if article_id is not None:
                backlog.add(_host(url), f"page {feed.name}", (feed, result, "page"), article_id)
                if len(backlog) == POOL_MIN_ARTICLES:
                    # Start the workers now: their start-up overlaps recording the rest
                    # of a long list instead of following it.
                    self._workers().warm()
        from_sitemaps.clear()
        # The quiet retries of URLs handed again: their new jobs replace them.
        jobs = [job for job in jobs if job.article_id not in self._relinked]
        self._work(jobs, backlog)
        return report

    def _sitemap_urls(
        self, root: str, since: datetime | None, until: datetime | None, report: RunReport
    ) -> list[tuple[str, datetime | None]]:
        """The article URLs reachable from a sitemap, each with the date it is listed
        with (news:publication_date, else lastmod); failures become report lines."""
        result = FeedResult("sitemap", root)
        report.results.append(result)

        def failed(url: str, reason: str) -> None:
            result.failed.append((url, reason))

        def warned(url: str, message: str) -> None:
            result.warnings.append(f"{url}: {message}")

        from .sitemaps import MAX_SITEMAP_BYTES, walk_sitemaps

        def fetch(url: str) -> bytes:
            return self.client.get(url, max_bytes=MAX_SITEMAP_BYTES).content

        entries = walk_sitemaps(
            root, fetch, since=since, until=until, on_error=failed, on_warning=warned
        )
        try:
            return [(entry.url, entry.date) for entry in entries]
        except RssArchiveError as exc:  # the root itself failed; other sources go on
            # An error that carries its URL (a fetch's) names it already; a parse error
            # does not.
            result.error = str(exc) if exc.url is not None else f"{root}: {exc}"
            return []

    def _record_archives(self, feed: FeedConfig, report: RunReport, backlog: _Pending) -> None:
        """Record the items of a feed and of its RFC 5005 archive pages as pending, into
        ``backlog``: their entries (content and all) wait in the state database."""
        result = FeedResult(feed.name, feed.url)
        report.results.append(result)

        from .feeds import parse_feed
        from .sitemaps import walk_archives

        def fetch_feed(url: str) -> ParsedFeed:
            response = self.client.get(url)
            return parse_feed(
                response.content,
                response.url,
                content_type=response.headers.get("content-type"),
                max_items=feed.max_items,
            )

        def failed(url: str, reason: str) -> None:
            result.failed.append((url, reason))

        pages = walk_archives(feed.url, fetch_feed, on_error=failed)
        try:
            for _, page in pages:
                report.polled += 1
                entries, listed = self._identified(page.entries, result)
                for entry in reversed(entries):
                    article_id = self._record(
                        feed, replace(entry, origin="archive"), result, listed=listed
                    )
                    if article_id is not None:
                        host, key = _host(entry.link or ""), (feed, result, feed.content)
                        backlog.add(host, f"archive {feed.name}", key, article_id)
        except RssArchiveError as exc:  # the feed itself failed; other feeds go on
            result.error = str(exc)

    # -- stages ---------------------------------------------------------------------

    def _prepare(self, report: RunReport) -> list[_Job]:
        """Adopt posts already in ``_posts``; return the work a killed run left."""
        report.dry_run = self.dry_run
        self._report = report
        if not self.dry_run:  # a feed renamed in the config keeps what it archived
            report.warnings.extend(renames.follow(self.state, self.config.feeds))
        if self.dry_run:
            self._list_pending(report)
            return []
        self.archive.remove_stray_temp_files()
        if any(feed.images == "local" for feed in self.config.feeds):
            self._image_store().remove_temp_files()
        adopted = by_url_only = 0
        for name, url in self.archive.scan(self.state.known_filenames()):
            url_key = normalize_url(url)
            # A row the state had (pending, failed) keeps its guid; a new one has none.
            had_row = self.state.status_of(url_key) is not None
            # Counted for the feed of its host (status shows each feed's posts); the
            # post itself does not name its feed.
            owner = self._feed_for(url).name if self.config.feeds else ""
            if self.state.adopt(
                url_key=url_key, url=url, filename=name, now=self.clock(), feed=owner
            ):
                adopted += 1
                by_url_only += not had_row
                self._adopt_images(name, url)
        # After adoption: the retries of posts whose state was lost are found there.
        self._retry_images(report)
        self._warn_recovered(report, adopted, by_url_only)
        from .missingposts import warn_missing  # posts deleted by hand: said once

        report.warnings.extend(warn_missing(self.state, self.archive, dry_run=False))
        jobs: list[_Job] = []
        recovery: dict[str, FeedResult] = {}
        for pending in self.state.pending(self.clock()):
            feed = self._feed_named_or_first(pending.feed)
            result = recovery.get(feed.name)
            if result is None:
                result = recovery[feed.name] = FeedResult(feed.name, "recovery")
                report.results.append(result)
            # A URL handed to backfill has only its page, whatever the feed's content mode.
            mode: ContentMode = "page" if pending.entry.origin == "url" else feed.content
            jobs.append(
                _Job(feed, pending.entry, mode, result, pending.id, attempts=pending.attempts)
            )
        return jobs

    def _list_pending(self, report: RunReport) -> None:
        """A dry run's view of the work earlier runs left (a killed run's articles): the
        posts a real run would write for them, as "would write" lines. Those whose post
        reached _posts already (the run was killed before recording it) a real run
        adopts instead: they are archived already."""
        recovery: dict[str, FeedResult] = {}
        for _, url in self.archive.scan(self.state.known_filenames()):
            self._adoptable.add(normalize_url(url))
        if self._adoptable:  # what a real run says it adopted (_warn_recovered)
            report.warnings.append(
                f"would adopt {len(self._adoptable)} existing posts from "
                f"{self.archive.posts_dir} that the state database does not know; they "
                "would not be archived again"
            )
        for pending in self.state.pending(self.clock()):
            if normalize_url(pending.url) in self._adoptable:
                continue
            feed = self._feed_named_or_first(pending.feed)
            result = recovery.get(feed.name)
            if result is None:
                result = recovery[feed.name] = FeedResult(feed.name, "recovery")
                report.results.append(result)
            link = pending.entry.link or pending.url
            taken = functools.partial(self.archive.taken_by_other, url=link)
            entry = replace(pending.entry, link=link)
            result.new.append(self._render(feed, entry, None, taken=taken).filename)

    def _warn_recovered(self, report: RunReport, adopted: int, by_url_only: int) -> None:
        """Say how a lost or corrupt state database came back, and what it cost."""
        state, posts_dir = self.state, self.archive.posts_dir
        # Posts now known by their from: URL only: a guid no longer recognises them.
        lost = (
            f"; {by_url_only} articles lost their guid identity (one whose link changes "
            "will be archived again)"
            if by_url_only
            else ""
        )
        if state.restored_from is not None:
            what = (
                f"corrupt (moved to {state.rebuilt_from})"
                if state.rebuilt_from is not None
                else "missing"
            )
            report.warnings.append(
                f"state database was {what}; restored from its copy {state.restored_from}"
                f" and {adopted} posts written since in {posts_dir}{lost}"
            )
        elif state.rebuilt_from is not None:
            report.warnings.append(
                f"state database was corrupt (moved to {state.rebuilt_from}) and has no "
                f"good copy; rebuilt from {adopted} posts in {posts_dir}{lost}"
            )
        elif adopted and state.created:
            report.warnings.append(
                f"new state database: adopted {adopted} existing posts from "
                f"{posts_dir}; they will not be archived again{lost}"
            )

    def _adopt_images(self, name: str, url: str) -> None:
        """An adopted post that still links remote images its feed would archive gets
        its image retries back (they were lost with the state, or with a failed
        commit)."""
        if self._feed_for(url).images != "local":
            return
        from .images import remote_images

        parts = _post_parts(self.archive.read(name))
        if parts is not None and remote_images(parts[1], url):
            self.state.image_retry(name, url, attempted=False)

    def _not_due(self, feed: FeedConfig, fstate: FeedState, result: FeedResult) -> bool:
        if fstate.gone:
            result.error = (
                f"{feed.url}: feed is gone (HTTP 410); remove it from the config "
                "or give it a new url"
            )
            return True
        if fstate.next_allowed and self.clock() < datetime.fromisoformat(fstate.next_allowed):
            result.error = (
                f"{feed.url}: not polled until {fstate.next_allowed} after "
                f"{fstate.failures} failures; last error: {fstate.last_error}"
            )
            return True
        return False

    def _fetch_feed(self, feed: FeedConfig, fstate: FeedState) -> _Poll:
        """Network and parsing only (runs in a thread): no state, no files."""
        poll = _Poll(feed, fstate)
        try:
            poll.response = self.client.get(
                fstate.moved_to or feed.url, etag=fstate.etag, last_modified=fstate.last_modified
            )
            if not poll.response.not_modified:
                poll.parsed = self._parse(poll.response, feed.max_items)
        except FetchError as exc:
            poll.error = exc
        except ParseError as exc:  # the parser does not know the URL: said as fetches are
            assert poll.response is not None
            poll.error = ParseError(reason_of(exc), url=exc.url or poll.response.url)
        return poll

    def _parse(self, response: Response, max_items: int) -> ParsedFeed:
        from .feeds import parse_feed

        body, url = response.content, response.url
        content_type = response.headers.get("content-type")
        if len(body) < PARSE_IN_WORKER_BYTES:
            return parse_feed(body, url, content_type=content_type, max_items=max_items)
        try:
            return self._workers().run(
                url, parse_feed, body, url, content_type=content_type, max_items=max_items
            )
        except ExtractError as exc:  # the worker's time limit, or the worker died
            raise ParseError(reason_of(exc), url=exc.url) from exc

    def _new_jobs(self, poll: _Poll, result: FeedResult) -> Iterator[_Job]:
        if poll.error is not None:
            result.error = str(poll.error)
            return
        if poll.parsed is None:
            result.not_modified = True
            return
        result.warnings.extend(poll.parsed.warnings)
        entries, listed = self._identified(poll.parsed.entries, result)
        _warn_collapsed(entries, result)
        # Oldest first, so that a feed's posts are written in the order they appeared.
        for entry in reversed(entries):
            job = self._begin(poll.feed, entry, result, mode=poll.feed.content, listed=listed)
            if job is not None:
                yield job

    def _identified(
        self, entries: Sequence[Entry], result: FeedResult
    ) -> tuple[list[Entry], frozenset[str]]:
        """The entries of one feed document without the guids its items share (see
        _without_shared_guids; such a guid is recorded as reused: it identifies nothing
        from now on), and the URL keys of all the links it lists."""
        shared = _shared_guids(entries, result)
        if shared and not self.dry_run:
            for guid in sorted(shared):
                self.state.reuse_guid(guid)
        shared |= self._site_root_guids(entries, result)
        listed = frozenset(
            normalize_url(e.link) for e in entries if e.link and is_safe_link(e.link)
        )
        return _without_shared_guids(entries, result, shared), listed

    def _site_root_guids(self, entries: Sequence[Entry], result: FeedResult) -> set[str]:
        """The guids of one feed document that are a site's own address (its home
        page, identity.is_site_root): they name the site, not an article, so they
        identify nothing from the start; recorded as reused, said once."""
        from .identity import is_site_root

        roots = {
            key: (entry.guid or "").strip()
            for entry in entries
            if (key := _guid_key(entry.guid)) is not None and is_site_root(key)
        }
        for guid in sorted(roots):
            if self.state.guid_reused(guid):
                continue
            result.warnings.append(
                f"the guid {roots[guid]!r} is a site's address, not an article's; "
                "items are identified by their links"
            )
            if not self.dry_run:
                self.state.reuse_guid(guid)
        return set(roots)

    def _begin(
        self,
        feed: FeedConfig,
        entry: Entry,
        result: FeedResult,
        *,
        mode: ContentMode,
        listed: frozenset[str] = frozenset(),
    ) -> _Job | None:
        """Record a new entry as pending and return its job; None when it is known."""
        article_id = self._record(feed, entry, result, listed=listed)
        return None if article_id is None else _Job(feed, entry, mode, result, article_id)

    def _record(
        self,
        feed: FeedConfig,
        entry: Entry,
        result: FeedResult,
        *,
        again: bool = False,
        listed: frozenset[str] = frozenset(),
    ) -> int | None:
        """Record a new entry as pending and return its id; None when it is known (or
        the run is a dry run). ``again``: an article that failed for good is tried once
        more (a URL someone hands to backfill again). ``listed``: the URL keys of the
        feed document the entry is from (see _by_guid).

        An entry whose article is pending is neither new nor skipped here: this run
        resumes it (the pending rows are its jobs already, see _prepare), or it waits
        for a server's Retry-After; either way it is not "archived already"."""
        link = entry.link
        if link is None or not is_safe_link(link):
            # Said on every run that lists it: it is never archived, and a feed that
            # lists it keeps listing it (an enclosure alone is no article's page).
            result.warnings.append(f"{_item_name(entry)} has no usable link; skipped")
            result.skipped += 1
            return None
        url_key = normalize_url(link)
        guid_key = _guid_key(entry.guid)
        if url_key in self._recorded:  # listed twice: taken on (or listed) once already
            result.skipped += 1
            return None
        known = self.state.lookup(url_key)
        if known is not None and self._retaken(feed, entry, known, url_key, guid_key):
            return known[0]
        if known is not None:
            if known[1] == "pending" and url_key not in self._adoptable:
                return self._asked_now(known[0], url_key) if again else None
            # Handed to backfill: one given up is tried again, and one archived whose
            # post was deleted by hand is archived again.
            if not (again and (known[1] == "failed" or self._post_gone(known[0]))):
                result.skipped += 1
                if known[1] == "done":
                    self._say_taken(entry, known[0], guid_key, result)
                return None
        elif guid_key is not None:
            owner, guid_key = self._by_guid(feed, entry, url_key, guid_key, listed, result)
            if owner is not None and owner.status != "done" and not self.dry_run:
                # Not archived yet, and now listed at another link: that link is the one
                # fetched from now on (the old one may be the page that fails), with its
                # attempts anew. The job _prepare made for the old link is dropped.
                self.state.relink(owner.id, url_key, entry, self.clock())
                self._relinked.add(owner.id)
                self._recorded.add(url_key)
                return owner.id
            if owner is not None:
                result.skipped += owner.status != "pending"
                return None
        self._recorded.add(url_key)
        if self.dry_run and url_key in self._adoptable:
            result.skipped += 1  # its post is in _posts: a real run adopts it first
            return None
        if entry.date_problem is not None:  # said once: when the item is taken on
            dated = (
                "at archiving time"
                if feed.content == "feed"
                else "by its page, else at archiving time"
            )
            result.warnings.append(f"{link}: {entry.date_problem}; dated {dated}")
        if self.dry_run:
            taken = functools.partial(self.archive.taken_by_other, url=link)
            result.new.append(self._render(feed, entry, None, taken=taken).filename)
            return None
        return self.state.begin(
            url_key=url_key, guid_key=guid_key, feed=feed.name, entry=entry, now=self.clock()
        )

    def _post_gone(self, article_id: int) -> bool:
        """Whether an archived article's post is gone from _posts (deleted by hand)."""
        name = self.state.filename_of(article_id)
        return name is not None and not (self.archive.posts_dir / name).exists()

    def _asked_now(self, article_id: int, url_key: str) -> int | None:
        """A URL handed to backfill while it waits for a retry: the user asks now, so
        it is tried now, whatever its back-off, and its outcome is this command's own
        (a failure counted and named, exit 1). The job _prepare may have made for it
        (a quiet retry) is dropped."""
        if self.dry_run:
            return None
        self._relinked.add(article_id)
        self._recorded.add(url_key)
        return article_id

    def _say_taken(
        self, entry: Entry, article_id: int, guid_key: str | None, result: FeedResult
    ) -> None:
        """Say, once per item, that an item is skipped for an archived article at its
        link (the same page, a #fragment, a shared link) though its guid is another's:
        two items, one post. Within one document _warn_collapsed says so; across runs
        this does. Once: the item's guid is recorded as said (the meta table)."""
        if guid_key is None:
            return
        archived = self.state.url_and_guid(article_id)
        if archived is None or archived[1] is None or archived[1] == guid_key:
            return
        said = f"taken {article_id} {guid_key}"
        if self.state.meta_value(said) is not None:
            return
        result.warnings.append(
            f"{entry.link}: its guid {(entry.guid or '').strip()!r} is not that of the "
            f"archived {archived[0]}, but its link is; taken for that article, not "
            "archived again"
        )
        if not self.dry_run:
            self.state.set_meta({said: "1"})

    def _retaken(
        self,
        feed: FeedConfig,
        entry: Entry,
        known: tuple[int, str],
        url_key: str,
        guid_key: str | None,
    ) -> bool:
        """Whether a feed's item takes on again an article a backfill (or a sitemap,
        an archive page) took on and did not archive: one waiting for a retry is
        written from the item's entry (its title, date and text, not the page-only
        placeholder a URL gets), one given up is tried again. The feed listing it is new
        evidence. The job _prepare made from the old entry is dropped."""
        article_id, status = known
        if entry.origin != "feed" or status == "done" or self.dry_run:
            return False
        stored = self.state.entry_of(article_id)
        if stored is None or stored.origin == "feed":
            return False
        self.state.retake(article_id, entry, feed=feed.name, guid_key=guid_key, now=self.clock())
        self._relinked.add(article_id)
        self._recorded.add(url_key)
        return True

    def _by_guid(
        self,
        feed: FeedConfig,
        entry: Entry,
        url_key: str,
        guid_key: str,
        listed: frozenset[str],
        result: FeedResult,
    ) -> tuple[GuidOwner | None, str | None]:
        """The article an entry unknown by its link is, by its guid: (that article,
        the guid), or (None, the guid to record with the new article: None when the
        guid is reused). The rule and why it is so: identity.py.

        A guid found reused is said in a warning and recorded (reused_guids): from then
        on it identifies nothing, and is no longer warned about."""
        if self.state.guid_reused(guid_key):
            return None, None
        # Identity by guid is per feed: two feeds' ids are not one namespace (two
        # editions' "brief-1" are two articles).
        owners = [o for o in self.state.guid_owners(guid_key) if o.feed == feed.name]
        if not owners:
            return None, guid_key
        reason = ""
        still_listed = next((o for o in owners if o.keys & listed), None)
        if still_listed is not None:
            reason = f"{still_listed.url}, still listed at its own link"
        elif url_key == guid_key:
            # The guid is a URL, and it is this item's own address: the archived
            # article named it as its permanent address (rule (b) of identity.py),
            # unless its date (or, without dates to confirm, its title) says otherwise.
            from .identity import permalink_differs

            why = self._differs(entry, owners[0], permalink_differs)
            if why is None:
                self._moved(entry, owners[0], "its guid is its link", result)
                if not self.dry_run:
                    self.state.alias(url_key, owners[0].id)
                return owners[0], guid_key
            reason = f"{owners[0].url}, {why}"
        else:
            for owner in owners:
                why = self._differs(entry, owner)
                if why is None:
                    from .identity import same_by

                    how = self._differs(entry, owner, same_by) or "same guid, title and date"
                    self._moved(entry, owner, how, result)
                    if not self.dry_run:  # its new link is known from now on
                        self.state.alias(url_key, owner.id)
                    return owner, guid_key
                reason = reason or f"{owner.url}, {why}"
        result.warnings.append(
            f"{entry.link}: its guid {(entry.guid or '').strip()!r} is that of another "
            f"article ({reason}); "
            "archived as a new article, and the guid identifies no article from now on"
        )
        if not self.dry_run:
            self.state.reuse_guid(guid_key)
        return None, None

    def _moved(self, entry: Entry, owner: GuidOwner, how: str, result: FeedResult) -> None:
        """Say a move taken by guid, once: when first seen (its new link is an alias
        from then on, found by its link). A guess that is wrong is then a loss said
        out loud, with both links to check."""
        if owner.status == "done":
            said = f"is taken for the archived {owner.url} ({how}); not archived again"
        else:
            said = f"is taken for {owner.url}, not archived yet ({how}); fetched at its new link"
        result.warnings.append(f"{entry.link} {said}")

    def _differs(
        self,
        entry: Entry,
        owner: GuidOwner,
        rule: Callable[[str | None, datetime | None, str | None, datetime | None], str | None]
        | None = None,
    ) -> str | None:
        """Why the entry is not the article ``owner`` (identity.differs, or ``rule``),
        by the title and date it was archived with: its post's, or while not done, its
        entry's."""
        from .identity import differs, post_says_its_date, post_title_and_date

        title: str | None
        mine = entry.published
        if owner.entry is not None:
            title, published = owner.entry.title, owner.entry.published
        elif owner.filename is not None:
            text = self.archive.read(owner.filename)
            if text is None:
                return "its post cannot be read"
            title, published = post_title_and_date(text)
            if not post_says_its_date(text):
                mine = None  # its date unknown, not absent: the title decides, as before
        else:
            return "nothing archived to compare with"
        return (rule or differs)(entry.title, mine, title, published)

    def _work(self, jobs: list[_Job], backlog: _Pending | None = None) -> None:
        """Get, render and stage every job, then every article of ``backlog``, in threads
        (extraction in worker processes); name, place and record each post here, one at
        a time. ``jobs`` is emptied: each job is let go once written, and the backlog's
        jobs are made a few hundred at a time, so memory does not grow with the size of
        a run."""
        total = len(jobs) + (len(backlog) if backlog is not None else 0)
        if not total:
            return
        extractor = self._extractor(total)
        if backlog or not all(self._from_feed_text(job) for job in jobs):
            extractor.warm()  # pages will be extracted: have the workers ready for them
        queued = deque(_round_robin(jobs, lambda job: _host(job.entry.link or "")))
        jobs.clear()
        units = self._units(queued, backlog)
        # Jobs whose feed text proved to be a summary: their pages come next.
        to_fetch: deque[list[_Job]] = deque()
        written: list[tuple[_Job, str]] = []
        in_flight: dict[Future[list[_Outcome]], list[_Job]] = {}
        # Futures in the order they finish. (concurrent.futures.wait would lock and
        # unlock every future in flight for each one that finishes.)
        finished: queue.SimpleQueue[Future[list[_Outcome]]] = queue.SimpleQueue()
        done = jobs_in_flight = 0
        with ThreadPoolExecutor(min(FETCH_THREADS, total)) as threads:

            def refill() -> None:
                # A bounded window: memory stays flat however many jobs there are.
                nonlocal jobs_in_flight
                while len(in_flight) < MAX_IN_FLIGHT and jobs_in_flight < MAX_JOBS_IN_FLIGHT:
                    unit = to_fetch.popleft() if to_fetch else next(units, None)
                    if unit is None:
                        return
                    future = threads.submit(self._stage_unit, unit, extractor)
                    in_flight[future] = unit
                    jobs_in_flight += len(unit)
                    future.add_done_callback(finished.put)

            try:
                refill()
                while in_flight:
                    future = finished.get()
                    unit = in_flight.pop(future)
                    jobs_in_flight -= len(unit)
                    for job, outcome in zip(unit, future.result(), strict=True):
                        if outcome is None:
                            job.needs_page = True
                            to_fetch.append([job])
                            continue
                        if isinstance(outcome, _FeedGiven):
                            items = self._feed_items(job, outcome.feed)
                            to_fetch.extend([item] for item in items)
                            total += len(items)
                            done += 1
                            continue
                        self._write(job, outcome, written)
                        done += 1
                        if self.progress is not None:
                            self.progress(done, total)
                    if len(written) >= WRITE_BATCH:
                        self._settle(written)
                    refill()
            except BaseException as exc:
                # A write failed (disk full …): stop; pending rows redo the rest, and
                # the next run removes the staged files nobody placed.
                for other in in_flight:
                    other.cancel()
                if isinstance(exc, KeyboardInterrupt):
                    # Ctrl-C or SIGTERM: the threads are about to be waited for, and
                    # those waiting on a worker must not wait for its page.
                    self._close_workers(kill=True)
                raise
            finally:
                self._settle(written)

    def _units(self, jobs: deque[_Job], backlog: _Pending | None = None) -> Iterator[list[_Job]]:
        """The jobs in units of work: a job that may need its page alone, and jobs whose
        post may come from the feed's text alone (pure CPU work) many to a unit. Each
        job leaves ``jobs`` as it is handed out; when they are all out, the next articles
        of ``backlog`` become jobs."""
        chunk: list[_Job] = []
        while jobs or backlog:
            if not jobs:
                assert backlog is not None
                if chunk:  # feed-text posts do not wait for the backlog after them
                    yield chunk
                    chunk = []
                jobs.extend(self._backlog_jobs(backlog.take(ENTRIES_PER_READ)))
                continue
            job = jobs.popleft()
            if not self._from_feed_text(job):
                yield [job]
                continue
            chunk.append(job)
            if len(chunk) == FEED_POSTS_PER_CALL:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _backlog_jobs(
        self, taken: list[tuple[tuple[FeedConfig, FeedResult, ContentMode], int]]
    ) -> list[_Job]:
        """Jobs for a backfill's articles, their entries read back from the state
        database (an id whose row is no longer pending has nothing left to do)."""
        entries = self.state.pending_entries([article_id for _, article_id in taken])
        return [
            _Job(feed, entries[article_id], mode, result, article_id)
            for (feed, result, mode), article_id in taken
            if article_id in entries
        ]

    @staticmethod
    def _from_feed_text(job: _Job) -> bool:
        """Whether the job's post is tried from the feed's text in a worker process."""
        if job.needs_page is not None or job.feed.images == "local":
            return False
        return job.mode == "feed" or (
            job.mode == "auto" and bool((job.entry.content or "").strip())
        )

    def _stage_unit(self, unit: list[_Job], extractor: Extractor) -> list[_Outcome]:
        """Each job's staged post, its error, or None when it needs its page (a thread)."""
        if not self._from_feed_text(unit[0]):
            try:
                return [self._stage(unit[0], extractor)]
            except (FetchError, ExtractError, ParseError, _FeedGiven) as exc:
                return [exc]
        items = [(job.feed, job.entry, job.mode) for job in unit]
        label, now = unit[0].entry.link or "", self.clock()
        try:
            posts = extractor.run(label, feed_posts, items, now, self._allow_private)
        except ExtractError as exc:  # a worker's time limit, or a worker died
            if len(unit) == 1:
                return [exc]
            # Each item again on its own, so that only the one at fault fails.
            return [self._stage_unit([job], extractor)[0] for job in unit]
        # Written here, not in the worker: a worker waiting on the disk computes nothing.
        return [
            _Staged(post, self.archive.stage(post.text)) if isinstance(post, Post) else post
            for post in posts
        ]

    def _stage(self, job: _Job, extractor: Extractor) -> _Staged:
        """Article, post text and its flushed temporary file (runs in a thread)."""
        needs_page = self._needs_page(job) if job.needs_page is None else job.needs_page
        job.needs_page = needs_page  # re-checks compare a page's text only with a page's
        article = self._article(job, extractor, needs_page=needs_page)
        post = self._render(job.feed, job.entry, article)
        return _Staged(post, self.archive.stage(post.text))

    def _settle(self, written: list[tuple[_Job, str]]) -> None:
        """Mark a batch of written posts done: their renames are made durable first, so
        the state never says done for a post a power cut could still take back."""
        if not written:
            return
        self.archive.sync()
        with self.state.batch():
            for job, name in written:
                self.state.finish(job.article_id, name, self.clock())
                self._schedule_recheck(job)
                if job.image_failures:
                    self.state.image_retry(name, job.page_url, attempted=False)
        written.clear()

    def _schedule_recheck(self, job: _Job) -> None:
        from .recheck import next_due

        now = self.clock()
        due = next_due(now, job.feed.recheck, now)
        self.state.schedule_recheck(
            job.article_id, now, due, from_page=bool(job.needs_page), validators=job.validators
        )

    def _write(
        self, job: _Job, staged: _Staged | RssArchiveError, written: list[tuple[_Job, str]]
    ) -> None:
        """Name and place one staged post (its state is settled later, in a batch)."""
        from .render import post_filename

        link = job.entry.link
        assert link is not None
        if isinstance(staged, RssArchiveError):
            fallback = self._feed_text_instead(job, staged)
            if fallback is None:
                self._failed(job, link, staged)
                return
            staged = fallback
        keys = [normalize_url(link)]
        if job.page_url and normalize_url(job.page_url) != keys[0]:
            keys.append(normalize_url(job.page_url))  # where its redirects ended
        if self._same_as_archived(job, keys, staged):
            return
        post = staged.post
        name = post.filename
        if self.archive.taken_by_other(name, post.url):
            # Names are only decided here, one post at a time, so two articles staged
            # at once can never be given the same file.
            name = post_filename(
                name[:10],
                post.title,
                post.url,
                functools.partial(self.archive.taken_by_other, url=post.url),
            )
        # Named before it is placed: a run stopped (Ctrl-C) just after the rename still
        # names it among the posts it wrote (Pipeline.written); not if it never got there.
        job.result.new.append(name)
        try:
            self.archive.place(staged.temp, name, sync_dir=False)
        except BaseException:
            if not (self.archive.posts_dir / name).exists():
                job.result.new.pop()
            raise
        written.append((job, name))
        for key in keys:
            self._placed[key] = job.article_id
        if len(keys) > 1:  # a later link to the final URL is this article
            self.state.alias(keys[1], job.article_id)
        if job.feed_text_because is not None:
            job.result.warnings.append(
                f"{link}: its page failed ({job.feed_text_because}); archived from the "
                "feed's text instead"
            )
        if job.image_failures:
            for image, reason in job.image_failures:
                job.result.warnings.append(f"{image}: image kept remote ({reason})")
        log.debug("%s: wrote %s", job.feed.name, name)

    def _feed_text_instead(self, job: _Job, exc: RssArchiveError) -> _Staged | None:
        """With ``content: auto``, the post from the feed's text for an article whose
        page failed for good (permanently, or on the attempt that gives it up): a post
        of the feed's text beats no post. None when there is none to make."""
        from .extract import article_from_feed

        if job.mode != "auto" or not (job.entry.content or "").strip():
            return None
        if not (_permanent(exc) or self.state.gives_up(job.article_id, self.clock())):
            return None  # a later attempt may still get the page
        job.feed_text_because = reason_of(exc)
        post = self._render(job.feed, job.entry, article_from_feed(job.entry, self._allow_private))
        return _Staged(post, self.archive.stage(post.text))

    def _same_as_archived(self, job: _Job, keys: list[str], staged: _Staged) -> bool:
        """Whether the page is an article archived already (by this run or an earlier
        one) under another URL: one that redirects to the same page, or the page a
        redirect ended at. Then nothing is written; the URL becomes an alias of it."""
        other = next(
            (
                self._placed[k]
                for k in keys
                if self._placed.get(k, job.article_id) != job.article_id
            ),
            None,
        )
        if other is None:
            other = self.state.archived_as(keys, job.article_id)
        if other is None:
            return False
        self.archive.discard(staged.temp)
        self.state.forget(job.article_id)
        self.state.alias(keys[0], other)
        job.result.skipped += 1
        # Said, not logged: distinct items whose pages end at one URL (a consent wall,
        # a redirect to the home page) are otherwise lost without a word.
        job.result.warnings.append(
            f"{job.entry.link}: its page is {job.page_url}, an article archived already"
            " under another link; not archived again"
        )
        return True

    def _failed(self, job: _Job, link: str, exc: RssArchiveError) -> None:
        """Record and report a failed article.

        An item of a polled feed is retried by the next runs (MAX_ATTEMPTS in all), as
        its page may not be online yet. What a backfill took on ends at once when the
        failure is permanent (see _permanent); a transient one is retried by later
        runs, which say nothing of it until they give up, and then say so once: their
        exit codes and failed: lines stay about their own feeds.
        """
        from .state import MAX_ATTEMPTS

        now, reason = self.clock(), reason_of(exc)
        # A server that named a time to come back (Retry-After) is not asked earlier.
        retry_after = exc.retry_after if isinstance(exc, FetchError) else None
        not_before = now + timedelta(seconds=retry_after) if retry_after else None
        if job.entry.origin == "feed":
            # The reason without the URL: status prints it after the URL already.
            gave_up = self.state.fail(job.article_id, reason, now, not_before=not_before)
            job.result.failed.append((link, reason))
            if gave_up:  # the state gives it up now: say so once
                job.result.warnings.append(
                    f"{link}: gave up after {job.attempts + 1} attempts: {reason}; not tried again"
                )
            return
        permanent = gave_up = _permanent(exc)
        if permanent:
            self.state.give_up(job.article_id, reason, now)
        else:
            gave_up = self.state.fail(job.article_id, reason, now, not_before=not_before)
        attempts = job.attempts + 1
        if job.attempts == 0:  # this command met it first, or was handed it again
            if gave_up and not permanent:  # the attempt that gives it up (see _asked_now)
                reason += f"; gave up after {self.state.attempts_of(job.article_id)}"
                reason += " attempts, not tried again"
            if not gave_up:
                reason += "; later runs will try again"
                if not_before is not None:
                    reason += f" after {not_before.isoformat(timespec='minutes')}"
            job.result.failed.append((link, reason))
        elif gave_up:
            job.result.warnings.append(
                f"{link}: gave up after {attempts} attempts: {reason}; not tried again"
            )
        else:
            log.info("%s: attempt %d of %d failed: %s", link, attempts, MAX_ATTEMPTS, reason)

    def _needs_page(self, job: _Job) -> bool:
        content = job.entry.content or ""
        if job.mode == "feed":
            return False
        from .extract import is_substantial

        return not (job.mode == "auto" and content.strip() and is_substantial(content))

    def _extractor(self, articles: int) -> Extractor:
        if articles < POOL_MIN_ARTICLES and self._pool is None:
            return InlineExtractor(self._allow_private)
        return self._workers()

    def _workers(self) -> ExtractionPool:
        """The worker processes, started on first use (from any thread) and shared by
        feed parsing and extraction until the run ends."""
        with self._pool_lock:
            if self._stopping:  # interrupted: no new workers for a thread still running
                raise ExtractError("the run is stopping; no extraction started")
            if self._pool is None:
                from .workers import ExtractionPool

                self._pool = ExtractionPool(allow_private_addresses=self._allow_private)
            return self._pool

    def _close_workers(self, *, kill: bool = False) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
            self._stopping = self._stopping or kill
        if pool is not None:
            pool.close(kill=kill)

    def _article(self, job: _Job, extractor: Extractor, *, needs_page: bool) -> Article:
        """The article for a job, with its images archived if the feed asks (a thread)."""
        article = self._get_article(job, extractor, needs_page=needs_page)
        if job.feed.images != "local":
            return article
        from .render import render_body

        job.page_url = job.page_url or job.entry.link or ""
        result = self._image_store().localize(
            render_body(article.body_html), job.page_url, self._fetch_image
        )
        job.image_failures = result.failed
        return replace(article, body_html=result.html)

    def _get_article(self, job: _Job, extractor: Extractor, *, needs_page: bool) -> Article:
        """The article for a job, by its content mode (runs in a thread)."""
        from .extract import article_from_feed

        entry = job.entry
        has_content = bool(entry.content and entry.content.strip())
        if not needs_page:
            return article_from_feed(entry, self._allow_private)
        assert entry.link is not None
        try:
            response = self.client.get(entry.link)
            job.page_url = response.url
            job.validators = (response.etag, response.last_modified)
            self._check_html(job, response)
            return extractor.extract(
                response.content,
                response.url,
                job.feed.selectors,
                response.headers.get("content-type"),
            )
        except FetchError as exc:
            # The page is gone for good: the feed's own text is all that is left.
            if job.mode == "auto" and has_content and exc.status in (404, 410):
                job.feed_text_because = reason_of(exc)
                return article_from_feed(entry, self._allow_private)
            raise
        except ExtractError:
            if job.mode == "auto" and has_content:
                return article_from_feed(entry, self._allow_private)
            raise

    def _check_html(self, job: _Job, response: Response) -> None:
        """Refuse what is not an HTML page (ExtractError naming what it is). A feed
        handed to backfill as a URL raises _FeedGiven: its items are archived instead."""
        from .pagekind import not_html

        kind = not_html(response.content, response.headers.get("content-type"))
        if kind is None:
            return
        if kind.feed and job.entry.origin == "url":
            raise _FeedGiven(self._parse(response, job.feed.max_items))
        raise ExtractError(f"not an HTML page: {kind.what}", url=response.url)

    def _feed_items(self, job: _Job, parsed: ParsedFeed) -> list[_Job]:
        """Record the items of a feed given to backfill as pending, like the items of an
        RFC 5005 archive page (their own titles, dates and content, the chosen feed's
        name, author and tags), and return their jobs; the feed's own URL is no
        article, and its row goes."""
        self.state.forget(job.article_id)
        job.result.warnings.extend(parsed.warnings)
        if not parsed.entries:
            job.result.warnings.append(f"{job.entry.link}: a feed with no items; nothing archived")
        log.info("%s: a feed; its %d items are archived", job.entry.link, len(parsed.entries))
        jobs: list[_Job] = []
        entries, listed = self._identified(parsed.entries, job.result)
        for item in reversed(entries):
            entry = replace(item, origin="archive")
            article_id = self._record(job.feed, entry, job.result, listed=listed)
            if article_id is not None:
                jobs.append(_Job(job.feed, entry, job.feed.content, job.result, article_id))
        return jobs

    def _render(
        self,
        feed: FeedConfig,
        entry: Entry,
        article: Article | None,
        *,
        taken: Callable[[str], bool] | None = None,
    ) -> Post:
        """The post for an entry; without an article (dry run), its name is what counts."""
        return render_entry(feed, entry, article, self.clock(), taken=taken)

    # -- feed bookkeeping -----------------------------------------------------------

    def _record_poll(self, poll: _Poll, result: FeedResult) -> None:
        """Save what polling taught us about the feed, once its articles are done."""
        if self.dry_run:
            return
        now = self.clock()
        if poll.error is not None:
            self._feed_failed(poll.state, poll.error, now)
            return
        assert poll.response is not None
        fstate = replace(
            _follow_moves(poll.state, poll.response),
            failures=0,
            next_allowed=None,
            last_success=now.isoformat(),
            posts=poll.state.posts + len(result.new),
        )
        if not poll.response.not_modified:
            fstate = replace(
                fstate, etag=poll.response.etag, last_modified=poll.response.last_modified
            )
        if poll.parsed is not None:  # a 304 keeps the warning of the document it means
            fstate = replace(fstate, warning="; ".join(poll.parsed.warnings) or None)
            selection.remember(self.state, poll.feed)
        self.state.save_feed(fstate)

    def _feed_failed(self, fstate: FeedState, exc: RssArchiveError, now: datetime) -> None:
        failures = fstate.failures + 1
        wait: timedelta | None = None
        if isinstance(exc, FetchError) and exc.retry_after:
            wait = timedelta(seconds=exc.retry_after)
        elif failures >= BACKOFF_AFTER:
            wait = min(BACKOFF_BASE * 2 ** (failures - BACKOFF_AFTER), BACKOFF_MAX)
        gone = isinstance(exc, FetchError) and exc.status == 410
        self.state.save_feed(
            replace(
                fstate,
                failures=failures,
                last_error=reason_of(exc),
                last_error_at=now.isoformat(),
                next_allowed=None if wait is None else (now + wait).isoformat(),
                gone=gone,
            )
        )

    # -- images -------------------------------------------------------------------

    def _image_store(self) -> ImageStore:
        from .images import ImageStore

        if self._images is None:
            self._images = ImageStore(self.archive.site_dir)
        return self._images

    def _fetch_image(self, url: str, referer: str | None) -> Response:
        return self.client.get(url, referer=referer, max_bytes=self._image_store().max_image_bytes)

    def _retry_images(self, report: RunReport) -> None:
        """Try again the images earlier runs could not archive, rewriting their posts."""
        from .images import remote_images

        for name, page_url, attempts in self.state.image_retries():
            parts = _post_parts(self.archive.read(name))
            if parts is None or not remote_images(parts[1], page_url):
                self.state.image_done(name)
                continue
            head, body, tail = parts
            result = self._image_store().localize(body, page_url, self._fetch_image)
            if result.html != body:
                self.archive.write(name, f"{head}\n<div>\n{result.html}\n</div>\n{tail}")
            if not result.failed or attempts + 1 >= IMAGE_ATTEMPTS:
                self.state.image_done(name)
                if result.failed:
                    report.warnings.append(
                        f"{name}: {len(result.failed)} images still remote after "
                        f"{IMAGE_ATTEMPTS} attempts; no more retries"
                    )
            else:
                self.state.image_retry(name, page_url, attempted=True)

    def _batch(self) -> contextlib.AbstractContextManager[None]:
        # A dry run may hold the state read-only: it writes nothing, so it needs no batch.
        return contextlib.nullcontext() if self.dry_run else self.state.batch()

    # -- helpers --------------------------------------------------------------------

    def _parallel(self, work: Callable[[T], R], items: list[T]) -> list[R]:
        if len(items) <= 1:
            return [work(item) for item in items]
        with ThreadPoolExecutor(min(FETCH_THREADS, len(items))) as threads:
            try:
                return list(threads.map(work, items))
            except KeyboardInterrupt:  # the threads are waited for: not on a worker's parse
                self._close_workers(kill=True)
                raise

    def _feed_named(self, name: str) -> FeedConfig:
        feed = self._feed_by_name(name)
        if feed is None:
            names = ", ".join(f.name for f in self.config.feeds)
            raise UsageError(f"no feed named {name!r} in the config (feeds: {names})")
        return feed

    def _feed_named_or_first(self, name: str) -> FeedConfig:
        return self._feed_by_name(name) or self.config.feeds[0]

    def _feed_by_name(self, name: str) -> FeedConfig | None:
        return next((feed for feed in self.config.feeds if feed.name == name), None)

    def _feed_for(self, url: str) -> FeedConfig:
        """The feed on the same host as ``url``, else the first one."""
        if self._feeds_by_host is None:
            self._feeds_by_host = {}
            for feed in self.config.feeds:
                self._feeds_by_host.setdefault(_host(feed.url), feed)
        return self._feeds_by_host.get(_host(url), self.config.feeds[0])


def record_run_failure(
    state: State, feeds: Sequence[FeedConfig], reason: str, now: datetime
) -> None:
    """Count a failed run for every feed (gone ones aside), so that status says FAILING
    with ``reason``: the run stopped before any feed could succeed or fail on its own.
    No backoff: the fault is ours, not the sites'. Best effort: the state may be what
    cannot be written."""
    with contextlib.suppress(StateError):
        for feed in feeds:
            fstate = state.feed(feed.url, feed.name)
            if fstate.gone:
                continue
            state.save_feed(
                replace(
                    fstate,
                    failures=fstate.failures + 1,
                    last_error=reason,
                    last_error_at=now.isoformat(),
                )
            )


def _follow_moves(fstate: FeedState, response: Response) -> FeedState:
    """Count permanent redirects of the feed; after MOVE_AFTER polls in a row, move it."""
    permanent = bool(response.redirects) and all(
        status in (301, 308) for status, _ in response.redirects
    )
    if not permanent:
        return replace(fstate, redirect_to=None, redirect_count=0)
    target = response.redirects[-1][1]
    count = fstate.redirect_count + 1 if fstate.redirect_to == target else 1
    if count >= MOVE_AFTER:
        log.warning("feed %s moved permanently to %s; polling the new address", fstate.url, target)
        return replace(fstate, moved_to=target, redirect_to=None, redirect_count=0)
    return replace(fstate, redirect_to=target, redirect_count=count)


def render_entry(
    feed: FeedConfig,
    entry: Entry,
    article: Article | None,
    archived_at: datetime,
    *,
    taken: Callable[[str], bool] | None = None,
) -> Post:
    """The post for an entry (pure): the item's title, else the page's, else its URL."""
    from .render import clean_title, render_post, trim

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
    from .dates import EARLIEST, believable

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
    from .extract import article_from_feed, whole_article_from_feed

    posts: list[Post | ExtractError | None] = []
    for feed, entry, mode in items:
        try:
            article = (
                whole_article_from_feed(entry, allow_private_addresses)
                if mode == "auto"
                else article_from_feed(entry, allow_private_addresses)
            )
        except ExtractError as exc:
            posts.append(exc)
            continue
        posts.append(None if article is None else render_entry(feed, entry, article, archived_at))
    return posts


def _post_parts(text: str | None) -> tuple[str, str, str] | None:
    """A post's text as (front matter and title, body, end); None when it has no body."""
    head, sep, rest = (text or "").partition("\n<div>\n")
    body, sep2, tail = rest.rpartition("\n</div>\n")
    return (head, body, tail) if text is not None and sep and sep2 else None


def _round_robin(items: list[T], host_of: Callable[[T], str]) -> list[T]:
    """Interleave items by host, so that waiting threads spread over all hosts instead of
    queueing on the politeness limit of the first one."""
    queues: dict[str, deque[T]] = {}
    for item in items:
        queues.setdefault(host_of(item), deque()).append(item)
    ordered: list[T] = []
    while queues:
        for host in list(queues):
            ordered.append(queues[host].popleft())
            if not queues[host]:
                del queues[host]
    return ordered


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _shared_guids(entries: Sequence[Entry], result: FeedResult) -> set[str]:
    """The guid keys shared by items of one feed document with different links (links
    that differ only in tracking parameters are one link), each said in a warning."""
    links: dict[str, set[str]] = {}
    for entry in entries:
        guid = _guid_key(entry.guid)
        if guid is not None and entry.link and is_safe_link(entry.link):
            links.setdefault(guid, set()).add(normalize_url(entry.link))
    shared = {guid for guid, urls in links.items() if len(urls) > 1}
    for guid in sorted(shared):
        result.warnings.append(
            f"{len(links[guid])} items with different links share the guid {guid!r}; "
            "each is identified by its link"
        )
    return shared


def _item_name(entry: Entry) -> str:
    """An item without a usable link, named by what it has: its title, its guid, else
    its link as written."""
    if entry.title.strip():
        return f"item {' '.join(entry.title.split())[:100]!r}"
    if entry.guid:
        return f"item with guid {entry.guid[:200]!r}"
    return f"item with link {entry.link[:200]!r}" if entry.link else "an item without title or link"


def _warn_collapsed(entries: Sequence[Entry], result: FeedResult) -> None:
    """Say when items of one feed document that are different (another guid or title)
    have one link (links that differ only in a #fragment or tracking parameters are one
    link): one page, so one article is archived for them, and the others are not."""
    from .identity import title_key

    items: dict[str, tuple[str, set[tuple[str | None, str]]]] = {}
    for entry in entries:
        if entry.link and is_safe_link(entry.link):
            link, seen = items.setdefault(normalize_url(entry.link), (entry.link, set()))
            seen.add((_guid_key(entry.guid), title_key(entry.title)))
    for link, seen in items.values():
        if len(seen) > 1:
            result.warnings.append(
                f"{len(seen)} different items (by guid or title) have one link, {link}; "
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
    return [replace(e, guid=None) if _guid_key(e.guid) in shared else e for e in entries]


def _guid_key(guid: str | None) -> str | None:
    if not guid or not guid.strip():
        return None
    guid = guid.strip()
    # A guid that is a URL is compared as one, so http→https changes do not re-archive.
    return normalize_url(guid) if is_safe_link(guid) else guid


def _permanent(exc: RssArchiveError) -> bool:
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
    return isinstance(exc, ExtractError | ParseError)
