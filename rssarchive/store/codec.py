"""The rows of the state database as Python values: the dataclasses State's methods
take and return, and how times, entries and re-check records are written to and read
from their columns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from rssarchive.core.models import Entry, Origin

# Ids bound to one query: below the 999 parameters older SQLite builds allow.
IDS_PER_QUERY = 500


@dataclass(frozen=True)
class FeedState:
    url: str
    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    failures: int = 0
    next_allowed: datetime | None = None  # not polled before then (backing off)
    gone: bool = False
    posts: int = 0
    # Where the feed moved (a 301/308 seen on consecutive polls); the config's url stays
    # the key, so the old address is still known.
    moved_to: str | None = None
    redirect_to: str | None = None  # a permanent redirect seen, not yet trusted
    redirect_count: int = 0
    # What the last parse of the feed warned about (items beyond max_items …); None
    # when its last document had nothing to say. Kept through a 304.
    warning: str | None = None
    # 304s answered in a row since its last document, and when that came (a 200): what
    # decide.FEED_REVALIDATION weighs for an unconditional poll.
    unchanged: int = 0
    last_document: datetime | None = None


@dataclass(frozen=True)
class PendingArticle:
    id: int
    url: str
    feed: str
    entry: Entry
    attempts: int


@dataclass(frozen=True)
class RetriedArticle:
    """An article that failed at least once and is waiting for its next attempt
    (``pending``) or was given up (``failed``); ``origin``: where its entry came from
    (None: no entry kept)."""

    url: str
    status: str
    reason: str  # its last error
    attempts: int  # failed ones
    origin: Origin | None


@dataclass(frozen=True)
class FailingArticle:
    """A feed's item whose attempts failed, waiting for its next one: not before
    ``not_before`` (None: a state from before the back-off)."""

    url: str
    reason: str  # its last error
    attempts: int  # failed ones
    not_before: datetime | None


def stored_time(value: object) -> datetime:
    """A time as a column (or an entry's JSON) keeps it: ISO 8601, as stored_text and
    ``isoformat()`` wrote it. The one reading of a stored time; ValueError when it
    cannot be read."""
    return datetime.fromisoformat(str(value))


def stored_time_or_none(value: object) -> datetime | None:
    """stored_time of a column that may be empty (NULL: None)."""
    return None if value is None else stored_time(value)


def moment(value: object) -> datetime | None:
    """A time as a column keeps it; None: none, or unreadable (a state edited by hand
    says nothing of it rather than stopping status)."""
    try:
        return stored_time_or_none(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class RecheckRow:
    """One article's re-check record (the rechecks table, with its article's URL, feed
    and post file)."""

    article_id: int
    url: str
    feed: str
    filename: str
    archived: datetime
    next_due: datetime | None = None
    checks: int = 0
    status: str = "unchanged"
    reference: str | None = None
    from_page: bool = False
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    last_result: str | None = None
    edited_at: datetime | None = None
    suspected_at: datetime | None = None
    deleted_at: datetime | None = None
    restored_at: datetime | None = None
    # What earlier checks' two fetches disagreed on, as a JSON list (recheck.Record).
    volatile: str | None = None
    # A changed text a check could not confirm (its second fetch met a wall, a 429, a
    # timeout): a later check's first fetch showing it again confirms it (recheck.Record).
    candidate: str | None = None


_RECHECK_COLUMNS = tuple(f.name for f in fields(RecheckRow))[4:]
_RECHECK_TIMES = {"archived", "next_due", "last_checked", "edited_at", "suspected_at"}
_RECHECK_TIMES |= {"deleted_at", "restored_at"}


def _time_or(text: str, default: datetime) -> datetime:
    when = moment(text)
    if when is None:
        return default
    return when if when.tzinfo is not None else when.replace(tzinfo=default.tzinfo)


def _column(value: object) -> object:
    if isinstance(value, datetime):
        return stored_text(value)
    return int(value) if isinstance(value, bool) else value


def _recheck_row(row: Sequence[Any]) -> RecheckRow:
    values: dict[str, Any] = {
        "article_id": int(row[0]),
        "url": str(row[1]),
        "feed": str(row[2]),
        "filename": str(row[3]),
    }
    for name, value in zip(_RECHECK_COLUMNS, row[4:], strict=True):
        if name in _RECHECK_TIMES:
            value = stored_time_or_none(value)
        values[name] = value
    values["from_page"] = bool(values["from_page"])
    return RecheckRow(**values)


@dataclass(frozen=True)
class GuidOwner:
    """An article recorded with a given guid (State.guid_owners)."""

    id: int
    url: str
    status: str
    filename: str | None  # its post, once done
    entry: Entry | None  # the entry it came from, while not done
    keys: frozenset[str]  # its URL keys: its own and its aliases
    feed: str = ""  # the feed it was recorded for (identity by guid is per feed)
    # What the feed's item with this guid last showed (title, date, identity.text_key of
    # its text; State.see_guid), or None: nothing recorded (an older state, a post).
    seen: GuidSeen | None = None


@dataclass(frozen=True)
class GuidSeen:
    """What a feed's item with a given guid last showed, and the article it is."""

    article_id: int
    title: str | None
    published: datetime | None
    text_key: str | None


# The feeds table has one column per FeedState field, in the same order.
FEED_COLUMNS = tuple(f.name for f in fields(FeedState))
# Its times: ISO 8601 text in the database, datetimes in a FeedState (feed, save_feed).
FEED_TIMES = ("last_success", "last_error_at", "next_allowed", "last_document")


def stored_text(moment: datetime) -> str:
    """A time as the state database writes it, and status says it: ISO 8601 to the
    millisecond. The one writing of a stored time (stored_time reads it)."""
    return moment.isoformat(timespec="milliseconds")


def entry_to_json(entry: Entry) -> str:
    data: dict[str, Any] = {
        "title": entry.title,
        "link": entry.link,
        "guid": entry.guid,
        "published": None if entry.published is None else entry.published.isoformat(),
        "author": entry.author,
        "content": entry.content,
        "image": entry.image,
    }
    # Only when set: rows written before these fields existed read back the same.
    if entry.origin != "feed":
        data["origin"] = entry.origin
    if entry.listed is not None:
        data["listed"] = entry.listed.isoformat()
    if entry.shared_link is not None:
        data["shared_link"] = entry.shared_link
    return json.dumps(data, ensure_ascii=False)


def entry_from_json(text: str) -> Entry:
    data = json.loads(text)
    published, listed = data.get("published"), data.get("listed")
    return Entry(
        title=data["title"],
        link=data.get("link"),
        guid=data.get("guid"),
        published=stored_time_or_none(published),
        author=data.get("author"),
        content=data.get("content"),
        image=data.get("image"),
        origin=data.get("origin", "feed"),
        listed=stored_time_or_none(listed),
        shared_link=data.get("shared_link"),
    )
