"""Issue 16, the third outside look's dating findings (look16c F5, F6b): a polled feed's
undated item dated by what its page's URL and JSON-LD say, one dated at archiving time
on the feed's first poll said so, and a feed that stamps every item with its build time
dated by the pages. The real CLI against a real local HTTP server."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import dated_page, front
from test_e2e import rss
from werkzeug import Request, Response

NOW = "2026-12-07T12:00:00Z"
NOW_DATE = "2026-12-07T12:00:00.000Z"


def serve_feed(httpserver: HTTPServer, items: list[dict[str, str]]) -> str:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    return httpserver.url_for("/feed.xml")


def said(as_json: bool, out: str, err: str) -> list[str]:
    """The feed's warnings, as --json gives them or as the text says them."""
    if as_json:
        return [w for r in json.loads(out)["results"] for w in r["warnings"]]
    return [line.removeprefix("warning: feed News: ") for line in err.splitlines()]


# -- F5 (a): the URL's day and JSON-LD's dateCreated date an undated item -----------------

UNDATED = {
    "/2026/11/20/slashes.html": ("slashes", "", "2026-11-20T00:00:00.000Z"),
    "/news/20261121/compact.html": ("compact", "", "2026-11-21T00:00:00.000Z"),
    "/2026-11-22/dashes.html": ("dashes", "", "2026-11-22T00:00:00.000Z"),
    "/a/created.html": (
        "created",
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "dateCreated": "2026-11-20T08:00:00Z"}</script>',
        "2026-11-20T08:00:00.000Z",
    ),
    # A modification date is no publication date: the archiving time dates it.
    "/a/updated.html": (
        "updated",
        '<meta property="og:updated_time" content="2026-11-20T08:00:00Z">',
        NOW_DATE,
    ),
}


def test_an_undated_items_page_dates_it_by_its_urls_day_or_json_ld_created(
    site: Site, httpserver: HTTPServer
) -> None:
    items = []
    for path, (title, head, _) in UNDATED.items():
        httpserver.expect_request(path).respond_with_data(
            dated_page(title, head), content_type="text/html"
        )
        items.append({"title": title, "link": httpserver.url_for(path), "guid": title})
    site.write_config([{"name": "News", "url": serve_feed(httpserver, items), "content": "page"}])
    assert site.cli("run", "--now", NOW) == 0
    for title, _, expected in UNDATED.values():
        name = f"{expected[:10]}-{title}.md"
        assert name in site.post_names(), site.post_names()
        assert front(site, name)["date"] == expected, title


