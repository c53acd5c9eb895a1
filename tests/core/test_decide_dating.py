"""The decider's tables for a polled feed document's dates judged together (look16c F5,
F6b): a time its items share (the feed's build time), whether an undated item is
plausibly new, and what is said of them, once per feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rssarchive.core import decide
from rssarchive.core.decide import DateNote
from rssarchive.run.printing import dating_lines
from rssarchive.run.report import FeedResult

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
STAMP = datetime(2026, 12, 7, 11, 59, tzinfo=UTC)
EARLIER = datetime(2026, 11, 20, 8, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 7, tzinfo=UTC)
ZERO = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
EDITION = datetime(2026, 12, 7, 5, tzinfo=UTC)
NO_DATE = "no date, in the feed or on its page"


def row(*values: Any, id: str) -> Any:
    return pytest.param(*values, id=id)


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        row([STAMP] * 6, {STAMP: 6}, id="six items, one time: the feed's build time"),
        row([STAMP] * 3, {STAMP: 3}, id="three are enough"),
        row([STAMP] * 2 + [EARLIER], {}, id="two of one minute happen"),
        row([STAMP, STAMP + SECOND, STAMP], {}, id="to the second"),
        row([MIDNIGHT] * 4, {}, id="a day alone: several stories of a day share it"),
        row([None] * 4, {}, id="undated items share nothing"),
        row([STAMP, None, STAMP, EARLIER, STAMP], {STAMP: 3}, id="among others"),
        row([EDITION] * 4, {}, id="7 hours before: a print edition's own time (look16e F7)"),
        row([NOW - HOUR] * 3, {NOW - HOUR: 3}, id="an hour before the run: built then"),
        row([NOW - HOUR - SECOND] * 3, {}, id="more than an hour before the run"),
    ],
)  # fmt: skip
def test_build_stamps(dates: list[datetime | None], expected: dict[datetime, int]) -> None:
    assert decide.build_stamps(dates, NOW) == expected


LAST_POLL = NOW - timedelta(hours=1)


@pytest.mark.parametrize(
    ("last_poll", "taken_on_now", "modified", "expected"),
    [
        row(LAST_POLL, True, None, True, id="a later poll's new item: the archiving hour is close"),
        row(None, True, None, False, id="the feed's first poll: a backlog"),
        row(LAST_POLL, False, None, False, id="an earlier run's article, written later"),
        row(None, False, None, False, id="both"),
        row(LAST_POLL, True, LAST_POLL - SECOND, False,
            id="its page changed before the last poll: it was there then"),
        row(LAST_POLL, True, LAST_POLL, True, id="changed since: may be new"),
        row(None, True, NOW, False, id="the first poll, whatever the page says"),
    ],
)  # fmt: skip
def test_plausibly_new(
    last_poll: datetime | None, taken_on_now: bool, modified: datetime | None, expected: bool
) -> None:
    got = decide.plausibly_new(last_poll, taken_on_now=taken_on_now, modified=modified)
    assert got is expected


@pytest.mark.parametrize(
    ("last_poll", "stale", "new"),
    [
        row(LAST_POLL, False, True, id="an hour ago: a cron run's interval"),
        row(NOW - timedelta(days=1), False, True, id="a daily cron's last run"),
        row(NOW - timedelta(days=1, hours=1), False, True, id="a daily cron's, late by an hour"),
        row(NOW - timedelta(days=1, hours=1, seconds=1), True, False,
            id="beyond: polls were missed"),
        row(NOW - timedelta(days=4), True, False, id="four days down: items may be days old"),
        row(None, False, False, id="the first poll: said as such, not as stale"),
    ],
)  # fmt: skip
def test_stale_poll(last_poll: datetime | None, stale: bool, new: bool) -> None:
    # look16f s04: undated new items after days without a successful poll.
    assert decide.stale_poll(last_poll, NOW) is stale
    assert decide.plausibly_new(last_poll, taken_on_now=True, now=NOW) is new


@pytest.mark.parametrize(
    ("last_poll", "modified", "expected"),
    [
        row(LAST_POLL, None, False, id="the last poll left a backlog: this may be of it"),
        row(LAST_POLL, LAST_POLL, False, id="changed since, but the backlog may be older"),
        row(None, None, False, id="the first poll"),
    ],
)  # fmt: skip
def test_plausibly_new_after_a_backlog(
    last_poll: datetime | None, modified: datetime | None, expected: bool
) -> None:
    # look16e F13: the undated items the cap left out on the last poll come now.
    got = decide.plausibly_new(last_poll, taken_on_now=True, modified=modified, backlog=True)
    assert got is expected


@pytest.mark.parametrize(
    ("published", "stamped", "page", "page_by", "expected"),
    [
        row(STAMP, True, EARLIER, "meta", (EARLIER, "page"),
            id="a shared time: the page's earlier publication date"),
        row(STAMP, False, EARLIER, "meta", (STAMP, "item"), id="not shared: the item's own"),
        row(STAMP, True, NOW - SECOND, "meta", (STAMP, "item"),
            id="a page's date later than the shared time: the item's"),
        row(STAMP, True, EARLIER, "htmldate", (STAMP, "item"),
            id="htmldate's guess of the day is no publication date"),
        row(STAMP, True, EARLIER.replace(hour=0), "url", (EARLIER.replace(hour=0), "page"),
            id="the URL's day"),
        row(STAMP, True, None, None, (STAMP, "item"), id="no page date: the item's"),
        row(STAMP, True, ZERO, "meta", (STAMP, "item"), id="a page's 1970 is not believed"),
        row(None, False, EARLIER.replace(hour=0), "url", (EARLIER.replace(hour=0), "page"),
            id="undated: the URL's earlier day"),
        row(None, False, MIDNIGHT, "url", (None, "archiving time"),
            id="undated, the URL's day the run's own: the archiving hour is closer"),
        row(None, False, MIDNIGHT, "text", (MIDNIGHT, "page"),
            id="a byline's day alone dates it as before"),
    ],
)  # fmt: skip
def test_post_date_of_a_stamped_item(
    published: datetime | None,
    stamped: bool,
    page: datetime | None,
    page_by: str | None,
    expected: tuple[datetime | None, str],
) -> None:
    got = decide.post_date(
        published, "feed", page=page, page_dated_by=page_by, listed=None, now=NOW, stamped=stamped
    )
    assert (got.published, got.by) == expected


DAY = EARLIER.replace(hour=0)


@pytest.mark.parametrize(
    ("published", "stamped", "url_day", "expected"),
    [
        row(STAMP, True, DAY, (DAY, "url"),
            id="a build time, no page fetched: the URL's day (look16e F12)"),
        row(STAMP, False, DAY, (STAMP, "item"), id="not shared: the item's own"),
        row(STAMP, True, MIDNIGHT, (STAMP, "item"),
            id="the URL names the stamp's own day: the build time is closer"),
        row(STAMP, True, None, (STAMP, "item"), id="the URL names no day: the item's"),
        row(STAMP, True, datetime(1980, 1, 1, tzinfo=UTC), (STAMP, "item"),
            id="a day before 1990 is not believed"),
        row(None, True, DAY, (None, "archiving time"), id="an undated item: no stamp to correct"),
    ],
)  # fmt: skip
def test_post_date_of_a_stamped_item_without_its_page(
    published: datetime | None,
    stamped: bool,
    url_day: datetime | None,
    expected: tuple[datetime | None, str],
) -> None:
    got = decide.post_date(
        published,
        "feed",
        page=None,
        page_dated_by=None,
        listed=None,
        now=NOW,
        stamped=stamped,
        url_day=url_day,
    )
    assert (got.published, got.by) == expected


@pytest.mark.parametrize(
    ("published", "page", "new", "said_taken_on", "said"),
    [
        row(None, None, False, False, DateNote(NO_DATE, None, "archiving time"),
            id="not plausibly new, nothing dates it: said"),
        row(None, None, True, False, None, id="plausibly new: the archiving hour is close"),
        row(None, None, False, True, None,
            id="its unreadable date was said when it was taken on"),
        row(None, EARLIER, False, False, None, id="its page dates it"),
        row(None, MIDNIGHT, False, False, None,
            id="its URL's day, the run's own, set aside for the archiving hour: no lack"),
        row(None, NOW + SECOND, False, False, DateNote(None, NOW + SECOND, "archiving time"),
            id="its page's date after the clock: said after its link"),
        row(NOW + SECOND, None, False, False, None,
            id="its item's date after the clock: said when taken on"),
    ],
)  # fmt: skip
def test_archiving_date_note_of_a_polled_feeds_item(
    published: datetime | None,
    page: datetime | None,
    new: bool,
    said_taken_on: bool,
    said: DateNote | None,
) -> None:
    dated = decide.post_date(
        published, "feed", page=page, page_dated_by="url", listed=None, now=NOW
    )
    for from_page in (True, False):  # a feed's text or its page: no date either way
        got = decide.archiving_date_note(
            "feed",
            dated,
            (published, page, None),
            NOW,
            from_page=from_page,
            plausibly_new=new,
            said_taken_on=said_taken_on,
        )
        assert got == said


def test_archiving_date_note_of_a_guessed_day_set_aside() -> None:
    """htmldate's guess of a day before the run's, set aside for a polled feed's item
    (post_date), leaves it dated at archiving time: said, counted (look16g F13: one of
    two such posts was unsaid); a guess of the run's own day is no lack."""
    for guess, said in ((EARLIER, DateNote(NO_DATE, None, "archiving time")), (MIDNIGHT, None)):
        dated = decide.post_date(
            None, "feed", page=guess, page_dated_by="htmldate", listed=None, now=NOW
        )
        got = decide.archiving_date_note(
            "feed", dated, (None, guess, None), NOW, from_page=True, plausibly_new=False
        )
        assert got == said, guess


