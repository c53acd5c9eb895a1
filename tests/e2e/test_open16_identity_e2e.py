"""Issue 16's open duplicates (fix16E): a guid-less feed with relative links that moves
permanently to another folder keeps its archived articles; one article at links that
differ in partner=rss is one post; a page under another host name of its site naming an
archived article as canonical is that article. The real CLI against a real local HTTP
server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss
from test_fix16g_e2e import run_at
from test_integrity_e2e import sources
from werkzeug import Response


def warnings_of(report: dict) -> list[str]:
    return [w for r in report["results"] for w in r["warnings"]]


# -- a feed with relative links that moves to another folder -------------------------------


def relative_item(n: int, day: int) -> dict[str, str]:
    return {"title": f"Story {n}", "link": f"story-{n}", "pubDate": f"0{day} Jul 2024 08:00:00 GMT"}


def test_a_moved_feeds_relative_links_name_its_archived_articles_at_the_old_folder(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before the move, story-1 resolved against /news/rss is /news/story-1; after it,
    # against /v2/rss.xml, /v2/story-1: the same article (both pages answer), not a new one.
    for folder in ("news", "v2"):
        for n in (1, 2):
            httpserver.expect_request(f"/{folder}/story-{n}").respond_with_data(
                article(f"Story {n}"), content_type="text/html"
            )
    items = [relative_item(1, 1)]
    moved = False

    def old_feed(request: object) -> Response:
        if moved:
            return Response(status=301, headers={"Location": httpserver.url_for("/v2/rss.xml")})
        return Response(rss(items), content_type="application/rss+xml")

    httpserver.expect_request("/news/rss").respond_with_handler(old_feed)
    httpserver.expect_request("/v2/rss.xml").respond_with_handler(
        lambda request: Response(rss(items), content_type="application/rss+xml")
    )
    site.write_config([{"name": "N", "url": httpserver.url_for("/news/rss")}])
    code, report, err = run_at(site, capsys, "2024-07-01T10:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    moved, items = True, [relative_item(2, 2), relative_item(1, 1)]
    for day in (2, 3, 4):  # followed, moved, polled at the new address
        code, report, err = run_at(site, capsys, f"2024-07-0{day}T10:00Z")
        assert (code, report["new_posts"]) == (0, 1 if day == 2 else 0), (day, err, report)
        if day == 2:
            said = [w for w in warnings_of(report) if "story-1" in w]
            assert said == [
                f"{httpserver.url_for('/v2/story-1')} is the archived "
                f"{httpserver.url_for('/news/story-1')} (its relative link 'story-1' named "
                "it before its feed moved); not archived again"
            ], warnings_of(report)
    assert sources(site) == [
        httpserver.url_for("/news/story-1"),
        httpserver.url_for("/v2/story-2"),
    ]


def test_a_moved_feeds_name_used_again_for_another_article_is_a_new_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The new folder starts its names again: /v2/story-1 is another article (another
    # title and date) than the archived /news/story-1: archived, not taken for it.
    httpserver.expect_request("/news/story-1").respond_with_data(
        article("Story 1"), content_type="text/html"
    )
    httpserver.expect_request("/v2/story-1").respond_with_data(
        article("Another story"), content_type="text/html"
    )
    httpserver.expect_request("/news/rss").respond_with_data(
        rss([relative_item(1, 1)]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "N", "url": httpserver.url_for("/news/rss")}])
    code, report, err = run_at(site, capsys, "2024-07-01T10:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    httpserver.clear()
    httpserver.expect_request("/news/rss").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/v2/rss.xml")})
    )
    other = {**relative_item(1, 5), "title": "Another story"}
    httpserver.expect_request("/v2/rss.xml").respond_with_data(
        rss([other]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/v2/story-1").respond_with_data(
        article("Another story"), content_type="text/html"
    )
    code, report, err = run_at(site, capsys, "2024-07-05T10:00Z")
    assert (code, report["new_posts"]) == (0, 1), (err, report)
    assert sources(site) == [
        httpserver.url_for("/news/story-1"),
        httpserver.url_for("/v2/story-1"),
    ]


# -- one article at links that differ in the New York Times' partner=rss ---------------------


def test_one_article_two_feeds_list_with_and_without_partner_rss_is_one_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The page names no canonical URL: only the links tell, and partner=rss, beside the
    # campaign's emc=rss, only says how the reader arrived.
    httpserver.expect_request("/2024/07/01/world/story.html").respond_with_data(
        article("Story"), content_type="text/html"
    )
    link = httpserver.url_for("/2024/07/01/world/story.html")
    item = {"title": "Story", "pubDate": "01 Jul 2024 08:00:00 GMT"}
    for path, url in (("/a.xml", f"{link}?emc=rss&partner=rss"), ("/b.xml", link)):
        httpserver.expect_request(path).respond_with_data(
            rss([{**item, "link": url}]), content_type="application/rss+xml"
        )
    site.write_config(
        [
            {"name": "A", "url": httpserver.url_for("/a.xml")},
            {"name": "B", "url": httpserver.url_for("/b.xml")},
        ]
    )
    code, report, err = run_at(site, capsys, "2024-07-01T10:00Z")
    assert (code, report["new_posts"]) == (0, 1), (err, report)
    assert len(sources(site)) == 1


# -- one article fetched under another host name of its site ---------------------------------


def test_a_page_under_another_host_name_naming_an_archived_canonical_is_that_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The server answers as localhost and as 127.0.0.1, one machine and port: one site.
    # Feed A lists the article at 127.0.0.1; feed B at localhost, whose page names the
    # 127.0.0.1 URL as its canonical one: the article archived already.
    local = httpserver.url_for("/news/story-1")
    assert "//localhost:" in local
    numeric = local.replace("//localhost:", "//127.0.0.1:")
    page = article("Story one").replace(
        b"<head>", f'<head><link rel="canonical" href="{numeric}">'.encode(), 1
    )
    httpserver.expect_request("/news/story-1").respond_with_data(page, content_type="text/html")
    item = {"title": "Story one", "pubDate": "01 Jul 2024 08:00:00 GMT"}
    for path, url in (("/a.xml", numeric), ("/b.xml", local)):
        httpserver.expect_request(path).respond_with_data(
            rss([{**item, "link": url}]), content_type="application/rss+xml"
        )
    feeds = [
        {"name": "A", "url": httpserver.url_for("/a.xml"), "content": "page"},
        {"name": "B", "url": httpserver.url_for("/b.xml"), "content": "page"},
    ]
    site.write_config(feeds[:1])
    code, report, err = run_at(site, capsys, "2024-07-01T10:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    site.write_config(feeds)
    code, report, err = run_at(site, capsys, "2024-07-01T11:00Z")
    assert (code, report["new_posts"]) == (0, 0), (err, report)
    assert warnings_of(report) == [
        f"{local}: its page names {numeric} as its canonical URL, an article archived"
        " already; not archived again"
    ]
    assert sources(site) == [numeric]
