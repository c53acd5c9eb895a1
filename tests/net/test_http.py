"""rssarchive.net.http against a real, misbehaving server on 127.x (see support/hostile_server).

Test names carry the hazard they cover (``test_hazard_...``), as listed in the design's
"Network" section, so each line of it can be found here.
"""

from __future__ import annotations

import gzip
import os
import resource
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpcore
import pytest
from support.fake_wire import FakeWire, WireRequest, reply
from support.hostile_server import Conn, HostileServer, Request

from rssarchive.core.decide import FETCH_RETRIES
from rssarchive.core.errors import BlockedAddressError, ConfigError, FetchError
from rssarchive.core.models import NetworkConfig
from rssarchive.net import http
from rssarchive.net.addresses import check_url
from rssarchive.net.http import (
    DEFAULT_MAX_BYTES,
    MAX_REDIRECTS,
    MAX_RETRY_AFTER,
    HostLimiter,
    HttpClient,
    parse_retry_after,
)

TIMEOUT = 1.0  # small, so the deadline tests stay fast
SLACK = 0.75  # scheduling noise allowed on top of a deadline


class Sleeps(list[float]):
    """A no-op sleep that records what the backoff asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as s:
        yield s


def client(
    sleeps: Sleeps,
    allow: bool | tuple[str, ...] = True,
    timeout: float = TIMEOUT,
    **kwargs: Any,
) -> HttpClient:
    network = NetworkConfig(
        timeout=timeout,
        user_agent="test-agent/1",
        allow_private_addresses=allow,
        per_host_delay=0.0,
    )
    return HttpClient(network, sleep=sleeps, **kwargs)


def ok(body: bytes = b"hello", **headers: str) -> Any:
    def handler(req: Request, conn: Conn) -> None:
        conn.respond(200, body, {"Content-Type": "text/plain", **headers})

    return handler


def status(code: int, **headers: str) -> Any:
    def handler(req: Request, conn: Conn) -> None:
        conn.respond(code, b"nope", {k.replace("_", "-"): v for k, v in headers.items()})

    return handler


def redirect(code: int, location: str) -> Any:
    def handler(req: Request, conn: Conn) -> None:
        conn.respond(code, b"", {"Location": location})

    return handler


def sequence(*handlers: Any) -> Any:
    """Answer the n-th request with the n-th handler (the last one repeats)."""
    calls: list[int] = []

    def handler(req: Request, conn: Conn) -> None:
        calls.append(1)
        handlers[min(len(calls), len(handlers)) - 1](req, conn)

    return handler


def reset(req: Request, conn: Conn) -> None:
    conn.reset()


# ------------------------------------------------------------------------ plain GETs


def test_get_200_returns_body_lowercase_headers_and_sends_identity(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/feed", ok(b"<rss/>", ETag='"abc"', **{"X-Mixed-Case": "v"}))
    with client(sleeps) as c:
        resp = c.get(server.url("/feed"), referer="https://example.org/page")
    assert resp.status == 200
    assert resp.content == b"<rss/>"
    assert resp.url == server.url("/feed")
    assert resp.redirects == ()
    assert resp.headers["x-mixed-case"] == "v"
    assert resp.etag == '"abc"'
    sent = server.requests[0].headers
    assert sent["user-agent"] == "test-agent/1"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert sent["referer"] == "https://example.org/page"
    assert "if-none-match" not in sent
    assert sleeps == []


def test_hazard_conditional_get_sends_validators_verbatim_and_returns_304(
    server: HostileServer, sleeps: Sleeps
) -> None:
    etag = 'W/"x-1"'
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"

    def handler(req: Request, conn: Conn) -> None:
        if req.headers.get("if-none-match") == etag and req.headers.get("if-modified-since"):
            conn.head(304, {"ETag": etag})
        else:
            conn.respond(200, b"changed")

    server.route("/feed", handler)
    with client(sleeps) as c:
        resp = c.get(server.url("/feed"), etag=etag, last_modified=stamp)
    assert resp.status == 304
    assert resp.not_modified
    assert resp.content == b""
    assert resp.etag == etag
    sent = server.requests[0].headers
    assert sent["if-none-match"] == etag
    assert sent["if-modified-since"] == stamp


class _KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def do_GET(self) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
        else:
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"feed")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0
    closed = 0  # connections the client closed

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.closed += 1
        super().shutdown_request(request)


@contextmanager
def counting_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[_CountingServer]:
    server = _CountingServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_304_answers_keep_the_connection_for_the_next_poll(sleeps: Sleeps) -> None:
    # A no-op cron run is all 304s: each must leave its connection reusable, or every
    # poll pays a new TCP (and TLS) handshake.
    with counting_server(_KeepAliveHandler) as server, client(sleeps) as c:
        url = f"http://127.0.0.1:{server.server_port}/feed"
        assert c.get(url).content == b"feed"
        statuses = [c.get(url, etag='"v1"').status for _ in range(3)]
    assert statuses == [304, 304, 304]
    assert server.connections == 1


def test_connections_to_a_host_no_longer_fetched_are_closed(
    sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A backfill over thousands of hosts must not hold a socket open for each of them.
    monkeypatch.setattr(http, "KEEPALIVE_EXPIRY", 0.2)
    servers = [_CountingServer(("127.0.0.1", 0), _KeepAliveHandler) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    first, second = (f"http://127.0.0.1:{s.server_port}/feed" for s in servers)
    try:
        with client(sleeps) as c:
            c.get(first)
            time.sleep(0.5)
            c.get(second)  # the next request closes what sat idle past the expiry
            deadline = time.monotonic() + 5
            while servers[0].closed == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            closed = [s.closed for s in servers]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert closed == [1, 0]


def test_304_without_validators_is_an_error(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/feed", lambda req, conn: conn.head(304))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/feed"))
    assert info.value.status == 304


def test_gzip_and_both_deflate_flavours_are_decoded(server: HostileServer, sleeps: Sleeps) -> None:
    text = b"<rss>" + b"news " * 5000 + b"</rss>"
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_deflate = raw.compress(text) + raw.flush()
    # Two gzip members back to back are one body (RFC 1952).
    two_members = gzip.compress(text[:100]) + gzip.compress(text[100:])
    server.route("/gz", ok(gzip.compress(text), **{"Content-Encoding": "gzip"}))
    server.route("/gz2", ok(two_members, **{"Content-Encoding": "gzip"}))
    server.route("/zlib", ok(zlib.compress(text), **{"Content-Encoding": "deflate"}))
    server.route("/raw", ok(raw_deflate, **{"Content-Encoding": "deflate"}))
    with client(sleeps) as c:
        for path in ("/gz", "/gz2", "/zlib", "/raw"):
            assert c.get(server.url(path)).content == text, path


def test_unsupported_content_encoding_is_refused(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/br", ok(b"\x0b\x02\x80hi\x03", **{"Content-Encoding": "br"}))
    with client(sleeps) as c, pytest.raises(FetchError, match="unsupported content-encoding"):
        c.get(server.url("/br"))


def test_corrupt_gzip_is_a_fetch_error(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/bad", ok(b"\x1f\x8b\x08\x00garbage-garbage", **{"Content-Encoding": "gzip"}))
    with client(sleeps) as c, pytest.raises(FetchError, match="corrupt gzip body") as info:
        c.get(server.url("/bad"))
    assert isinstance(info.value.__cause__, zlib.error)


def test_gzip_body_cut_before_any_data_is_corrupt_not_empty(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/cut", ok(b"\x1f\x8b\x08\x00garbage", **{"Content-Encoding": "gzip"}))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/cut"))
    assert info.value.reason == "corrupt gzip body (truncated before any data)"


def test_gzip_body_whose_stream_stops_early_is_cut_short_and_retried(
    server: HostileServer, sleeps: Sleeps
) -> None:
    # No length, no chunking: the server's close ends the body, and only the gzip
    # stream, stopping before its end, tells that the page is not whole.
    packed = gzip.compress(b"<p>whole page</p>" * 2000)

    def cut(req: Request, conn: Conn) -> None:
        conn.head(200, {"Content-Encoding": "gzip"})
        conn.send(packed[: len(packed) // 2])

    server.route("/cut", cut)
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/cut"))
    assert info.value.reason == "body cut short (its gzip stream stops before its end)"
    assert len(server.requests) == FETCH_RETRIES.attempts


# ------------------------------------------------------------------------- redirects


def test_hazard_redirects_followed_by_hand_with_hops_recorded(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/old", redirect(301, "/middle?x=1"))  # relative Location
    server.route("/middle", redirect(302, server.url("/new")))
    server.route("/new", redirect(308, "new2"))  # relative to the path
    server.route("/new2", ok(b"final"))
    with client(sleeps) as c:
        resp = c.get(server.url("/old"), etag='"e"')
    assert resp.content == b"final"
    assert resp.url == server.url("/new2")
    assert resp.redirects == (
        (301, server.url("/middle?x=1")),
        (302, server.url("/new")),
        (308, server.url("/new2")),
    )
    assert [r.path for r in server.requests] == ["/old", "/middle?x=1", "/new", "/new2"]


def test_hazard_redirect_loop_is_bounded_with_clear_error(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/a", redirect(302, "/b"))
    server.route("/b", redirect(302, "/a"))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/a"))
    assert info.value.reason == f"too many redirects (max {MAX_REDIRECTS})"
    assert len(server.requests) == MAX_REDIRECTS + 1  # not retried either
    assert sleeps == []


def test_hazard_long_redirect_chain_is_bounded(server: HostileServer, sleeps: Sleeps) -> None:
    def handler(req: Request, conn: Conn) -> None:
        n = int(req.path.rsplit("=", 1)[1])
        conn.respond(301, b"", {"Location": f"/hop?n={n + 1}"})

    server.route("/hop", handler)
    with client(sleeps) as c, pytest.raises(FetchError, match="too many redirects"):
        c.get(server.url("/hop?n=0"))
    assert len(server.requests) == MAX_REDIRECTS + 1


def test_redirect_without_location_is_an_error(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/r", status(302))
    with client(sleeps) as c, pytest.raises(FetchError, match="302 without a Location"):
        c.get(server.url("/r"))


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/secret",
        "http://2130706433:{port}/secret",
        "http://0x7f.1:{port}/secret",
        "http://127.1:{port}/secret",
        "http://0177.0.0.1:{port}/secret",
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://localhost:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "file:///etc/passwd",
        "ftp://127.0.0.2/x",
    ],
)
def test_hazard_redirect_to_refused_address_is_blocked_on_every_hop(
    sleeps: Sleeps, target: str
) -> None:
    # Only 127.0.0.2 is allowed. A decoy on 127.0.0.1, same port, would answer if a
    # redirect to any spelling of 127.0.0.1 got through.
    with HostileServer("127.0.0.2") as allowed, HostileServer("127.0.0.1", allowed.port) as decoy:
        decoy.route("/secret", ok(b"metadata"))
        allowed.route("/feed", redirect(302, target.format(port=allowed.port)))
        with client(sleeps, allow=("127.0.0.2",)) as c, pytest.raises(FetchError) as info:
            c.get(allowed.url("/feed"))
        if "0177" in target:
            # httpx itself cannot represent this host, so the hop fails as malformed.
            assert info.value.reason.startswith("invalid redirect")
        else:
            assert isinstance(info.value, BlockedAddressError)
            assert info.value.reason.startswith("refused:")
            assert "after redirect to" in info.value.reason
        assert decoy.connections == 0
        assert len(allowed.requests) == 1
        assert sleeps == []


def test_hazard_default_policy_refuses_loopback_server(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/feed", ok())
    with client(sleeps, allow=False) as c, pytest.raises(BlockedAddressError) as info:
        c.get(server.url("/feed"))
    assert info.value.reason == (
        "refused: 127.0.0.1 is a loopback address (set network.allow_private_addresses to allow it)"
    )
    assert server.connections == 0


class FakeDns:
    """Maps test host names to addresses; numeric hosts go to the real resolver."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
        self.answers = list(answers)
        self.lookups: list[str] = []
        self.real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".example"):
            self.lookups.append(host)
            address = self.answers[min(len(self.lookups), len(self.answers)) - 1]
            return self.real(address, port, *args, **kwargs)
        return self.real(host, port, *args, **kwargs)