@pytest.mark.parametrize(
    ("origin", "note", "expected"),
    [
        row("feed", DateNote(NO_DATE, None, "archiving time"), True,
            id="a polled feed's undated item: counted for the feed"),
        row("feed", DateNote(None, NOW, "archiving time"), False,
            id="a date after the clock: after its link"),
        row("url", DateNote("its page gives no believable publication date", None,
                            "archiving time"), False, id="a backfill's: after its link"),
    ],
)  # fmt: skip
def test_said_per_feed(origin: Any, note: DateNote, expected: bool) -> None:
    assert decide.said_per_feed(origin, note) is expected


@pytest.mark.parametrize(
    ("shared", "written", "said"),
    [
        row({STAMP: 6}, {STAMP: {"page": 5, "item": 1}}, [STAMP], id="pages dated some: said"),
        row({STAMP: 4}, {STAMP: {"url": 4}}, [STAMP],
            id="no page fetched, URLs' days dated them: said (look16e F12)"),
        row({STAMP: 3}, {STAMP: {"item": 3}}, [STAMP],
            id="nothing dated them (content: feed): said, they keep it (look16e F12)"),
        row({STAMP: 6}, {}, [], id="no post of the run carries it: nothing"),
        row({STAMP: 3, MIDNIGHT + SECOND: 4}, {STAMP: {"page": 1}, MIDNIGHT + SECOND: {"page": 2}},
            [MIDNIGHT + SECOND, STAMP], id="two times, oldest first"),
    ],
)  # fmt: skip
def test_stamps_said(
    shared: dict[datetime, int], written: dict[datetime, dict[str, int]], said: list[datetime]
) -> None:
    assert decide.stamps_said(shared, written) == said


