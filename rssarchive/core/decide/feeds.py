"""A feed's decisions: when it is due, its back-off and health, its moves (which items of
a document are read and kept: feeditems.py).

Part of the decider (rssarchive.core.decide): pure, the time an argument."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from rssarchive.core.decide.identity import Shown
from rssarchive.core.decide.policies import (
    ARTICLE_STANDING,
    FEED_BACKOFF,
    MOVE_AFTER,
    retry_due,
)
from rssarchive.core.errors import LockedError, NewerStateError, RssArchiveError
from rssarchive.core.identity import differs, title_key
from rssarchive.core.urls import absolute

# -- feeds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NotDue:
    """Why a feed is not polled now: ``gone`` (HTTP 410: not until the config changes),
    or ``backoff``, not ``until`` then after ``failures`` in a row, the last for
    ``last_error`` (run/printing.not_due_line says it)."""

    kind: Literal["gone", "backoff"]
    until: datetime | None = None
    failures: int = 0
    last_error: str | None = None


def not_due(
    *,
    gone: bool,
    next_allowed: datetime | None,
    failures: int,
    last_error: str | None,
    now: datetime,
    last_failure: datetime | None = None,
) -> NotDue | None:
    """Why a feed is not polled now; None: poll it. A back-off whose failure is later
    than ``now`` was set by a clock ahead of this one (the clock went back): the feed is
    polled, as an article's retry is (retry_due)."""
    if gone:
        return NotDue("gone")
    if next_allowed is not None and not retry_due(next_allowed, last_failure, now):
        return NotDue("backoff", next_allowed, failures, last_error)
    return None


@dataclass(frozen=True)
class FeedFailed:
    """What a failed poll makes of the feed's health."""

    failures: int
    next_allowed: datetime | None  # not polled before then
    gone: bool  # HTTP 410: not polled again until the config changes


def feed_failed(
    failures: int, *, status: int | None, retry_after: float | None, now: datetime
) -> FeedFailed:
    """A feed that failed ``failures`` times before fails once more, with an HTTP
    ``status`` (None: not an HTTP answer) and the server's Retry-After in seconds. A
    server that names its time is believed; otherwise FEED_BACKOFF says the wait."""
    failures += 1
    wait = timedelta(seconds=retry_after) if retry_after else FEED_BACKOFF.wait(failures)
    return FeedFailed(failures, None if wait is None else now + wait, status == 410)


@dataclass(frozen=True)
class FeedSucceeded:
    """What a successful poll makes of the feed's health."""

    failures: int  # in a row: none now
    next_allowed: datetime | None  # no back-off any more
    last_success: datetime


def feed_succeeded(now: datetime) -> FeedSucceeded:
    """A feed polled successfully at ``now`` (its document, or a 304): its failures in a
    row and its back-off end."""
    return FeedSucceeded(0, None, now)


def run_failed(failures: int, *, gone: bool) -> int | None:
    """A run stopped before its feeds could succeed or fail on their own (a write error,
    a lock that cannot be made): the failures in a row counted for a feed that failed
    ``failures`` times before, so that status says FAILING; None: the feed is left as
    it is (a gone one). No back-off: the fault is ours, not the site's."""
    return None if gone else failures + 1


# -- a feed's selection settings and what a poll records (issue 16) -----------------------


def selection_changed(applied: str | None, current: str) -> bool:
    """Whether a feed's last full document was read with other selection settings
    (``applied``, as the state recorded them; None: none recorded, a state from before
    they were) than the config's now (``current``)."""
    return applied is not None and applied != current


def poll_validators(
    etag: str | None, last_modified: str | None, *, selection_changed: bool
) -> tuple[str | None, str | None]:
    """The validators a feed's fetch sends (its ETag and Last-Modified, as the state
    kept them): none, an unconditional fetch, once its selection settings changed. A
    feed polled with a cap keeps the validators of the document it capped: raised later,
    the cap would bring nothing back, for the server answers 304 to that document."""
    return (None, None) if selection_changed else (etag, last_modified)


def asks_selection_changed(not_modified: bool, warning: str | None) -> bool:
    """Whether says_kept_warning needs ``selection_changed`` (a read of the state): for
    a 304 of a feed whose kept document had a warning."""
    return not_modified and bool(warning)


def says_kept_warning(not_modified: bool, warning: str | None, *, selection_changed: bool) -> bool:
    """Whether a poll says again the warning kept with the feed's last document (the
    max_items cut, malformed XML): on a 304, which means that document, so the warning
    still holds; not once the selection settings changed (it is about the old ones)."""
    return asks_selection_changed(not_modified, warning) and not selection_changed


