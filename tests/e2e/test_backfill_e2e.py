"""Backfill a historian can trust (issue 17), end to end through the real CLI against a
real HTTP server on 127.0.0.1: posts dated by their pages, only HTML pages archived,
failures that end, and URL lists with comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, paths, rss
from werkzeug import Request, Response

NOW = "2026-01-02T03:04:05Z"
NOW_DATE = "2026-01-02T03:04:05.000Z"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def dated_page(title: str, head: str = "", body_start: str = "") -> bytes:
    """An article page with ``head`` in its <head> and ``body_start`` before its text."""
    page = article(title).decode()
    page = page.replace("</title></head>", f"</title>{head}</head>")
    return page.replace("<div id='storytext'>", f"{body_start}<div id='storytext'>").encode()


def front(site: Site, name: str) -> dict[str, object]:
    """The post's front matter, its ``date:`` as written, and its epoch comment."""
    text = (site.posts / name).read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    data["date"] = text.split("\ndate: ")[1].split("\n")[0]
    data["epoch"] = text.split("\n---\n")[1].split("\n")[0]
    return data


def config(site: Site, httpserver: HTTPServer) -> None:
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml")}])


def test_backfilled_posts_are_dated_by_their_pages(site: Site, httpserver: HTTPServer) -> None:
    config(site, httpserver)
    pages = {
        "/jsonld.html": dated_page(
            "From JSON-LD",
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph":'
            ' [{"@type": "WebPage", "datePublished": "2021-01-01"}, {"@type": "NewsArticle",'
            ' "datePublished": "2019-05-03T10:15:00+02:00"}]}</script>',
        ),
        "/meta.html": dated_page(
            "From meta",
            '<meta property="article:modified_time" content="2024-02-02T00:00:00Z">'
            '<meta property="article:published_time" content="2018-08-01T12:00:00Z">',
        ),
        "/time.html": dated_page(
            "From time",
            body_start='<article><time datetime="2012-01-15T06:00:00-05:00">15 Jan</time>'
            "</article>",
        ),
        "/undated.html": dated_page("Undated"),
        "/future.html": dated_page("Future", '<meta name="date" content="2030-01-01T00:00:00Z">'),
    }
    for path, page in pages.items():
        httpserver.expect_request(path).respond_with_data(page, content_type="text/html")
    urls = [httpserver.url_for(path) for path in pages]
    assert site.cli("backfill", "--now", NOW, *urls) == 0
    assert site.post_names() == [
        "2012-01-15-From time.md",
        "2018-08-01-From meta.md",
        "2019-05-03-From JSON-LD.md",
        "2026-01-02-Future.md",
        "2026-01-02-Undated.md",
    ]
    assert front(site, "2019-05-03-From JSON-LD.md")["date"] == "2019-05-03T08:15:00.000Z"
    assert front(site, "2019-05-03-From JSON-LD.md")["epoch"] == "<!--1556871300000-->"
    assert front(site, "2018-08-01-From meta.md")["date"] == "2018-08-01T12:00:00.000Z"
    assert front(site, "2012-01-15-From time.md")["date"] == "2012-01-15T11:00:00.000Z"
    # Nothing believable: the archiving time, and the publication time is unknown.
    for name in ("2026-01-02-Future.md", "2026-01-02-Undated.md"):
        assert front(site, name)["date"] == NOW_DATE
        assert front(site, name)["epoch"] == "<!--NaN-->"


def test_sitemap_backfill_uses_the_page_date_then_the_sitemap_date(
    site: Site, httpserver: HTTPServer
) -> None:
    config(site, httpserver)
    httpserver.expect_request("/a.html").respond_with_data(dated_page("Listed A"))
    httpserver.expect_request("/b.html").respond_with_data(
        dated_page("Listed B", '<meta name="pubdate" content="2019-03-05T10:00:00Z">')
    )
    httpserver.expect_request("/c.html").respond_with_data(dated_page("Listed C"))
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{httpserver.url_for('/a.html')}</loc><lastmod>2024-06-01</lastmod>"
        "<news:news><news:publication_date>2023-02-10T08:00:00Z</news:publication_date>"
        "</news:news></url>"
        f"<url><loc>{httpserver.url_for('/b.html')}</loc><lastmod>2024-06-01</lastmod></url>"
        f"<url><loc>{httpserver.url_for('/c.html')}</loc><lastmod>2022-05-05</lastmod></url>"
        "</urlset>"
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        sitemap, content_type="application/xml"
    )
    assert site.cli("backfill", "--now", NOW, "--sitemap", httpserver.url_for("/sitemap.xml")) == 0
    assert site.post_names() == [
        "2019-03-05-Listed B.md",  # the page's own date beats the sitemap's lastmod
        "2022-05-05-Listed C.md",  # no page date, no publication date: lastmod
        "2023-02-10-Listed A.md",  # no page date: news:publication_date, not lastmod
    ]
    assert front(site, "2023-02-10-Listed A.md")["date"] == "2023-02-10T08:00:00.000Z"


