"""Issue 16, the eighth outside look's page-dating findings (look16h H6, H8, H13, H14):
which date on an article's page dates its post, the real CLI against a real local HTTP
server: never an update's, never the site's "today" (a masthead, a logo's line, a
widget), never another story's in a list beside the article, and a page time that is
the fetch's own is not believed over the URL's day."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import front
from test_e2e import rss

NOW = "2026-12-07T12:00:00Z"
NOW_DATE = "2026-12-07T12:00:00.000Z"
URL_DATE = "2026-12-01T00:00:00.000Z"
BODY = "".join(
    f"<p>Paragraph {i} of a long and substantial article body, with plenty of words to"
    " count as the article's own text for the extractor.</p>"
    for i in range(6)
)


def html(title: str, body: str, head: str = "") -> bytes:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body>{body}</body></html>"
    ).encode()


def backfill(
    site: Site, httpserver: HTTPServer, pages: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> str:
    """Backfill ``pages`` (path: page) at NOW; what the run said."""
    for path, body in pages.items():
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html")
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    urls = [httpserver.url_for(path) for path in pages]
    assert site.cli("backfill", "--now", NOW, *urls) == 0
    return capsys.readouterr().err


# -- H8: an update's date never dates the post ---------------------------------------------

UPDATES = {
    "sibling": '<span class="label">Updated</span> <time datetime="2026-12-03T09:00:00Z">'
    "Dec 3, 2026</time>",
    "lastmod": '<p class="byline">Last modified on Thu 3 Dec 2026 09.00 GMT</p>',
    "xiugai": '<div class="info">修改时间：2026-12-03 09:00</div>',
    "bianji": '<div class="info">最后编辑 2026-12-03 09:00</div>',
    "after": '<div class="info">2026年12月3日更新</div>',
}


def test_an_update_labelled_beside_or_after_its_date_never_dates_the_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    both = '<div class="meta">Updated: 3 December 2026 · Published: 1 December 2026</div>'
    pages = {
        f"/news/{key}": html(
            f"Vote {key}", f"<article><header><h1>Vote {key}</h1>{top}</header>{BODY}</article>"
        )
        for key, top in {**UPDATES, "both": both}.items()
    }
    err = backfill(site, httpserver, pages, capsys)
    for key in UPDATES:
        assert front(site, f"2026-12-07-Vote {key}.md")["date"] == NOW_DATE, site.post_names()
        assert any(f"/news/{key}" in line for line in err.splitlines()), err
    assert front(site, "2026-12-01-Vote both.md")["date"] == URL_DATE, site.post_names()


# -- H13: the site's "today" is not the article's ------------------------------------------


def test_a_site_wide_today_date_never_dates_the_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {
        "/2026/12/01/masthead": html(
            "Budget masthead",
            '<header class="site-header"><a class="logo" href="/">Daily News</a>'
            '<time datetime="2026-12-07">Monday, December 7, 2026</time></header>'
            f"<main><article><h1>Budget masthead</h1>{BODY}</article></main>",
        ),
        "/2026/12/01/logo": html(
            "Budget logo - Daily News",
            '<h1 class="logo">Daily News</h1><div class="today">Monday, December 7, 2026</div>'
            f"<main><h2>Budget logo</h2>{BODY}</main>",
        ),
        "/2026/12/01/weather": html(
            "Budget weather",
            '<div class="weather">Forecast for <time datetime="2026-12-07T06:00:00Z">today'
            f"</time>: sunny</div><main><article><h1>Budget weather</h1>{BODY}</article></main>",
        ),
    }
    backfill(site, httpserver, pages, capsys)
    names = site.post_names()
    assert not [name for name in names if name.startswith("2026-12-07")], names
    assert front(site, "2026-12-01-Budget masthead.md")["date"] == URL_DATE
    assert front(site, "2026-12-01-Budget weather.md")["date"] == URL_DATE
    logo = [name for name in names if "Daily News" in name or "logo" in name]
    assert len(logo) == 1 and logo[0].startswith("2026-12-01-Budget logo"), names


# -- H14: another story's <time> in a list beside the article -------------------------------

LISTS = {
    "latest": '<ul class="latest-news"><li><a href="/x">Other story</a> '
    '<time datetime="2026-12-06T09:00:00Z">Dec 6</time></li></ul>',
    "trending": '<div class="trending"><a href="/x">Other</a> '
    '<time datetime="2026-12-06T09:00:00Z">Dec 6</time></div>',
    "readnext": '<div class="read-next"><a href="/x">Other</a> '
    '<time datetime="2026-12-06T09:00:00Z">Dec 6</time></div>',
    "xiangguan": '<div><h3>相关阅读</h3><ul><li><a href="/x">另一篇</a> '
    '<time datetime="2026-12-06T09:00:00Z">12-06</time></li></ul></div>',
    "cards": '<section class="more-stories"><article class="card"><a href="/x">Other</a>'
    '<time datetime="2026-12-06T09:00:00Z">Dec 6</time></article></section>',
}


def test_a_time_in_a_list_of_other_stories_never_dates_the_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {
        f"/2026/12/01/budget-{key}": html(
            f"Budget {key}", f"<main><article><h1>Budget {key}</h1>{BODY}</article>{block}</main>"
        )
        for key, block in LISTS.items()
    }
    backfill(site, httpserver, pages, capsys)
    for key in LISTS:
        assert front(site, f"2026-12-01-Budget {key}.md")["date"] == URL_DATE, site.post_names()


def test_a_polled_items_page_is_not_dated_by_a_list_beside_it(
    site: Site, httpserver: HTTPServer
) -> None:
    path = "/2026/12/01/budget"
    body = html(
        "Budget vote",
        f"<main><article><h1>Budget vote</h1>{BODY}</article>{LISTS['trending']}</main>",
    )
    httpserver.expect_request(path).respond_with_data(body, content_type="text/html")
    item = {"title": "Budget vote", "link": httpserver.url_for(path), "guid": path}
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([item]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    assert site.cli("run", "--now", NOW) == 0
    assert front(site, "2026-12-01-Budget vote.md")["date"] == URL_DATE, site.post_names()


# -- H6: a first poll's backlog whose pages print the fetch time -----------------------------


def test_a_backlog_whose_pages_print_the_fetch_time_is_dated_by_its_urls_days(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fetched = '<meta property="article:published_time" content="2026-12-07T11:59:50+00:00">'
    items = []
    for day in (3, 5, 6):
        path = f"/2026/12/0{day}/story"
        body = html(f"Day {day}", f"<article><h1>Day {day}</h1>{BODY}</article>", fetched)
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html")
        items.append({"title": f"Day {day}", "link": httpserver.url_for(path), "guid": path})
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    assert site.cli("run", "--now", NOW) == 0
    err = capsys.readouterr().err
    for day in (3, 5):
        assert (
            front(site, f"2026-12-0{day}-Day {day}.md")["date"] == f"2026-12-0{day}T00:00:00.000Z"
        )
    # The day before the page's: a fresh article west of UTC may name it; kept, said.
    assert front(site, "2026-12-07-Day 6.md")["date"] == "2026-12-07T11:59:50.000Z"
    assert any("/2026/12/06/story" in line for line in err.splitlines()), err