def asks_shown_warning(warning: str | None) -> bool:
    """Whether shown_warning needs ``selection_changed`` (a read of the state): for a
    feed whose kept document had a warning."""
    return asks_selection_changed(True, warning)


def shown_warning(warning: str | None, *, selection_changed: bool) -> str | None:
    """The warning status shows for a feed: the one kept with its last document, as a
    304 of it says it again (says_kept_warning), but not once the selection settings
    changed (it is about the config's old max_items, not this one's)."""
    return None if asks_shown_warning(warning) and selection_changed else warning


def counted_under(configured: str, recorded: str, configured_names: Collection[str]) -> str:
    """The feed name whose articles status counts for a configured feed: the name the
    state recorded for its URL (``recorded``) when the config renamed it and no run
    since recorded the new one (the articles still carry the old name), unless that old
    name is another configured feed's; else its configured name."""
    if recorded != configured and recorded not in configured_names:
        return recorded
    return configured


@dataclass(frozen=True)
class Polled:
    """What a successful poll records of the feed's document: its validators, the
    warning kept with it, and whether the selection settings it was read with are
    remembered (selection_changed compares them next time)."""

    etag: str | None
    last_modified: str | None
    warning: str | None
    remember_selection: bool


def feed_polled(
    kept: Polled,
    *,
    not_modified: bool,
    etag: str | None,
    last_modified: str | None,
    warnings: Sequence[str] | None,
) -> Polled:
    """What a poll records, from what the state ``kept``, the response (``not_modified``:
    a 304; its validators ``etag`` and ``last_modified``) and its document's
    ``warnings`` (None: no document). A 304 keeps the validators, and the warning of the
    document it means; a document brings its own (no warning: None), read with the
    settings of now."""
    validators = (kept.etag, kept.last_modified) if not_modified else (etag, last_modified)
    if warnings is None:
        return Polled(*validators, kept.warning, False)
    return Polled(*validators, "; ".join(warnings) or None, True)


def records_run_failure(exc: RssArchiveError) -> bool:
    """Whether a run under the site's lock that stops on ``exc`` leaves a record of it
    that status reads (store/runfailure.py): not another run's lock (LockedError), nor
    a state written by a newer version (NewerStateError): no failure of the archive.
    (Ctrl-C and SIGTERM are not errors of ours: nothing is recorded for them either.)"""
    return not isinstance(exc, LockedError | NewerStateError)


HealthKind = Literal[
    "ok",
    "warning",
    "empty",
    "articles given up",
    "not polled yet",
    "failing",
    "runs stopped",
    "articles failing",
    "gone",
]


@dataclass(frozen=True)
class Health:
    """A feed's health as status says it, in text and JSON alike: ``count`` is the
    failures in a row ("failing"), the articles failing ("articles failing") or those
    given up ("articles given up")."""

    kind: HealthKind
    count: int = 0

    @property
    def ok(self) -> bool:
        """Whether nothing fails (a warning, or articles given up, aside: the feed and
        its runs work, and each given-up article is named, not retried)."""
        return self.kind in ("ok", "warning", "articles given up", "not polled yet")


def feed_health(
    failures: int,
    *,
    gone: bool,
    failing_articles: int,
    warning: bool,
    runs_stopped: bool,
    given_up: int = 0,
    polled: bool = True,
    empty: bool = False,
) -> Health:
    """A feed's health from its state: gone (HTTP 410: not polled, so no stopped run
    is its concern); failing, its last poll or run failed (``failures`` in a row);
    ``runs_stopped``, the last runs stopped before they reached it, where the state
    could not record it (store/runfailure.py): not ok, though its own record is clean;
    its articles failing, ``failing_articles`` waiting for their next attempt (each run
    exits 1); ``given_up``, its articles that failed for good (their attempts given up,
    or their pages gone): ok, but never plain ok while one is not archived (look16 F3;
    the runs that list it again skip it, and exit 0); ok with a warning kept from its
    last document; not ``polled`` (no poll has succeeded or failed yet: a new feed, or
    the runs were stopped before its turn), not polled yet, which is no failure but no
    plain ok either (look16c F13: it said ok with "last success: never"); ``empty``, its
    last document an empty channel though it had items (lists_nothing): not ok, though
    its polls succeed, while what it publishes may fall off unseen; else ok."""
    if gone:
        return Health("gone")
    if failures:
        return Health("failing", failures)
    if runs_stopped:
        return Health("runs stopped")
    if not polled:
        return Health("not polled yet")
    if empty:  # an empty channel of a feed that had items: not ok (look16f s29)
        return Health("empty")
    if failing_articles:
        return Health("articles failing", failing_articles)
    if given_up:
        return Health("articles given up", given_up)
    return Health("warning" if warning else "ok")