def test_run_dates_undated_items_by_their_pages_markup_and_keeps_item_dates(
    site: Site, httpserver: HTTPServer
) -> None:
    items = [
        {
            "title": "Own date",
            "link": httpserver.url_for("/own.html"),
            "pubDate": "Wed, 24 Jul 2024 01:45:53 GMT",
        },
        {"title": "Page date", "link": httpserver.url_for("/page.html")},
        {"title": "Day only", "link": httpserver.url_for("/2019/05/03/day.html")},
        {"title": "Today", "link": httpserver.url_for("/2026/01/02/today.html")},
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    meta = '<meta property="article:published_time" content="2020-02-02T02:02:02Z">'
    httpserver.expect_request("/own.html").respond_with_data(dated_page("x", meta))
    httpserver.expect_request("/page.html").respond_with_data(dated_page("x", meta))
    # Only the URL dates them (its day: look16c F5): an earlier day dates the post, but
    # a new item of a cron run is better dated by the hour it is archived in than by
    # the midnight of the run's own day.
    httpserver.expect_request("/2019/05/03/day.html").respond_with_data(dated_page("x"))
    httpserver.expect_request("/2026/01/02/today.html").respond_with_data(dated_page("x"))
    config(site, httpserver)
    assert site.cli("run", "--now", NOW) == 0
    assert site.post_names() == [
        "2019-05-03-Day only.md",
        "2020-02-02-Page date.md",
        "2024-07-24-Own date.md",
        "2026-01-02-Today.md",
    ]
    assert front(site, "2019-05-03-Day only.md")["date"] == "2019-05-03T00:00:00.000Z"
    assert front(site, "2026-01-02-Today.md")["date"] == NOW_DATE
    assert front(site, "2020-02-02-Page date.md")["date"] == "2020-02-02T02:02:02.000Z"


def test_image_pdf_feed_and_404_in_one_backfill_then_a_clean_cron_run(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config(site, httpserver)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/photo.png").respond_with_data(PNG, content_type="image/png")
    httpserver.expect_request("/paper.pdf").respond_with_data(PDF, content_type="application/pdf")
    other_items = [
        {
            "title": "Item one",
            "link": httpserver.url_for("/one.html"),
            "pubDate": "Fri, 03 May 2019 10:00:00 GMT",
        },
        {"title": "Item two", "link": httpserver.url_for("/two.html")},
    ]
    httpserver.expect_request("/other.xml").respond_with_data(
        rss(other_items), content_type="text/xml"
    )
    httpserver.expect_request("/one.html").respond_with_data(article("One"))
    httpserver.expect_request("/two.html").respond_with_data(
        dated_page("Two", '<meta name="DC.date.issued" content="2018-01-01">')
    )
    httpserver.expect_request("/missing.html").respond_with_data("gone", status=404)
    png, pdf, feed, missing = (
        httpserver.url_for(p) for p in ("/photo.png", "/paper.pdf", "/other.xml", "/missing.html")
    )
    assert site.cli("backfill", "--now", NOW, png, pdf, feed, missing) == 1
    out, err = capsys.readouterr()
    failed = sorted(line for line in err.splitlines() if line.startswith("failed:"))
    assert failed == [
        f"failed: {missing}: HTTP 404 Not Found",
        f"failed: {pdf}: not an HTML page: application/pdf",
        f"failed: {png}: not an HTML page: image/png",
    ]
    assert "failed: 3" in out
    # The feed's items became posts with their own titles and dates; the feed did not.
    assert site.post_names() == ["2018-01-01-Item two.md", "2019-05-03-Item one.md"]
    assert front(site, "2019-05-03-Item one.md")["tags"] == ["News"]

    httpserver.clear_log()
    assert site.cli("run", "--now", NOW) == 0
    out, err = capsys.readouterr()
    assert "failed" not in err and "warning" not in err
    assert paths(httpserver) == ["/feed.xml"]  # nothing of the backfill is tried again

    assert site.cli("status") == 0
    out, _ = capsys.readouterr()
    gave_up = sorted(line for line in out.splitlines() if line.startswith("backfill gave up"))
    assert gave_up == [
        f"backfill gave up: {missing}: HTTP 404 Not Found (1 attempt)",
        f"backfill gave up: {pdf}: not an HTML page: application/pdf (1 attempt)",
        f"backfill gave up: {png}: not an HTML page: image/png (1 attempt)",
    ]
    assert "failed article" not in out
    assert site.cli("status", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(item["url"] for item in data["backfill_gave_up"]) == sorted([png, pdf, missing])
    assert data["backfill_waiting"] == []

    # Handed to backfill again, a URL that failed for good is tried once more.
    httpserver.clear_all_handlers()
    httpserver.expect_request("/missing.html").respond_with_data(article("Restored"))
    assert site.cli("backfill", "--now", NOW, missing) == 0
    assert "2026-01-02-Restored.md" in site.post_names()


def test_transient_failures_are_retried_quietly_until_they_succeed_or_give_up(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # No re-checks: they would fetch flaky's page again 6 hours after it was archived
    # (test_recheck*.py); here every request is a retry's.
    site.write_config([{"name": "News", "url": httpserver.url_for("/feed.xml"), "recheck": False}])
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss([]), content_type="application/rss+xml"
    )
    busy = {"Retry-After": "3600"}  # no retry within the request: the next run's turn
    flaky_calls: list[int] = []

    def flaky_page(request: Request) -> Response:
        flaky_calls.append(1)
        if len(flaky_calls) <= 2:
            return Response("busy", status=503, headers=busy)
        return Response(dated_page("Flaky"), content_type="text/html")

    httpserver.expect_request("/flaky.html").respond_with_handler(flaky_page)
    httpserver.expect_request("/down.html").respond_with_data("busy", status=503, headers=busy)
    flaky, down = httpserver.url_for("/flaky.html"), httpserver.url_for("/down.html")

    assert site.cli("backfill", "--now", NOW, flaky, down) == 1
    err = capsys.readouterr().err
    assert f"failed: {down}: HTTP 503 Service Unavailable (retry after 3600 s); later runs" in err

    # The next run (after the hour the server asked for) retries both; flaky still
    # fails, quietly: the run is about its feeds.
    assert site.cli("run", "--now", "2026-01-02T05:04:05Z") == 0
    assert "failed" not in capsys.readouterr().err
    assert site.cli("status") == 0
    out = capsys.readouterr().out
    assert f"backfill waiting: {flaky}: " in out
    assert "(attempt 2 of 5 failed; not tried again before 2026-01-02T06:04:05.000" in out

    assert site.cli("run", "--now", "2026-01-02T07:04:05Z") == 0  # flaky succeeds now
    out, err = capsys.readouterr()
    assert "new: 2026-01-02-Flaky.md" in out and "failed" not in err
    assert site.cli("run", "--now", "2026-01-02T13:04:05Z") == 0  # down: attempt 4, quiet
    assert capsys.readouterr().err == ""
    assert (
        site.cli("run", "--now", "2026-01-03T13:04:05Z") == 0
    )  # down: attempt 5, a day later: given up, said once
    err = capsys.readouterr().err
    assert err.count(down) == 1
    assert f"{down}: gave up after 5 attempts: HTTP 503" in err
    httpserver.clear_log()
    assert site.cli("run", "--now", "2026-01-03T15:04:05Z") == 0
    assert capsys.readouterr().err == ""
    assert paths(httpserver) == ["/feed.xml"]

    # Handed to backfill again, it gets a new round of attempts.
    assert site.cli("backfill", "--now", NOW, down) == 1
    assert "; later runs will try again" in capsys.readouterr().err
    assert site.cli("status") == 0
    assert f"backfill waiting: {down}: " in capsys.readouterr().out


def test_from_file_with_comments_and_blank_lines(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config(site, httpserver)
    httpserver.expect_request("/a.html").respond_with_data(dated_page("Alpha"))
    httpserver.expect_request("/b.html").respond_with_data(dated_page("Beta"))
    listing = site.root / "urls.txt"
    listing.write_text(
        "# rescued from the old archive\n"
        "\n"
        f"   {httpserver.url_for('/a.html')}   # the first one\n"
        f"\t{httpserver.url_for('/b.html#part')}\t# a fragment is no comment\n"
        "   # indented comment\n",
        encoding="utf-8",
    )
    assert site.cli("backfill", "--now", NOW, "--from-file", str(listing)) == 0
    assert site.post_names() == ["2026-01-02-Alpha.md", "2026-01-02-Beta.md"]
    assert sorted(paths(httpserver)) == ["/a.html", "/b.html"]  # no "%20" in any


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not a url"], "URL 'not a url': not an absolute http(s) URL"),
        (["ftp://example.org/x"], "not an absolute http(s) URL"),
        (["--sitemap", "sitemap.xml"], "--sitemap 'sitemap.xml': not an absolute"),
        (["--from-file", "EMPTY"], "no URLs in it"),
        (["--from-file", "BAD"], "line 2: 'www.example.org/a': not an absolute http(s) URL"),
    ],
)
def test_bad_usage_exits_2_before_any_request(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    config(site, httpserver)
    (site.root / "EMPTY").write_text("# nothing yet\n\n", encoding="utf-8")
    (site.root / "BAD").write_text(
        f"{httpserver.url_for('/a.html')}\nwww.example.org/a\n", encoding="utf-8"
    )
    args = [str(site.root / a) if a in ("EMPTY", "BAD") else a for a in args]
    assert site.cli("backfill", *args) == 2
    assert message in capsys.readouterr().err
    assert paths(httpserver) == []
    assert not Path(site.root / "state").exists()
