"""Backfill under attack (issue 17's review), end to end through the real CLI against a
real HTTP server on 127.0.0.1: XML and SVG sent as text/html, stray control bytes in a
page, an archive item dated in the future, Chinese dates, a modification date, feed
titles with breaks and invisible characters, a BOM in a URL list, a corrupt gzip body,
a sitemap that is a page, and trafilatura's log lines."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_backfill_e2e import NOW, NOW_DATE, config, dated_page, front
from test_e2e import article, rss

SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    + "".join(f"<url><loc>http://127.0.0.1/page{i}</loc></url>" for i in range(40))
    + "</urlset>"
)
SVG = (
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><text>'
    + "hello " * 300
    + "</text></svg>"
)
ZH_TEXT = (
    "<p>"
    + "市议会周二晚上开会讨论新的预算提案，该提案将在未来三年大幅增加公共交通支出。" * 6
    + "</p>"
)


def failures(err: str) -> list[str]:
    return sorted(line for line in err.splitlines() if line.startswith("failed:"))


def test_xml_sent_as_html_is_refused_by_its_bytes(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config(site, httpserver)
    html = "text/html; charset=utf-8"
    httpserver.expect_request("/sm").respond_with_data(SITEMAP, content_type=html)
    httpserver.expect_request("/svg").respond_with_data(SVG, content_type=html)
    httpserver.expect_request("/xml").respond_with_data(
        '<?xml version="1.0"?><root><a>x</a></root>', content_type=html
    )
    sm, svg, xml = (httpserver.url_for(p) for p in ("/sm", "/svg", "/xml"))
    assert site.cli("backfill", "--now", NOW, sm, svg, xml) == 1
    assert failures(capsys.readouterr().err) == [
        f"failed: {sm}: not an HTML page: XML (urlset)",
        f"failed: {svg}: not an HTML page: image/svg+xml",
        f"failed: {xml}: not an HTML page: XML (root)",
    ]
    assert site.post_names() == []


def test_stray_control_bytes_do_not_lose_the_article(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config(site, httpserver)
    stray = {"/bell": "\x07", "/esc": "\x1b", "/nul": "\x00"}
    for path, char in stray.items():
        page = article(f"Stray {path[1:]}").decode()
        page = page.replace("paragraph 2 of", f"paragraph 2{char}of")
        page = page.replace("<title>Stray", f"<title>Stray{char}")
        httpserver.expect_request(path).respond_with_data(page, content_type="text/html")
    urls = [httpserver.url_for(path) for path in stray]
    assert site.cli("backfill", "--now", NOW, *urls) == 0, capsys.readouterr().err
    assert site.post_names() == [
        "2026-01-02-Stray bell.md",
        "2026-01-02-Stray esc.md",
        "2026-01-02-Stray nul.md",
    ]
    for name in site.post_names():
        text = (site.posts / name).read_text(encoding="utf-8")
        assert "paragraph 2of a test article" in text  # the stray byte gone, not the text
        assert "paragraph 5 of a test article" in text  # nor anything after it


def test_an_item_date_not_believed_gives_way_to_the_page(
    site: Site, httpserver: HTTPServer
) -> None:
    config(site, httpserver)
    items = [
        {
            "title": "From the future",
            "link": httpserver.url_for("/future.html"),
            "pubDate": "Sat, 01 Jan 2050 00:00:00 GMT",
        },
        {
            "title": "Before 1990",
            "link": httpserver.url_for("/old.html"),
            "pubDate": "Thu, 01 Jan 1970 00:00:00 GMT",
        },
        {
            "title": "Future, undated page",
            "link": httpserver.url_for("/undated.html"),
            "pubDate": "Sat, 01 Jan 2050 00:00:00 GMT",
        },
    ]
    httpserver.expect_request("/items.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    meta = '<meta property="article:published_time" content="{}">'
    httpserver.expect_request("/future.html").respond_with_data(
        dated_page("Future page", meta.format("2005-05-05T05:05:05Z"))
    )
    httpserver.expect_request("/old.html").respond_with_data(
        dated_page("Old page", meta.format("2006-06-06T06:06:06Z"))
    )
    httpserver.expect_request("/undated.html").respond_with_data(dated_page("Undated page"))
    assert site.cli("backfill", "--now", NOW, httpserver.url_for("/items.xml")) == 0
    assert site.post_names() == [
        "2005-05-05-From the future.md",
        "2006-06-06-Before 1990.md",
        "2026-01-02-Future, undated page.md",
    ]
    assert front(site, "2005-05-05-From the future.md")["epoch"] == "<!--1115269505000-->"
    assert front(site, "2026-01-02-Future, undated page.md")["date"] == NOW_DATE
    assert front(site, "2026-01-02-Future, undated page.md")["epoch"] == "<!--NaN-->"


def test_chinese_and_other_date_forms(site: Site, httpserver: HTTPServer) -> None:
    config(site, httpserver)
    jsonld = (
        '<script type="application/ld+json">{{"@type":"NewsArticle","datePublished":{}}}</script>'
    )
    gb2312 = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>中文标题测试</title></head><body><div id='storytext'><h1>中文标题测试</h1>"
        f"<p>发布时间：2019年5月3日 10:20</p>{ZH_TEXT}</div></body></html>"
    ).encode("gb2312")
    pages = {
        "/gb2312": gb2312,
        "/related": (
            "<html lang='zh'><head><meta charset='utf-8'><title>相关报道</title></head><body>"
            f"<div id='storytext'><h1>相关报道</h1>{ZH_TEXT * 3}<p>相关新闻：2018年1月1日</p>"
            "</div></body></html>"
        ).encode(),
        "/slash": dated_page("Slash", jsonld.format('"2018/04/03 10:20"')),
        "/epoch": dated_page("Epoch", jsonld.format("1493769600")),
        "/epoch-ms": dated_page("Epoch ms", '<meta name="date" content="1430870400000">'),
        "/value": dated_page("Value", jsonld.format('{"@value":"2015-05-03"}')),
        "/est": dated_page("EST", jsonld.format('"2014-05-03T10:20:00 EST"')),
        "/modified": dated_page(
            "Modified", '<meta property="article:modified_time" content="2022-02-02T02:02:02Z">'
        ),
    }
    for path, page in pages.items():
        httpserver.expect_request(path).respond_with_data(page, content_type="text/html")
    assert site.cli("backfill", "--now", NOW, *map(httpserver.url_for, pages)) == 0
    assert site.post_names() == [
        "2014-05-03-EST.md",
        "2015-05-03-Value.md",
        "2015-05-06-Epoch ms.md",
        "2017-05-03-Epoch.md",
        "2018-04-03-Slash.md",
        "2019-05-03-中文标题测试.md",
        "2026-01-02-Modified.md",  # a modification date is no publication date
        "2026-01-02-相关报道.md",  # a related story's date, far below, is not the article's
    ]
    # A Chinese date without a zone is taken as UTC, like every other naive date.
    assert front(site, "2019-05-03-中文标题测试.md")["date"] == "2019-05-03T10:20:00.000Z"
    assert front(site, "2014-05-03-EST.md")["date"] == "2014-05-03T15:20:00.000Z"
    assert front(site, "2026-01-02-Modified.md")["epoch"] == "<!--NaN-->"


def test_feed_titles_break_and_invisible_characters(site: Site, httpserver: HTTPServer) -> None:
    site.write_config([{"name": "Titles", "url": httpserver.url_for("/titles.xml")}])
    titles = {
        "/t1": "Line\nbreak\ttab   ",
        "/t2": "RTL \u202eoverride and zero\u200bwidth",
        "/t3": "http://example.org:8080/a title that is a URL",
    }
    items = [
        {
            "title": title,
            "link": httpserver.url_for(path),
            "pubDate": "Tue, 01 Jan 2019 00:00:00 GMT",
        }
        for path, title in titles.items()
    ]
    httpserver.expect_request("/titles.xml").respond_with_data(
        rss(items), content_type="application/rss+xml"
    )
    for path in titles:
        httpserver.expect_request(path).respond_with_data(article(f"Page {path}"))
    assert site.cli("run", "--now", NOW) == 0
    assert site.post_names() == [
        "2019-01-01-Line break tab.md",
        "2019-01-01-RTL override and zerowidth.md",
        "2019-01-01-http-----example.org-8080--a title that is a URL.md",
    ]
    assert front(site, "2019-01-01-Line break tab.md")["title"] == "Line break tab"
    # Kept in the title itself, where it is text; not in the file name.
    assert front(site, "2019-01-01-RTL override and zerowidth.md")["title"] == titles["/t2"]


def test_small_things_said_clearly(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    config(site, httpserver)
    # A URL list saved by a Windows editor starts with a BOM.
    listed = tmp_path / "urls.txt"
    listed.write_bytes(
        b"\xef\xbb\xbf# header comment\n" + httpserver.url_for("/listed").encode() + b"\n"
    )
    httpserver.expect_request("/listed").respond_with_data(article("Listed"))
    assert site.cli("backfill", "--now", NOW, "--from-file", str(listed)) == 0
    assert site.post_names() == ["2026-01-02-Listed.md"]
    capsys.readouterr()

    httpserver.expect_request("/bad-gzip").respond_with_data(
        b"\x1f\x8b\x08\x00garbage",
        headers={"Content-Encoding": "gzip"},
        content_type="text/html",
    )
    httpserver.expect_request("/good-gzip").respond_with_data(
        gzip.compress(article("Gzipped")),
        headers={"Content-Encoding": "gzip"},
        content_type="text/html",
    )
    httpserver.expect_request("/page-not-sitemap").respond_with_data(
        article("A page"), content_type="text/html"
    )
    httpserver.expect_request("/no-article").respond_with_data(
        "<html><head><title>Empty</title></head><body><div> </div></body></html>",
        content_type="text/html",
    )
    bad, good, no_article = map(httpserver.url_for, ("/bad-gzip", "/good-gzip", "/no-article"))
    sitemap = httpserver.url_for("/page-not-sitemap")
    assert site.cli("backfill", "--now", NOW, bad, good, "--sitemap", sitemap) == 1
    assert failures(capsys.readouterr().err) == [
        f"failed: feed sitemap: {sitemap}: not a sitemap (looks like an HTML page)",
        f"failed: {bad}: corrupt gzip body (truncated before any data); later runs will try again",
    ]
    assert "2026-01-02-Gzipped.md" in site.post_names()

    # One page, extracted in this process: trafilatura's own "discarding data: None"
    # for it must not stand beside our line (pytest's handler on the root logger hears
    # what the CLI's stderr handler would).
    caplog.clear()
    assert site.cli("-v", "backfill", "--now", NOW, no_article) == 1
    err = capsys.readouterr().err
    assert failures(err) == [f"failed: {no_article}: no article text found on the page"]
    assert [r.getMessage() for r in caplog.records if r.name.startswith("trafilatura")] == []
