"""Issue 16, the last outside look's open losses (fix16g): an article given up on one
feed's page is taken from another feed of the config that carries its text (F7); a
title shared by two articles of one day is no evidence of a move (F17). The real CLI
against a real local HTTP server."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_integrity_e2e import Feed, sources
from werkzeug import Response

# The attempts that give an article up, spaced as the back-off asks (decide.ARTICLE_RETRIES).
GIVE_UP_TIMES = [
    "2024-07-24T01:45Z",
    "2024-07-24T02:00Z",
    "2024-07-24T03:00Z",
    "2024-07-24T09:00Z",
    "2024-07-25T09:00Z",
]


def run_at(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", now, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def full_text(title: str) -> str:
    return "".join(
        f"<p>{title}: paragraph {i} of the whole article, as the feed carries it in "
        "full, with enough words to be the article itself.</p>"
        for i in range(8)
    )


def two_runs(
    site: Site, capsys: pytest.CaptureFixture[str], feed: Feed, first: dict, second: list[dict]
) -> tuple[dict, str]:
    """A first run archiving ``first``, then a second listing ``second``: its report."""
    feed.items = [first]
    code, report, err = run_at(site, capsys, "2024-07-24T01:45Z")
    assert code == 0 and report["new_posts"] == 1, err
    feed.items = second
    code, report, err = run_at(site, capsys, "2024-07-24T02:45Z")
    assert code == 0, err
    return report, err


# -- F7: an article given up on one feed, carried in full by another ----------------------


@pytest.mark.parametrize(("first_mode", "status"), [("page", 404), ("auto", 500)])
def test_an_article_given_up_on_one_feed_is_taken_from_another_feeds_full_text(
    first_mode: str,
    status: int,
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Feed A lists the article without its text, and its page fails for good; feed B
    # lists the same link with the whole article in content:encoded.
    a, b = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    httpserver.expect_request("/p/x").respond_with_data("down", status=status)
    link = httpserver.url_for("/p/x")
    site.write_config(
        [
            {"name": "A", "url": a.url, "content": first_mode},
            {"name": "B", "url": b.url, "content": "auto"},
        ]
    )
    item = {"title": "X", "link": link, "guid": "x-1", "pubDate": "23 Jul 2024 08:00:00 GMT"}
    a.items = [{**item}]  # no text at all
    # Given up after 5 attempts spread over a day; B lists it only afterwards (listed in
    # the same run, its whole text is written when the page is given up: test_fixG_e2e).
    for now in GIVE_UP_TIMES:
        code, report, err = run_at(site, capsys, now)
        assert report["new_posts"] == 0, (now, err)
    assert f"gave up after 5 attempts: HTTP {status}" in err, err
    b.items = [{**item, "content": full_text("X")}]
    code, report, err = run_at(site, capsys, "2024-07-26T09:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert sources(site) == [link]
    (name,) = site.post_names()
    assert "paragraph 7 of the whole article" in (site.posts / name).read_text("utf-8")
    (warning,) = [w for r in report["results"] for w in r["warnings"]]
    assert warning.startswith(f"{link}: its page was given up for feed A"), warning
    assert "warning: feed B:" in err, err
    # Once: later runs archive nothing again.
    code, report, err = run_at(site, capsys, "2024-07-27T09:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    assert [w for r in report["results"] for w in r["warnings"]] == []
    assert len(site.post_names()) == 1


# -- F17: guids that are titles, dates that are days ---------------------------------------


@pytest.mark.parametrize("content", ["feed", "page"])
def test_a_second_article_of_one_title_and_day_at_another_link_is_its_own_post(
    content: str, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The feed's guid is the title; its dates are days only. Two articles share both:
    # the first is listed, then only the second, at its own link, with its own text.
    feed = Feed(httpserver)
    site.write_config([{"name": "Titles", "url": feed.url, "content": content}])
    first, second = httpserver.url_for("/news/1"), httpserver.url_for("/news/2")
    for path, title in (("/news/1", "First story"), ("/news/2", "Second story")):
        httpserver.expect_request(path).respond_with_data(article(title), content_type="text/html")
    same = {"title": "Daily update", "guid": "Daily update", "pubDate": "Tue, 23 Jul 2024"}
    old_item = {**same, "link": first, "content": full_text("First story")}
    new_item = {**same, "link": second, "content": full_text("Second story")}
    report, err = two_runs(site, capsys, feed, old_item, [new_item])
    assert report["new_posts"] == 1, err
    assert sources(site) == [first, second]
    texts = [(site.posts / name).read_text("utf-8") for name in site.post_names()]
    assert sum("First story" in t for t in texts) == 1, texts
    assert sum("Second story" in t for t in texts) == 1, texts
    # Said: the guid identifies nothing from now on.
    (warning,) = report["results"][0]["warnings"]
    assert "only the same title and day, no evidence of a move" in warning, warning


def test_a_title_guid_article_whose_old_link_redirects_permanently_is_a_move(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same title and day at another link, and the old link now answers 301 there:
    # that is evidence of a move, and the article is not archived again.
    feed = Feed(httpserver)
    site.write_config([{"name": "Titles", "url": feed.url, "content": "feed"}])
    first, second = httpserver.url_for("/news/1"), httpserver.url_for("/news/2")
    httpserver.expect_request("/news/1").respond_with_response(
        Response("", status=301, headers={"Location": second})
    )
    httpserver.expect_request("/news/2").respond_with_data(
        article("Daily update"), content_type="text/html"
    )
    same = {"title": "Daily update", "guid": "Daily update", "pubDate": "Tue, 23 Jul 2024"}
    old_item = {**same, "link": first, "content": full_text("Daily update")}
    new_item = {**same, "link": second, "content": full_text("Daily update, edited")}
    report, err = two_runs(site, capsys, feed, old_item, [new_item])
    assert report["new_posts"] == 0, err
    (warning,) = report["results"][0]["warnings"]
    assert warning.startswith(f"{second} is taken for the archived {first}"), warning
    assert "its old link redirects here permanently" in warning, warning
    assert sources(site) == [first]


# -- F10: a temporary redirect's target is no identity -------------------------------------


def test_an_article_listed_later_at_a_page_another_reached_by_a_302_is_its_own_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # X's page redirects for now (302) to /p/y, which shows X then (a tracker to its
    # story): X is archived as that page; Y, listed there later, is no alias of X. (A
    # page there that shows another title is not X's: test_redirect_titles_e2e.py.)
    feed = Feed(httpserver)
    site.write_config([{"name": "Live", "url": feed.url, "content": "page"}])
    x, y = httpserver.url_for("/p/x"), httpserver.url_for("/p/y")
    httpserver.expect_request("/p/x").respond_with_response(
        Response("", status=302, headers={"Location": y})
    )
    shown = ["X"]
    httpserver.expect_request("/p/y").respond_with_handler(
        lambda _: Response(article(shown[0]), content_type="text/html")
    )
    item_x = {"title": "X", "link": x, "guid": "gx", "pubDate": "01 Jul 2024 08:00:00 GMT"}
    item_y = {"title": "Y", "link": y, "guid": "gy", "pubDate": "02 Jul 2024 08:00:00 GMT"}
    feed.items = [item_x]
    code, report, err = run_at(site, capsys, "2024-07-24T01:45Z")
    assert code == 0 and report["new_posts"] == 1, err
    shown[0] = "Story Y"
    feed.items = [item_x, item_y]
    code, report, err = run_at(site, capsys, "2024-07-24T02:45Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert "but its link is" not in err, err
    (warning,) = report["results"][0]["warnings"]
    assert warning == (
        f"{y}: the archived {x} was only sent to this page by a temporary redirect; this"
        " link is another article's"
    )
    assert sources(site) == [x, y]
