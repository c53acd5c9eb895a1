"""A backfill's pending pages: kept as article ids per host, handed out host after host,
and read back from the state database a few at a time (the real CLI, real servers on
three loopback addresses)."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from werkzeug import Request, Response

from rssarchive.cli_input import _handed_over
from rssarchive.run import pipeline
from rssarchive.run.backlog import Backlog


def test_ids_are_handed_out_one_host_after_another_whatever_the_order_added() -> None:
    backlog: Backlog[str] = Backlog()
    for host, n in [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1), ("c", 2)]:
        backlog.add(host, "feed", f"{host}-key", n * 10 + ord(host))
    assert len(backlog) == 6
    first = backlog.take(2)
    assert first == [("a-key", 107), ("b-key", 108)]
    assert len(backlog) == 4
    rest = backlog.take(100)
    assert rest == [("c-key", 109), ("a-key", 117), ("c-key", 119), ("a-key", 127)]
    assert len(backlog) == 0 and backlog.take(5) == []


def test_ids_of_one_host_under_two_names_keep_their_own_keys() -> None:
    backlog: Backlog[str] = Backlog()
    backlog.add("a", "news", "news-key", 1)
    backlog.add("a", "blog", "blog-key", 2)
    assert backlog.take(5) == [("news-key", 1), ("blog-key", 2)]


def test_a_hundred_thousand_ids_take_about_eight_bytes_each() -> None:
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        backlog: Backlog[None] = Backlog()
        for n in range(100_000):
            backlog.add(f"host-{n % 10}", "feed", None, n)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # A job object per URL took ~350 bytes; an int object in a list alone takes 36.
    assert grown < 100_000 * 12, grown


def test_urls_given_to_a_backfill_are_let_go_as_they_are_taken() -> None:
    urls = ["u1", "u2", "u3"]
    taken = _handed_over(urls)
    assert next(taken) == "u1"
    assert urls == ["u3", "u2"]
    assert list(taken) == ["u2", "u3"]
    assert urls == []


@pytest.fixture
def hosts() -> Iterator[list[HTTPServer]]:
    servers = [HTTPServer(host=f"127.0.0.{n}", port=0) for n in (1, 2, 3)]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.clear()
        if server.is_running():
            server.stop()


PER_HOST = 40  # three hosts: more pages than the run keeps in flight at once (64)


def test_backfill_sorted_by_host_is_read_back_in_pieces_and_interleaved(
    site: Site, hosts: list[HTTPServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "ENTRIES_PER_READ", 7)  # many reads, one split mid-host
    arrivals: list[str] = []
    lock = threading.Lock()
    # The order in which requests reach the servers is up to the threads, not the code:
    # what the code decides is which jobs are handed out first. So the first two hosts
    # hold their requests until the third host is asked. Handed out interleaved, its
    # first page is the third job, taken by a third thread while the other two wait;
    # handed out host after host, its pages are 80 jobs away, beyond the run's window
    # of jobs in flight (64), and it is never asked while the others are held.
    third_asked = threading.Event()
    held_in_vain: list[str] = []

    def page(request: Request) -> Response:
        host = request.host.split(":")[0]
        with lock:
            arrivals.append(host)
        if host == "127.0.0.3":
            third_asked.set()
        elif not held_in_vain and not third_asked.wait(timeout=30):
            held_in_vain.append(host)  # the test fails; the run need not wait any more
        return Response(article(request.path.strip("/")), content_type="text/html")

    urls = []
    for server in hosts:  # the list sorted by host, as a file of URLs often is
        for n in range(PER_HOST):
            server.expect_request(f"/s{n}.html").respond_with_handler(page)
            urls.append(server.url_for(f"/s{n}.html"))
    url_file = site.root / "urls.txt"
    url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    # A held request must not time out (and be asked again) while the hold lasts.
    site.write_config([{"name": "News", "url": hosts[0].url_for("/feed.xml")}], timeout=60)

    assert site.cli("-q", "backfill", "--from-file", str(url_file)) == 0
    assert len(site.post_names()) == 3 * PER_HOST  # none lost at a read's boundary
    assert sorted(arrivals) == sorted(s.host for s in hosts for _ in range(PER_HOST))
    # The third host's pages were among the first asked for, not after the others'
    # (one request at a time per host: the first two could not go on without it).
    assert not held_in_vain, arrivals[:10]
    assert "127.0.0.3" in arrivals[:3], arrivals[:10]
    arrivals.clear()
    assert site.cli("-q", "backfill", "--from-file", str(url_file)) == 0
    assert arrivals == []  # each fetched once: all done
