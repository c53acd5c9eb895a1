"""Which items of a feed are read and kept: its later pages (a paged feed, RFC 5005
section 3: ``<link rel="next">``) and ``max_items``, and what is said of either.

Part of the decider (rssarchive.core.decide): pure, the time an argument."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rssarchive.core.dates import utc_stamp
from rssarchive.core.decide.identity import link_key
from rssarchive.core.decide.policies import MAX_LATER_FEED_PAGES
from rssarchive.core.models import Entry
from rssarchive.core.urls import host_key

# -- max_items: which items of a document are kept ----------------------------------------


def _date_rank(entry: Entry, now: datetime | None) -> tuple[bool, datetime]:
    """How a dated entry ranks by its date, the newest the greatest: one dated after
    ``now`` (the run's clock) below every other, its date not believed."""
    published = entry.published or datetime.min
    return (now is None or published <= now, published)


def newest_first(entries: Sequence[Entry], now: datetime | None = None) -> list[Entry]:
    """Dated entries newest first (ties in feed order); an undated entry keeps its place
    in the feed's order. One dated after ``now`` (the run's clock) comes after every
    other dated one, as the oldest: its date is not believed, and by it a bogus 2100
    would be the newest and take a real new item's place under max_items."""
    dated = iter(
        sorted(
            (e for e in entries if e.published is not None),
            key=lambda e: _date_rank(e, now),
            reverse=True,
        )
    )
    return [next(dated) if e.published is not None else e for e in entries]


def article_of(entry: Entry) -> object:
    """What makes an item of one document another article under max_items: its link as
    the run compares it (link_key: tracking parameters, a fragment … aside); an item
    without a usable link is one of its own."""
    return link_key(entry.link) or id(entry)


def distinct_articles(entries: Sequence[Entry]) -> int:
    """How many articles ``entries`` list: an article listed several times (a broken
    CMS) counts once, under max_items and in its warning."""
    return len({article_of(e) for e in entries})


# How the kept items were chosen: by their dates (every item dated); undated, nothing of
# the list known: the first listed; undated, the ones the archive does not know first,
# from the list's start, or from its end when known ones (not a lone pin) lead it (listed
# oldest first).
CapOrder = Literal["newest", "first listed", "new first", "new last"]


@dataclass(frozen=True)
class Kept:
    """The items kept under max_items (in the feed's order), how they were chosen, and
    the articles left out that the archive does not know (``left_out``: neither
    archived nor pending; those it holds lose nothing by the cut)."""

    entries: list[Entry]
    order: CapOrder
    left_out: int
    some_dated: bool = False  # not every item undated (said with an order not "newest")
    tied: bool = False  # every item dated, but dates that tie chose (look16e F9)


def asks_known(articles: int, max_items: int) -> bool:
    """Whether keep_under_cap needs to know which links the archive knows (a read of the
    state per link): only for a document of more than ``max_items`` articles."""
    return articles > max_items


def keep_under_cap(
    entries: Sequence[Entry],
    max_items: int,
    now: datetime | None,
    known: Collection[object] = frozenset(),
) -> Kept:
    """The items of ``max_items`` articles of one document (an article listed several
    times takes one place, and its every listing is kept: look16 F2), in the feed's order.

    Every item dated: the newest (newest_first, by the run's clock ``now``), so that a
    feed listing its items oldest first still has its new ones archived. Else no date
    says which are new, but the archive does (``known``: the article_of keys it holds or
    has pending): those it does not know come first, so that every item is archived over
    a few runs (look16c F4b); when the list starts with known ones (two at least: one
    alone is a pin) and ends with an unknown one, it grows at its end (oldest first)
    and is read from there. Dated items
    among undated ones take the dated places by their dates, as newest_first orders them.
    Dated items whose dates tie (a build time stamped on every item, day-only dates)
    are ordered among themselves as undated ones are; when such a tie is where the cut
    falls, the dates did not choose, and the order said is the undated one (look16e F9).
    """
    new = [e for e in entries if article_of(e) not in known]
    held = [e for e in entries if article_of(e) in known]
    last = _grows_at_end(entries, known)
    if last:
        new, held = new[::-1], held[::-1]
    order: CapOrder = "first listed" if not held else "new last" if last else "new first"
    dated = all(e.published is not None for e in entries)
    if dated:
        # Ties keep the order of the undated: the new ones first, from the growing end.
        ranked = newest_first(new + held, now)
    else:
        ranked = newest_first(new, now) + newest_first(held, now)
    kept: set[object] = set()
    for entry in ranked:
        if len(kept) == max_items:
            break
        kept.add(article_of(entry))
    tied = dated and _tie_at_cut(entries, kept, now)
    if dated and not tied:
        order = "newest"
    left = {article_of(e) for e in entries} - kept
    return Kept(
        [e for e in entries if article_of(e) in kept],
        order,
        len([a for a in left if a not in known]),
        any(e.published is not None for e in entries),
        tied,
    )


def _grows_at_end(entries: Sequence[Entry], known: Collection[object]) -> bool:
    """Whether a list grows at its end (listed oldest first): it starts with two
    articles or more the archive knows and ends with one it does not. One known article
    alone above new ones is a pinned post's place, not the list's order (look16e F14):
    a newest-first feed's new items under it go first."""
    lead: set[object] = set()
    for entry in entries:
        if article_of(entry) not in known:
            break
        lead.add(article_of(entry))
    return len(lead) >= 2 and article_of(entries[-1]) not in known


def _tie_at_cut(entries: Sequence[Entry], kept: Collection[object], now: datetime | None) -> bool:
    """Whether an item left out is dated as late as one kept: then their dates did not
    choose between them."""
    ins = [_date_rank(e, now) for e in entries if article_of(e) in kept]
    outs = [_date_rank(e, now) for e in entries if article_of(e) not in kept]
    return bool(ins and outs) and max(outs) >= min(ins)


def _kept_phrase(kept: Kept, count: int) -> str:
    if kept.order == "newest":
        return f"kept the {count} newest"
    if kept.order == "first listed":
        if kept.tied:
            return f"kept the first {count} listed (their dates tie: not ordered by dates)"
        if kept.some_dated:
            return f"kept {count} by their dates, the undated ones by their place in the list"
        return f"kept the first {count} listed (undated items: not ordered by dates)"
    note = (
        "their dates tie: not ordered by dates"
        if kept.tied
        else "the dated ones by their dates"
        if kept.some_dated
        else "undated items: not ordered by dates"
    )
    if kept.order == "new first":
        return f"kept {count} new ones, the first listed ({note})"
    return (
        f"kept {count} new ones, the last listed ({note}; the list starts with "
        "archived ones: it grows at its end)"
    )


# What the cap's warning says of the new items it left out when no date chose: a later
# run takes them (and left_a_backlog reads it in the warning the feed's state keeps).
LATER_RUN = " yet (a later run takes them while listed)"


def left_a_backlog(kept_warning: str | None) -> bool:
    """Whether a feed's last poll left new items out under max_items for a later run,
    undated (or tied) ones, as the warning its state kept says (cap_warning): an undated
    item taken on now may be one it listed then, a backlog maybe weeks old, dated at
    archiving time as a first poll's are (look16e F13)."""
    return kept_warning is not None and LATER_RUN in kept_warning


def cap_warning(kept: Kept, max_items: int, read: str, *, unread: int = 0) -> str | None:
    """What is said of a document cut to ``max_items``: ``read``, how many items (and
    articles) were read, or what a document too long to read whole says of that (then
    ``unread``, the items it lists that were not read). None when no article is lost:
    each one left out is archived or pending already, and nothing went unread. Without
    dates the new ones left out come on a later run (they go first then), said so."""
    if not kept.left_out and not unread:
        return None
    later = "" if kept.order == "newest" else LATER_RUN
    lost = f"{kept.left_out} not archived{later}"
    if unread:
        lost = f"{unread} not read, {lost}"
    phrase = _kept_phrase(kept, max_items)
    if unread:
        return f"{read}, and of those {phrase} (max_items): {lost}"
    return f"{read}, more than the feed's max_items ({max_items}): {phrase}, {lost}"


# -- later pages: a paged feed (RFC 5005, section 3) --------------------------------------


@dataclass(frozen=True)
class NextPage:
    """Whether a feed's next page is read: ``url`` (None: not), and ``warning``, why it
    is not when items may be lost by that."""

    url: str | None
    warning: str | None = None


def asks_adopted(last_success: datetime | None, next_url: str | None) -> bool:
    """Whether first_run needs to know if the archive holds articles of the feed (a
    read of the state): only for a feed never polled whose page links a next one."""
    return last_success is None and next_url is not None


def first_run(last_success: datetime | None, *, adopted: bool) -> bool:
    """Whether a feed is polled for the first time, when its later pages are a
    backfill's work (next_page): never polled, and no article of it in the archive. A
    state rebuilt from the posts after it was lost with its copy (``adopted``: it holds
    the feed's articles, not its polls) is no first run: the items pushed to later pages
    since the lost poll are read there, as a later run's are (look16i I12)."""
    return last_success is None and not adopted


def asks_page_known(next_url: str | None, *, first_run: bool, items: int) -> bool:
    """Whether next_page needs to know whether the archive knows an item of the page
    (a read of the state per item): only for a page that links a next one, of a feed
    polled before, that lists items."""
    return next_url is not None and not first_run and items > 0


def next_page(
    next_url: str | None,
    *,
    first_page: str,
    first_run: bool,
    items: int,
    known: Sequence[bool],
    read: Collection[str],
    dates: Sequence[datetime | None] = (),
    last_poll: datetime | None = None,
    published: Sequence[datetime | None] = (),
) -> NextPage:
    """Whether to read the page a feed's page links as ``next_url`` (its rel="next"),
    after the ``read`` pages (their link keys: the first one and the later pages read
    this run) of the feed at ``first_page``, the page just read listing ``items`` items,
    ``known`` saying of each (in the page's order, those with a link) whether the archive
    knows it (or an earlier page listed it).

    Only while the page holds an item the archive lacks: the items pushed down since the
    last run may go on. Where the archived items stand on the page says nothing: an
    updated article sorted to the top, a pinned one (look16e F1), or an edited one landing
    last on a page sorted by update time (look16g F6) sits among new ones. Not on
    a feed's ``first_run`` (its whole archive would be read: a backfill's work); not a
    page read already (a loop); only on the first page's host, and at most
    MAX_LATER_FEED_PAGES a run: those two said, as later pages of new items go unread.

    A page of archived items only ends the reading, unless one of them is listed as
    updated since the feed's ``last_poll`` (``dates``: the latest date each item gives,
    its update's or its own, in the order of ``known``): the feed is sorted by update,
    and edits to archived articles may have pushed new ones to later pages (look16h
    H15). A page of archived items not updated since ends it. ``published``: each
    item's own date, in the same order: on the first page, an update time several
    archived items share, each later than its own date, is read on for one page as an
    edit (a bulk edit, look16i I2), not taken for a build stamp."""
    if not asks_page_known(next_url, first_run=first_run, items=items):
        return NextPage(None)
    shared = published if len(read) <= 1 else ()
    edited = _edited_since(known, dates, last_poll, shared)
    if known and all(known) and not edited:
        return NextPage(None)
    assert next_url is not None
    if link_key(next_url) in {link_key(url) for url in read}:
        return NextPage(None)
    if host_key(next_url) != host_key(first_page):
        return NextPage(None, f"its next page {next_url} is on another host; later pages not read")
    later = len(read) - 1
    if later >= MAX_LATER_FEED_PAGES:
        on_it = "new items" if not all(known) else "archived items updated since the last poll"
        return NextPage(
            None,
            f'{later} later pages read (rel="next"), {on_it} on the last; at '
            f"most {MAX_LATER_FEED_PAGES} a run: later pages not read",
        )
    return NextPage(next_url)


def _edited_since(
    known: Sequence[bool],
    dates: Sequence[datetime | None],
    last_poll: datetime | None,
    published: Sequence[datetime | None] = (),
) -> bool:
    """Whether an archived item (``known``) is dated (``dates``) after ``last_poll``, by
    a date of its own: one several items of the page share is the feed's build time
    stamped on each (decide.build_stamps), no edit; read on for it, every run would
    read its every page. Unless each item sharing it has its own earlier date
    (``published``, given for the first page only): a bulk edit (a category renamed,
    a plugin touching every post) looks so too, and a build stamp costs one page a run
    then, its next page stamped alike (look16i I2)."""
    if last_poll is None:
        return False
    shared: dict[datetime, int] = {}
    for when in dates:
        if when is not None:
            shared[when] = shared.get(when, 0) + 1
    own = list(published) if len(published) == len(dates) else [None] * len(dates)
    return any(
        was
        and when is not None
        and when > last_poll
        and (shared[when] == 1 or (first is not None and first < when))
        for was, when, first in zip(known, dates, own, strict=False)
    )


# -- items that fell off unseen between polls (look16f s20, s29) ----------------------------


# How the warning of an empty channel starts (gap_note); status reads it (lists_nothing).
EMPTY_CHANNEL = "the feed lists no item"


def lists_nothing(kept_warning: str | None) -> bool:
    """Whether a feed's last document was an empty channel of a feed that had items, as
    the warning its state kept says (gap_note): its health is not ok (feed_health's
    ``empty``) while it lists nothing, though its polls succeed."""
    return kept_warning is not None and EMPTY_CHANNEL in kept_warning


# The fewest items a document must list for "none of them known" to say a gap.
GAP_ITEMS = 3


def pinned_lead(
    dates: Sequence[datetime | None],
    last_poll: datetime | None,
    recorded: Sequence[datetime | None] = (),
) -> int:
    """How many items at the top of a document (``dates``: its items' dates, in its
    order) are pinned there, out of its order, as gap_note judges it (look16h H9): items
    dated at the feed's ``last_poll`` or before, above items all dated, listed newest
    first (not all of one date) and newer than it. A pinned post, an old "about" item,
    or an old article an update sorted to the top says nothing of how far back the
    document reaches; its newest-first list does. A document listed oldest first
    starts with its oldest items: they are its overlap with the last poll, no pin.
    ``recorded``: when the archive recorded each item (None: it does not know it), in
    the same order: one it recorded by the last poll is such an old article, whatever
    date it is listed with now (a feed dating items by their update, look16i I9)."""
    if last_poll is None:
        return 0
    taken = list(recorded) + [None] * (len(dates) - len(recorded))

    def old(index: int) -> bool:
        return any(when is not None and when <= last_poll for when in (dates[index], taken[index]))

    lead = 0
    while lead < len(dates) and old(lead):
        lead += 1
    rest = dates[lead:]
    if not lead or len(rest) < 2 or any(when is None or when <= last_poll for when in rest):
        return 0
    dated = [when for when in rest if when is not None]
    ordered = dated == sorted(dated, reverse=True)
    return lead if ordered and dated[0] > dated[-1] else 0


def gap_note(
    listed: int,
    known: int,
    *,
    archived: int,
    last_poll: datetime | None,
    oldest: datetime | None,
    pinned: int = 0,
) -> str | None:
    """What a poll says when its document may have lost items unseen, or None: ``listed``
    items, ``known`` of them known to the archive, of a feed that ``archived`` posts
    before, its ``last_poll`` (last success; None: this is its first) and the ``oldest``
    date its items give (None: none dated). A feed that had items and lists none (an
    empty channel: a CMS's error page in a well-formed feed, look16f s29): while it
    does, what it publishes may fall off. A document none of whose items the archive
    knows, all newer than the last poll (or undated), after that poll (look16f s20):
    what the feed listed between them may have fallen off (a cron down, an interval too
    long for a busy feed). A document reaching back to the last poll overlaps it.
    ``pinned``: the items pinned above the list (pinned_lead), left out of ``listed``,
    ``known`` and ``oldest``: said aside."""
    if archived == 0 or last_poll is None:
        return None
    if listed == 0:
        return (
            f"{EMPTY_CHANNEL}, though it listed {archived} archived before: "
            "its articles may fall off unseen until it lists them again"
        )
    # A document of one or two items (a feed of the latest story, a live item whose
    # link changes) turns over on every poll: no gap can be told from its turnover.
    if known or listed < GAP_ITEMS or (oldest is not None and oldest <= last_poll):
        return None
    return (
        f"no item of this document{_aside(pinned)} was listed by the feed's last poll "
        f"({utc_stamp(last_poll)}), and all are newer than it: items may have fallen off "
        "unseen between polls; `rssarchive backfill` archives those still on the site"
    )


def _aside(pinned: int) -> str:
    """What gap_note says of the items pinned above the list it judged."""
    if not pinned:
        return ""
    return f" ({pinned} older one{'s' if pinned > 1 else ''} pinned at its top aside)"
