"""look16h H4, H10, H5, H7 (fixC): a guid refused at an archived article's link (another
article there, one article per link) names nothing, so the item is archived once it is
listed at a link of its own (H4: notices sharing one link; H10: a daily column at an
evergreen URL); a post kept in a subfolder of _posts is dated by its file name, not its
folders (H5); a pending article whose item's date moved to another day is said dated by
the new one (H7). The real CLI against a real local HTTP server."""

from __future__ import annotations

import shutil

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_fix16g_e2e import run_at
from test_fix16k_e2e import warnings_of
from test_fixh_briefing_e2e import Pages
from test_hazards_e2e import item, rss_doc
from test_integrity_e2e import Feed, front_title, sources
from werkzeug import Request, Response

from rssarchive.publish.posts import read_from_line

# -- H4: notices sharing one link, one listed alone there first ---------------------------


def _notice(httpserver: HTTPServer, n: int, *, hour: int | None = None) -> str:
    body = "".join(
        f"<p>Notice {n}. The water supply in district {n} is interrupted on Thursday, part"
        f" {k}, for maintenance of the main pipes; residents store water in advance.</p>"
        for k in range(3)
    )
    return item(
        f"Notice {n}: water supply interrupted in district {n}",
        httpserver.url_for("/notices"),
        guid=httpserver.url_for(f"/ids/notice-{n}"),
        permalink=False,
        pubdate=(
            f"Tue, 0{n} Dec 2026 08:00:00 GMT"
            if hour is None
            else f"Tue, 01 Dec 2026 {hour:02d}:00:00 GMT"
        ),
        body=body,
    )


def test_a_notice_once_listed_alone_at_the_shared_link_is_archived_when_listed_apart(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {"xml": b""}
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(doc["xml"], content_type="application/rss+xml")
    )
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the water authority"), content_type="text/html"
    )
    site.write_config([{"name": "gov", "url": httpserver.url_for("/feed.xml"), "content": "auto"}])

    def listing(*numbers: int) -> None:
        doc["xml"] = rss_doc("".join(_notice(httpserver, n) for n in numbers))

    listing(1)
    code, report, err = run_at(site, capsys, "2026-12-05T09:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    # Notice 2 alone at the archived /notices: another article, not archived there (one
    # article per link), said; its guid is not taken for that article's.
    listing(2)
    code, report, err = run_at(site, capsys, "2026-12-05T10:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    assert any("listed again with a new date and another guid" in w for w in warnings_of(report))
    listing(3, 2, 1)
    code, report, err = run_at(site, capsys, "2026-12-05T11:00Z")
    assert (code, report["new_posts"]) == (0, 2), (err, warnings_of(report))
    titles = sorted(front_title(site, name) for name in site.post_names())
    assert [t.split(":")[0] for t in titles] == ["Notice 1", "Notice 2", "Notice 3"]
    assert not [w for w in warnings_of(report) if "notice-2" in w], warnings_of(report)
    code, report, err = run_at(site, capsys, "2026-12-05T12:00Z")
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, []), err


def test_an_item_said_archived_as_a_new_one_at_a_dropped_alias_is_written(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Notice 2 alone at /notices on notice 1's day: taken for that article (said), its
    # guid attached to it. Listed apart, it is taken for it by that guid (its link an
    # alias); the next run finds the alias another article's ("archived as a new one"):
    # then it is written, not taken back by the same guid (look16h H4, run 4).
    doc = {"xml": b""}
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(doc["xml"], content_type="application/rss+xml")
    )
    httpserver.expect_request("/notices").respond_with_data(
        article("All notices of the water authority"), content_type="text/html"
    )
    site.write_config([{"name": "gov", "url": httpserver.url_for("/feed.xml"), "content": "auto"}])
    runs = iter(f"2026-12-01T{hour:02d}:30Z" for hour in range(10, 20))
    said: list[str] = []
    for listed in ([1], [2], [3, 2, 1], [3, 2, 1], [3, 2, 1]):
        doc["xml"] = rss_doc("".join(_notice(httpserver, n, hour=n + 7) for n in listed))
        code, report, err = run_at(site, capsys, next(runs))
        assert code == 0, err
        said += warnings_of(report)
    titles = sorted(front_title(site, name).split(":")[0] for name in site.post_names())
    assert titles == ["Notice 1", "Notice 2", "Notice 3"], said
    assert sum("archived as a new one" in w for w in said) <= 1, said


# -- H10: a daily column with a new guid each day at an evergreen URL ---------------------


def _column(httpserver: HTTPServer, path: str, day: int) -> dict[str, str]:
    return {
        "title": "Morning briefing",
        "guid": f"mb-{day}",
        "link": httpserver.url_for(path),
        "pubDate": f"0{day} Jul 2024 06:00:00 GMT",
        "description": f"Today: day {day}.",
    }


def test_a_day_first_listed_at_the_evergreen_url_is_archived_at_its_dated_link(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver)
    site.write_config([{"name": "P", "url": feed.url, "content": "page"}])
    pages.put("/briefing", 1, canonical=False)
    feed.items = [_column(httpserver, "/briefing", 1)]
    code, report, err = run_at(site, capsys, "2024-07-01T12:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    # Day 2 at /briefing, day 1 not listed: said, not archived (one article per link).
    pages.put("/briefing", 2, canonical=False)
    feed.items = [_column(httpserver, "/briefing", 2)]
    code, report, err = run_at(site, capsys, "2024-07-02T12:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    # Day 3: the past days at their dated links, today's at /briefing.
    for day in (1, 2):
        pages.put(f"/briefing/2024-07-0{day}", day, canonical=False)
    pages.put("/briefing", 3, canonical=False)
    feed.items = [
        _column(httpserver, "/briefing", 3),
        _column(httpserver, "/briefing/2024-07-02", 2),
        _column(httpserver, "/briefing/2024-07-01", 1),
    ]
    code, report, err = run_at(site, capsys, "2024-07-03T12:00Z")
    assert (code, report["new_posts"]) == (0, 2), (err, warnings_of(report))
    assert sources(site) == sorted(
        httpserver.url_for(p) for p in ("/briefing", "/briefing/2024-07-01", "/briefing/2024-07-02")
    )
    for name in site.post_names():  # each post names its own day's link
        text = (site.posts / name).read_text(encoding="utf-8")
        day = int(name[8:10])
        expected = "/briefing" if day == 3 else f"/briefing/2024-07-0{day}"
        assert read_from_line(text) == httpserver.url_for(expected), (name, text)
        assert f"Today: day {day}" in text or "Briefing:" in text


# -- H5: posts kept in year/month subfolders of _posts -------------------------------------


def _into_subfolders(site: Site) -> None:
    """Every post moved by hand into _posts/YYYY/MM/ (a Jekyll layout the run adopts)."""
    for name in site.post_names():
        if name.endswith(".md"):
            folder = site.posts / name[:4] / name[5:7]
            folder.mkdir(parents=True, exist_ok=True)
            shutil.move(site.posts / name, folder / name)


def test_posts_in_subfolders_are_dated_by_their_file_names(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "n", "url": feed.url, "content": "feed"}])
    feed.items = [feed.item(n, day=n, guid=f"g{n}") for n in (3, 2, 1)]
    code, report, err = run_at(site, capsys, "2024-07-07T12:00Z")
    assert (code, report["new_posts"]) == (0, 3), err
    _into_subfolders(site)
    code, report, err = run_at(site, capsys, "2024-07-07T13:00Z")
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, []), err


