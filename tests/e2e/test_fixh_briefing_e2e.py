"""A recurring column listed every day at one evergreen URL (fixH): "Morning briefing"
at /briefing, a new guid, date and text each day, yesterday's moved to its dated link
(whose page names /briefing as canonical). Each day's is its own article, archived once;
the state keeps one article per link by handing /briefing over to the new one. The
real CLI against a real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_fix16g_e2e import run_at
from test_fix16k_e2e import warnings_of
from test_integrity_e2e import Feed, sources
from werkzeug import Request, Response

DAYS = {
    1: "the council votes on the budget",
    2: "a storm closes the schools",
    3: "the bridge reopens",
}


class Pages:
    """Pages the test changes between runs: path -> HTML."""

    def __init__(self, server: HTTPServer) -> None:
        self.html: dict[str, str] = {}
        self.server = server

        def handler(request: Request) -> Response:
            page = self.html.get(request.path)
            return Response(
                page or "<html><body>nope</body></html>",
                status=404 if page is None else 200,
                content_type="text/html",
            )

        for path in ("/briefing", *(f"/briefing/2024-07-0{d}" for d in DAYS)):
            server.expect_request(path).respond_with_handler(handler)

    def put(self, path: str, day: int, *, canonical: bool) -> None:
        head = (
            f'<link rel="canonical" href="{self.server.url_for("/briefing")}">' if canonical else ""
        )
        body = "".join(
            f"<p>Briefing: {DAYS[day]}. Paragraph {i} tells it with enough words of its own "
            "to be counted as the article's text.</p>"
            for i in range(6)
        )
        self.html[path] = (
            f"<html><head><title>Morning briefing</title>{head}</head>"
            f"<body><article><h1>Morning briefing</h1>{body}</article></body></html>"
        )


def item(server: HTTPServer, path: str, day: int, *, guid: bool = True) -> dict[str, str]:
    return {
        "title": "Morning briefing",
        **({"guid": f"mb-{day}"} if guid else {}),
        "link": server.url_for(path),
        "pubDate": f"0{day} Jul 2024 06:00:00 GMT",
        "description": f"Today: {DAYS[day]}.",
    }


def day_one_at_briefing(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], *, guid: bool
) -> Feed:
    """Day 1's column archived at /briefing itself; its page changed to day 2's."""
    feed, pages = Feed(httpserver), Pages(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    pages.put("/briefing", 1, canonical=False)
    feed.items = [item(httpserver, "/briefing", 1, guid=guid)]
    code, report, err = run_at(site, capsys, "2024-07-01T12:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    pages.put("/briefing", 2, canonical=False)
    return feed


def test_a_column_listed_each_day_at_its_evergreen_url_is_archived_each_day(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    pages.put("/briefing/2024-07-01", 1, canonical=True)
    feed.items = [item(httpserver, "/briefing/2024-07-01", 1)]
    code, report, err = run_at(site, capsys, "2024-07-01T12:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    pages.put("/briefing", 2, canonical=False)
    feed.items = [item(httpserver, "/briefing", 2), item(httpserver, "/briefing/2024-07-01", 1)]
    code, report, err = run_at(site, capsys, "2024-07-02T12:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    # Day 3: yesterday's at its dated link, today's at the evergreen one.
    pages.put("/briefing/2024-07-02", 2, canonical=True)
    pages.put("/briefing", 3, canonical=False)
    feed.items = [item(httpserver, "/briefing", 3), item(httpserver, "/briefing/2024-07-02", 2)]
    code, report, err = run_at(site, capsys, "2024-07-03T12:00Z")
    assert (code, report["new_posts"]) == (0, 1), (err, warnings_of(report))
    said = warnings_of(report)
    # Yesterday's is said moved once, never both "archived as a new article" and "not
    # archived again"; today's is not "taken for that article".
    wrong = ("archived as a new article", "taken for that article")
    assert not [w for w in said if any(words in w for words in wrong)], said
    assert sources(site) == sorted(
        httpserver.url_for(p) for p in ("/briefing", "/briefing/2024-07-01", "/briefing/2024-07-02")
    )
    texts = {name: (site.posts / name).read_text(encoding="utf-8") for name in site.post_names()}
    for day, news in DAYS.items():
        (name,) = [n for n, t in texts.items() if news in t]
        assert name.startswith(f"2024-07-0{day}-"), (day, name)
    # A run the next day with nothing new writes nothing and says nothing of it.
    code, report, err = run_at(site, capsys, "2024-07-03T18:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    assert len(site.post_names()) == 3


def test_a_column_without_guids_listed_again_at_its_archived_link_is_said_once_a_day(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without guids nothing but the date and the text tells today's column from the
    # archived one at /briefing, and the state holds one article per link: not fixed,
    # but said once a day, never silent.
    feed = day_one_at_briefing(site, httpserver, capsys, guid=False)
    # The same day, the same item: nothing said (an edit is the re-checks' business).
    code, report, err = run_at(site, capsys, "2024-07-01T18:00Z")
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, []), err
    feed.items = [item(httpserver, "/briefing", 2, guid=False)]
    link = httpserver.url_for("/briefing")
    expected = [
        f"{link}: listed again with a new date and another text at the archived article's "
        "link; not archived as a new article (one article per link)"
    ]
    code, report, err = run_at(site, capsys, "2024-07-02T12:00Z")
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, expected), err
    code, report, err = run_at(site, capsys, "2024-07-02T18:00Z")
    assert (code, warnings_of(report)) == (0, []), err  # once a day
    assert len(site.post_names()) == 1


def test_an_archived_article_listed_again_with_a_bumped_date_and_its_own_text_is_said_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # WordPress bumps an updated article's date: the same text is the same article, not
    # archived again. The date that moved to another day is said once, the post not
    # redated (look16f s31: a corrected date looks the same).
    feed = day_one_at_briefing(site, httpserver, capsys, guid=False)
    feed.items = [
        {**item(httpserver, "/briefing", 1, guid=False), "pubDate": "02 Jul 2024 06:00:00 GMT"}
    ]
    code, report, err = run_at(site, capsys, "2024-07-02T12:00Z")
    said = [
        f"{httpserver.url_for('/briefing')}: its item's date is now 2024-07-02T06:00Z, its post"
        " 2024-07-01-Morning briefing.md is dated 2024-07-01; not redated"
    ]
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, said), err
    code, report, err = run_at(site, capsys, "2024-07-02T18:00Z")
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, []), err


def test_a_column_with_a_new_guid_only_at_its_evergreen_link_is_said_as_another_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Yesterday's is not listed at a link of its own: /briefing cannot be handed over
    # (one article per link). Not fixed: said as what it is, not "taken for" it.
    feed = day_one_at_briefing(site, httpserver, capsys, guid=True)
    feed.items = [item(httpserver, "/briefing", 2)]
    code, report, err = run_at(site, capsys, "2024-07-02T12:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    assert warnings_of(report) == [
        f"{httpserver.url_for('/briefing')}: listed again with a new date and another guid "
        "'mb-2' at the archived article's link; not archived as a new article (one article "
        "per link)"
    ]
