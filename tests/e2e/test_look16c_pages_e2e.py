"""look16c F1 and F2: what is taken for the article. A page answering 200 with a wall
(a bot wall, a maintenance page, a consent wall, a soft 404, a login wall, a paywall
teaser) is no article: a failed attempt, said, retried later. A feed's teaser (a
WordPress more-link, Yoast's "appeared first on", "Read the full article", "点击查看原文",
a last paragraph that links to the item's own page) is no whole article: the page is
fetched. The real CLI against one real local HTTP server."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss
from werkzeug import Request, Response

# -- F1: a wall answering 200 is no article ----------------------------------------------

WALLS = {
    "cf": "<html><head><title>Just a moment...</title></head><body><h1>Checking your browser"
    " before accessing the site.</h1><p>This process is automatic. Your browser will"
    " redirect to your requested content shortly. Please allow up to 5 seconds while we"
    " check that your connection is secure.</p><form id='challenge-form' action='/x'>"
    "</form></body></html>",
    "maint": "<html><head><title>Service Unavailable</title></head><body><h1>503 Service"
    " Temporarily Unavailable</h1><p>The server is temporarily unable to service your"
    " request due to maintenance downtime or capacity problems. Please try again later. We"
    " apologise for the inconvenience and thank you for your patience.</p></body></html>",
    "consent": "<html><head><title>Before you continue</title></head><body><h1>We value"
    " your privacy</h1><p>We and our 842 partners store and access information on your"
    " device, such as cookies, and process personal data such as unique identifiers for"
    " personalised advertising and content, advertising and content measurement, audience"
    " research and services development. You can accept or manage your choices below.</p>"
    "<button>Accept all</button><button>Reject all</button></body></html>",
    "soft404": "<html><head><title>Page not found | Example News</title></head><body><h1>"
    "Sorry, we couldn't find that page</h1><p>The page you requested may have been moved"
    " or deleted, or it may not be published yet. Check the address, or try one of the"
    " links below. Our newsroom publishes new stories every hour, so the story you are"
    " looking for may appear shortly under a new address.</p><p>You can also search our"
    " archive or return to the front page for the latest news.</p></body></html>",
    "login": "<html><head><title>Log in</title></head><body><h1>Log in to continue</h1><p>"
    "This article is available to registered readers only. Please log in or create a free"
    " account to continue reading our journalism, which depends on readers like you.</p>"
    "<form action='/login'><input name='user'><input type='password' name='pw'></form>"
    "</body></html>",
    "paywall": "<html><head><title>Budget day</title></head><body><article><h1>Budget day"
    "</h1><p>The city council on Tuesday approved a budget for the river district, after a"
    " long debate in which residents raised concerns about traffic and noise.</p><p>"
    "Subscribe to continue reading. Already a subscriber? Log in to read the full article."
    "</p></article></body></html>",
}

# A real article that mentions logging in, cookies and subscribing in passing, on a page
# with a log-in box in its header: archived as it is.
PASSING = (
    "<html><head><title>Bakery wins prize</title></head><body><header><form"
    " action='/login'><input name='user'><input type='password' name='pw'>"
    "<button>Log in</button></form></header><article><h1>Bakery wins prize</h1>"
    "<p>The corner bakery on Main Street won the regional prize for its oatmeal cookies on"
    " Saturday, its owner said.</p><p>Members of the jury said they had to log in to the"
    " contest's site to see the entries, and that the cookies stood out.</p><p>The owner"
    " plans to open a second shop in the spring.</p></article></body></html>"
)


def _pages(httpserver: HTTPServer, pages: dict[str, str]) -> None:
    def handler(request: Request) -> Response:
        name = request.path.rsplit("/", 1)[1]
        return Response(pages[name], content_type="text/html; charset=utf-8")

    for name in pages:
        httpserver.expect_request(f"/a/{name}").respond_with_handler(handler)


def _run(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict]:
    code = site.cli("run", "--now", now, "--json")
    return code, json.loads(capsys.readouterr().out)


def _bodies(site: Site) -> dict[str, str]:
    return {name: (site.posts / name).read_text(encoding="utf-8") for name in site.post_names()}


def test_a_wall_answering_200_is_a_failed_attempt_retried_and_a_real_article_is_kept(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {**WALLS, "passing": PASSING}
    _pages(httpserver, pages)
    items = [
        {
            "title": "Bakery wins prize" if name == "passing" else f"Budget day {name}",
            "link": httpserver.url_for(f"/a/{name}"),
            "guid": name,
            "pubDate": "Tue, 01 Dec 2026 10:00:00 GMT",
        }
        for name in pages
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report = _run(site, capsys, "2026-12-02T00:00:00Z")
    failed = {
        f["url"].rsplit("/", 1)[1]: f["reason"] for r in report["results"] for f in r["failed"]
    }
    assert sorted(failed) == sorted(WALLS), report
    for name, reason in failed.items():
        assert "its page holds no article" in reason, (name, reason)
    assert "a bot wall" in failed["cf"] and "a login" in failed["login"], failed
    (post,) = _bodies(site).values()
    assert "oatmeal cookies" in post and "log in to the contest" in post
    assert code == 1
    # The real pages are back: each article is archived from its page.
    for name in WALLS:
        pages[name] = article(f"Budget day {name}").decode()
    code, report = _run(site, capsys, "2026-12-03T12:00:00Z")
    assert code == 0, report
    texts = "\n".join(_bodies(site).values())
    for name in WALLS:
        assert f"Budget day {name}: paragraph 5" in texts, name
    for wall in ("This process is automatic", "842 partners", "registered readers only"):
        assert wall not in texts


def test_a_backfilled_soft_404_or_login_wall_is_a_failure_and_a_short_article_is_not(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _pages(httpserver, {"soft404": WALLS["soft404"], "login": WALLS["login"], "passing": PASSING})
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    urls = [httpserver.url_for(f"/a/{name}") for name in ("soft404", "login", "passing")]
    code = site.cli("backfill", "--now", "2026-12-02T00:00:00Z", "--json", *urls)
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["failed"] == 2, report
    # A short article that says "log in" under a log-in box, with no item title to
    # match: archived.
    (post,) = _bodies(site).values()
    assert "oatmeal cookies" in post


def test_with_content_auto_a_wall_is_retried_then_the_feed_text_is_archived_when_given_up(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _pages(httpserver, {"cf": WALLS["cf"]})
    item = {
        "title": "Budget day cf",
        "link": httpserver.url_for("/a/cf"),
        "content": "<p>The council approved the budget on Tuesday.</p>",
    }
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([item]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "auto", "url": httpserver.url_for("/feed.xml")}])
    # The retry policy's spacing: 15 minutes, 1 hour, 6 hours, then 24 hours.
    times = ["T00:00", "T00:20", "T01:30", "T08:00"]
    for now in times:
        code, report = _run(site, capsys, f"2026-12-02{now}:00Z")
        assert code == 1 and site.post_names() == [], (now, report)
    code, report = _run(site, capsys, "2026-12-03T09:00:00Z")
    assert code == 0 and site.post_names(), report
    (post,) = _bodies(site).values()
    assert "The council approved the budget" in post and "This process" not in post
    warnings = [w for r in report["results"] for w in r["warnings"]]
    assert any("a bot wall" in w and "feed's text instead" in w for w in warnings), report


# -- F2: a feed's teaser is no whole article -----------------------------------------------

LEAD = "".join(
    f"<p>Lead paragraph {i}: the council met on Tuesday to discuss the plan.</p>" for i in range(3)
)
TEASERS = {
    "wp_more": lambda link: (
        LEAD + f'<p><a href="{link}#more-12" class="more-link">Continue'
        ' reading<span class="screen-reader-text"> “Council plan”</span></a></p>'
    ),
    "yoast": lambda link: (
        "<p>"
        + "The council met on Tuesday to discuss the new plan for the river district. " * 8
        + " [&#8230;]</p>"
        + f'<p>The post <a href="{link}">Council plan</a> appeared first on'
        ' <a href="http://127.0.0.1/">Example News</a>.</p>'
    ),
    "fulllink": lambda link: (
        LEAD + f'<p><a href="{link}">Read the full article on Example News</a></p>'
    ),
    "zh": lambda link: (
        "".join(f"<p>市议会周二召开会议讨论河区新计划第{i}段。</p>" for i in range(3))
        + f'<p><a href="{link}">点击查看原文</a></p>'
    ),
    "ownlink": lambda link: LEAD + f'<p><a href="{link}">Council plan</a></p>',
}


def test_a_feed_teaser_fetches_the_page_and_a_full_text_with_a_source_link_does_not(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [*TEASERS, "full"]
    for name in names:
        httpserver.expect_request(f"/a/{name}").respond_with_data(
            article(f"Council plan {name}", paragraphs=10), content_type="text/html"
        )
    full = (
        "".join(
            f"<p>Full paragraph {i}: the council met on Tuesday and agreed on the plan.</p>"
            for i in range(6)
        )
        + '<p>Source: <a href="http://news.example.org/story/1">Example Wire</a></p>'
    )
    items = []
    for name in names:
        link = httpserver.url_for(f"/a/{name}")
        content = full if name == "full" else TEASERS[name](link)
        items.append({"title": f"Council plan {name}", "link": link, "content": content})
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "auto", "url": httpserver.url_for("/feed.xml")}])
    code, report = _run(site, capsys, "2026-12-02T00:00:00Z")
    assert code == 0, report
    fetched = sorted({r.path.rsplit("/", 1)[1] for r, _ in httpserver.log if "/a/" in r.path})
    assert fetched == sorted(TEASERS)
    bodies = _bodies(site)
    for name in TEASERS:
        (post,) = [text for text in bodies.values() if f"Council plan {name}: paragraph" in text]
        assert f"Council plan {name}: paragraph 9" in post, name
    (post,) = [text for text in bodies.values() if "Full paragraph 5" in text]
    assert "Example Wire" in post