BUILD = "6 items share one date, 2026-12-07T11:59:00Z (the feed's build time, not theirs); "


@pytest.mark.parametrize(
    ("undated", "stamps", "written", "lines"),
    [
        row(0, {}, {}, [], id="nothing to say"),
        row(1, {}, {}, ["1 item has no date, in the feed or on its page; dated at archiving"
                        " time"], id="one undated item"),
        row(3, {}, {}, ["3 items have no date, in the feed or on their page; dated at"
                        " archiving time"], id="three, one line"),
        row(0, {STAMP: 6}, {STAMP: {"page": 5}},
            [BUILD + "5 dated by their page's publication date"], id="a build time"),
        row(0, {STAMP: 6}, {STAMP: {"page": 5, "item": 1}},
            [BUILD + "5 dated by their page's publication date, 1 keeps it"],
            id="one page without a date keeps it"),
        row(0, {STAMP: 6}, {STAMP: {"url": 4}}, [BUILD + "4 dated by their URL's day"],
            id="by their URLs' days (look16e F12)"),
        row(0, {STAMP: 6}, {STAMP: {"page": 2, "url": 1, "item": 3}},
            [BUILD + "2 dated by their page's publication date, 1 by their URL's day, 3 keep it"],
            id="all three"),
        row(0, {STAMP: 6}, {STAMP: {"item": 6}}, [BUILD + "6 keep it"], id="none dated otherwise"),
    ],
)  # fmt: skip
def test_dating_lines(
    undated: int,
    stamps: dict[datetime, int],
    written: dict[datetime, dict[str, int]],
    lines: list[str],
) -> None:
    result = FeedResult("News", "https://example.com/feed.xml", undated=undated)
    result.stamps.update(stamps)
    result.stamped_posts.update(written)
    assert dating_lines(result) == lines


# -- look16f s43: a page's date that is the time it was fetched ----------------------------