@dataclass(frozen=True)
class Moves:
    """A feed's permanent redirects, counted: where it moved (None: nowhere; the move
    recorded before, unless this poll moved it), the redirect seen but not trusted yet,
    and whether this poll moved it (``moved_now``: said once)."""

    moved_to: str | None
    redirect_to: str | None
    redirect_count: int
    moved_now: bool = False


def follow_moves(
    redirects: Sequence[tuple[int, str]],
    redirect_to: str | None,
    redirect_count: int,
    moved_to: str | None = None,
) -> Moves:
    """Count the permanent redirects of a poll (``redirects``: its (status, location)
    hops) after ``redirect_count`` polls that went to ``redirect_to``; after MOVE_AFTER
    polls in a row to one place, the feed moves there. Any other answer resets the
    count. ``moved_to``: where it moved before, kept unless it moves again."""
    if not redirects or not all(status in (301, 308) for status, _ in redirects):
        return Moves(moved_to, None, 0)
    target = redirects[-1][1]
    count = redirect_count + 1 if redirect_to == target else 1
    if count >= MOVE_AFTER:
        return Moves(target, None, 0, moved_now=True)
    return Moves(moved_to, target, count)


FeedMoveSaid = Literal["followed", "moved"]


def feed_move_said(moves: Moves) -> FeedMoveSaid | None:
    """What a run says of a poll's permanent redirects (follow_moves' ``moves``), in the
    feed's warnings: ``followed``, on the poll that first follows one to its target
    (its items are read there this run; the feed moves when the next poll is
    redirected too, MOVE_AFTER); ``moved``, on the poll that moves the feed; None
    otherwise: a feed polled at its new address has nothing more to say, and a
    redirect counted again is said when it moves the feed. Each said once."""
    if moves.moved_now:
        return "moved"
    if moves.redirect_count == 1:
        return "followed"
    return None


def poll_url(url: str, moved_to: str | None) -> str:
    """The address a feed is polled at: where it moved, else the config's."""
    return moved_to or url


# -- a moved feed's relative links ---------------------------------------------------


def earlier_addresses(
    url: str,
    moved_to: str | None,
    polled: str,
    final: str,
    redirects: Sequence[tuple[int, str]],
) -> tuple[str, ...]:
    """The addresses a feed had before a permanent move, other than the one its document
    came from now (``final``): its config's (``url``) once it moved (``moved_to``), and
    the address polled (``polled``) when only permanent redirects (301, 308) led from it
    to ``final`` (the poll that follows a move first). A temporary redirect moves
    nothing: its links were resolved against its end all along."""
    earlier = [url] if moved_to is not None else []
    if redirects and all(status in (301, 308) for status, _ in redirects):
        earlier.append(polled)
    return tuple(dict.fromkeys(a for a in earlier if a != final))


def links_before_move(
    relative: str | None, link: str | None, final: str, earlier: Sequence[str]
) -> tuple[str, ...]:
    """The URLs an item's relative link (``relative``, as the feed wrote it: ``story-1``)
    named at the feed's earlier addresses (earlier_addresses), its link now being its
    resolution against ``final``, the document's address (RFC 3986 section 5.1.3): an
    article archived at one of them before the move is this item. None for an absolute
    link, nor for one resolved against another base (xml:base, a later page)."""
    if not earlier or relative is None or link is None or absolute(relative, final) != link:
        return ()
    named = (absolute(relative, base) for base in earlier)
    return tuple(dict.fromkeys(u for u in named if u is not None and u != link))


def archived_before_move(
    found: Sequence[tuple[int, str, str | None, Shown | None]], feed: str, item: Shown
) -> tuple[int, str] | None:
    """The article a moved feed's item (``item``: its title and date) is
    (links_before_move), from the articles ``found`` at the links it named before the
    move, in their order (id, status, the feed recorded for it, its post's title and
    date, or its entry's while pending): the first of this feed, archived or pending,
    whose title and date do not belie it (each compared only when both sides have one:
    a site that starts its names again in its new folder, ``1.html``, lists another
    article there). One given up is tried at its old link no more; another feed's is
    not this feed's item (two feeds may share a relative name: ``story-1``)."""
    for article_id, status, owner, shown in found:
        if owner != feed or status == ARTICLE_STANDING.failed:
            continue
        if shown is not None and _belied(item, shown):
            continue
        return article_id, status
    return None


def _belied(item: Shown, other: Shown) -> bool:
    """Whether two items' titles or dates, each where both have one, differ."""
    titles = title_key(item.title), title_key(other.title)
    if all(titles) and titles[0] != titles[1]:
        return True
    dated = other.dated and item.published is not None and other.published is not None
    return dated and differs(None, item.published, None, other.published) == "another date"