def test_a_column_without_guids_is_said_another_article_with_its_post_in_a_subfolder(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "n", "url": feed.url, "content": "feed"}])
    texts = {
        1: "Floods hit the northern valley; rescue teams evacuated villagers overnight. ",
        2: "Rail unions announced a national strike over pensions and wage freezes. ",
    }

    def column(day: int) -> dict[str, str]:
        body = "".join(f"<p>{texts[day] * 4}({k})</p>" for k in range(3))
        return {**feed.item(1, day=day, title="Morning briefing", content=body)}

    feed.items = [column(1)]
    code, report, err = run_at(site, capsys, "2024-07-01T12:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    _into_subfolders(site)
    feed.items = [column(2)]
    code, report, err = run_at(site, capsys, "2024-07-02T12:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    assert warnings_of(report) == [
        f"{httpserver.url_for('/story/1.html')}: listed again with a new date and another text"
        " at the archived article's link; not archived as a new article (one article per link)"
    ]


# -- H7: a pending article whose item's date moved to another day ------------------------


def test_a_pending_article_whose_item_date_moved_to_another_day_is_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    down = {"now": True}

    def page(request: Request) -> Response:
        if down["now"]:
            return Response("busy", status=503)
        return Response(article("Council passes budget"), content_type="text/html")

    httpserver.expect_request("/news/budget").respond_with_handler(page)
    feed = Feed(httpserver)
    site.write_config([{"name": "n", "url": feed.url, "content": "auto"}])
    link = httpserver.url_for("/news/budget")

    def listed(when: str) -> list[dict[str, str]]:
        return [
            {
                "title": "Council passes budget",
                "link": link,
                "guid": "post-77",
                "pubDate": when,
                "description": "The council passed the budget on Friday.",
            }
        ]

    feed.items = listed("Sat, 05 Dec 2026 10:00:00 GMT")
    code, report, err = run_at(site, capsys, "2026-12-05T10:05Z")
    assert (code, report["new_posts"]) == (1, 0), err
    feed.items, down["now"] = listed("Sun, 06 Dec 2026 09:00:00 GMT"), False
    code, report, err = run_at(site, capsys, "2026-12-06T10:00Z")
    assert (code, report["new_posts"]) == (0, 1), err
    assert site.post_names() == ["2026-12-06-Council passes budget.md"]
    assert warnings_of(report) == [
        f"{link}: its item's date changed from 2026-12-05T10:00Z to 2026-12-06T09:00Z while"
        " its page failed; its post is dated by the new one"
    ]
