"""Backfill beyond single URLs: a local sitemap index and an RFC 5005 archive chain,
each article archived once — through the real CLI and a real server on 127.0.0.1."""

from __future__ import annotations

import gzip
import html

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from support import slow_feed_posts
from test_e2e import article, paths

from rssarchive.extract import workers
from rssarchive.run import pipeline
from rssarchive.sources import feeds


def _urlset(server: HTTPServer, items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<url><loc>{server.url_for(path)}</loc><lastmod>{date}</lastmod></url>"
        for path, date in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    ).encode()


def test_backfill_from_sitemap_index_with_date_range_archives_each_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{httpserver.url_for('/sm-2024.xml.gz')}</loc></sitemap>"
        f"<sitemap><loc>{httpserver.url_for('/sm-2025.xml')}</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    httpserver.expect_request("/sitemap.xml").respond_with_data(index)
    old = _urlset(httpserver, [("/a1.html", "2024-03-01"), ("/a2.html", "2024-06-01")])
    httpserver.expect_request("/sm-2024.xml.gz").respond_with_data(gzip.compress(old))
    new = _urlset(
        httpserver,
        [("/b1.html", "2025-01-02"), ("/a2.html", "2024-06-01"), ("/b2.html", "2026-01-01")],
    )
    httpserver.expect_request("/sm-2025.xml").respond_with_data(new)
    for name in ("a1", "a2", "b1", "b2"):
        httpserver.expect_request(f"/{name}.html").respond_with_data(article(name))
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    args = ("backfill", "--sitemap", httpserver.url_for("/sitemap.xml"))
    assert site.cli(*args, "--since", "2024-05-01", "--until", "2025-12-31") == 0
    fetched = [p for p in paths(httpserver) if p.endswith(".html")]
    assert sorted(fetched) == ["/a2.html", "/b1.html"]  # a2 listed twice, fetched once
    assert len(site.post_names()) == 2
    httpserver.clear_log()
    assert site.cli(*args) == 0  # the whole range now: only what is new is fetched
    fetched = [p for p in paths(httpserver) if p.endswith(".html")]
    assert sorted(fetched) == ["/a1.html", "/b2.html"]
    assert len(site.post_names()) == 4


def _atom(
    server: HTTPServer, page: str, items: list[str], prev: str | None, *, full: bool = False
) -> bytes:
    """An archive page; with ``full``, its entries carry the whole article."""
    link = f'<link rel="prev-archive" href="{server.url_for(prev)}"/>' if prev else ""
    story = "".join(f"<p>paragraph {n} of a story told in full in the feed.</p>" for n in range(4))
    entries = "".join(
        f"<entry><id>tag:test,2024:{i}</id><title>{i}</title>"
        f'<link href="{server.url_for(f"/{i}.html")}"/>'
        + (
            f'<content type="html">{html.escape(f"<p>{i} begins.</p>{story}")}</content>'
            if full
            else ""
        )
        + "<updated>2024-05-01T10:00:00Z</updated></entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{page}</title><id>tag:test,2024:{page}</id>"
        f"<updated>2024-05-01T10:00:00Z</updated>{link}{entries}</feed>"
    ).encode()


def test_backfill_rfc5005_archive_chain_archives_each_once(
    site: Site, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        _atom(httpserver, "current", ["c1", "c2"], "/archive/2.xml")
    )
    httpserver.expect_request("/archive/2.xml").respond_with_data(
        _atom(httpserver, "page 2", ["c2", "b1"], "/archive/1.xml")
    )
    # The oldest page points back at page 2: a loop, which must end the walk.
    httpserver.expect_request("/archive/1.xml").respond_with_data(
        _atom(httpserver, "page 1", ["a1"], "/archive/2.xml")
    )
    for name in ("c1", "c2", "b1", "a1"):
        httpserver.expect_request(f"/{name}.html").respond_with_data(article(name))
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("backfill", "--archives") == 0
    assert len(site.post_names()) == 4
    pages = [p for p in paths(httpserver) if p.endswith(".html")]
    assert sorted(pages) == ["/a1.html", "/b1.html", "/c1.html", "/c2.html"]
    httpserver.clear_log()
    assert site.cli("run") == 0  # the current feed's items are known already
    assert [p for p in paths(httpserver) if p.endswith(".html")] == []


