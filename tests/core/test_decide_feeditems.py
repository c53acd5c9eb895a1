"""Tables for the decider's feed items (core/decide/feeditems.py): which items max_items
keeps when the archive knows some of them (look16c F4b, F13 (1)), what is said of it,
and which later pages of a paged feed are read (look16c F4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rssarchive.core import decide
from rssarchive.core.models import Entry

NOW = datetime(2026, 12, 31, tzinfo=UTC)
DAY0 = datetime(2026, 12, 1, tzinfo=UTC)


def items(names: str) -> list[Entry]:
    """``U3``: an undated item at link 3; ``D3``: dated day 3, at link 3."""
    return [
        Entry(
            title=n,
            link=f"https://x.example/{n[1:]}",
            published=None if n[0] == "U" else DAY0 + timedelta(days=int(n[1:])),
        )
        for n in names.split()
    ]


def keys(names: str) -> set[object]:
    return {decide.article_of(e) for e in items(names)}


@pytest.mark.parametrize(
    ("feed", "known", "max_items", "kept", "order", "left_out"),
    [
        # F4b: undated, oldest first. Run 1 knows nothing: the first listed.
        ("U0 U1 U2 U3 U4", "", 3, "U0 U1 U2", "first listed", 2),
        # Run 2: the known ones lead the list, so it grows at its end: read from there.
        ("U0 U1 U2 U3 U4 U5 U6", "U0 U1 U2", 3, "U4 U5 U6", "new last", 1),
        # Run 3: the one left out goes first (known ones fill the cap: nothing lost).
        ("U0 U1 U2 U3 U4 U5 U6", "U0 U1 U2 U4 U5 U6", 3, "U0 U1 U3", "new first", 0),
        # Undated, newest first: the new ones are at the start, first listed first.
        ("U9 U8 U7 U6 U5", "U7 U6 U5", 2, "U9 U8", "new first", 0),
        ("U9 U8 U7 U6 U5 U4", "U7 U6", 3, "U9 U8 U5", "new first", 1),
        # Both ends known: no end grows; the new ones first, as listed.
        ("U0 U1 U2 U3", "U0 U3", 1, "U1", "new first", 1),
        # Every item dated: the newest by their dates, known or not; only the new ones
        # left out are counted (F13 (1)).
        ("D0 D1 D2 D3 D4 D5 D6", "D2 D3 D4", 3, "D4 D5 D6", "newest", 2),
        ("D0 D1 D2", "", 2, "D1 D2", "newest", 1),
        # Dated among undated: the new ones first, the dated taking the dated places.
        ("U0 D5 U1 D7", "U0 D5", 2, "U1 D7", "new last", 0),
        ("U0 D5 U1 D7 D8", "U0 D5", 2, "D7 D8", "new last", 1),
        # look16e F14: one known item alone at the top is a pin, not the list's order:
        # newest first, the new ones under it go first.
        ("U0 D5 U1 D7", "U0", 2, "U1 D7", "new first", 1),
        ("U99 U9 U8 U1 U2 U7 U6 U5", "U99 U1 U2", 3, "U9 U8 U7", "new first", 2),
        # Two known ones lead: it grows at its end.
        ("U99 U1 U2 U3 U4 U5", "U99 U1", 3, "U3 U4 U5", "new last", 1),
    ],
)
def test_keep_under_cap(
    feed: str, known: str, max_items: int, kept: str, order: str, left_out: int
) -> None:
    got = decide.keep_under_cap(items(feed), max_items, NOW, keys(known))
    assert [e.title for e in got.entries] == kept.split()
    assert (got.order, got.left_out) == (order, left_out)
    assert not got.tied


def tied(names: str, day: int = 20) -> list[Entry]:
    """Every item dated ``day`` (one build time, or day-only dates): ``T3`` at link 3."""
    return [
        Entry(title=n, link=f"https://x.example/{n[1:]}", published=DAY0 + timedelta(days=day))
        for n in names.split()
    ]


@pytest.mark.parametrize(
    ("feed", "known", "max_items", "kept", "order", "left_out", "is_tied"),
    [
        # look16e F9: oldest first, one build time on every item: the new one at the end
        # is taken, as an undated one would be; nothing new is lost, nothing said.
        ("T1 T2 T3 T4", "T1 T2 T3", 3, "T2 T3 T4", "new last", 0, True),
        ("T1 T2 T3 T4 T5 T6 T7", "T1 T2 T3", 3, "T5 T6 T7", "new last", 1, True),
        # Newest first: the new ones at the start.
        ("T9 T8 T1 T2", "T1 T2", 2, "T9 T8", "new first", 0, True),
        # Nothing known: the first listed.
        ("T1 T2 T3 T4", "", 2, "T1 T2", "first listed", 2, True),
    ],
)
def test_keep_under_cap_dates_that_tie(
    feed: str, known: str, max_items: int, kept: str, order: str, left_out: int, is_tied: bool
) -> None:
    got = decide.keep_under_cap(tied(feed), max_items, NOW, keys(known.replace("T", "U")))
    assert [e.title for e in got.entries] == kept.split()
    assert (got.order, got.left_out, got.tied) == (order, left_out, is_tied)


def test_keep_under_cap_a_tie_the_cut_does_not_fall_in_is_newest() -> None:
    # Two days, three items each (day-only dates): the cut falls between the days.
    entries = tied("T1 T2 T3", day=1) + tied("T4 T5 T6", day=2)
    got = decide.keep_under_cap(entries, 3, NOW, keys("U1"))
    assert [e.title for e in got.entries] == ["T4", "T5", "T6"]
    assert (got.order, got.tied) == ("newest", False)
    # The cut falls inside the second day: the dates did not choose, the new ones go first.
    got = decide.keep_under_cap(entries, 2, NOW, keys("U1 U2 U3 U4"))
    assert [e.title for e in got.entries] == ["T5", "T6"]
    assert (got.order, got.tied) == ("new last", True)


def test_asks_known_only_past_the_cap() -> None:
    assert decide.asks_known(4, 3)
    assert not decide.asks_known(3, 3)


@pytest.mark.parametrize(
    ("order", "left_out", "unread", "said"),
    [
        (
            "newest",
            2,
            0,
            "R, more than the feed's max_items (3): kept the 3 newest, 2 not archived",
        ),
        (
            "first listed",
            2,
            0,
            "R, more than the feed's max_items (3): kept the first 3 listed (undated items: "
            "not ordered by dates), 2 not archived yet (a later run takes them while listed)",
        ),
        (
            "new first",
            1,
            0,
            "R, more than the feed's max_items (3): kept 3 new ones, the first listed "
            "(undated items: not ordered by dates), 1 not archived yet (a later run takes "
            "them while listed)",
        ),
        (
            "new last",
            1,
            0,
            "R, more than the feed's max_items (3): kept 3 new ones, the last listed "
            "(undated items: not ordered by dates; the list starts with archived ones: it "
            "grows at its end), 1 not archived yet (a later run takes them while listed)",
        ),
        # Nothing lost: every item left out is archived or pending already.
        ("newest", 0, 0, None),
        ("new last", 0, 0, None),
        # A document too long to read whole: the items not read are counted apart.
        (
            "newest",
            0,
            10,
            "R, and of those kept the 3 newest (max_items): 10 not read, 0 not archived",
        ),
        (
            "newest",
            4,
            10,
            "R, and of those kept the 3 newest (max_items): 10 not read, 4 not archived",
        ),
    ],
)
def test_cap_warning(order: decide.CapOrder, left_out: int, unread: int, said: str | None) -> None:
    kept = decide.Kept([], order, left_out)
    assert decide.cap_warning(kept, 3, "R", unread=unread) == said


@pytest.mark.parametrize(
    ("order", "said"),
    [
        ("first listed", "kept the first 3 listed (their dates tie: not ordered by dates)"),
        (
            "new last",
            "kept 3 new ones, the last listed (their dates tie: not ordered by dates; the "
            "list starts with archived ones: it grows at its end)",
        ),
    ],
)
def test_cap_warning_dates_that_tie(order: decide.CapOrder, said: str) -> None:
    # look16e F9: never "newest" when dates that tie chose.
    kept = decide.Kept([], order, 1, some_dated=True, tied=True)
    assert decide.cap_warning(kept, 3, "R") == (
        f"R, more than the feed's max_items (3): {said}, 1 not archived yet (a later run "
        "takes them while listed)"
    )


@pytest.mark.parametrize(
    ("order", "said"),
    [
        ("first listed", "kept 3 by their dates, the undated ones by their place in the list"),
        ("new first", "kept 3 new ones, the first listed (the dated ones by their dates)"),
    ],
)
def test_cap_warning_some_dated(order: decide.CapOrder, said: str) -> None:
    # Some items dated, some not: the dated ones were ordered by their dates.
    kept = decide.Kept([], order, 1, some_dated=True)
    assert decide.cap_warning(kept, 3, "R") == (
        f"R, more than the feed's max_items (3): {said}, 1 not archived yet (a later run "
        "takes them while listed)"
    )


@pytest.mark.parametrize(
    ("order", "left_out", "backlog"),
    [
        ("new first", 2, True),  # undated ones left for a later run
        ("new last", 1, True),
        ("first listed", 1, True),
        ("newest", 2, False),  # dated: those left out are older than the kept
        ("new first", 0, False),  # nothing lost: no warning
    ],
)
def test_left_a_backlog(order: decide.CapOrder, left_out: int, backlog: bool) -> None:
    # look16e F13: read back from the warning the feed's state keeps, among others.
    said = decide.cap_warning(decide.Kept([], order, left_out), 3, "R")
    kept = None if said is None else f"another warning; {said}"
    assert decide.left_a_backlog(kept) is backlog
    assert not decide.left_a_backlog(None)


FIRST = "https://x.example/feed"
PAGE2 = "https://x.example/feed?page=2"
NEW3 = [False, False, False]


@pytest.mark.parametrize(
    ("next_url", "first_run", "known", "read", "url", "warning"),
    [
        (PAGE2, False, NEW3, [FIRST], PAGE2, None),  # every item new: the gap may go on
        (None, False, NEW3, [FIRST], None, None),  # no next page
        (PAGE2, False, [True, True, True], [FIRST], None, None),  # the gap ends here
        # look16e F1, look16g F6: any new item on the page reads on, wherever the
        # archived ones stand (an update sorted to the top, a pin, an edited article
        # landing last on a page sorted by update time).
        (PAGE2, False, [False, False, True], [FIRST], PAGE2, None),
        (PAGE2, False, [True, False, False], [FIRST], PAGE2, None),
        (PAGE2, False, [False, True, False], [FIRST], PAGE2, None),
        (PAGE2, False, [True, False, True], [FIRST], PAGE2, None),
        (PAGE2, False, [True], [FIRST], None, None),
        (PAGE2, True, NEW3, [FIRST], None, None),  # a first run reads no archive
        (PAGE2, False, [], [FIRST], PAGE2, None),  # no item with a link: nothing known
        # A page read already (a loop), spelled another way.
        ("https://x.example/feed#top", False, NEW3, [FIRST, PAGE2], None, None),
        # Another host: not read, and said.
        (
            "https://y.example/feed?page=2",
            False,
            NEW3,
            [FIRST],
            None,
            "its next page https://y.example/feed?page=2 is on another host; later pages not read",
        ),
    ],
)
def test_next_page(
    next_url: str | None,
    first_run: bool,
    known: list[bool],
    read: list[str],
    url: str | None,
    warning: str | None,
) -> None:
    step = decide.next_page(
        next_url, first_page=FIRST, first_run=first_run, items=3, known=known, read=read
    )
    assert (step.url, step.warning) == (url, warning)


def test_next_page_of_an_empty_page() -> None:
    step = decide.next_page(PAGE2, first_page=FIRST, first_run=False, items=0, known=[], read=[])
    assert step == decide.NextPage(None)


@pytest.mark.parametrize("known", [[False], [True, False], [False, True]])
def test_next_page_is_bounded_and_the_bound_said(known: list[bool]) -> None:
    # Said when the last page read holds new items, wherever the archived ones stand.
    bound = decide.MAX_LATER_FEED_PAGES
    later = [f"{FIRST}?page={n}" for n in range(2, bound + 2)]
    nxt = f"{FIRST}?page={bound + 2}"
    step = decide.next_page(
        nxt, first_page=FIRST, first_run=False, items=1, known=known, read=[FIRST, *later[:-1]]
    )
    assert step == decide.NextPage(nxt)
    step = decide.next_page(
        nxt, first_page=FIRST, first_run=False, items=1, known=known, read=[FIRST, *later]
    )
    assert step.url is None
    assert step.warning == (
        f'{bound} later pages read (rel="next"), new items on the last; at most '
        f"{bound} a run: later pages not read"
    )


LAST = NOW - timedelta(days=2)
H = timedelta(hours=1)
BEFORE, SINCE = LAST - timedelta(days=5), LAST + timedelta(hours=1)


@pytest.mark.parametrize(
    ("known", "dates", "last_poll", "url"),
    [
        # look16h H15: archived items updated since the last poll: sorted by update,
        # edits may have pushed new items down.
        pytest.param([True, True, True], [SINCE, SINCE + H, SINCE + 2 * H], LAST, PAGE2,
                     id="archived, all updated since the last poll: read on"),
        pytest.param([True, True, True], [SINCE, SINCE, SINCE], LAST, None,
                     id="one time on every item: the feed's build time, no edit"),
        pytest.param([True, True, True], [SINCE, BEFORE, BEFORE], LAST, PAGE2,
                     id="archived, one updated since: read on"),
        pytest.param([True, True, True], [BEFORE, BEFORE, LAST], LAST, None,
                     id="archived, none updated since: the gap ends here"),
        pytest.param([True, True, True], [None, None, None], LAST, None,
                     id="archived, undated: the gap ends here"),
        pytest.param([True, True, True], [SINCE, SINCE + H, SINCE + 2 * H], None, None,
                     id="no last poll: nothing to be updated since"),
    ],
)  # fmt: skip
def test_next_page_after_archived_items_updated_since_the_last_poll(
    known: list[bool], dates: list[datetime | None], last_poll: datetime | None, url: str | None
) -> None:
    step = decide.next_page(
        PAGE2,
        first_page=FIRST,
        first_run=False,
        items=3,
        known=known,
        read=[FIRST],
        dates=dates,
        last_poll=last_poll,
    )
    assert step == decide.NextPage(url)


@pytest.mark.parametrize(
    ("published", "read", "url"),
    [
        # look16i I2: a bulk edit stamps one time on the page's archived items, each of
        # which keeps its own earlier date: an edit, read on for a page.
        pytest.param([BEFORE, BEFORE - H, BEFORE - 2 * H], [FIRST], PAGE2,
                     id="one update time over their own dates, first page: read on"),
        pytest.param([SINCE, SINCE, SINCE], [FIRST], None,
                     id="one time, their own dates too: the build time"),
        pytest.param([None, None, None], [FIRST], None,
                     id="one time, no date of their own: the build time"),
        pytest.param([BEFORE, BEFORE - H, SINCE], [FIRST], PAGE2,
                     id="two of them over their own dates: read on"),
        pytest.param([BEFORE, BEFORE - H, BEFORE - 2 * H], [FIRST, f"{FIRST}?page=0"], None,
                     id="on a later page: a stamp on every page costs one page, no more"),
    ],
)  # fmt: skip
def test_next_page_after_one_update_time_on_archived_items(
    published: list[datetime | None], read: list[str], url: str | None
) -> None:
    step = decide.next_page(
        PAGE2, first_page=FIRST, first_run=False, items=3, known=[True, True, True],
        read=read, dates=[SINCE, SINCE, SINCE], last_poll=LAST, published=published,
    )  # fmt: skip
    assert step == decide.NextPage(url)


def test_next_page_bound_said_of_archived_items_updated_since() -> None:
    bound = decide.MAX_LATER_FEED_PAGES
    read = [FIRST, *(f"{FIRST}?page={n}" for n in range(2, bound + 2))]
    step = decide.next_page(
        f"{FIRST}?page={bound + 2}", first_page=FIRST, first_run=False, items=1,
        known=[True], read=read, dates=[SINCE], last_poll=LAST,
    )  # fmt: skip
    assert step.url is None
    assert step.warning == (
        f'{bound} later pages read (rel="next"), archived items updated since the last poll '
        f"on the last; at most {bound} a run: later pages not read"
    )


@pytest.mark.parametrize(
    ("next_url", "first_run", "items", "asks"),
    [
        (PAGE2, False, 3, True),
        (None, False, 3, False),  # no next page: a feed's every poll reads nothing more
        (PAGE2, True, 3, False),
        (PAGE2, False, 0, False),
    ],
)
def test_asks_page_known(next_url: str | None, first_run: bool, items: int, asks: bool) -> None:
    assert decide.asks_page_known(next_url, first_run=first_run, items=items) is asks


POLLED = datetime(2024, 7, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last_success", "adopted", "first"),
    [
        (None, False, True),  # never polled, nothing archived: the first page only
        # A state rebuilt from the posts holds the feed's articles, not its polls (look16i
        # I12): its later pages are read as a later run's are.
        (None, True, False),
        (POLLED, False, False),
        (POLLED, True, False),
    ],
)
def test_first_run(last_success: datetime | None, adopted: bool, first: bool) -> None:
    assert decide.first_run(last_success, adopted=adopted) is first


@pytest.mark.parametrize(
    ("last_success", "next_url", "asks"),
    [
        (None, PAGE2, True),
        (None, None, False),  # no next page: nothing to read on, the state is not asked
        (POLLED, PAGE2, False),  # polled before: no first run, whatever the archive holds
    ],
)
def test_asks_adopted(last_success: datetime | None, next_url: str | None, asks: bool) -> None:
    assert decide.asks_adopted(last_success, next_url) is asks


# -- items that fell off unseen between polls (look16f s20, s29) ----------------------------

POLLED = NOW - timedelta(days=2)
EMPTY = "the feed lists no item, though it listed 3 archived before"
GAP = "no item of this document was listed by the feed's last poll (2026-12-29T00:00:00Z)"


@pytest.mark.parametrize(
    ("listed", "known", "archived", "last_poll", "oldest", "says"),
    [
        pytest.param(10, 0, 10, POLLED, POLLED + timedelta(hours=1), GAP,
                     id="every item new and newer than the last poll: a gap"),
        pytest.param(10, 0, 10, POLLED, None, GAP, id="undated, every item new: a gap"),
        pytest.param(10, 1, 10, POLLED, POLLED + timedelta(hours=1), None,
                     id="one item shared: the documents overlap"),
        pytest.param(10, 0, 10, POLLED, POLLED, None,
                     id="an item as old as the last poll: reaches back to it"),
        pytest.param(10, 0, 0, POLLED, None, None, id="nothing archived before: nothing lost"),
        pytest.param(10, 0, 10, None, None, None, id="the first poll: a backlog"),
        pytest.param(2, 0, 10, POLLED, None, None,
                     id="a document of two items turns over each poll: no gap told"),
        pytest.param(3, 0, 10, POLLED, None, GAP, id="three items, none known: a gap"),
        pytest.param(0, 0, 3, POLLED, None, EMPTY, id="an empty channel after items"),
        pytest.param(0, 0, 0, POLLED, None, None, id="an empty feed that never had items"),
        pytest.param(0, 0, 3, None, None, None, id="a first poll of an empty channel"),
    ],
)  # fmt: skip
def test_gap_note(
    listed: int,
    known: int,
    archived: int,
    last_poll: datetime | None,
    oldest: datetime | None,
    says: str | None,
) -> None:
    got = decide.gap_note(listed, known, archived=archived, last_poll=last_poll, oldest=oldest)
    assert (got if got is None else got[: len(says or "")]) == says


OLD = POLLED - timedelta(days=30)


@pytest.mark.parametrize(
    ("dates", "pinned"),
    [
        pytest.param([OLD, POLLED + 3 * H, POLLED + 2 * H, POLLED + H], 1,
                     id="an old item above new ones listed newest first: pinned"),
        pytest.param([OLD, OLD, POLLED + 2 * H, POLLED + H], 2, id="two pinned"),
        pytest.param([POLLED, POLLED + 2 * H, POLLED + H], 1,
                     id="one as old as the last poll above new ones: pinned"),
        pytest.param([OLD, POLLED + H, POLLED + 2 * H, POLLED + 3 * H], 0,
                     id="listed oldest first: its first item is its overlap"),
        pytest.param([OLD, POLLED + H, POLLED + H, POLLED + H], 0,
                     id="new ones of one date: no order told"),
        pytest.param([OLD, POLLED + 2 * H], 0, id="one item under it: no order told"),
        pytest.param([OLD, POLLED + 2 * H, None, POLLED + H], 0, id="an undated one under it"),
        pytest.param([OLD, POLLED + 2 * H, OLD], 0, id="an old one at the end: an overlap"),
        pytest.param([None, POLLED + 2 * H, POLLED + H], 0, id="an undated top item"),
        pytest.param([POLLED + 3 * H, POLLED + 2 * H, POLLED + H], 0, id="nothing old on top"),
        pytest.param([], 0, id="no items"),
    ],
)  # fmt: skip
def test_pinned_lead(dates: list[datetime | None], pinned: int) -> None:
    assert decide.pinned_lead(dates, POLLED) == pinned
    assert decide.pinned_lead(dates, None) == 0  # a first poll: nothing to reach back to


@pytest.mark.parametrize(
    ("dates", "recorded", "pinned"),
    [
        # look16i I9: an archived article an edit re-dated and sorted to the top.
        pytest.param([POLLED + 4 * H, POLLED + 3 * H, POLLED + 2 * H, POLLED + H],
                     [OLD], 1, id="recorded by the last poll, listed with its edit's date"),
        pytest.param([POLLED + 4 * H, POLLED + 3 * H, POLLED + 2 * H, POLLED + H],
                     [POLLED + H], 0, id="recorded since the last poll: no pin"),
        pytest.param([POLLED + 4 * H, POLLED + 3 * H, POLLED + 2 * H, POLLED + H],
                     [None], 0, id="not known: no pin"),
        pytest.param([POLLED + 4 * H, POLLED + 3 * H, OLD, POLLED + H],
                     [OLD, None, OLD], 0, id="an old one under the list: an overlap"),
        pytest.param([POLLED + 4 * H, OLD, POLLED + 3 * H, POLLED + H],
                     [OLD, OLD], 2, id="a re-dated one and a pinned one"),
    ],
)  # fmt: skip
def test_pinned_lead_by_when_the_archive_recorded_it(
    dates: list[datetime | None], recorded: list[datetime | None], pinned: int
) -> None:
    assert decide.pinned_lead(dates, POLLED, recorded) == pinned


@pytest.mark.parametrize(
    ("kept", "empty"),
    [
        pytest.param(EMPTY + ": its articles may fall off", True, id="an empty channel's"),
        pytest.param(GAP, False, id="a gap's: the feed lists items"),
        pytest.param(None, False, id="no warning kept"),
    ],
)
def test_lists_nothing(kept: str | None, empty: bool) -> None:
    assert decide.lists_nothing(kept) is empty


def test_gap_note_says_the_pinned_aside() -> None:
    got = decide.gap_note(9, 0, archived=10, last_poll=POLLED, oldest=POLLED + H, pinned=1)
    assert got is not None
    assert got.startswith(
        "no item of this document (1 older one pinned at its top aside) was listed by the "
        "feed's last poll"
    )
