"""Issue 16, look16d F2, F7, F10: guid-less items whose links carry a per-fetch
cache-buster (``?id=7&_=<the time it was served>``) are archived once, however many share one path;
items one document lists at once at ``?id=1`` and ``?id=2`` are two articles whatever
their titles and dates; a date on one side only confirms nothing (the real CLI against
a real local HTTP server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import rss
from test_integrity_e2e import sources
from werkzeug import Request, Response

# A cache-buster's value: the Unix time the feed was served at, seconds from the fetch
# (the run's --now); one further than 15 minutes from it names a page (look16e F3).
CLOCK = [0]
DEC2 = 1796169600  # 2026-12-02T00:00:00Z
DEC7_NOON = 1796644800  # 2026-12-07T12:00:00Z


def _run(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict, str]:
    CLOCK[0] = int(datetime.fromisoformat(now).timestamp())
    code = site.cli("run", "--now", now, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _page(title: str, number: str) -> bytes:
    body = "".join(
        f"<p>Picture {number}: its own story about place number {number}, paragraph {i},"
        " with enough words of its own to count as a body for the extractor.</p>"
        for i in range(6)
    )
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article>{body}</article></body></html>".encode()


def _serve_show(httpserver: HTTPServer, title: str | None = None) -> None:
    """/show.php?id=N: its own page for each N, titled ``title`` or ``Story N``."""
    httpserver.expect_request("/show.php").respond_with_handler(
        lambda request: Response(
            _page(title or f"Story {request.args['id']}", request.args["id"]),
            content_type="text/html",
        )
    )


def _listing(
    site: Site, httpserver: HTTPServer, title: str | None = None
) -> tuple[list[dict[str, str]], str]:
    """A feed "A" (content: page) that lists the items of the list returned, changed
    between runs, and /show.php's pages (_serve_show); with the link of those."""
    items: list[dict[str, str]] = []
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(rss(items), content_type="application/rss+xml")
    )
    _serve_show(httpserver, title)
    site.write_config([{"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    return items, httpserver.url_for("/show.php")


@pytest.mark.parametrize(
    "own",
    [
        pytest.param(False, id="one stamp in all the document's links: dropped"),
        # Each link's stamp is the moment it was written (none shared): the same-path
        # rule compares each item with the articles whose query shares its other
        # parameters (``id=7``) first, not with the 20 newest.
        pytest.param(True, id="a stamp of its own on each link: the same-path rule"),
    ],
)
def test_a_cache_buster_on_more_than_20_articles_at_one_path_archives_each_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], own: bool
) -> None:
    fetches = [0]

    def feed(request: Request) -> Response:
        fetches[0] += 1
        items = [
            {
                "title": f"Story {i}",
                "link": httpserver.url_for("/show.php")
                + f"?id={i}&_={CLOCK[0] + 100 + (i if own else 0)}",
                "pubDate": f"Tue, 01 Dec 2026 {i % 24:02d}:{i:02d}:00 GMT",
            }
            for i in range(25, 0, -1)
        ]
        return Response(rss(items), content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    _serve_show(httpserver)
    site.write_config(
        [{"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page", "max_items": 50}]
    )
    code, report, err = _run(site, capsys, "2026-12-02T00:00:00Z")
    assert code == 0 and report["new_posts"] == 25, err
    first = sources(site)
    for hour in (1, 2, 3):
        code, report, err = _run(site, capsys, f"2026-12-02T0{hour}:00:00Z")
        assert code == 0 and report["new_posts"] == 0, err
        if not own:  # nothing to say: the links are the same without the stamp
            assert report["results"][0]["warnings"] == [], err
    assert len(site.post_names()) == 25
    assert own or sources(site) == first


def test_an_archive_whose_links_kept_a_cache_buster_takes_each_article_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A one-item document cannot show which parameter is per-fetch: its article is
    # archived at its link with the stamp; later documents of several items are read
    # without it, and find that article by the same-path rule (said once).
    items, link = _listing(site, httpserver)

    def listing(stamp: int, ids: list[int]) -> list[dict[str, str]]:
        return [
            {
                "title": f"Story {i}",
                "link": f"{link}?id={i}&_={stamp}",
                "pubDate": f"Tue, 01 Dec 2026 0{i}:00:00 GMT",
            }
            for i in ids
        ]

    items[:] = listing(DEC2 + 1, [1])
    assert _run(site, capsys, "2026-12-02T00:00:00Z")[1]["new_posts"] == 1
    items[:] = listing(DEC2 + 3601, [2, 1])
    code, report, err = _run(site, capsys, "2026-12-02T01:00:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    warnings = report["results"][0]["warnings"]
    assert len(warnings) == 1 and "same title and date, only its query differs" in warnings[0]
    items[:] = listing(DEC2 + 7201, [3, 2, 1])
    code, report, err = _run(site, capsys, "2026-12-02T02:00:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert report["results"][0]["warnings"] == [], err
    assert len(site.post_names()) == 3


def test_two_guidless_items_of_one_document_with_one_title_and_date_are_two_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    built = "Mon, 07 Dec 2026 10:00:00 GMT"  # the feed's build time on every item
    items = [
        {
            "title": "Photo of the day",
            "link": httpserver.url_for("/show.php") + f"?id={i}",
            "pubDate": built,
        }
        for i in (2, 1)
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    _serve_show(httpserver, "Photo of the day")
    site.write_config([{"name": "A", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    assert code == 0 and report["new_posts"] == 2, err
    assert report["results"][0]["warnings"] == [], err
    assert len(site.post_names()) == 2


def test_a_guidless_item_dated_on_one_side_only_is_another_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items, link = _listing(site, httpserver, "Photo of the day")
    items[:] = [
        {
            "title": "Photo of the day",
            "link": f"{link}?id=1",
            "pubDate": "Mon, 07 Dec 2026 10:00:00 GMT",
        }
    ]
    assert _run(site, capsys, "2026-12-07T12:00:00Z")[1]["new_posts"] == 1
    items[:] = [{"title": "Photo of the day", "link": f"{link}?id=2"}]  # no date
    code, report, err = _run(site, capsys, "2026-12-08T12:00:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert report["results"][0]["warnings"] == [], err
    assert len(site.post_names()) == 2


def test_undated_items_taken_by_the_same_path_rule_are_said_so(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # One undated item a document: the documented limit (the same title, neither
    # dated) takes it for the archived article; the warning says what was compared.
    items, link = _listing(site, httpserver)
    items[:] = [{"title": "Story 1", "link": f"{link}?id=1&_={DEC7_NOON + 1}"}]
    assert _run(site, capsys, "2026-12-07T12:00:00Z")[1]["new_posts"] == 1
    items[:] = [{"title": "Story 1", "link": f"{link}?id=1&_={DEC7_NOON + 3601}"}]
    code, report, err = _run(site, capsys, "2026-12-07T13:00:00Z")
    assert code == 0 and report["new_posts"] == 0, err
    warnings = report["results"][0]["warnings"]
    assert len(warnings) == 1, warnings
    assert "(same title, neither dated, only its query differs)" in warnings[0], warnings


def test_a_paged_feeds_known_items_under_a_new_stamp_stop_its_paging(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The stamp is dropped where the document is read, before the state is asked
    # whether its items are known: a first page that lists only archived articles
    # under a new stamp is known, and its next page is not read (RFC 5005 paging).
    fetches = [0]

    def feed(request: Request) -> Response:
        fetches[0] += 1
        page = int(request.args.get("page", "1"))
        numbers = [3, 2, 1] if page == 1 else [0]
        more = f'<atom:link rel="next" href="{httpserver.url_for("/feed")}?page=2"/>'
        items = "".join(
            f"<item><title>Story {n}</title><link>{httpserver.url_for('/show.php')}"
            f"?id={n}&amp;_={CLOCK[0] + fetches[0]}</link>"
            f"<pubDate>0{n + 1} Dec 2026 08:00:00 GMT</pubDate></item>"
            for n in numbers
        )
        return Response(
            '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title>P</title><link>http://127.0.0.1/</link>"
            f"{more if page == 1 else ''}{items}</channel></rss>",
            content_type="application/rss+xml",
        )

    httpserver.expect_request("/feed").respond_with_handler(feed)
    _serve_show(httpserver)
    site.write_config([{"name": "P", "url": httpserver.url_for("/feed"), "content": "page"}])
    code, report, err = _run(site, capsys, "2026-12-07T00:00:00Z")
    assert code == 0 and report["new_posts"] == 3, err
    httpserver.clear_log()
    code, report, err = _run(site, capsys, "2026-12-07T01:00:00Z")
    assert code == 0 and report["new_posts"] == 0, err
    asked = [r.args.get("page", "1") for r, _ in httpserver.log if r.path == "/feed"]
    assert asked == ["1"], asked


def test_an_article_archived_with_its_stamp_is_not_taken_by_another_item_of_its_title(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # ?id=1 was archived with its stamp (a document of one item); a later document
    # lists ?id=1 and ?id=2, one title, one build time: ?id=2 is not ?id=1's article.
    built = "Mon, 07 Dec 2026 10:00:00 GMT"
    items, link = _listing(site, httpserver, "Photo of the day")

    def photo(i: int, stamp: int) -> dict[str, str]:
        return {"title": "Photo of the day", "link": f"{link}?id={i}&_={stamp}", "pubDate": built}

    items[:] = [photo(1, DEC7_NOON + 1)]
    assert _run(site, capsys, "2026-12-07T12:00:00Z")[1]["new_posts"] == 1
    items[:] = [photo(1, DEC7_NOON + 3601), photo(2, DEC7_NOON + 3601)]  # ?id=2 is read first
    code, report, err = _run(site, capsys, "2026-12-07T13:00:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    warnings = report["results"][0]["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith(f"{link}?id=1 is taken"), warnings
    assert sorted(sources(site)) == [f"{link}?id=1&_={DEC7_NOON + 1}", f"{link}?id=2"]


def test_an_editions_midnight_in_every_link_is_a_real_parameter(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # An e-paper lists its edition's pages at ?id=N&edition=<the edition's midnight>:
    # one value in every link, a Unix time 12 hours before the run, names the page
    # (look16e F3); each day's edition is archived at its own links.
    items, link = _listing(site, httpserver)

    def edition(midnight: int) -> list[dict[str, str]]:
        day = datetime.fromtimestamp(midnight, UTC).strftime("%d %b %Y")
        return [
            {
                "title": f"Story {i} of {day}",
                "link": f"{link}?id={i}&edition={midnight}",
                "pubDate": f"{day} 05:00:00 GMT",
            }
            for i in (2, 1)
        ]

    items[:] = edition(DEC7_NOON - 43200)
    assert _run(site, capsys, "2026-12-07T12:00:00Z")[1]["new_posts"] == 2
    items[:] = edition(DEC7_NOON + 43200)
    code, report, err = _run(site, capsys, "2026-12-08T12:00:00Z")
    assert code == 0 and report["new_posts"] == 2, err
    assert len(site.post_names()) == 4
    assert all("edition=" in source for source in sources(site))
