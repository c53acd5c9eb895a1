"""The network's findings on backfill (issue 17's review), end to end through the real CLI
against real HTTP servers on 127.0.0.1: the timeout bounds a request, not the wait for the
host's turn; a run's own items come before old retries; one article, one post, whatever
spelling or redirect leads to it; failures that cannot mend end at once; Retry-After is
honoured across runs."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from support.threaded import ThreadedServer
from test_e2e import article, paths, rss

from rssarchive.core.caps import DEFAULT_MAX_BYTES, MAX_FEED_BYTES, MAX_PAGE_BYTES
from rssarchive.core.urls import normalize_url
from rssarchive.store.schema import SCHEMA_VERSION

NOW = "2026-01-02T03:04:05Z"


def test_the_wait_for_the_hosts_turn_is_not_the_requests_timeout(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Four pages one second apart (per_host_delay) with a 1.5 s timeout: the last waits
    # three seconds for its turn, then answers at once. Before the fix, the deadline
    # started before that wait and the pages after the second "timed out" unasked.
    site.write_config(
        [{"name": "News", "url": httpserver.url_for("/feed.xml")}],
        timeout=1.5,
        per_host_delay=1.0,
        per_host_concurrency=1,
    )
    urls = []
    for n in range(4):
        httpserver.expect_request(f"/a{n}.html").respond_with_data(article(f"Story {n}"))
        urls.append(httpserver.url_for(f"/a{n}.html"))
    assert site.cli("backfill", "--now", NOW, *urls) == 0, capsys.readouterr().err
    assert "timed out" not in capsys.readouterr().err
    assert sorted(paths(httpserver)) == [f"/a{n}.html" for n in range(4)]
    assert len(site.post_names()) == 4


class Server(ThreadedServer):
    """A threaded server of fixed answers: ``routes[path] = (status, headers, body)``;
    a path in ``stalls`` is read and left unanswered until the test ends."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.stalls: set[str] = set()
        self.log: list[str] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.log.append(self.path)
                if self.path in server.stalls:
                    server.release.wait()
                    return
                status, headers, body = server.routes.get(self.path, (404, {}, b"nf"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.serve(Handler)

    def page(self, path: str, title: str) -> str:
        self.routes[path] = (200, {"Content-Type": "text/html"}, article(title))
        return self.url(path)


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def test_old_backfill_retries_leave_a_runs_own_item_alone(
    site: Site, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two backfilled pages stall past the timeout: they stay pending, and every later run
    # retries them, each holding the host's one slot for the whole timeout. The feed's
    # new item on the same host must still be archived, and the run exit 0. (It failed
    # "timed out" when the retries took the host's turns first and the wait counted.)
    feed = server.url("/feed.xml")
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss([]))
    site.write_config(
        [{"name": "News", "url": feed}], timeout=1, per_host_delay=0, per_host_concurrency=1
    )
    server.stalls = {"/stall1.html", "/stall2.html"}
    stalled = [server.url(path) for path in sorted(server.stalls)]
    assert site.cli("backfill", "--now", NOW, *stalled) == 1
    err = capsys.readouterr().err
    assert err.count("timed out after 1 s; later runs will try again") == 2, err

    new = server.page("/new.html", "Fresh news")
    items = [{"title": "Fresh news", "link": new, "pubDate": "Fri, 02 Jan 2026 01:00:00 GMT"}]
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(items))
    server.log.clear()
    later = "2026-01-02T03:20:05Z"  # after the 15 minutes a failed attempt waits
    assert site.cli("run", "--now", later) == 0, capsys.readouterr().err
    assert "failed" not in capsys.readouterr().err
    assert site.post_names() == ["2026-01-02-Fresh news.md"]
    # The retries were made, after the run's own item.
    assert sorted(server.log) == ["/feed.xml", "/new.html", "/stall1.html", "/stall2.html"]


def test_too_large_redirect_loops_and_redirects_without_location_end_at_once(
    site: Site, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss([]))
    site.write_config([{"name": "News", "url": server.url("/feed.xml")}])
    huge = b"<html><body><p>" + b"word " * (2 * 1024 * 1024 + 1) + b"</p></body></html>"
    server.routes["/huge.html"] = (200, {"Content-Type": "text/html"}, huge)
    server.routes["/loop1"] = (302, {"Location": "/loop2"}, b"")
    server.routes["/loop2"] = (302, {"Location": "/loop1"}, b"")
    server.routes["/noloc"] = (302, {"Content-Type": "text/html"}, b"x")
    huge_url, loop, noloc = (server.url(p) for p in ("/huge.html", "/loop1", "/noloc"))
    assert site.cli("backfill", "--now", NOW, huge_url, loop, noloc) == 1
    failed = sorted(line for line in capsys.readouterr().err.splitlines() if "failed:" in line)
    assert failed == [
        f"failed: {huge_url}: response larger than 5 MB",  # fetched as a page
        f"failed: {loop}: too many redirects (max 10)",
        f"failed: {noloc}: HTTP 302 without a Location",
    ]
    server.log.clear()
    assert site.cli("run", "--now", NOW) == 0
    assert capsys.readouterr().err == ""
    assert server.log == ["/feed.xml"]  # none of them is downloaded again
    assert site.post_names() == []


def test_each_kind_is_fetched_under_its_own_cap(
    site: Site, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    # Review of issue 18, M2: a feed of 10-20 MB was refused by the fetch's 10 MB default
    # though the feed parser takes 20 MB; a page of 5-10 MB was downloaded whole, then
    # refused by the extractor. Each is now fetched under its own cap (core/caps.py).
    big_page = b"<html><body><p>" + b"word " * (MAX_PAGE_BYTES // 5) + b"</p></body></html>"
    assert MAX_PAGE_BYTES < len(big_page) < DEFAULT_MAX_BYTES
    for path in ("/big-auto.html", "/big-page.html"):
        server.routes[path] = (200, {"Content-Type": "text/html"}, big_page)
    auto, page = server.url("/big-auto.html"), server.url("/big-page.html")
    summary = "The feed's own summary of the story."
    padding = b" " * (DEFAULT_MAX_BYTES + 1024)  # over the old cap, under the feed's 20 MB
    for path, title, link in (("/feed.xml", "Auto story", auto), ("/page.xml", "Page story", page)):
        feed = rss([{"title": title, "link": link, "description": summary}]) + padding
        assert DEFAULT_MAX_BYTES < len(feed) < MAX_FEED_BYTES
        server.routes[path] = (200, {"Content-Type": "application/rss+xml"}, feed)
    site.write_config(
        [
            {"name": "Auto", "url": server.url("/feed.xml"), "content": "auto"},
            {"name": "Page", "url": server.url("/page.xml"), "content": "page"},
        ]
    )
    assert site.cli("run", "--now", NOW) == 1
    err = capsys.readouterr().err
    failed = [line for line in err.splitlines() if line.startswith("failed:")]
    # The page is refused by its download's cap (its Content-Length: nothing read).
    assert failed == [f"failed: {page}: response larger than 5 MB"], err
    # With "content: auto", a page over its cap is no article, as when the extractor
    # refused it: the feed's text is archived instead.
    names = site.post_names()
    assert len(names) == 1 and "Auto story" in names[0], names
    assert summary in (site.posts / names[0]).read_text(encoding="utf-8")


def sources(site: Site) -> list[str]:
    """The from: URL of every post."""
    found = []
    for name in site.post_names():
        text = (site.posts / name).read_text(encoding="utf-8")
        found.append(text.split("\nfrom: ", 1)[1].split("\n", 1)[0])
    return sorted(found)


def test_one_article_one_post_through_redirects_and_dot_segments(
    site: Site, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = server.url("/feed.xml")
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss([]))
    site.write_config([{"name": "News", "url": feed}])
    for n in range(4):
        server.page(f"/dst{n}", f"Target {n}")
        server.routes[f"/src{n}"] = (301, {"Location": f"/dst{n}"}, b"")
    src, dst = (
        [server.url(f"/src{n}") for n in range(4)],
        [server.url(f"/dst{n}") for n in range(4)],
    )

    # The redirecting URL first: the post is from it; its target is then known.
    assert site.cli("backfill", "--now", NOW, src[0]) == 0
    assert sources(site) == [src[0]]
    server.log.clear()
    assert site.cli("backfill", "--now", NOW, dst[0]) == 0
    assert server.log == []  # not even fetched
    # ... and a feed that links the final URL does not archive it again.
    items = [{"title": "Target 0", "link": dst[0], "pubDate": "Fri, 02 Jan 2026 01:00:00 GMT"}]
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(items))
    assert site.cli("run", "--now", NOW) == 0
    assert server.log == ["/feed.xml"]
    assert sources(site) == [src[0]]

    # The target first: the redirecting URL, fetched, turns out to be it.
    assert site.cli("backfill", "--now", NOW, dst[1]) == 0
    assert site.cli("backfill", "--now", NOW, src[1]) == 0
    # Both in one command, either order.
    assert site.cli("backfill", "--now", NOW, src[2], dst[2], dst[3], src[3]) == 0
    found = sources(site)
    assert src[0] in found and dst[1] in found
    for n in (2, 3):  # one post of each pair, from whichever was written first
        assert (src[n] in found) != (dst[n] in found), found
    assert len(site.post_names()) == 4
    server.log.clear()
    assert site.cli("backfill", "--now", NOW, *src, *dst) == 0  # all known, none fetched
    assert server.log == []

    # Spellings of one path: dot-segments and doubled slashes are the same article.
    page = server.page("/news/page", "The page")
    assert site.cli("backfill", "--now", NOW, page) == 0
    base = server.url("")
    spellings = [f"{base}/news/./page", f"{base}//news//page", f"{base}/news/x/../page"]
    server.log.clear()
    assert site.cli("backfill", "--now", NOW, *spellings) == 0
    assert server.log == []
    assert len(site.post_names()) == 5
    assert "failed" not in capsys.readouterr().err


def test_retry_after_is_honoured_by_later_runs(
    site: Site, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss([]))
    site.write_config([{"name": "News", "url": server.url("/feed.xml")}])
    busy = server.url("/busy.html")
    server.routes["/busy.html"] = (503, {"Retry-After": "3600"}, b"busy")
    assert site.cli("backfill", "--now", NOW, busy) == 1
    err = capsys.readouterr().err
    assert (
        f"failed: {busy}: HTTP 503 Service Unavailable (retry after 3600 s); "
        "later runs will try again after 2026-01-02T04:04+00:00"
    ) in err
    assert site.cli("status") == 0
    assert "(attempt 1 of 5 failed; not tried again before 2026-01-02T04:04:05" in (
        capsys.readouterr().out
    )
    server.log.clear()
    assert site.cli("run", "--now", "2026-01-02T03:30:00Z") == 0  # within the hour
    assert server.log == ["/feed.xml"]
    server.page("/busy.html", "Not busy")
    assert site.cli("run", "--now", "2026-01-02T04:05:00Z") == 0  # after it
    assert server.log == ["/feed.xml", "/feed.xml", "/busy.html"]
    assert site.post_names() == ["2026-01-02-Not busy.md"]
    assert "failed" not in capsys.readouterr().err


def test_keys_of_an_older_state_are_rekeyed_so_nothing_is_archived_again(
    site: Site, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    # A schema 2 database (as that code wrote it) whose done articles were keyed with
    # a dot-segment and doubled slashes: after the upgrade, the feed's links spelled
    # plainly are the same articles.
    base = server.url("")
    keybase = normalize_url(f"{base}/x")[: -len("/x")]
    dump = Path(__file__).parent.parent / "state_schemas" / "v2.sql"
    state = site.root / "state" / "state.sqlite3"
    state.parent.mkdir(parents=True)
    with sqlite3.connect(state) as conn:
        conn.executescript(
            dump.read_text(encoding="utf-8").replace("@KEYBASE@", keybase).replace("@BASE@", base)
        )
        for n, old_key in ((6, "/news/./6.html"), (8, "//news//8.html")):
            conn.execute(
                "INSERT INTO articles (url_key, url, feed, status, filename, created, updated)"
                " VALUES (?, ?, 'News', 'done', ?, '2024-07-20', '2024-07-20')",
                (keybase + old_key, base + old_key, f"2024-07-0{n}-story-{n}.md"),
            )
    conn.close()
    items = [{"title": f"Story {n}", "link": f"{base}/news/{n}.html"} for n in (6, 8)]
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(items))
    for n in (6, 8):
        server.page(f"/news/{n}.html", f"Story {n}")
    site.write_config([{"name": "News", "url": f"{base}/feed.xml", "content": "feed"}])
    assert site.cli("run", "--now", NOW) == 0, capsys.readouterr().err
    # Only the dump's pending article is written; 6 and 8 are known, not archived again.
    assert site.post_names() == ["2024-07-03-Story 3.md"]
    assert server.log == ["/feed.xml"]
    with contextlib.closing(sqlite3.connect(state)) as conn:
        schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        assert schema == (str(SCHEMA_VERSION),)
