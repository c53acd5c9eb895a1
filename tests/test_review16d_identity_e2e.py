"""Issue 16, the fourth outside review (review16d): duplicates around identity (the real
CLI against a real local HTTP server, over several runs). A post renamed by hand is its
article's still; an article archived by another source takes the guid of the feed that
lists it later; a guid that keeps its title and text follows its moves, whatever its
date; two stories of a single-page site (``#!`` links) are two articles."""

from __future__ import annotations

import json

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_integrity_e2e import Feed, run_json, sources

# -- H5: a post renamed by hand -----------------------------------------------------------


def test_a_post_renamed_by_hand_is_its_articles_and_backfill_says_where_it_is(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(1, day=20, guid="g1")]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    assert site.cli("run", "--now", "2024-07-24T01:45:00Z") == 0
    link = feed.items[0]["link"]
    (site.posts / "2024-07-20-Story 1.md").rename(site.posts / "2024-07-20-a-better-name.md")
    capsys.readouterr()

    # Before any run: status does not count it as missing.
    assert site.cli("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["posts"], data["missing_posts"]) == (1, [])

    assert site.cli("run", "--now", "2024-07-24T01:46:00Z") == 0
    assert capsys.readouterr().err == ""  # nothing missing, nothing lost
    assert site.cli("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["posts"], data["missing_posts"]) == (1, [])

    # A backfill of its URL writes no second post, and says where the article is.
    assert site.cli("backfill", "--now", "2024-07-24T01:47:00Z", link) == 0
    out, err = capsys.readouterr()
    post = site.posts / "2024-07-20-a-better-name.md"
    assert err == f"warning: feed t: {link}: archived already as {post}; not archived again\n"
    assert site.post_names() == ["2024-07-20-a-better-name.md"]

    # Renamed again, then deleted: the advice given is true (backfill archives it).
    post.rename(site.posts / "2024-07-20-third.md")
    assert site.cli("run", "--now", "2024-07-24T01:48:00Z") == 0
    assert capsys.readouterr().err == ""
    (site.posts / "2024-07-20-third.md").unlink()
    httpserver.expect_request("/story/1.html").respond_with_data(
        article("Story 1"), content_type="text/html"
    )
    assert site.cli("run", "--now", "2024-07-24T01:49:00Z") == 0
    _, err = capsys.readouterr()
    assert f"`rssarchive backfill {link}` archives it again" in err, err
    assert site.cli("backfill", "--now", "2024-07-24T01:50:00Z", link) == 0
    capsys.readouterr()
    assert sources(site) == [link] and len(site.post_names()) == 1
