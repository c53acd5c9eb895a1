"""Issue 16, the ninth outside look's page-scope findings (look16i I4, I5, I7): which
part of a WordPress or news page is its article's, the real CLI against a real local
HTTP server. The article's own ``<footer>`` holds its byline's date (Twenty Twenty-One);
an update's label before a later date leaves the publication's alone; the ``<body>``'s
layout flags and the ``<article>``'s category classes are not the site's chrome."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import front
from test_e2e import rss
from test_look16h_pagedates_e2e import BODY, NOW, backfill

PUBLISHED = "2026-11-20T09:15:00.000Z"
ZH = "2026-11-20T22:00:00.000Z"
TIME = '<time class="entry-date published" datetime="2026-11-20T09:15:00+00:00">Nov 20</time>'


def wordpress(title: str, body_class: str, article_class: str, header: str, footer: str) -> bytes:
    """A WordPress single post as its themes write one: a site header with the site's
    logo, the post's ``<article>`` in ``<main>``, a sidebar; no meta, no JSON-LD."""
    return (
        f'<html lang="en-US"><head><meta charset="utf-8"><title>{title} &#8211; Town Blog'
        f'</title></head><body class="{body_class}"><div id="page" class="site">'
        '<header id="masthead" class="site-header"><div class="site-branding">'
        '<a href="/" class="custom-logo-link"><img src="/logo.png" class="custom-logo"></a>'
        '<p class="site-title">Town Blog</p></div></header><div class="content-sidebar-wrap">'
        f'<main id="main" class="site-main"><article class="post type-post hentry {article_class}">'
        f'<header class="entry-header"><h1 class="entry-title">{title}</h1>{header}</header>'
        f'<div class="entry-content">{BODY}</div>{footer}</article></main>'
        '<aside id="secondary" class="widget-area"><section class="widget">'
        '<time datetime="2026-12-06T10:00:00Z">Dec 6</time></section></aside>'
        '</div><footer id="colophon" class="site-footer">(c) Town Blog</footer></div>'
        "</body></html>"
    ).encode()


def test_the_date_in_the_articles_own_footer_dates_it(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """look16i I4: Twenty Twenty-One writes the post's only date in the <article>'s
    <footer class="entry-footer">; Twenty Sixteen too."""
    footer = (
        '<footer class="entry-footer default-max-width"><div class="posted-by">'
        f'<span class="posted-on">Published {TIME}</span><span class="byline">By '
        '<a href="/author/ann/" rel="author">ann</a></span></div></footer>'
    )
    pages = {"/the-old-mill/": wordpress("The old mill", "single single-post", "entry", "", footer)}
    err = backfill(site, httpserver, pages, capsys)
    assert front(site, "2026-11-20-The old mill.md")["date"] == PUBLISHED, (site.post_names(), err)


@pytest.mark.parametrize(
    ("byline", "lang", "expected"),
    [
        ('<div class="meta"><span class="date">发布时间：2026-11-21 06:00 +0800</span> '
         "<span>更新时间：2026-11-23 09:00 +0800</span></div>", "zh-CN", ZH),
        ('<div class="meta">发布时间：2026-11-21 06:00 +0800　更新时间：2026-11-23 09:00 +0800'
         "</div>", "zh-CN", ZH),
        ('<div class="byline"><time datetime="2026-11-20T10:00:00Z">November 20, 2026</time> '
         '<span>Updated</span> <time datetime="2026-11-23T15:00:00Z">November 23, 2026</time>'
         "</div>", "en", "2026-11-20T10:00:00.000Z"),
    ],
)  # fmt: skip
def test_an_update_label_after_the_publication_date_labels_the_next_date(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    byline: str,
    lang: str,
    expected: str,
) -> None:
    """look16i I5: "发布时间：… 更新时间：…", "<time> Updated <time>": the first is the
    publication's, never refused for the update's label before the second."""
    page = (
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>Budget story</title></head>'
        f"<body><main><article><h1>Budget story</h1>{byline}{BODY}</article></main></body></html>"
    ).encode()
    err = backfill(site, httpserver, {"/story": page}, capsys)
    name = f"{expected[:10]}-Budget story.md"
    assert front(site, name)["date"] == expected, (site.post_names(), err)
    assert "/story" not in err, err


BODIES = {
    "logo": "single single-post postid-42 wp-custom-logo",
    "astra": "single single-post ast-separate-container ast-right-sidebar astra-4.6.4",
    "generatepress": "single single-post right-sidebar nav-float-right one-container",
}
CATEGORIES = ("weather", "today", "comment", "latest-news")


def test_body_layout_flags_and_post_categories_are_not_the_sites_chrome(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """look16i I7: titled by the <h1> (not "Title – Site") and dated by its <time>,
    whatever the <body>'s layout flags and the <article>'s category classes."""
    header = f'<div class="entry-meta"><span class="posted-on">Posted on {TIME}</span></div>'
    cases = {key: (body, "category-history") for key, body in BODIES.items()}
    cases |= {f"cat-{c}": ("single single-post", f"category-{c}") for c in CATEGORIES}
    pages = {
        f"/{key}/": wordpress(f"The old mill {key}", body, article, header, "")
        for key, (body, article) in cases.items()
    }
    err = backfill(site, httpserver, pages, capsys)
    for key in cases:
        post = front(site, f"2026-11-20-The old mill {key}.md")
        assert post["title"] == f"The old mill {key}", (site.post_names(), err)
        assert post["date"] == PUBLISHED, (site.post_names(), err)


def test_a_polled_items_page_in_a_category_weather_is_dated_by_its_own_time(
    site: Site, httpserver: HTTPServer
) -> None:
    """look16i I7: a feed's undated item, its page read for the date."""
    header = f'<div class="entry-meta">{TIME}</div>'
    body = wordpress("Storm warning", "single wp-custom-logo", "category-weather", header, "")
    httpserver.expect_request("/storm/").respond_with_data(body, content_type="text/html")
    item = {"title": "Storm warning", "link": httpserver.url_for("/storm/"), "guid": "/storm/"}
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([item]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    assert site.cli("run", "--now", NOW) == 0
    assert front(site, "2026-11-20-Storm warning.md")["date"] == PUBLISHED, site.post_names()
