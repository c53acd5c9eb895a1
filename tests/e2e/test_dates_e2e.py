"""Dates end to end (review16d H2, H3, M2, L3): a feed or a page on a real local server,
the real CLI (``main``), and the posts' file names, ``date:`` lines and epoch comments
in ``_posts`` afterwards, with what the run said on stderr."""

from __future__ import annotations

import re

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_hazards_e2e import by_title, item, rss_doc, run, serve
from werkzeug import Request, Response

NOW = "2026-12-03T00:00:00Z"


def _date_and_epoch(text: str) -> tuple[str, str]:
    """The ``date:`` line as written, and the epoch comment."""
    date = re.search(r"^date: (.*)$", text, re.MULTILINE)
    found = re.search(r"\n<!--(.*?)-->\n", text)
    assert date is not None and found is not None, text[:400]
    return date.group(1), found.group(1)


def test_feed_dates_in_epoch_and_written_with_time_and_zone_are_read_whole(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # title -> (pubDate as written, date: and so the file name's day, epoch ms)
    ms_2025 = "1764583200000"
    cases = {
        "epoch s": ("1764583200", "2025-12-01T10:00:00.000Z", ms_2025),
        "epoch ms": ("1764583200000", "2025-12-01T10:00:00.000Z", ms_2025),
        "slashes": ("2026/12/01 02:20 +0800", "2026-11-30T18:20:00.000Z", "1796062800000"),
        "chinese": ("2026年12月1日 02:20 +0800", "2026-11-30T18:20:00.000Z", "1796062800000"),
        "utc+8": ("2026-12-01 10:00:00 UTC+8", "2026-12-01T02:00:00.000Z", "1796090400000"),
        "dots": ("2026.12.01 10:00", "2026-12-01T10:00:00.000Z", "1796119200000"),
        "pm": ("2026年12月1日 下午2:20", "2026-12-01T14:20:00.000Z", "1796134800000"),
        "cst": ("2026-12-01 02:20 CST", "2026-12-01T08:20:00.000Z", "1796113200000"),
        "unread zone": ("2026/12/01 02:20 Europe/Paris", "2026-12-03T00:00:00.000Z", "NaN"),
    }
    items = "".join(
        item(title, f"http://127.0.0.1/d/{i}", pubdate=written)
        for i, (title, (written, *_)) in enumerate(cases.items())
    )
    url = serve(httpserver, "/dates.xml", rss_doc(items))
    site.write_config([{"name": "d", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    posts = by_title(site)
    for title, (written, date, epoch) in cases.items():
        name, text = posts[title]
        assert name == f"{date[:10]}-{title}.md", written
        assert _date_and_epoch(text) == (date, epoch), written
    # Nothing "before 1990" (H2); the zone that is not read, and CST's reading, are said
    # with the item's link; nothing else is.
    assert "before 1990" not in err
    said = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(said) == 2, err
    assert "/d/8: its date '2026/12/01 02:20 Europe/Paris' cannot be read" in err
    assert "/d/7: its date '2026-12-01 02:20 CST': read as US Central" in err


def test_a_backfilled_pages_slash_date_with_an_offset_keeps_its_time_and_zone(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (
        "<html><head><title>Slash</title>"
        '<meta property="article:published_time" content="2026/12/01 02:20 +0800">'
        "</head><body><h1>Slash</h1><div id='storytext'>"
        + "".join(
            f"<p>Paragraph {i} of a page with enough words to be a body.</p>" for i in range(6)
        )
        + "</div></body></html>"
    ).encode()
    url = serve(httpserver, "/slash.html", page, "text/html; charset=utf-8")
    site.write_config([{"name": "d", "url": httpserver.url_for("/feed.xml")}])
    code, _, err = run(site, capsys, "backfill", "--now", NOW, url)
    assert code == 0, err
    [(name, text)] = by_title(site).values()
    assert name.startswith("2026-11-30-"), name
    assert _date_and_epoch(text) == ("2026-11-30T18:20:00.000Z", "1796062800000")


# look16 F1, F3: a page whose only date is written as text (a byline under the <h1>, or
# microdata without content=), with a time and a zone: read whole, as a feed's pubDate.
_TEXT_DATES = {
    "microdata": '<span itemprop="datePublished">2019-05-03T01:20:00+08:00</span>',
    "byline": '<p class="byline">Published 2019-05-03 01:20 +0800</p>',
    "cn-after": "<p>2019年5月3日 01:20 北京时间</p>",
    "cn-offset": "<p>2019年5月3日 01:20 +0800</p>",
    "cn-utc": "<p>发布时间：2019年5月3日 01:20 (UTC+8)</p>",
    "cn-first": "<p>北京时间2019年5月3日 01:20</p>",
}


def test_a_backfilled_pages_text_date_keeps_its_time_and_zone(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "".join(
        f"<p>Paragraph {i} of a page with enough words to be a body.</p>" for i in range(6)
    )
    urls = [
        serve(
            httpserver,
            f"/t/{name}.html",
            (
                f"<html><head><meta charset='utf-8'><title>{name}</title></head><body>"
                f"<article><h1>{name}</h1>{date}<div id='storytext'>{body}</div></article>"
                "</body></html>"
            ).encode(),
            "text/html; charset=utf-8",
        )
        for name, date in _TEXT_DATES.items()
    ]
    site.write_config([{"name": "d", "url": httpserver.url_for("/feed.xml")}])
    code, _, err = run(site, capsys, "backfill", "--now", NOW, *urls)
    assert code == 0, err
    posts = by_title(site)
    assert sorted(posts) == sorted(_TEXT_DATES)
    for name, (file_name, text) in posts.items():
        assert file_name.startswith("2019-05-02-"), (name, file_name)
        assert _date_and_epoch(text) == ("2019-05-02T17:20:00.000Z", "1556817600000"), name


def test_an_item_dated_in_the_future_is_said_once_and_takes_no_slot_under_max_items(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Oldest first: two real items, then a bogus 2100 and one an hour ahead; max_items 2.
    items = "".join(
        [
            item("old", "http://127.0.0.1/f/0", pubdate="Mon, 30 Nov 2026 10:00:00 +0000"),
            item("new", "http://127.0.0.1/f/1", pubdate="Tue, 01 Dec 2026 10:00:00 +0000"),
            item("y2100", "http://127.0.0.1/f/2", pubdate="Fri, 01 Jan 2100 10:00:00 +0000"),
            item("hour", "http://127.0.0.1/f/3", pubdate="2026-12-03T01:00:00Z"),
        ]
    )
    url = serve(httpserver, "/future.xml", rss_doc(items))
    site.write_config([{"name": "f", "url": url, "content": "feed", "max_items": 2}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    posts = by_title(site)
    assert sorted(posts) == ["new", "old"], err  # the real items keep their slots
    assert "2 not archived" in err

    # Raised cap: the future items are archived, each said once with its link.
    site.write_config([{"name": "f", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    posts = by_title(site)
    assert _date_and_epoch(posts["y2100"][1]) == ("2026-12-03T00:00:00.000Z", "4102480800000")
    assert _date_and_epoch(posts["hour"][1]) == ("2026-12-03T00:00:00.000Z", "1796259600000")
    for link, shown in (("/f/2", "2100-01-01T10:00:00Z"), ("/f/3", "2026-12-03T01:00:00Z")):
        assert err.count(f"{link}: its date {shown} is after the run's clock") == 1, err
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0 and "after the run's clock" not in err, err  # said once


def test_a_retry_is_not_held_by_a_clock_that_went_back(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    down = {"now": True}

    def page(request: Request) -> Response:
        if down["now"]:
            return Response("down", status=503)
        body = "".join(f"<p>Paragraph {i} of the page, with enough words.</p>" for i in range(6))
        html = f"<html><head><title>CB</title></head><body><div id='storytext'>{body}</div>"
        return Response(html + "</body></html>", content_type="text/html")

    httpserver.expect_request("/a/cb").respond_with_handler(page)
    link = httpserver.url_for("/a/cb")
    feed = rss_doc(item("CB", link, pubdate="Tue, 01 Dec 2026 10:00:00 +0000", body=None))
    url = serve(httpserver, "/cb.xml", feed)
    site.write_config([{"name": "t", "url": url, "content": "page"}])
    code, _, err = run(site, capsys, "run", "--now", "2026-12-10T00:00:00Z")
    assert code == 1 and "503" in err, err
    down["now"] = False
    # The clock was a day ahead and is set right: the retry is due now, not in a day.
    code, _, err = run(site, capsys, "run", "--now", "2026-12-09T00:00:00Z")
    assert code == 0, err
    assert list(by_title(site)) == ["CB"]


def _flaky_pages(httpserver: HTTPServer, down: dict[str, bool], *paths: str) -> None:
    """Article pages without date markup that answer 503 while ``down['now']``."""

    def page(request: Request) -> Response:
        if down["now"]:
            return Response("down", status=503)
        body = "".join(f"<p>Paragraph {i} of the page, with enough words.</p>" for i in range(6))
        html = f"<html><head><title>Page</title></head><body><div id='storytext'>{body}</div>"
        return Response(html + "</body></html>", content_type="text/html")

    for path in paths:
        httpserver.expect_request(path).respond_with_handler(page)


def test_a_pending_article_takes_the_date_its_feed_gives_when_it_is_written(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # look16 F4: run 1 stores the items' missing, unreadable and future dates with
    # their pending articles; run 2's feed gives valid ones, and the posts take them.
    down = {"now": True}
    _flaky_pages(httpserver, down, "/p/t", "/p/n", "/p/b")
    link = httpserver.url_for
    first = {"t": "Mon, 02 Nov 2106 10:00:00 GMT", "n": None, "b": "yesterday"}
    second = {
        "t": "Mon, 02 Nov 2026 10:00:00 GMT",
        "n": "Tue, 03 Nov 2026 10:00:00 GMT",
        "b": "Wed, 04 Nov 2026 10:00:00 GMT",
    }
    feed = {"doc": b""}

    def feed_doc(dates: dict[str, str | None]) -> bytes:
        return rss_doc(
            "".join(
                item(f"Item {k}", link(f"/p/{k}"), guid=f"g{k}", pubdate=d, body=None)
                for k, d in dates.items()
            )
        )

    httpserver.expect_request("/p.xml").respond_with_handler(
        lambda request: Response(feed["doc"], content_type="application/rss+xml")
    )
    site.write_config([{"name": "p", "url": link("/p.xml"), "content": "page"}])
    feed["doc"] = feed_doc(first)
    code, _, err = run(site, capsys, "run", "--now", "2026-12-07T12:00:00Z")
    assert code == 1 and err.count("503") == 3, err
    feed["doc"], down["now"] = feed_doc(second), False
    code, _, err = run(site, capsys, "run", "--now", "2026-12-07T13:00:00Z")
    assert code == 0, err
    posts = by_title(site)
    assert {title: name for title, (name, _) in posts.items()} == {
        "Item t": "2026-11-02-Item t.md",
        "Item n": "2026-11-03-Item n.md",
        "Item b": "2026-11-04-Item b.md",
    }
    assert _date_and_epoch(posts["Item t"][1]) == ("2026-11-02T10:00:00.000Z", "1793613600000")


def test_feed_dates_in_the_four_once_unread_spellings_date_their_posts(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # ISO 8601's 24:00, RFC 9557's zone suffix, Drupal's "Weekday, Month D, YYYY - HH:MM"
    # and "a.m. ET" (US Eastern, summer time in July): each read, none said.
    cases = {
        "iso 24": ("2026-12-01T24:00:00Z", "2026-12-02T00:00:00.000Z"),
        "rfc 9557": ("2026-12-01T10:00:00+08:00[Asia/Shanghai]", "2026-12-01T02:00:00.000Z"),
        "drupal": ("Tuesday, December 1, 2026 - 10:00", "2026-12-01T10:00:00.000Z"),
        "eastern": ("Jul. 1, 2026 10:00 a.m. ET", "2026-07-01T14:00:00.000Z"),
    }
    items = "".join(
        item(title, f"http://127.0.0.1/d/{i}", pubdate=written)
        for i, (title, (written, _)) in enumerate(cases.items())
    )
    url = serve(httpserver, "/dates.xml", rss_doc(items))
    site.write_config([{"name": "d", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    assert "cannot be read" not in err, err
    posts = by_title(site)
    for title, (written, date) in cases.items():
        name, text = posts[title]
        assert name == f"{date[:10]}-{title}.md", written
        assert _date_and_epoch(text)[0] == date, written
