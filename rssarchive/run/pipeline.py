"""Orchestration only: poll feeds, decide what is new, get each article, write it.

Its decisions (due, back-off, moves, new or known, feed text or page, fallbacks, retries)
are the decider's, core/decide/ (pure, tested as tables). Pipeline is built in layers,
one module each, each building on the one before: runbase (settings, clients, workers),
moves (an article's link handed over when it moved), recording (new or known entries),
landing (where an item's page ended, when a redirect took it elsewhere), working (get,
stage, place each article), feedrun (one feed's poll), recovery (what a run finds
first), backfill (its sources).

Every feed yields a :class:`FeedResult`; a failure of one feed or one article is recorded
and the batch goes on. The order of work for one article is in ``state.py``.

Threads do the waiting (feeds and pages are fetched in parallel, each host held to its
politeness limits by the HTTP module) and worker processes do the extraction; the state
database and ``_posts`` are only touched from the calling thread, one article at a time.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from rssarchive.core import decide
from rssarchive.core.errors import (
    ExtractError,
    ParseError,
    RssArchiveError,
    StateError,
    reason_of,
    unexpected,
)
from rssarchive.core.models import Entry, FeedConfig, Post, Response
from rssarchive.core.urls import host_key
from rssarchive.publish.entry_posts import feed_posts as feed_posts
from rssarchive.publish.entry_posts import render_entry as render_entry
from rssarchive.run.backfill import _Backfill
from rssarchive.run.feedrun import record_run_failure as record_run_failure
from rssarchive.run.jobs import FEED_POSTS_PER_CALL as FEED_POSTS_PER_CALL
from rssarchive.run.jobs import MAX_JOBS_IN_FLIGHT as MAX_JOBS_IN_FLIGHT
from rssarchive.run.jobs import Extractor as Extractor
from rssarchive.run.jobs import Fetcher as Fetcher
from rssarchive.run.jobs import InlineExtractor as InlineExtractor
from rssarchive.run.jobs import _FeedGiven, _Job, _Outcome, _Pending, _Poll, _Staged
from rssarchive.run.jobs import _round_robin as _round_robin
from rssarchive.run.printing import dating_lines
from rssarchive.run.report import FeedResult as FeedResult
from rssarchive.run.report import RunReport as RunReport
from rssarchive.run.samepage import without_per_fetch
from rssarchive.store import selection
from rssarchive.store.state import FeedState

# Names imported "as" themselves are re-exported: callers and tests name them from here
# (and feed_posts is looked up here when posts are made, so that a test can stand a slow
# one in for it).

# The stage modules (extraction, feed parsing, rendering, images, sitemaps) are imported
# where they are first used: an hourly run whose feeds all answer 304 needs none of them,
# and trafilatura's import alone costs about a third of a second.
if TYPE_CHECKING:
    from rssarchive.sources.feeds import ParsedFeed


log = logging.getLogger(__name__)

# A backfill's pending articles whose entries are read back from the state database at
# a time.
ENTRIES_PER_READ = 200
# A feed body at least this large is parsed in a worker process: feedparser needs about
# 0.1 s per megabyte, which would hold up the other feeds' threads, and a worker puts the
# same time limit on a hostile feed as on a hostile page.
PARSE_IN_WORKER_BYTES = 512 * 1024


class Pipeline(_Backfill):
    """One run or one backfill: its entry points; the stages are the classes it builds on
    (runbase, recording, working, feedrun, recovery, backfill)."""

    @property
    def written(self) -> list[str]:
        """The posts this command has written so far: a command stopped part-way (Ctrl-C,
        a full disk) still names them, as no later run reports them as new."""
        if self._report is None or not decide.records(dry_run=self.dry_run):
            return []
        return [name for result in self._report.results for name in result.new]

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
        due = _round_robin(
            due, lambda item: host_key(decide.poll_url(item[0].url, item[1].moved_to))
        )
        polls = self._parallel(lambda item: self._fetch_feed(item[0], item[1]), due)
        self._later_pages(polls)
        finished: list[tuple[_Poll, FeedResult]] = []
        new: list[_Job] = []
        with self._batch():  # every new item recorded as pending in one commit
            for (_, _, result), poll in zip(due, polls, strict=True):
                new.extend(self._new_jobs(poll, result))
                finished.append((poll, result))
            self._relisted(jobs, [poll for poll, _ in finished])
            self._dated_elsewhere(new, [poll for poll, _ in finished])
        if new:
            # The new pending rows are copied too, before their work starts: a run
            # killed now whose database is then corrupted still knows those articles
            # (an item gone from the feed by then would otherwise be lost). Only when
            # there are new ones: the copy costs 50-120 ms at 10,000 articles.
            self._kept(report)
        self._work(
            decide.work_order(
                [
                    (job, job.entry.origin == "feed", job.article_id in self._relinked)
                    for job in jobs
                ],
                new,
            )
        )
        for result in report.results:  # what its posts' dates were, said once per feed
            result.warnings.extend(dating_lines(result))
        with self._batch():
            for poll, result in finished:
                self._record_poll(poll, result)
        return report

    def _relisted(self, jobs: list[_Job], polls: list[_Poll]) -> None:
        """The pending articles of earlier runs (``jobs``) whose feed lists their item
        again: their entries take the date the item gives now (decide.relisted_date),
        recorded before the post is written (look16 F4). Nothing is read: the items are
        this run's documents, in memory."""
        if not jobs:
            return
        listed: dict[tuple[str, str | None], Entry] = {}
        stamped: set[tuple[str, str | None]] = set()  # dated by its feed's build time
        for poll in polls:
            entries = poll.parsed.entries if poll.parsed is not None else []
            stamps = decide.build_stamps([entry.published for entry in entries], self.clock())
            for entry in entries:
                key = decide.link_key(entry.link)
                if key is not None:
                    listed.setdefault((poll.feed.name, key), entry)
                    if entry.published in stamps:
                        stamped.add((poll.feed.name, key))
        now = self.clock()
        for job in jobs:
            item = (job.feed.name, decide.link_key(job.entry.link))
            relisted = decide.takes_relisted_date(
                job.entry.origin, listed=item in listed, relinked=job.article_id in self._relinked
            )
            if not relisted:
                continue
            job.stamped = item in stamped  # its page's date may date it (look16c F6b)
            now_listed = listed[item]
            published = decide.relisted_date(job.entry.published, now_listed.published, now=now)
            title, retitled = decide.relisted_title(job.entry.title, now_listed.title)
            redated = decide.relisted_date_note(job.entry.published, published, now=now)
            if redated is not None and not retitled:  # a new title says the date too
                job.result.warnings.append(f"{job.entry.link}: {redated}")
            if retitled:
                job.result.warnings.append(
                    f"{job.entry.link}: listed again under another title ({title!r}) than"
                    f" when its page failed ({job.entry.title!r}); its post has the title,"
                    " date and text listed now"
                )
                # The feed's text too: a post from it (content: auto) is of that item.
                content = now_listed.content or job.entry.content
                job.entry = replace(job.entry, title=title, content=content)
            if published != job.entry.published or retitled:
                job.entry = replace(job.entry, published=published)
                guid = decide.guid_key(now_listed.guid) if retitled else None
                self.state.redate(job.article_id, job.entry, guid)

    def _dated_elsewhere(self, new: list[_Job], polls: list[_Poll]) -> None:
        """The articles this run took on from an undated item that another feed's item
        lists at the same link with a date: that date is theirs
        (decide.dated_by_another), recorded before the post is written (look16 F13).
        Nothing is read: the items are this run's documents, in memory."""
        undated = [
            job for job in new if decide.takes_another_date(job.entry.origin, job.entry.published)
        ]
        if not undated:
            return
        listed: dict[str, list[datetime | None]] = {}
        for poll in polls:
            for entry in poll.parsed.entries if poll.parsed is not None else ():
                key = decide.link_key(entry.link)
                if key is not None:
                    listed.setdefault(key, []).append(entry.published)
        now = self.clock()
        for job in undated:
            key = decide.link_key(job.entry.link)
            published = decide.dated_by_another(
                job.entry.published, listed.get(key or "", []), now=now
            )
            if published is not None:
                job.entry = replace(job.entry, published=published)
                self.state.redate(job.article_id, job.entry)

    def _rechecked(self, report: RunReport) -> RunReport:
        """The run's re-checks of archived articles, after its own work, within their
        budget (rechecker.py); their failures are warnings, never the run's exit code."""
        if not decide.records(dry_run=self.dry_run):
            return report
        from rssarchive.run.rechecker import Rechecker

        try:
            report.recheck = Rechecker(self.config, self.client, self.state, self.clock).run()
        except RssArchiveError as exc:
            report.warnings.append(f"re-checks: {exc}")
        return report

    def _kept(self, report: RunReport) -> RunReport:
        """A completed run's state, copied beside the database (state.keep_copy); a copy
        that cannot be written is a warning: the run itself is done."""
        if decide.records(dry_run=self.dry_run):
            try:
                self.state.keep_copy()
            except StateError as exc:
                if str(exc) not in report.warnings:  # said once, if both copies fail
                    report.warnings.append(str(exc))
            else:
                if self.state.damaged_copy is not None:
                    report.warnings.append(
                        f"{self.state.damaged_copy}: the copy of the state database was "
                        "damaged; renewed from the database"
                    )
        return report

    def _record_abort(self, exc: RssArchiveError) -> None:
        """A run stopped by an error (a full disk, an unwritable _posts): every feed's
        run failed, so that status says so. No backoff: the fault is ours, not the
        sites'. Best effort: the state may be what cannot be written."""
        if not decide.records(dry_run=self.dry_run):
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

    def _parse(self, response: Response, max_items: int, now: datetime | None = None) -> ParsedFeed:
        """The feed ``response`` holds, max_items of it kept (cap_items, the archive's
        links not asked: for a backfill's feed pages)."""
        from rssarchive.sources.feeds import cap_items

        return cap_items(self._read(response, max_items), max_items, now)

    def _read(self, response: Response, max_items: int) -> ParsedFeed:
        """The feed ``response`` holds, every item read (sources.feeds.read_feed): a
        large one in a worker process, under its time limit."""
        from rssarchive.sources.feeds import read_feed

        body, url = response.content, response.url
        content_type = response.headers.get("content-type")
        if not decide.parse_in_worker(len(body), at_least=PARSE_IN_WORKER_BYTES):
            parsed = read_feed(body, url, content_type=content_type, max_items=max_items)
        else:
            try:
                parsed = self._workers().run(
                    url, read_feed, body, url, content_type=content_type, max_items=max_items
                )
            except ExtractError as exc:  # the worker's time limit, or the worker died
                raise ParseError(reason_of(exc), url=exc.url) from exc
        # Its links without a cache-buster they all share, before any is looked up.
        return replace(parsed, entries=tuple(without_per_fetch(parsed.entries, self.clock())))

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

    @staticmethod
    def _item_failure(exc: Exception, link: str | None) -> RssArchiveError:
        """``exc`` as the failure of the article at ``link`` (decide.failure_of); the
        run's own faults (a full disk, the state) are raised on."""
        whose = decide.failure_of(exc)
        if whose == "run":
            raise exc
        if whose == "surprise":
            log.debug("%s: unexpected error", link, exc_info=exc)
            return unexpected(exc, link)
        assert isinstance(exc, RssArchiveError)
        return exc

    def _stage_unit(self, unit: list[_Job], extractor: Extractor) -> list[_Outcome]:
        """Each job's staged post, its error, or None when it needs its page (a thread)."""
        if not self._from_feed_text(unit[0]):
            try:
                return [self._stage(unit[0], extractor)]
            except _FeedGiven as given:
                return [given]
            except Exception as exc:
                return [self._item_failure(exc, unit[0].entry.link)]
        items = [(job.feed, job.entry, job.mode) for job in unit]
        label, now = unit[0].entry.link or "", self.clock()
        try:
            stamped = [index for index, job in enumerate(unit) if job.stamped]
            posts = extractor.run(label, feed_posts, items, now, self._allow_private, stamped)
        except Exception as exc:  # a worker's time limit, a worker died, a surprise
            failure = self._item_failure(exc, label)
        else:
            # Written here, not in the worker: a worker waiting on the disk computes nothing.
            return [
                _Staged(post, self.archive.stage(post.text)) if isinstance(post, Post) else post
                for post in posts
            ]
        if not decide.batch_retried(len(unit)):
            return [failure]
        # Each item again on its own, so that only the one at fault fails.
        return [self._stage_unit([job], extractor)[0] for job in unit]
