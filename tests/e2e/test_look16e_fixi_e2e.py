"""look16e (fixI): items that share one link and give guids that are http URLs with no
isPermaLink attribute (permalinks by RSS's default) are fetched at their guids
(decide.permalinked, look16c F7). When such a guid answers 404 or 410 it was an id, not
a page: the item falls back on its own link, and the items that do are one article there
(the shared-link rule), said once; nothing is lost, nothing archived twice. The real CLI
against a real local HTTP server."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_fix16g_e2e import run_at
from test_fix16k_e2e import warnings_of
from test_hazards_e2e import state_rows
from test_integrity_e2e import Feed, sources
from werkzeug import Response

IDS = re.compile(r"^/ids/")


def _notices(feed: Feed, httpserver: HTTPServer, numbers: range, description: str = "") -> None:
    """Items at one link, /notices, each with an http guid of its own (no isPermaLink)."""
    feed.items = [
        {
            "title": f"Notice {n}",
            "link": httpserver.url_for("/notices"),
            "guid": httpserver.url_for(f"/ids/notice-{n}"),
            "pubDate": f"Tue, 01 Dec 2026 0{n}:00:00 GMT",
            **({"description": f"Notice {n}: {description}"} if description else {}),
        }
        for n in numbers
    ]


def _ids_fetched(httpserver: HTTPServer) -> list[str]:
    return sorted(r.path for r, _ in httpserver.log if IDS.match(r.path))


# The attempts of ARTICLE_RETRIES' schedule, after the first: each when due, the fifth
# (a day on) the one that gives an article up (decide.last_attempt).
_RETRIES = [timedelta(0), *(timedelta(minutes=m) for m in (15, 75, 435, 1875))]


def _retried(
    site: Site, capsys: pytest.CaptureFixture[str], start: str, failed: int, done: int = 0
) -> tuple[int, dict, str]:
    """Run the retry schedule of items first tried at ``start``, from its attempt
    ``done`` + 1: before the last attempt each run fails ``failed`` items (look16g F11:
    a 404 at a permalink guid is a failed attempt until then); the last attempt's run
    is returned."""
    first = datetime.fromisoformat(start)
    for wait in _RETRIES[done:-1]:
        code, report, err = run_at(site, capsys, (first + wait).isoformat())
        assert (code, len(report["results"][0]["failed"])) == (1, failed), err
    return run_at(site, capsys, (first + _RETRIES[-1]).isoformat())


def _done_rows_are_the_posts(site: Site) -> list[str]:
    """The URLs of the state's rows, each done with its post, the posts one to one."""
    rows = state_rows(site, "SELECT url, status, filename FROM articles ORDER BY url")
    assert all(status == "done" for _, status, _ in rows), rows
    assert sorted(str(filename) for _, _, filename in rows) == site.post_names(), rows
    return [str(url) for url, _, _ in rows]


@pytest.mark.parametrize("content", ["page", "auto"])
def test_items_sharing_a_link_whose_permalink_guids_answer_404_are_one_article_at_it(
    content: str, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The guids look like permalinks but answer 404: ids on the site's host. The items'
    # own link serves the notices page: one article there, said once, for all three.
    # (No text in the feed: with its own text, each item is written from it on that
    # attempt instead, look16g F5.)
    feed = Feed(httpserver)
    notices = httpserver.url_for("/notices")
    httpserver.expect_request(IDS).respond_with_data("nope", status=404)
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the council"), content_type="text/html"
    )
    _notices(feed, httpserver, range(1, 4))
    site.write_config([{"name": "P", "url": feed.url, "content": content}])
    # Each 404 is a failed attempt, retried at the guid, until the one that would give
    # the items up (look16g F11): they fall back on their link then.
    code, report, err = _retried(site, capsys, "2026-12-01T12:00+00:00", 3)
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 1, []), err
    assert sources(site) == [notices]
    assert warnings_of(report) == [
        f"3 items listed at {notices} give guids that answer HTTP 404 Not Found (ids, not"
        " their pages); archived as one article at that link"
    ]
    assert _done_rows_are_the_posts(site) == [notices]
    fetched = _ids_fetched(httpserver)
    assert fetched == sorted(f"/ids/notice-{n}" for n in (1, 2, 3) for _ in range(5))

    # Later runs take the items for that article: no guid fetched again, nothing failed.
    code, report, err = run_at(site, capsys, "2026-12-03T12:00Z")
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 0, []), err
    assert _ids_fetched(httpserver) == fetched
    assert sources(site) == [notices]
    assert not [w for w in warnings_of(report) if "/ids/" in w], warnings_of(report)

    # A new item of the same kind: its guid is retried until it would be given up, and
    # it is taken for that article then, said.
    _notices(feed, httpserver, range(1, 5))
    code, report, err = _retried(site, capsys, "2026-12-04T12:00+00:00", 1)
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 0, []), err
    assert _ids_fetched(httpserver) == sorted([*fetched, *["/ids/notice-4"] * 5])
    fourth = httpserver.url_for("/ids/notice-4")
    assert [w for w in warnings_of(report) if "/ids/" in w] == [
        f"an item listed at {notices} gives a guid that answers HTTP 404 Not Found ({fourth}:"
        " an id, not its page); taken for the article at that link, not archived again"
    ]
    assert sources(site) == [notices]
    assert _done_rows_are_the_posts(site) == [notices]


