"""Issue 16, an outside look's findings (look16f: s04, s17, s20, s21, s29, s18, s59): what
the archive lost or guessed, said out loud. The real CLI against real local HTTP servers."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_sources import _urlset as urlset
from test_e2e import article, rss
from test_integrity_e2e import Feed
from werkzeug import Request, Response


class Flaky(Feed):
    """A feed whose items, and whose answer's status, the test changes between runs."""

    def __init__(self, server: HTTPServer, path: str = "/feed.xml") -> None:
        self.items: list[dict[str, str]] = []
        self.status = 200
        self.server = server

        def handler(request: Request) -> Response:
            if self.status != 200:
                return Response("down", status=self.status)
            return Response(rss(self.items), content_type="application/rss+xml")

        server.expect_request(path).respond_with_handler(handler)
        self.url = server.url_for(path)


# -- s17: a post saved with a UTF-8 BOM ----------------------------------------------------


def test_a_post_saved_with_a_bom_is_adopted_when_the_state_is_rebuilt(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(1, day=20), feed.item(2, day=21)]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    assert site.cli("run", "--now", "2024-07-24T01:45:00Z") == 0
    written = site.post_names()
    bommed = site.posts / "2024-07-21-Story 2.md"
    # A Windows editor's save: a BOM before the front matter (Jekyll reads it as a post).
    bommed.write_bytes(b"\xef\xbb\xbf" + bommed.read_bytes())
    shutil.rmtree(site.root / "state")
    capsys.readouterr()

    assert site.cli("run", "--now", "2024-07-24T01:46:00Z") == 0
    _, err = capsys.readouterr()
    assert "adopted 2 existing posts" in err, err
    assert site.post_names() == written  # no second post of Story 2


# -- s21: a post emptied or cut short on disk --------------------------------------------


def test_a_post_emptied_or_cut_short_is_said_like_a_deleted_one_and_backfill_restores_it(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=19 + n) for n in (1, 2, 3)]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    assert site.cli("run", "--now", "2024-07-24T01:45:00Z") == 0
    empty, cut = site.posts / "2024-07-20-Story 1.md", site.posts / "2024-07-21-Story 2.md"
    empty.write_bytes(b"")
    cut.write_bytes(cut.read_bytes()[:60])  # inside the front matter
    links = [feed.items[0]["link"], feed.items[1]["link"]]
    capsys.readouterr()

    assert site.cli("run", "--now", "2024-07-24T01:46:00Z") == 0
    _, err = capsys.readouterr()
    for path, link in zip((empty, cut), links, strict=True):
        assert (
            f"warning: {path}: damaged (empty, or its front matter cut short); its article "
            f"{link} is not archived again; `rssarchive backfill {link}` archives it again"
        ) in err.splitlines(), err
    assert site.cli("run", "--now", "2024-07-24T01:47:00Z") == 0
    assert capsys.readouterr().err == ""  # said once
    assert site.cli("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["posts"] == 1, data
    assert sorted(m["file"] for m in data["damaged_posts"]) == [empty.name, cut.name], data
    assert site.cli("status") == 0
    out = capsys.readouterr().out
    assert f"damaged in _posts: {empty.name} ({links[0]})" in out, out

    # Handed to backfill, it is archived again.
    httpserver.expect_request("/story/1.html").respond_with_data(
        article("Story 1"), content_type="text/html"
    )
    assert site.cli("backfill", "--now", "2024-07-24T01:48:00Z", links[0]) == 0
    capsys.readouterr()
    # Where its page dates it (here: at archiving time, the page has no date); the
    # damaged file is left as the user left it.
    again = [n for n in site.post_names() if "Story 1" in n and n != empty.name]
    assert len(again) == 1 and links[0] in (site.posts / again[0]).read_text("utf-8")
    assert site.cli("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["file"] for m in data["damaged_posts"]] == [cut.name], data


# -- s04: undated new items after days without a successful poll ----------------------------


@pytest.mark.parametrize("failing", [False, True], ids=["no runs", "failing runs"])
def test_undated_items_after_days_without_a_successful_poll_are_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], failing: bool
) -> None:
    feed = Flaky(httpserver)
    feed.items = [feed.item(1)]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2026-12-01T12:00:00Z") == 0
    assert "1 item has no date" in capsys.readouterr().err  # the first poll: said
    feed.items = [feed.item(2), feed.item(1)]
    assert site.cli("run", "--now", "2026-12-01T13:00:00Z") == 0
    assert capsys.readouterr().err == ""  # an hour later: close to its publication
    if failing:  # three days of 503s: runs, none a successful poll
        feed.status = 503
        for day in (2, 3, 4):
            assert site.cli("run", "--now", f"2026-12-0{day}T12:00:00Z") == 1
        feed.status = 200
    feed.items = [feed.item(n) for n in (4, 3, 2)]  # shares 2 with the last poll
    capsys.readouterr()

    code = site.cli("run", "--now", "2026-12-05T12:00:00Z", "--json")
    out, err = capsys.readouterr()
    assert code == 0, err
    said = (
        "2 items have no date, in the feed or on their page; dated at archiving time; "
        "the feed's last successful poll was 2026-12-01T13:00:00Z"
    )
    assert f"warning: feed t: {said}" in err.splitlines(), err
    assert said in json.loads(out)["results"][0]["warnings"]


