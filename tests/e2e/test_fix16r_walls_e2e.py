"""look16d F3, F4, F5, F6, F12: the "not the article" rules are conservative, since a
false one loses an article for good (given up). Short real articles whose last
paragraph says "members" and "register", whose headline reads like a wall's phrase or
differs from the feed's title only in case, or whose text says "access denied", are
archived; a wall that shows the article's headline but nothing else of it is a failed
attempt; a feed's whole text is kept when the page fetched for it (a paywalled view)
gives less. The real CLI against one real local HTTP server."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss
from werkzeug import Request, Response


def _page(title: str, paragraphs: list[str], h1: str | None = None) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><meta charset='utf-8'><title>{title} | Example News</title></head>"
        f"<body><header><a href='/'>Home</a></header><article><h1>{h1 or title}</h1>{body}"
        "</article></body></html>"
    )


def _serve(httpserver: HTTPServer, pages: dict[str, str]) -> None:
    def handler(request: Request) -> Response:
        return Response(pages[request.path.rsplit("/", 1)[1]], content_type="text/html")

    for name in pages:
        httpserver.expect_request(f"/n/{name}").respond_with_handler(handler)


def _run(site: Site, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = site.cli(*args, "--json")
    return code, json.loads(capsys.readouterr().out)


def _bodies(site: Site) -> str:
    return "\n".join((site.posts / n).read_text(encoding="utf-8") for n in site.post_names())


# (feed title, page h1 or None for the same, paragraphs)
SHORT = {
    "council": (
        "Council approves 2027 budget",
        None,
        [
            "The city council approved the 2027 budget on Tuesday by a vote of 7 to 2.",
            "Council members said registered voters can comment at the next session.",
        ],
    ),
    "insurance": (
        "Health insurance costs to rise",
        None,
        [
            "Health insurance costs will rise by 8 percent next year, the regulator said.",
            "Premiums for members of the state plan rise in January.",
        ],
    ),
    "zh": (
        "新规明年实施",
        None,
        [
            "市政府周二宣布，关于社区停车管理的新规将于明年一月正式实施，届时各小区将按照新的"
            "收费标准执行，并增设夜间临时停车位，方便晚归的居民停放车辆。",
            "市民可登录政务网站注册预约。",
        ],
    ),
    "court": (
        "Reporters barred from trial",
        "Judge closes courtroom",
        ["A judge closed the courtroom; the access denied to reporters was criticised."],
    ),
    "airport": (
        "Long queues at airport",
        "Terminal 2 chaos",
        ["Travellers waited two hours as a security check system failed at Terminal 2."],
    ),
    "train": (
        "Train service unavailable after storm",
        "Train Service Unavailable After Storm",
        ["Rail operator said trains will not run on Tuesday after the storm damaged the line."],
    ),
    "bridge": (
        "Old bridge under maintenance until May",
        "Old Bridge Under Maintenance Until May",
        ["The city said the old bridge will be closed to cars until May."],
    ),
    "streaming": (
        "Streaming content no longer available in Russia",
        "Streaming  Content No Longer Available In Russia",
        ["Several services withdrew their catalogues on Friday, the companies said."],
    ),
}


def test_short_real_articles_with_wall_like_words_are_archived_not_failed(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpserver, {name: _page(h1 or t, ps, h1) for name, (t, h1, ps) in SHORT.items()})
    items = [
        {
            "title": title,
            "link": httpserver.url_for(f"/n/{name}"),
            "guid": name,
            "pubDate": "Mon, 07 Dec 2026 01:00:00 GMT",
        }
        for name, (title, _, _) in SHORT.items()
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report = _run(site, capsys, "run", "--now", "2026-12-07T12:00:00Z")
    failed = [f for r in report["results"] for f in r["failed"]]
    assert code == 0 and failed == [], failed
    assert len(site.post_names()) == len(SHORT)
    texts = _bodies(site)
    for _, _, paragraphs in SHORT.values():
        assert paragraphs[-1] in texts


def test_backfilled_short_articles_need_strong_signs_to_fail(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {
        "cookies": _page(
            "We use cookies to track shoppers, FTC says",
            ["The FTC said on Monday that large retailers use cookies to track shoppers."],
        ),
        "train": _page(
            "Train service unavailable after storm",
            ["Rail operator said trains will not run on Tuesday after the storm."],
        ),
        "eu": _page(
            "EU agrees on asylum rules",
            [
                "EU ministers agreed on new asylum rules on Thursday after two years of talks.",
                "The 27 member states must register their plans by March.",
            ],
        ),
        "premium": (
            "<html><head><title>Premium bonds prize rises</title></head><body><header><form>"
            "<input type='password'></form></header><h1>Premium bonds prize rises</h1><p>The"
            " monthly prize fund rises in January, the Treasury said.</p></body></html>"
        ),
        # Strong signs: a challenge script; a login prompt and a password input alone.
        "challenge": (
            "<html><head><title>Example News</title></head><body><h1>Example News</h1>"
            "<p>Please wait while we check your connection.</p><form id='challenge-form'>"
            "</form></body></html>"
        ),
        "login": (
            "<html><head><title>Log in | Example News</title></head><body><h1>Log in</h1>"
            "<p>Log in to read this article.</p><form action='/session'><input name='e'>"
            "<input type='password'></form></body></html>"
        ),
    }
    _serve(httpserver, pages)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    urls = [httpserver.url_for(f"/n/{name}") for name in pages]
    _, report = _run(site, capsys, "backfill", "--now", "2026-12-07T12:00:00Z", *urls)
    failed = sorted(f["url"].rsplit("/", 1)[1] for r in report["results"] for f in r["failed"])
    assert failed == ["challenge", "login"], report
    assert len(site.post_names()) == 4


WALLS_WITH_HEADLINE = {
    "login": (
        "<html><head><title>Minister resigns over budget row | Example Times</title></head>"
        "<body><h1>Minister resigns over budget row</h1><p>Log in to read this article.</p>"
        "<form action='/account/session' method='post'><input name='email'>"
        "<input type='password' name='pw'><button>Go</button></form></body></html>"
    ),
    "consent": (
        "<html><head><title>Storm closes port | Example Times</title></head><body>"
        "<h1>Storm closes port</h1><p>We and our 842 partners use cookies to personalise"
        " content. Accept all to continue to the article.</p><button>Accept all</button>"
        "</body></html>"
    ),
    "gone": (
        "<html><head><title>Flood warning lifted | Example Times</title></head><body>"
        "<h1>Flood warning lifted</h1><p>Sorry, this story is no longer available.</p>"
        "</body></html>"
    ),
}
HEADLINES = {
    "login": "Minister resigns over budget row",
    "consent": "Storm closes port",
    "gone": "Flood warning lifted",
}


def test_a_wall_showing_the_headline_and_nothing_else_is_a_failed_attempt(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = dict(WALLS_WITH_HEADLINE)
    _serve(httpserver, pages)
    items = [
        {
            "title": HEADLINES[name],
            "link": httpserver.url_for(f"/n/{name}"),
            "guid": name,
            "pubDate": "Mon, 07 Dec 2026 01:00:00 GMT",
        }
        for name in pages
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report = _run(site, capsys, "run", "--now", "2026-12-07T12:00:00Z")
    failed = {
        f["url"].rsplit("/", 1)[1]: f["reason"] for r in report["results"] for f in r["failed"]
    }
    assert code == 1 and sorted(failed) == sorted(pages), report
    for reason in failed.values():
        assert "its page holds no article" in reason
    assert site.post_names() == []
    # The articles come back: archived, the headline apart from the text (F12).
    for name in pages:
        pages[name] = (
            f"<html><head><title>{HEADLINES[name]}</title></head><body>"
            f"<h1>{HEADLINES[name]}</h1><p>The full story of {name}, told in a paragraph"
            " long enough to be the article's own text.</p></body></html>"
        )
    code, report = _run(site, capsys, "run", "--now", "2026-12-07T12:30:00Z")
    assert code == 0 and len(site.post_names()) == 3, report
    texts = _bodies(site)
    assert "Log in to read" not in texts and "842 partners" not in texts
    assert "lifted The full story of gone" in texts, texts


FULL = [
    f"Paragraph {i} of the full article as the feed gives it, with many details on the"
    " council vote and reactions from residents across the city."
    for i in range(6)
]


def test_a_feed_full_text_beats_a_paywalled_page_that_gives_less(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    endings = {
        "dots": "“We will see what happens next...”",
        "readmore": f"<a href='{httpserver.url_for('/n/other')}'>Read more</a>",
        "zh": "他说：“我们再看看……”",
        "prompt": "Subscribe to continue reading.",
    }
    pages = {name: _page(f"Council vote {name}", [*FULL[:2], "Members only"]) for name in endings}
    _serve(httpserver, pages)
    items = [
        {
            "title": f"Council vote {name}",
            "link": httpserver.url_for(f"/n/{name}"),
            "guid": name,
            "pubDate": "Mon, 07 Dec 2026 01:00:00 GMT",
            "content": "".join(f"<p>{p}</p>" for p in [*FULL, last]),
        }
        for name, last in endings.items()
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "auto", "url": httpserver.url_for("/feed.xml")}])
    code, report = _run(site, capsys, "run", "--now", "2026-12-07T12:00:00Z")
    assert code == 0 and len(site.post_names()) == 4, report
    for name in site.post_names():
        assert "Paragraph 5 of the full article" in (site.posts / name).read_text("utf-8"), name
    # A long text ending with "…" or a "Read more" elsewhere is the whole article: its page
    # is not fetched; the teaser-like one ("Subscribe to continue reading") is, and gives
    # less than the feed, said.
    fetched = sorted({r.path.rsplit("/", 1)[1] for r, _ in httpserver.log if "/n/" in r.path})
    assert fetched == ["prompt"], fetched
    warnings = [w for r in report["results"] for w in r["warnings"]]
    assert any("/n/prompt" in w and "feed's text" in w for w in warnings), warnings
