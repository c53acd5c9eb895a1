"""look16e F10, F11, F12 (fixC): a moved article whose old link answers a 200 "not
found" page or a wall is still a move (F10); a guid marked ``isPermaLink="false"`` is
never fetched as a page, so items sharing one link with such guids are one article
(F11); a first poll's full-text items stamped with one build time are dated by their
URLs' days, and the shared time is said (F12). The real CLI against a real local HTTP
server."""

from __future__ import annotations

from html import escape

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import front
from test_e2e import article
from test_fix16g_e2e import run_at
from test_fix16k_e2e import warnings_of
from test_integrity_e2e import Feed, front_title, sources
from werkzeug import Request, Response

# -- F10: an old link answering 200 with a "not found" page or a wall ---------------------

SORRY = (
    "<p>Sorry, we couldn't find the page you asked for. It may have been moved, renamed or"
    " removed, or the address may have been typed wrong. Try the search box above, or go"
    " back to the front page to find the latest news from our newsroom.</p>"
)
# (its page, what the warning quotes of it)
WALLS = {
    "not found": (
        "<html><head><title>Page not found | Example</title></head><body><article>"
        f"<h1>Page not found</h1>{SORRY}</article></body></html>",
        'a "not found" page ("Page not found")',
    ),
    "bot wall": (
        "<html><head><title>Just a moment...</title></head><body><article><h1>Checking your"
        " browser before accessing the site</h1><p>This process is automatic. Your browser"
        " will redirect to your requested content shortly. Please allow up to 5 seconds"
        " while we check that your connection is secure.</p></article></body></html>",
        'a bot wall ("Checking your")',
    ),
    "no text": (
        "<html><head><title>Page not found | Example</title></head><body><h1>Page not"
        " found</h1></body></html>",
        "(no article text found on the page)",
    ),
}


@pytest.mark.parametrize("wall", list(WALLS))
def test_a_moved_articles_old_link_answering_a_wall_with_200_is_still_a_move(
    wall: str, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # An undated article moves (same guid and title, neither dated: evidence a daily
    # column has too, so its old link is asked); the old link answers 200 with a page
    # that is no article's: no evidence the article is still there.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    pages = {"/old/notes": article("Weekly notes").decode()}

    def handler(request: Request) -> Response:
        return Response(pages[request.path], content_type="text/html")

    for path in ("/old/notes", "/new/notes"):
        httpserver.expect_request(path).respond_with_handler(handler)
    old, new = httpserver.url_for("/old/notes"), httpserver.url_for("/new/notes")
    teaser = "<p>The committee met.</p>"
    feed.items = [{"title": "Weekly notes", "link": old, "guid": "notes-77", "content": teaser}]
    assert run_at(site, capsys, "2026-12-01T12:00Z")[1]["new_posts"] == 1
    old_page, quoted = WALLS[wall]
    pages["/new/notes"], pages["/old/notes"] = pages["/old/notes"], old_page
    feed.items = [{"title": "Weekly notes", "link": new, "guid": "notes-77", "content": teaser}]
    code, report, err = run_at(site, capsys, "2026-12-02T12:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    (warning,) = warnings_of(report)
    assert warning.startswith(
        f"{new} is taken for the archived {old} (same guid and title, neither dated; its old"
        " link answers 200 but its page holds no article"
    ), warning
    assert quoted in warning and warning.endswith("; not archived again"), warning
    assert sources(site) == [old]


# -- F11: guids marked isPermaLink="false" on items sharing one link -----------------------


def _notices(httpserver: HTTPServer, permalink: str) -> bytes:
    items = "".join(
        f"<item><title>Notice {n}</title><link>{escape(httpserver.url_for('/notices'))}</link>"
        f'<guid isPermaLink="{permalink}">{escape(httpserver.url_for(f"/ids/notice-{n}"))}'
        f"</guid><pubDate>Tue, 01 Dec 2026 0{n}:00:00 GMT</pubDate></item>"
        for n in (1, 2, 3)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>http://127.0.0.1/</link>{items}</channel></rss>"
    ).encode()


def test_items_sharing_a_link_whose_guids_are_marked_no_permalinks_are_one_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # http guids marked isPermaLink="false" (ids on the site's host, which answer 404):
    # the feed says they are no addresses, so they are never fetched; with no feed text
    # of their own (look16g F5, F8: with it, each is its own article from it) the shared
    # link is one article, said as any shared link is.
    httpserver.expect_request("/feed.xml").respond_with_data(
        _notices(httpserver, "false"), content_type="application/rss+xml"
    )
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the council"), content_type="text/html"
    )
    site.write_config([{"name": "P", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report, err = run_at(site, capsys, "2026-12-01T12:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    assert not [r.path for r, _ in httpserver.log if r.path.startswith("/ids/")]
    assert sources(site) == [httpserver.url_for("/notices")]
    assert warnings_of(report) == [
        f"3 different items (by guid or title) have one link, {httpserver.url_for('/notices')};"
        " archived as one article"
    ]
    code, report, err = run_at(site, capsys, "2026-12-02T12:00Z")
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 0, []), err


# -- F12: a first poll's full-text backlog stamped with the feed's build time -------------

FULL = "".join(
    f"<p>Paragraph {i} of a complete article, with enough words in it to be substantial"
    " text of its own, as the feed carries it whole.</p>"
    for i in range(6)
)


def test_full_text_items_stamped_with_the_build_time_are_dated_by_their_urls_days(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Four items stamped 11:59, a minute before the run, with their whole texts (no
    # page fetched), their URLs naming their days: dated by those days, and said.
    feed = Feed(httpserver)
    site.write_config([{"name": "P", "url": feed.url}])
    names = "abcd"
    feed.items = [
        {
            "title": f"Story {n}",
            "link": httpserver.url_for(f"/2026/11/{10 + i}/story-{n}"),
            "pubDate": "Mon, 07 Dec 2026 11:59:00 GMT",
            "content": FULL,
        }
        for i, n in enumerate(names)
    ]
    code, report, err = run_at(site, capsys, "2026-12-07T12:00Z")
    assert (code, report["new_posts"]) == (0, 4), err
    assert [r.path for r, _ in httpserver.log] == ["/feed.xml"]
    for i, n in enumerate(names):
        name = f"2026-11-{10 + i}-Story {n}.md"
        assert front_title(site, name) == f"Story {n}"
        assert front(site, name)["date"] == f"2026-11-{10 + i}T00:00:00.000Z"
    assert warnings_of(report) == [
        "4 items share one date, 2026-12-07T11:59:00Z (the feed's build time, not"
        " theirs); 4 dated by their URL's day"
    ], err
