"""Issue 16, the archive's promise, the last outside look's rest (the real CLI against
a real local HTTP server): a link an article moved away from is handed to the new
article listed there (F5), one article listed by two feeds in one run is dated by the
feed that dates it (F13), a daily column whose guid is its title is one article a day
(F17), a site migration that changes every guid and link is followed (F18)."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed, run_json, sources


def _day(day: int) -> str:
    return f"{day:02d} Jul 2024 08:00:00 GMT"


# -- F5: a new article at the old link of one that moved ------------------------------------


def test_a_new_article_at_a_moved_articles_old_link_gets_its_own_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "Moves", "url": feed.url, "content": "feed"}])
    l1, l2 = httpserver.url_for("/p/1"), httpserver.url_for("/p/2")
    a = feed.item(1, title="A", guid="a-guid", pubDate=_day(1))
    b = feed.item(2, title="B", guid="b-guid", pubDate=_day(3))
    feed.items = [{**a, "link": l1}]
    assert run_json(site, capsys)[1]["new_posts"] == 1
    feed.items = [{**a, "link": l2}]  # A moves to L2: followed, not archived again
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err
    feed.items = [{**b, "link": l1}, {**a, "link": l2}]  # B, a new article, at L1
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 1), err
    said = f"{l1}: the archived {l1} moved to {l2}; this link is another article's now"
    assert said in report["results"][0]["warnings"], report
    # A's post follows its article to its new link; B's is L1's.
    assert sources(site) == [l1, l2]
    assert run_json(site, capsys)[1]["new_posts"] == 0  # and stays so

    # The state lost with its copy: rebuilt from the posts' from: lines, it agrees.
    for path in (site.root / "state").iterdir():
        path.unlink()
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err
    assert sources(site) == [l1, l2]


# -- F13: one article, two feeds, one run: the dated listing dates it -----------------------


@pytest.mark.parametrize("dated_first", [False, True], ids=["undated first", "dated first"])
def test_an_article_two_feeds_list_in_one_run_takes_the_date_one_gives(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], dated_first: bool
) -> None:
    undated, dated = Feed(httpserver, "/undated.xml"), Feed(httpserver, "/dated.xml")
    link = httpserver.url_for("/story/1.html")
    undated.items = [undated.item(1, link=link)]
    dated.items = [dated.item(1, link=link, pubDate=_day(3))]
    feeds = [
        {"name": "Undated", "url": undated.url, "content": "feed"},
        {"name": "Dated", "url": dated.url, "content": "feed"},
    ]
    site.write_config(feeds[::-1] if dated_first else feeds)
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 1), err
    (name,) = site.post_names()
    assert name.startswith("2024-07-03-"), name
    text = (site.posts / name).read_text(encoding="utf-8")
    assert "\ndate: 2024-07-03T08:00:00.000Z\n" in text, text


# -- F17: a guid that is the title, dates of a day only ------------------------------------


def test_a_daily_column_whose_guid_is_its_title_is_one_article_a_day(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CMS gives the title as the guid, a day as the date, and the same teaser daily.
    feed = Feed(httpserver)
    site.write_config([{"name": "Column", "url": feed.url, "content": "feed"}])
    links = []
    for day in (1, 2, 3, 4):
        link = httpserver.url_for(f"/briefing/2024-07-0{day}")
        links.append(link)
        item = {
            "title": "Morning briefing",
            "guid": "Morning briefing",
            "link": link,
            "pubDate": f"{day:02d} Jul 2024",
            "content": "<p>Your five-minute start to the day.</p>",
        }
        feed.items = [item]  # the feed shows the latest only
        code, report, err = run_json(site, capsys)
        assert (code, report["new_posts"]) == (0, 1), (day, err)
    assert sources(site) == sorted(links)
    names = sorted(site.post_names())
    assert [name[:10] for name in names] == [f"2024-07-0{day}" for day in (1, 2, 3, 4)]


# -- F18: a site migration: every guid and link new, old links redirected --------------------


def test_a_site_migration_that_changes_every_guid_and_link_is_followed(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "Migrated", "url": feed.url, "content": "feed"}])
    old = {n: httpserver.url_for(f"/old/{n}") for n in (1, 2)}
    new = {n: httpserver.url_for(f"/a/{n}23") for n in (1, 2, 3)}
    a = feed.item(1, title="A", guid="old-1", link=old[1], pubDate=_day(1))
    b = feed.item(2, title="B", guid="old-2", link=old[2], pubDate=_day(2))
    feed.items = [b, a]
    assert run_json(site, capsys)[1]["new_posts"] == 2

    # The new CMS: a URL guid and a new link for each; the old links answer 301.
    for n in (1, 2):
        httpserver.expect_request(f"/old/{n}").respond_with_data(
            "", status=301, headers={"Location": new[n]}
        )
        httpserver.expect_request(f"/a/{n}23").respond_with_data(
            "<html><body><p>moved</p></body></html>", content_type="text/html"
        )
    # A: its teaser rewritten by the new CMS (its old link redirects to it); B: the
    # same title, date and text; C: a new article titled as A, on another day.
    a2 = {**a, "guid": new[1], "link": new[1], "content": "<p>A, as the new CMS says it.</p>"}
    b2 = {**b, "guid": new[2], "link": new[2]}
    c = feed.item(3, title="A", guid=new[3], link=new[3], pubDate=_day(4))
    feed.items = [c, b2, a2]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 1), err
    warnings = report["results"][0]["warnings"]
    assert (
        f"{new[1]} is taken for the archived {old[1]} (a site migration: its old link "
        "redirects here permanently); not archived again"
    ) in warnings, warnings
    assert (
        f"{new[2]} is taken for the archived {old[2]} (a site migration: the same title, "
        "date and text under a new guid and link); not archived again"
    ) in warnings, warnings
    assert sources(site) == sorted([old[1], old[2], new[3]])
    code, report, err = run_json(site, capsys)  # followed from now on, said no more
    assert (code, report["new_posts"], report["results"][0]["warnings"]) == (0, 0, []), err
