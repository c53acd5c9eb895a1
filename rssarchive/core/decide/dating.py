"""A polled feed's items' dates judged with what else the run knows: a time the items of
a document share (the feed's build time stamped on each, look16c F6b), whether an
undated item is plausibly new, so that the archiving time dating it is close (look16c
F5), and the date another item of the run gives an undated or pending article (look16
F4, F13).

Part of the decider (rssarchive.core.decide): pure, the time an argument."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

from rssarchive.core.dates import believable, day_only
from rssarchive.core.decide.articles import DateNote, PostDate
from rssarchive.core.identity import title_key
from rssarchive.core.models import Origin

# Items of one document sharing one time to the second: more than chance (two stories
# of one minute happen), what a CMS writing its build time into every pubDate does.
SHARED_TIME_ITEMS: Final = 3


BUILD_WINDOW: Final = timedelta(hours=1)

# How long after a feed's last successful poll its undated new items are no longer
# taken for this hour's (look16f s04): a day. A feed is polled by the hour or so (a cron
# run); a day also covers a daily cron's run, late by its own length, without saying
# every one of its runs. Beyond it, polls were missed (the cron down, the feed failing):
# an item dated at archiving time may be days older than its post says.
STALE_POLL: Final = timedelta(days=1, hours=1)


def build_stamps(dates: Sequence[datetime | None], now: datetime) -> dict[datetime, int]:
    """The times (to the second, with a time of day: a day alone is its midnight, and
    several stories of a day share it rightly) that SHARED_TIME_ITEMS or more of one
    feed document's items (``dates``) share, each with how many share it: the feed's
    build time rather than the items' own dates, when within BUILD_WINDOW of the run's
    clock (``now``: a feed is built when served, or by the hour; a print edition's items
    all at its 05:00 are dated then, look16e F7). Their pages' publication dates, when
    earlier, date them (post_date's ``stamped``)."""
    counts: dict[datetime, int] = {}
    for when in dates:
        if when is not None and not day_only(when) and abs(when - now) <= BUILD_WINDOW:
            counts[when] = counts.get(when, 0) + 1
    return {when: n for when, n in counts.items() if n >= SHARED_TIME_ITEMS}


def stale_poll(last_poll: datetime | None, now: datetime) -> bool:
    """Whether a feed's last successful poll (``last_poll``; None: none yet, the first
    poll, said as such) is more than STALE_POLL before the run's clock (``now``), so
    that its new items may have been published any time since."""
    return last_poll is not None and now - last_poll > STALE_POLL


def shared_lastmods(lastmods: Sequence[datetime | None]) -> set[datetime]:
    """The ``<lastmod>`` times (to the second, with a time of day: a day alone is one
    many articles of a day share rightly) that SHARED_TIME_ITEMS or more URLs of one
    sitemap document share: its build time (a static generator's, a CMS plugin's,
    written on every URL at each build), not their pages' last change, and not their
    publication (look16f s18). It dates no post; it still bounds the range (a page
    built then was published before)."""
    counts: dict[datetime, int] = {}
    for when in lastmods:
        if when is not None and not day_only(when):
            counts[when] = counts.get(when, 0) + 1
    return {when for when, n in counts.items() if n >= SHARED_TIME_ITEMS}


# What is said of a post a sitemap's <lastmod> dates (sitemap_date_note).
LASTMOD_DATED = (
    "its page gives no believable publication date; dated by the sitemap's lastmod "
    "(its last modification: it was published then or before)"
)


def sitemap_date_note(by: str, *, lastmod: bool) -> str | None:
    """What is said of a backfilled post dated ``by`` what its sitemap lists it with
    (PostDate's ``by``: "sitemap"), when that is a ``<lastmod>`` (``lastmod``), not a
    news:publication_date: a modification date, the last resort before the archiving
    time (its page and its URL gave none), said (look16f s18)."""
    return LASTMOD_DATED if by == "sitemap" and lastmod else None


def plausibly_new(
    last_poll: datetime | None,
    *,
    taken_on_now: bool,
    modified: datetime | None = None,
    backlog: bool = False,
    now: datetime | None = None,
) -> bool:
    """Whether a polled feed's item is plausibly new, so that the archiving time of a
    post nothing dates is close to its publication (within a cron run's hour): taken on
    by this run (not an earlier run's pending article, written later than it was
    listed) from a feed polled before (``last_poll``, its last success; None: the first
    poll, whose items are a backlog, weeks old maybe), its page not ``modified`` before
    that poll (a modification date dates nothing, but an article changed then was there
    then), nor a feed whose last poll left a ``backlog`` under max_items (left_a_backlog:
    its items may be this run's; look16e F13), nor one whose last poll is stale at
    ``now`` (stale_poll: days without a successful poll, look16f s04). Said when it is
    not (archiving_date_note)."""
    if not taken_on_now or last_poll is None or backlog:
        return False
    if now is not None and stale_poll(last_poll, now):
        return False
    return modified is None or modified >= last_poll


def said_per_feed(origin: Origin, note: DateNote) -> bool:
    """Whether what archiving_date_note says of a post is said once for its feed's run
    (counted: ``N items have no date …``) rather than after its link: a polled feed's
    undated item, which a feed that never dates its items has on every run. A date
    after the run's clock is said after its link, as for a backfill."""
    return origin == "feed" and note.not_believed is None


def stamps_said(
    shared: Mapping[datetime, int], written: Mapping[datetime, Mapping[str, int]]
) -> list[datetime]:
    """The shared times (``shared``: build_stamps of the run's documents) said once for
    the feed: those given to a post the run wrote (``written``: by time, how many posts
    each thing dated, PostDate's ``by``: their page, their URL's day, or the time kept),
    oldest first. Said whatever dated them (look16e F12: a backlog of full texts, no
    page fetched, kept the build time unsaid); a time no post of the run carries is not
    said again."""
    return sorted(when for when in shared if sum(written.get(when, {}).values()) > 0)


def relisted_date(
    recorded: datetime | None, listed: datetime | None, *, now: datetime
) -> datetime | None:
    """The date of a pending article of a feed whose item the feed lists again before
    its post is written (look16 F4): the item's date now (``listed``) when it is
    believed (not after ``now``, not before 1990), else the one ``recorded`` with the
    article (missing, unreadable or not believed when it was taken on, or a good one the
    item no longer gives). The post is dated by what its feed lists when it is written."""
    if listed is not None and believable(listed, now):
        return listed
    return recorded


def dated_by_another(
    recorded: datetime | None, others: Sequence[datetime | None], *, now: datetime
) -> datetime | None:
    """The date of an article this run took on from an item that gives none
    (``recorded``: None) when other items of the run list it at the same link, another
    feed's (``others``: their dates, in the run's order; look16 F13): the first believed
    one (not after ``now``, not before 1990). The dated listing dates the post whichever
    feed came first; an item's own date is kept."""
    if recorded is not None:
        return recorded
    return next((when for when in others if when is not None and believable(when, now)), None)


def takes_another_date(origin: Origin, published: datetime | None) -> bool:
    """Whether an article this run took on may take the date another feed's item gives
    its link (dated_by_another): a feed's item (``origin``) that gives none itself
    (``published``); a URL handed to backfill has no item, a dated item keeps its own."""
    return origin == "feed" and published is None


def takes_relisted_date(origin: Origin, *, listed: bool, relinked: bool) -> bool:
    """Whether a pending article of an earlier run takes the date its feed's item gives
    now (relisted_date): a feed's item (``origin``; a URL handed to backfill has no
    item) that its feed lists again in this run's documents (``listed``), unless this
    run relinked it (``relinked``: its entry is that item's already)."""
    return origin == "feed" and listed and not relinked


def relisted_title(recorded: str, listed: str) -> tuple[str, bool]:
    """The title of a pending article of a feed whose item the feed lists again before
    its post is written, with whether it changed (said): the item's title now
    (``listed``) when it has one, else the one ``recorded``. The page fetched now is
    the one the feed lists now: a post with the title it had when its page failed, the
    date the item gives now and the page's text now would join two articles when the
    link was reused ("Week 1" then "Week 2" at ``/column/latest``, look16f s33) and
    keeps an edited headline's first draft otherwise."""
    if not listed.strip() or title_key(listed) == title_key(recorded):
        return recorded, False
    return listed, True


# How close to the fetch a page's publication date is the fetch's own time: a template
# printing the request's time (now()) as ``article:published_time``, seen on
# misconfigured CMSs and behind some caches (look16f s43). A minute, not ten: an article
# published 5 minutes before a */5 cron poll is what a live feed's poll sees (look16g F15).
FETCH_WINDOW: Final = timedelta(seconds=60)
# How far before that date the URL's day must be for the URL to date the post: more
# than a day. A fresh article west of UTC names yesterday's day (its local one); one a
# minute old naming a day before that is rare, and a first poll's backlog of a week
# whose pages all print the fetch time is dated today otherwise, silently (look16h H6;
# look16g F15's real case, 5 minutes old, is outside FETCH_WINDOW).
_URL_DAY_SLACK: Final = timedelta(days=1)
# What a run says of a post FETCH_WINDOW dated by its URL's day (after its link).
FETCH_TIME_NOTE = (
    "its page gives the time it was fetched as its publication date; dated by its URL's day"
)
# What a run says of a post whose page's date is within FETCH_WINDOW of the fetch and
# whose URL names the day before: kept (a fresh article's), but it may be the fetch's.
FETCH_TIME_KEPT = (
    "its page gives a publication time within a minute of its fetch, and its URL names "
    "the day before; kept, though a page printing the time it is fetched looks the same"
)


def fetch_time_dated(dated: PostDate, url_day: datetime | None, now: datetime) -> PostDate:
    """How the post post_date ``dated`` by its page is dated when that page's date is
    the time it was fetched (within FETCH_WINDOW of ``now``, the run's clock the page
    was fetched by) and its URL names a day (``url_day``) more than a day before it: by
    that day (its midnight), said (fetch_time_note). A 2019 article backfilled today is
    not today's (look16f s43), nor a first poll's backlog of last week (look16h H6); a
    fresh article whose URL names the day before (yesterday west of UTC) keeps its
    page's date, said (look16g F15)."""
    if not _fetch_time(dated, url_day, now):
        return dated
    assert url_day is not None and dated.published is not None
    if url_day.date() >= (dated.published - _URL_DAY_SLACK).date():
        return dated
    return PostDate(url_day, "url")


def _fetch_time(dated: PostDate, url_day: datetime | None, now: datetime) -> bool:
    """Whether ``dated`` is by its page, within FETCH_WINDOW of ``now``, and its URL
    names an earlier day than the page's (``url_day``)."""
    page = dated.published
    if dated.by != "page" or page is None or url_day is None:
        return False
    return abs(page - now) <= FETCH_WINDOW and url_day.date() < page.date()


def fetch_time_note(
    dated: PostDate, page: datetime | None, url_day: datetime | None = None, *, now: datetime
) -> str | None:
    """What a run says of a post ``dated`` (fetch_time_dated) by its URL's day though
    its page gave a date (``page``): FETCH_TIME_NOTE; of one whose page's date was kept
    though it is within FETCH_WINDOW of ``now`` and its URL (``url_day``) names the day
    before: FETCH_TIME_KEPT (look16h H6); None otherwise (a build time's item dated by
    its URL's day is said for its feed, dating.stamps_said)."""
    if dated.by == "url" and page is not None and page != dated.published:
        return FETCH_TIME_NOTE
    return FETCH_TIME_KEPT if _fetch_time(dated, url_day, now) else None
