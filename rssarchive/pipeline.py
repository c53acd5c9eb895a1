"""Orchestration only: poll feeds, decide what is new, get each article, write it.

Every feed yields a :class:`FeedResult`; a failure of one feed or one article is recorded
and the batch goes on. The order of work for one article is in ``state.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from .archive import Archive
from .errors import ExtractError, FetchError, ParseError, RssArchiveError, UsageError
from .extract import article_from_feed, extract_article, is_substantial
from .feeds import parse_feed
from .models import Article, Config, Entry, FeedConfig, Post, Response
from .render import render_post
from .state import FeedState, State
from .urls import is_safe_link, normalize_url

log = logging.getLogger(__name__)

# A feed that failed this many times in a row stops being polled on every run and backs
# off (1 h, 2 h, 4 h ... up to a day): polite to a dead site, and it is never dropped.
BACKOFF_AFTER = 3
BACKOFF_BASE = timedelta(hours=1)
BACKOFF_MAX = timedelta(days=1)


class Fetcher(Protocol):
    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        referer: str | None = None,
    ) -> Response: ...


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

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    def summary(self) -> str:
        new = sum(len(r.new) for r in self.results)
        skipped = sum(r.skipped for r in self.results)
        failed = sum(len(r.failed) + (r.error is not None) for r in self.results)
        line = (
            f"feeds polled: {self.polled}, new posts: {new}, skipped: {skipped}, failed: {failed}"
        )
        return line + " (dry run: nothing written)" if self.dry_run else line


@dataclass
class Pipeline:
    config: Config
    client: Fetcher
    state: State
    archive: Archive
    clock: Callable[[], datetime]
    dry_run: bool = False

    # -- entry points ---------------------------------------------------------------

    def run(self) -> RunReport:
        report = RunReport()
        self._prepare(report)
        for feed in self.config.feeds:
            result = FeedResult(feed.name, feed.url)
            report.results.append(result)
            try:
                if self._poll(feed, result):
                    report.polled += 1
            except RssArchiveError as exc:
                result.error = str(exc)
        return report

    def backfill(self, urls: Iterable[str], feed_name: str | None = None) -> RunReport:
        report = RunReport()
        self._prepare(report)
        chosen = None if feed_name is None else self._feed_named(feed_name)
        results: dict[str, FeedResult] = {}
        for raw in urls:
            url = raw.strip()
            feed = chosen or self._feed_for(url)
            result = results.get(feed.name)
            if result is None:
                result = results[feed.name] = FeedResult(feed.name, "backfill")
                report.results.append(result)
            if not is_safe_link(url):
                result.failed.append((url, "not an absolute http(s) URL"))
                continue
            self._take(feed, Entry(title="", link=url), result, mode="page")
        return report

    # -- stages ---------------------------------------------------------------------

    def _prepare(self, report: RunReport) -> None:
        """Adopt posts already in ``_posts`` and finish work a killed run left."""
        report.dry_run = self.dry_run
        if self.dry_run:
            return
        self.archive.remove_stray_temp_files()
        adopted = 0
        for name, url in self.archive.scan(self.state.known_filenames()):
            if self.state.adopt(
                url_key=normalize_url(url), url=url, filename=name, now=self.clock()
            ):
                adopted += 1
        if self.state.rebuilt_from is not None:
            report.warnings.append(
                f"state database was corrupt (moved to {self.state.rebuilt_from}); "
                f"rebuilt from {adopted} posts in {self.archive.posts_dir}"
            )
        elif adopted and self.state.created:
            report.warnings.append(
                f"new state database: adopted {adopted} existing posts from "
                f"{self.archive.posts_dir}; they will not be archived again"
            )
        for pending in self.state.pending():
            feed = self._feed_named_or_first(pending.feed)
            result = FeedResult(feed.name, "recovery")
            self._take(feed, pending.entry, result, mode=feed.content, pending_id=pending.id)
            if result.new or result.failed:
                report.results.append(result)

    def _poll(self, feed: FeedConfig, result: FeedResult) -> bool:
        """Poll one feed and archive its new items; False when it was not due."""
        now = self.clock()
        fstate = self.state.feed(feed.url, feed.name)
        if fstate.gone:
            result.error = (
                f"{feed.url}: feed is gone (HTTP 410); remove it from the config "
                "or give it a new url"
            )
            return False
        if fstate.next_allowed and now < datetime.fromisoformat(fstate.next_allowed):
            result.error = (
                f"{feed.url}: not polled until {fstate.next_allowed} after "
                f"{fstate.failures} failures; last error: {fstate.last_error}"
            )
            return False
        try:
            response = self.client.get(
                feed.url, etag=fstate.etag, last_modified=fstate.last_modified
            )
            if response.not_modified:
                result.not_modified = True
                self._save_feed(fstate, success=now)
                return True
            parsed = parse_feed(
                response.content, response.url, content_type=response.headers.get("content-type")
            )
        except (FetchError, ParseError) as exc:
            self._feed_failed(fstate, exc, now)
            result.error = str(exc)
            return True
        result.warnings.extend(parsed.warnings)
        # Oldest first, so that a feed's posts are written in the order they appeared.
        for entry in reversed(parsed.entries):
            self._take(feed, entry, result, mode=feed.content)
        self._save_feed(
            replace(
                fstate,
                etag=response.etag,
                last_modified=response.last_modified,
                posts=fstate.posts + len(result.new),
            ),
            success=now,
        )
        return True

    def _take(
        self,
        feed: FeedConfig,
        entry: Entry,
        result: FeedResult,
        *,
        mode: str,
        pending_id: int | None = None,
    ) -> None:
        """Archive one entry unless it is known; record the outcome in ``result``."""
        link = entry.link
        if link is None or not is_safe_link(link):
            log.info("%s: item %r has no usable link; skipped", feed.name, entry.title)
            result.skipped += 1
            return
        url_key = normalize_url(link)
        guid_key = _guid_key(entry.guid)
        if pending_id is None and self.state.is_known(url_key, guid_key):
            result.skipped += 1
            return
        if self.dry_run:
            result.new.append(self._render(feed, entry, None).filename)
            return
        article_id = pending_id
        if article_id is None:
            article_id = self.state.begin(
                url_key=url_key, guid_key=guid_key, feed=feed.name, entry=entry, now=self.clock()
            )
        try:
            post = self._render(feed, entry, self._article(feed, entry, mode))
            name = post.filename
            self.archive.write(name, post.text)
        except (FetchError, ExtractError, ParseError) as exc:
            self.state.fail(article_id, str(exc), self.clock())
            result.failed.append((link, _reason(exc)))
            return
        self.state.finish(article_id, name, self.clock())
        result.new.append(name)
        log.debug("%s: wrote %s", feed.name, name)

    def _article(self, feed: FeedConfig, entry: Entry, mode: str) -> Article:
        """The article for an entry, by the feed's content mode."""
        has_content = bool(entry.content and entry.content.strip())
        if mode == "feed" or (
            mode == "auto" and has_content and is_substantial(entry.content or "")
        ):
            return article_from_feed(entry)
        assert entry.link is not None
        try:
            response = self.client.get(entry.link)
            return extract_article(
                response.content,
                response.url,
                selectors=feed.selectors,
                content_type=response.headers.get("content-type"),
            )
        except FetchError as exc:
            # The page is gone for good: the feed's own text is all that is left.
            if mode == "auto" and has_content and exc.status in (404, 410):
                return article_from_feed(entry)
            raise
        except ExtractError:
            if mode == "auto" and has_content:
                return article_from_feed(entry)
            raise

    def _render(self, feed: FeedConfig, entry: Entry, article: Article | None) -> Post:
        """The post for an entry; without an article (dry run), its name is what counts."""
        url = entry.link
        assert url is not None
        title = entry.title
        if not title.strip():
            title = (article.title if article and article.title else None) or url
        return render_post(
            title=title,
            url=url,
            published=entry.published,
            archived_at=self.clock(),
            author=(entry.author or "").strip() or feed.author,
            tags=feed.tags,
            categories=feed.categories,
            body_html="" if article is None else article.body_html,
            taken=lambda name: self.archive.taken_by_other(name, url),
        )

    # -- feed bookkeeping -----------------------------------------------------------

    def _save_feed(self, fstate: FeedState, *, success: datetime) -> None:
        if self.dry_run:
            return
        self.state.save_feed(
            replace(fstate, last_success=success.isoformat(), failures=0, next_allowed=None)
        )

    def _feed_failed(self, fstate: FeedState, exc: RssArchiveError, now: datetime) -> None:
        if self.dry_run:
            return
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
                last_error=_reason(exc),
                last_error_at=now.isoformat(),
                next_allowed=None if wait is None else (now + wait).isoformat(),
                gone=gone,
            )
        )

    # -- feed lookup ----------------------------------------------------------------

    def _feed_named(self, name: str) -> FeedConfig:
        for feed in self.config.feeds:
            if feed.name == name:
                return feed
        names = ", ".join(f.name for f in self.config.feeds)
        raise UsageError(f"no feed named {name!r} in the config (feeds: {names})")

    def _feed_named_or_first(self, name: str) -> FeedConfig:
        for feed in self.config.feeds:
            if feed.name == name:
                return feed
        return self.config.feeds[0]

    def _feed_for(self, url: str) -> FeedConfig:
        """The feed on the same host as ``url``, else the first one."""
        host = _host(url)
        for feed in self.config.feeds:
            if _host(feed.url) == host:
                return feed
        return self.config.feeds[0]


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _guid_key(guid: str | None) -> str | None:
    if not guid or not guid.strip():
        return None
    guid = guid.strip()
    # A guid that is a URL is compared as one, so http→https changes do not re-archive.
    return normalize_url(guid) if is_safe_link(guid) else guid


def _reason(exc: RssArchiveError) -> str:
    if isinstance(exc, FetchError):
        return exc.reason
    return str(exc)
