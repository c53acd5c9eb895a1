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
    assert err == ""
    assert f"archived already: {link} (2024-07-20-a-better-name.md)\n" in out, out
    assert site.cli("backfill", "--now", "2024-07-24T01:47:00Z", "--json", link) == 0
    report = json.loads(capsys.readouterr().out)
    (result,) = report["results"]
    assert result["archived_already"] == [{"url": link, "file": post.name}], result
    assert (report["new_posts"], report["skipped"]) == (0, 1)
    assert site.post_names() == [post.name]

    # Renamed again, then deleted: the advice given is true (backfill archives it).
    post.rename(site.posts / "2024-07-20-third.md")
    assert site.cli("run", "--now", "2024-07-24T01:48:00Z") == 0
    assert capsys.readouterr().err == ""
    (site.posts / "2024-07-20-third.md").unlink()
    httpserver.expect_request("/story/1.html").respond_with_data(
        article("The page's own title"), content_type="text/html"
    )
    assert site.cli("run", "--now", "2024-07-24T01:49:00Z") == 0
    _, err = capsys.readouterr()
    assert f"`rssarchive backfill {link}` archives it again" in err, err
    assert site.cli("backfill", "--now", "2024-07-24T01:50:00Z", link) == 0
    capsys.readouterr()
    assert sources(site) == [link]
    # Archived again with the title and date its feed gave it, not the backfill's time.
    assert site.post_names() == ["2024-07-20-Story 1.md"]


# -- H4: an article archived by another source takes the guid of the feed listing it ------


def test_an_article_another_feed_archived_follows_this_feeds_guid_when_its_link_moves(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fa, fb = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    site.write_config(
        [
            {"name": "fa", "url": fa.url, "content": "feed"},
            {"name": "fb", "url": fb.url, "content": "feed"},
        ]
    )
    story = fa.item(1, day=20, guid="story-1")
    fa.items, fb.items = [story], [story]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 1), err
    old = story["link"]

    # Only fb lists it now, same guid, title and date, at a new slug.
    fa.items = []
    fb.items = [{**story, "link": httpserver.url_for("/story/1-renamed.html")}]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err
    assert err == (
        # fa's empty channel, said (look16f s29), then the move.
        "warning: feed fa: the feed lists no item, though it listed 1 archived before: its"
        " articles may fall off unseen until it lists them again\n"
        f"warning: feed fb: {httpserver.url_for('/story/1-renamed.html')} is taken for "
        f"the archived {old} (same guid, title and date); not archived again\n"
    )
    assert sources(site) == [old]


