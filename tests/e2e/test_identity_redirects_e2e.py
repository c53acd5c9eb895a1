"""Issue 16, look 16: a redirect is evidence of identity only when it is permanent and
nothing contradicts it (the real CLI against a real local HTTP server). A page that a
temporary redirect takes to an archived article, a site's maintenance page that every
item is sent to, an article that moved while a new one took its old address."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_integrity_e2e import Feed, sources
from werkzeug import Request, Response


def _run(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", now, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _day(day: int, month: str = "Nov") -> str:
    return f"{day:02d} {month} 2026 10:00:00 GMT"


class Pages:
    """Pages the test changes between runs: a path to (status, location or title)."""

    def __init__(self, server: HTTPServer, paths: list[str]) -> None:
        self.routes: dict[str, tuple[int, str]] = {}
        self.server = server

        def handler(request: Request) -> Response:
            status, what = self.routes[request.path]
            if status in (301, 302, 303, 307, 308):
                return Response("", status=status, headers={"Location": server.url_for(what)})
            return Response(article(what), content_type="text/html")

        for path in paths:
            server.expect_request(path).respond_with_handler(handler)


def test_a_temporary_redirect_to_an_archived_article_does_not_make_it_that_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver, ["/a", "/b"])
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    a, b = httpserver.url_for("/a"), httpserver.url_for("/b")
    item_a = {"title": "Article A", "link": a, "guid": "ga", "pubDate": _day(2)}
    item_b = {"title": "Article B", "link": b, "guid": "gb", "pubDate": _day(3)}
    pages.routes["/a"] = (200, "Article A")
    feed.items = [item_a]
    code, report, err = _run(site, capsys, "2026-12-07T12:00Z")
    assert code == 0 and report["new_posts"] == 1, err

    # B's page answers a temporary 302 to A: no evidence that B is A; tried again.
    pages.routes["/b"] = (302, "/a")
    feed.items = [item_b, item_a]
    code, report, err = _run(site, capsys, "2026-12-07T13:00Z")
    assert report["new_posts"] == 0, err
    assert code == 1, err  # said: a failed attempt, not an article taken
    (failed,) = report["results"][0]["failed"]
    assert failed["url"] == b and "temporary redirect" in failed["reason"], failed
    assert not any("archived already" in w for w in report["results"][0]["warnings"])

    # B's own page is back: B is archived.
    pages.routes["/b"] = (200, "Article B")
    code, report, err = _run(site, capsys, "2026-12-08T13:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert report["results"][0]["warnings"] == [], err
    assert sources(site) == [a, b]


def test_a_permanent_redirect_to_an_archived_article_with_another_title_is_not_it(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver, ["/a", "/b", "/old-a"])
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    a, b, old = (httpserver.url_for(p) for p in ("/a", "/b", "/old-a"))
    item_a = {"title": "Article A", "link": a, "guid": "ga", "pubDate": _day(2)}
    pages.routes["/a"] = (200, "Article A")
    feed.items = [item_a]
    assert _run(site, capsys, "2026-12-07T12:00Z")[1]["new_posts"] == 1

    # A 301 of an item that is plainly another article (its own guid, title, date).
    pages.routes["/b"] = (301, "/a")
    # ... and one that is A's old address, nothing said against it: A, not again.
    pages.routes["/old-a"] = (301, "/a")
    feed.items = [
        {"title": "Article B", "link": b, "guid": "gb", "pubDate": _day(3)},
        {"title": "Article A", "link": old, "pubDate": _day(2)},
    ]
    code, report, err = _run(site, capsys, "2026-12-07T13:00Z")
    assert code == 1 and report["new_posts"] == 0, err
    (failed,) = report["results"][0]["failed"]
    assert failed["url"] == b and "another guid" in failed["reason"], failed
    (warning,) = report["results"][0]["warnings"]
    assert warning.startswith(f"{old}: its page is {a}, an article archived already"), warning
    assert sources(site) == [a]


def test_items_sent_to_one_maintenance_page_are_not_archived_as_it(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = ["/b", "/c", "/d", "/maintenance"]
    feed, pages = Feed(httpserver), Pages(httpserver, paths)
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    links = [httpserver.url_for(p) for p in paths[:3]]
    feed.items = [
        {"title": f"Article {n}", "link": link, "guid": f"g{n}", "pubDate": _day(3 + i)}
        for i, (n, link) in enumerate(zip("BCD", links, strict=True))
    ]
    pages.routes["/maintenance"] = (200, "We are performing scheduled maintenance")
    for path in paths[:3]:
        pages.routes[path] = (302, "/maintenance")
    code, report, err = _run(site, capsys, "2026-12-07T12:00Z")
    assert code == 1 and report["new_posts"] == 0, err
    failed = report["results"][0]["failed"]
    assert sorted(f["url"] for f in failed) == sorted(links), failed
    assert all("maintenance" in f["reason"] for f in failed), failed
    assert site.post_names() == []

    # The site is back: each article with its own page.
    for n, path in zip("BCD", paths, strict=False):
        pages.routes[path] = (200, f"Article {n}")
    code, report, err = _run(site, capsys, "2026-12-07T13:00Z")
    assert code == 0 and report["new_posts"] == 3, err
    assert report["results"][0]["warnings"] == [], err
    assert sources(site) == sorted(links)
    for name in site.post_names():
        assert "maintenance" not in (site.posts / name).read_text(encoding="utf-8")


def test_an_item_sent_to_the_home_page_by_a_redirect_is_not_archived_as_it(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver, ["/", "/b"])
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    b = httpserver.url_for("/b")
    feed.items = [{"title": "Article B", "link": b, "guid": "gb", "pubDate": _day(3)}]
    pages.routes["/"] = (200, "Front page of the site")
    pages.routes["/b"] = (302, "/")
    code, report, err = _run(site, capsys, "2026-12-07T12:00Z")
    assert code == 1 and report["new_posts"] == 0, err
    (failed,) = report["results"][0]["failed"]
    assert failed["url"] == b and "home page" in failed["reason"], failed
    pages.routes["/b"] = (200, "Article B")
    code, report, err = _run(site, capsys, "2026-12-07T13:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert sources(site) == [b]


def test_an_article_moved_while_a_new_one_takes_its_address_is_not_archived_twice(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver, ["/a", "/a-new"])
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    a, a_new = httpserver.url_for("/a"), httpserver.url_for("/a-new")
    item_a = {"title": "Article A", "link": a, "guid": "ga", "pubDate": _day(2)}
    pages.routes["/a"] = (200, "Article A")
    feed.items = [item_a]
    assert _run(site, capsys, "2026-12-07T12:00Z")[1]["new_posts"] == 1

    # A at a new link (same guid, title, date); another article, C, now at /a.
    pages.routes["/a"], pages.routes["/a-new"] = (200, "Article C"), (200, "Article A")
    item_c = {"title": "Article C", "link": a, "guid": "gc", "pubDate": _day(5, "Dec")}
    feed.items = [item_c, {**item_a, "link": a_new}]
    _, report, err = _run(site, capsys, "2026-12-07T13:00Z")
    warnings = report["results"][0]["warnings"]
    assert not any("archived as a new article" in w for w in warnings), warnings
    assert any(w.startswith(f"{a_new} is taken for the archived {a}") for w in warnings), warnings
    # A moved away by its guid: its old address is C's now (look 16 F5), said.
    assert f"{a}: the archived {a} moved to {a_new}; this link is another article's now" in (
        warnings
    )
    assert report["new_posts"] == 1, err
    _, report, err = _run(site, capsys, "2026-12-07T14:00Z")
    assert report["new_posts"] == 0, err
    assert sources(site) == [a, a_new]  # C, and A once, at its new link
