"""Look16e F2, F8, F15 (the real CLI against a real local HTTP server): a recurring
title listed at the evergreen URL yesterday's page named canonical is a new article
(F2); a click tracker that a temporary redirect once sent to another item's page is
not merged into that article, and is archived once it lands on its own (F8); a reused
guid is said once (F15)."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_alias_identity_e2e import _Feed, _page, _run
from test_integrity_e2e import Feed, sources
from werkzeug import Request, Response


def _warnings(report: dict) -> list[str]:
    return [w for r in report["results"] for w in r["warnings"]]


def _titles(site: Site) -> list[str]:
    return sorted(
        (site.posts / n).read_text(encoding="utf-8").split("\ntitle: ")[1].split("\n")[0]
        for n in site.post_names()
    )


# -- F2: a link known only as yesterday's canonical alias ---------------------------------


@pytest.mark.parametrize(
    ("guid", "dated"),
    [(True, True), (False, True), (False, False)],
    ids=["guids", "guid-less", "guid-less-undated"],
)
def test_a_recurring_title_at_yesterdays_canonical_alias_is_a_new_article(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    guid: bool,
    dated: bool,
) -> None:
    """Day 1's page names the evergreen /briefing canonical; day 2 the feed lists the
    column at /briefing (another date, guid or only another item: day 1 is still listed
    at its own link): a new article, the alias handed to it, said once."""
    feed = _Feed(httpserver)
    evergreen, day1 = httpserver.url_for("/briefing"), httpserver.url_for("/briefing/2026-12-01")
    httpserver.expect_request("/briefing/2026-12-01").respond_with_data(
        _page("Morning briefing", canonical=evergreen), content_type="text/html"
    )
    httpserver.expect_request("/briefing").respond_with_data(
        _page("Morning briefing").replace(b"Morning briefing: paragraph", b"Tuesday: paragraph"),
        content_type="text/html",
    )
    first = {"title": "Morning briefing", "link": day1}
    second = {"title": "Morning briefing", "link": evergreen}
    if dated:
        first["pubDate"] = "Tue, 01 Dec 2026 06:00:00 GMT"
        second["pubDate"] = "Wed, 02 Dec 2026 06:00:00 GMT"
    if guid:
        first["guid"], second["guid"] = "mb-1", "mb-2"
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    feed.items = [first]
    code, report, err = _run(site, capsys, "2026-12-01T12:00:00Z")
    assert (code, report["new_posts"]) == (0, 1), err

    feed.items = [second, first]
    code, report, err = _run(site, capsys, "2026-12-02T12:00:00Z")
    assert (code, report["new_posts"]) == (0, 1), (report, err)
    told = [w for w in _warnings(report) if w.startswith(f"{evergreen}: ")]
    assert len(told) == 1 and "archived as a new one" in told[0], _warnings(report)
    assert sources(site) == [evergreen, day1]

    code, report, err = _run(site, capsys, "2026-12-02T13:00:00Z")  # and said once
    assert (code, report["new_posts"], report["failed"]) == (0, 0, 0), (report, err)
    assert not [w for w in _warnings(report) if evergreen in w], _warnings(report)
    assert len(site.post_names()) == 2


@pytest.mark.parametrize("dated", [True, False], ids=["same date", "undated"])
def test_an_amp_copy_and_its_article_listed_one_after_the_other_are_one_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], dated: bool
) -> None:
    """The alias's purpose stays: an AMP copy archived, whose page names the article
    canonical, and the article listed later at its own link (the copy no longer
    listed), with the same date or none, are one post."""
    feed = _Feed(httpserver)
    amp, own = httpserver.url_for("/amp/story/1"), httpserver.url_for("/story/1")
    for path in ("/amp/story/1", "/story/1"):
        httpserver.expect_request(path).respond_with_data(
            _page("Big story", canonical=own), content_type="text/html"
        )
    date = {"pubDate": "Mon, 07 Dec 2026 10:00:00 GMT"} if dated else {}
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    feed.items = [{"title": "Big story", "link": amp} | date]
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    feed.items = [{"title": "Big story", "link": own} | date]
    code, report, err = _run(site, capsys, "2026-12-08T12:00:00Z")
    assert (code, report["new_posts"], _warnings(report)) == (0, 0, []), (report, err)


def test_an_amp_copy_dated_by_its_feeds_update_and_its_article_in_another_feed_are_one_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """look16g F9: feed "popular" lists an AMP copy (09:30, the feed's update time), its
    page naming /story/1 canonical; then feed "main" lists /story/1 (08:00, published).
    /story/1 is the page's own word about itself, not another article on another date:
    one post, and no later run archives /story/1 again."""
    main, popular = Feed(httpserver, "/main.xml"), Feed(httpserver, "/popular.xml")
    amp, own = httpserver.url_for("/amp/story/1"), httpserver.url_for("/story/1")
    for path in ("/amp/story/1", "/story/1"):
        httpserver.expect_request(path).respond_with_data(
            _page("Port strike ends", canonical=own), content_type="text/html"
        )
    main.items = [{"title": "Port strike ends", "link": own, "guid": own,
                   "pubDate": "Mon, 07 Dec 2026 08:00:00 GMT"}]  # fmt: skip
    popular.items = [{"title": "Port strike ends", "link": amp, "guid": amp,
                      "pubDate": "Mon, 07 Dec 2026 09:30:00 GMT"}]  # fmt: skip
    feeds = [
        {"name": "popular", "url": popular.url, "content": "page"},
        {"name": "main", "url": main.url, "content": "page"},
    ]
    total = 0
    for run, now in enumerate(("2026-12-07T10:00Z", "2026-12-07T11:00Z", "2026-12-07T12:00Z")):
        site.write_config(feeds[:1] if run == 0 else feeds)  # the AMP copy archived first
        code, report, err = _run(site, capsys, now)
        assert code == 0, err
        assert not [w for w in _warnings(report) if "archived as a new one" in w], report
        total += report["new_posts"]
    assert total == 1
    assert len(site.post_names()) == 1


# -- F8: a click tracker that once landed on another item's page --------------------------


def test_a_tracker_misrouted_once_is_not_merged_and_is_archived_once_fixed(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two items with their own guid, title and date; both trackers (302) land on the
    quake page in run 1: the ferry item is not taken for the quake article (its guid,
    title and date all say otherwise); once its tracker lands on its own page it is
    archived."""
    quake, ferry = httpserver.url_for("/story-a"), httpserver.url_for("/story-b")
    httpserver.expect_request("/story-a").respond_with_data(
        _page("Quake hits coast"), content_type="text/html"
    )
    httpserver.expect_request("/story-b").respond_with_data(
        _page("Ferry strike ends"), content_type="text/html"
    )
    target = {"/t/1": quake, "/t/2": quake}

    def tracker(request: Request) -> Response:
        return Response("", status=302, headers={"Location": target[request.path]})

    for path in target:
        httpserver.expect_request(path).respond_with_handler(tracker)
    items = [
        {"title": "Quake hits coast", "link": httpserver.url_for("/t/1"), "guid": "g1"},
        {"title": "Ferry strike ends", "link": httpserver.url_for("/t/2"), "guid": "g2"},
    ]
    items[0]["pubDate"] = "Tue, 01 Dec 2026 05:00:00 GMT"
    items[1]["pubDate"] = "Tue, 01 Dec 2026 06:00:00 GMT"
    feed = _Feed(httpserver)
    feed.items = items
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-01T12:00:00Z")
    assert report["new_posts"] == 1, (report, err)
    assert not [w for w in _warnings(report) if "taken for it" in w], _warnings(report)
    assert _titles(site) == ['"Quake hits coast"']

    target["/t/2"] = ferry
    code, report, err = _run(site, capsys, "2026-12-02T12:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 1, 0), (report, err)
    assert _titles(site) == ['"Ferry strike ends"', '"Quake hits coast"']
