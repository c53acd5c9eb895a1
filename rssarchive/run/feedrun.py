"""Polling one feed: whether it is due, its fetch, its new items, and what the poll
teaches about the feed's health and address."""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from rssarchive.core import decide
from rssarchive.core.caps import MAX_FEED_BYTES
from rssarchive.core.errors import FetchError, ParseError, RssArchiveError, StateError, reason_of
from rssarchive.core.models import Entry, FeedConfig, Response
from rssarchive.run.jobs import _Job, _Poll, _substantial, _warn_collapsed
from rssarchive.run.printing import move_line, not_due_line
from rssarchive.run.report import FeedResult
from rssarchive.run.working import _Working
from rssarchive.store import selection
from rssarchive.store.state import FeedState, State

if TYPE_CHECKING:
    from rssarchive.sources.feeds import ParsedFeed

log = logging.getLogger(__name__)


class _FeedRun(_Working):
    """Polling one feed: whether it is due, its fetch, its new items, and what the poll
    teaches about the feed's health and address."""

    def _not_due(self, feed: FeedConfig, fstate: FeedState, result: FeedResult) -> bool:
        why = decide.not_due(
            gone=fstate.gone,
            next_allowed=fstate.next_allowed,
            failures=fstate.failures,
            last_error=fstate.last_error,
            now=self.clock(),
            last_failure=fstate.last_error_at,
        )
        if why is None:
            return False
        result.error = not_due_line(feed.url, why)
        return True

    def _fetch_feed(self, feed: FeedConfig, fstate: FeedState) -> _Poll:
        """Network and parsing only (runs in a thread): no state, no files."""
        poll = _Poll(feed, fstate)
        conditional = not decide.FEED_REVALIDATION.unconditional(
            fstate.unchanged, fstate.last_document, self.clock()
        )
        if not conditional and (fstate.etag or fstate.last_modified):
            log.info(
                "%s: polled without its validators (%d 304s in a row)", feed.name, fstate.unchanged
            )
        try:
            poll.response = self.client.get(
                decide.poll_url(feed.url, fstate.moved_to),
                etag=fstate.etag if conditional else None,
                last_modified=fstate.last_modified if conditional else None,
                max_bytes=MAX_FEED_BYTES,
            )
            if not poll.response.not_modified:
                # Every item read: max_items is applied where the state can say which
                # links the archive knows (_capped), with its later pages (_later_pages).
                poll.parsed = self._read(poll.response, feed.max_items)
        except FetchError as exc:
            poll.error = exc
        except ParseError as exc:  # the parser does not know the URL: said as fetches are
            assert poll.response is not None
            poll.error = ParseError(reason_of(exc), url=exc.url or poll.response.url)
        return poll

    def _new_jobs(self, poll: _Poll, result: FeedResult) -> Iterator[_Job]:
        if poll.error is not None:
            result.error = str(poll.error)
            return
        if poll.parsed is None:
            result.not_modified = True
            # No document: a 304, which means the one the kept warning is about.
            not_modified, warning = True, poll.state.warning
            # The settings are read only when a kept warning may be said.
            changed = decide.asks_selection_changed(not_modified, warning) and selection.changed(
                self.state, poll.feed
            )
            if decide.says_kept_warning(not_modified, warning, selection_changed=changed):
                result.warnings.append(f"{warning} (unchanged: 304 Not Modified)")
            return
        read = len(poll.parsed.entries)
        poll.parsed = self._capped(poll.parsed, poll.feed.max_items)
        gap = self._gap_note(poll, read)
        if gap is not None:  # kept as the document's warning: status says it too
            poll.parsed = replace(poll.parsed, warnings=(*poll.parsed.warnings, gap))
        result.warnings.extend(poll.parsed.warnings)
        entries, listed = self._identified(poll.parsed.entries, result)
        _warn_collapsed(entries, result)
        entries = self._one_story(entries, result)
        # A time several items share is the feed's build time, not theirs (look16c F6b).
        result.stamps.update(
            decide.build_stamps([e.published for e in poll.parsed.entries], self.clock())
        )
        assert poll.response is not None
        final = poll.response.url
        earlier = decide.earlier_addresses(
            poll.feed.url,
            poll.state.moved_to,
            decide.poll_url(poll.feed.url, poll.state.moved_to),
            final,
            poll.response.redirects,
        )
        # Oldest first, so that a feed's posts are written in the order they appeared.
        for entry in reversed(entries):
            before = decide.links_before_move(entry.relative, entry.link, final, earlier)
            job = self._begin(
                poll.feed, entry, result, mode=poll.feed.content, listed=listed, before=before
            )
            if job is not None:
                job.stamped = entry.published in result.stamps
                job.taken_on_now, job.last_poll = True, poll.state.last_success
                job.backlog = decide.left_a_backlog(poll.state.warning)
                yield job

    def _one_story(self, entries: list[Entry], result: FeedResult) -> list[Entry]:
        """The entries of one document without those another item of it is the same story
        of (decide.one_story: the same title, date to the second and whole text at another
        link, look16f s15), said once per link (its one_story_mark)."""
        # The whole-text measure is asked only of items whose title and date repeat.
        seen = Counter((e.title, e.published) for e in entries)
        listed = [
            decide.StoryItem(
                e.link,
                e.title,
                e.published,
                e.content,
                seen[e.title, e.published] > 1
                and bool(e.content)
                and _substantial(e.content or "", e.link),
            )
            for e in entries
        ]
        dropped: set[int] = set()
        for group in decide.one_story(listed):
            dropped.update(group[1:])
            links = [entries[i].link or "" for i in group]
            marks = {decide.one_story_mark(decide.link_key(link) or link) for link in links[1:]}
            if any(self.state.meta_value(mark) is None for mark in marks):
                result.warnings.append(decide.one_story_said(links))
                if decide.records(dry_run=self.dry_run):
                    self.state.set_meta(dict.fromkeys(marks, "1"))
        return [e for i, e in enumerate(entries) if i not in dropped]

    def _gap_note(self, poll: _Poll, read: int) -> str | None:
        """What decide.gap_note says of the document ``poll`` read (``read`` items
        before max_items): the archive's links read only for a feed that had posts."""
        assert poll.parsed is not None
        if not poll.state.posts or poll.state.last_success is None:
            return None
        entries = poll.parsed.entries
        last_poll = poll.state.last_success
        # Items pinned above the list (older than the last poll) are not its overlap.
        pinned = decide.pinned_lead([e.published for e in entries], last_poll)

        def note(pinned: int, known: int) -> str | None:
            dates = [e.published for e in entries[pinned:] if e.published is not None]
            return decide.gap_note(
                read - pinned,
                known,
                archived=poll.state.posts,
                last_poll=last_poll,
                oldest=min(dates, default=None),
                pinned=pinned,
            )

        if note(pinned, 0) is None:
            return None  # a document reaching back to the last poll: nothing read
        # An archived article an edit sorted to the top, listed with its edit's date
        # (look16i I9): when the archive recorded it says it is old.
        pinned = decide.pinned_lead(
            [e.published for e in entries], last_poll, self._recorded_at(entries)
        )
        # An item the archive knows by its link, or by a guid this feed listed before:
        # the first one found is enough.
        links = self._known_links(entries[pinned:])
        known = any(
            decide.link_key(e.link) in links
            or (
                (gk := decide.guid_key(e.guid)) is not None
                and self.state.guid_seen(gk, poll.feed.name) is not None
            )
            for e in entries[pinned:]
        )
        return note(pinned, int(known))

    def _recorded_at(self, entries: Sequence[Entry]) -> list[datetime | None]:
        """When the archive recorded each of ``entries`` (by its link), None for one it
        does not know: read only for a document that may have lost items."""
        now = self.clock()
        recorded: list[datetime | None] = []
        for entry in entries:
            key = decide.link_key(entry.link)
            found = None if key is None else self.state.lookup(key)
            recorded.append(None if found is None else self.state.recorded(found[0], now)[1])
        return recorded

    def _known_links(self, entries: Iterable[Entry]) -> set[str]:
        """The link keys of ``entries`` the archive knows: archived, pending or failed,
        taken on by this run already, or (a dry run's) posts a real run would adopt."""
        keys = {key for e in entries if (key := decide.link_key(e.link)) is not None}
        taken = self._recorded | self._adoptable
        return {k for k in keys if k in taken or self.state.lookup(k) is not None}

    def _capped(self, parsed: ParsedFeed, max_items: int) -> ParsedFeed:
        """``parsed`` with at most ``max_items`` articles (sources.feeds.cap_items), by
        the run's clock (an item dated after it takes no place) and, when the cut needs
        it, the links the archive knows (undated items: the new ones first)."""
        from rssarchive.sources.feeds import cap_items

        asks = decide.asks_known(decide.distinct_articles(parsed.entries), max_items)
        known = self._known_links(parsed.entries) if asks else set()
        return cap_items(parsed, max_items, self.clock(), known)

    def _later_pages(self, polls: Sequence[_Poll]) -> None:
        """Read the later pages of the paged feeds among ``polls`` (RFC 5005 section 3,
        rel="next") while each page read holds an item new to the archive, wherever the
        archived ones stand on it (decide.next_page), a
        round of pages at a time in threads; their items join the first page's document
        (max_items applies to them all), and what stopped the reading while items may be
        lost is its warning. The later pages are fetched without validators: only the
        first page's are kept."""
        paging = [_Paging(poll, poll.parsed) for poll in polls if poll.parsed is not None]
        while paging:
            steps: list[tuple[_Paging, str]] = []
            for feed in paging:
                poll, entries = feed.poll, feed.page.entries
                assert poll.response is not None
                last = poll.state.last_success
                # A state rebuilt from the posts is asked whether it holds the feed's.
                adopted = decide.asks_adopted(
                    last, feed.page.next_page
                ) and self.state.has_articles(poll.feed.name)
                first_run = decide.first_run(last, adopted=adopted)
                keys = {key for e in entries if (key := decide.link_key(e.link)) is not None}
                # The state is read only for a page that links a next one.
                asks = decide.asks_page_known(
                    feed.page.next_page, first_run=first_run, items=len(entries)
                )
                known = keys & feed.seen | (self._known_links(entries) if asks else set())
                linked = [e for e in entries if decide.link_key(e.link) is not None]
                step = decide.next_page(
                    feed.page.next_page,
                    first_page=poll.response.url,
                    first_run=first_run,
                    items=len(entries),
                    known=[decide.link_key(e.link) in known for e in linked],
                    read=[poll.response.url, *feed.read],
                    # The latest date each gives: an archived one updated since the
                    # last poll tells a feed sorted by update (look16h H15).
                    dates=[
                        max(filter(None, (e.published, e.updated)), default=None) for e in linked
                    ],
                    last_poll=poll.state.last_success,
                    published=[e.published for e in linked],
                )
                if step.warning is not None:
                    feed.add(warnings=[step.warning])
                if step.url is not None:
                    steps.append((feed, step.url))
                feed.seen |= keys
            fetched = self._parallel(lambda step: self._fetch_page(*step), steps)
            paging = []
            for (feed, url), got in zip(steps, fetched, strict=True):
                feed.read.append(url)
                if isinstance(got, str):  # the page failed: said, and the reading stops
                    feed.add(warnings=[got])
                    continue
                feed.page = got
                feed.add(got.entries, [f"{url}: {warning}" for warning in got.warnings])
                paging.append(feed)

    def _fetch_page(self, feed: _Paging, url: str) -> ParsedFeed | str:
        """A later page of a paged feed (runs in a thread), read whole; or what failed,
        as a warning: its items wait for the next run that reaches them."""
        try:
            response = self.client.get(url, max_bytes=MAX_FEED_BYTES)
            return self._read(response, feed.poll.feed.max_items)
        except (FetchError, ParseError) as exc:
            return f"its next page {url} failed ({reason_of(exc)}); later pages not read"

    def _record_poll(self, poll: _Poll, result: FeedResult) -> None:
        """Save what polling taught us about the feed, once its articles are done."""
        if not decide.records(dry_run=self.dry_run):
            return
        now = self.clock()
        if poll.error is not None:
            self._feed_failed(poll.state, poll.error, now)
            return
        assert poll.response is not None
        succeeded = decide.feed_succeeded(now)
        kept = poll.state
        polled = decide.feed_polled(
            decide.Polled(kept.etag, kept.last_modified, kept.warning, False),
            not_modified=poll.response.not_modified,
            etag=poll.response.etag,
            last_modified=poll.response.last_modified,
            warnings=None if poll.parsed is None else poll.parsed.warnings,
        )
        unchanged, last_document = decide.FEED_REVALIDATION.polled(
            kept.unchanged,
            kept.last_document,
            not_modified=poll.response.not_modified,
            now=now,
        )
        fstate = replace(
            _follow_moves(poll.state, poll.response, result),
            unchanged=unchanged,
            last_document=last_document,
            failures=succeeded.failures,
            next_allowed=succeeded.next_allowed,
            last_success=succeeded.last_success,
            posts=poll.state.posts + len(result.new),
            etag=polled.etag,
            last_modified=polled.last_modified,
            warning=polled.warning,
        )
        if polled.remember_selection:
            selection.remember(self.state, poll.feed)
        self.state.save_feed(fstate)

    def _feed_failed(self, fstate: FeedState, exc: RssArchiveError, now: datetime) -> None:
        fetch = exc if isinstance(exc, FetchError) else None
        failed = decide.feed_failed(
            fstate.failures,
            status=None if fetch is None else fetch.status,
            retry_after=None if fetch is None else fetch.retry_after,
            now=now,
        )
        self.state.save_feed(
            replace(
                fstate,
                failures=failed.failures,
                last_error=reason_of(exc),
                last_error_at=now,
                next_allowed=failed.next_allowed,
                gone=failed.gone,
            )
        )


