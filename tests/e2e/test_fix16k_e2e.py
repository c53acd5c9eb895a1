"""Issue 16, the outside look look16c's identity losses (fix16k): a daily item with a
constant guid, title and teaser whose old link still serves its own page is no move
(F8); a temporary redirect to an archived article whose page is that article is that
article (F11); items sharing one link with distinct permalink guids are their own
articles (F7). The real CLI against a real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_fix16g_e2e import run_at
from test_integrity_e2e import Feed, sources
from werkzeug import Response


def warnings_of(report: dict) -> list[str]:
    return [w for r in report["results"] for w in r["warnings"]]


# -- F8: a daily item with a constant guid, title and teaser -------------------------------

TEASER = "<p>Your daily roundup of the news you need to know.</p>"


def briefing(httpserver: HTTPServer, day: int) -> dict[str, str]:
    return {
        "title": "Morning briefing",
        "guid": "briefing",
        "link": httpserver.url_for(f"/briefing/2024-07-0{day}"),
        "pubDate": f"0{day} Jul 2024 06:00:00 GMT",
        "description": TEASER,
    }


@pytest.mark.parametrize("content", ["page", "feed"])
def test_a_daily_item_whose_old_link_still_serves_its_own_page_is_a_new_article_each_day(
    content: str, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each day's page is its own article, and yesterday's link still answers 200 with
    # yesterday's: no redirect, no removal, so no move.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": content}])
    for day in (1, 2, 3):
        httpserver.expect_request(f"/briefing/2024-07-0{day}").respond_with_data(
            article(f"Morning briefing of July {day}"), content_type="text/html"
        )
    links = []
    for day in (1, 2, 3):
        feed.items = [briefing(httpserver, day)]
        links.append(feed.items[0]["link"])
        code, report, err = run_at(site, capsys, f"2024-07-0{day}T08:00Z")
        assert (code, report["new_posts"]) == (0, 1), (day, err)
        if day == 2:
            (warning,) = warnings_of(report)
            assert warning == (
                f"{links[1]}: its guid 'briefing' is that of another article ({links[0]}, its "
                "old link still answers with its own page); archived as a new article, and "
                "the guid identifies no article from now on"
            ), warning
        if day == 3:  # said once: the guid identifies nothing from then on (look16e F15)
            assert warnings_of(report) == [], warnings_of(report)
    assert sources(site) == links


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("redirect", "(its old link redirects here)"),
        ("gone", "(same guid, title and text; its date changed)"),
    ],
)
def test_a_daily_items_old_link_redirecting_or_gone_is_still_a_move(
    answer: str,
    said: str,
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The evidence a move needs: the old link now redirects (301) to the new one, or
    # no longer answers with its own article (404): the move stands, said.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "feed"}])
    first, second = briefing(httpserver, 1), briefing(httpserver, 2)
    httpserver.expect_request("/briefing/2024-07-02").respond_with_data(
        article("Morning briefing of July 2"), content_type="text/html"
    )
    old = httpserver.expect_request("/briefing/2024-07-01")
    if answer == "redirect":
        old.respond_with_response(Response("", status=301, headers={"Location": second["link"]}))
    else:
        old.respond_with_data("gone", status=404)
    feed.items = [first]
    assert run_at(site, capsys, "2024-07-01T08:00Z")[1]["new_posts"] == 1
    feed.items = [second]
    code, report, err = run_at(site, capsys, "2024-07-02T08:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    (warning,) = warnings_of(report)
    assert warning == (
        f"{second['link']} is taken for the archived {first['link']} {said}; not archived again"
    ), warning
    assert sources(site) == [first["link"]]


def test_an_update_whose_old_link_serves_the_same_page_is_still_a_move(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Links with a session id, the date bumped (a CMS showing the last update): the old
    # link still answers 200, but with the page the new one serves: one article.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "feed"}])
    httpserver.expect_request("/story/1").respond_with_data(
        article("Story 1"), content_type="text/html"
    )
    first = feed.item(1, day=1, guid="s-1", link=httpserver.url_for("/story/1") + "?sid=a")
    second = {**first, "link": httpserver.url_for("/story/1") + "?sid=b", "pubDate": "02 Jul 2024"}
    feed.items = [first]
    assert run_at(site, capsys, "2024-07-02T08:00Z")[1]["new_posts"] == 1
    feed.items = [second]
    code, report, err = run_at(site, capsys, "2024-07-02T09:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    (warning,) = warnings_of(report)
    assert warning == (
        f"{second['link']} is taken for the archived {first['link']} (same guid, title and "
        "text; its date changed); not archived again"
    ), warning
    assert sources(site) == [first["link"]]


# -- F11: a temporary redirect to an archived article that is that article -----------------


def test_a_short_link_redirecting_temporarily_to_an_archived_article_is_archived_already(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A mobile URL (302) and a short link (301, then 302) of an article the feed
    # archived: backfill finds the article's own page there, same title and text.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    story = httpserver.url_for("/news/story-1")
    httpserver.expect_request("/news/story-1").respond_with_data(
        article("Story one"), content_type="text/html"
    )
    for path, status, to in (("/m/story-1", 302, story), ("/s/abc", 301, "/m/story-1")):
        target = httpserver.url_for(to) if to.startswith("/") else to
        httpserver.expect_request(path).respond_with_response(
            Response("", status=status, headers={"Location": target})
        )
    feed.items = [
        {"title": "Story one", "link": story, "guid": "g1", "pubDate": "01 Jul 2024 10:00:00 GMT"}
    ]
    assert run_at(site, capsys, "2024-07-02T00:00Z")[1]["new_posts"] == 1
    (post,) = site.post_names()
    for path in ("/m/story-1", "/s/abc"):
        url = httpserver.url_for(path)
        code = site.cli("backfill", "--now", "2024-07-02T01:00:00Z", url)
        out, err = capsys.readouterr()
        assert code == 0, err
        assert "failed" not in err, err
        assert f"archived already: {url} ({post})" in out, out
    assert site.post_names() == [post]


@pytest.mark.parametrize("together", [False, True], ids=["a later run", "the same run"])
def test_an_aggregators_click_link_to_an_archived_article_is_that_article_said_once(
    together: bool, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Feed A lists the story; feed B, an aggregator, lists a click-tracking link (302)
    # to it, its own guid, the same title and date: one article, and no failing run
    # (whether the story was archived by an earlier run or by this one).
    fa, fb = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    site.write_config(
        [
            {"name": "A", "url": fa.url, "content": "page"},
            {"name": "Agg", "url": fb.url, "content": "page"},
        ]
    )
    story = httpserver.url_for("/news/story-1")
    click = httpserver.url_for("/click")
    httpserver.expect_request("/news/story-1").respond_with_data(
        article("Story one"), content_type="text/html"
    )
    httpserver.expect_request("/click").respond_with_response(
        Response("", status=302, headers={"Location": story})
    )
    same = {"title": "Story one", "pubDate": "01 Jul 2024 10:00:00 GMT"}
    fa.items = [{**same, "link": story, "guid": "a-1"}]
    if not together:
        assert run_at(site, capsys, "2024-07-02T00:00Z")[1]["new_posts"] == 1
    fb.items = [{**same, "link": click, "guid": "agg-1"}]
    code, report, err = run_at(site, capsys, "2024-07-03T00:00Z")
    assert (code, report["new_posts"]) == (0, int(together)), err
    (warning,) = warnings_of(report)
    assert warning == (
        f"{click}: a temporary redirect took its page to {story}, an article archived "
        "already (the same title and date); taken for it, not archived again"
    ), warning
    code, report, err = run_at(site, capsys, "2024-07-04T00:00Z")
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, []), err
    assert sources(site) == [story]


# -- F7: items sharing one link, each with its own permalink guid --------------------------


def test_items_sharing_a_section_link_with_their_own_permalink_guids_are_their_own_posts(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Three notices, all linked to the section page, each with its permalink as its
    # guid and its whole text in the feed: three articles, each from its permalink.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "feed"}])
    section = httpserver.url_for("/notices")
    permalinks = [httpserver.url_for(f"/notices/{n}") for n in (1, 2, 3)]
    feed.items = [
        {
            "title": f"Notice {n}: road closure on street {n}",
            "link": section,
            "guid": permalinks[n - 1],
            "pubDate": f"0{n} Jul 2024 09:00:00 GMT",
            "content": f"<p>Street {n} will be closed for works between 9am and 5pm.</p>" * 15,
        }
        for n in (1, 2, 3)
    ]
    code, report, err = run_at(site, capsys, "2024-07-04T00:00Z")
    assert (code, report["new_posts"]) == (0, 3), err
    assert warnings_of(report) == [], err
    assert sources(site) == permalinks
    for name in site.post_names():
        n = name.split("Notice ")[1][0]
        assert f"Street {n} will be closed" in (site.posts / name).read_text("utf-8")
    # The next run: each is archived already, by its permalink.
    code, report, err = run_at(site, capsys, "2024-07-04T01:00Z")
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, []), err


def test_items_sharing_a_link_with_guids_that_are_no_urls_are_still_one_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Releases of a changelog: one page, guids that are no addresses: one article, said.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "feed"}])
    log = httpserver.url_for("/changelog")
    feed.items = [
        feed.item(n, day=n, link=log, guid=f"release-{n}", title=f"Release {n}") for n in (1, 2)
    ]
    code, report, err = run_at(site, capsys, "2024-07-04T00:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    assert warnings_of(report) == [
        f"2 different items (by guid or title) have one link, {log}; archived as one article"
    ]