# -- F5 (b): dated at archiving time on the feed's first poll: said, once per feed ------


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_undated_items_of_a_feeds_first_poll_are_said_dated_at_archiving_time(
    as_json: bool, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = []
    for n in range(3):
        httpserver.expect_request(f"/a/{n}.html").respond_with_data(
            dated_page(f"Undated {n}"), content_type="text/html"
        )
        items.append({"title": f"Undated {n}", "link": httpserver.url_for(f"/a/{n}.html")})
    httpserver.expect_request("/a/dated.html").respond_with_data(
        dated_page("Dated", '<meta name="date" content="2026-11-20T08:00:00Z">'),
        content_type="text/html",
    )
    items.append({"title": "Dated", "link": httpserver.url_for("/a/dated.html")})
    feed = {"name": "News", "url": serve_feed(httpserver, items), "content": "page"}
    site.write_config([feed])
    args = ("--json",) if as_json else ()
    assert site.cli("run", "--now", NOW, *args) == 0
    out, err = capsys.readouterr()
    lines = said(as_json, out, err)
    line = "3 items have no date, in the feed or on their page; dated at archiving time"
    assert line in lines, (out, err)
    assert [w for w in lines if "no date" in w] == [line]  # once, for the three
    assert front(site, "2026-12-07-Undated 0.md")["date"] == NOW_DATE

    # A later poll's new undated item is new since the last one: the hour a cron run
    # archives it in is close, and nothing is said.
    httpserver.clear()
    httpserver.expect_request("/a/3.html").respond_with_data(
        dated_page("Undated 3"), content_type="text/html"
    )
    items.insert(0, {"title": "Undated 3", "link": httpserver.url_for("/a/3.html")})
    serve_feed(httpserver, items)
    assert site.cli("run", "--now", "2026-12-07T13:00:00Z", *args) == 0
    out, err = capsys.readouterr()
    assert not [w for w in said(as_json, out, err) if "no date" in w], (out, err)
    assert front(site, "2026-12-07-Undated 3.md")["date"] == "2026-12-07T13:00:00.000Z"


def test_an_undated_item_whose_page_was_modified_before_the_last_poll_is_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A modification date dates nothing, but bounds the publication: a page changed
    before the feed's last poll was there then, and its item is not new since."""
    httpserver.expect_request("/a/first.html").respond_with_data(
        dated_page("First", '<meta name="date" content="2026-11-20T08:00:00Z">'),
        content_type="text/html",
    )
    items = [{"title": "First", "link": httpserver.url_for("/a/first.html")}]
    site.write_config([{"name": "News", "url": serve_feed(httpserver, items), "content": "page"}])
    assert site.cli("run", "--now", NOW) == 0
    capsys.readouterr()
    httpserver.clear()
    updated = '<meta property="og:updated_time" content="2026-12-01T08:00:00Z">'
    httpserver.expect_request("/a/old.html").respond_with_data(
        dated_page("Old", updated), content_type="text/html"
    )
    later = '<meta property="og:updated_time" content="2026-12-07T12:30:00Z">'
    httpserver.expect_request("/a/new.html").respond_with_data(
        dated_page("New", later), content_type="text/html"
    )
    items[:0] = [
        {"title": "Old", "link": httpserver.url_for("/a/old.html")},
        {"title": "New", "link": httpserver.url_for("/a/new.html")},
    ]
    serve_feed(httpserver, items)
    assert site.cli("run", "--now", "2026-12-07T13:00:00Z", "--json") == 0
    out, err = capsys.readouterr()
    line = "1 item has no date, in the feed or on its page; dated at archiving time"
    assert [w for w in said(True, out, err) if "no date" in w] == [line], out
    assert front(site, "2026-12-07-Old.md")["date"] == "2026-12-07T13:00:00.000Z"


# -- F6b: every item stamped with the feed's build time ----------------------------------

STAMP = "Mon, 07 Dec 2026 11:59:00 GMT"


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_feed_stamping_every_item_with_its_build_time_is_dated_by_the_pages(
    as_json: bool, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = []
    for n in range(6):
        meta = f'<meta property="article:published_time" content="2026-11-1{n}T08:00:00Z">'
        if n == 5:  # a page without a date keeps the feed's
            meta = ""
        httpserver.expect_request(f"/a/s{n}.html").respond_with_data(
            dated_page(f"Story {n}", meta), content_type="text/html"
        )
        link = httpserver.url_for(f"/a/s{n}.html")
        items.append({"title": f"Story {n}", "link": link, "guid": f"s{n}", "pubDate": STAMP})
    site.write_config([{"name": "News", "url": serve_feed(httpserver, items), "content": "page"}])
    args = ("--json",) if as_json else ()
    assert site.cli("run", "--now", NOW, *args) == 0
    out, err = capsys.readouterr()
    for n in range(5):
        assert front(site, f"2026-11-1{n}-Story {n}.md")["date"] == f"2026-11-1{n}T08:00:00.000Z"
    assert front(site, "2026-12-07-Story 5.md")["date"] == "2026-12-07T11:59:00.000Z"
    line = (
        "6 items share one date, 2026-12-07T11:59:00Z (the feed's build time, not theirs);"
        " 5 dated by their page's publication date, 1 keeps it"
    )
    lines = said(as_json, out, err)
    assert line in lines, (out, err)
    assert [w for w in lines if "share one date" in w] == [line]


def test_a_stamped_items_page_that_failed_dates_it_when_a_later_run_gets_it(
    site: Site, httpserver: HTTPServer
) -> None:
    """An article whose page failed is written by a later run, whose document stamps
    its item with a new build time: its page's date still dates it."""
    failing = [True]  # on the first run's every attempt

    def flaky(request: Request) -> Response:
        if failing[0]:
            return Response("busy", status=503)
        meta = '<meta property="article:published_time" content="2026-11-12T08:00:00Z">'
        return Response(dated_page("Story 2", meta), content_type="text/html")

    for n in (0, 1):
        meta = f'<meta property="article:published_time" content="2026-11-1{n}T08:00:00Z">'
        httpserver.expect_request(f"/a/s{n}.html").respond_with_data(
            dated_page(f"Story {n}", meta), content_type="text/html"
        )
    httpserver.expect_request("/a/s2.html").respond_with_handler(flaky)

    def document(stamp: str) -> bytes:
        return rss(
            [
                {
                    "title": f"Story {n}",
                    "link": httpserver.url_for(f"/a/s{n}.html"),
                    "guid": f"s{n}",
                    "pubDate": stamp,
                }
                for n in range(3)
            ]
        )

    stamps = ["Mon, 07 Dec 2026 11:59:00 GMT", "Tue, 08 Dec 2026 11:59:00 GMT"]
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(document(stamps[0]), content_type="application/rss+xml")
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    site.cli("run", "--now", NOW)
    assert len(site.post_names()) == 2  # Story 2's page failed
    stamps.pop(0)
    failing[0] = False
    assert site.cli("run", "--now", "2026-12-08T12:00:00Z") == 0
    assert front(site, "2026-11-12-Story 2.md")["date"] == "2026-11-12T08:00:00.000Z"


def test_items_sharing_a_date_with_a_content_feed_keep_it(
    site: Site, httpserver: HTTPServer
) -> None:
    """No page is fetched for its date: with ``content: feed`` the items keep theirs."""
    items = [
        {
            "title": f"Story {n}",
            "link": httpserver.url_for(f"/a/s{n}.html"),
            "pubDate": STAMP,
            "content": f"<p>Story {n}: the whole article, as the feed gives it.</p>",
        }
        for n in range(3)
    ]
    site.write_config([{"name": "News", "url": serve_feed(httpserver, items), "content": "feed"}])
    assert site.cli("run", "--now", NOW) == 0
    assert [r.path for r, _ in httpserver.log] == ["/feed.xml"]
    assert front(site, "2026-12-07-Story 0.md")["date"] == "2026-12-07T11:59:00.000Z"