def test_a_guid_attached_from_another_feed_survives_that_feeds_rename(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    fa, fb = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    configs = [{"name": "fa", "url": fa.url, "content": "feed"}]
    site.write_config([*configs, {"name": "fb", "url": fb.url, "content": "feed"}])
    story = fa.item(1, day=20, guid="story-1")
    fa.items, fb.items = [story], [story]
    assert run_json(site, capsys)[1]["new_posts"] == 1

    # fb is renamed in the config, and moves the link: the guid it gave is its still.
    site.write_config([*configs, {"name": "fb2", "url": fb.url, "content": "feed"}])
    fa.items = []
    fb.items = [{**story, "link": httpserver.url_for("/story/1-renamed.html")}]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err
    assert "is taken for the archived" in err, err
    assert sources(site) == [story["link"]]


def test_a_backfilled_article_follows_its_feeds_guid_when_its_link_moves(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # README's workflow: backfill recent stories, then cron. The backfilled post has
    # the page's title and the backfill's date, not the item's: the item is compared
    # with what its feed showed, not with the post.
    feed = Feed(httpserver)
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    httpserver.expect_request("/p/bfm1").respond_with_data(
        article("Page title"), content_type="text/html"
    )
    link = httpserver.url_for("/p/bfm1")
    assert site.cli("backfill", "--now", "2024-07-21T00:00:00Z", link) == 0
    capsys.readouterr()
    item = feed.item(1, day=20, guid="bfm-guid", title="BFM", link=link)
    feed.items = [item]
    for _ in range(2):  # listed at its link: archived already, quietly
        code, report, err = run_json(site, capsys)
        assert (code, report["new_posts"], report["skipped"], err) == (0, 0, 1, ""), err

    moved = httpserver.url_for("/p/bfm1-new-slug")
    feed.items = [{**item, "link": moved}]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err
    assert err == (
        f"warning: feed t: {moved} is taken for the archived {link} "
        "(same guid, title and date); not archived again\n"
    )
    assert sources(site) == [link] and len(site.post_names()) == 1


# -- H8: same guid and title, link moved, date bumped ----------------------------------------


def test_links_with_a_session_id_and_a_bumped_date_are_one_post_each(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each fetch gives new session ids in the links; item 0's date is bumped each time
    # (a CMS showing the last update). Four runs: one post per item.
    feed = Feed(httpserver)
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    first: dict[int, str] = {}
    for run in range(4):
        feed.items = [
            feed.item(
                n,
                guid=f"sess-{n}",
                link=httpserver.url_for(f"/a/sess{n};jsessionid=r{run}") + f"?sid={run}",
                pubDate=f"0{1 + (run if n == 0 else 0)} Jul 2024 0{n}:00:00 GMT",
            )
            for n in range(3)
        ]
        # Minutes apart: no re-check of the posts is due meanwhile.
        code = site.cli("run", "--now", f"2024-07-20T00:0{run}:00Z")
        out, err = capsys.readouterr()
        assert code == 0, err
        if run == 0:
            first = {n: item["link"] for n, item in enumerate(feed.items)}
            assert err == ""
        elif run == 1:
            # Each move said once, with what the item shares with the archived one.
            said = sorted(err.splitlines())
            shares = ["same guid, title and text; its date changed"] + 2 * [
                "same guid, title and date"
            ]
            assert said == sorted(
                f"warning: feed t: {item['link']} is taken for the archived {first[n]} "
                f"({shares[n]}); not archived again"
                for n, item in enumerate(feed.items)
            ), err
        else:
            # A move with the same guid, title and date is not said again on every
            # run; one taken although its date changed is a judgement, said each time.
            assert err == (
                f"warning: feed t: {feed.items[0]['link']} is taken for the archived "
                f"{first[0]} (same guid, title and text; its date changed); not archived "
                "again\n"
            ), err
        assert "new posts: 0" in out or run == 0, out
    assert sources(site) == sorted(first.values())


def test_a_headline_edited_with_its_slug_then_moved_again_is_not_a_third_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    text = "<p>The same article, word for word.</p>"
    old = feed.item(1, day=1, guid="p=77", title="Old headline", content=text)
    feed.items = [old]
    assert site.cli("run", "--now", "2024-07-20T00:00:00Z") == 0
    capsys.readouterr()

    # Headline edited, slug with it: a new article, said (a limit: README).
    edited = {**old, "title": "New headline", "link": httpserver.url_for("/a/new-headline")}
    feed.items = [edited]
    assert site.cli("run", "--now", "2024-07-20T00:01:00Z") == 0
    _, err = capsys.readouterr()
    assert "its guid 'p=77' is that of another article" in err, err

    # The slug changes again, the date bumped, title and text kept: its guid, though
    # recorded as reused, follows it.
    moved = {
        **edited,
        "link": httpserver.url_for("/a/newer"),
        "pubDate": "02 Jul 2024 08:00:00 GMT",
    }
    feed.items = [moved]
    assert site.cli("run", "--now", "2024-07-20T00:02:00Z") == 0
    _, err = capsys.readouterr()
    assert err == (
        f"warning: feed t: {moved['link']} is taken for the archived {edited['link']} "
        "(same guid, title and text); not archived again\n"
    )
    assert sources(site) == sorted([old["link"], edited["link"]])

    # Another article under that guid and title (another text) is still a new one.
    other = {**moved, "link": httpserver.url_for("/a/other"), "content": "<p>Other.</p>"}
    feed.items = [other]
    assert site.cli("run", "--now", "2024-07-20T00:03:00Z") == 0
    capsys.readouterr()
    assert sources(site) == sorted([old["link"], edited["link"], other["link"]])


# -- L4: hash-bang links --------------------------------------------------------------------


def test_two_stories_of_a_single_page_site_are_two_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    one = feed.item(1, day=1, guid="s-1", link=httpserver.url_for("/") + "#!/story/1")
    two = feed.item(2, day=1, guid="s-2", link=httpserver.url_for("/") + "#!/story/2")
    feed.items = [one, two]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"], err) == (0, 2, ""), err
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"], report["skipped"], err) == (0, 0, 2, ""), err
    assert sources(site) == sorted([one["link"], two["link"]])
