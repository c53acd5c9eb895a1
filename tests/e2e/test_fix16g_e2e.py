"""Issue 16, the last outside look's open losses (fix16g): an article given up on one
feed's page is taken from another feed of the config that carries its text (F7); a
title shared by two articles of one day is no evidence of a move (F17). The real CLI
against a real local HTTP server."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_integrity_e2e import Feed, sources

# The attempts that give an article up, spaced as the back-off asks (decide.ARTICLE_RETRIES).
GIVE_UP_TIMES = [
    "2024-07-24T01:45Z",
    "2024-07-24T02:00Z",
    "2024-07-24T03:00Z",
    "2024-07-24T09:00Z",
    "2024-07-25T09:00Z",
]


def run_at(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, dict, str]:
    code = site.cli("run", "--now", now, "--json")
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def full_text(title: str) -> str:
    return "".join(
        f"<p>{title}: paragraph {i} of the whole article, as the feed carries it in "
        "full, with enough words to be the article itself.</p>"
        for i in range(8)
    )


# -- F7: an article given up on one feed, carried in full by another ----------------------


@pytest.mark.parametrize(("first_mode", "status"), [("page", 404), ("auto", 500)])
def test_an_article_given_up_on_one_feed_is_taken_from_another_feeds_full_text(
    first_mode: str,
    status: int,
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Feed A lists the article without its text, and its page fails for good; feed B
    # lists the same link with the whole article in content:encoded.
    a, b = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    httpserver.expect_request("/p/x").respond_with_data("down", status=status)
    link = httpserver.url_for("/p/x")
    site.write_config(
        [
            {"name": "A", "url": a.url, "content": first_mode},
            {"name": "B", "url": b.url, "content": "auto"},
        ]
    )
    item = {"title": "X", "link": link, "guid": "x-1", "pubDate": "23 Jul 2024 08:00:00 GMT"}
    a.items = [{**item}]  # no text at all
    b.items = [{**item, "content": full_text("X")}]
    # Given up after 5 attempts spread over a day.
    for now in GIVE_UP_TIMES:
        code, report, err = run_at(site, capsys, now)
        assert report["new_posts"] == 0, (now, err)
    assert f"gave up after 5 attempts: HTTP {status}" in err, err
    code, report, err = run_at(site, capsys, "2024-07-26T09:00Z")
    assert code == 0 and report["new_posts"] == 1, err
    assert sources(site) == [link]
    (name,) = site.post_names()
    assert "paragraph 7 of the whole article" in (site.posts / name).read_text("utf-8")
    (warning,) = [w for r in report["results"] for w in r["warnings"]]
    assert warning.startswith(f"{link}: its page was given up for feed A"), warning
    assert "warning: feed B:" in err, err
    # Once: later runs archive nothing again.
    code, report, err = run_at(site, capsys, "2024-07-27T09:00Z")
    assert (code, report["new_posts"]) == (0, 0), err
    assert [w for r in report["results"] for w in r["warnings"]] == []
    assert len(site.post_names()) == 1
