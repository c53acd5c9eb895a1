"""Issue 16, look 16c F3, F3b: one article under links that differ only in a per-fetch
query parameter, or under URLs its page names as not canonical (an AMP copy, ``?ref=``,
``/index.html``), is one post (the real CLI against a real local HTTP server)."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss
from test_integrity_e2e import sources
from werkzeug import Request, Response


def _run(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", now, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _page(title: str, canonical: str | None) -> bytes:
    head = "" if canonical is None else f'<link rel="canonical" href="{canonical}">'
    return article(title).replace(b"<head>", f"<head>{head}".encode(), 1)


def test_a_cache_buster_in_guidless_links_archives_nothing_twice(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fetches = [0]

    def feed(request: Request) -> Response:
        fetches[0] += 1
        items = [
            {
                "title": f"Story {i}",
                # the time it is served: the hourly run's (2026-12-02T0N:00Z), to the second
                "link": httpserver.url_for(f"/a/s{i}")
                + f"?_={1796169600 + 3600 * (fetches[0] - 1) + fetches[0]}",
                "pubDate": f"Tue, 01 Dec 2026 0{i}:00:00 GMT",
            }
            for i in range(2)
        ]
        return Response(rss(items), content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    for i in range(2):
        httpserver.expect_request(f"/a/s{i}").respond_with_data(
            article(f"Story {i}"), content_type="text/html"
        )
    site.write_config([{"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-02T00:00:00Z")
    assert code == 0 and report["new_posts"] == 2, err
    first = sources(site)

    # The stamp all the document's links share is per-fetch (look16d F2): they are read
    # without it, as tracking parameters are, and nothing is said.
    for hour in (1, 2):
        code, report, err = _run(site, capsys, f"2026-12-02T0{hour}:00:00Z")
        assert code == 0 and report["new_posts"] == 0, err
        assert report["results"][0]["warnings"] == [], err
    assert sources(site) == first and len(site.post_names()) == 2


def test_a_guidless_item_at_the_same_path_with_another_title_is_another_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # ?id= selects the article on this site: other titles are other articles.
    items: list[dict[str, str]] = []
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(rss(items), content_type="application/rss+xml")
    )
    httpserver.expect_request("/show.php").respond_with_handler(
        lambda request: Response(article(f"Notice {request.args['id']}"), content_type="text/html")
    )
    site.write_config([{"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    items.append({"title": "Notice 1", "link": httpserver.url_for("/show.php") + "?id=1"})
    assert _run(site, capsys, "2026-12-02T00:00:00Z")[1]["new_posts"] == 1
    items.append({"title": "Notice 2", "link": httpserver.url_for("/show.php") + "?id=2"})
    code, report, err = _run(site, capsys, "2026-12-02T01:00:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert report["results"][0]["warnings"] == [], err


def _canonical_site(httpserver: HTTPServer, canonical: str) -> None:
    body = _page("Story one", httpserver.url_for(canonical))
    for path in ("/news/story-1", "/amp/news/story-1", "/news/story-1/index.html"):
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html")


def test_backfill_of_a_url_whose_canonical_is_archived_says_archived_already(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _canonical_site(httpserver, "/news/story-1")
    link = httpserver.url_for("/news/story-1")
    items = [{"title": "Story one", "link": link, "guid": "g1", "pubDate": "Tue, 01 Dec 2026"}]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "P", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    assert _run(site, capsys, "2026-12-02T00:00:00Z")[1]["new_posts"] == 1
    for url in (link + "?ref=rss", httpserver.url_for("/amp/news/story-1"), link + "/index.html"):
        code = site.cli("backfill", "--now", "2026-12-02T01:00:00Z", url)
        out, err = capsys.readouterr()
        assert code == 0, err
        assert f"archived already: {url}" in out, out + err
    assert sources(site) == [link]


def test_three_feeds_listing_one_article_under_its_canonical_amp_and_ref_urls_make_one_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _canonical_site(httpserver, "/news/story-1")
    link = httpserver.url_for("/news/story-1")
    links = {"f1": link, "f2": httpserver.url_for("/amp/news/story-1"), "f3": link + "?ref=s"}
    feeds = []
    for name, url in links.items():
        item = {"title": "Story one", "link": url, "guid": f"{name}-1", "pubDate": "01 Dec 2026"}
        httpserver.expect_request(f"/{name}.xml").respond_with_data(
            rss([item]), content_type="application/rss+xml"
        )
        feeds.append({"name": name, "url": httpserver.url_for(f"/{name}.xml"), "content": "page"})
    site.write_config(feeds)
    code, report, err = _run(site, capsys, "2026-12-02T00:00:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert len(site.post_names()) == 1
    # The next run knows every one of them.
    code, report, err = _run(site, capsys, "2026-12-02T01:00:00Z")
    assert code == 0 and report["new_posts"] == 0, err


def test_a_canonical_that_every_page_shares_merges_no_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every page names one URL as canonical (the front page, or a section page):
    # that says nothing of which article a page is.
    items = []
    for n, canonical in enumerate(("/", "/", "/news", "/news", "/news", "/news")):
        path = f"/news/{n}"
        httpserver.expect_request(path).respond_with_data(
            _page(f"Story {n}", httpserver.url_for(canonical)), content_type="text/html"
        )
        items.append({"title": f"Story {n}", "link": httpserver.url_for(path), "guid": f"g{n}"})
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items[:5]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-02T00:00:00Z")
    assert code == 0 and report["new_posts"] == 5, err
    # A later page naming the same section page is another article too.
    code = site.cli("backfill", "--now", "2026-12-02T01:00:00Z", items[5]["link"])
    out, err = capsys.readouterr()
    assert code == 0 and "archived already" not in out, out + err
    assert len(site.post_names()) == 6


def test_a_canonical_on_another_host_is_no_identity(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A copy on 127.0.0.2 (another address, no name of this site's) names the article
    # on localhost as canonical: two hosts, two sites. (localhost and 127.0.0.1 are one
    # host: the loopback's names.)
    link = httpserver.url_for("/news/story-1")
    assert "//localhost:" in link
    body = _page("Story one", link)
    httpserver.expect_request("/news/story-1").respond_with_data(body, content_type="text/html")
    other = HTTPServer(host="127.0.0.2", port=0)
    other.start()
    try:
        other.expect_request("/copy/story-1").respond_with_data(body, content_type="text/html")
        feed = {"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page"}
        site.write_config([feed])
        assert site.cli("backfill", "--now", "2026-12-02T01:00:00Z", link) == 0
        capsys.readouterr()
        copy = other.url_for("/copy/story-1")
        assert site.cli("backfill", "--now", "2026-12-02T01:00:00Z", copy) == 0
        out, err = capsys.readouterr()
    finally:
        other.stop()
    assert "archived already" not in out, out + err
    assert len(site.post_names()) == 2


def test_pages_naming_another_article_as_canonical_do_not_swallow_it(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A CMS that names its newest article's URL as every page's canonical: the pages
    # of other titles are other articles, and the newest is archived too.
    newest = httpserver.url_for("/news/newest")
    items = []
    for n in range(3):
        path = "/news/newest" if n == 0 else f"/news/{n}"
        httpserver.expect_request(path).respond_with_data(
            _page(f"Story {n}", newest), content_type="text/html"
        )
        items.append(
            {
                "title": f"Story {n}",
                "link": httpserver.url_for(path),
                "guid": f"g{n}",
                # Dated: a first poll's undated items are said dated at archiving time.
                "pubDate": f"Tue, 01 Dec 2026 0{n}:00:00 GMT",
            }
        )
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items[::-1]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-02T00:00:00Z")
    assert code == 0 and report["new_posts"] == 3, err
    assert report["results"][0]["warnings"] == [], err
    code, report, err = _run(site, capsys, "2026-12-02T01:00:00Z")
    assert code == 0 and report["new_posts"] == 0, err
