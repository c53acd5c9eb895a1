"""Issue 16's outside look 16f, identity (fixL): links that name one article in two
spellings (a feed's own tracking parameter, an ASP.NET cookieless session in the path, a
trailing index.html) are one post; links that differ only in a single-page site's router
path (``#/detail?id=N``) are different articles. The real CLI against a real local HTTP
server."""

from __future__ import annotations

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article
from test_fix16g_e2e import full_text, run_at
from test_integrity_e2e import Feed, sources


def warnings_of(report: dict) -> list[str]:
    return [w for r in report["results"] for w in r["warnings"]]


# -- s35, s03: per-feed tracking parameters under content: feed -----------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # DW's per-feed campaign id.
        ("?maca=en-rss-en-all-1573-rdf", "?maca=en-rss-en-top-1022-rdf"),
        # Medium's per-feed source (a publication's feed, an author's feed).
        ("?source=rss----7f60cf5620c9---4", "?source=rss-5e5ff0b7c1a5------2"),
        # comScore's.
        ("?ns_mchannel=rss&ns_source=PublicRSS20-sa", "?ns_campaign=x&ns_linkname=y&ns_fee=0"),
    ],
    ids=["maca", "medium-source", "comscore"],
)
def test_one_article_two_feeds_tag_with_their_own_tracking_value_is_one_post(
    first: str, second: str, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    link = httpserver.url_for("/en/story/a-1234")
    item = {"title": "Story", "pubDate": "01 Jul 2024 08:00:00 GMT", "content": full_text("S")}
    a.items = [{**item, "link": link + first}]
    b.items = [{**item, "link": link + second}]
    site.write_config(
        [
            {"name": "A", "url": a.url, "content": "feed"},
            {"name": "B", "url": b.url, "content": "feed"},
        ]
    )
    code, report, err = run_at(site, capsys, "2024-07-01T10:00Z")
    assert (code, report["new_posts"]) == (0, 1), (err, report)


def test_a_source_parameter_not_shaped_like_a_feeds_tag_still_selects_the_page(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # source= is a generic name: only Medium's rss… values are a tag.
    feed = Feed(httpserver)
    link = httpserver.url_for("/data")
    feed.items = [
        {
            "title": f"Table {n}",
            "link": f"{link}?source={n}",
            "pubDate": "01 Jul 2024 08:00:00 GMT",
            "content": full_text(f"T{n}"),
        }
        for n in ("census", "survey")
    ]
    site.write_config([{"name": "F", "url": feed.url, "content": "feed"}])
    code, report, err = run_at(site, capsys, "2024-07-01T10:00Z")
    assert (code, report["new_posts"]) == (0, 2), (err, report)


# -- s27: an ASP.NET cookieless session id in the path, guid-less ---------------------------


@pytest.mark.parametrize("content", ["feed", "auto"])
def test_a_session_id_in_the_path_is_not_a_new_article_each_run(
    content: str, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "F", "url": feed.url, "content": content}])
    sessions = ("(S(lit3py55t21z5v55vlm25s55))", "(X(1)S(a1b2c3d4e5f6a1b2c3d4e5f6))")
    for run, session in enumerate(sessions):
        feed.items = [
            {
                "title": f"Notice {n}",
                "link": httpserver.url_for(f"/{session}/news/{n}.aspx"),
                "pubDate": f"0{n} Jul 2024 08:00:00 GMT",
                "content": full_text(f"Notice {n}"),
            }
            for n in (1, 2, 3)
        ]
        code, report, err = run_at(site, capsys, f"2024-07-04T1{run}:00Z")
        assert (code, report["new_posts"]) == (0, 3 if run == 0 else 0), (err, report)
    assert len(site.post_names()) == 3


# -- s53: a hash-routed single-page site ---------------------------------------------------


def test_hash_routed_links_are_different_articles(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = Feed(httpserver)
    site.write_config([{"name": "F", "url": feed.url, "content": "feed"}])

    def notice(n: int) -> dict[str, str]:
        return {
            "title": f"通知 {n}",
            "link": httpserver.url_for(f"/#/detail?id={n}"),
            "pubDate": f"0{n} Jul 2024 08:00:00 GMT",
            "content": full_text(f"通知 {n}"),
        }

    feed.items = [notice(n) for n in (1, 2, 3)]
    code, report, err = run_at(site, capsys, "2024-07-05T10:00Z")
    assert (code, report["new_posts"]) == (0, 3), (err, report)
    assert warnings_of(report) == []
    feed.items = [notice(n) for n in (1, 2, 3, 4)]
    code, report, err = run_at(site, capsys, "2024-07-05T11:00Z")
    assert (code, report["new_posts"]) == (0, 1), (err, report)
    assert len(site.post_names()) == 4


# -- s32: a directory's index.html -----------------------------------------------------------


def test_a_directorys_index_html_and_the_directory_are_one_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The page names no canonical URL; the server answers both spellings alike.
    for path in ("/posts/foo/index.html", "/posts/foo/"):
        httpserver.expect_request(path).respond_with_data(
            article("Foo is here"), content_type="text/html"
        )
    feed = Feed(httpserver)
    site.write_config([{"name": "F", "url": feed.url, "content": "auto"}])
    item = {"title": "Foo is here", "pubDate": "01 Jul 2024 08:00:00 GMT"}
    for run, path in enumerate(("/posts/foo/index.html", "/posts/foo/")):
        link = httpserver.url_for(path)
        feed.items = [{**item, "link": link, "guid": link}]
        code, report, err = run_at(site, capsys, f"2024-07-01T1{run}:00Z")
        assert (code, report["new_posts"]) == (0, 1 if run == 0 else 0), (err, report)
    assert sources(site) == [httpserver.url_for("/posts/foo/index.html")]


# -- s36: a guid-matched move whose title only changed typography ---------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Biden’s plan", "Biden's plan"),
        ("Dash – here", "Dash - here"),
        ("“Quoted” words", '"Quoted" words'),
        ("Em—dash", "Em-dash"),
    ],
    ids=["apostrophe", "en-dash", "double-quotes", "em-dash"],
)
def test_a_move_whose_title_only_changed_typography_is_the_article(
    before: str,
    after: str,
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # WordPress's wptexturize toggled with a permalink change: same guid, date and text.
    feed = Feed(httpserver)
    site.write_config([{"name": "F", "url": feed.url, "content": "feed"}])
    for run, (title, folder) in enumerate(((before, "old"), (after, "new"))):
        feed.items = [
            {
                "title": title,
                "link": httpserver.url_for(f"/{folder}/1"),
                "guid": httpserver.url_for("/?p=1"),
                "pubDate": "01 Jul 2024 08:00:00 GMT",
                "content": full_text("Plan"),
            }
        ]
        code, report, err = run_at(site, capsys, f"2024-07-01T1{run}:00Z")
        assert (code, report["new_posts"]) == (0, 1 if run == 0 else 0), (err, report)
    assert len(site.post_names()) == 1
    assert not [w for w in warnings_of(report) if "another title" in w], warnings_of(report)
