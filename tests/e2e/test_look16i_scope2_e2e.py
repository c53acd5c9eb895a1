"""Issue 16, the ninth outside look's second page-scope findings (look16i I13, I14), the
real CLI backfilling pages from a real local HTTP server: the article's ``<article>``
under a title band (its ``<h1>`` in a ``<header>`` above it, many Hugo and Jekyll
themes) is the article, not another story's card; a byline's link naming two authors
is no link to another story."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import front
from test_look16h_pagedates_e2e import BODY, backfill


def page(title: str, body: str) -> bytes:
    return (
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    ).encode()


def test_the_article_under_a_title_band_is_dated_by_its_byline(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """look16i I13: with and without ``<main>``, the ``<time>`` of the ``<article>``'s
    byline dates it, not the archiving time."""
    byline = '<p class="byline">By Ann · <time datetime="2026-11-20T10:00:00Z">Nov 20</time></p>'
    pages = {
        f"/{key}/": page(f"Mill {key}", wrap.format(f"<header><h1>Mill {key}</h1></header>"
                                                     f"<article>{byline}{BODY}</article>"))
        for key, wrap in (("main", "<main>{}</main>"), ("bare", "{}"))
    }  # fmt: skip
    err = backfill(site, httpserver, pages, capsys)
    for key in ("main", "bare"):
        name = f"2026-11-20-Mill {key}.md"
        assert front(site, name)["date"] == "2026-11-20T10:00:00.000Z", (site.post_names(), err)


def test_a_byline_naming_two_authors_in_one_link_leaves_the_articles_time(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """look16i I14: "Ann Lee and Bob Smith" is no headline of another story; the
    ``<time>`` beside it dates the article, its zone kept (the day before in UTC)."""
    meta = (
        '<ul class="meta"><li>By <a href="/authors/">Ann Lee and Bob Smith</a> · '
        '<time datetime="2026-11-21T06:00:00+08:00">Nov 21, 2026</time></li></ul>'
    )
    body = f"<article><h1>Harbour plan</h1>{meta}{BODY}</article>"
    err = backfill(site, httpserver, {"/harbour": page("Harbour plan", body)}, capsys)
    post = front(site, "2026-11-20-Harbour plan.md")
    assert post["date"] == "2026-11-20T22:00:00.000Z", (site.post_names(), err)
