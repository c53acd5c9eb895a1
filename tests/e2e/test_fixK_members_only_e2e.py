"""look16f s39: a members-only preview in the feed (Ghost's ``<!--members-only-->`` and
upgrade box, a WordPress membership plugin's "This content is for members only") is a
teaser, not the whole article: its page is fetched, as for "Continue reading". A whole
text that says "members" in passing is kept. The real CLI against one real local HTTP
server, ``content: auto``."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss
from test_look16c_pages_e2e import _bodies, _run

PREVIEW = "".join(
    f"<p>Preview paragraph {i} with enough words to look like a substantial article body.</p>"
    for i in range(5)
)
PREVIEWS = {
    "ghost": PREVIEW + '<!--members-only--><aside class="gh-post-upgrade-cta"><h2>This post is'
    ' for paying subscribers only</h2><a href="/#/portal/signup">Subscribe now</a><p>Already'
    " have an account? Sign in</p></aside>",
    "swpm": PREVIEW + '<div class="swpm-post-not-protected-msg">This content is for members'
    " only. Please login to view this content. (Not a member? Join Today!)</div>",
    "mepr": PREVIEW + '<div class="mepr-unauthorized-message"><p>You are unauthorized to view'
    " this page.</p></div>",
}
WHOLE = PREVIEW + "<p>Club members voted on Tuesday; the content of the vote was secret.</p>"


def test_a_members_only_preview_fetches_the_page(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [*PREVIEWS, "whole"]
    for name in names:
        httpserver.expect_request(f"/a/{name}").respond_with_data(
            article(f"Paid post {name}", paragraphs=10), content_type="text/html"
        )
    items = [
        {
            "title": f"Paid post {name}",
            "link": httpserver.url_for(f"/a/{name}"),
            "content": PREVIEWS.get(name, WHOLE),
        }
        for name in names
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "auto", "url": httpserver.url_for("/feed.xml")}])
    code, report = _run(site, capsys, "2026-12-02T00:00:00Z")
    assert code == 0, report
    fetched = sorted({r.path.rsplit("/", 1)[1] for r, _ in httpserver.log if "/a/" in r.path})
    assert fetched == sorted(PREVIEWS)
    bodies = "\n".join(_bodies(site).values())
    for name in PREVIEWS:
        assert f"Paid post {name}: paragraph 9" in bodies, name
    assert "Club members voted" in bodies
