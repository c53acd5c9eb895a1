"""Issue 16's open duplicates (fix16E): a guid-less feed with relative links that moves
permanently to another folder keeps its archived articles (item 1). The real CLI
against a real local HTTP server."""

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

