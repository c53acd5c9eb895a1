"""A news site the invariant test (tests/e2e/test_invariant.py) changes between runs.

One real HTTP server on 127.0.0.1 (the standard library's, in a thread) serves

- ``/feed.xml``: the feed as the test last set it (RSS 2.0 or Atom), and
- ``/a/<n>.html``: article ``n``'s page, whatever its query string (tracking parameters
  and all, as real sites do); its text changes when the test edits it.

The article number in the path is the article's identity in the test's model: every
article is one page, and its posts are found by the path of their ``from:`` URL.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

_PAGE_PATH = re.compile(r"^/a/(\d+)\.html(?:\?.*)?$")


@dataclass(frozen=True)
class Item:
    """One item of the feed as served: the link and guid as the feed spells them."""

    number: int
    link: str
    guid: str | None
    published: str | None  # RFC 822 for RSS; converted for Atom


def title_of(number: int) -> str:
    return f"Story {number}"


def page(number: int, version: int) -> bytes:
    """Article ``number``'s page. Lengths differ from article to article (3 to 40
    paragraphs, and every seventh has 600: a post of ~75 kB), so that a file size limit
    fails some posts and not others."""
    paragraphs = 600 if number % 7 == 6 else 3 + (number * 7) % 38
    body = "".join(
        f"<p>{title_of(number)} (edit {version}): paragraph {i} of a test article with enough "
        f"words to count as the body of a news story for the extractor.</p>"
        for i in range(paragraphs)
    )
    return (
        f"<html><head><meta charset='utf-8'><title>{title_of(number)}</title></head>"
        f"<body><div id='storytext'>{body}</div></body></html>"
    ).encode()


def rss(items: list[Item]) -> bytes:
    parts = []
    for item in items:
        fields = f"<title>{escape(title_of(item.number))}</title><link>{escape(item.link)}</link>"
        if item.guid is not None:
            fields += f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
        if item.published is not None:
            fields += f"<pubDate>{item.published}</pubDate>"
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Invariant news</title><link>http://127.0.0.1/</link>"
        f"<description>test</description>{''.join(parts)}</channel></rss>"
    ).encode()


def atom(items: list[Item]) -> bytes:
    from email.utils import parsedate_to_datetime

    parts = []
    for item in items:
        fields = (
            f"<title>{escape(title_of(item.number))}</title>"
            f'<link rel="alternate" href="{escape(item.link, {chr(34): "&quot;"})}"/>'
        )
        if item.guid is not None:
            fields += f"<id>{escape(item.guid)}</id>"
        if item.published is not None:
            stamp = parsedate_to_datetime(item.published).strftime("%Y-%m-%dT%H:%M:%SZ")
            fields += f"<published>{stamp}</published><updated>{stamp}</updated>"
        parts.append(f"<entry>{fields}</entry>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Invariant news</title><id>urn:test:invariant</id>"
        f"<updated>2024-01-01T00:00:00Z</updated>{''.join(parts)}</feed>"
    ).encode()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client killed mid-request is what the test does on purpose


class FeedWorld:
    """The server and what it serves; set the feed and edit pages between runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._feed = rss([])
        self._feed_type = "application/rss+xml"
        self._versions: dict[int, int] = {}
        world = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                world._serve(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def set_feed(self, items: list[Item], *, as_atom: bool) -> None:
        body = atom(items) if as_atom else rss(items)
        with self._lock:
            self._feed = body
            self._feed_type = "application/atom+xml" if as_atom else "application/rss+xml"

    def set_page(self, number: int, version: int) -> None:
        with self._lock:
            self._versions[number] = version

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            if handler.path == "/feed.xml":
                body, content_type = self._feed, self._feed_type
            else:
                match = _PAGE_PATH.match(handler.path)
                number = int(match[1]) if match else -1
                version = self._versions.get(number)
                body = b"" if version is None else page(number, version)
                content_type = "text/html; charset=utf-8"
        try:
            if not body:
                handler.send_error(404)
                return
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:
            pass  # the client was killed
