"""Issue 16, look16c F4b, F13 (1) and F4: the items a feed lists that max_items or the
feed's paging kept out of the archive. The real CLI against a real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed, sources
from werkzeug import Request, Response

CAPPED = {"name": "P", "content": "feed", "max_items": 3, "recheck": False}


def run_at(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, str, str]:
    code = site.cli("run", "--now", now)
    out, err = capsys.readouterr()
    return code, out, err


def story_links(server: HTTPServer, numbers: range | list[int]) -> list[str]:
    return sorted(server.url_for(f"/story/{n}.html") for n in numbers)


# -- F4b: an undated feed listed oldest first, over max_items ---------------------------------


def test_an_undated_feed_listed_oldest_first_gets_its_new_items_archived(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    # No dates; each new item is appended at the end (oldest first).
    feed.items = [feed.item(n) for n in range(5)]
    site.write_config([CAPPED | {"url": feed.url}])

    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    # Nothing known, no dates: the first three listed, and said so: not "newest".
    assert sources(site) == story_links(httpserver, range(3))
    assert "newest" not in err, err
    assert "kept the first 3 listed" in err, err
    assert "2 not archived" in err, err

    # Two new items at the end: the known ones lead the list, so its end is its newest.
    feed.items = [feed.item(n) for n in range(7)]
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    archived = sources(site)
    for n in (5, 6):
        assert httpserver.url_for(f"/story/{n}.html") in archived, (n, err)
    assert len(archived) == 6
    assert "newest" not in err, err
    # Exactly one left out (story 3), the three archived in run 1 are not counted.
    assert "1 not archived" in err, err

    # The one left out comes next: every item of the feed is archived in the end.
    code, _, err = run_at(site, capsys, "2024-07-24T02:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, range(7))
    assert "not archived" not in err, err


def test_the_cap_warning_counts_only_what_the_archive_does_not_hold(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """F13 (1): dated, oldest first; the items of earlier runs left out by the cap are
    archived already and are not counted as "not archived"."""
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=n + 1) for n in range(5)]
    site.write_config([CAPPED | {"url": feed.url}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    assert "kept the 3 newest, 2 not archived" in err, err

    feed.items = [feed.item(n, day=n + 1) for n in range(7)]
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, range(2, 7))
    # Left out: stories 0-3, of which 2 and 3 are archived: 2 not archived.
    assert "kept the 3 newest, 2 not archived" in err, err


# -- F4: paged feeds (RFC 5005, section 3) -------------------------------------------------


class PagedFeed:
    """An Atom feed in pages: ``pages[i]`` lists story numbers, page i+1 links page i+2
    (rel="next"); ``nexts`` may name other next links."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.pages: list[list[int]] = []
        self.nexts: dict[int, str] = {}
        self.rss = False

        def handler(request: Request) -> Response:
            index = int(request.args.get("page", "1")) - 1
            if index >= len(self.pages):
                return Response("none", status=404)
            return Response(self.document(index), content_type="application/atom+xml")

        server.expect_request("/feed").respond_with_handler(handler)
        self.url = server.url_for("/feed")

    def next_url(self, index: int) -> str | None:
        if index in self.nexts:
            return self.nexts[index]
        if index + 1 < len(self.pages):
            return f"{self.url}?page={index + 2}"
        return None

    def document(self, index: int) -> bytes:
        nxt = self.next_url(index)
        if self.rss:
            link = f'<atom:link rel="next" href="{nxt}"/>' if nxt else ""
            items = "".join(
                f"<item><title>Story {n}</title><link>{self.server.url_for(f'/story/{n}.html')}"
                f"</link><pubDate>{n + 1:02d} Jul 2024 08:00:00 GMT</pubDate>"
                f"<description>Story {n}: the whole text.</description></item>"
                for n in self.pages[index]
            )
            return (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
                'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>P</title>'
                f"<link>http://127.0.0.1/</link>{link}{items}</channel></rss>"
            ).encode()
        link = f'<link rel="next" href="{nxt}"/>' if nxt else ""
        entries = "".join(
            f"<entry><title>Story {n}</title><id>urn:s{n}</id>"
            f'<link href="{self.server.url_for(f"/story/{n}.html")}"/>'
            f"<updated>2024-07-{n + 1:02d}T08:00:00Z</updated>"
            f"<content type='html'>&lt;p&gt;Story {n}: the whole text.&lt;/p&gt;</content></entry>"
            for n in self.pages[index]
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>P</title><id>urn:p</id><updated>2024-07-20T00:00:00Z</updated>{link}"
            f"{entries}</feed>"
        ).encode()

    def pages_asked(self) -> list[str]:
        return [r.args.get("page", "1") for r, _ in self.server.log if r.path == "/feed"]


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_items_pushed_to_a_later_page_between_runs_are_archived(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    feed = PagedFeed(httpserver)
    feed.rss = kind == "rss"
    feed.pages = [[3, 2, 1], [0]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    # The first run reads the first page only: a backfill is another command.
    assert feed.pages_asked() == ["1"]
    assert sources(site) == story_links(httpserver, [1, 2, 3])

    # Six new items: three on page 1, three pushed to page 2; page 3 holds the known.
    feed.pages = [[9, 8, 7], [6, 5, 4], [3, 2, 1], [0]]
    httpserver.clear_log()
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, range(1, 10))
    # Page 3 lists known items: the gap ends there, and page 4 is not read.
    assert feed.pages_asked() == ["1", "2", "3"]
    assert "later pages" not in err, err


def test_the_pages_read_are_bounded_and_the_bound_is_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from rssarchive.core.decide.policies import MAX_LATER_FEED_PAGES

    feed = PagedFeed(httpserver)
    feed.pages = [[100]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err

    # Every page new, more pages than the bound allows.
    pages = MAX_LATER_FEED_PAGES + 3
    feed.pages = [[n] for n in range(pages, 0, -1)] + [[100]]
    httpserver.clear_log()
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert len(feed.pages_asked()) == 1 + MAX_LATER_FEED_PAGES
    read = range(pages, pages - MAX_LATER_FEED_PAGES - 1, -1)
    assert sources(site) == story_links(httpserver, [100, *read])
    assert "later pages not read" in err, err


def test_a_next_link_back_to_a_page_read_or_to_another_host_stops(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = PagedFeed(httpserver)
    feed.pages = [[1]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    assert run_at(site, capsys, "2024-07-24T00:00:00Z")[0] == 0

    # Page 2 links back to page 1: no loop.
    feed.pages = [[3], [2], [1]]
    feed.nexts = {1: feed.url}
    httpserver.clear_log()
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert feed.pages_asked() == ["1", "2"]
    assert sources(site) == story_links(httpserver, [1, 2, 3])

    # A next page on another host is not read, and that is said.
    other = feed.url.replace("localhost", "127.0.0.1") + "?page=2"
    feed.pages = [[5], [4], [3]]
    feed.nexts = {0: other}
    httpserver.clear_log()
    code, _, err = run_at(site, capsys, "2024-07-24T02:00:00Z")
    assert code == 0, err
    assert feed.pages_asked() == ["1"]
    assert "another host" in err and "later pages not read" in err, err


# -- look16e F1: an archived item above new ones on a page (an update, a pin) ---------------


@pytest.mark.parametrize("top", ["updated", "pinned"])
def test_an_archived_item_at_the_top_of_a_page_does_not_end_the_new_items(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], top: str
) -> None:
    feed = PagedFeed(httpserver)
    feed.pages = [[3, 2, 1], [0]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, [1, 2, 3])

    # Story 3 (updated and sorted to the top, or pinned there) leads page 1; four new
    # items follow it, two of them pushed to page 2, whose end is archived again.
    feed.pages = [[3, 7, 6], [5, 4, 2], [1, 0]]
    if top == "pinned":
        feed.pages = [[3, 7, 6], [3, 5, 4, 2], [1, 0]]
    httpserver.clear_log()
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    # Page 2 holds new items: page 3 is read (look16g F6: one archived item at a page's
    # end ends nothing), and story 0, never archived, is archived from it.
    assert feed.pages_asked() == ["1", "2", "3"]
    assert sources(site) == story_links(httpserver, range(0, 8))
    assert "later pages" not in err, err


def test_an_archived_item_at_the_end_of_a_page_does_not_end_the_new_items(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # look16g F6: a feed sorted by update time; an archived article edited since the
    # last run lands last on page 1, new items go on on page 2.
    feed = PagedFeed(httpserver)
    feed.pages = [[3, 2, 1]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, [1, 2, 3])

    feed.pages = [[9, 8, 7, 2], [6, 5, 4, 3, 1]]
    httpserver.clear_log()
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert feed.pages_asked() == ["1", "2"]
    assert sources(site) == story_links(httpserver, range(1, 10))


# -- look16e F9: dated items whose dates tie (a build time, day-only dates) -----------------


def test_items_whose_dates_tie_are_taken_as_undated_ones_under_max_items(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    # Listed oldest first, every item stamped with one time (the feed's build time).
    feed.items = [feed.item(n, day=20) for n in range(3)]
    site.write_config([CAPPED | {"url": feed.url}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, range(3))

    feed.items = [feed.item(n, day=21) for n in range(4)]
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, range(4))
    assert "not archived" not in err, err

    # Four new ones, one left out: said, and not as "newest" (the dates did not choose);
    # it comes on the next run.
    feed.items = [feed.item(n, day=22) for n in range(8)]
    code, _, err = run_at(site, capsys, "2024-07-24T02:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, [0, 1, 2, 3, 5, 6, 7])
    assert "newest" not in err, err
    assert "1 not archived yet" in err, err
    feed.items = [feed.item(n, day=23) for n in range(8)]
    code, _, err = run_at(site, capsys, "2024-07-24T03:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, range(8))


# -- look16e F13: an undated backlog the cap left out on a first poll ------------------------


def test_an_undated_backlog_the_cap_left_out_is_said_dated_at_archiving_time(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    # No dates, newest first: a backlog of seven on the first poll, three kept.
    feed.items = [feed.item(n) for n in range(6, -1, -1)]
    site.write_config([CAPPED | {"url": feed.url}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, [4, 5, 6])
    assert "3 items have no date" in err, err

    # One new item; the backlog's stories 3 and 2 come now, dated at archiving time,
    # though they were listed a poll ago (weeks old maybe): said, as the first poll's.
    feed.items = [feed.item(n) for n in range(7, -1, -1)]
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, [2, 3, 4, 5, 6, 7])
    assert "have no date" in err and "dated at archiving time" in err, err

    # The backlog taken in the end: a later poll's new item alone is not said.
    code, _, err = run_at(site, capsys, "2024-07-24T02:00:00Z")
    assert code == 0, err
    assert "not archived" not in err, err
    feed.items = [feed.item(n) for n in range(8, -1, -1)]
    code, _, err = run_at(site, capsys, "2024-07-24T03:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, range(9))
    assert "have no date" not in err, err


# -- look16e F14: a pinned archived item at the top of an undated newest-first feed ----------


def test_a_pinned_item_at_the_top_does_not_turn_the_list_oldest_first(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    pin = feed.item(100)
    # No dates, newest first, story 100 pinned at the top.
    feed.items = [pin, *(feed.item(n) for n in range(5, 1, -1))]
    site.write_config([CAPPED | {"url": feed.url}])
    code, _, err = run_at(site, capsys, "2024-07-24T00:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, [4, 5, 100])

    # Two new items under the pin, the backlog's 3 and 2, and 1: the newest go first.
    feed.items = [pin, *(feed.item(n) for n in range(7, 0, -1))]
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert sources(site) == story_links(httpserver, [3, 4, 5, 6, 7, 100])
    assert "kept 3 new ones, the first listed" in err, err
    assert "grows at its end" not in err, err


def test_a_feed_whose_posts_were_adopted_after_a_lost_state_reads_its_later_pages(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """look16i I12: the state lost with its copy, a paged feed whose posts the run adopts
    is no feed polled for the first time (whose later pages are a backfill's work): the
    items pushed to page 2 meanwhile are read there and archived, as a later run's are."""
    import shutil

    feed = PagedFeed(httpserver)
    feed.pages = [[3, 2, 1], [0]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    assert run_at(site, capsys, "2024-07-24T00:00:00Z")[0] == 0
    feed.pages = [[7, 6, 5], [4, 3, 2], [1, 0]]
    shutil.rmtree(site.root / "state")  # the database and its copy: a new disk
    httpserver.clear_log()
    code, _, err = run_at(site, capsys, "2024-07-24T01:00:00Z")
    assert code == 0, err
    assert "adopted 3 existing posts" in err, err
    # Page 2 held new items, so page 3 is read too (as a later run's would be): story 0,
    # which the first run left on its page 2, is new to the archive.
    assert sources(site) == story_links(httpserver, range(0, 8))
    assert feed.pages_asked() == ["1", "2", "3"]
