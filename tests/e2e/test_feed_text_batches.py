"""Posts made from the feed's own text go to worker processes many to a call, and large
feeds are parsed there; one slow item still fails alone, and summaries still fetch their
pages."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from support import slow_feed_posts
from test_e2e import article, paths, rss

from rssarchive.extract import workers
from rssarchive.run import pipeline
from rssarchive.sources import feeds


def story(n: int, paragraphs: int = 8) -> str:
    return "".join(
        f"<p>Story {n}, paragraph {i}: the whole article is carried by the feed itself.</p>"
        for i in range(paragraphs)
    )


def run_with_a_short_time_limit(
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    about: str,
) -> None:
    """``rssarchive run`` with the worker time limit at 4 s: it exits 1, and the one
    line of its output that names ``about`` (once) gives that limit as the reason."""
    monkeypatch.setattr(workers, "EXTRACT_TIMEOUT", 4)

    assert site.cli("run") == 1

    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if about in line]
    assert len(lines) == 1
    assert "took longer than 4 s in a worker process" in lines[0]
    assert lines[0].count(about) == 1  # the error carries its URL, printed once
    assert "Traceback" not in out.out + out.err


def test_a_hung_item_fails_alone_and_the_rest_of_its_batch_is_written(
    site: Site,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    count = pipeline.FEED_POSTS_PER_CALL + 4  # two batches
    items = [
        {
            "title": f"Story {n}",
            "link": httpserver.url_for(f"/s/{n}.html"),
            "content": story(n) + (slow_feed_posts.MARK if n == 3 else ""),
        }
        for n in range(count)
    ]
    httpserver.expect_request("/full.xml").respond_with_data(rss(items))
    site.write_config([{"name": "Full", "url": httpserver.url_for("/full.xml"), "content": "feed"}])
    monkeypatch.setattr(pipeline, "feed_posts", slow_feed_posts.feed_posts)

    run_with_a_short_time_limit(site, monkeypatch, capsys, "/s/3.html")

    names = site.post_names()
    assert len(names) == count - 1
    assert not any("story-3" in name for name in names)
    assert paths(httpserver) == ["/full.xml"]


def test_summaries_in_a_batch_fetch_their_pages(site: Site, httpserver: HTTPServer) -> None:
    items = [
        {"title": f"Full {n}", "link": httpserver.url_for(f"/full/{n}.html"), "content": story(n)}
        for n in range(3)
    ] + [
        {
            "title": f"Teaser {n}",
            "link": httpserver.url_for(f"/teaser/{n}.html"),
            "content": "<p>Short.</p>",
        }
        for n in range(2)
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    for n in range(2):
        httpserver.expect_request(f"/teaser/{n}.html").respond_with_data(
            article(f"Teaser page {n}"), content_type="text/html"
        )
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])  # content: auto

    assert site.cli("run") == 0

    assert sorted(paths(httpserver)) == ["/feed.xml", "/teaser/0.html", "/teaser/1.html"]
    texts = [(site.posts / name).read_text("utf-8") for name in site.post_names()]
    assert len(texts) == 5
    assert sum("Teaser page" in text for text in texts) == 2
    assert sum("the whole article is carried by the feed" in text for text in texts) == 3


def test_a_feed_too_large_to_parse_in_the_run_is_parsed_in_a_worker(
    site: Site, httpserver: HTTPServer
) -> None:
    items = [
        {"title": f"Story {n}", "link": httpserver.url_for(f"/s/{n}.html"), "content": story(n, 40)}
        for n in range(200)
    ]
    body = rss(items)
    assert len(body) > pipeline.PARSE_IN_WORKER_BYTES
    httpserver.expect_request("/big.xml").respond_with_data(body)
    site.write_config([{"name": "Big", "url": httpserver.url_for("/big.xml"), "content": "feed"}])

    assert site.cli("run") == 0

    assert len(site.post_names()) == 200


def test_a_feed_that_hangs_its_parser_fails_alone_with_a_one_line_reason(
    site: Site,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = [{"title": "Fine", "link": httpserver.url_for("/s/1.html"), "content": story(1)}]
    hung = [{"title": slow_feed_posts.MARK, "link": httpserver.url_for("/s/2.html")}]
    httpserver.expect_request("/good.xml").respond_with_data(rss(good))
    httpserver.expect_request("/hung.xml").respond_with_data(rss(hung))
    site.write_config(
        [
            {"name": "Hung", "url": httpserver.url_for("/hung.xml"), "content": "feed"},
            {"name": "Good", "url": httpserver.url_for("/good.xml"), "content": "feed"},
        ]
    )
    monkeypatch.setattr(feeds, "read_feed", slow_feed_posts.read_feed)
    monkeypatch.setattr(pipeline, "PARSE_IN_WORKER_BYTES", 1)  # every feed in a worker

    run_with_a_short_time_limit(site, monkeypatch, capsys, "hung.xml")

    (name,) = site.post_names()
    assert "Story 1" in (site.posts / name).read_text("utf-8")
