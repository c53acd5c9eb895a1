"""look16g F3, F7 end to end: a short brief whose script only might set ``location`` (a
button's handler, a branch never taken) or whose refresh only a browser without
scripts sees (inside ``<noscript>``) is archived as itself, not "redirected" to a
subscription pitch; and a whole page that omits the optional ``</body></html>``,
served close-delimited, is archived on the first run, not called cut off. The real CLI
against real local HTTP servers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from support.hostile_server import Conn, HostileServer, Request
from test_e2e import article, rss
from test_fix16r_walls_e2e import _bodies, _run

DATE = "Mon, 07 Dec 2026 08:00:00 GMT"
BRIEFS = {
    "bridge": (
        "Bridge closed for repairs",
        "<script>function subscribe(){ window.location.href = '/subscribe'; }</script>",
        "The Elm Street bridge will close on Monday for three weeks of repairs, the city "
        "said. Buses will be diverted via Oak Avenue.",
        "<button onclick='subscribe()'>Subscribe</button>",
    ),
    "library": (
        "School opens new library",
        "<script>if (screen.width < 10) { location.replace('/oldbrowser.html'); }</script>",
        "Hillside Primary opened its new library on Friday, with 6,000 books donated by parents.",
        "",
    ),
    "road": (
        "Road closed after crash",
        "<noscript><meta http-equiv='refresh' content='0; url=/nojs.html'></noscript>",
        "The A40 was closed in both directions on Monday morning after a lorry overturned "
        "near Junction 4. Police expect it to reopen by noon.",
        "",
    ),
}


def test_a_brief_whose_script_only_might_redirect_is_archived_as_itself(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, (title, head, text, tail) in BRIEFS.items():
        page = (
            f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"<p>{text}</p>{tail}</article></body></html>"
        )
        httpserver.expect_request(f"/news/{name}").respond_with_data(page, content_type="text/html")
    for path, title in (
        ("/subscribe", "Subscribe to The Daily"),
        ("/oldbrowser.html", "Your browser is not supported"),
        ("/nojs.html", "JavaScript required"),
    ):
        httpserver.expect_request(path).respond_with_data(
            article(title, paragraphs=3), content_type="text/html"
        )
    items = [
        {
            "title": title,
            "link": httpserver.url_for(f"/news/{name}"),
            "guid": name,
            "pubDate": DATE,
            "description": "Teaser. Read more",
        }
        for name, (title, *_) in BRIEFS.items()
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report = _run(site, capsys, "run", "--now", "2026-12-07T10:00:00Z")
    assert code == 0, report
    assert len(site.post_names()) == 3, report
    texts = _bodies(site)
    for _, _, text, _ in BRIEFS.values():
        assert text.split(",")[0] in texts, (text, report)
    for other in ("Subscribe to The Daily", "not supported", "JavaScript required"):
        assert other not in texts


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def test_a_whole_page_without_its_optional_end_tags_closed_by_the_server_is_archived(
    site: Site, hostile: HostileServer, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = article("Water rates to rise", paragraphs=10).replace(b"</body></html>", b"")
    whole += b"<footer>(c) Gazette</footer>"

    def closed_whole(req: Request, conn: Conn) -> None:
        conn.head(200, {"Content-Type": "text/html"})  # no length, no chunking
        conn.send(whole)

    hostile.route("/w.html", closed_whole)
    items = [{"title": "Water rates to rise", "link": hostile.url("/w.html"), "pubDate": DATE}]
    feed = rss(items)
    hostile.route(
        "/feed.xml",
        lambda req, conn: conn.respond(200, feed, {"Content-Type": "application/rss+xml"}),
    )
    site.write_config([{"name": "f", "url": hostile.url("/feed.xml"), "content": "page"}])
    assert site.cli("run", "--now", "2026-12-07T10:00:00Z") == 0, capsys.readouterr().err
    assert "ended before its end" not in capsys.readouterr().err
    assert len(site.post_names()) == 1
