"""The last outside look's open loss (fixG): an article whose page is given up (or gone)
for a feed with ``content: auto`` that carries only its summary is written from the
whole text another feed of the config lists it with in the same run, not from that
summary. The real CLI against a real local HTTP server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_fix16g_e2e import GIVE_UP_TIMES, full_text, run_at
from test_integrity_e2e import Feed, sources

SUMMARY = "<p>X: a short summary of the story.</p>"


@pytest.mark.parametrize(("status", "times"), [(500, GIVE_UP_TIMES), (404, GIVE_UP_TIMES[:1])])
def test_a_summary_feeds_given_up_article_is_written_from_another_feeds_whole_text(
    status: int,
    times: list[str],
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Feed A (content: auto) lists the article with its summary, and its page fails for
    # good (given up after 5 attempts, or gone); feed B lists the same link with the
    # whole article in content:encoded, after A in the config.
    a, b = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    httpserver.expect_request("/p/x").respond_with_data("down", status=status)
    link = httpserver.url_for("/p/x")
    site.write_config(
        [
            {"name": "A", "url": a.url, "content": "auto"},
            {"name": "B", "url": b.url, "content": "auto"},
        ]
    )
    item = {"title": "X", "link": link, "guid": "x-1", "pubDate": "23 Jul 2024 08:00:00 GMT"}
    a.items = [{**item, "content": SUMMARY}]
    b.items = [{**item, "content": full_text("X")}]
    for now in times[:-1]:
        code, report, err = run_at(site, capsys, now)
        assert report["new_posts"] == 0, (now, err)
    code, report, err = run_at(site, capsys, times[-1])
    assert report["new_posts"] == 1, err
    assert sources(site) == [link]
    (name,) = site.post_names()
    text = (site.posts / name).read_text("utf-8")
    assert "paragraph 7 of the whole article" in text, text
    assert "a short summary" not in text, text
    said = [w for r in report["results"] for w in r["warnings"] if w.startswith(link)]
    (line,) = said
    assert line.startswith(f"{link}: its page failed (HTTP {status}"), line
    assert line.endswith("; archived from feed B's text, which holds the whole article"), line
    # Once: a later run writes nothing again.
    code, report, err = run_at(site, capsys, "2024-07-27T09:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    assert len(site.post_names()) == 1
