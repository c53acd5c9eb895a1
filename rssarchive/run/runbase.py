"""What the stages of a run share (the base of Pipeline): settings, clients, workers."""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from rssarchive.core import decide
from rssarchive.core.errors import ExtractError, UsageError
from rssarchive.core.models import Article, Config, Entry, FeedConfig, Post, Response
from rssarchive.net.addresses import Allow
from rssarchive.publish.entry_posts import render_entry
from rssarchive.publish.posts import Posts
from rssarchive.run.jobs import (
    FETCH_THREADS,
    POOL_MIN_ARTICLES,
    Extractor,
    Fetcher,
    InlineExtractor,
    _Job,
    _NoPages,
    _Outcome,
    _Pending,
    _Staged,
)
from rssarchive.store.state import State

if TYPE_CHECKING:
    from rssarchive.extract.workers import ExtractionPool
    from rssarchive.publish.images import ImageStore
    from rssarchive.run.report import RunReport
    from rssarchive.sources.feeds import ParsedFeed

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Base:
    """What every stage of a run shares: its settings, its clients, its worker processes and
    what it has placed so far."""

    config: Config
    client: Fetcher
    state: State
    archive: Posts
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
    # Pages a temporary redirect took elsewhere, placed when the run's pages are in
    # (run/landing.py).
    _held: list[tuple[_Job, _Staged]] = field(default_factory=list, init=False)
    # The canonical URL keys (decide.canonical_key) the run's pages named, each with the
    # item's guid key and title: one several items name is none of theirs (decide.crowded).
    # Kept by key: a page is compared with the items that named its canonical URL only
    # (the whole list each time made a 1,000-article backfill quadratic in title_key).
    _canonicals: dict[str, list[tuple[str, str | None, str]]] = field(
        default_factory=dict, init=False
    )
    # The canonical URL keys the run placed a written page's article under (an alias).
    _canonical_placed: dict[str, int] = field(default_factory=dict, init=False)
    # URL keys of the entries this run took on (or in a dry run, listed as new): the
    # same link listed again is a duplicate, not a pending article resumed.
    _recorded: set[str] = field(default_factory=set, init=False)
    # Per URL key taken on by this run: its feed, its item's date and its article id
    # (two feeds dating one article on different days are said: run/relisted.py).
    _taken_on: dict[str, tuple[str, datetime | None, int]] = field(default_factory=dict, init=False)
    # Per URL key, another feed's item of this run carrying the whole text of an article
    # this run works on for a feed (decide.carries_whole_text): written from it when its
    # page fails for good (decide.whole_text_instead), not from a summary.
    _whole_texts: dict[str, tuple[FeedConfig, Entry]] = field(default_factory=dict, init=False)
    # Articles not archived yet whose feed lists them at a new link this run (_record).
    _relinked: set[int] = field(default_factory=set, init=False)
    # Articles a guid-less item of this run was taken for by the same-path rule, with
    # that item's URL key: another item is not that article too (run/samepage.py).
    _same_path_taken: dict[int, str] = field(default_factory=dict, init=False)
    # Links a temporary redirect once took an article's page to, judged that article by
    # the title and day of the item listed there this run (run/moves.py _landing_freed).
    _judged: dict[str, int] = field(default_factory=dict, init=False)
    # Items whose permalink guids answered 404 or 410 this run, by feed report and the
    # URL key of the link they fell back on (run/working.py _on_its_link).
    _no_pages: dict[tuple[int, str], _NoPages] = field(default_factory=dict, init=False)
    # A dry run's URL keys of the posts in _posts the state does not know (a killed
    # run's): a real run would adopt them, not write them.
    _adoptable: set[str] = field(default_factory=set, init=False)
    # URL keys of a backfill's sitemap entries whose date is a <lastmod> (look16f s18).
    _lastmod_listed: set[str] = field(default_factory=set, init=False)
    # The report of the command under way: what a stopped one wrote is read from it.
    _report: RunReport | None = field(default=None, init=False)

    def _last_attempt(self, article_id: int, now: datetime) -> bool:
        """Whether this attempt at the article is the one its retries give it up after,
        if it fails (decide.last_attempt, from what the state records of it): where a
        judgement archives as it is, or falls back, rather than lose the article."""
        return decide.last_attempt(*self.state.recorded(article_id, now), now)

    def _post_shown(self, filename: str | None) -> decide.Shown | None:
        """The title and date an archived article's post says, and whether it says its
        date (the ``<!--ms-->`` line): what the identity rules compare an item with,
        and its body's text (``plain``: only a near text across feeds weighs it,
        look16g F10). None when there is no post or it cannot be read."""
        from rssarchive.core import postformat
        from rssarchive.core.identity import post_says_its_date, post_title_and_date, text_plain

        text = None if filename is None else self.archive.read(filename)
        if text is None:
            return None
        title, published = post_title_and_date(text)
        body = text_plain(postformat.parse(text).body)
        return decide.Shown(title, published, dated=post_says_its_date(text), plain=body)

    @property
    def _allow_private(self) -> Allow:
        return self.config.network.allow_private_addresses

    def _extractor(self, articles: int) -> Extractor:
        if decide.use_worker_pool(articles, self._pool is not None, pool_min=POOL_MIN_ARTICLES):
            return self._workers()
        return InlineExtractor(self._allow_private)

    def _workers(self) -> ExtractionPool:
        """The worker processes, started on first use (from any thread) and shared by
        feed parsing and extraction until the run ends."""
        with self._pool_lock:
            if self._stopping:  # interrupted: no new workers for a thread still running
                raise ExtractError("the run is stopping; no extraction started")
            if self._pool is None:
                from rssarchive.extract.workers import ExtractionPool

                self._pool = ExtractionPool(allow_private_addresses=self._allow_private)
            return self._pool

    def _close_workers(self, *, kill: bool = False) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
            self._stopping = self._stopping or kill
        if pool is not None:
            pool.close(kill=kill)

    def _render(
        self,
        feed: FeedConfig,
        entry: Entry,
        article: Article | None,
        *,
        taken: Callable[[str], bool] | None = None,
        stamped: bool = False,
    ) -> Post:
        """The post for an entry; without an article (dry run), its name is what counts.
        ``stamped``: its item's date is its feed's build time (decide.post_date)."""
        return render_entry(feed, entry, article, self.clock(), taken=taken, stamped=stamped)

    def _image_store(self) -> ImageStore:
        from rssarchive.publish.images import ImageStore

        if self._images is None:
            self._images = ImageStore(self.archive.site_dir)
        return self._images

    def _fetch_image(self, url: str, referer: str | None) -> Response:
        return self.client.get(url, referer=referer, max_bytes=self._image_store().max_image_bytes)

    def _batch(self) -> contextlib.AbstractContextManager[None]:
        # A dry run may hold the state read-only: it writes nothing, so it needs no batch.
        records = decide.records(dry_run=self.dry_run)
        return self.state.batch() if records else contextlib.nullcontext()

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
            self._feeds_by_host = decide.by_host((feed.url, feed) for feed in self.config.feeds)
        return decide.feed_for(url, self._feeds_by_host, self.config.feeds[0])

    # Defined by Pipeline (pipeline.py), where the constants they read live: tests
    # change those there.
    def _parse(self, response: Response, max_items: int, now: datetime | None = None) -> ParsedFeed:
        raise NotImplementedError

    def _read(self, response: Response, max_items: int) -> ParsedFeed:
        raise NotImplementedError

    def _units(self, jobs: deque[_Job], backlog: _Pending | None = None) -> Iterator[list[_Job]]:
        raise NotImplementedError

    def _stage_unit(self, unit: list[_Job], extractor: Extractor) -> list[_Outcome]:
        raise NotImplementedError
