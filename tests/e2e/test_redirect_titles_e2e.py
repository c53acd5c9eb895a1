"""Issue 16 (fixF): a page that a redirect took an item's page to, and that shows
another article's title (and date, when both say one), is not archived as that item's
text: a failed attempt, said and tried again; the article whose page it is, listed
later, is its own post. The real CLI against a real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_fix16g_e2e import run_at
from test_integrity_e2e import Feed, sources
from werkzeug import Request, Response


class Pages:
    """Pages the test changes between runs: a path to (status, location or HTML)."""

    def __init__(self, server: HTTPServer, paths: list[str]) -> None:
        self.routes: dict[str, tuple[int, str | bytes]] = {}

        def handler(request: Request) -> Response:
            status, what = self.routes[request.path]
            if status in (301, 302, 307):
                assert isinstance(what, str)
                return Response("", status=status, headers={"Location": server.url_for(what)})
            return Response(what, content_type="text/html")

        for path in paths:
            server.expect_request(path).respond_with_handler(handler)


def _post_text(site: Site, link: str) -> str:
    (text,) = [
        (site.posts / n).read_text(encoding="utf-8")
        for n in site.post_names()
        if f"from: {link}" in (site.posts / n).read_text(encoding="utf-8")
    ]
    return text


@pytest.mark.parametrize("status", [302, 301])
def test_a_redirect_to_another_articles_page_is_not_archived_as_the_item(
    status: int, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver, ["/p/x", "/p/y"])
    site.write_config([{"name": "Live", "url": feed.url, "content": "page"}])
    x, y = httpserver.url_for("/p/x"), httpserver.url_for("/p/y")
    pages.routes["/p/x"] = (status, "/p/y")
    pages.routes["/p/y"] = (200, article("Story Y"))
    item_x = {"title": "Story X", "link": x, "guid": "gx", "pubDate": "01 Jul 2024 08:00:00 GMT"}
    item_y = {"title": "Story Y", "link": y, "guid": "gy", "pubDate": "02 Jul 2024 08:00:00 GMT"}

    # X's page ends on Y's, which its feed does not list yet: not X's text; said.
    feed.items = [item_x]
    code, report, err = run_at(site, capsys, "2024-07-24T01:45Z")
    assert code == 1 and report["new_posts"] == 0, err
    (failed,) = report["results"][0]["failed"]
    assert failed["url"] == x, failed
    assert "which shows another article (another title)" in failed["reason"], failed

    # Y, listed later under its own title, is a new article, not merged with X.
    feed.items = [item_x, item_y]
    code, report, err = run_at(site, capsys, "2024-07-24T02:45Z")
    assert report["new_posts"] == 1, err
    assert sources(site) == [y]
    assert "Story Y: paragraph 0" in _post_text(site, y)

    # X's own page is back: X is archived with its own text.
    pages.routes["/p/x"] = (200, article("Story X"))
    code, report, err = run_at(site, capsys, "2024-07-25T09:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert sources(site) == [x, y]
    assert "Story X: paragraph 0" in _post_text(site, x)


def _page(title: str, heading: str, words: str) -> bytes:
    body = "".join(
        f"<p>{words}: paragraph {i} of a test article with enough words "
        "to count as a body for the extractor.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>{title}</title></head><body><h1>{heading}</h1>"
        f"<div id='storytext'>{body}</div></body></html>"
    ).encode()


def test_a_tracker_whose_page_shows_the_items_title_is_still_its_page(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A click tracker (302) to the story: its page's title carries the item's under a
    # site's name, or the item's carries the page's ("BREAKING: …"): archived as before.
    feed, pages = Feed(httpserver), Pages(httpserver, ["/t/1", "/t/2", "/s/1", "/s/2"])
    site.write_config([{"name": "Clicks", "url": feed.url, "content": "page"}])
    t1, t2 = httpserver.url_for("/t/1"), httpserver.url_for("/t/2")
    pages.routes["/t/1"] = (302, "/s/1")
    pages.routes["/t/2"] = (302, "/s/2")
    pages.routes["/s/1"] = (200, _page("Quake hits the city | The Site", "Quake", "One"))
    pages.routes["/s/2"] = (200, _page("Rates rise again", "Rates rise again", "Two"))
    feed.items = [
        {"title": "Quake hits the city", "link": t1, "guid": "g1"},
        {"title": "BREAKING: Rates rise again", "link": t2, "guid": "g2"},
    ]
    code, report, err = run_at(site, capsys, "2024-07-24T01:45Z")
    assert code == 0 and report["new_posts"] == 2, err
    assert sources(site) == [t1, t2]


def test_the_story_a_tracker_was_archived_from_listed_later_under_its_title_is_that_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tracker (302) to the story, archived as it; a later run's document lists the
    # story at its own link, its own guid, under the same title: one article, one post.
    feed, pages = Feed(httpserver), Pages(httpserver, ["/t/1", "/s/1"])
    site.write_config([{"name": "Clicks", "url": feed.url, "content": "page"}])
    t1, s1 = httpserver.url_for("/t/1"), httpserver.url_for("/s/1")
    pages.routes["/t/1"] = (302, "/s/1")
    pages.routes["/s/1"] = (200, article("Quake hits the city"))
    day = "01 Jul 2024 08:00:00 GMT"
    tracker = {"title": "Quake hits the city", "link": t1, "guid": "click-1", "pubDate": day}
    feed.items = [tracker]
    code, report, err = run_at(site, capsys, "2024-07-24T01:45Z")
    assert code == 0 and report["new_posts"] == 1, err

    story = {"title": "Quake hits the city", "link": s1, "guid": "story-1", "pubDate": day}
    feed.items = [story, tracker]
    code, report, err = run_at(site, capsys, "2024-07-24T02:45Z")
    assert code == 0 and report["new_posts"] == 0, (report, err)
    assert not any("another article's" in w for w in report["results"][0]["warnings"]), report
    assert sources(site) == [t1]


def _dated(page: bytes, when: str) -> bytes:
    meta = f'<meta property="article:published_time" content="{when}">'
    return page.replace(b"<head>", f"<head>{meta}".encode(), 1)


@pytest.mark.parametrize(
    ("page_time", "archived"),
    [("2024-07-01T11:00:00Z", False), ("2024-07-01T08:00:00Z", True)],
    ids=["another story of the same day", "a headline edited: the same time"],
)
def test_a_live_link_sent_to_another_story_of_its_day_is_not_archived_as_it(
    page_time: str,
    archived: bool,
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver, ["/live/x", "/p/y"])
    site.write_config([{"name": "Live", "url": feed.url, "content": "page"}])
    x = httpserver.url_for("/live/x")
    pages.routes["/live/x"] = (302, "/p/y")
    pages.routes["/p/y"] = (200, _dated(article("Story Y"), page_time))
    feed.items = [
        {"title": "Story X", "link": x, "guid": "gx", "pubDate": "01 Jul 2024 08:00:00 GMT"}
    ]
    code, report, err = run_at(site, capsys, "2024-07-24T01:45Z")
    assert (code, report["new_posts"]) == ((0, 1) if archived else (1, 0)), err
    if not archived:
        (failed,) = report["results"][0]["failed"]
        assert "shows another article (another title and date)" in failed["reason"], failed


# The runs of a cron: each attempt after ARTICLE_RETRIES' wait; the fifth would give up.
RUNS = [
    "2026-12-07T01:00:00Z",
    "2026-12-07T01:20:00Z",
    "2026-12-07T02:30:00Z",
    "2026-12-07T09:00:00Z",
    "2026-12-08T10:00:00Z",
]


def test_a_page_judged_another_articles_is_archived_as_it_is_when_its_attempts_run_out(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # An undated item whose link redirects to its page under a headline edited since
    # (no date on either side to tell): judged another article's, it is delayed, never
    # lost: the attempt that would give it up archives the page, and says so.
    feed, pages = Feed(httpserver), Pages(httpserver, ["/t/1", "/s/1"])
    site.write_config([{"name": "Edited", "url": feed.url, "content": "page"}])
    t1 = httpserver.url_for("/t/1")
    pages.routes["/t/1"] = (302, "/s/1")
    pages.routes["/s/1"] = (200, _page("Ministers agree deal", "Ministers agree deal", "One"))
    feed.items = [{"title": "Talks go on late into the night", "link": t1, "guid": "g1"}]
    reports = [run_at(site, capsys, now)[1] for now in RUNS]
    for report in reports[:4]:
        assert report["new_posts"] == 0, report
        (failed,) = report["results"][0]["failed"]
        assert "which shows another article (another title)" in failed["reason"], failed
    assert reports[-1]["new_posts"] == 1, reports[-1]
    assert sources(site) == [t1]
    assert "One: paragraph 0" in _post_text(site, t1)
    said = [w for w in reports[-1]["results"][0]["warnings"] if "its last attempt" in w]
    assert len(said) == 1 and said[0].startswith(f"{t1}: a temporary redirect took"), said


# look16g F4: a click tracker to the item's own page under its SEO headline.
TEASER = (
    "The city council approved a two billion dollar budget early on Tuesday after a session"
    " that ran through the night."
)


def _seo_page(title: str, lead: str) -> bytes:
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in [lead]
        + [
            f"Paragraph {i}: members argued over transit cuts and rents until dawn."
            for i in range(6)
        ]
    )
    return (
        f"<html><head><title>{title} | Gazette</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def _tracker_run(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], lead: str, **item: str
) -> tuple[int, dict, str, str]:
    """One run over a feed whose item "Budget passes" (``item``: more fields) is a 302 to
    a page dated only by its URL's day, under an SEO headline, its text led by ``lead``."""
    path = "/2026/12/07/council-budget"
    feed, pages = Feed(httpserver), Pages(httpserver, ["/r/1", path])
    site.write_config([{"name": "Clicks", "url": feed.url, "content": "page"}])
    r1 = httpserver.url_for("/r/1")
    pages.routes["/r/1"] = (302, path)
    headline = "City council approves $2bn budget after marathon overnight session"
    pages.routes[path] = (200, _seo_page(headline, lead))
    date = "Mon, 07 Dec 2026 08:00:00 GMT"
    feed.items = [{"title": "Budget passes", "link": r1, "guid": "g-1", "pubDate": date, **item}]
    return (*run_at(site, capsys, "2026-12-07T10:00Z"), r1)


def test_a_tracker_to_a_page_holding_the_items_teaser_is_its_page_whatever_its_headline(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    teaser = f"{TEASER} Read more"
    code, report, err, r1 = _tracker_run(site, httpserver, capsys, TEASER, description=teaser)
    assert code == 0 and report["new_posts"] == 1, (report, err)
    assert sources(site) == [r1]


def test_a_page_dated_only_by_its_urls_day_is_not_said_to_have_another_date(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report, err, _ = _tracker_run(site, httpserver, capsys, "A lead of its own.")
    assert code == 1, (report, err)
    (failed,) = report["results"][0]["failed"]
    assert failed["reason"].endswith(
        "which shows another article (another title); not archived as that page"
    ), failed
