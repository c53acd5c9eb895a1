"""End to end through the real CLI, against a real HTTP server on 127.0.0.1.

These are the "Done when" checks of the archiver: the seeds byte for byte, cron
semantics (conditional GET, nothing twice), backfill, content modes, adoption of an
existing archive, bad config and a dead feed beside a good one.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from seedkit import rebuild_seed
from werkzeug import Request, Response

SEEDS = sorted((Path(__file__).parent.parent / "golden" / "seeds").glob("*.txt"))
GENERIC_PAGE = Path(__file__).parent.parent / "pages" / "generic-news.html"


def rss(items: list[dict[str, str]], title: str = "Test feed") -> bytes:
    parts = []
    for item in items:
        fields = "".join(
            f"<{key}>{escape(value)}</{key}>" for key, value in item.items() if key != "content"
        )
        if "content" in item:
            fields += f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
        parts.append(f"<item>{fields}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>http://127.0.0.1/</link>"
        f"{''.join(parts)}</channel></rss>"
    ).encode()


def serve_with_etag(server: HTTPServer, path: str, body: bytes, etag: str = 'W/"v1"') -> None:
    """Serve ``body`` with an ETag, answering 304 to a matching If-None-Match."""

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    server.expect_request(path).respond_with_handler(handler)


def paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def article(title: str, paragraphs: int = 6) -> bytes:
    body = "".join(
        f"<p>{title}: paragraph {i} of a test article with enough words "
        f"to count as a body for the extractor.</p>"
        for i in range(paragraphs)
    )
    return (
        f"<html><head><title>{title}</title></head><body><div id='storytext'>{body}"
        "</div></body></html>"
    ).encode()


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed_comes_back_byte_for_byte(site: Site, httpserver: HTTPServer, seed: Path) -> None:
    url = httpserver.url_for("/mandarin/yataibaodao/junshiwaijiao/story-07232024133227.html")
    case = rebuild_seed(seed, url)
    httpserver.expect_request("/rss2.xml").respond_with_data(
        case.feed_xml, content_type="application/rss+xml"
    )
    httpserver.expect_request(
        "/mandarin/yataibaodao/junshiwaijiao/story-07232024133227.html"
    ).respond_with_data(case.page_html, content_type="text/html")
    site.write_config(
        [{"name": "自由亚洲电台", "url": httpserver.url_for("/rss2.xml"), "content": "page"}]
    )
    assert site.cli("run", "--now", case.now.isoformat()) == 0
    assert site.post_names() == [case.filename]
    assert (site.posts / case.filename).read_bytes() == case.expected_text.encode("utf-8")


def test_cron_second_run_is_conditional_and_writes_nothing(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        {"title": f"第{i}篇", "link": httpserver.url_for(f"/a/{i}.html"), "guid": f"g{i}"}
        for i in range(3)
    ]
    serve_with_etag(httpserver, "/feed.xml", rss(items))
    for i in range(3):
        httpserver.expect_request(f"/a/{i}.html").respond_with_data(
            article(f"第{i}篇"), content_type="text/html; charset=utf-8"
        )
    site.write_config([{"name": "feed", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    assert site.cli("run") == 0
    assert len(site.post_names()) == 3
    assert "feeds polled: 1, new posts: 3, skipped: 0, failed: 0" in capsys.readouterr().out
    before = {p: (site.posts / p).stat().st_mtime_ns for p in site.post_names()}
    httpserver.clear_log()

    assert site.cli("run") == 0
    assert paths(httpserver) == ["/feed.xml"]  # no article page fetched
    request, response = httpserver.log[0]
    assert request.headers.get("If-None-Match") == 'W/"v1"'  # validator sent back verbatim
    assert response.status_code == 304
    assert {p: (site.posts / p).stat().st_mtime_ns for p in site.post_names()} == before
    assert "new posts: 0" in capsys.readouterr().out


def test_unchanged_items_without_validators_are_skipped(site: Site, httpserver: HTTPServer) -> None:
    # A server without ETag/Last-Modified: the feed is re-read, but nothing is re-archived.
    items = [{"title": "one", "link": httpserver.url_for("/one.html")}]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    httpserver.expect_request("/one.html").respond_with_data(article("one"))
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("run") == 0
    httpserver.clear_log()
    assert site.cli("run") == 0
    assert paths(httpserver) == ["/feed.xml"]
    assert len(site.post_names()) == 1


def test_backfill_by_url_is_idempotent(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/story.html").respond_with_data(
        article("Backfilled story"), content_type="text/html"
    )
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    url = httpserver.url_for("/story.html")
    assert site.cli("backfill", url) == 0
    (name,) = site.post_names()
    text = (site.posts / name).read_text(encoding="utf-8")
    assert 'title: "Backfilled story"' in text
    assert f"from: {url}\n" in text
    assert "tags: [ News ]" in text
    httpserver.clear_log()
    capsys.readouterr()
    assert site.cli("backfill", url, url + "#again") == 0
    assert paths(httpserver) == []
    assert site.post_names() == [name]
    assert "new posts: 0, skipped: 2" in capsys.readouterr().out


def test_backfill_from_file_and_bad_url(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/a.html").respond_with_data(article("A"))
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    listing = site.root / "urls.txt"
    listing.write_text(f"# comment\n{httpserver.url_for('/a.html')}\njavascript:alert(1)\n")
    # Bad usage: said with its line number, before any request.
    assert site.cli("backfill", "--from-file", str(listing)) == 2
    assert site.post_names() == []
    assert paths(httpserver) == []
    assert "line 3: 'javascript:alert(1)': not an absolute http(s) URL" in capsys.readouterr().err


def test_backfill_unknown_feed_is_usage_error(site: Site, httpserver: HTTPServer) -> None:
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("backfill", "--feed", "Nope", httpserver.url_for("/a")) == 2
    assert site.cli("backfill") == 2


def test_content_feed_fetches_no_page(site: Site, httpserver: HTTPServer) -> None:
    items = [
        {
            "title": "Full text",
            "link": httpserver.url_for("/never.html"),
            "content": "<p>The whole story is in the feed.</p>",
        }
    ]
    httpserver.expect_request("/full.xml").respond_with_data(rss(items))
    site.write_config([{"name": "Full", "url": httpserver.url_for("/full.xml"), "content": "feed"}])
    assert site.cli("run") == 0
    assert paths(httpserver) == ["/full.xml"]
    (name,) = site.post_names()
    assert "<p>The whole story is in the feed.</p>" in (site.posts / name).read_text("utf-8")


def test_auto_falls_back_to_feed_text_when_page_is_gone(site: Site, httpserver: HTTPServer) -> None:
    items = [
        {
            "title": "Gone page",
            "link": httpserver.url_for("/gone.html"),
            "content": "<p>Short teaser kept.</p>",
        }
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    httpserver.expect_request("/gone.html").respond_with_data("gone", status=410)
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("run") == 0
    assert "/gone.html" in paths(httpserver)
    (name,) = site.post_names()
    assert "<p>Short teaser kept.</p>" in (site.posts / name).read_text("utf-8")


def test_generic_page_gives_clean_body_and_og_image(site: Site, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/news/story.html").respond_with_data(
        GENERIC_PAGE.read_bytes(), content_type="text/html; charset=utf-8"
    )
    site.write_config([{"name": "Generic", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("backfill", httpserver.url_for("/news/story.html")) == 0
    (name,) = site.post_names()
    text = (site.posts / name).read_text("utf-8")
    body = text.split("<div>\n", 1)[1]
    assert body.startswith('<img src="http://')
    assert 'referrerpolicy="no-referrer"' in body.split(">", 1)[0]
    for noise in ("<nav", "<footer", "<script", "cookie"):
        assert noise not in body.lower()


def test_existing_archive_is_adopted(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [{"title": f"t{i}", "link": httpserver.url_for(f"/p{i}.html")} for i in range(2)]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    httpserver.expect_request("/p1.html").respond_with_data(article("t1"))
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    # A post the old Node script wrote for p0, with the utm-tagged URL form.
    site.posts.mkdir(parents=True)
    old = site.posts / "2024-01-01-t0.md"
    old.write_text(
        f'---\nlayout: post\ntitle: "t0"\nfrom: '
        f"{httpserver.url_for('/p0.html')}?utm_source=RSS\n---\nold\n"
    )
    assert site.cli("run") == 0
    assert "/p0.html" not in paths(httpserver)
    assert len(site.post_names()) == 2
    assert old.read_text().endswith("old\n")
    assert "adopted 1 existing posts" in capsys.readouterr().err


def test_broken_config_exits_2_naming_the_key(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    site.config.write_text("feeds:\n  - {name: a, url: 'not a url'}\n")
    assert site.cli("run") == 2
    err = capsys.readouterr().err
    assert "feeds[0].url" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_dead_feed_beside_good_one(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [{"title": "good", "link": httpserver.url_for("/good.html")}]
    httpserver.expect_request("/good.xml").respond_with_data(rss(items))
    httpserver.expect_request("/good.html").respond_with_data(article("good"))
    httpserver.expect_request("/dead.xml").respond_with_data("no", status=404)
    site.write_config(
        [
            {"name": "dead", "url": httpserver.url_for("/dead.xml")},
            {"name": "refused", "url": "http://127.0.0.1:9/feed.xml"},
            {"name": "good", "url": httpserver.url_for("/good.xml")},
        ]
    )
    assert site.cli("run") == 1
    assert len(site.post_names()) == 1
    err = capsys.readouterr().err
    assert "failed: feed dead:" in err and "404" in err
    assert "failed: feed refused:" in err
    assert "Traceback" not in err


def test_second_run_while_locked_exits_75(site: Site, httpserver: HTTPServer) -> None:
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    lock = site.root / "state" / "state.sqlite3.lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert site.cli("run") == 75
    assert paths(httpserver) == []


def test_dry_run_writes_nothing(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [{"title": "maybe", "link": httpserver.url_for("/m.html")}]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml")}])
    assert site.cli("run", "--dry-run", "--now", "2024-05-06T07:08:09Z") == 0
    assert not (site.root / "site").exists()
    assert not (site.root / "state").exists()
    assert "would write: 2024-05-06-maybe.md" in capsys.readouterr().out
    assert paths(httpserver) == ["/feed.xml"]


def test_pending_article_from_a_killed_run_is_finished(site: Site, httpserver: HTTPServer) -> None:
    from datetime import UTC, datetime

    from rssarchive.core.models import Entry
    from rssarchive.store.state import State

    httpserver.expect_request("/feed.xml").respond_with_data(rss([]))
    httpserver.expect_request("/lost.html").respond_with_data(article("lost"))
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    # A run recorded the article as pending and was killed before writing it; the item
    # has since left the feed.
    state = State.open(site.root / "state" / "state.sqlite3")
    entry = Entry(title="lost", link=httpserver.url_for("/lost.html"))
    state.begin(url_key="x", guid_key=None, feed="f", entry=entry, now=datetime.now(UTC))
    state.close()
    assert site.cli("run") == 0
    (name,) = site.post_names()
    assert name.endswith("-lost.md")
    assert State.open(site.root / "state" / "state.sqlite3").pending() == []


def test_module_entry_point_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rssarchive", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 0
    for word in ("run", "backfill", "--config"):
        assert word in result.stdout


def test_two_articles_with_one_title_get_two_files(site: Site, httpserver: HTTPServer) -> None:
    # Both are staged in parallel under temporary names; names are decided one at a time.
    items = [
        {
            "title": "同一标题",
            "link": httpserver.url_for(f"/same/{i}.html"),
            "content": f"<p>{i}</p>",
        }
        for i in range(4)
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items))
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    assert site.cli("run", "--now", "2025-01-01T00:00:00Z") == 0
    names = site.post_names()
    assert len(names) == 4 and "2025-01-01-同一标题.md" in names
    bodies = {(site.posts / n).read_text("utf-8").split("<div>\n")[1] for n in names}
    assert bodies == {f"<p>{i}</p>\n</div>\n" for i in range(4)}
