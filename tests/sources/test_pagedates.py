"""Publication dates from pages: one HTML file per case, its expected date beside it.

Each ``tests/pagedates/<case>.html`` has a ``<case>.expected``: the date as a post's
``date:`` writes it and the source that found it, or ``none``. The clock is fixed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from rssarchive.core.dates import believable, parse_date
from rssarchive.publish.render import format_date
from rssarchive.sources.pagedates import page_date, page_modified

CASES = sorted((Path(__file__).parent.parent / "pagedates").glob("*.html"))
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def found(page: bytes, *, now: datetime = NOW) -> str:
    result = page_date(lxml.html.document_fromstring(page), max_date=now)
    return "none" if result is None else f"{format_date(result.when)} {result.source}"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_page_date(case: Path) -> None:
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").strip()
    assert found(case.read_bytes()) == expected


def test_corpus_has_every_source() -> None:
    expected = [c.with_suffix(".expected").read_text(encoding="utf-8") for c in CASES]
    for source in ("json-ld", "meta", "time", "text", "htmldate", "none"):
        assert any(source in text for text in expected), source


def test_a_date_after_the_clock_is_not_believed() -> None:
    page = (Path(__file__).parent.parent / "pagedates" / "time-in-article.html").read_bytes()
    assert found(page, now=datetime(2012, 1, 15, 11, tzinfo=UTC)).startswith("2012-01-15T11")
    # The <time> is an hour after this clock; the day its text writes ("15 January 2012",
    # read day first since look16i I11; htmldate's before that), its midnight, is before it.
    assert found(page, now=datetime(2012, 1, 15, 10, tzinfo=UTC)) == (
        "2012-01-15T00:00:00.000Z text"
    )
    assert found(page, now=datetime(2011, 6, 1, tzinfo=UTC)) == "none"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-05-03T10:15:00+02:00", datetime(2019, 5, 3, 8, 15, tzinfo=UTC)),
        ("2019-05-03T10:15:00.123z", datetime(2019, 5, 3, 10, 15, 0, 123000, tzinfo=UTC)),
        ("2019-05-03 10:15:00", datetime(2019, 5, 3, 10, 15, tzinfo=UTC)),  # naive: UTC
        ("2019", datetime(2019, 1, 1, tzinfo=UTC)),
        ("Fri, 03 May 2019 10:15:00 +0200", datetime(2019, 5, 3, 8, 15, tzinfo=UTC)),
        ("2019年5月3日 10:20", datetime(2019, 5, 3, 10, 20, tzinfo=UTC)),  # naive: UTC
        ("2019年5月3日", datetime(2019, 5, 3, tzinfo=UTC)),
        ("2019年5月3号 10时20分30秒", datetime(2019, 5, 3, 10, 20, 30, tzinfo=UTC)),
        ("２０１９年５月３日 １０：２０", datetime(2019, 5, 3, 10, 20, tzinfo=UTC)),
        ("2019年2月30日", None),
        ("2019/05/03 10:20", datetime(2019, 5, 3, 10, 20, tzinfo=UTC)),
        ("2019.05.03", datetime(2019, 5, 3, tzinfo=UTC)),
        ("05/03/2019", None),  # month or day first? not guessed
        ("20190503", datetime(2019, 5, 3, tzinfo=UTC)),
        ("1556841600", datetime(2019, 5, 3, tzinfo=UTC)),  # epoch seconds
        (1556841600, datetime(2019, 5, 3, tzinfo=UTC)),
        (1556841600250, datetime(2019, 5, 3, 0, 0, 0, 250000, tzinfo=UTC)),  # milliseconds
        ("0", None),
        (True, None),
        ("2019-05-03T10:20:00 EST", datetime(2019, 5, 3, 15, 20, tzinfo=UTC)),
        ("2019-05-03 10:20 (GMT)", datetime(2019, 5, 3, 10, 20, tzinfo=UTC)),
        ("2019-05-03T10:20:00+02:00 CEST", datetime(2019, 5, 3, 8, 20, tzinfo=UTC)),
        ("2019-05-03T10:20:00 XYZ", None),  # an unknown zone: no guess
        ("yesterday", None),
        ("", None),
        ("2019-13-45", None),
        # RFC 822: a four-digit year as written (parsedate reads 0001 as 2001), two
        # digits as RFC 2822 says; zones.py's names; no guess for an ambiguous one.
        ("Mon, 01 Jan 0001 00:00:00 +0000", None),
        ("Wed, 01 Jan 0025 00:00:00 +0000", None),
        ("Fri, 03 May 19 10:15:00 GMT", datetime(2019, 5, 3, 10, 15, tzinfo=UTC)),
        ("Fri, 03 May 2019 10:15:00 JST", datetime(2019, 5, 3, 1, 15, tzinfo=UTC)),
        ("Fri, 03 May 2019 10:15:00 CEST", datetime(2019, 5, 3, 8, 15, tzinfo=UTC)),
        ("Fri, 03 May 2019 10:15:00 IST", None),
        ("Fri, 03 May 2019 10:15:00 +2500", None),
        ("Fri, 03 May 2019 10:15:00 GMT+08:00", datetime(2019, 5, 3, 2, 15, tzinfo=UTC)),
        ("Fri, 03 May 2019 10:15:00 Europe/Paris", None),  # parsedate: UTC
        ("Fri, 3 May 2019 10:15 PM EST", None),  # parsedate: 10:15 AM
        ("2019-05-03T10:20:00 HKT", datetime(2019, 5, 3, 2, 20, tzinfo=UTC)),
        ("2019-05-03T10:20:00 IST", None),
    ],
)
def test_parse_date(text: str | int, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_believable_bounds() -> None:
    assert not believable(datetime(1989, 12, 31, 23, 59, tzinfo=UTC), NOW)
    assert believable(datetime(1990, 1, 1, tzinfo=UTC), NOW)
    assert believable(NOW, NOW)
    assert not believable(datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC), NOW)


# -- look16c F5: the URL's day, JSON-LD dateCreated ---------------------------------------

PLAIN = b"<html><head><title>t</title>%s</head><body><p>An article.</p></body></html>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2019/05/03/story.html", "2019-05-03T00:00:00.000Z url"),
        ("https://example.com/2019/5/3/story", "2019-05-03T00:00:00.000Z url"),
        ("https://example.com/news/20190503/story.html", "2019-05-03T00:00:00.000Z url"),
        ("https://example.com/2019-05-03/story.html", "2019-05-03T00:00:00.000Z url"),
        ("https://example.com/2019-05-03-story-slug", "2019-05-03T00:00:00.000Z url"),
        ("http://www.news.cn/world/2019-05/03/c_1124.htm", "2019-05-03T00:00:00.000Z url"),
        ("http://world.people.com.cn/n1/2019/0503/c1002-31.html", "2019-05-03T00:00:00.000Z url"),
        # An id's digits, a month alone, an impossible day, a query's date: no day.
        ("https://example.com/story/2019050312345.html", "none"),
        # look16f s47: 8 digits are a day only as a folder the article is in; in a
        # file's name or as the path's last part they are an id as often.
        ("https://example.com/20190503_story.html", "none"),
        ("https://example.com/article/19991231.html", "none"),
        ("https://example.com/p/20190503-x", "none"),
        ("https://example.com/story/12/20200101", "none"),
        ("https://example.com/news/20221118/", "none"),
        ("https://example.com/a/2019/0503", "none"),
        ("https://example.com/2019/05/story.html", "none"),
        ("https://example.com/2019/13/45/story.html", "none"),
        ("https://example.com/story?date=2019-05-03", "none"),
        # After the clock: not believed.
        ("https://example.com/2027/01/01/story.html", "none"),
    ],
)
def test_the_urls_day_dates_a_page_without_one(url: str, expected: str) -> None:
    # htmldate (which reads URLs too) is not what answers: it is asked last, and a
    # polled feed's item does not take its guess (decide.post_date).
    result = page_date(lxml.html.document_fromstring(PLAIN % b""), url, max_date=NOW)
    if expected == "none":  # htmldate's guess may still come (a query's date)
        assert result is None or result.source == "htmldate"
    else:
        assert result is not None
        assert f"{format_date(result.when)} {result.source}" == expected


@pytest.mark.parametrize(
    ("head", "url", "expected"),
    [
        (
            b'<script type="application/ld+json">{"@type": "NewsArticle",'
            b' "dateCreated": "2019-05-03T08:00:00Z"}</script>',
            None,
            "2019-05-03T08:00:00.000Z json-ld",
        ),
        # A publication date comes before a creation date, wherever it is.
        (
            b'<script type="application/ld+json">{"@type": "NewsArticle",'
            b' "dateCreated": "2019-05-01T08:00:00Z"}</script>'
            b'<meta property="article:published_time" content="2019-05-03T08:00:00Z">',
            None,
            "2019-05-03T08:00:00.000Z meta",
        ),
        # The page's creation date before the URL's day.
        (
            b'<script type="application/ld+json">{"@type": "NewsArticle",'
            b' "dateCreated": "2019-05-03T08:00:00Z"}</script>',
            "https://example.com/2019/05/04/story.html",
            "2019-05-03T08:00:00.000Z json-ld",
        ),
        # A modification date is none: the URL's day.
        (
            b'<meta property="og:updated_time" content="2019-05-05T08:00:00Z">',
            "https://example.com/2019/05/04/story.html",
            "2019-05-04T00:00:00.000Z url",
        ),
    ],
)
def test_json_ld_date_created_dates_a_page_after_its_publication_dates(
    head: bytes, url: str | None, expected: str
) -> None:
    result = page_date(lxml.html.document_fromstring(PLAIN % head), url, max_date=NOW)
    assert result is not None
    assert f"{format_date(result.when)} {result.source}" == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta property="og:updated_time" content="2019-05-05T08:00:00Z">', "2019-05-05T08"),
        (b'<meta property="article:modified_time" content="2019-05-05T10:00:00+02:00">',
         "2019-05-05T08"),
        (b'<script type="application/ld+json">{"@type": "NewsArticle",'
         b' "dateModified": "2019-05-05T08:00:00Z"}</script>', "2019-05-05T08"),
        (b'<meta property="article:published_time" content="2019-05-03T08:00:00Z">', None),
        (b'<meta property="og:updated_time" content="2027-01-01T00:00:00Z">', None),
    ],
)  # fmt: skip
def test_page_modified_reads_what_dates_the_last_change(head: bytes, expected: str | None) -> None:
    got = page_modified(lxml.html.document_fromstring(PLAIN % head), max_date=NOW)
    assert (None if got is None else got.isoformat()[:13]) == expected
