"""An outside look's findings (look16i: I2, I9, I3): articles lost unsaid behind an
edit, and a Chinese feed's CST. The real CLI against real local HTTP servers."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_hazards_e2e import by_title, item, rss_doc, run, serve
from test_integrity_e2e import Feed, sources
from test_look16h_dates_e2e import _date
from test_look16h_fixd_e2e import GAP, UpdatedFeed, first_run, no_rechecks

# -- I2: a bulk edit on a paged feed sorted by update --------------------------------------


def test_new_items_under_a_page_bulk_edited_at_one_time_are_archived(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = first_run(site, httpserver)
    capsys.readouterr()
    # Stories 4 and 5 published on the 6th; 1-3 edited at one time on the 7th (a
    # category renamed), each keeping its own <published>: sorted above them.
    feed.pages = [[(3, 3, 7), (2, 2, 7), (1, 1, 7)], [(5, 6, 6), (4, 6, 6), (0, 1, 1)]]

    code = site.cli("run", "--now", "2024-07-08T00:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    archived = sources(site)
    for n in (4, 5):
        assert httpserver.url_for(f"/story/{n}.html") in archived, (n, err)


def test_a_build_time_on_every_item_of_every_page_costs_one_page(
    site: Site, httpserver: HTTPServer
) -> None:
    feed = UpdatedFeed(httpserver)
    feed.pages = [[(6, 6, 6), (5, 5, 5), (4, 4, 4)], [(3, 3, 3), (2, 2, 2), (1, 1, 1)]]
    site.write_config([{"name": "P", "url": feed.url, "content": "feed", "recheck": False}])
    assert site.cli("run", "--now", "2024-07-07T00:00:00Z") == 0
    # Every item stamped with the feed's build time since: page 2 is read (new items).
    feed.pages = [[(n, n, 9) for n in (6, 5, 4)], [(n, n, 9) for n in (3, 2, 1)]]
    assert site.cli("run", "--now", "2024-07-10T00:00:00Z") == 0
    assert len(sources(site)) == 6
    # Stamped again: page 2, stamped alike, ends the reading.
    feed.pages = [[(n, n, 11) for n in (6, 5, 4)], [(n, n, 11) for n in (3, 2, 1)]]
    httpserver.clear_log()
    assert site.cli("run", "--now", "2024-07-12T00:00:00Z") == 0
    asked = [r.args.get("page", "1") for r, _ in httpserver.log if r.path == "/feed"]
    assert asked == ["1", "2"]


# -- I9: an archived article re-dated by its edit and sorted to the top ---------------------


def test_an_archived_item_redated_by_an_edit_at_the_top_does_not_hide_a_gap(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=n + 1) for n in range(9, 0, -1)]
    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    assert site.cli("run", "--now", "2024-07-11T12:00:00Z") == 0
    capsys.readouterr()
    # 10-18 published and pushed off while the archive was down; story 3 edited, its
    # pubDate bumped to the edit's day, at the top of 19-27.
    feed.items = [feed.item(3, day=21)] + [feed.item(n, day=n - 7) for n in range(27, 18, -1)]

    code = site.cli("run", "--now", "2024-07-21T12:00:00Z")
    _, err = capsys.readouterr()
    assert code == 0, err
    assert GAP in err, err
    assert "(1 older one pinned at its top aside)" in err, err


# -- I3: a Chinese feed's CST is China's time -------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "date"),
    [
        pytest.param("zh-cn", "Beijing news", "2026-12-01T14:00:00.000Z", id="language zh-cn"),
        pytest.param(None, "北京发布冬季交通新规", "2026-12-01T14:00:00.000Z",
                     id="Han titles, no language"),
        pytest.param(None, "東京の冬の交通規則", "2026-12-02T04:00:00.000Z",
                     id="Japanese titles: US Central, said"),
    ],
)  # fmt: skip
def test_cst_in_a_chinese_feed_is_chinas_time(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    language: str | None,
    title: str,
    date: str,
) -> None:
    written = "Tue Dec 01 22:00:00 CST 2026"
    doc = rss_doc(item(title, "http://127.0.0.1/news/2026/1201/123.html", pubdate=written))
    if language is not None:
        channel = b"<link>http://127.0.0.1/</link>"
        doc = doc.replace(channel, channel + f"<language>{language}</language>".encode(), 1)
    url = serve(httpserver, "/zh.xml", doc)
    site.write_config([{"name": "z", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", "2026-12-07T12:00:00Z")
    assert code == 0, err
    assert _date(by_title(site)[title][1]) == date
    assert ("read as US Central" in err) is date.endswith("04:00:00.000Z"), err
