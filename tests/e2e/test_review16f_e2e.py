"""Issue 16, an outside review's findings (review16c): articles a feed lists that were
lost or skipped without a word. The real CLI against real local HTTP servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, rss, serve_with_etag
from test_integrity_e2e import Feed, run_json, sources
from werkzeug import Request, Response

T0 = "2024-07-24T01:45:00Z"


def run_at(site: Site, capsys: pytest.CaptureFixture[str], now: str) -> tuple[int, str, str]:
    code = site.cli("run", "--now", now)
    out, err = capsys.readouterr()
    return code, out, err


# -- M8: content: auto, a page that fails: attempts spaced in time, then the feed's text --


def test_auto_page_down_is_retried_with_back_off_then_written_from_feed_text(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    link = httpserver.url_for("/story/1.html")
    # 503 with a Retry-After of a second: the client leaves the retry to the next runs.
    httpserver.expect_request("/story/1.html").respond_with_data(
        "down", status=503, headers={"Retry-After": "1"}
    )
    feed.items = [feed.item(1, day=20, content="<p>A short teaser of the story.</p>")]
    site.write_config([{"name": "t", "url": feed.url, "content": "auto"}])

    # A per-minute cron during an outage: one attempt, then the runs wait.
    def page_asked() -> int:
        return sum(r.path == "/story/1.html" for r, _ in httpserver.log)

    for minute in range(6):
        code, _, err = run_at(site, capsys, f"2024-07-24T01:{45 + minute}:00Z")
        assert "gave up" not in err, err
        assert code == (1 if minute == 0 else 0), err
        if minute == 0:
            assert page_asked() == 1
    assert page_asked() == 1
    assert site.post_names() == []

    # The attempts that follow wait longer and longer; the article is not given up
    # before a day has passed, and then it is written from the feed's text.
    for now in ("2024-07-24T02:01:00Z", "2024-07-24T03:02:00Z", "2024-07-24T09:03:00Z"):
        code, _, err = run_at(site, capsys, now)
        assert code == 1 and "gave up" not in err, (now, err)
        assert site.post_names() == []
    code, _, err = run_at(site, capsys, "2024-07-24T20:00:00Z")  # before its 24 hours
    assert code == 0 and site.post_names() == [], err
    code, _, err = run_at(site, capsys, "2024-07-25T09:04:00Z")
    assert code == 0, err
    assert (
        f"{link}: its page failed (HTTP 503 Service Unavailable (retry after 1 s)); "
        "archived from the feed's text instead" in err
    )
    assert sources(site) == [link]
    (name,) = site.post_names()
    assert "A short teaser of the story." in (site.posts / name).read_text("utf-8")
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err


# -- H3: a URL a backfill failed on, listed later by a feed --------------------------------


def test_a_feed_item_takes_over_what_a_backfill_failed_on(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    broken = {"/story/1.html": 503, "/story/2.html": 404}

    def page(request: Request) -> Response:
        status = broken.get(request.path)
        if status is not None:
            return Response("no", status=status, headers={"Retry-After": "1"})
        return Response(article(f"Page {request.path}"), content_type="text/html")

    for n in (1, 2):
        httpserver.expect_request(f"/story/{n}.html").respond_with_handler(page)
    site.write_config([{"name": "t", "url": feed.url, "content": "page"}])
    waiting, gone = httpserver.url_for("/story/1.html"), httpserver.url_for("/story/2.html")
    assert site.cli("backfill", "--now", T0, waiting, gone) == 1
    capsys.readouterr()

    broken.clear()  # both pages are fine now, and the feed lists both
    feed.items = [feed.item(1, day=20), feed.item(2, day=21)]
    code, out, err = run_at(site, capsys, "2024-07-24T01:46:00Z")
    assert code == 0, err
    assert sorted(site.post_names()) == ["2024-07-20-Story 1.md", "2024-07-21-Story 2.md"], out
    assert sources(site) == sorted([waiting, gone])
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"], report["skipped"]) == (0, 0, 2), err


# -- H6: two sites sharing one state database --------------------------------------------


def test_a_state_database_of_another_site_is_refused_and_a_moved_site_keeps_working(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(1, day=20), feed.item(2, day=21)]
    first, second = Site(tmp_path), Site(tmp_path)
    second.config = tmp_path / "second.yaml"
    first.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    # The config copied, its site_dir changed, its state_path forgotten.
    data = yaml.safe_load(first.config.read_text(encoding="utf-8"))
    second.config.write_text(yaml.safe_dump({**data, "site_dir": "other"}), encoding="utf-8")

    assert first.cli("run", "--now", T0) == 0
    assert len(first.post_names()) == 2
    capsys.readouterr()
    state = (tmp_path / "state" / "state.sqlite3").resolve()
    refused = (
        f"rssarchive: {state}: this state database belongs to the site "
        f"{(tmp_path / 'site').resolve()}, not to {(tmp_path / 'other').resolve()}; "
        "give each site its own state_path\n"
    )
    for command in ("run", "status"):
        assert second.cli(command) == 2, command
        assert capsys.readouterr().err == refused, command
    assert not (tmp_path / "other" / "_posts").exists()

    # The site moved: its id moves with it; the state follows it there.
    (tmp_path / "site").rename(tmp_path / "moved")
    data["site_dir"] = "moved"
    first.config.write_text(yaml.safe_dump(data), encoding="utf-8")
    first.posts = tmp_path / "moved" / "_posts"
    code, report, err = run_json(first, capsys)
    assert (code, report["new_posts"], report["skipped"]) == (0, 0, 2), err
    assert first.cli("status") == 0
    capsys.readouterr()


# -- H7: posts in subfolders of _posts ---------------------------------------------------


def test_posts_in_subfolders_of_posts_are_adopted_and_their_urls_taken(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(1, day=20), feed.item(2, day=21)]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    one, other = httpserver.url_for("/story/1.html"), httpserver.url_for("/elsewhere.html")
    folder = site.posts / "2024"
    folder.mkdir(parents=True)
    post = '---\nlayout: post\ntitle: "{}"\ndate: 2024-07-{}T08:00:00.000Z\nfrom: {}\n---\nbody\n'
    # Story 1, archived before the state was lost; and another article whose post is
    # published at the URL Story 2's name would have (/2024/07/21/story-2.html).
    (folder / "2024-07-20-Story 1.md").write_text(post.format("Story 1", 20, one), "utf-8")
    (folder / "2024-07-21-Story 2.md").write_text(post.format("Story 2", 21, other), "utf-8")

    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert "adopted 2 existing posts" in err
    (new,) = report["results"][0]["new"]
    assert new.startswith("2024-07-21-") and new != "2024-07-21-Story 2.md"
    assert sorted(p.relative_to(site.posts).as_posix() for p in site.posts.rglob("*.md")) == [
        new,
        "2024/2024-07-20-Story 1.md",
        "2024/2024-07-21-Story 2.md",
    ]


# -- H4: max_items raised after a capped run -------------------------------------------


def test_raising_max_items_brings_back_what_the_cap_dropped(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    feed.items = [feed.item(n, day=10 + n) for n in range(6)]
    serve_with_etag(httpserver, "/etag.xml", rss(feed.items))
    url = httpserver.url_for("/etag.xml")
    site.write_config([{"name": "t", "url": url, "content": "feed", "max_items": 3}])
    code, _, err = run_at(site, capsys, T0)
    assert code == 0 and "more than the feed's max_items (3)" in err, err
    assert len(site.post_names()) == 3

    site.write_config([{"name": "t", "url": url, "content": "feed", "max_items": 10}])
    assert site.cli("status") == 0
    assert "warning" not in capsys.readouterr().out  # said of the old cap: not shown
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 3), err
    assert len(site.post_names()) == 6
    code, report, err = run_json(site, capsys)  # conditional again: the server says 304
    assert (code, report["new_posts"], report["results"][0]["not_modified"]) == (0, 0, True)


# -- H5: an item whose link is archived already, in a later run --------------------------


@pytest.mark.parametrize("second", ["/live.html#u2", "/live.html"])
def test_an_item_at_an_archived_link_with_another_guid_is_said_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], second: str
) -> None:
    feed = Feed(httpserver)
    first = httpserver.url_for("/live.html") + "#u1"
    feed.items = [feed.item(1, day=20, link=first, guid="L1", title="Update one")]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 1), err

    # Another item (guid, title, date, text) at the same page: a live blog's update, a
    # changelog's release at one shared link.
    link = httpserver.url_for(second.split("#")[0]) + ("#u2" if "#" in second else "")
    feed.items = [feed.item(2, day=21, link=link, guid="L2", title="Update two")]
    # Another guid and another date at an archived article's link: another article the
    # state cannot hold beside it (one article per link), said as such (fixH).
    said = (
        f"{link}: listed again with a new date and another guid 'L2' at the archived"
        " article's link; not archived as a new article (one article per link)"
    )
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"], report["skipped"]) == (0, 0, 1), err
    assert report["results"][0]["warnings"] == [said]
    code, report, err = run_json(site, capsys)  # said once, not on every run
    assert (code, report["skipped"], report["results"][0]["warnings"]) == (0, 1, []), err
    # The item that was archived, listed again, is no news.
    feed.items = [feed.item(1, day=20, link=first, guid="L1", title="Update one")]
    code, report, err = run_json(site, capsys)
    assert (code, report["skipped"], report["results"][0]["warnings"]) == (0, 1, []), err


# -- H8: a feed renamed in the config --------------------------------------------------------


def test_a_renamed_feed_keeps_the_guid_identity_and_posts_of_what_it_archived(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    old, new = httpserver.url_for("/old-path.html"), httpserver.url_for("/new-path.html")
    moving = {"guid": "G-moving", "title": "Moving article"}
    feed.items = [feed.item(1, day=20, link=old, **moving)]
    site.write_config([{"name": "t", "url": feed.url, "content": "feed"}])
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 1), err

    site.write_config([{"name": "renamed", "url": feed.url, "content": "feed"}])
    assert site.cli("status") == 0
    assert "  posts:        1\n" in capsys.readouterr().out
    feed.items = [feed.item(1, day=20, link=new, **moving)]  # its link moves, its guid stays
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"]) == (0, 0), err
    assert report["warnings"] == [
        f"feed 't' is now named 'renamed' (same url {feed.url}); its 1 articles keep "
        "their identity under the new name"
    ]
    assert f"{new} is taken for the archived {old}" in err
    assert sources(site) == [old]
    assert site.cli("status") == 0
    out = capsys.readouterr().out
    assert "renamed: ok\n" in out and "  posts:        1\n" in out
    code, report, err = run_json(site, capsys)  # said once
    assert (code, report["warnings"]) == (0, []), err


# -- M9: status while a feed's articles keep failing -------------------------------------


def test_status_says_failing_while_a_feeds_articles_fail(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    up = {"ok": False}

    def page(request: Request) -> Response:
        if not up["ok"]:
            return Response("down", status=503, headers={"Retry-After": "1"})
        return Response(article("Story 1"), content_type="text/html")

    httpserver.expect_request("/story/1.html").respond_with_handler(page)
    link = httpserver.url_for("/story/1.html")
    feed.items = [feed.item(1, day=20)]
    site.write_config([{"name": "t", "url": feed.url, "content": "page"}])
    code, _, err = run_at(site, capsys, T0)
    assert code == 1, err

    assert site.cli("status") == 0
    out = capsys.readouterr().out
    assert "t: FAILING (1 articles failing)\n" in out, out
    assert (
        f"  failing:      {link}: HTTP 503 Service Unavailable (retry after 1 s) (attempt 1 of"
        " 5 failed; next not before 2024-07-24T02:00:00.000+00:00)\n" in out
    )
    assert site.cli("status", "--json") == 0
    (failing,) = json.loads(capsys.readouterr().out)["feeds"][0]["failing_articles"]
    assert (failing["url"], failing["attempts"]) == (link, 1)

    up["ok"] = True
    code, _, err = run_at(site, capsys, "2024-07-24T02:00:00Z")
    assert code == 0 and len(site.post_names()) == 1, err
    assert site.cli("status") == 0
    assert "t: ok\n" in capsys.readouterr().out
