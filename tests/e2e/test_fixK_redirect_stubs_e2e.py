"""look16f s38, s38c: an item's link answering 200 with a redirect stub (a meta refresh,
a script setting ``location``) is followed to the real page, as a redirect, and the real
article archived; a stub that leads nowhere (a loop) is a failed attempt, said. The real
CLI against one real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss
from test_fix16r_walls_e2e import _bodies, _run


def _stubs(httpserver: HTTPServer) -> None:
    real1, real2 = httpserver.url_for("/real/1"), httpserver.url_for("/real/2")
    pages = {
        "/stub/1": f'<html><head><meta http-equiv="refresh" content="0; url={real1}"><title>'
        f'Redirecting…</title></head><body><p>Redirecting to <a href="{real1}">{real1}</a>.'
        " If you are not redirected automatically, follow this link.</p></body></html>",
        "/stub/2": "<html><head><title>Real article two</title><script>window.location.replace("
        f'"{real2}")</script></head><body><noscript><a href="{real2}">Continue to the'
        " article</a></noscript></body></html>",
        "/stub/loop": '<html><head><meta http-equiv="refresh" content="0; url=/stub/loop">'
        "</head><body><p>Redirecting…</p></body></html>",
    }
    for path, page in pages.items():
        httpserver.expect_request(path).respond_with_data(page, content_type="text/html")
    for n, title in ((1, "Real article one"), (2, "Real article two")):
        httpserver.expect_request(f"/real/{n}").respond_with_data(
            article(title, paragraphs=8), content_type="text/html"
        )


@pytest.mark.parametrize("content", ["auto", "page"])
def test_a_redirect_stub_is_followed_to_the_real_page(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    _stubs(httpserver)
    items = [
        {
            "title": title,
            "link": httpserver.url_for(f"/stub/{name}"),
            "guid": name,
            "pubDate": "Mon, 07 Dec 2026 06:00:00 GMT",
            "description": "Teaser... Read more",
        }
        for name, title in (("1", "Real article one"), ("2", "Real article two"), ("loop", "Loop"))
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": content}])
    _, report = _run(site, capsys, "run", "--now", "2026-12-07T12:00:00Z")
    texts = _bodies(site)
    for title in ("Real article one", "Real article two"):
        assert f"{title}: paragraph 7" in texts, (title, report)
    assert "Redirecting" not in texts and "Teaser..." not in texts
    failed = [f for r in report["results"] for f in r["failed"]]
    warnings = [w for r in report["results"] for w in r["warnings"]]
    said = [str(f) for f in failed] + warnings
    assert any("stub/loop" in s and "redirect" in s for s in said), report