def test_only_the_items_whose_permalink_guids_answer_404_fall_back_on_their_link(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # One guid is a real page (archived there, as look16c F7 has it); the two that answer
    # 404 and 410 fall back on their link, one article there.
    feed = Feed(httpserver)
    notices, first = httpserver.url_for("/notices"), httpserver.url_for("/ids/notice-1")
    httpserver.expect_request("/ids/notice-1").respond_with_data(
        article("Notice 1"), content_type="text/html"
    )
    httpserver.expect_request("/ids/notice-2").respond_with_data("gone", status=410)
    httpserver.expect_request(IDS).respond_with_data("nope", status=404)
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the council"), content_type="text/html"
    )
    _notices(feed, httpserver, range(1, 4))
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    code, report, err = _retried(site, capsys, "2026-12-01T12:00+00:00", 2)
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 1, []), err
    assert sources(site) == sorted([first, notices])
    (warning,) = warnings_of(report)
    assert warning.startswith(f"2 items listed at {notices} give guids that answer HTTP"), warning
    assert _done_rows_are_the_posts(site) == sorted([first, notices])
    code, report, err = run_at(site, capsys, "2026-12-03T12:00Z")
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 0, []), err
    assert sources(site) == sorted([first, notices])


def test_permalink_guids_answering_404_with_feed_text_archive_the_feed_text(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # content: auto with text in the feed: each item's own text is archived at its guid
    # (as any gone page's item is), one post each; the shared link is not needed.
    feed = Feed(httpserver)
    httpserver.expect_request(IDS).respond_with_data("nope", status=404)
    _notices(feed, httpserver, range(1, 4), "the council met and decided.")
    site.write_config([{"name": "P", "url": feed.url, "content": "auto"}])
    code, report, err = run_at(site, capsys, "2026-12-01T12:00Z")
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 3, []), err
    ids = [httpserver.url_for(f"/ids/notice-{n}") for n in (1, 2, 3)]
    assert sources(site) == ids
    assert _done_rows_are_the_posts(site) == ids
    assert not [r for r, _ in httpserver.log if r.path == "/notices"]


def test_a_permalink_guid_retried_after_a_server_error_falls_back_when_it_answers_404(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A 500 is transient: retried at the guid by later runs, which meet the 404 then
    # and fall back on the item's link (kept with its stored entry) on the attempt that
    # would give the items up.
    feed = Feed(httpserver)
    notices = httpserver.url_for("/notices")
    statuses = {"now": 500}
    httpserver.expect_request(IDS).respond_with_handler(
        lambda request: Response("nope", status=statuses["now"])
    )
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the council"), content_type="text/html"
    )
    _notices(feed, httpserver, range(1, 3))
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    code, report, err = run_at(site, capsys, "2026-12-01T12:00Z")
    assert (code, report["new_posts"], len(report["results"][0]["failed"])) == (1, 0, 2), err
    statuses["now"] = 404
    code, report, err = _retried(site, capsys, "2026-12-01T12:00+00:00", 2, done=1)
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 1, []), err
    assert sources(site) == [notices]
    assert _done_rows_are_the_posts(site) == [notices]