def test_backfill_archives_with_full_content_read_back_in_pieces(
    site: Site, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The archive's entries wait in the state database, content and all, and come back
    # two at a time: none lost or doubled at a boundary, no page fetched.
    monkeypatch.setattr(pipeline, "ENTRIES_PER_READ", 2)
    chain = [("/feed.xml", "/archive/2.xml"), ("/archive/2.xml", "/archive/1.xml")]
    chain.append(("/archive/1.xml", None))
    for n, (path, prev) in enumerate(chain):
        items = [f"p{n}i{i}" for i in range(5)]
        httpserver.expect_request(path).respond_with_data(
            _atom(httpserver, path, items, prev, full=True)
        )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    assert site.cli("-q", "backfill", "--archives") == 0
    names = site.post_names()
    assert len(names) == 15
    assert [p for p in paths(httpserver) if p.endswith(".html")] == []
    texts = [(site.posts / name).read_text(encoding="utf-8") for name in names]
    for n in range(3):
        for i in range(5):
            (text,) = [t for t in texts if f"p{n}i{i} begins." in t]
            assert "paragraph 3 of a story" in text
    assert site.cli("-q", "backfill", "--archives") == 0
    assert len(site.post_names()) == 15


def _dated_atom(items: list[tuple[str, str]], prev: str | None = None) -> bytes:
    """A feed page whose entries (title, updated) carry the whole article."""
    link = f'<link rel="prev-archive" href="{prev}"/>' if prev else ""
    story = "".join(f"<p>paragraph {n} of a story told in full in the feed.</p>" for n in range(4))
    entries = "".join(
        f"<entry><id>tag:test,2026:{title}</id><title>{title}</title>"
        f'<link href="https://news.example/{title.replace(" ", "-")}.html"/>'
        f'<content type="html">{html.escape(story)}</content>'
        f"<updated>{updated}</updated></entry>"
        for title, updated in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>t</title><id>tag:test,2026:feed</id><updated>2026-12-02T00:00:00Z</updated>"
        f"{link}{entries}</feed>"
    ).encode()


def test_backfilled_archive_pages_are_ordered_by_the_runs_clock_under_max_items(
    site: Site, httpserver: HTTPServer
) -> None:
    # review 18 H15: archive pages are parsed as the run's feeds are, with the run's clock.
    # An item dated after it takes no real new item's place among the max_items kept.
    httpserver.expect_request("/feed.xml").respond_with_data(
        _dated_atom(
            [
                ("old", "2026-11-20T10:00:00Z"),
                ("bogus", "2026-12-10T10:00:00Z"),  # after the run's clock
                ("new one", "2026-12-01T10:00:00Z"),
                ("new two", "2026-12-02T10:00:00Z"),
            ]
        )
    )
    feed = {"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "feed"}
    site.write_config([{**feed, "max_items": 2}])

    assert site.cli("-q", "backfill", "--archives", "--now", "2026-12-03T00:00:00Z") == 0

    names = site.post_names()
    assert len(names) == 2
    assert sum("new one" in name for name in names) == 1
    assert sum("new two" in name for name in names) == 1


def test_a_feed_handed_to_backfill_is_ordered_by_the_runs_clock_under_max_items(
    site: Site, httpserver: HTTPServer
) -> None:
    # review 18 H15: a feed's URL handed to backfill is parsed with the run's clock too.
    httpserver.expect_request("/other.xml").respond_with_data(
        _dated_atom(
            [
                ("old", "2026-11-20T10:00:00Z"),
                ("bogus", "2026-12-10T10:00:00Z"),  # after the run's clock
                ("new one", "2026-12-01T10:00:00Z"),
                ("new two", "2026-12-02T10:00:00Z"),
            ]
        ),
        content_type="application/atom+xml",
    )
    feed = {"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "feed"}
    site.write_config([{**feed, "max_items": 2}])

    url = httpserver.url_for("/other.xml")
    assert site.cli("-q", "backfill", url, "--now", "2026-12-03T00:00:00Z") == 0

    names = site.post_names()
    assert len(names) == 2
    assert sum("new one" in name for name in names) == 1
    assert sum("new two" in name for name in names) == 1


def test_a_hung_archive_page_is_stopped_by_the_workers_time_limit(
    site: Site,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # review 18 H15: an archive page is parsed as the run's feeds are: a large one in a
    # worker, under its time limit, not in the main process with none.
    httpserver.expect_request("/feed.xml").respond_with_data(
        _dated_atom([("current", "2026-12-01T10:00:00Z")], httpserver.url_for("/archive/1.xml"))
    )
    httpserver.expect_request("/archive/1.xml").respond_with_data(
        _dated_atom([(slow_feed_posts.MARK, "2026-11-01T10:00:00Z")])
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    monkeypatch.setattr(feeds, "read_feed", slow_feed_posts.read_feed)
    monkeypatch.setattr(pipeline, "PARSE_IN_WORKER_BYTES", 1)  # every page in a worker
    # Long enough for a worker to start and parse the unmarked page on a loaded machine.
    monkeypatch.setattr(workers, "EXTRACT_TIMEOUT", 4)

    assert site.cli("backfill", "--archives", "--now", "2026-12-03T00:00:00Z") == 1

    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if "/archive/1.xml" in line]
    assert len(lines) == 1
    assert "took longer than 4 s in a worker process" in lines[0]
    assert lines[0].count("/archive/1.xml") == 1  # named once
    assert "Traceback" not in out.out + out.err
    (name,) = site.post_names()  # the current page's item, archived all the same
    assert "current" in name