DAY_2019 = datetime(2019, 5, 3, tzinfo=UTC)
PAGE = decide.PostDate
DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("dated", "url_day", "expected"),
    [
        row(PAGE(NOW - SECOND, "page"), DAY_2019, PAGE(DAY_2019, "url"), id="fetch-time-2019-url"),
        row(PAGE(NOW + SECOND, "page"), DAY_2019, PAGE(DAY_2019, "url"), id="a-second-ahead"),
        row(PAGE(NOW - HOUR, "page"), DAY_2019, PAGE(NOW - HOUR, "page"), id="an-hour-before"),
        row(PAGE(NOW, "page"), None, PAGE(NOW, "page"), id="no-url-day"),
        # A site west of UTC: yesterday in its URL, published this hour (a day's slack).
        row(PAGE(NOW, "page"), MIDNIGHT - 24 * HOUR, PAGE(NOW, "page"), id="yesterday"),
        # look16h H6: a first poll's backlog of last week whose pages print the fetch
        # time: the URL's day (look16g F15's fresh article was 5 minutes old, below).
        row(PAGE(NOW, "page"), MIDNIGHT - 48 * HOUR, PAGE(MIDNIGHT - 2 * DAY, "url"),
            id="2-days"),
        row(PAGE(NOW, "page"), MIDNIGHT - 7 * DAY, PAGE(MIDNIGHT - 7 * DAY, "url"), id="7-days"),
        row(PAGE(NOW, "page"), MIDNIGHT - 8 * DAY, PAGE(MIDNIGHT - 8 * DAY, "url"), id="8-days"),
        # Published 5 minutes before the poll: not the fetch's time (within a minute).
        row(PAGE(NOW - 5 * MINUTE, "page"), DAY_2019, PAGE(NOW - 5 * MINUTE, "page"),
            id="five-minutes-before"),
        row(PAGE(NOW - 61 * SECOND, "page"), DAY_2019, PAGE(NOW - 61 * SECOND, "page"),
            id="61-seconds-before"),
        row(PAGE(NOW - 60 * SECOND, "page"), DAY_2019, PAGE(DAY_2019, "url"), id="a-minute-before"),
        row(PAGE(NOW, "item"), DAY_2019, PAGE(NOW, "item"), id="the-items-own-date"),
        row(PAGE(None, "archiving time"), DAY_2019, PAGE(None, "archiving time"), id="none"),
    ],
)  # fmt: skip
def test_fetch_time_dated(
    dated: decide.PostDate, url_day: datetime | None, expected: decide.PostDate
) -> None:
    assert decide.fetch_time_dated(dated, url_day, NOW) == expected


def test_fetch_time_note() -> None:
    by_url = PAGE(DAY_2019, "url")
    assert decide.fetch_time_note(by_url, NOW, now=NOW) == decide.FETCH_TIME_NOTE
    # a build time's, said for the feed
    assert decide.fetch_time_note(by_url, None, now=NOW) is None
    assert decide.fetch_time_note(PAGE(NOW, "page"), NOW, now=NOW) is None
    # look16h H6: kept though within a minute of the fetch, its URL naming the day
    # before: said; a page date an hour old, or a URL naming the page's own day, is not.
    yesterday = MIDNIGHT - DAY
    kept = decide.fetch_time_note(PAGE(NOW, "page"), NOW, yesterday, now=NOW)
    assert kept == decide.FETCH_TIME_KEPT
    assert decide.fetch_time_note(PAGE(NOW - HOUR, "page"), NOW, yesterday, now=NOW) is None
    assert decide.fetch_time_note(PAGE(NOW, "page"), NOW, MIDNIGHT, now=NOW) is None


# -- a sitemap's <lastmod> (look16f s18) --------------------------------------------------

BUILT = datetime(2026, 12, 6, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lastmods", "shared"),
    [
        row([BUILT] * 3, {BUILT}, id="three URLs share one time: a build time"),
        row([BUILT, BUILT, None], set(), id="two: chance"),
        row([BUILT - timedelta(hours=n) for n in range(3)], set(), id="each its own"),
        row([datetime(2026, 12, 6, tzinfo=UTC)] * 5, set(), id="a day alone: many of a day"),
    ],
)  # fmt: skip
def test_shared_lastmods(lastmods: list[datetime | None], shared: set[datetime]) -> None:
    assert decide.shared_lastmods(lastmods) == shared


@pytest.mark.parametrize(
    ("by", "lastmod", "said"),
    [
        row("sitemap", True, True, id="a lastmod dates the post: said"),
        row("sitemap", False, False, id="a news:publication_date dates it: a publication"),
        row("page", True, False, id="its page dates it: the lastmod is not used"),
        row("archiving time", True, False, id="a shared lastmod was no date"),
    ],
)  # fmt: skip
def test_sitemap_date_note(by: str, lastmod: bool, said: bool) -> None:
    note = decide.sitemap_date_note(by, lastmod=lastmod)
    assert (note is not None) is said
    assert note is None or "dated by the sitemap's lastmod" in note
