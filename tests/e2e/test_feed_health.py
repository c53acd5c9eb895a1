"""Feed health across runs: Retry-After, back-off, 410 Gone, permanent moves, and
politeness per host — through the real CLI against real servers on 127.x addresses."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, paths, rss
from werkzeug import Response


def feed_row(site: Site, column: str) -> object:
    with sqlite3.connect(site.root / "state" / "state.sqlite3") as conn:
        return conn.execute(f"SELECT {column} FROM feeds").fetchone()[0]


def test_hazard_429_retry_after_schedules_next_poll_no_hammering(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "7200"})
    )
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("run", "--now", "2025-01-01T00:00:00Z") == 1
    assert len(httpserver.log) == 1  # not retried in-process
    assert feed_row(site, "next_allowed") == "2025-01-01T02:00:00+00:00"
    httpserver.clear_log()
    assert site.cli("run", "--now", "2025-01-01T01:00:00Z") == 1
    assert paths(httpserver) == []  # not due yet: nothing sent
    assert "not polled until 2025-01-01T02:00:00+00:00" in capsys.readouterr().err
    assert site.cli("run", "--now", "2025-01-01T02:00:01Z") == 1
    assert paths(httpserver) == ["/feed.xml"]


def test_hazard_failing_feed_backs_off_but_is_never_dropped(
    site: Site, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data("broken", status=404)
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    hour = 0
    polled_at: list[int] = []
    for hour in range(12):
        httpserver.clear_log()
        assert site.cli("run", "--now", f"2025-01-01T{hour:02d}:00:00Z") == 1
        if httpserver.log:
            polled_at.append(hour)
    # Every run for the first three failures, then after 1 h, 2 h, 4 h ... of back-off.
    assert polled_at == [0, 1, 2, 3, 5, 9]
    assert feed_row(site, "failures") == 6


def test_hazard_410_gone_marks_feed_and_reports_every_run(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data("gone", status=410)
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("run") == 1
    httpserver.clear_log()
    capsys.readouterr()
    assert site.cli("run") == 1
    assert paths(httpserver) == []
    assert "feed is gone (HTTP 410)" in capsys.readouterr().err
    # A new url in the config is a new feed: polled again.
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml?v=2")}])
    assert site.cli("run") == 1
    assert paths(httpserver) == ["/feed.xml"]


def test_hazard_301_seen_repeatedly_moves_feed_old_address_still_known(
    site: Site, httpserver: HTTPServer
) -> None:
    items = [{"title": "one", "link": httpserver.url_for("/one.html")}]
    httpserver.expect_request("/old.xml").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new.xml")})
    )
    httpserver.expect_request("/new.xml").respond_with_data(rss(items))
    httpserver.expect_request("/one.html").respond_with_data(article("one"))
    site.write_config([{"name": "f", "url": httpserver.url_for("/old.xml")}])
    assert site.cli("run") == 0
    assert feed_row(site, "moved_to") is None  # one redirect is not yet a move
    assert site.cli("run") == 0
    assert feed_row(site, "moved_to") == httpserver.url_for("/new.xml")
    httpserver.clear_log()
    assert site.cli("run") == 0
    assert paths(httpserver) == ["/new.xml"]
    assert len(site.post_names()) == 1  # archived once across all three runs


class _Latency(BaseHTTPRequestHandler):
    """Every request takes 0.3 s; records when requests were in flight."""

    in_flight: dict[str, int]
    peak: dict[str, int]
    total_peak = 0  # requests in flight over both hosts at once
    lock = threading.Lock()

    def do_GET(self) -> None:
        host = self.server.server_address[0]
        with self.lock:
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.in_flight[host])
            _Latency.total_peak = max(_Latency.total_peak, sum(self.in_flight.values()))
        time.sleep(0.3)
        body = article(f"page {self.path}")
        with self.lock:
            self.in_flight[host] -= 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def two_hosts() -> Iterator[list[str]]:
    _Latency.in_flight, _Latency.peak, _Latency.total_peak = {}, {}, 0
    servers = [ThreadingHTTPServer((host, 0), _Latency) for host in ("127.0.0.1", "127.0.0.2")]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://{s.server_address[0]}:{s.server_address[1]}" for s in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def test_per_host_limits_hold_and_hosts_run_in_parallel(site: Site, two_hosts: list[str]) -> None:
    urls = [f"{base}/p{i}.html" for base in two_hosts for i in range(4)]
    site.write_config(
        [{"name": "f", "url": f"{two_hosts[0]}/feed.xml"}],
        per_host_concurrency=1,
        per_host_delay=0,
    )
    assert site.cli("backfill", *urls) == 0
    assert len(site.post_names()) == 8
    assert _Latency.peak == {"127.0.0.1": 1, "127.0.0.2": 1}  # never two to one host
    assert _Latency.total_peak == 2  # but both hosts at once
