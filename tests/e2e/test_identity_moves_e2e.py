"""Issue 16, the second outside review: silent losses around identity (the real CLI
against a real local HTTP server). An article not archived yet whose link moves is
fetched at its new link; a feed article given up says so; a permalink guid still needs
its title or date to agree; a move taken by guid is said; identity by guid is per
feed; items that collapse into one post are said."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_integrity_e2e import Feed, run_json, sources
from werkzeug import Request, Response


def test_a_pending_article_whose_link_moves_is_fetched_at_its_new_link(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its old page fails; the feed then lists it (same guid, title, date) elsewhere.
    feed = Feed(httpserver)
    asked: list[str] = []

    def page(request: Request) -> Response:
        asked.append(request.path)
        if request.path == "/p/a":
            return Response("down", status=503)
        return Response(article("The article"), content_type="text/html")

    httpserver.expect_request("/p/a").respond_with_handler(page)
    httpserver.expect_request("/p/b").respond_with_handler(page)
    site.write_config([{"name": "Moving", "url": feed.url, "content": "page"}])
    old, new = httpserver.url_for("/p/a"), httpserver.url_for("/p/b")
    item = {"title": "A", "guid": "X", "pubDate": "01 Jul 2024 08:00:00 GMT"}
    feed.items = [{**item, "link": old}]
    code, report, err = run_json(site, capsys)
    assert code == 1 and report["new_posts"] == 0, err
    before = len(asked)

    feed.items = [{**item, "link": new}]
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert report["new_posts"] == 1 and report["results"][0]["failed"] == []
    assert sources(site) == [new]
    assert asked[before:] == ["/p/b"]  # the old page is not fetched again

    # Known by both links from now on: neither is archived again.
    for link in (new, old):
        feed.items = [{**item, "link": link}]
        code, report, err = run_json(site, capsys)
        assert (code, report["new_posts"], report["skipped"]) == (0, 0, 1), err
    assert sources(site) == [new]


def test_a_feed_article_given_up_says_so_once_and_status_names_its_url_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    httpserver.expect_request("/p/a").respond_with_data("not here", status=404)
    site.write_config([{"name": "Failing", "url": feed.url, "content": "page"}])
    link = httpserver.url_for("/p/a")
    feed.items = [{"title": "A", "guid": "X", "link": link}]
    gave_up = f"{link}: gave up after 5 attempts: HTTP 404 Not Found; not tried again"
    # Attempts spaced as the back-off asks (decide.ARTICLE_RETRIES): the 5th a day after the first.
    times = ["2024-07-24T01:45Z", "2024-07-24T02:00Z", "2024-07-24T03:00Z"]
    times += ["2024-07-24T09:00Z", "2024-07-25T09:00Z"]
    for attempt, now in enumerate(times, start=1):
        code = site.cli("run", "--now", now, "--json")
        out, err = capsys.readouterr()
        report = json.loads(out)
        result = report["results"][0]
        assert code == 1 and result["failed"] == [{"url": link, "reason": "HTTP 404 Not Found"}], (
            err
        )
        assert result["warnings"] == ([gave_up] if attempt == 5 else []), attempt
    assert f"warning: feed Failing: {gave_up}" in err
    code = site.cli("run", "--now", "2024-07-27T09:00Z", "--json")  # given up: not tried
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert (code, report["results"][0]["warnings"], report["skipped"]) == (0, [], 1), err
    assert site.cli("status") == 0
    out = capsys.readouterr().out
    assert f"failed article: {link}: HTTP 404 Not Found\n" in out, out


def _day(day: int) -> str:
    return f"{day:02d} Jul 2024 08:00:00 GMT"


def test_a_permalink_guid_with_another_date_is_another_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A's guid names /b; B, later, is at /b with the guid /b and its own date.
    feed = Feed(httpserver)
    site.write_config([{"name": "Perma", "url": feed.url, "content": "feed"}])
    a, b = httpserver.url_for("/a"), httpserver.url_for("/b")
    feed.items = [feed.item(1, title="A", link=a, guid=b, pubDate=_day(1))]
    assert run_json(site, capsys)[1]["new_posts"] == 1
    feed.items = [feed.item(2, title="B", link=b, guid=b, pubDate=_day(2))]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 1, err
    (warning,) = report["results"][0]["warnings"]
    assert warning.startswith(f"{b}: its guid {b!r} is that of another article ({a}, another")
    assert sources(site) == [a, b]


def test_a_guid_that_is_the_site_root_identifies_nothing_from_the_start(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every item names the site's home page as its guid; then the home page itself
    # is listed, with another title and date.
    feed = Feed(httpserver)
    root = httpserver.url_for("/")
    site.write_config([{"name": "Home", "url": feed.url, "content": "feed"}])
    feed.items = [feed.item(1, guid=root, pubDate=_day(1))]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 1, err
    said = f"the guid {root!r} is a site's address, not an article's"
    (warning,) = report["results"][0]["warnings"]
    assert warning.startswith(said)
    feed.items = [feed.item(2, title="Live homepage", link=root, guid=root, pubDate=_day(2))]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 1, err
    assert report["results"][0]["warnings"] == []  # said once
    assert sources(site) == sorted([httpserver.url_for("/story/1.html"), root])


def test_one_guid_in_two_feeds_is_two_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two editions, each with its "Daily briefing", guid brief-1, the same date.
    us, uk = Feed(httpserver, "/us.xml"), Feed(httpserver, "/uk.xml")
    site.write_config(
        [
            {"name": "US", "url": us.url, "content": "feed"},
            {"name": "UK", "url": uk.url, "content": "feed"},
        ]
    )
    briefing = {"title": "Daily briefing", "guid": "brief-1", "pubDate": _day(1)}
    us.items = [us.item(1, **briefing, link=httpserver.url_for("/us/brief"))]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 1, err
    uk.items = [uk.item(2, **briefing, link=httpserver.url_for("/uk/brief"))]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 1 and "warning" not in err, err
    assert sources(site) == sorted(httpserver.url_for(p) for p in ("/uk/brief", "/us/brief"))


def test_different_items_with_one_link_are_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Live updates at one page's fragments; a changelog's entries all at one link.
    feed = Feed(httpserver)
    site.write_config([{"name": "Live", "url": feed.url, "content": "feed"}])
    live, log = httpserver.url_for("/live"), httpserver.url_for("/changelog")
    feed.items = [
        feed.item(1, link=f"{live}#u1", guid="u1"),
        feed.item(2, link=f"{live}#u2", guid="u2"),
        feed.item(3, title="Changes", link=log, guid="c1"),
        feed.item(3, title="Changes", link=log, guid="c2"),
    ]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 2, err
    assert sorted(report["results"][0]["warnings"]) == [
        *(
            f"2 different items (by guid or title) have one link, {link}; archived as one article"
            for link in (log, f"{live}#u1")
        ),
        # Undated, on the feed's first poll (look16c F5).
        "2 items have no date, in the feed or on their page; dated at archiving time",
    ]


def test_different_items_whose_pages_end_at_one_url_are_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every article redirects (temporarily) to one consent page: none of them is that
    # page (look 16 F2); each is a failed attempt, said, tried again by later runs.
    feed = Feed(httpserver)
    consent = httpserver.url_for("/consent")
    for n in (1, 2):
        httpserver.expect_request(f"/p/{n}").respond_with_response(
            Response("", status=302, headers={"Location": consent})
        )
    httpserver.expect_request("/consent").respond_with_data(
        article("Accept our cookies"), content_type="text/html"
    )
    site.write_config([{"name": "Walled", "url": feed.url, "content": "page"}])
    first, second = httpserver.url_for("/p/1"), httpserver.url_for("/p/2")
    feed.items = [
        feed.item(1, link=first, guid="g1", pubDate=_day(1)),
        feed.item(2, link=second, guid="g2", pubDate=_day(2)),
    ]
    code, report, err = run_json(site, capsys)
    assert code == 1 and report["new_posts"] == 0, err
    failed = report["results"][0]["failed"]
    assert sorted(f["url"] for f in failed) == [first, second], failed
    assert all(f"other items were sent to the same page ({consent})" in f["reason"] for f in failed)
    assert site.post_names() == []
