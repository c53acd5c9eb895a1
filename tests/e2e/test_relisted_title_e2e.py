"""look16f s33: a pending article (its page failed) whose link the feed lists again
under another title, on another date, before its post is written: the post is the item
listed now, its title, date and the page's text now, said; never the first title over
the later item's date and text (a link reused: "Week 1" then "Week 2" at one URL). The
real CLI against a real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_fix16g_e2e import run_at
from test_integrity_e2e import Feed, front_title, sources
from test_redirect_titles_e2e import Pages


@pytest.mark.parametrize("guids", [False, True], ids=["no guids", "guids"])
def test_a_pending_article_listed_again_under_another_title_is_written_as_listed_now(
    guids: bool, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, pages = Feed(httpserver), Pages(httpserver, ["/column/latest"])
    site.write_config([{"name": "Column", "url": feed.url, "content": "page"}])
    link = httpserver.url_for("/column/latest")
    week1 = {
        "title": "Week 1: the budget fight",
        "link": link,
        "pubDate": "01 Dec 2026 08:00:00 GMT",
    }
    week2 = {
        "title": "Week 2: the border deal",
        "link": link,
        "pubDate": "08 Dec 2026 08:00:00 GMT",
    }
    if guids:
        week1["guid"], week2["guid"] = "c1", "c2"
    pages.routes["/column/latest"] = (500, b"oops")
    feed.items = [week1]
    code, report, err = run_at(site, capsys, "2026-12-01T12:00:00Z")
    assert code == 1 and report["new_posts"] == 0, err

    pages.routes["/column/latest"] = (200, article("Week 2: the border deal"))
    feed.items = [week2]
    code, report, err = run_at(site, capsys, "2026-12-08T12:00:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    (name,) = site.post_names()
    assert name.startswith("2026-12-08-Week 2- the border deal"), name
    assert front_title(site, name) == "Week 2: the border deal"
    said = [w for w in report["results"][0]["warnings"] if "listed again under" in w]
    assert len(said) == 1 and "'Week 1: the budget fight'" in said[0], said

    # Its guid is the one listed now: the next run says nothing of it.
    code, report, err = run_at(site, capsys, "2026-12-08T13:00:00Z")
    assert code == 0 and report["new_posts"] == 0 and not report["results"][0]["warnings"], err
    assert sources(site) == [link]
