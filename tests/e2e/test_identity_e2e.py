"""Issue 16, the outside review: identity and honest counts (the real CLI against a real
local HTTP server). A guid reused for another article must not swallow it; a moved
article keeps its guid identity; link spellings that name one page are one article;
pending articles are new posts of the run that writes them (not "skipped"), and a dry
run lists them; a 1970 date is no date; a title of control characters is no title."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_integrity_e2e import NOW, Feed, front_title, run_json, sources
from werkzeug import Request, Response

REUSED = "its guid {guid!r} is that of another article ({why}); archived as a new article"


def _reused(link: str, guid: str, why: str) -> str:
    return f"{link}: " + REUSED.format(guid=guid, why=why)


def _story(server: HTTPServer, n: int) -> str:
    return server.url_for(f"/story/{n}.html")


# -- F2: a guid reused across documents --------------------------------------------------


def test_a_constant_guid_does_not_swallow_the_next_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A feed that shows its latest item only, with one constant guid (a site's root
    # URL as the guid is refused from the start: test_identity_moves_e2e.py) and one
    # title every day: only the dates tell the articles apart.
    feed = Feed(httpserver)
    guid = httpserver.url_for("/briefing")
    site.write_config([{"name": "Latest", "url": feed.url, "content": "feed"}])
    feed.items = [feed.item(1, day=1, guid=guid, title="Daily briefing")]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 1, err

    feed.items = [feed.item(2, day=2, guid=guid, title="Daily briefing")]
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    result = report["results"][0]
    assert (len(result["new"]), result["skipped"]) == (1, 0)
    why = f"{_story(httpserver, 1)}, another date"
    (warning,) = result["warnings"]
    assert warning.startswith(_reused(_story(httpserver, 2), guid, why))
    assert "the guid identifies no article from now on" in warning
    assert f"warning: feed Latest: {warning}" in err

    # The guid is known to be reused now: it identifies nothing, and is not warned of.
    feed.items = [feed.item(3, day=3, guid=guid, title="Daily briefing")]
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert (len(report["results"][0]["new"]), report["results"][0]["warnings"]) == (1, [])
    assert sources(site) == sorted(_story(httpserver, n) for n in (1, 2, 3))


def test_a_guid_shared_in_one_document_identifies_nothing_in_the_next_ones(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    story = feed.item
    site.write_config([{"name": "Shared", "url": feed.url, "content": "feed"}])
    feed.items = [story(1, guid="X"), story(2, guid="X")]
    assert run_json(site, capsys)[1]["new_posts"] == 2
    feed.items = [story(3, guid="X")]
    assert run_json(site, capsys)[1]["new_posts"] == 1
    feed.items = [story(4, guid="X"), story(2, guid="Y")]
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    assert report["new_posts"] == 1 and report["skipped"] == 1
    assert sources(site) == sorted(_story(httpserver, n) for n in (1, 2, 3, 4))


def test_a_guid_whose_article_is_still_listed_at_its_own_link_is_not_that_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Article 1 changes its guid, and article 2 gets the old one. Same title, no dates:
    # only the first article, still listed at its own link, tells them apart.
    feed = Feed(httpserver)
    site.write_config([{"name": "Recycled", "url": feed.url, "content": "feed"}])
    feed.items = [feed.item(1, guid="g-1", title="Briefing")]
    assert run_json(site, capsys)[1]["new_posts"] == 1
    feed.items = [
        feed.item(1, guid="g-1b", title="Briefing"),
        feed.item(2, guid="g-1", title="Briefing"),
    ]
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    result = report["results"][0]
    assert (len(result["new"]), result["skipped"]) == (1, 1)
    why = f"{_story(httpserver, 1)}, still listed at its own link"
    assert result["warnings"][0].startswith(_reused(_story(httpserver, 2), "g-1", why))
    assert sources(site) == sorted(_story(httpserver, n) for n in (1, 2))


def test_a_reused_guid_with_another_title_is_another_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Undated items: the title tells them apart (a recycled id after a migration).
    feed = Feed(httpserver)
    site.write_config([{"name": "Ids", "url": feed.url, "content": "feed"}])
    feed.items = [feed.item(1, guid="123")]
    assert run_json(site, capsys)[1]["new_posts"] == 1
    feed.items = [feed.item(2, guid="123")]
    code, report, err = run_json(site, capsys)
    assert code == 0 and report["new_posts"] == 1, err
    why = f"{_story(httpserver, 1)}, another title"
    assert report["results"][0]["warnings"][0].startswith(
        _reused(_story(httpserver, 2), "123", why)
    )


def test_a_moved_article_keeps_its_guid_identity_and_its_new_link(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same article at a new address (same guid, title and date; the title's case
    # and spacing aside): not archived again, said once (a wrong guess would be a loss
    # said nowhere); its new link is known from then on, whatever its guid later says.
    feed = Feed(httpserver)
    site.write_config([{"name": "Moves", "url": feed.url, "content": "feed"}])
    feed.items = [feed.item(1, day=1, guid="a-1", title="A  Story")]
    assert run_json(site, capsys)[1]["new_posts"] == 1
    moved = httpserver.url_for("/2024/moved-story/")
    feed.items = [feed.item(1, day=1, guid="a-1", title="a story", link=moved)]
    code, report, err = run_json(site, capsys)
    assert code == 0, err
    said = (
        f"warning: feed Moves: {moved} is taken for the archived "
        f"{httpserver.url_for('/story/1.html')} (same guid, title and date); "
        "not archived again"
    )
    assert err.count("warning") == 1 and said in err, err
    assert (report["new_posts"], report["skipped"]) == (0, 1)
    code, report, err = run_json(site, capsys)  # known by its link now: not said again
    assert (code, report["new_posts"], report["skipped"], err) == (0, 0, 1, ""), err
    feed.items = [feed.item(1, day=1, guid="other", title="A Story", link=moved)]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"], report["skipped"]) == (0, 0, 1), err
    assert len(site.post_names()) == 1


def test_a_dry_run_says_a_guid_is_reused_and_records_nothing(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "Dry", "url": feed.url, "content": "feed"}])
    feed.items = [feed.item(1, guid="same")]
    assert run_json(site, capsys)[1]["new_posts"] == 1
    feed.items = [feed.item(2, guid="same")]
    assert site.cli("run", "--dry-run", "--now", NOW) == 0
    out, err = capsys.readouterr()
    assert "would write: 2024-07-24-Story 2.md" in out
    assert "its guid 'same' is that of another article" in err
    state = site.root / "state" / "state.sqlite3"
    with sqlite3.connect(state) as conn:
        assert conn.execute("SELECT count(*) FROM reused_guids").fetchone() == (0,)
    conn.close()


# -- F13: spellings of one link ------------------------------------------------------------


def test_a_link_that_gains_a_final_slash_or_reorders_its_query_is_not_archived_again(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "Links", "url": feed.url, "content": "feed"}])
    first = [httpserver.url_for("/news/a"), httpserver.url_for("/news/b?a=1&b=2")]
    feed.items = [feed.item(n, link=link) for n, link in enumerate(first)]
    assert run_json(site, capsys)[1]["new_posts"] == 2
    then = [httpserver.url_for("/news/a/"), httpserver.url_for("/news/b?b=2&a=1")]
    feed.items = [feed.item(n, link=link) for n, link in enumerate(then)]
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"], report["skipped"]) == (0, 0, 2), err
    assert sources(site) == sorted(first)


# -- F7, F9: pending articles in the counts and in a dry run -------------------------------


def test_pending_articles_are_new_posts_not_skipped_and_a_dry_run_lists_them(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    up = {"ok": False}

    def page(request: Request) -> Response:
        if request.path == "/page/2.html" and not up["ok"]:
            return Response("not yet", status=404)  # the next runs retry it
        return Response(article(f"Page {request.path}"), content_type="text/html")

    httpserver.expect_request("/page/2.html").respond_with_handler(page)
    httpserver.expect_request("/story/1.html").respond_with_handler(page)
    site.write_config([{"name": "Mixed", "url": feed.url, "content": "auto"}])
    feed.items = [
        feed.item(1, day=1),
        feed.item(2, day=2, link=httpserver.url_for("/page/2.html"), content=""),
    ]
    code, report, err = run_json(site, capsys)
    assert code == 1 and report["new_posts"] == 1, err  # the page failed: pending

    up["ok"] = True
    later = "2024-07-24T02:05:00Z"  # after the 15 minutes the failed attempt waits
    assert site.cli("run", "--dry-run", "--now", later) == 0
    out, err = capsys.readouterr()
    assert "would write: 2024-07-02-Story 2.md" in out, out
    assert out.splitlines()[-1] == (
        "feeds polled: 1, new posts: 1, skipped: 1, failed: 0 (dry run: nothing written)"
    )

    code = site.cli("run", "--now", later)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "new: 2024-07-02-Story 2.md" in out
    assert out.splitlines()[-1] == "feeds polled: 1, new posts: 1, skipped: 1, failed: 0"
    assert len(site.post_names()) == 2
    code, report, err = run_json(site, capsys)
    assert (code, report["new_posts"], report["skipped"]) == (0, 0, 2), err
    assert json.dumps(report)  # a JSON document, counts included


def test_a_dry_run_does_not_list_a_pending_article_whose_post_is_in_posts(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A run killed after placing a post and before recording it: the real run adopts
    # the post, so a dry run must not say it would write it.
    feed = Feed(httpserver)
    httpserver.expect_request("/page/1.html").respond_with_data("gone", status=404)
    site.write_config([{"name": "Killed", "url": feed.url, "content": "auto"}])
    link = httpserver.url_for("/page/1.html")
    feed.items = [feed.item(1, day=1, link=link, content="")]
    code, report, err = run_json(site, capsys)
    assert code == 1 and report["new_posts"] == 0, err  # pending, to be tried again
    site.posts.mkdir(parents=True, exist_ok=True)
    (site.posts / "2024-07-01-Story 1.md").write_text(
        f"---\nlayout: post\ntitle: Story 1\nfrom: {link}\n---\n<div>\n<p>1</p>\n</div>\n",
        encoding="utf-8",
    )
    assert site.cli("run", "--dry-run", "--now", NOW) == 0
    out = capsys.readouterr().out
    assert (
        out == "feeds polled: 1, new posts: 0, skipped: 1, failed: 0 (dry run: nothing written)\n"
    )
    code = site.cli("run", "--now", NOW)
    out = capsys.readouterr().out
    # (The adopted post has reached an age: the run re-checks it too, a line of its own.)
    assert code == 0 and "new posts: 0, skipped: 1, failed: 0\n" in out, out


# -- F12: a 1970 date, a title of control characters, U+2028 ---------------------------------


def test_a_1970_date_is_no_date_and_a_control_character_title_is_no_title(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "Odd", "url": feed.url, "content": "feed"}])
    feed.items = [
        feed.item(1, pubDate="Thu, 01 Jan 1970 00:00:00 GMT"),
        feed.item(2, day=2, title="\x7f\t\x7f"),  # DEL is valid XML 1.0
        feed.item(3, day=3, title="Line\u2028separated\u2029too"),
    ]
    code, _, err = run_json(site, capsys)
    assert code == 0, err
    names = site.post_names()
    assert len(names) == 3
    by_source = {
        (site.posts / n).read_text(encoding="utf-8").split("from: ")[1].split("\n")[0]: n
        for n in names
    }
    old = (site.posts / by_source[_story(httpserver, 1)]).read_text(encoding="utf-8")
    assert by_source[_story(httpserver, 1)] == "2024-07-24-Story 1.md"
    assert "\ndate: 2024-07-24T01:45:53.725Z\n" in old and "\n<!--NaN-->\n" in old

    untitled = by_source[_story(httpserver, 2)]
    assert front_title(site, untitled) == _story(httpserver, 2)
    text = (site.posts / untitled).read_text(encoding="utf-8")
    assert f"\n[{_story(httpserver, 2)}](" in text

    separated = by_source[_story(httpserver, 3)]
    assert separated == "2024-07-03-Line separated too.md"
    assert front_title(site, separated) == "Line\u2028separated\u2029too"  # as it was
    text = (site.posts / separated).read_text(encoding="utf-8")
    assert "\n[Line separated too](" in text and "\u2028" not in text