# -- s20, s29: items that fell off unseen between polls; an empty channel --------------------


def no_rechecks(site: Site) -> None:
    """The config without re-checks: days pass between these runs, and the articles'
    pages are not served (their re-checks would be other warnings)."""
    data = yaml.safe_load(site.config.read_text(encoding="utf-8"))
    site.config.write_text(yaml.safe_dump({**data, "recheck": False}), encoding="utf-8")


def status_of(site: Site, capsys: pytest.CaptureFixture[str]) -> tuple[dict, str]:
    assert site.cli("status", "--json") == 0
    feed = dict(json.loads(capsys.readouterr().out)["feeds"][0])
    assert site.cli("status") == 0
    return feed, capsys.readouterr().out


def test_a_document_sharing_no_item_with_the_last_poll_is_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=n) for n in range(1, 11)]
    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-10T12:00:00Z") == 0
    feed.items = [feed.item(n, day=n) for n in range(2, 12)]  # one new, nine shared
    assert site.cli("run", "--now", "2024-07-11T12:00:00Z") == 0
    capsys.readouterr()
    # 12-21 published, and pushed off, while the archive was down: 22-31 listed now.
    feed.items = [feed.item(n, day=n - 10) for n in range(22, 32)]

    code = site.cli("run", "--now", "2024-07-21T12:00:00Z", "--json")
    out, err = capsys.readouterr()
    assert code == 0, err
    said = (
        "no item of this document was listed by the feed's last poll (2024-07-11T12:00:00Z), "
        "and all are newer than it: items may have fallen off unseen between polls; "
        "`rssarchive backfill` archives those still on the site"
    )
    assert f"warning: feed f: {said}" in err.splitlines(), err
    assert said in json.loads(out)["results"][0]["warnings"]
    health, text = status_of(site, capsys)
    assert health["warning"] == said and health["health"] == "warning", health
    assert "f: ok, with a WARNING" in text, text


def test_an_empty_channel_of_a_feed_that_had_items_is_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=n) for n in (1, 2, 3)]
    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-10T12:00:00Z") == 0
    feed.items = []  # a well-formed channel, 0 items: "Database error"
    capsys.readouterr()

    code = site.cli("run", "--now", "2024-07-11T12:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    said = (
        "the feed lists no item, though it listed 3 archived before: "
        "its articles may fall off unseen until it lists them again"
    )
    assert f"warning: feed f: {said}" in err.splitlines(), err
    health, text = status_of(site, capsys)
    assert health["warning"] == said, health
    assert (health["health"], health["ok"]) == ("empty", False), health
    assert "f: EMPTY (it lists no item: see its warning)" in text, text


# -- s18, s59: a sitemap's <lastmod> ---------------------------------------------------------


def backfill_sitemap(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[dict, str]:
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])
    sitemap = httpserver.url_for("/sitemap.xml")
    code = site.cli(
        "backfill", "--now", "2026-12-07T12:00:00Z", "--json", "--sitemap", sitemap, *args
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), err


def test_a_lastmod_every_url_of_a_sitemap_shares_dates_no_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    build = "2026-12-06T03:00:00+00:00"  # a static generator's build time, on every URL
    pages = [f"/n/{n}" for n in (1, 2, 3)]
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        urlset(httpserver, [(p, build) for p in pages])
    )
    for n, path in enumerate(pages, start=1):
        httpserver.expect_request(path).respond_with_data(article(f"Undated {n}"))

    report, err = backfill_sitemap(site, httpserver, capsys)
    assert len(site.post_names()) == 3
    assert all(name.startswith("2026-12-07-") for name in site.post_names()), site.post_names()
    for name in site.post_names():
        assert "<!--NaN-->" in (site.posts / name).read_text(encoding="utf-8")
    said = "its page gives no believable publication date; dated at archiving time"
    warnings = [w for r in report["results"] for w in r["warnings"]]
    assert sum(said in w for w in warnings) == 3, err


def test_a_lastmod_of_its_own_dates_a_page_only_as_a_last_resort_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        urlset(httpserver, [("/n/1", "2026-12-02T10:00:00+00:00")])
    )
    httpserver.expect_request("/n/1").respond_with_data(article("Undated 1"))

    report, err = backfill_sitemap(site, httpserver, capsys)
    assert site.post_names() == ["2026-12-02-Undated 1.md"]
    warnings = [w for r in report["results"] for w in r["warnings"]]
    link = httpserver.url_for("/n/1")
    assert any(
        w.startswith(link) and "dated by the sitemap's lastmod (its last modification" in w
        for w in warnings
    ), err


def test_a_backfill_until_says_the_urls_its_lastmod_left_out(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        urlset(
            httpserver,
            [("/nov/1", "2026-12-03T09:00:00+00:00"), ("/nov/2", "2026-11-21T09:00:00+00:00")],
        )
    )
    for path in ("/nov/1", "/nov/2"):
        httpserver.expect_request(path).respond_with_data(article(path))

    report, err = backfill_sitemap(
        site, httpserver, capsys, "--since", "2026-11-01", "--until", "2026-11-30"
    )
    said = (
        "1 URL left out by its <lastmod> after --until: a last modification, it may have "
        "been published in the range; a backfill without --until takes it"
    )
    warnings = [w for r in report["results"] for w in r["warnings"]]
    assert f"{httpserver.url_for('/sitemap.xml')}: {said}" in warnings, err
