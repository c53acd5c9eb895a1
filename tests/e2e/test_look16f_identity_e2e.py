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
from werkzeug import Request, Response


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


# -- s03: one article in two feeds of a config, the same guid, title and date ---------------


def medium_item(link: str, **fields: str) -> dict[str, str]:
    return {
        "title": "Why we archive the news",
        "link": link,
        "guid": "https://medium.example/p/abc123def456",
        "pubDate": "07 Dec 2026 08:00:00 GMT",
        "content": full_text("Why we archive"),
        **fields,
    }


@pytest.mark.parametrize("runs", [1, 2], ids=["one-run", "feed-added-later"])
def test_one_article_in_two_feeds_with_one_guid_title_and_date_is_one_post(
    runs: int, site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Medium: an author's feed and a publication's list one story at two paths, with one
    # guid; the text is whole, so no page is fetched (no canonical to tell).
    jane, pub = Feed(httpserver, "/feed/@jane"), Feed(httpserver, "/feed/the-pub")
    jane.items = [medium_item(httpserver.url_for("/@jane/why-we-archive-abc123def456"))]
    pub.items = [medium_item(httpserver.url_for("/the-pub/why-we-archive-abc123def456"))]
    feeds = [{"name": "jane", "url": jane.url}, {"name": "pub", "url": pub.url}]
    reports = []
    for run in range(runs):
        site.write_config(feeds[: run + 1] if runs == 2 else feeds)
        code, report, err = run_at(site, capsys, f"2026-12-07T1{run}:00Z")
        assert code == 0, err
        reports.append(report)
    code, report, err = run_at(site, capsys, "2026-12-07T12:00Z")  # and once more
    assert (code, report["new_posts"]) == (0, 0), (err, report)
    assert sum(r["new_posts"] for r in reports) == 1, reports
    assert len(site.post_names()) == 1
    said = [w for r in reports for w in warnings_of(r) if "is taken for" in w]
    assert len(said) == 1, reports
    assert warnings_of(report) == []


MEDIUM_FOOTER = (
    '<hr><p><a href="/the-pub/why-we-archive-abc123def456">Why we archive the news</a> was'
    ' originally published in <a href="/the-pub">The Pub</a> on Medium, where people are'
    " continuing the conversation by highlighting and responding to this story.</p>"
)


@pytest.mark.parametrize("runs", [1, 2], ids=["one-run", "feed-added-later"])
@pytest.mark.parametrize("footed", ["jane", "pub"], ids=["first-has-footer", "second-has-footer"])
def test_one_article_in_two_feeds_one_with_a_syndication_footer_is_one_post(
    runs: int,
    footed: str,
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # look16g F10: Medium's publication feed ends the story with "... was originally
    # published in <publication> on Medium ...": the same text plus a short paragraph,
    # not another article.
    jane, pub = Feed(httpserver, "/feed/@jane"), Feed(httpserver, "/feed/the-pub")
    with_footer = {"content": full_text("Why we archive") + MEDIUM_FOOTER}
    jane.items = [
        medium_item(
            httpserver.url_for("/@jane/why-we-archive-abc123def456"),
            **(with_footer if footed == "jane" else {}),
        )
    ]
    pub.items = [
        medium_item(
            httpserver.url_for("/the-pub/why-we-archive-abc123def456"),
            **(with_footer if footed == "pub" else {}),
        )
    ]
    feeds = [{"name": "jane", "url": jane.url}, {"name": "pub", "url": pub.url}]
    reports = []
    for run in range(runs):
        site.write_config(feeds[: run + 1] if runs == 2 else feeds)
        code, report, err = run_at(site, capsys, f"2026-12-07T1{run}:00Z")
        assert code == 0, err
        reports.append(report)
    code, report, err = run_at(site, capsys, "2026-12-07T12:00Z")
    assert (code, report["new_posts"]) == (0, 0), (err, report)
    assert sum(r["new_posts"] for r in reports) == 1, reports
    assert len(site.post_names()) == 1
    assert len([w for r in reports for w in warnings_of(r) if "is taken for" in w]) == 1


@pytest.mark.parametrize(
    "other",
    [
        {"title": "Why we archive the news, part 2"},
        {"pubDate": "07 Dec 2026 09:00:00 GMT"},
        {"content": "<p>" + "A wholly other story, its own words. " * 20 + "</p>"},
    ],
    ids=["another-title", "another-date", "another-text"],
)
def test_one_guid_in_two_feeds_with_another_title_or_date_is_two_articles(
    other: dict[str, str],
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, b = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    a.items = [medium_item(httpserver.url_for("/a/1"))]
    b.items = [medium_item(httpserver.url_for("/b/1"), **other)]
    site.write_config([{"name": "A", "url": a.url}, {"name": "B", "url": b.url}])
    code, report, err = run_at(site, capsys, "2026-12-07T10:00Z")
    assert (code, report["new_posts"]) == (0, 2), (err, report)


def test_one_guid_that_is_each_feeds_own_link_copy_is_no_evidence_across_feeds(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The guid is only the link as written (another link per feed): nothing shared.
    a, b = Feed(httpserver, "/a.xml"), Feed(httpserver, "/b.xml")
    for feed, path in ((a, "/a/1"), (b, "/b/1")):
        link = httpserver.url_for(path)
        feed.items = [medium_item(link, guid=link)]
    site.write_config([{"name": "A", "url": a.url}, {"name": "B", "url": b.url}])
    code, report, err = run_at(site, capsys, "2026-12-07T10:00Z")
    assert (code, report["new_posts"]) == (0, 2), (err, report)


# -- s08, s08t: a guid-less article whose slug changed, its old link answering 301 ----------


@pytest.mark.parametrize("content", ["auto", "page"], ids=["full-text", "pages"])
def test_a_guidless_article_whose_old_link_redirects_to_its_new_slug_is_that_article(
    content: str,
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old, new = "/2026/12/07/storm-hits-coast/", "/2026/12/07/storm-hits-the-coast/"
    renamed = False

    def old_page(request: Request) -> Response:
        if renamed:
            return Response(status=301, headers={"Location": httpserver.url_for(new)})
        return Response(article("Storm hits the coast"), content_type="text/html")

    httpserver.expect_request(old).respond_with_handler(old_page)
    for path, title in ((new, "Storm hits the coast"), ("/2026/12/07/other/", "Other story")):
        httpserver.expect_request(path).respond_with_data(article(title), content_type="text/html")
    feed = Feed(httpserver)
    site.write_config([{"name": "F", "url": feed.url, "content": content}])

    def items(path: str, when: str) -> list[dict[str, str]]:
        return [
            {
                "title": "Storm hits the coast",
                "link": httpserver.url_for(path),
                "pubDate": when,
                "content": full_text("Storm"),
            },
            {
                "title": "Other story",
                "link": httpserver.url_for("/2026/12/07/other/"),
                "pubDate": "07 Dec 2026 07:00:00 GMT",
                "content": full_text("Other"),
            },
        ]

    feed.items = items(old, "07 Dec 2026 08:00:00 GMT")
    code, report, err = run_at(site, capsys, "2026-12-07T09:00Z")
    assert (code, report["new_posts"]) == (0, 2), (err, report)
    renamed = True
    feed.items = items(new, "07 Dec 2026 08:00:00 GMT")
    code, report, err = run_at(site, capsys, "2026-12-07T11:00Z")
    assert (code, report["new_posts"]) == (0, 0), (err, report)
    assert len(site.post_names()) == 2
    said = [w for w in warnings_of(report) if "is taken for the archived" in w]
    assert len(said) == 1 and "redirects here permanently" in said[0], warnings_of(report)
    code, report, err = run_at(site, capsys, "2026-12-07T12:00Z")  # said once
    assert (code, report["new_posts"], warnings_of(report)) == (0, 0, []), (err, report)


def test_a_guidless_new_article_of_an_archived_ones_title_whose_link_does_not_redirect(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A recurring title ("Weather") at a new link, the old one still answering 200: new.
    feed = Feed(httpserver)
    site.write_config([{"name": "F", "url": feed.url, "content": "feed"}])
    for day in (1, 2):
        feed.items = [
            {
                "title": "Weather",
                "link": httpserver.url_for(f"/weather/{day}"),
                "pubDate": f"0{day} Jul 2024 08:00:00 GMT",
                "content": full_text(f"Weather {day}"),
            }
        ]
        httpserver.expect_request(f"/weather/{day}").respond_with_data(
            article(f"Weather {day}"), content_type="text/html"
        )
        code, report, err = run_at(site, capsys, f"2024-07-0{day}T10:00Z")
        assert (code, report["new_posts"]) == (0, 1), (err, report)