def record_run_failure(
    state: State, feeds: Sequence[FeedConfig], reason: str, now: datetime
) -> None:
    """Count a failed run for every feed, as decide.run_failed says, so that status says
    FAILING with ``reason``: the run stopped before any feed could succeed or fail on
    its own. Best effort: the state may be what cannot be written."""
    with contextlib.suppress(StateError):
        for feed in feeds:
            fstate = state.feed(feed.url, feed.name)
            failures = decide.run_failed(fstate.failures, gone=fstate.gone)
            if failures is None:
                continue
            state.save_feed(
                replace(fstate, failures=failures, last_error=reason, last_error_at=now)
            )


@dataclass
class _Paging:
    """A paged feed's later pages being read (_later_pages): the page read last, the
    later pages read (their URLs), and the link keys the pages before the last listed."""

    poll: _Poll
    page: ParsedFeed
    read: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, entries: Sequence[Entry] = (), warnings: Sequence[str] = ()) -> None:
        """A later page's items and warnings, joined to the feed's document."""
        parsed = self.poll.parsed
        assert parsed is not None
        self.poll.parsed = replace(
            parsed,
            entries=(*parsed.entries, *entries),
            warnings=(*parsed.warnings, *warnings),
        )


def _follow_moves(fstate: FeedState, response: Response, result: FeedResult) -> FeedState:
    """The feed's state after a poll's redirects (decide.follow_moves): moved, or not;
    a redirect first followed and a move are said in the feed's warnings
    (decide.feed_move_said)."""
    moves = decide.follow_moves(
        response.redirects, fstate.redirect_to, fstate.redirect_count, fstate.moved_to
    )
    said = decide.feed_move_said(moves)
    if said is not None:
        target = moves.moved_to if said == "moved" else moves.redirect_to
        assert target is not None
        polled = decide.poll_url(fstate.url, fstate.moved_to)  # the address redirected
        result.warnings.append(move_line(said, polled, target))
    return replace(
        fstate,
        moved_to=moves.moved_to,
        redirect_to=moves.redirect_to,
        redirect_count=moves.redirect_count,
    )
