"""Issue 16, "whatever goes wrong is said out loud" (the real CLI against real local HTTP
servers): dates that cannot be read or believed, items without a usable link, a feed
URL or user agent the config cannot use, a closed standard error, a bad --now, and a
document that is no feed named with its URL."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss

REPO = Path(__file__).resolve().parents[2]
NOW = "2024-07-24T01:45:53.725Z"


def run_json(site: Site, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", NOW, "--json", *args)
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def item(server: HTTPServer, n: int, **fields: str) -> dict[str, str]:
    return {
        "title": f"Story {n}",
        "link": server.url_for(f"/story/{n}.html"),
        "content": f"<p>Story {n}: a whole article of the feed's own text.</p>",
        **fields,
    }


def test_item_dates_zones_and_unread_dates_said_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        item(httpserver, 1, pubDate="Mon, 01 Jan 0001 00:00:00 +0000"),  # Hugo's zero date
        item(httpserver, 2, pubDate="Tue, 23 Jul 2024 08:00:00 JST"),  # 22 Jul, 23:00 UTC
        item(httpserver, 3, pubDate="yesterday"),
        item(httpserver, 4, pubDate="Tue, 23 Jul 2024 00:30:00 IST"),  # which IST?
        item(httpserver, 5, pubDate="Tue, 23 Jul 2024 08:00:00 +2500"),
        item(httpserver, 6, pubDate="Tue, 23 Jul 2024 00:30:00 CEST"),  # 22 Jul, 22:30 UTC
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config(
        [{"name": "zones", "url": httpserver.url_for("/feed.xml"), "content": "feed"}]
    )

    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert site.post_names() == [
        "2024-07-22-Story 2.md",
        "2024-07-22-Story 6.md",
        "2024-07-24-Story 1.md",  # archiving time, not 2001-01-01
        "2024-07-24-Story 3.md",
        "2024-07-24-Story 4.md",
        "2024-07-24-Story 5.md",
    ]
    assert "date: 2024-07-22T23:00:00.000Z" in (site.posts / "2024-07-22-Story 2.md").read_text()
    said = {
        1: "its date 'Mon, 01 Jan 0001 00:00:00 +0000' is before 1990, not believed",
        3: "its date 'yesterday' cannot be read",
        4: "its date 'Tue, 23 Jul 2024 00:30:00 IST' cannot be read "
        "(unknown or ambiguous zone 'IST')",
        5: "its date 'Tue, 23 Jul 2024 08:00:00 +2500' cannot be read (impossible offset +2500)",
    }
    expected = [
        f"{httpserver.url_for(f'/story/{n}.html')}: {why}; dated at archiving time"
        for n, why in sorted(said.items(), reverse=True)  # taken on oldest (last) first
    ]
    assert report["results"][0]["warnings"] == expected
    assert warnings_of(err) == [f"warning: feed zones: {w}" for w in expected]

    # Once per item: the next run reads the same dates and has nothing to say.
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert report["results"][0]["warnings"] == []
    assert warnings_of(err) == []


def test_items_without_a_usable_link_are_named_on_every_run(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    episode = httpserver.url_for("/episode-1.mp3")
    body = rss([item(httpserver, 1)]).replace(
        b"</channel>",
        (
            # A podcast's episode: an enclosure, no link (the guid is no permalink).
            f'<item><title>Episode 1</title><enclosure url="{episode}" type="audio/mpeg"'
            ' length="1"/><guid isPermaLink="false">ep-1</guid>'
            "<description>Show notes</description></item>"
            # No title, no link: named by its guid.
            '<item><guid isPermaLink="false">tag:example.org,2024:7</guid>'
            "<description>Text</description></item>"
            "<item><title>Bad link</title><link>javascript:alert(1)</link></item>"
            "</channel>"
        ).encode(),
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml"
    )
    site.write_config([{"name": "pod", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    expected = [
        "item 'Bad link' has no usable link; skipped",
        "item with guid 'tag:example.org,2024:7' has no usable link; skipped",
        "item 'Episode 1' has no usable link; skipped",
    ]
    # Story 1 has no date: on the feed's first poll, that is said too (look16c F5).
    undated = "1 item has no date, in the feed or on its page; dated at archiving time"
    for run in (1, 2):
        code, report, err = run_json(site, capsys)
        assert code == 0, err
        said = [*expected, undated] if run == 1 else expected
        assert report["results"][0]["warnings"] == said, run
        assert warnings_of(err) == [f"warning: feed pod: {w}" for w in said]
        assert report["skipped"] == 3 + (run == 2)
    assert site.post_names() == ["2024-07-24-Story 1.md"]
    assert all(request.path != "/episode-1.mp3" for request, _ in httpserver.log)


def test_a_document_that_is_no_feed_is_named_by_its_url(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    documents = {
        "/html": (b"<!DOCTYPE html><html><body>Hi</body></html>", "text/html", "looks like HTML"),
        "/json": (b'{"version": "https://jsonfeed.org/version/1"}', "application/json", "JSON"),
        "/text": (b"just text", "text/plain", "no root element"),
        "/gz": (
            gzip.compress(rss([item(httpserver, 1)])),
            "application/x-gzip",
            "gzip-compressed data, served as application/x-gzip",
        ),
    }
    for path, (body, kind, _) in documents.items():
        httpserver.expect_request(path).respond_with_data(body, content_type=kind)
    site.write_config([{"name": path[1:], "url": httpserver.url_for(path)} for path in documents])
    code, report, err = run_json(site, capsys)
    assert code == 1
    for path, (_, _, reason) in documents.items():
        url = httpserver.url_for(path)
        line = next(
            line for line in err.splitlines() if line.startswith(f"failed: feed {path[1:]}:")
        )
        assert line.startswith(f"failed: feed {path[1:]}: {url}: not a feed ("), line
        assert reason in line
        error = next(r["error"] for r in report["results"] if r["feed"] == path[1:])
        assert error.startswith(f"{url}: not a feed (")


@pytest.mark.parametrize(
    ("network", "feed_url", "message"),
    [
        ({}, "http://[::1/", "feeds[0].url: not a valid URL (Invalid IPv6 URL): 'http://[::1/'"),
        (
            {},
            "http://127.0.0.1:1/fe\ted.xml",
            "feeds[0].url: control characters in URL: 'http://127.0.0.1:1/fe\\ted.xml'",
        ),
        (
            {"user_agent": "rssarchive\r\nX-Injected: yes"},
            "http://127.0.0.1:1/feed.xml",
            "network.user_agent: must be one line without control characters",
        ),
    ],
)
def test_a_config_no_request_could_use_is_a_config_error_in_every_command(
    site: Site,
    capsys: pytest.CaptureFixture[str],
    network: dict[str, str],
    feed_url: str,
    message: str,
) -> None:
    site.write_config([{"name": "x", "url": feed_url}], **network)
    for command in (["run"], ["backfill", "http://127.0.0.1:1/a"], ["recheck"], ["status"]):
        assert site.cli(*command) == 2, command
        out, err = capsys.readouterr()
        assert out == ""
        assert len(err.splitlines()) == 1 and message in err, err
        assert site.cli(*command, "--json") == 2
        out, err = capsys.readouterr()
        assert message in json.loads(out)["error"]


@pytest.mark.parametrize(
    ("now", "message"),
    [
        ("0001-01-01T00:00:00Z", "--now: must be from 1990 to 8999: '0001-01-01T00:00:00Z'"),
        ("1969-12-31T23:59:59Z", "--now: must be from 1990 to 8999"),
        ("9999-12-31T23:59:59Z", "--now: must be from 1990 to 8999"),
        ("garbage", "--now: not an ISO 8601 time: 'garbage'"),
    ],
)
def test_a_bad_now_is_a_usage_error(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], now: str, message: str
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([item(httpserver, 1)]), content_type="application/rss+xml"
    )
    site.write_config([{"name": "n", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    for command in ("run", "recheck", "backfill"):
        assert site.cli(command, "--now", now) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"rssarchive: {message}") and len(err.splitlines()) == 1, err
        assert site.cli(command, "--now", now, "--json") == 2
        out, err = capsys.readouterr()
        assert json.loads(out) == {"exit_code": 2, "error": json.loads(out)["error"]}
        assert message in json.loads(out)["error"]
    assert site.post_names() == []
    assert len(httpserver.log) == 0


def test_a_run_with_standard_error_closed_still_archives(
    site: Site, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([item(httpserver, 1, pubDate="yesterday"), item(httpserver, 2)]),
        content_type="application/rss+xml",
    )
    site.write_config([{"name": "c", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    # 2>&-: the process starts with descriptor 2 closed, as a shell leaves it.
    done = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$0" -m rssarchive --config "$1" run --now "$2" --json 2>&-',
            sys.executable,
            str(site.config),
            NOW,
        ],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    report = json.loads(done.stdout)
    assert report["new_posts"] == 2
    # It had something to say, too: item 1's date unreadable, item 2 undated on the
    # feed's first poll (look16c F5).
    assert len(report["results"][0]["warnings"]) == 2
    assert site.post_names() == ["2024-07-24-Story 1.md", "2024-07-24-Story 2.md"]


def test_titles_keep_what_was_written_c1_controls_become_spaces(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    story = httpserver.url_for("/story")
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<item><title>C1\u0085controls\u0080here\u009f</title><link>{story}/1</link>"
        "<pubDate>Tue, 23 Jul 2024 08:00:00 GMT</pubDate><description>One</description></item>"
        # Not well-formed ("<" in a title): read by feedparser's fallback parser, which
        # made "Q&A" "Q&A;".
        f"<item><title>Q&A < today</title><link>{story}/2?a=1&b=2</link>"
        "<pubDate>Tue, 23 Jul 2024 09:00:00 GMT</pubDate><description>Two</description></item>"
        "</channel></rss>"
    ).encode()
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml"
    )
    site.write_config([{"name": "t", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    code, _, err = run_json(site, capsys)
    assert code == 0, err
    assert site.post_names() == ["2024-07-23-C1 controls here.md", "2024-07-23-Q&A < today.md"]
    text = (site.posts / "2024-07-23-Q&A < today.md").read_text(encoding="utf-8")
    assert f"({story}/2?a=1&b=2)" in text
