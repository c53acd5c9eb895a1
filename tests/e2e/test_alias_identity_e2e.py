"""Look16d F1, F9, F11 (the real CLI against a real local HTTP server): a link known
only as an alias of an archived article (its page's rel=canonical, where its 301
ended) is that article only when nothing contradicts it; a later item there with
another title (and date) is a new article, the alias handed over to it, said."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss
from test_integrity_e2e import sources
from werkzeug import Request, Response


def _run(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", now, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _page(title: str, canonical: str | None = None) -> bytes:
    head = "" if canonical is None else f'<link rel="canonical" href="{canonical}">'
    return article(title).replace(b"<head>", f"<head>{head}".encode(), 1)


class _Feed:
    def __init__(self, server: HTTPServer) -> None:
        self.items: list[dict[str, str]] = []

        def handler(request: Request) -> Response:
            return Response(rss(self.items), content_type="application/rss+xml")

        server.expect_request("/feed.xml").respond_with_handler(handler)
        self.url = server.url_for("/feed.xml")


def _item(
    server: HTTPServer, path: str, title: str, *, guid: bool, date: str | None
) -> dict[str, str]:
    item = {"title": title, "link": server.url_for(path)}
    if guid:
        item["guid"] = server.url_for(path)
    if date is not None:
        item["pubDate"] = date
    return item


@pytest.mark.parametrize("guid", [True, False], ids=["guid", "guid-less"])
@pytest.mark.parametrize("dated", [True, False], ids=["dated", "undated"])
@pytest.mark.parametrize("how", ["canonical", "301"])
def test_another_article_at_a_link_known_only_as_an_alias_is_archived(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    how: str,
    dated: bool,
    guid: bool,
) -> None:
    feed = _Feed(httpserver)
    a, b = httpserver.url_for("/story/a"), httpserver.url_for("/story/b")
    if how == "canonical":  # a template bug: A's page names B's URL
        httpserver.expect_request("/story/a").respond_with_data(
            _page("Storm hits coast", canonical=b), content_type="text/html"
        )
    else:  # a merged story: A's link moved to B's for good
        httpserver.expect_request("/story/a").respond_with_data(
            "", status=301, headers={"Location": b}
        )
    # Merged, B's page carries A's headline: A's page, and no other article's (a page
    # that shows another title is not A's text: test_redirect_titles_e2e.py).
    shown = "Mayor resigns" if how == "canonical" else "Storm hits coast, and the mayor resigns"
    httpserver.expect_request("/story/b").respond_with_data(_page(shown), content_type="text/html")
    day = {True: "Mon, 07 Dec 2026 10:00:00 GMT", False: None}[dated]
    later = {True: "Tue, 08 Dec 2026 10:00:00 GMT", False: None}[dated]
    storm = _item(httpserver, "/story/a", "Storm hits coast", guid=guid, date=day)
    mayor = _item(httpserver, "/story/b", "Mayor resigns", guid=guid, date=later)
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    feed.items = [storm]
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    assert (code, report["new_posts"]) == (0, 1), err

    feed.items = [mayor, storm]
    code, report, err = _run(site, capsys, "2026-12-08T12:00:00Z")
    assert (code, report["new_posts"]) == (0, 1), (report, err)
    warnings = report["results"][0]["warnings"]
    assert any(w.startswith(f"{b}: ") and "another article" in w for w in warnings), warnings
    assert sources(site) == [a, b]
    titles = sorted(
        (site.posts / n).read_text(encoding="utf-8").split("title: ")[1].split("\n")[0]
        for n in site.post_names()
    )
    assert titles == ['"Mayor resigns"', '"Storm hits coast"'], titles

    code, report, err = _run(site, capsys, "2026-12-08T13:00:00Z")  # and it stays so
    assert (code, report["new_posts"], report["failed"]) == (0, 0, 0), (report, err)
    assert len(site.post_names()) == 2


def test_the_same_article_at_its_alias_is_still_taken_for_it(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The alias's purpose: an AMP copy whose page names the article canonical, and the
    article itself listed later under its own title (the copy no longer listed), are
    one post."""
    feed = _Feed(httpserver)
    amp, own = httpserver.url_for("/amp/story/1"), httpserver.url_for("/story/1")
    for path in ("/amp/story/1", "/story/1"):
        httpserver.expect_request(path).respond_with_data(
            _page("Big story", canonical=own), content_type="text/html"
        )
    site.write_config([{"name": "F", "url": feed.url, "content": "page"}])
    feed.items = [{"title": "Big story", "link": amp}]
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    # The copy is no longer listed: listed beside it, its article at its own link is
    # another item, so another article (look16e F2).
    feed.items = [{"title": "Big story", "link": own}]
    code, report, err = _run(site, capsys, "2026-12-08T12:00:00Z")
    assert (code, report["new_posts"]) == (0, 0), (report, err)