def test_a_permalink_guid_answering_404_once_is_retried_at_the_guid(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # look16g F11: items linking the home page, their guids the articles' URLs. One guid
    # answers 404 on the first run only (a page not on the CDN yet): a failed attempt,
    # retried at the guid, never the home page archived for it.
    feed = Feed(httpserver)
    home = httpserver.url_for("/")
    statuses = {"now": 404}
    httpserver.expect_request("/news/a").respond_with_handler(
        lambda request: (
            Response("nope", status=404)
            if statuses["now"] == 404
            else Response(article("Schools close for snow day"), content_type="text/html")
        )
    )
    httpserver.expect_request("/news/b").respond_with_data(
        article("Council approves tram extension"), content_type="text/html"
    )
    httpserver.expect_request("/").respond_with_data(
        article("The Gazette home page"), content_type="text/html"
    )
    feed.items = [
        {
            "title": title,
            "link": home,
            "guid": httpserver.url_for(f"/news/{slug}"),
            "pubDate": f"Tue, 01 Dec 2026 0{hour}:00:00 GMT",
            "description": "Teaser.",
        }
        for slug, title, hour in [
            ("a", "Schools close for snow day", 9),
            ("b", "Council approves tram extension", 8),
        ]
    ]
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    code, report, err = run_at(site, capsys, "2026-12-01T12:00Z")
    assert (code, report["new_posts"], len(report["results"][0]["failed"])) == (1, 1, 1), err
    assert sources(site) == [httpserver.url_for("/news/b")]
    statuses["now"] = 200
    code, report, err = run_at(site, capsys, "2026-12-01T13:00Z")
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 1, []), err
    news = [httpserver.url_for(f"/news/{slug}") for slug in "ab"]
    assert sources(site) == news
    assert _done_rows_are_the_posts(site) == news
    assert not [r for r, _ in httpserver.log if r.path == "/"]


def _marked_notices(httpserver: HTTPServer, numbers: range) -> bytes:
    """Items at one link, /notices, each with its own guid marked isPermaLink="false" (an
    id on the site's host), title, date and text."""
    notices = httpserver.url_for("/notices")
    items = "".join(
        f"<item><title>Planning notice: application 100{n}</title><link>{notices}</link>"
        f'<guid isPermaLink="false">{httpserver.url_for(f"/ids/notice-{n}")}</guid>'
        f"<pubDate>Tue, 0{n} Dec 2026 09:00:00 GMT</pubDate>"
        f"<description>Application 100{n}: a new depot on plot {n}, objections by the"
        f" 2{n}th.</description></item>"
        for n in numbers
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>http://127.0.0.1/</link>{items}</channel></rss>"
    ).encode()


@pytest.mark.parametrize("content", ["auto", "page"])
def test_notices_sharing_a_link_with_marked_guids_and_their_own_texts_are_each_archived(
    content: str, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # look16g F8 (content: auto), F5 (content: page): distinct notices sharing one link,
    # each with its own guid (marked no permalink), title, date and feed text, are
    # distinct articles written from their feed texts, never the listing page.
    listed = {"numbers": range(1, 4)}
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(
            _marked_notices(httpserver, listed["numbers"]), content_type="application/rss+xml"
        )
    )
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the council"), content_type="text/html"
    )
    httpserver.expect_request(IDS).respond_with_data("nope", status=404)
    site.write_config([{"name": "P", "url": httpserver.url_for("/feed.xml"), "content": content}])
    code, report, err = run_at(site, capsys, "2026-12-03T12:00Z")
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 3, []), err
    ids = [httpserver.url_for(f"/ids/notice-{n}") for n in (1, 2, 3)]
    assert sources(site) == ids
    assert _done_rows_are_the_posts(site) == ids
    assert not [r for r, _ in httpserver.log if r.path == "/notices" or IDS.match(r.path)]
    assert not warnings_of(report), warnings_of(report)
    texts = [(site.posts / name).read_text(encoding="utf-8") for name in site.post_names()]
    assert all("All notices" not in text for text in texts), texts
    assert all("a new depot on plot" in text for text in texts), texts
    # A later day's notice is a new article too.
    listed["numbers"] = range(1, 5)
    code, report, err = run_at(site, capsys, "2026-12-04T12:00Z")
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 1, []), err
    assert sources(site) == [*ids, httpserver.url_for("/ids/notice-4")]


def test_permalink_guids_answering_404_with_their_own_texts_archive_them_under_content_page(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # look16g F5: distinct notices at one link, their permalink guids answering 404,
    # each with its own text: on the attempt that would give them up, each is written
    # from its text at its guid, never one post of the listing page.
    feed = Feed(httpserver)
    httpserver.expect_request(IDS).respond_with_data("nope", status=404)
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the council"), content_type="text/html"
    )
    _notices(feed, httpserver, range(1, 4), "the council met and decided.")
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    code, report, err = _retried(site, capsys, "2026-12-01T12:00+00:00", 3)
    assert (code, report["new_posts"], report["results"][0]["failed"]) == (0, 3, []), err
    ids = [httpserver.url_for(f"/ids/notice-{n}") for n in (1, 2, 3)]
    assert sources(site) == ids
    assert _done_rows_are_the_posts(site) == ids
    assert not [r for r, _ in httpserver.log if r.path == "/notices"]
