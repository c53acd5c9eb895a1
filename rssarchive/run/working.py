"""Getting, rendering, staging and placing each article of a run (threads fetch,
worker processes extract, this thread places and records)."""

from __future__ import annotations

import functools
import logging
import queue
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from rssarchive.core import decide
from rssarchive.core.caps import MAX_PAGE_BYTES
from rssarchive.core.errors import (
    ExtractError,
    FetchError,
    NotTheArticleError,
    RssArchiveError,
    reason_of,
)
from rssarchive.core.models import Article, ContentMode, Entry, FeedConfig, Response
from rssarchive.core.urls import host_key, normalize_url
from rssarchive.publish.entry_posts import dated, url_day
from rssarchive.run.jobs import (
    FETCH_THREADS,
    MAX_IN_FLIGHT,
    MAX_JOBS_IN_FLIGHT,
    WRITE_BATCH,
    Extractor,
    _FeedGiven,
    _Job,
    _Outcome,
    _Pending,
    _refetched,
    _round_robin,
    _Staged,
    _substantial,
)
from rssarchive.run.nopages import _NoPageGuids
from rssarchive.run.printing import article_failed_lines, date_note_line
from rssarchive.run.report import FeedResult

log = logging.getLogger(__name__)


class _Working(_NoPageGuids):
    """Getting, rendering, staging and placing each article of a run (threads fetch,
    worker processes extract, this thread places and records)."""

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
        if decide.warm_workers(bool(backlog), all(self._from_feed_text(job) for job in jobs)):
            extractor.warm()
        queued = deque(_round_robin(jobs, lambda job: host_key(job.entry.link or "")))
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
                        again = self._write(job, outcome, written)
                        if again is not None:  # its guid was no page: its own link next
                            to_fetch.append([again])
                            continue
                        done += 1
                        if self.progress is not None:
                            self.progress(done, total)
                    if len(written) >= WRITE_BATCH:
                        self._settle(written)
                    refill()
                self._land_held(written)
                self._say_no_pages()
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
        return decide.from_feed_text(job.mode, job.feed.images, job.entry.content, job.needs_page)

    def _stage(self, job: _Job, extractor: Extractor) -> _Staged:
        """Article, post text and its flushed temporary file (runs in a thread)."""
        needs_page = self._needs_page(job) if job.needs_page is None else job.needs_page
        job.needs_page = needs_page  # re-checks compare a page's text only with a page's
        article = self._article(job, extractor, needs_page=needs_page)
        job.page_date, job.page_modified = article.published, article.modified
        job.dated_at = self.clock()
        job.dated = dated(job.entry, article, job.dated_at, stamped=job.stamped)
        job.from_page = article.source != "feed"
        post = self._render(job.feed, job.entry, article, stamped=job.stamped)
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
                if decide.gets_image_retries(job.feed.images, len(job.image_failures)):
                    self.state.image_retry(name, job.page_url, attempted=False)
        written.clear()

    def _schedule_recheck(self, job: _Job) -> None:
        from rssarchive.core.recheck_schedule import next_due

        now = self.clock()
        due = next_due(now, job.feed.recheck, now)
        self.state.schedule_recheck(
            job.article_id,
            now,
            due,
            from_page=bool(job.needs_page),
            validators=job.validators,
            headline=job.headline,
        )

    def _write(
        self, job: _Job, staged: _Staged | RssArchiveError, written: list[tuple[_Job, str]]
    ) -> _Job | None:
        """Name and place one staged post (its state is settled later, in a batch). A
        job to fetch again is returned: its guid was no page, its own link is next."""

        link = job.entry.link
        assert link is not None
        if isinstance(staged, RssArchiveError):
            fallback = self._feed_text_instead(job, staged) or self._as_is(job, link, staged)
            if fallback is None:
                on_its_link = self._on_its_link(job, staged)
                if on_its_link is None:
                    self._failed(job, link, staged)
                return _refetched(job) if on_its_link == "fetched there" else None
            staged = fallback
        keys = decide.page_keys(link, job.page_url)  # its link's, where its redirects ended
        if self._canonical_elsewhere(job, keys, staged):
            return None
        if not self._landed_elsewhere(job, keys, staged):
            self._place(job, staged, keys, written)
            self._place_canonical(job, keys)
        return None

    def _place(
        self, job: _Job, staged: _Staged, keys: list[str], written: list[tuple[_Job, str]]
    ) -> None:
        """Name and place one staged post of ``job`` (its link ``keys[0]``, where its page
        ended ``keys[-1]``)."""
        from rssarchive.publish.render import post_filename

        link = job.entry.link
        post = staged.post
        name = post.filename
        if self.archive.taken_by_other(name, post.url):
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
        if (alias := decide.alias_key(keys)) is not None:
            self.state.alias(alias, job.article_id)
        if job.feed_text_of is not None:
            job.result.warnings.append(
                f"{link}: its page failed ({job.feed_text_because}); archived from feed "
                f"{job.feed_text_of}'s text, which holds the whole article"
            )
        elif job.feed_text_because is not None:
            job.result.warnings.append(
                f"{link}: its page {job.feed_text_because}; archived from the feed's text"
                if job.feed_text_fuller
                else f"{link}: its page failed ({job.feed_text_because}); archived from the "
                "feed's text instead"
            )
        if job.charset_said is not None:
            job.result.warnings.append(f"{link}: its page {job.charset_said}")
        entry, now = job.entry, self.clock()
        # None: made from the feed's text
        post_dated = job.dated or dated(entry, None, now, stamped=job.stamped)
        said = decide.archiving_date_note(
            entry.origin,
            post_dated,
            (entry.published, job.page_date, entry.listed),
            now,
            from_page=job.from_page,
            plausibly_new=decide.plausibly_new(
                job.last_poll,
                taken_on_now=job.taken_on_now,
                modified=job.page_modified,
                backlog=job.backlog,
                now=now,
            ),
            said_taken_on=entry.date_problem is not None,
        )
        at, day = job.dated_at or now, url_day(link)
        if (note := decide.fetch_time_note(post_dated, job.page_date, day, now=at)) is not None:
            job.result.warnings.append(f"{link}: {note}")
        lastmod = decide.sitemap_date_note(
            post_dated.by, lastmod=link is not None and normalize_url(link) in self._lastmod_listed
        )
        if lastmod is not None:
            job.result.warnings.append(f"{link}: {lastmod}")
        if said is not None and decide.said_per_feed(entry.origin, said):
            job.result.undated += 1  # said once for the feed (printing.dating_lines)
            if job.taken_on_now and decide.stale_poll(job.last_poll, now):
                job.result.stale_poll = job.last_poll  # said with them (look16f s04)
        elif said is not None:
            job.result.warnings.append(f"{link}: {date_note_line(said)}")
        if job.stamped and entry.published is not None:  # said once (printing.dating_lines)
            counts = job.result.stamped_posts.setdefault(entry.published, {})
            counts[post_dated.by] = counts.get(post_dated.by, 0) + 1
        if job.image_failures:
            for image, reason in job.image_failures:
                job.result.warnings.append(f"{image}: image kept remote ({reason})")
        log.debug("%s: wrote %s", job.feed.name, name)

    def _feed_text_instead(self, job: _Job, exc: RssArchiveError) -> _Staged | None:
        """With ``content: auto``, the post from the feed's text for an article whose
        page failed for good (permanently, or on the attempt that gives it up): a post
        of the feed's text beats no post; so on that last attempt for an item at its
        permalink guid sharing its link, whatever the mode (decide.feed_text_instead).
        None when there is none to make."""
        from rssarchive.extract.feedtext import article_from_feed

        now = self.clock()
        last = self._last_attempt(job.article_id, now)
        permanent, shared = decide.permanent(exc), job.entry.shared_link is not None
        if not self._whole_text_instead(job, exc, for_good=permanent or last) and (
            not decide.feed_text_instead(
                job.mode, job.entry.content, permanent, last=last, shared=shared
            )
        ):
            return None  # none to make, or a later attempt may still get the page
        job.feed_text_because = reason_of(exc)
        article = article_from_feed(job.entry, self._allow_private)
        post = self._render(job.feed, job.entry, article, stamped=job.stamped)
        return _Staged(post, self.archive.stage(post.text))

    def _as_is(self, job: _Job, link: str, exc: RssArchiveError) -> _Staged | None:
        """The post of a page judged no article, as it is, on the attempt that would give
        its article up (decide.archived_as_is), said in a warning. None otherwise."""
        if not isinstance(exc, NotTheArticleError) or not isinstance(exc.article, Article):
            return None
        now = self.clock()
        recorded_attempts, recorded = self.state.recorded(job.article_id, now)
        last = decide.last_attempt(recorded_attempts, recorded, now)
        if not decide.archived_as_is(True, last=last):
            return None
        article = exc.article
        job.canonical = article.canonical
        job.page_date, job.page_modified = article.published, article.modified
        job.dated_at = now
        job.dated = dated(job.entry, article, now, stamped=job.stamped)
        job.from_page = True
        job.result.warnings.append(
            decide.as_is_warning(link, exc.reason, max(job.attempts, recorded_attempts) + 1)
        )
        post = self._render(job.feed, job.entry, article, stamped=job.stamped)
        return _Staged(post, self.archive.stage(post.text))

    def _failed(self, job: _Job, link: str, exc: RssArchiveError) -> None:
        """Record and report a failed article, as decide.article_failed says."""
        now, reason = self.clock(), reason_of(exc)
        recorded_attempts, recorded = self.state.recorded(job.article_id, now)
        failed = decide.article_failed(
            job.entry.origin,
            job.attempts,
            exc,
            now,
            recorded_attempts=recorded_attempts,
            recorded=recorded,
        )
        if failed.give_up:
            self.state.give_up(job.article_id, reason, now)
        else:
            # The reason without the URL: status prints it after the URL already.
            self.state.fail(
                job.article_id, reason, now, status=failed.status, not_before=failed.not_before
            )
        line, warning, note = article_failed_lines(link, failed)
        if line is not None:
            job.result.failed.append((link, line))
        if warning is not None:
            job.result.warnings.append(warning)
        if note is not None:
            log.info("%s", note)

    def _needs_page(self, job: _Job) -> bool:
        content = job.entry.content
        # The text is parsed only when the answer depends on it (content: auto).
        substantial = decide.asks_substantial(job.mode, content) and _substantial(
            content or "", job.entry.link
        )
        return decide.needs_page(job.mode, content, substantial=substantial)

    def _article(self, job: _Job, extractor: Extractor, *, needs_page: bool) -> Article:
        """The article for a job, with its images archived if the feed asks (a thread)."""
        article = self._get_article(job, extractor, needs_page=needs_page)
        if not decide.images_local(job.feed.images):
            return article
        from rssarchive.publish.render import render_body

        job.page_url = job.page_url or job.entry.link or ""
        result = self._image_store().localize(
            render_body(article.body_html), job.page_url, self._fetch_image
        )
        job.image_failures = result.failed
        return replace(article, body_html=result.html)

    def _get_article(self, job: _Job, extractor: Extractor, *, needs_page: bool) -> Article:
        """The article for a job, by its content mode (runs in a thread)."""
        from rssarchive.extract.feedtext import article_from_feed

        entry = job.entry
        if not needs_page:
            return article_from_feed(entry, self._allow_private)
        assert entry.link is not None
        try:
            response = self.client.get(entry.link, max_bytes=MAX_PAGE_BYTES)
            job.page_url, job.redirects = response.url, response.redirects
            job.validators = (response.etag, response.last_modified)
            self._check_html(job, response)
            article = extractor.extract(
                response.content,
                response.url,
                job.feed.selectors,
                response.headers.get("content-type"),
            )
            job.headline, job.heading = article.title, article.heading
            job.charset_said = article.charset_said
            if self._feed_fuller(job, article):
                return article_from_feed(entry, self._allow_private)
            why = decide.cut_off(response.close_delimited, response.content) or (
                decide.not_the_article(article.signs, title_shown=_title_shown(entry, article))
            )
            if why is not None:  # a wall, a soft 404, a teaser: tried again later
                raise NotTheArticleError(response.url, why, article)
            job.canonical = article.canonical
            return article
        except (FetchError, ExtractError) as exc:
            # The page is gone for good, or no article: the feed's text may do instead.
            failure = decide.page_failure(exc)
            if self._whole_text_instead(job, exc, for_good=failure != "other"):
                job.feed_text_because = reason_of(exc)
                return article_from_feed(job.entry, self._allow_private)
            if decide.falls_back_to_feed_text(job.mode, entry.content, failure):
                if decide.says_fallback(failure):  # said when its post is written
                    job.feed_text_because = reason_of(exc)
                return article_from_feed(entry, self._allow_private)
            raise

    def _whole_text_instead(self, job: _Job, exc: RssArchiveError, *, for_good: bool) -> bool:
        """Whether the job's article, its page failed (``for_good``: for good), is made
        from another feed's item of this run that carries its whole text (decide.
        whole_text_instead); if so, the job is that item's from now on (its feed's
        name, tags and text), said when written."""
        key = decide.link_key(job.entry.link)
        other = None if key is None else self._whole_texts.get(key)
        if other is None or not decide.whole_text_instead(
            job.feed.name, other[0].name, for_good=for_good
        ):
            return False
        job.feed, job.entry, job.mode = other[0], other[1], other[0].content
        job.feed_text_of = other[0].name
        log.debug("%s: page failed (%s); whole text of feed %s", job.entry.link, exc, job.feed.name)
        return True

    @staticmethod
    def _feed_fuller(job: _Job, article: Article) -> bool:
        """Whether the feed's text is kept though the page was fetched for it, the page
        giving less of the article (decide.keeps_feed_text); said when written."""
        if job.mode != "auto" or not (job.entry.content or "").strip():
            return False
        from rssarchive.extract.feedtext import measured_against_page

        feed, page, held = measured_against_page(job.entry.content or "", article.body_html)
        if not decide.keeps_feed_text(
            job.mode, feed_chars=feed, page_chars=page, page_in_feed=held
        ):
            return False
        job.feed_text_because = (
            f"gives less of the article than the feed's text ({page} of {feed} characters)"
        )
        job.feed_text_fuller = True
        return True

    def _check_html(self, job: _Job, response: Response) -> None:
        """Refuse what is not an HTML page (ExtractError naming what it is). A feed
        handed to backfill as a URL raises _FeedGiven: its items are archived instead."""
        from rssarchive.sources.pagekind import not_html

        kind = not_html(response.content, response.headers.get("content-type"))
        if kind is None:
            return
        if decide.feed_given(kind.feed, job.entry.origin):
            raise _FeedGiven(self._parse(response, job.feed.max_items, self.clock()))
        raise ExtractError(f"not an HTML page: {kind.what}", url=response.url)


def _title_shown(entry: Entry, article: Article) -> bool:
    """Whether the page's title or heading carries the item's (walls.shows_title), asked
    only of a short page with signs of a wall (decide.asks_title_shown)."""
    if not decide.asks_title_shown(article.signs):
        return False
    from rssarchive.core.walls import shows_title

    return shows_title(entry.title, article.title, article.heading)