def test_a_tracker_relisting_an_archived_story_with_its_own_date_is_skipped_and_said_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """F11: a "most read" feed lists an archived story through a click tracker (302),
    with the date it entered the list: its page is the archived article (its title and
    text), so it is that article, whatever its date; said once, no failure."""
    main = httpserver.url_for("/story/a")
    httpserver.expect_request("/story/a").respond_with_data(
        _page("Storm hits coast"), content_type="text/html"
    )
    httpserver.expect_request("/go/123").respond_with_data(
        "", status=302, headers={"Location": main}
    )
    story = {"title": "Storm hits coast", "link": main, "guid": main}
    story["pubDate"] = "Mon, 07 Dec 2026 10:00:00 GMT"
    httpserver.expect_request("/main.xml").respond_with_data(
        rss([story]), content_type="application/rss+xml"
    )
    tracked = {"title": "Storm hits coast", "link": httpserver.url_for("/go/123")}
    tracked |= {"guid": "pop-123", "pubDate": "Tue, 08 Dec 2026 08:00:00 GMT"}
    httpserver.expect_request("/popular.xml").respond_with_data(
        rss([tracked]), content_type="application/rss+xml"
    )
    site.write_config(
        [
            {"name": "Main", "url": httpserver.url_for("/main.xml"), "content": "page"},
            {"name": "Popular", "url": httpserver.url_for("/popular.xml"), "content": "page"},
        ]
    )
    code, report, err = _run(site, capsys, "2026-12-08T09:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 1, 0), (report, err)
    told = [w for r in report["results"] for w in r["warnings"] if "/go/123" in w]
    assert len(told) == 1 and "taken for it" in told[0], told
    code, report, err = _run(site, capsys, "2026-12-08T12:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 0, 0), (report, err)
    assert not [w for r in report["results"] for w in r["warnings"] if "/go/123" in w]
    assert sources(site) == [main]


def test_two_trackers_to_one_story_under_two_headlines_archive_it_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """F9: two tracker links (302) of one feed to one real story, one item under its
    headline, one under a "BREAKING:" one: the page shows one item's title, so it is
    that item's article (archived); the other is taken for it, said. Not both failing."""
    story = httpserver.url_for("/story/a")
    httpserver.expect_request("/story/a").respond_with_data(
        _page("Storm hits coast"), content_type="text/html"
    )
    for n in (1, 2):
        httpserver.expect_request(f"/t/{n}").respond_with_data(
            "", status=302, headers={"Location": story}
        )
    items = [
        {"title": "BREAKING: Storm hits coast", "link": httpserver.url_for("/t/2"), "guid": "t2"},
        {"title": "Storm hits coast", "link": httpserver.url_for("/t/1"), "guid": "t1"},
    ]
    items[0]["pubDate"] = "Mon, 07 Dec 2026 10:05:00 GMT"
    items[1]["pubDate"] = "Mon, 07 Dec 2026 10:00:00 GMT"
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "F", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 1, 0), (report, err)
    (name,) = site.post_names()
    assert '\ntitle: "Storm hits coast"\n' in (site.posts / name).read_text(encoding="utf-8")
    told = report["results"][0]["warnings"]
    assert any(w.startswith(items[0]["link"]) and "taken for it" in w for w in told), told
    code, report, err = _run(site, capsys, "2026-12-07T14:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 0, 0), (report, err)


def _bodies(site: Site) -> dict[str, str]:
    """Each post's title, with its text (all after its front matter)."""
    found = {}
    for name in site.post_names():
        text = (site.posts / name).read_text(encoding="utf-8")
        title = text.split("\ntitle: ")[1].split("\n")[0].strip('"')
        found[title] = text.split("\n---\n", 1)[1]
    return found


@pytest.mark.parametrize("how", ["canonical", "301"])
def test_two_items_of_one_run_one_pointing_at_the_other_are_both_archived(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    """X4 and H5: one document lists an explainer whose page names the story's URL
    canonical (or a merged story whose link 301s to the kept one's), and that story,
    under another title: the story is archived with its own text under its own title;
    the other is never a post holding the story's text under its title."""
    first, story = httpserver.url_for("/story/h"), httpserver.url_for("/story/g")
    if how == "canonical":
        httpserver.expect_request("/story/h").respond_with_data(
            _page("Explainer", canonical=story), content_type="text/html"
        )
    else:
        httpserver.expect_request("/story/h").respond_with_data(
            "", status=301, headers={"Location": story}
        )
    httpserver.expect_request("/story/g").respond_with_data(
        _page("Rates cut"), content_type="text/html"
    )
    items = [{"title": "Explainer", "link": first}, {"title": "Rates cut", "link": story}]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "F", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    bodies = _bodies(site)
    assert "Rates cut: paragraph" in bodies.get("Rates cut", ""), (bodies, report)
    if how == "canonical":  # its own page, its own text: archived too
        assert (code, report["new_posts"]) == (0, 2), (report, err)
        assert "Explainer: paragraph" in bodies["Explainer"], bodies
    else:  # its page is the other item's: a failed attempt, said
        assert (code, report["new_posts"], report["failed"]) == (1, 1, 1), (report, err)
        assert "Explainer" not in bodies, bodies
        assert f"{first}: its link redirects permanently" in json.dumps(report) + err, report
