"""look16f s31: a date the feed corrects after its article is archived (a year typo,
2025 for 2026; a zone fixed, +0000 for +0800) is said once: the post stays as written
(its file name, its URL), as a version does. The real CLI against one real local HTTP
server, ``content: feed``."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss
from werkzeug import Request, Response

TEXT = "<p>" + "The river authority released its annual report on water levels. " * 12 + "</p>"


def _warnings(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> list[str]:
    site.cli("run", "--now", now, "--json")
    report = json.loads(capsys.readouterr().out)
    return [w for r in report["results"] for w in r["warnings"]]


def test_a_date_corrected_after_archiving_is_said_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    def serve(first: str, second: str) -> None:
        httpserver.clear()
        items = [
            {
                "title": "Year typo story",
                "link": httpserver.url_for("/yt/1"),
                "guid": "yt1",
                "pubDate": first,
                "description": TEXT,
            },
            {
                "title": "Zone fixed story",
                "link": httpserver.url_for("/yt/2"),
                "guid": "yt2",
                "pubDate": second,
                "description": TEXT,
            },
        ]
        httpserver.expect_request("/feed.xml").respond_with_data(
            rss(items), content_type="application/rss+xml"
        )

    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    serve("Sun, 07 Dec 2025 08:00:00 +0000", "Mon, 07 Dec 2026 06:00:00 +0000")
    assert _warnings(site, capsys, "2026-12-07T09:00:00Z") == []
    names = sorted(site.post_names())
    assert names == ["2025-12-07-Year typo story.md", "2026-12-07-Zone fixed story.md"], names
    serve("Mon, 07 Dec 2026 08:00:00 +0000", "Mon, 07 Dec 2026 06:00:00 +0800")
    said = _warnings(site, capsys, "2026-12-07T10:00:00Z")
    typo = [w for w in said if "/yt/1" in w]
    zone = [w for w in said if "/yt/2" in w]
    assert len(typo) == 1 and "2026-12-07T08:00Z" in typo[0], said
    assert "2025-12-07" in typo[0] and "not redated" in typo[0], said
    assert len(zone) == 1 and "2026-12-06T22:00Z" in zone[0] and "not redated" in zone[0], said
    # Said once: the next runs list the same dates and say nothing more.
    assert _warnings(site, capsys, "2026-12-07T11:00:00Z") == []
    assert sorted(site.post_names()) == names


def test_a_site_migration_found_on_every_run_is_said_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # look16f s19: links with a per-fetch session id and random guids: each run finds
    # the archived articles again by their title, date and text (a site migration);
    # said once per article, the later ones in the log only.
    fetches = iter(range(1000))

    def feed(request: Request) -> Response:
        n = next(fetches)
        items = [
            {
                "title": f"Session story {i}",
                "link": httpserver.url_for(f"/show.php?id={i}&sid=s{n}x{i}"),
                "guid": f"g{n}-{i}",
                "pubDate": f"Mon, 07 Dec 2026 0{i}:00:00 +0000",
                "description": TEXT,
            }
            for i in range(3)
        ]
        return Response(rss(items), content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    assert _warnings(site, capsys, "2026-12-07T10:00:00Z") == []
    assert len(site.post_names()) == 3
    said = _warnings(site, capsys, "2026-12-07T11:00:00Z")
    assert len([w for w in said if "a site migration" in w]) == 3, said
    for now in ("2026-12-07T12:00:00Z", "2026-12-07T13:00:00Z"):
        assert _warnings(site, capsys, now) == []
    assert len(site.post_names()) == 3


def test_two_feeds_dating_one_article_on_different_days_is_said_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # look16f s25: a "most read" list dates an article the day it entered the list, its
    # section feed the day it was published: the config's order picks the post's date;
    # the disagreement is said once (in the run both list it), not on later runs.
    link = httpserver.url_for("/news/dam-report")

    def listing(date: str) -> bytes:
        item = {"title": "Dam report released", "link": link, "pubDate": date}
        return rss([{**item, "description": TEXT}])

    httpserver.expect_request("/mostread.xml").respond_with_data(
        listing("Mon, 07 Dec 2026 09:00:00 +0000"), content_type="application/rss+xml"
    )
    httpserver.expect_request("/section.xml").respond_with_data(
        listing("Fri, 04 Dec 2026 06:00:00 +0000"), content_type="application/rss+xml"
    )
    site.write_config(
        [
            {"name": "mostread", "url": httpserver.url_for("/mostread.xml"), "content": "feed"},
            {"name": "section", "url": httpserver.url_for("/section.xml"), "content": "feed"},
        ]
    )
    said = _warnings(site, capsys, "2026-12-07T12:00:00Z")
    assert len(site.post_names()) == 1
    both = [w for w in said if "2026-12-04T06:00Z" in w and "2026-12-07T09:00Z" in w]
    assert len(both) == 1 and "mostread" in both[0], said
    assert _warnings(site, capsys, "2026-12-07T13:00:00Z") == []
