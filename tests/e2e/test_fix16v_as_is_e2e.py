"""look16e F4, F5: a page judged no article (a teaser, a bare wall) may delay its
article, never lose it: on the attempt that would give the article up, the page is
archived as it is, with a warning saying so. A 404 is still given up. The real CLI
against one real local HTTP server, ``content: page``."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss
from test_fix16r_walls_e2e import _page, _run, _serve

# A short page judged a paywall's teaser, its last sentence a prompt: it may be a real
# short article all the same (F4; "To keep reading fun, entry is free", once judged so,
# is an article now: tests/e2e/test_quoted_walls_e2e.py).
TITLE = "Library opens reading room"
PARAGRAPHS = [
    "The city library opened a new reading room for children on Saturday, with 4,000 books"
    " donated by local families and a small stage for readings.",
    "Librarians will host story hours every weekend.",
    "Subscribe to continue reading.",
]
# The runs of a cron: each attempt after ARTICLE_RETRIES' wait; the fifth gives up.
RUNS = [
    "2026-12-07T01:00:00Z",
    "2026-12-07T01:20:00Z",
    "2026-12-07T02:30:00Z",
    "2026-12-07T09:00:00Z",
    "2026-12-08T10:00:00Z",
]


def test_a_page_judged_no_article_is_archived_as_it_is_when_its_attempts_run_out(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpserver, {"sports": _page(TITLE, PARAGRAPHS)})
    httpserver.expect_request("/n/gone").respond_with_data("gone", status=404)
    items = [
        {
            "title": TITLE,
            "link": httpserver.url_for("/n/sports"),
            "guid": "sports",
            "pubDate": "Mon, 07 Dec 2026 00:30:00 GMT",
        },
        {
            "title": "Gone",
            "link": httpserver.url_for("/n/gone"),
            "guid": "gone",
            "pubDate": "Mon, 07 Dec 2026 00:30:00 GMT",
        },
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    reports = [_run(site, capsys, "run", "--now", now)[1] for now in RUNS]
    # Delayed: the first four attempts fail (and no post is written yet).
    first = [f for r in reports[0]["results"] for f in r["failed"]]
    assert any("sports" in str(f) for f in first), first
    # The fifth archives the page as it is, and says so.
    names = site.post_names()
    assert len(names) == 1, (names, reports[-1])
    text = (site.posts / names[0]).read_text(encoding="utf-8")
    assert PARAGRAPHS[-1] in text and PARAGRAPHS[0] in text
    warnings = [w for r in reports[-1]["results"] for w in r["warnings"]]
    said = [w for w in warnings if "archived as it is" in w]
    assert len(said) == 1 and "after 5 attempts" in said[0] and "sports" in said[0], warnings
    # A 404 is no judgement: it is given up, not archived.
    last_failed = [f for r in reports[-1]["results"] for f in r["failed"]]
    assert any("gone" in str(f) for f in last_failed), last_failed
