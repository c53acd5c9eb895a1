"""An outside look's findings (look16i I1, I8): articles of one title taken for one
another by a move no guid tells, and lost or written twice without a word. The real CLI
against a real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed
from test_look16h_fixd_e2e import no_rechecks
from werkzeug import Response

BOILERPLATE = "".join(
    f"<p>Paragraph {n}: the newscast of the day, with the headlines, the weather and the "
    "traffic, read by our team of presenters every morning.</p>"
    for n in range(4)
)


def _page(n: int) -> str:
    return (
        f"<html><head><title>Newscast</title></head><body><article><h1>Newscast</h1>"
        f"<p>Episode {n}: {'the stories of the day, told at length. ' * 20}</p>"
        "</article></body></html>"
    )


def _three_episodes(
    site: Site, feed: Feed, capsys: pytest.CaptureFixture[str], *, guid: bool
) -> list[tuple[int, str]]:
    """Three runs, each listing one "Newscast" episode at its own link (a guid each when
    ``guid``), dated by day only (one second for all), with one boilerplate text: each
    run's number and what it said."""

    def episode(n: int) -> dict[str, str]:
        item = {
            "title": "Newscast",
            "link": feed.server.url_for(f"/a/newscast-{n}.html"),
            "pubDate": "Tue, 01 Dec 2026 00:00:00 GMT",
            "content": BOILERPLATE,
        }
        return {**item, "guid": f"newscast-{n}"} if guid else item

    site.write_config([{"name": "f", "url": feed.url, "content": "feed"}])
    no_rechecks(site)
    said = []
    for n in (1, 2, 3):
        feed.items = [episode(n)]
        code = site.cli("run", "--now", f"2026-12-0{n}T12:00:00Z")
        _, err = capsys.readouterr()
        assert code == 0, err
        said.append((n, err))
    return said


# -- I1: a recurring item whose old link still answers with its own page ------------------


@pytest.mark.parametrize("guid", [False, True])
def test_a_recurring_item_whose_old_link_still_answers_is_another_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], guid: bool
) -> None:
    # "Newscast", dated by day only (one second for all), the same boilerplate text, each
    # episode at its own link; every older link still answers 200 with its own page.
    feed = Feed(httpserver)
    for n in (1, 2, 3):
        httpserver.expect_request(f"/a/newscast-{n}.html").respond_with_data(
            _page(n), content_type="text/html"
        )

    for _, err in _three_episodes(site, feed, capsys, guid=guid):
        assert "site migration" not in err, err
    assert len(site.post_names()) == 3, site.post_names()


@pytest.mark.parametrize("guid", [False, True])
def test_each_other_link_taken_for_one_moved_article_is_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], guid: bool
) -> None:
    # The old links answer 404 (the evidence a move at one site takes): each episode is
    # taken for the first, a loss if wrong: said each time, not once for the article.
    feed = Feed(httpserver)
    for n in (1, 2, 3):
        httpserver.expect_request(f"/a/newscast-{n}.html").respond_with_data("gone", status=404)

    for n, err in _three_episodes(site, feed, capsys, guid=guid):
        said = [line for line in err.splitlines() if "a site migration" in line]
        assert len(said) == (0 if n == 1 else 1), (n, err)
    assert len(site.post_names()) == 1, site.post_names()


# -- I8: a guid-less daily column moved from one link to dated links ------------------------

DAYS = {
    1: "The council approved the harbour budget after a long night of debate, and the"
    " mayor promised that the new ferry terminal would open before the summer season.",
    2: "Storms closed three schools in the north of the county; the river rose above its"
    " banks near the old mill, and police asked drivers to avoid the bridge road.",
    3: "Hospital staff voted to strike next month over pay, while the minister said talks"
    " would continue and that patients should keep their appointments as planned.",
    4: "Market traders protested the new parking charges outside the town hall, and the"
    " court ruled that the election count in the east ward must be held again.",
}


def _briefing(day: int, link: str, server: HTTPServer) -> dict[str, str]:
    return {
        "title": "Morning Briefing",
        "link": server.url_for(link),
        "pubDate": f"Tue, {day:02d} Dec 2026 06:00:00 GMT",
        "content": f"<p>Good morning. {DAYS[day]} {DAYS[day]}</p>",
    }


def _column_page(day: int) -> str:
    return (
        "<html><head><title>Morning Briefing</title></head><body><article>"
        f"<h1>Morning Briefing</h1><p>Good morning. {DAYS[day]} {DAYS[day]}</p>"
        "</article></body></html>"
    )


@pytest.mark.parametrize("content", ["feed", "page"])
def test_a_daily_column_moved_to_dated_links_keeps_one_post_a_day(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    # Days 1-3 listed at /briefing, then /briefing for day 4 and dated links for 1-3;
    # /briefing answers with the newest day's page, the dated links with their own.
    feed = Feed(httpserver)
    newest = {"day": 1}
    httpserver.expect_request("/briefing").respond_with_handler(
        lambda _: Response(_column_page(newest["day"]), content_type="text/html")
    )
    for day in (1, 2, 3):
        httpserver.expect_request(f"/briefing/2026-12-0{day}").respond_with_data(
            _column_page(day), content_type="text/html"
        )
    site.write_config([{"name": "f", "url": feed.url, "content": content}])
    no_rechecks(site)
    said: list[str] = []
    for day in (1, 2, 3):
        newest["day"] = day
        feed.items = [_briefing(day, "/briefing", httpserver)]
        assert site.cli("run", "--now", f"2026-12-0{day}T08:00:00Z") == 0
        said.append(capsys.readouterr().err)
    # Another day's text at the column's link is another article, said as one.
    for err in said[1:]:
        assert "listed again with a new date and another text" in err, err
        assert "not redated" not in err, err
    newest["day"] = 4
    feed.items = [_briefing(4, "/briefing", httpserver)] + [
        _briefing(day, f"/briefing/2026-12-0{day}", httpserver) for day in (3, 2, 1)
    ]
    assert site.cli("run", "--now", "2026-12-04T08:00:00Z") == 0
    err = capsys.readouterr().err
    day1 = [name for name in site.post_names() if name.startswith("2026-12-01")]
    assert len(day1) == 1, (site.post_names(), err)
    moved = [line for line in err.splitlines() if "/briefing/2026-12-01" in line]
    assert len(moved) == 1 and "a site migration" in moved[0], err
    assert "listed again with a new date and another text" in err, err
    assert sorted(n[:10] for n in site.post_names()) == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert site.cli("run", "--now", "2026-12-04T09:00:00Z") == 0
    err = capsys.readouterr().err
    assert len(site.post_names()) == 3, (site.post_names(), err)
