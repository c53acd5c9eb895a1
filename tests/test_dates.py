"""dates.py: the one home of date reading and UTC conversion (feeds, sitemaps, pages
and the command line all read dates through it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rssarchive.core.dates import (
    EARLIEST,
    believable,
    parse_date,
    parse_feed_date,
    parse_iso,
    parse_w3c_datetime,
    to_utc,
)
from rssarchive.extract.article import extract_article

EIGHT = timezone(timedelta(hours=8))


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
