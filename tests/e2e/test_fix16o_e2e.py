"""Look16f s06, s52, s15 (the real CLI against a real local HTTP server): a story
archived through an aggregator's click link (a 302 to the publisher's page) is that
article when the publisher's own feed lists it there under its title without the site's
name; article links that 302 to a subscription landing page are failed attempts; one
story listed by one feed under two section links is one article."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss


def _run(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", now, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def _warnings(report: dict) -> list[str]:
    return [w for r in report["results"] for w in r["warnings"]]


@pytest.mark.parametrize(
    ("title", "day", "new"),
    [
        ("Ceasefire talks resume in Cairo", "07", 0),
        ("Ceasefire talks collapse in Cairo", "07", 1),
        ("Ceasefire talks resume in Cairo", "09", 1),
    ],
    ids=["its-title-and-day", "another-title", "another-day"],
)
def test_a_story_archived_through_an_aggregators_click_link_is_that_article_at_its_own_link(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    title: str,
    day: str,
    new: int,
) -> None:
    """s06: a Google-News-style item (title "Story - Site", its own guid) whose link
    302s to the publisher's page is archived; the publisher's feed then lists that page
    under "Story", its own guid, a minute earlier: the same article (no second post),
    said once and not as "another article's". Another title or day stays a new one."""
    art = httpserver.url_for("/world/2026/12/07/ceasefire-talks-resume")
    httpserver.expect_request("/world/2026/12/07/ceasefire-talks-resume").respond_with_data(
        article("Ceasefire talks resume in Cairo"), content_type="text/html"
    )
    httpserver.expect_request("/rss/articles/CBMiWorldAAA").respond_with_data(
        "", status=302, headers={"Location": art}
    )
    click = {
        "title": "Ceasefire talks resume in Cairo - The Daily Planet",
        "link": httpserver.url_for("/rss/articles/CBMiWorldAAA") + "?oc=5",
        "guid": "CBMiWorldAAA",
        "pubDate": "Mon, 07 Dec 2026 08:31:00 GMT",
    }
    httpserver.expect_request("/gn.xml").respond_with_data(
        rss([click]), content_type="application/rss+xml"
    )
    own = {"title": title, "link": art, "guid": "dp-991"}
    own["pubDate"] = f"Mon, {day} Dec 2026 08:30:00 GMT"
    httpserver.expect_request("/pub.xml").respond_with_data(
        rss([own]), content_type="application/rss+xml"
    )
    feeds = [{"name": "GN", "url": httpserver.url_for("/gn.xml"), "content": "page"}]
    site.write_config(feeds)
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 1, 0), (report, err)
    feeds.append({"name": "Planet", "url": httpserver.url_for("/pub.xml"), "content": "page"})
    site.write_config(feeds)
    code, report, err = _run(site, capsys, "2026-12-09T14:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, new, 0), (report, err)
    assert len(site.post_names()) == 1 + new
    told = [w for w in _warnings(report) if w.startswith(art)]
    if new:
        assert len(told) == 1 and "another article's" in told[0], told
    else:
        assert len(told) == 1 and "another article's" not in told[0], told
        assert "the same article, not archived again" in told[0], told
    code, report, err = _run(site, capsys, "2026-12-09T16:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 0, 0), (report, err)
    assert not [w for w in _warnings(report) if w.startswith(art)]


def test_links_sent_to_one_landing_page_run_after_run_archive_it_once_at_most(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """s52: one new item a day whose link 302s to the site's subscription landing page
    (a long page of its own). Each attempt is a failed one, said; the first item's last
    attempt archives the page as it is, said; the next item's last attempt finds that
    page's text archived already from another item: a landing page, no article's,
    given up (said), not a second post of it."""
    landing = b"".join(
        b"<p>Unlimited digital access to award-winning journalism, point %d: newsletters,"
        b" puzzles, the app and more, for just $1 a week. Cancel anytime.</p>" % i
        for i in range(6)
    )
    httpserver.expect_request("/subscribe").respond_with_data(
        b"<html><head><title>Subscribe to The Daily Planet</title></head><body>"
        b"<div id='storytext'>" + landing + b"</div></body></html>",
        content_type="text/html",
    )
    items: list[dict[str, str]] = []

    def feed(request: object) -> object:
        from werkzeug import Response

        return Response(rss(items), content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)  # type: ignore[arg-type]
    site.write_config([{"name": "F", "url": httpserver.url_for("/feed.xml"), "content": "page"}])
    told: list[str] = []
    for day in (7, 8, 9, 10):
        if day < 9:
            httpserver.expect_request(f"/story/{day}").respond_with_data(
                "",
                status=302,
                headers={"Location": httpserver.url_for("/subscribe") + f"?return=%2F{day}"},
            )
            item = {
                "title": f"Council story day {day}",
                "link": httpserver.url_for(f"/story/{day}"),
            }
            item |= {"guid": f"s{day}", "pubDate": f"Mon, 0{day} Dec 2026 08:00:00 GMT"}
            items.insert(0, item)
        for at in ("12:00", "12:20", "13:30", "19:40"):
            _, report, _ = _run(site, capsys, f"2026-12-{day:02d}T{at}:00Z")
            told += _warnings(report)
            told += [f"{f['url']}: {f['reason']}" for r in report["results"] for f in r["failed"]]
    assert len(site.post_names()) == 1, site.post_names()
    assert len([w for w in told if "its last attempt" in w]) == 1, told
    again = [w for w in told if "/story/8" in w and "another item's post" in w]
    assert any("gave up" in w for w in again), again


_LONG = "".join(
    f"<p>Paragraph {i} of a long and substantial wire story with plenty of words to count"
    " as the whole article for the archiver, not a teaser.</p>"
    for i in range(6)
)


@pytest.mark.parametrize("guids", [False, True], ids=["guid-less", "guids"])
@pytest.mark.parametrize(
    ("second", "posts"),
    [("same", 1), ("teaser", 2), ("other-second", 2)],
    ids=["one-story", "short-items", "another-time"],
)
def test_one_story_listed_under_two_section_links_of_one_feed_is_one_post(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    guids: bool,
    second: str,
    posts: int,
) -> None:
    """s15: one document lists one wire story at /world/… and /asia/…, the same title,
    date to the second and full text: one article, said once. Two short items (a
    teaser each) or another time are two articles, as before."""
    text = "Quake shakes Taiwan: more soon." if second == "teaser" else _LONG
    items = []
    for sec in ("world", "asia"):
        path = f"/{sec}/quake-shakes-taiwan-123"
        httpserver.expect_request(path).respond_with_data(
            article(f"Quake shakes Taiwan {sec}"), content_type="text/html"
        )
        item = {"title": "Quake shakes Taiwan", "link": httpserver.url_for(path)}
        if guids:
            item["guid"] = f"{sec}-123"
        item["pubDate"] = "Mon, 07 Dec 2026 08:00:00 GMT"
        if sec == "asia" and second == "other-second":
            item["pubDate"] = "Mon, 07 Dec 2026 08:00:01 GMT"
        item["content"] = text
        items.append(item)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    site.write_config([{"name": "F", "url": httpserver.url_for("/feed.xml"), "content": "auto"}])
    code, report, err = _run(site, capsys, "2026-12-07T12:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, posts, 0), (report, err)
    told = [w for w in _warnings(report) if "one story listed under" in w]
    assert len(told) == (posts == 1), told
    code, report, err = _run(site, capsys, "2026-12-07T14:00:00Z")
    assert (code, report["new_posts"], report["failed"]) == (0, 0, 0), (report, err)
    assert not [w for w in _warnings(report) if "one story listed under" in w]
    assert len(site.post_names()) == posts
