"""dates.py: the one home of date reading and UTC conversion (feeds, sitemaps, pages
and the command line all read dates through it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rssarchive.core.dates import (
    EARLIEST,
    believable,
    format_utc,
    parse_date,
    parse_feed_date,
    parse_http_date,
    parse_iso,
    parse_w3c_datetime,
    read_date,
    read_feed_date,
    to_utc,
    utc_stamp,
)
from rssarchive.extract.article import extract_article

EIGHT = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("moment", "shown", "stamp"),
    [
        (
            datetime(2026, 12, 1, 2, 20, 59, tzinfo=UTC),
            "2026-12-01 02:20 UTC",
            "2026-12-01T02:20:59Z",
        ),
        (
            datetime(2026, 12, 1, 10, 20, 5, tzinfo=EIGHT),
            "2026-12-01 02:20 UTC",
            "2026-12-01T02:20:05Z",
        ),
        (
            datetime(2026, 12, 1, 2, 20),
            "2026-12-01 02:20 UTC",
            "2026-12-01T02:20:00Z",
        ),  # naive: UTC
    ],
)
def test_the_one_utc_display_and_stamp(moment: datetime, shown: str, stamp: str) -> None:
    assert format_utc(moment) == shown
    assert utc_stamp(moment) == stamp


def test_to_utc() -> None:
    assert to_utc(datetime(2024, 7, 24, 9, 0)) == datetime(2024, 7, 24, 9, 0, tzinfo=UTC)
    moved = to_utc(datetime(2024, 7, 24, 9, 0, tzinfo=EIGHT))
    assert moved.tzinfo is UTC and moved == datetime(2024, 7, 24, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-24T01:45:53.725Z", datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)),
        ("2024-07-24T01:45:53z", datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC)),
        ("2024-07-24T09:45:53+08:00", datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC)),
        ("2024-07-24", datetime(2024, 7, 24, tzinfo=UTC)),
        ("Wed, 24 Jul 2024 01:45:53 GMT", None),
        ("2024-13-01", None),
    ],
)
def test_parse_iso(text: str, expected: datetime | None) -> None:
    assert parse_iso(text) == expected


# An HTTP-date (Last-Modified, Date, Retry-After) as a server sends it, beside its reading.
# Review of issue 18, H1: the standard library raises OverflowError on a year, day or hour
# of twenty digits, and a stored Last-Modified is read again on every run.
HTTP_DATES = [
    ("Sun, 06 Nov 1994 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
    ("Sunday, 06-Nov-94 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
    ("Sun Nov  6 08:49:37 1994", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),  # asctime
    ("  Wed, 24 Jul 2024 09:00:00 +0800 ", datetime(2024, 7, 24, 1, tzinfo=UTC)),
    ("Mon, 01 Jan 1900 00:00:00 GMT", datetime(1900, 1, 1, tzinfo=UTC)),  # no 1990 floor
    ("Mon, 01 Jan 99999999999999999999 00:00:00 GMT", None),
    ("Mon, 99999999999999999999 Jan 2024 00:00:00 GMT", None),
    ("Mon, 01 Jan 2024 99999999999999999999:00:00 GMT", None),
    ("Mon, 01 Jan 99999 00:00:00 GMT", None),
    ("Fri, 31 Dec 9999 23:00:00 -0100", None),  # after its end
    ("Fri, 99 Foo 2024 99:99:99 GMT", None),
    ("yesterday", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), HTTP_DATES)
def test_parse_http_date(text: str | None, expected: datetime | None) -> None:
    assert parse_http_date(text) == expected


# A moment at the calendar's edge whose UTC is outside it: every reader says "no date"
# instead of raising OverflowError (a page's JSON-LD date once crashed its extraction).
EDGE = "0001-01-01T00:00:00+05:00"


def test_no_reader_raises_at_the_calendars_edge() -> None:
    assert parse_iso(EDGE) is None
    assert parse_date(EDGE) is None
    assert parse_w3c_datetime(EDGE) is None
    assert parse_feed_date(EDGE, None) is None


def test_a_page_dated_at_the_calendars_edge_is_extracted_undated() -> None:
    page = (
        '<html><head><script type="application/ld+json">'
        f'{{"@type": "NewsArticle", "datePublished": "{EDGE}"}}</script></head><body>'
        "<div id='storytext'><p>A body long enough to be an article by the site rule, "
        "with words.</p></div></body></html>"
    ).encode()
    article = extract_article(page, "https://x.example/a.html")
    assert article.source == "rule"
    assert article.published is None or article.published >= EARLIEST


@pytest.mark.parametrize(
    ("raw", "parsed", "expected"),
    [
        ("2024-07-24T01:45:53.725Z", None, datetime(2024, 7, 24, 1, 45, 53, 725000, tzinfo=UTC)),
        ("Wed, 24 Jul 2024 09:45:53 +0800", None, datetime(2024, 7, 24, 1, 45, 53, tzinfo=UTC)),
        # "-0000" is no zone: feedparser's own reading decides.
        (
            "Wed, 24 Jul 2024 09:45:53 -0000",
            (2024, 7, 24, 9, 45, 53, 0, 0, 0),
            datetime(2024, 7, 24, 9, 45, 53, tzinfo=UTC),
        ),
        ("2024-13-45", (2025, 2, 14, 0, 0, 0, 0, 0, 0), None),  # rolled over by feedparser
        ("24 juillet 2024", (2024, 7, 24, 0, 0, 0, 0, 0, 0), datetime(2024, 7, 24, tzinfo=UTC)),
        ("", None, None),
    ],
)
def test_parse_feed_date(
    raw: str, parsed: tuple[int, ...] | None, expected: datetime | None
) -> None:
    assert parse_feed_date(raw, parsed) == expected


def test_believable_takes_a_naive_bound_as_utc() -> None:
    now = datetime(2026, 1, 1)
    assert believable(datetime(2025, 12, 31, 23, 59, tzinfo=UTC), now)
    assert not believable(datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC), now)
    assert not believable(EARLIEST - timedelta(seconds=1), now)


# -- the table of shapes (tests/dates/cases.jsonl): each date as written, beside its UTC
# (null: no date, and the reason is said). Feeds and pages read every one alike.

DATE_TABLE = [
    json.loads(line)
    for line in (Path(__file__).parent.parent / "dates" / "cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _utc(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@pytest.mark.parametrize("case", DATE_TABLE, ids=[c["what"] for c in DATE_TABLE])
def test_the_table_of_date_shapes(case: dict[str, str | None]) -> None:
    text, expected = case["text"], _utc(case["utc"])
    assert text is not None
    when, why = read_feed_date(text, None)
    assert when == expected, (text, why)
    if expected is None:
        assert why is not None, text  # no date is said, with why
    assert parse_date(text) == expected  # a page's date, read the same way


def test_a_feed_date_feedparser_reads_without_its_time_is_refused_not_truncated() -> None:
    # feedparser reads these as the midnight of their day; ours refuse them out loud.
    midnight = (2026, 12, 1, 0, 0, 0, 0, 0, 0)
    for text in ("2026/12/01 02:20 Europe/Paris", "01.12.2026 10:20", "1 déc. 2026 10:20"):
        when, why = read_feed_date(text, midnight)
        assert when is None and why is not None and why.startswith("cannot be read"), text
    # A time that a zone makes midnight in UTC is kept: 08:00 +0800.
    assert read_feed_date("1 déc. 2026 08:00 +0800", midnight)[0] == datetime(
        2026, 12, 1, tzinfo=UTC
    )


def test_feedparsers_year_that_is_not_written_cannot_be_read_not_before_1990() -> None:
    assert read_feed_date("1764583200+0000", (1764, 12, 1, 0, 0, 0)) == (None, "cannot be read")
    assert (
        read_feed_date("1 janv. 1970", (1970, 1, 1, 0, 0, 0))[1] == "is before 1990, not believed"
    )


def test_an_ambiguous_zone_name_is_read_with_a_note_that_says_so() -> None:
    for text in ("2026-12-01 02:20 CST", "Tue, 01 Dec 2026 02:20:00 CST"):
        when, note = read_date(text)
        assert when == datetime(2026, 12, 1, 8, 20, tzinfo=UTC)
        assert note is not None and "US Central" in note and "China" in note
    # An offset says it: the name after it is a comment.
    assert read_date("2026-12-01 10:20 +0800 (CST)")[1] is None


@pytest.mark.parametrize(
    ("text", "zoned"),
    [
        ("2026-12-07T05:00:00", False),
        ("2026-12-07 06:00:00", False),
        ("2026-12-07", False),
        ("20261207", False),
        ("Dec 1, 2026 10:00 AM", False),
        ("2026-12-07T05:00:00 XYZ", False),  # an unknown zone places nothing
        ("2026-12-07T05:00:00+08:00", True),
        ("2026-12-07T05:00:00Z", True),
        ("Mon, 07 Dec 2026 05:00:00 +0800", True),
        ("Dec 1, 2026 10:00 AM EST", True),
        ("2026年12月7日 05:00 北京时间", True),
        ("2026年12月7日 05:00 (UTC+8)", True),
        ("1796590800", True),  # epoch seconds are UTC
    ],
)
def test_carries_zone(text: str, zoned: bool) -> None:
    """look16f s07: a date written with its zone beats one a page writes without."""
    from rssarchive.core.zones import carries_zone

    assert carries_zone(text) is zoned


def test_a_zone_name_contradicting_the_offset_before_it_is_said_and_the_offset_read() -> None:
    """look16h H3: ``+0000 GMT`` is read by the offset; ``+0100 EST`` too, said."""
    assert read_date("Tue, 01 Dec 2026 10:00:00 +0000 GMT") == (
        datetime(2026, 12, 1, 10, tzinfo=UTC),
        None,
    )
    when, note = read_date("Tue, 01 Dec 2026 10:00:00 +0100 EST")
    assert when == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert note is not None and "EST" in note and "offset" in note


def test_java_dates_with_cst_carry_the_cst_note() -> None:
    """look16h H11: the Java shape's CST is said as RFC 822's is."""
    when, note = read_date("Tue Dec 01 22:00:00 CST 2026")
    assert when == datetime(2026, 12, 2, 4, tzinfo=UTC)
    assert note is not None and "US Central" in note and "China" in note
    why = read_feed_date("Tue Dec 01 22:00:00 XYZ 2026", (2026, 12, 1, 22, 0, 0))[1]
    assert why == "cannot be read (unknown or ambiguous zone 'XYZ')"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("00:30 01/12/2026", (2026, 12, 8, 0, 30, 0)),  # the run's own day
        ("10:00 December 1 2026", (2026, 12, 8, 10, 0, 0)),
        ("10:00", (2026, 12, 8, 10, 0, 0)),
        ("01-12-2026 10:00 CET", (2001, 12, 20, 0, 0, 0)),
        ("01-12-2026 10h00", (2001, 12, 20, 0, 0, 0)),
        ("00:30 08/12/2026", (2026, 12, 8, 0, 30, 0)),  # digits alone: day or month?
    ],
)
def test_feedparsers_reading_of_a_day_not_written_cannot_be_read(
    text: str, parsed: tuple[int, ...]
) -> None:
    """look16h H12: feedparser's fallback takes the run's own day for a time written
    first, and reads a day-first date as 2001-12-20: its year, day and month (a word)
    must be written."""
    assert read_feed_date(text, parsed) == (None, "cannot be read")


def test_feedparsers_reading_of_a_month_name_it_knows_is_kept() -> None:
    when = read_feed_date("2026-december-01T10:00+01:00", (2026, 12, 1, 9, 0, 0))[0]
    assert when == datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "title", "chinese"),
    [
        ("zh-CN", "Budget", True),
        ("zh-Hant-TW", "", True),
        ("", "预算案通过", True),
        ("en", "预算案通过", True),  # a Chinese CMS's template says en
        ("ja", "予算案", False),
        ("", "予算案が可決された", False),  # kana: Japanese
        ("en", "Budget passed", False),
        ("", "", False),
    ],
)
def test_written_in_chinese(lang: str, title: str, chinese: bool) -> None:
    from rssarchive.core.zones import written_in_chinese

    assert written_in_chinese(lang, title) is chinese


def test_cst_in_chinese_is_chinas_time_without_a_note() -> None:
    """look16h H16: on a page in Chinese, CST is UTC+08:00, whatever the shape."""
    china = datetime(2026, 12, 1, 14, tzinfo=UTC)
    for text in (
        "2026-12-01 22:00:00 CST",
        "2026-12-01 22:00 CST",
        "Tue, 01 Dec 2026 22:00:00 CST",
        "Tue Dec 01 22:00:00 CST 2026",
    ):
        assert read_date(text, china=True) == (china, None), text
        assert parse_date(text, china=True) == china, text
        assert parse_date(text) == datetime(2026, 12, 2, 4, tzinfo=UTC), text
