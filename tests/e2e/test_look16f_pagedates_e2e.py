"""Issue 16, the sixth outside look's page-dating findings (look16f s07, s40, s41, s43,
s47, s61): what dates an article by its page, the real CLI against a real local HTTP
server. Each polled feed's items are undated (their pages date them), on the feed's
second poll (its items new since the first)."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import front
from test_e2e import rss

FIRST = "2026-12-07T11:00:00Z"
NOW = "2026-12-07T12:00:00Z"
NOW_DATE = "2026-12-07T12:00:00.000Z"
BODY = "".join(
    f"<p>Paragraph {i} of a long and substantial article body, with plenty of words to"
    " count as the article's own text for the extractor.</p>"
    for i in range(6)
)


def page(title: str, head: str = "", header: str = "", body: str = BODY) -> bytes:
    return (
        f"<html><head><title>{title}</title>{head}</head><body><article>"
        f"<h1>{title}</h1>{header}{body}</article></body></html>"
    ).encode()


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def second_poll(site: Site, httpserver: HTTPServer, pages: dict[str, tuple[str, bytes]]) -> None:
    """Serve ``pages`` (path: title, page) as a feed's undated items on its second poll
    (the first found the feed empty), with the page fetched for each."""
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    assert site.cli("run", "--now", FIRST) == 0
    httpserver.clear()
    items = []
    for path, (title, body) in pages.items():
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html")
        items.append({"title": title, "link": httpserver.url_for(path), "guid": path})
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    assert site.cli("run", "--now", NOW) == 0


# -- s07: a zoned date beats a naive one of the same wall time ---------------------------


def test_a_zoned_page_date_beats_a_naive_json_ld_one(site: Site, httpserver: HTTPServer) -> None:
    naive = ld(
        {"@type": "NewsArticle", "headline": "Naive", "datePublished": "2026-12-07T05:00:00"}
    )
    zoned = '<meta property="article:published_time" content="2026-12-07T05:00:00+08:00">'
    spaced = ld({"@type": "NewsArticle", "datePublished": "2026-12-07 06:00:00"})
    zoned6 = '<meta property="article:published_time" content="2026-12-07T06:00:00+08:00">'
    second_poll(
        site,
        httpserver,
        {
            "/n/1": ("Naive", page("Naive", naive + zoned)),
            "/n/2": ("Spaced", page("Spaced", spaced + zoned6)),
        },
    )
    assert front(site, "2026-12-06-Naive.md")["date"] == "2026-12-06T21:00:00.000Z"
    assert front(site, "2026-12-06-Spaced.md")["date"] == "2026-12-06T22:00:00.000Z"


# -- s40: the JSON-LD object that is the page's article dates it --------------------------

RELATED = {
    "@type": "NewsArticle",
    "headline": "An older related story",
    "datePublished": "2026-11-02T06:00:00Z",
    "url": "http://127.0.0.1/old-related",
}


def own(title: str) -> dict[str, str]:
    return {"@type": "NewsArticle", "headline": title, "datePublished": "2026-12-07T06:00:00Z"}


LD_PAGES: dict[str, tuple[str, object]] = {
    "/ld/array": ("Array first", [RELATED, own("Array first")]),
    "/ld/graph": (
        "Graph first",
        {"@context": "https://schema.org", "@graph": [RELATED, own("Graph first")]},
    ),
    "/ld/list": (
        "List first",
        [
            {"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": RELATED}]},
            own("List first"),
        ],
    ),
    "/ld/haspart": (
        "Has part",
        {"@type": "WebPage", "hasPart": [RELATED], "mainEntity": own("Has part")},
    ),
}


def test_a_related_storys_json_ld_never_dates_the_page(site: Site, httpserver: HTTPServer) -> None:
    pages = {path: (title, page(title, ld(data))) for path, (title, data) in LD_PAGES.items()}
    # Two articles, neither the page's by its headline or URL: JSON-LD is not guessed
    # from; the page's <meta> dates it.
    two = [RELATED, {**RELATED, "headline": "Another", "datePublished": "2026-11-03T06:00:00Z"}]
    meta = '<meta property="article:published_time" content="2026-12-07T07:00:00Z">'
    pages["/ld/two"] = ("Neither", page("Neither", ld(two) + meta))
    second_poll(site, httpserver, pages)
    for title, _ in LD_PAGES.values():
        assert front(site, f"2026-12-07-{title}.md")["date"] == "2026-12-07T06:00:00.000Z"
    assert front(site, "2026-12-07-Neither.md")["date"] == "2026-12-07T07:00:00.000Z"


# -- s41: the publication date, never the update, dates a post ----------------------------

UPDATED: dict[str, tuple[str, str, str]] = {
    "/u/time": (
        "Time tags",
        '<p class="meta">Updated <time class="updated" datetime="2026-12-07T10:00:00Z">Dec 7'
        '</time> · Published <time class="published" datetime="2026-12-05T08:00:00Z">Dec 5'
        "</time></p>",
        "2026-12-05T08:00:00.000Z",
    ),
    "/u/cn": (
        "Text dates",
        '<div class="info">更新时间：2026年12月07日 10:00 北京时间'
        " 发布时间：2026年12月05日 08:00 北京时间</div>",
        "2026-12-05T00:00:00.000Z",
    ),
    # An update the only date: the archiving time dates the post.
    "/u/only": (
        "Updated only",
        '<time class="entry-date updated" datetime="2026-12-07T10:00:00Z">Updated Dec 7</time>',
        NOW_DATE,
    ),
}


def test_an_update_never_dates_a_post(site: Site, httpserver: HTTPServer) -> None:
    pages = {
        path: (title, page(title, header=header)) for path, (title, header, _) in UPDATED.items()
    }
    second_poll(site, httpserver, pages)
    for title, _, expected in UPDATED.values():
        name = f"{expected[:10]}-{title}.md"
        assert name in site.post_names(), (title, site.post_names())
        assert front(site, name)["date"] == expected, title


# -- s61: a date in the article's prose never dates it ------------------------------------


def test_a_date_in_the_first_sentence_never_dates_a_post(
    site: Site, httpserver: HTTPServer
) -> None:
    cn = "<p>2026年12月1日，国务院宣布了一项新的住房政策。一周后，各地开始执行细则。</p>" + BODY
    en = (
        "<p>On December 1, 2026 at 10:00 AM the council voted."
        " A week on, residents are divided.</p>"
    )
    timed = (
        '<p>The council voted on <time datetime="2026-12-01T10:00:00Z">December 1</time>,'
        " and a week on residents are divided.</p>"
    )
    second_poll(
        site,
        httpserver,
        {
            "/cn/1": ("住房政策一周观察", page("住房政策一周观察", body=cn)),
            "/en/1": ("A week after the vote", page("A week after the vote", body=en + BODY)),
            "/en/2": ("Time in prose", page("Time in prose", body=timed + BODY)),
        },
    )
    assert front(site, "2026-12-07-Time in prose.md")["date"] == NOW_DATE
    assert front(site, "2026-12-07-住房政策一周观察.md")["date"] == NOW_DATE
    assert front(site, "2026-12-07-A week after the vote.md")["date"] == NOW_DATE


# -- s47: an id's 8 digits are no day -----------------------------------------------------


def test_an_articles_id_in_its_url_is_no_day(site: Site, httpserver: HTTPServer) -> None:
    paths = {
        "/article/19991231.html": "Id file",
        "/p/20190503-x": "Id slug",
        "/story/12/20200101": "Id last",
        "/a/2019/0503": "Id split",
        "/news/20261201/dir.html": "A day's folder",
    }
    second_poll(site, httpserver, {p: (t, page(t)) for p, t in paths.items()})
    for title in ("Id file", "Id slug", "Id last", "Id split"):
        assert front(site, f"2026-12-07-{title}.md")["date"] == NOW_DATE, site.post_names()
    assert front(site, "2026-12-01-A day's folder.md")["date"] == "2026-12-01T00:00:00.000Z"


# -- s43: a page date that is the request's time is no publication date --------------------


def test_a_page_date_that_is_the_fetch_time_is_not_a_2019_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    now_meta = f'<meta property="article:published_time" content="{NOW}">'
    urls = []
    for day in (3, 4):
        path = f"/2019/05/0{day}/old-{day}.html"
        httpserver.expect_request(path).respond_with_data(
            page(f"Old {day}", now_meta), content_type="text/html"
        )
        urls.append(httpserver.url_for(path))
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("backfill", "--now", NOW, *urls) == 0
    err = capsys.readouterr().err
    for day, url in zip((3, 4), urls, strict=True):
        assert (
            front(site, f"2019-05-0{day}-Old {day}.md")["date"] == f"2019-05-0{day}T00:00:00.000Z"
        )
        assert any(url in line and "its URL's day" in line for line in err.splitlines()), err


# -- look16g F13: a byline's date is no prose's ----------------------------------------------


def test_a_bylines_source_line_and_a_date_block_date_the_page(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    source = '<div class="date">2026年12月4日 10:00，来源：新华社</div>'
    block = '<div class="meta">December 2, 2026.</div>'
    second_poll(
        site,
        httpserver,
        {
            "/cn/2": ("新华社稿", page("新华社稿", header=source)),
            "/en/3": ("Date block", page("Date block", header=block)),
        },
    )
    assert front(site, "2026-12-04-新华社稿.md")["date"] == "2026-12-04T10:00:00.000Z"
    assert front(site, "2026-12-02-Date block.md")["date"] == "2026-12-02T00:00:00.000Z"
    assert "no date" not in capsys.readouterr().err


# -- look16g F15: a fresh article's page date is no fetch time -------------------------------


def test_a_fresh_article_whose_url_names_a_recent_day_keeps_its_page_date(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = '<meta property="article:published_time" content="2026-12-07T11:55:00Z">'
    second_poll(
        site,
        httpserver,
        {"/2026/11/28/concert-review": ("Concert review", page("Concert review", fresh))},
    )
    assert front(site, "2026-12-07-Concert review.md")["date"] == "2026-12-07T11:55:00.000Z"
    assert "the time it was fetched" not in capsys.readouterr().err


# -- look16g F14: the page's own article, its headline cut, its @id tracked ----------------

LONG = (
    "Council votes to extend the northern tram line to the airport after a decade of delays,"
    " cost overruns and two public inquiries into the original contract"
)


def test_the_pages_own_json_ld_article_with_a_cut_headline_or_a_tracked_id(
    site: Site, httpserver: HTTPServer
) -> None:
    def graph(path: str, headline: str, day: int) -> str:
        own = {
            "@type": "NewsArticle",
            "headline": headline,
            "datePublished": f"2026-12-0{day}T09:00:00+00:00",
            "mainEntityOfPage": {
                "@type": "WebPage",
                "@id": httpserver.url_for(path) + "?utm_source=x",
            },
        }
        return ld({"@context": "https://schema.org", "@graph": [own, RELATED_ARTICLE]})

    second_poll(
        site,
        httpserver,
        {
            "/t1": ("Cut", page(LONG, graph("/t1", LONG[:107] + "...", 1))),
            "/t3": ("Tracked", page("Tracked", graph("/t3", "An SEO headline", 3))),
        },
    )
    assert front(site, "2026-12-01-Cut.md")["date"] == "2026-12-01T09:00:00.000Z"
    assert front(site, "2026-12-03-Tracked.md")["date"] == "2026-12-03T09:00:00.000Z"


RELATED_ARTICLE = {
    "@type": "NewsArticle",
    "headline": "Airport passenger numbers rise",
    "datePublished": "2026-11-20T09:00:00+00:00",
    "url": "https://example.com/t9",
}