def test_hazard_resolved_address_is_checked_after_dns(
    server: HostileServer, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns = FakeDns(monkeypatch, "127.0.0.1")
    server.route("/feed", ok())
    url = f"http://news.example:{server.port}/feed"
    with client(sleeps, allow=False) as c, pytest.raises(BlockedAddressError) as info:
        c.get(url)
    assert "news.example resolves to 127.0.0.1, a loopback address" in info.value.reason
    assert info.value.url == url
    assert dns.lookups == ["news.example"]
    assert server.connections == 0
    assert sleeps == []  # a refusal is final, not retried


def test_connects_to_the_checked_address_with_host_header_kept(
    sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding: the first answer is allowed, any later one would not be. The client
    # must resolve once and connect to the address it checked.
    with HostileServer("127.0.0.2") as allowed, HostileServer("127.0.0.1", allowed.port) as decoy:
        allowed.route("/feed", ok(b"real"))
        decoy.route("/feed", ok(b"rebound"))
        dns = FakeDns(monkeypatch, "127.0.0.2", "127.0.0.1")
        with client(sleeps, allow=("127.0.0.2/32",)) as c:
            resp = c.get(f"http://news.example:{allowed.port}/feed")
        assert resp.content == b"real"
        assert dns.lookups == ["news.example"]
        assert allowed.requests[0].headers["host"] == f"news.example:{allowed.port}"
        assert decoy.connections == 0


def make_cert(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for ``name`` (it is its own CA), made with openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def tls_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cert_name: str
) -> tuple[HostileServer, FakeDns]:
    """A TLS server on 127.0.0.1 with a trusted certificate for ``cert_name``; test host
    names resolve to it."""
    cert, key = make_cert(tmp_path, cert_name)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    dns = FakeDns(monkeypatch, "127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return HostileServer("127.0.0.1", tls=context), dns


def test_tls_keeps_host_name_for_sni_and_verification(
    tmp_path: Path, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The socket goes to the checked IP, but the certificate must still be verified
    # against the host name, and SNI must name it.
    tls, dns = tls_server(tmp_path, monkeypatch, "news.example")
    with tls as server:
        server.route("/feed", ok(b"secure"))
        with client(sleeps, allow=("127.0.0.1",)) as c:
            resp = c.get(f"https://news.example:{server.port}/feed")
        assert resp.content == b"secure"
        assert server.server_names == ["news.example"]
        assert server.requests[0].headers["host"] == f"news.example:{server.port}"
        assert dns.lookups == ["news.example"]


def test_tls_certificate_for_another_name_fails_without_retry(
    tmp_path: Path, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    tls, _ = tls_server(tmp_path, monkeypatch, "other.example")
    with tls as server:
        server.route("/feed", ok())
        with client(sleeps, allow=("127.0.0.1",)) as c, pytest.raises(FetchError) as info:
            c.get(f"https://news.example:{server.port}/feed")
        assert info.value.reason.startswith("TLS certificate verification failed")
        assert sleeps == []
        assert server.requests == []


def test_hazard_dripped_headers_over_tls_deadline_fires(
    tmp_path: Path, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Once TLS wraps the socket, every read must still end by the attempt's deadline.
    tls, _ = tls_server(tmp_path, monkeypatch, "news.example")

    def drip_head(req: Request, conn: Conn) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            if not conn.send(bytes([byte])) or not conn.sleep(0.2):
                return

    with tls as server:
        server.route("/slowhead", drip_head)
        start = time.monotonic()
        with (
            client(sleeps, allow=("127.0.0.1",)) as c,
            pytest.raises(FetchError, match="timed out after 1 s"),
        ):
            c.get(f"https://news.example:{server.port}/slowhead")
        assert time.monotonic() - start < TIMEOUT + SLACK


# ------------------------------------------------------------------- check_url alone

REFUSED_LITERALS = [
    "http://127.0.0.1/",
    "http://127.0.0.1./",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0x7F000001/",
    "http://0x7f.0x0.0x0.0x1/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://%31%32%37.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/",
    "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[64:ff9b:1::a00:1]/",  # local-use NAT64
    "http://[::ffff:10.0.0.1]/",
    "http://localhost/",
    "http://feeds.localhost/",
    "http://LOCALHOST:8080/",
    "http://localhost./",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[fc00::1]/",
    "http://[fec0::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.1/",  # documentation range: not public either
    "http://user:pw@10.0.0.1:8080/x",
    "http://evil.example\\@127.0.0.1/",
    "http://1.2.3.4.5/",  # numeric but no valid address
    "http://256.1.1.1/",
]


@pytest.mark.parametrize("url", REFUSED_LITERALS)
def test_hazard_check_url_refuses_odd_private_literals(url: str) -> None:
    with pytest.raises(BlockedAddressError) as info:
        check_url(url, False)
    assert info.value.reason.startswith("refused:")
    assert info.value.url == url


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://2130706433/", "2130706433 is 127.0.0.1, a loopback address"),
        ("http://0x7f.1/", "0x7f.1 is 127.0.0.1, a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "is 127.0.0.1, a loopback address"),
        ("http://169.254.169.254/", "169.254.169.254 is a link-local address"),
        ("http://100.64.0.1/", "100.64.0.1 is a shared (carrier-grade NAT) address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
    ],
)
def test_check_url_names_the_normalised_address(url: str, fragment: str) -> None:
    with pytest.raises(BlockedAddressError, match="allow_private_addresses") as info:
        check_url(url, False)
    assert fragment in info.value.reason


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/feed.xml",
        "https://news.example.org:8443/x?y=1",
        "http://93.184.216.34/",
        "http://[2606:2800:220:1:248:1893:25c8:1946]/",
        "http://[64:ff9b::808:808]/",  # NAT64 of a public address
        "http://[::ffff:8.8.8.8]/",
        "http://1.1/",  # = 1.0.0.1, public
    ],
)
def test_check_url_allows_public_addresses_and_names(url: str) -> None:
    check_url(url, False)


# httpx cannot represent octal "0177.0.0.1", so such URLs stay refused as malformed.
@pytest.mark.parametrize("url", [u for u in REFUSED_LITERALS[:20] if "0177" not in u])
def test_check_url_allows_everything_when_private_allowed(url: str) -> None:
    check_url(url, True)


def test_check_url_allow_tuple_adds_addresses_and_networks() -> None:
    allow = ("127.0.0.1", "10.0.0.0/8", "fd00::/8")
    for url in (
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.200.0.1/",
        "http://[fd12::1]/",
        "http://localhost/",
        "http://example.com/",
    ):
        check_url(url, allow)
    for url in ("http://127.0.0.2/", "http://192.168.0.1/", "http://[::1]/", "http://[fc00::1]/"):
        with pytest.raises(BlockedAddressError):
            check_url(url, allow)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/feed.xml",
        "gopher://example.com/",
        "//example.com/feed.xml",
        "example.com/feed.xml",
        "http:///nohost",
        "http://[::1/",
    ],
)
def test_hazard_scheme_and_malformed_urls_refused(url: str, sleeps: Sleeps) -> None:
    with pytest.raises(BlockedAddressError):
        check_url(url, True)

    def never(request: WireRequest) -> bytes:
        raise AssertionError(f"no request should be made, got {request.path}")

    wire = FakeWire(never)
    with client(sleeps, backend=wire) as c, pytest.raises(BlockedAddressError):
        c.get(url)
    assert wire.requests == []


def test_invalid_allow_entry_is_a_config_error(sleeps: Sleeps) -> None:
    with pytest.raises(ConfigError, match="allow_private_addresses"):
        client(sleeps, allow=("not-an-address",))
    with pytest.raises(ConfigError):
        check_url("http://example.com/", ("10.0.0.0/33",))


# ------------------------------------------------------------------------ size caps


def test_hazard_gzip_bomb_aborted_at_decoded_cap(server: HostileServer, sleeps: Sleeps) -> None:
    total = 1024 * 1024 * 1024  # 1 GiB of zeros, about 1 MB once compressed
    block = bytes(1024 * 1024)

    def bomb(req: Request, conn: Conn) -> None:
        # Compressed lazily, chunk by chunk: the whole gigabyte is never in memory here
        # either, and the server stops as soon as the client hangs up.
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        conn.head(200, {"Content-Encoding": "gzip", "Transfer-Encoding": "chunked"})
        for _ in range(total // len(block)):
            data = packer.compress(block)
            if data and not conn.chunk(data):
                return
        conn.chunk(packer.flush())
        conn.chunk(b"")

    server.route("/bomb", bomb)
    cap = 2 * 1024 * 1024
    with client(sleeps, timeout=10) as c:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as info:
                c.get(server.url("/bomb"), max_bytes=cap)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert info.value.reason == "response larger than 2 MB"
    assert info.value.status is None
    # Memory stays near the cap (body + one decode step + copies), far from a gigabyte.
    assert peak < 4 * cap, peak
    assert server.conns[0].sent < 200_000  # the bomb was abandoned early
    assert len(server.requests) == 1  # not retried


def test_hazard_gzip_bomb_default_cap_is_10_mb(server: HostileServer, sleeps: Sleeps) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    body = packer.compress(bytes(DEFAULT_MAX_BYTES + 1)) + packer.flush()
    server.route("/bomb", ok(body, **{"Content-Encoding": "gzip"}))
    with client(sleeps) as c, pytest.raises(FetchError, match="larger than 10 MB"):
        c.get(server.url("/bomb"))


def test_declared_length_over_cap_rejected_before_reading(
    server: HostileServer, sleeps: Sleeps
) -> None:
    def huge(req: Request, conn: Conn) -> None:
        conn.head(200, {"Content-Length": str(50 * 1024 * 1024)})
        conn.wait_for_close()  # would stall the client if it tried to read

    server.route("/huge", huge)
    start = time.monotonic()
    with client(sleeps, timeout=5) as c, pytest.raises(FetchError, match="larger than 1 MB"):
        c.get(server.url("/huge"), max_bytes=1024 * 1024)
    assert time.monotonic() - start < 1.0


def test_undeclared_plain_body_over_cap_aborted(server: HostileServer, sleeps: Sleeps) -> None:
    def endless(req: Request, conn: Conn) -> None:
        conn.head(200, {"Transfer-Encoding": "chunked"})
        while conn.chunk(b"x" * 65536):
            pass

    server.route("/endless", endless)
    with client(sleeps, timeout=5) as c, pytest.raises(FetchError, match="larger than 100 KB"):
        c.get(server.url("/endless"), max_bytes=100 * 1024)


def test_body_exactly_at_cap_is_accepted(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/exact", ok(b"y" * 1000))
    with client(sleeps) as c:
        assert len(c.get(server.url("/exact"), max_bytes=1000).content) == 1000


# ------------------------------------------------------------------------- deadline


def test_hazard_headers_then_silence_deadline_fires(server: HostileServer, sleeps: Sleeps) -> None:
    def silent(req: Request, conn: Conn) -> None:
        conn.head(200, {"Content-Length": "1000"})
        conn.wait_for_close()

    server.route("/silent", silent)
    start = time.monotonic()
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/silent"))
    elapsed = time.monotonic() - start
    assert info.value.reason == "timed out after 1 s"
    assert TIMEOUT - 0.1 < elapsed < TIMEOUT + SLACK
    assert len(server.requests) == 1  # the budget is spent: no retry


def test_hazard_one_byte_per_second_body_deadline_fires(
    server: HostileServer, sleeps: Sleeps
) -> None:
    def drip(req: Request, conn: Conn) -> None:
        conn.head(200, {"Content-Length": "100"})
        for _ in range(100):
            if not conn.send(b"x") or not conn.sleep(1.0):
                return

    server.route("/drip", drip)
    timeout = 2.5  # longer than the gap between bytes: only a total deadline can fire
    start = time.monotonic()
    with client(sleeps, timeout=timeout) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/drip"))
    elapsed = time.monotonic() - start
    assert info.value.reason == "timed out after 2.5 s"
    assert timeout - 0.1 < elapsed < timeout + SLACK
    assert len(server.requests) == 1


def test_hazard_dripped_headers_deadline_fires(server: HostileServer, sleeps: Sleeps) -> None:
    def drip_head(req: Request, conn: Conn) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            if not conn.send(bytes([byte])) or not conn.sleep(0.2):
                return

    server.route("/slowhead", drip_head)
    start = time.monotonic()
    with client(sleeps) as c, pytest.raises(FetchError, match="timed out after 1 s"):
        c.get(server.url("/slowhead"))
    assert time.monotonic() - start < TIMEOUT + SLACK


# -------------------------------------------------------------------------- retries


def test_hazard_500_then_200_is_retried_and_succeeds(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/flaky", sequence(status(500), ok(b"fine")))
    with client(sleeps) as c:
        resp = c.get(server.url("/flaky"))
    assert resp.content == b"fine"
    assert len(server.requests) == 2
    assert len(sleeps) == 1
    initial, jitter = FETCH_RETRIES.initial.total_seconds(), FETCH_RETRIES.jitter.total_seconds()
    assert initial <= sleeps[0] <= initial + jitter


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_hazard_5xx_every_time_fails_after_max_attempts(
    server: HostileServer, sleeps: Sleeps, code: int
) -> None:
    server.route("/down", status(code))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/down"))
    assert info.value.status == code
    assert info.value.reason.startswith(f"HTTP {code} ")
    assert info.value.retry_after is None
    assert len(server.requests) == FETCH_RETRIES.attempts
    assert len(sleeps) == FETCH_RETRIES.attempts - 1
    assert all(0 < s <= FETCH_RETRIES.longest.total_seconds() for s in sleeps)
    assert sleeps[1] >= FETCH_RETRIES.initial.total_seconds() * 2  # exponential


def test_hazard_connection_reset_is_retried(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/reset", sequence(reset, ok(b"after reset")))
    with client(sleeps) as c:
        assert c.get(server.url("/reset")).content == b"after reset"
    assert len(server.requests) == 2
    assert len(sleeps) == 1


def test_hazard_connection_reset_every_time_is_a_fetch_error(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/reset", reset)
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/reset"))
    assert info.value.reason in ("connection reset", "connection closed")
    assert isinstance(info.value.__cause__, ConnectionError)  # the cause is kept
    assert len(server.requests) == FETCH_RETRIES.attempts


def test_connection_refused_is_retried_then_reported(sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now.
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(f"http://127.0.0.1:{port}/feed")
    assert info.value.reason == "connection refused"
    assert isinstance(info.value.__cause__, ConnectionRefusedError)  # the cause is kept
    assert len(sleeps) == FETCH_RETRIES.attempts - 1


def test_server_closing_without_answer_is_retried(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/hangup", sequence(lambda req, conn: None, ok(b"ok")))
    with client(sleeps) as c:
        assert c.get(server.url("/hangup")).content == b"ok"
    assert len(sleeps) == 1


def test_hazard_body_shorter_than_its_content_length_is_retried_then_reported(
    server: HostileServer, sleeps: Sleeps
) -> None:
    # A connection cut mid-body must not pass for the whole page.
    def cut(req: Request, conn: Conn) -> None:
        conn.head(200, {"Content-Length": "1000"})
        conn.send(b"x" * 10)

    server.route("/cut", cut)
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/cut"))
    assert info.value.reason.startswith("connection closed by the server")
    assert info.value.reason.endswith("(990 bytes short of its Content-Length)")
    assert len(server.requests) == FETCH_RETRIES.attempts


def test_malformed_status_line_is_an_error_without_retry(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/spam", lambda req, conn: conn.send(b"SPAM 200 OK\r\n\r\nbody"))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/spam"))
    assert info.value.reason.startswith("invalid HTTP response (")
    assert len(server.requests) == 1


def test_chunked_body_cut_by_the_server_is_retried_then_reported(
    server: HostileServer, sleeps: Sleeps
) -> None:
    # No Content-Length to compare with: the end of the connection before the last
    # chunk is what says the page is not whole.
    def cut(req: Request, conn: Conn) -> None:
        conn.head(200, {"Transfer-Encoding": "chunked"})
        conn.chunk(b"x" * 100)

    server.route("/cut", cut)
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/cut"))
    assert info.value.reason == "connection closed by the server (before the end of its body)"
    assert len(server.requests) == FETCH_RETRIES.attempts


def test_broken_chunk_framing_is_an_invalid_response_without_retry(
    server: HostileServer, sleeps: Sleeps
) -> None:
    # The connection stays open: the bytes themselves are wrong, which stays wrong.
    def garbled(req: Request, conn: Conn) -> None:
        conn.head(200, {"Transfer-Encoding": "chunked"})
        conn.send(b"zz\r\nnot a chunk\r\n")
        conn.wait_for_close()

    server.route("/garbled", garbled)
    with client(sleeps, timeout=5) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/garbled"))
    assert info.value.reason.startswith("invalid HTTP response (")
    assert len(server.requests) == 1


def test_cancel_requests_ends_a_stalled_request_at_once(server: HostileServer) -> None:
    # What Ctrl-C does (run/signals.py): the request is woken from its read, not left to run
    # out its network.timeout, and says it was interrupted.
    arrived = threading.Event()

    def stall(req: Request, conn: Conn) -> None:
        arrived.set()
        conn.wait_for_close(60)

    server.route("/stall", stall)
    outcome: list[BaseException] = []

    def fetch() -> None:
        with client(Sleeps(), timeout=60) as c:
            try:
                c.get(server.url("/stall"))
            except FetchError as exc:
                outcome.append(exc)

    thread = threading.Thread(target=fetch)
    thread.start()
    try:
        assert arrived.wait(10)
        http.cancel_requests()
        thread.join(10)  # a bound for a loaded machine; the alternative is 60 s
        assert not thread.is_alive()
    finally:
        http.allow_requests()
        thread.join()
    assert [str(e) for e in outcome] == [f"{server.url('/stall')}: interrupted"]


def test_interim_103_early_hints_is_skipped(server: HostileServer, sleeps: Sleeps) -> None:
    hints = b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
    final = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    server.route("/hints", lambda req, conn: conn.send(hints + hints + final))
    with client(sleeps) as c:
        assert c.get(server.url("/hints")).content == b"ok"


class _HangUpAfterEachHandler(_KeepAliveHandler):
    """Answers as if keeping the connection alive, then closes it: what a server does
    when its keep-alive timeout is shorter than the client's."""

    def do_GET(self) -> None:
        super().do_GET()
        self.close_connection = True


def test_kept_alive_connection_the_server_closed_is_not_reused(sleeps: Sleeps) -> None:
    bodies = []
    with counting_server(_HangUpAfterEachHandler) as server, client(sleeps) as c:
        for _ in range(3):
            bodies.append(c.get(f"http://127.0.0.1:{server.server_port}/f").content)
            time.sleep(0.1)  # the server's close reaches us
    # Each request went out on a fresh connection at once: no failed attempt, no backoff.
    assert bodies == [b"feed"] * 3
    assert sleeps == []
    assert server.connections == 3


@contextmanager
def _descriptors_taken_below(limit: int) -> Iterator[None]:
    """Hold every free descriptor below ``limit``: the next socket gets one above it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = limit + 256
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"cannot open {wanted} files here (hard limit {hard})")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    held = [os.open(os.devnull, os.O_RDONLY)]
    try:
        while held[-1] < limit - 1:
            held.append(os.dup(held[0]))
        yield
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_kept_alive_connection_on_a_descriptor_above_1023_is_reused(sleeps: Sleeps) -> None:
    # select() refuses descriptors above 1023: a process with many files open would
    # have found every kept-alive connection "stale" and opened a new one per request.
    with (
        _descriptors_taken_below(1024),
        counting_server(_KeepAliveHandler) as server,
        client(sleeps) as c,
    ):
        url = f"http://127.0.0.1:{server.server_port}/feed"
        assert c.get(url).content == b"feed"
        statuses = [c.get(url, etag='"v1"').status for _ in range(3)]
    assert statuses == [304, 304, 304]
    assert server.connections == 1


def test_hazard_429_retry_after_seconds_not_retried(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/busy", status(429, Retry_After="120"))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/busy"))
    assert info.value.status == 429
    assert info.value.retry_after == 120.0
    assert info.value.reason == "HTTP 429 Too Many Requests (retry after 120 s)"
    assert len(server.requests) == 1
    assert sleeps == []


def test_hazard_429_retry_after_http_date(server: HostileServer, sleeps: Sleeps) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=300), usegmt=True)
    server.route("/busy", status(429, Retry_After=when))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/busy"))
    assert info.value.retry_after is not None
    assert 290 <= info.value.retry_after <= 300
    assert len(server.requests) == 1


def test_hazard_503_with_absurd_retry_after_is_capped_and_not_retried(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/maint", status(503, Retry_After="99999999999999999999"))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/maint"))
    assert info.value.status == 503
    assert info.value.retry_after == MAX_RETRY_AFTER
    assert len(server.requests) == 1
    assert sleeps == []


def test_503_with_garbage_retry_after_is_retried_like_plain_503(
    server: HostileServer, sleeps: Sleeps
) -> None:
    server.route("/maint", status(503, Retry_After="soon-ish"))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/maint"))
    assert info.value.retry_after is None
    assert len(server.requests) == FETCH_RETRIES.attempts


@pytest.mark.parametrize(
    ("code", "reason"),
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (403, "HTTP 403 Forbidden")],
)
def test_hazard_4xx_status_on_fetch_error_not_retried(
    server: HostileServer, sleeps: Sleeps, code: int, reason: str
) -> None:
    server.route("/x", status(code))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/x"))
    assert info.value.status == code
    assert info.value.reason == reason
    assert str(info.value) == f"{server.url('/x')}: {reason}"
    assert len(server.requests) == 1
    assert sleeps == []


def test_status_after_redirect_names_the_hop(server: HostileServer, sleeps: Sleeps) -> None:
    server.route("/old", redirect(301, "/gone"))
    server.route("/gone", status(410))
    with client(sleeps) as c, pytest.raises(FetchError) as info:
        c.get(server.url("/old"))
    assert info.value.status == 410
    assert info.value.url == server.url("/old")
    assert info.value.reason == f"HTTP 410 Gone (after redirect to {server.url('/gone')})"


# ------------------------------------------------------- Retry-After parsing (unit)

NOW = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("  7 ", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("21600", MAX_RETRY_AFTER),
        ("21601", MAX_RETRY_AFTER),
        ("9" * 5000, MAX_RETRY_AFTER),  # no int() on 5000 digits
        ("Fri, 01 Mar 2024 12:02:00 GMT", 120.0),
        ("Friday, 01-Mar-24 12:02:00 GMT", 120.0),  # RFC 850
        ("Fri Mar  1 12:02:00 2024", 120.0),  # asctime
        ("Fri, 01 Mar 2024 11:00:00 GMT", 0.0),  # in the past
        ("Fri, 01 Mar 2099 12:00:00 GMT", MAX_RETRY_AFTER),
        ("-5", None),
        ("1e9", None),
        ("", None),
        ("soon", None),
        ("Fri, 99 Foo 2024 99:99:99 GMT", None),
        ("Mon, 01 Jan 99999999999999999999 00:00:00 GMT", None),  # no OverflowError
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_parse_retry_after_accepts_naive_now() -> None:
    naive = NOW.replace(tzinfo=None)
    assert parse_retry_after("Fri, 01 Mar 2024 12:00:30 GMT", naive) == 30.0


# ------------------------------------------------- what went wrong, by type (fake wire)


@pytest.mark.parametrize(
    ("exc", "reason", "retried"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "connection refused", True),
        (ConnectionResetError(104, "Connection reset by peer"), "connection reset", True),
        (BrokenPipeError(32, "Broken pipe"), "connection reset", True),
        (socket.gaierror(-2, "Name or service not known"), "could not resolve the host name", True),
        (OSError(113, "No route to host"), "network error: No route to host", True),
        (TimeoutError("timed out"), "connection timed out (timed out)", True),
        (httpcore.ReadError("boom"), "network error: boom", True),
        # Raised by h11 on a reply it cannot parse, the connection still open.
        (httpcore.RemoteProtocolError("bad"), "invalid HTTP response (bad)", False),
        # A server that sent more than its Content-Length leaves the rest on the kept-alive
        # connection: the next answer's "status line" is kilobytes of the last page's
        # text (look16c F13), named in a line of a bounded length.
        (
            httpcore.RemoteProtocolError(f"illegal status line: bytearray(b'{'x' * 3000}')"),
            f"invalid HTTP response (illegal status line: bytearray(b'{'x' * 87}…)",
            False,
        ),
        (
            httpcore.LocalProtocolError("bad header"),
            "invalid request (LocalProtocolError: bad header)",
            False,
        ),
        (ValueError("something odd"), "unexpected error (ValueError: something odd)", False),
    ],
)
def test_wire_failures_are_named_and_retried_by_type(
    sleeps: Sleeps, exc: Exception, reason: str, retried: bool
) -> None:
    # The messages say nothing the mapping could match on: only the types decide.
    def fail(request: WireRequest) -> bytes:
        raise exc

    wire = FakeWire(fail)
    with client(sleeps, backend=wire) as c, pytest.raises(FetchError) as info:
        c.get("https://feeds.example.org/rss")
    assert type(info.value) is FetchError
    assert info.value.reason == reason
    assert info.value.__cause__ is exc
    assert len(wire.requests) == (FETCH_RETRIES.attempts if retried else 1)


def test_oserror_behind_httpcore_error_names_the_cause(sleeps: Sleeps) -> None:
    # Wrapped by a library ("raise ... from"), the OS error is still what is reported.
    def fail(request: WireRequest) -> bytes:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as exc:
            raise httpcore.ConnectError("wrapped") from exc

    with client(sleeps, backend=FakeWire(fail)) as c, pytest.raises(FetchError) as info:
        c.get("https://feeds.example.org/rss")
    assert info.value.reason == "connection refused"


def test_mock_transport_redirect_to_private_literal_is_refused(sleeps: Sleeps) -> None:
    def answer(request: WireRequest) -> bytes:
        assert request.host == "feeds.example.org", "the refused hop was requested"
        return reply(302, headers=[("Location", "http://[::ffff:a9fe:a9fe]/")])

    with (
        client(sleeps, allow=False, backend=FakeWire(answer)) as c,
        pytest.raises(BlockedAddressError, match=r"169\.254\.169\.254, a link-local address"),
    ):
        c.get("https://feeds.example.org/rss")


def test_cookies_do_not_leak_between_fetches(sleeps: Sleeps) -> None:
    seen: list[str | None] = []

    def answer(request: WireRequest) -> bytes:
        seen.append(request.headers.get("cookie"))
        if request.path == "/consent":
            return reply(302, headers=[("Location", "/article"), ("Set-Cookie", "ok=1")])
        return reply(200, b"x")

    with client(sleeps, backend=FakeWire(answer)) as c:
        c.get("https://news.example.org/consent")
        c.get("https://news.example.org/other")
    assert seen == [None, "ok=1", None]


# -- politeness per host ------------------------------------------------------------


def test_host_limiter_spaces_request_starts_per_host() -> None:
    sleeps: list[float] = []
    limiter = HostLimiter(1, 1.0, clock=lambda: 100.0, sleep=sleeps.append)
    for host in ("a", "a", "b", "a"):
        with limiter.slot(host):
            pass
    # The clock stands still, so each request to "a" waits one more delay; "b" never waits.
    assert sleeps == [1.0, 2.0]


def test_host_limiter_caps_requests_in_flight_per_host() -> None:
    limiter = HostLimiter(2, 0.0)
    in_flight: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}
    lock = threading.Lock()

    def work(host: str) -> None:
        with limiter.slot(host):
            with lock:
                in_flight[host] += 1
                peak[host] = max(peak[host], in_flight[host])
            time.sleep(0.02)
            with lock:
                in_flight[host] -= 1

    threads = [threading.Thread(target=work, args=(h,)) for h in "ab" * 6]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == {"a": 2, "b": 2}
