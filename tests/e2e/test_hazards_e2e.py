"""The lines of tests/hazards.md through the real CLI, against a real server on 127.0.0.1.

Each test is named ``test_hazard_<words of its line>`` and is listed under that line in
tests/hazard_index.py. Where another module already covers a line at the unit level
(feeds.py on a corpus file, the HTTP client against a hostile server), the test here
shows the same hazard end to end: a config, ``rssarchive run`` or ``backfill``, the
posts in ``_posts`` and the state database afterwards.

Most feeds here use ``content: feed`` (the item's own text is the body), so that only
the feed is fetched and the tests stay fast; the page hazards serve pages.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from conftest import Site
from pytest_httpserver import HTTPServer
from test_e2e import article, paths
from werkzeug import Request, Response

import rssarchive.store.atomicfile
import rssarchive.store.state
from rssarchive.core.caps import MAX_FEED_BYTES
from rssarchive.run.session import SITE_LOCK
from rssarchive.sources.feedrepair import MAX_AUTHOR_CHARS, READ_ITEMS
from rssarchive.store.siteid import ID_FILE as SITE_ID

TESTS = Path(__file__).parent.parent
FEED_CORPUS = TESTS / "feeds"
PAGE_CORPUS = TESTS / "pages"
NOW = "2024-07-25T12:00:00Z"
BODY = "<p>The whole story is in the feed: enough words to stand as an article body.</p>"
FRONT_MATTER_KEYS = {"layout", "title", "date", "author", "from", "tags", "comments", "categories"}
# A run that is bounded takes well under a second here; unbounded, these inputs take
# minutes. The limit only has to tell the two apart on a slow machine.
BOUND_S = 10.0


# -- building feeds -----------------------------------------------------------------------


def rss_doc(items: str, *, title: str = "hazards", prolog: str | None = None) -> bytes:
    head = '<?xml version="1.0" encoding="utf-8"?>' if prolog is None else prolog
    return (
        f'{head}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{title}</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    ).encode()


def item(
    title: str,
    link: str | None = None,
    *,
    guid: str | None = None,
    permalink: bool | None = None,
    body: str | None = BODY,
    pubdate: str | None = None,
    author: str | None = None,
    raw: str = "",
) -> str:
    """One <item>; ``title`` and the other values are text (escaped here), ``raw`` is XML."""
    parts = [f"<title>{escape(title)}</title>"]
    if link is not None:
        parts.append(f"<link>{escape(link)}</link>")
    if guid is not None:
        attribute = "" if permalink is None else f' isPermaLink="{str(permalink).lower()}"'
        parts.append(f"<guid{attribute}>{escape(guid)}</guid>")
    if pubdate is not None:
        parts.append(f"<pubDate>{escape(pubdate)}</pubDate>")
    if author is not None:
        parts.append(f"<author>{escape(author)}</author>")
    if body is not None:
        parts.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
    return "<item>" + "".join(parts) + raw + "</item>"


def serve(server: HTTPServer, path: str, data: bytes, content_type: str | None = None) -> str:
    server.expect_request(path).respond_with_data(
        data, content_type=content_type or "application/rss+xml"
    )
    return server.url_for(path)


# -- reading the archive ------------------------------------------------------------------


def posts(site: Site) -> dict[str, str]:
    """Every post, decoded strictly: a post that is not valid UTF-8 fails here."""
    return {name: (site.posts / name).read_bytes().decode("utf-8") for name in site.post_names()}


def front(text: str) -> dict[str, object]:
    """The front matter as YAML reads it (what Jekyll's Psych reads too)."""
    assert text.startswith("---\n"), text[:80]
    head, separator, _ = text[4:].partition("\n---\n")
    assert separator, "front matter is not closed"
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data


def body(text: str) -> str:
    return text.split("\n<div>\n", 1)[1].rsplit("\n</div>\n", 1)[0]


def by_title(site: Site) -> dict[str, tuple[str, str]]:
    """title -> (file name, text), for every post."""
    found: dict[str, tuple[str, str]] = {}
    for name, text in posts(site).items():
        title = front(text)["title"]
        assert isinstance(title, str)
        assert title not in found, f"two posts titled {title!r}"
        found[title] = (name, text)
    return found


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root (relative path -> bytes)."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def state_rows(site: Site, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(site.root / "state" / "state.sqlite3")) as conn:
        return list(conn.execute(sql).fetchall())


def run(site: Site, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = site.cli(*args)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_errors(err: str) -> None:
    assert "Traceback" not in err
    for line in err.splitlines():
        assert line.startswith(("failed: ", "warning: ", "rssarchive: ")), line


# == Hostile or broken feeds ==============================================================


def test_hazard_billion_laughs_quadratic_entity_expansion_fast_nothing_expanded_reported(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds: list[dict[str, object]] = []
    for name in ("billion-laughs", "quadratic-blowup"):
        url = serve(httpserver, f"/{name}.xml", (FEED_CORPUS / f"{name}.xml").read_bytes())
        feeds.append({"name": name, "url": url, "content": "feed"})
    site.write_config(feeds)
    started = time.monotonic()
    code, out, err = run(site, capsys, "run", "--now", NOW)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND_S, f"{elapsed:.1f} s"
    assert code == 0, err
    assert_one_line_errors(err)
    # Reported: the DTD was removed, per feed.
    for name in ("billion-laughs", "quadratic-blowup"):
        assert f"warning: feed {name}: DOCTYPE with internal subset removed" in err
    archived = posts(site)
    assert archived, out
    everything = "".join(archived.values())
    assert "lollol" not in everything
    assert "BBBBBBBB" not in everything
    # Expanded, the quadratic case alone would be hundreds of megabytes.
    assert max(len(text) for text in archived.values()) < 100_000


def test_hazard_external_entity_system_file_no_file_content_in_output(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = site.root / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER root:x:0:0", encoding="utf-8")
    evil_dtd = httpserver.url_for("/evil.dtd")
    httpserver.expect_request("/evil.dtd").respond_with_data(
        f'<!ENTITY % leak SYSTEM "{secret.as_uri()}">'
    )
    prolog = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<!DOCTYPE rss [<!ENTITY s SYSTEM "{secret.as_uri()}">'
        f'<!ENTITY p SYSTEM "file:///etc/passwd">'
        f'<!ENTITY % remote SYSTEM "{evil_dtd}"> %remote;]>\n'
    )
    items = item("secret: &s; &p;", "http://127.0.0.1/xxe", body="<p>&s; &p;</p>")
    # The entity references must reach the parser unescaped.
    items = items.replace("&amp;s;", "&s;").replace("&amp;p;", "&p;")
    url = serve(httpserver, "/xxe.xml", rss_doc(items, title="x&s;", prolog=prolog))
    site.write_config([{"name": "xxe", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert_one_line_errors(err)
    assert paths(httpserver) == ["/xxe.xml"], "an external DTD was fetched"
    assert code == 0, err
    assert "warning: feed xxe: DOCTYPE with internal subset removed" in err  # reported
    assert list(by_title(site)) == ["secret: &s; &p;"]  # the reference, as text
    for path, data in {**tree(site.root / "site"), **tree(site.root / "state")}.items():
        assert b"TOP-SECRET-MARKER" not in data, path
        assert b"root:x:0:0" not in data, path


def test_hazard_long_author_30kb_bounded_time_other_feeds_still_run(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    author = "x@" + "a." * 15_000  # 30 KB; feedparser's e-mail regex is quadratic on it
    items = "".join(
        item(f"long author {i}", f"http://127.0.0.1/author/{i}", author=author) for i in range(20)
    )
    long_url = serve(httpserver, "/long.xml", rss_doc(items))
    good_url = serve(httpserver, "/good.xml", rss_doc(item("good one", "http://127.0.0.1/good/1")))
    site.write_config(
        [
            {"name": "long", "url": long_url, "content": "feed"},
            {"name": "good", "url": good_url, "content": "feed"},
        ]
    )
    started = time.monotonic()
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert time.monotonic() - started < BOUND_S
    assert code == 0, err
    titles = by_title(site)
    assert "good one" in titles
    assert len(titles) == 21
    for name, text in titles.values():
        assert len(str(front(text)["author"])) <= MAX_AUTHOR_CHARS, name


def test_hazard_100000_items_or_50_mb_feed_caps_apply_run_within_budget(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # 100,000 items (8 MB) that all name one article: READ_ITEMS are read (the first and
    # the last halves), one article that takes one place under the cap (one post, the
    # rest skipped as its duplicates); the others are never looked at.
    items = "".join(
        f"<item><title>item {i}</title><link>http://127.0.0.1/o</link><description>b</description>"
        "</item>"
        for i in range(100_000)
    )
    many_url = serve(httpserver, "/many.xml", rss_doc(items))

    def fifty_megabytes(request: Request) -> Response:
        chunk = b"<!-- padding -->" * 65_536  # 1 MB
        # No Content-Length: the cap must hold on bytes as they arrive.
        stream = (chunk for _ in range(50))
        return Response(stream, content_type="application/rss+xml")

    httpserver.expect_request("/huge.xml").respond_with_handler(fifty_megabytes)
    good_url = serve(httpserver, "/good.xml", rss_doc(item("good", "http://127.0.0.1/good")))
    site.write_config(
        [
            {"name": "many", "url": many_url, "content": "feed"},
            {"name": "huge", "url": httpserver.url_for("/huge.xml"), "content": "feed"},
            {"name": "good", "url": good_url, "content": "feed"},
        ]
    )
    started = time.monotonic()
    code, out, err = run(site, capsys, "run", "--now", NOW, "--json")
    elapsed = time.monotonic() - started
    assert elapsed < 2 * BOUND_S, f"{elapsed:.1f} s"
    assert code == 1
    report = {r["feed"]: r for r in json.loads(out)["results"]}
    assert len(report["many"]["new"]) == 1
    assert report["many"]["skipped"] == READ_ITEMS - 1  # the items read, not 99,999
    assert report["many"]["error"] is None
    error = report["huge"]["error"]
    assert error and f"larger than {MAX_FEED_BYTES // 2**20} MB" in error, error
    assert "\n" not in error
    assert len(report["good"]["new"]) == 1
    assert "Traceback" not in err
    titles = by_title(site)
    # The article's listings are one (the last read, as for any article listed twice).
    assert set(titles) == {"item 99999", "good"}


BROKEN_FEEDS = {
    # corpus file: (content type, the reason the per-feed error must give)
    "not-xml": ("application/rss+xml", "not XML"),
    "html-page": ("text/html; charset=utf-8", "not a feed (looks like HTML)"),
    "empty": ("application/rss+xml", "empty response"),
    "truncated-early": ("application/rss+xml", "not well-formed XML at line 5"),
    "truncated-in-header": ("application/rss+xml", "not well-formed XML at line"),
}


def test_hazard_not_xml_html_served_as_feed_empty_truncated_clear_per_feed_error_others_ok(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds: list[dict[str, object]] = []
    for name, (content_type, _) in BROKEN_FEEDS.items():
        data = (FEED_CORPUS / f"{name}.xml").read_bytes()
        feeds.append({"name": name, "url": serve(httpserver, f"/{name}.xml", data, content_type)})
    # Cut in the middle of its third item: the two complete items are kept, with a warning.
    cut = serve(httpserver, "/cut.xml", (FEED_CORPUS / "truncated-mid.xml").read_bytes())
    good = serve(httpserver, "/good.xml", rss_doc(item("good", "http://127.0.0.1/good")))
    feeds += [{"name": "cut", "url": cut}, {"name": "good", "url": good}]
    site.write_config([{**feed, "content": "feed"} for feed in feeds])
    code, out, err = run(site, capsys, "run", "--now", NOW)
    assert code == 1
    assert_one_line_errors(err)
    for name, (_, reason) in BROKEN_FEEDS.items():
        lines = [line for line in err.splitlines() if line.startswith(f"failed: feed {name}:")]
        assert len(lines) == 1, err
        assert reason in lines[0], lines[0]
    assert "warning: feed cut: last item cut off" in err
    assert "failed: feed cut" not in err and "failed: feed good" not in err
    assert set(by_title(site)) == {"good", "one", "two"}
    assert f"feeds polled: {len(feeds)}, new posts: 3" in out


ENCODED_FEEDS = (
    "utf8-declared-over-gbk",
    "gbk-undeclared",
    "gbk-header-charset",
    "gb2312-declared",
    "big5-declared",
    "big5-undeclared",
    "latin1-header-over-gbk",
    "latin1-header-over-utf8",
)
ENCODED_PAGES = (
    "utf8-declared-over-gbk",
    "gbk-no-declaration",
    "big5-declared",
    "big5-header-only",
)


def test_hazard_utf8_declared_over_gbk_gb2312_gbk_big5_with_without_declaration_correct_text(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds: list[dict[str, object]] = []
    wanted: dict[str, str] = {}  # title -> content the post must hold
    for name in ENCODED_FEEDS:
        expected = json.loads((FEED_CORPUS / f"{name}.expected.json").read_text("utf-8"))
        (entry,) = expected["entries"]
        # Every case is the same article: give each its own URL (ASCII in all of these).
        data = (FEED_CORPUS / f"{name}.xml").read_bytes()
        data = data.replace(b"https://example.org/e/1", f"http://127.0.0.1/{name}".encode())
        data = data.replace(b"<guid>e1</guid>", f"<guid>{name}</guid>".encode())
        url = serve(httpserver, f"/{name}.xml", data, expected.get("content_type") or "")
        feeds.append({"name": name, "url": url, "content": "feed"})
        wanted[f"{entry['title']} ({name})"] = entry["content"]
    site.write_config(feeds)
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    archived = posts(site)
    assert len(archived) == len(ENCODED_FEEDS)
    for text in archived.values():
        assert "\ufffd" not in text
        matter = front(text)
        feed = matter["tags"][0]  # type: ignore[index]
        key = f"{matter['title']} ({feed})"
        assert key in wanted, f"{feed}: wrong text {matter['title']!r}"
        assert wanted[key] in body(text)

    # Pages, by backfill: the same encodings in HTML.
    urls = []
    for name in ENCODED_PAGES:
        expected = json.loads((PAGE_CORPUS / f"{name}.expected.json").read_text("utf-8"))
        page = (PAGE_CORPUS / f"{name}.html").read_bytes()
        path = f"/pages/{name}.html"
        httpserver.expect_request(path).respond_with_data(
            page, content_type=expected.get("content_type") or "text/html"
        )
        urls.append(httpserver.url_for(path))
    before = set(site.post_names())
    code, _, err = run(site, capsys, "backfill", *urls)
    assert code == 0, err
    new = {name: posts(site)[name] for name in set(site.post_names()) - before}
    assert len(new) == len(ENCODED_PAGES)
    for text in new.values():
        assert "\ufffd" not in text
        source = str(front(text)["from"]).rsplit("/", 1)[1].removesuffix(".html")
        expected = json.loads((PAGE_CORPUS / f"{source}.expected.json").read_text("utf-8"))
        assert front(text)["title"] == expected["title"], source
        for sentence in expected["body_contains"]:
            assert sentence in body(text), source


def test_hazard_items_no_guid_duplicate_guids_guid_http_to_https_no_link_unsafe_links_once(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = httpserver.url_for("/")[:-1]  # http://127.0.0.1:<port>
    first = "".join(
        [
            item("no guid", f"{base}/n/1"),
            item("same guid", f"{base}/d/1", guid="same", permalink=False),
            # The same article listed again, under the same guid, with a tracking tag.
            item("same guid", f"{base}/d/1?utm_source=rss", guid="same", permalink=False),
            # A permalink guid; the link is another spelling of the address.
            item("guid http", f"{base}/g/4?from=rss", guid=f"{base}/g/4"),
            # No link: a permalink guid is the link; an opaque guid gives no link at all.
            item("no link, permalink guid", None, guid=f"{base}/p/5"),
            item("no link, opaque guid", None, guid="opaque-6", permalink=False),
            item("unsafe javascript", "javascript:alert(document.cookie)", guid="u1"),
            item("unsafe data", "data:text/html;base64,PHNjcmlwdD4=", guid="u3"),
            item("unsafe file", "file:///etc/passwd", guid="u4"),
            item("unsafe vbscript", "vbscript:msgbox(1)", guid="u5"),
        ]
    )
    # A tab inside "javascript:" must not make it a link (browsers drop the tab).
    first += (
        "<item><title>unsafe tab</title><link>java&#x09;script:alert(1)</link>"
        f"<guid>u2</guid><content:encoded><![CDATA[{BODY}]]></content:encoded></item>"
    )
    second = "".join(
        [
            item("no guid", f"{base}/n/1"),
            item("same guid", f"{base.replace('http:', 'https:')}/d/1", guid="same"),
            # The guid moved to https and the link to a new address: still the same article.
            item("guid https", f"{base}/g/4/", guid=f"{base.replace('http:', 'https:')}/g/4"),
            item("no link, permalink guid", None, guid=f"{base}/p/5?utm_medium=feed"),
        ]
    )
    documents = [rss_doc(first), rss_doc(second)]
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(documents[0], content_type="application/rss+xml")
    )
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    code, out, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    titles = by_title(site)
    assert set(titles) == {"no guid", "same guid", "guid http", "no link, permalink guid"}
    assert "feeds polled: 1, new posts: 4, skipped: 7, failed: 0" in out
    assert front(titles["no link, permalink guid"][1])["from"] == f"{base}/p/5"
    everything = "".join(text for _, text in titles.values()).lower()
    for unsafe in ("javascript", "vbscript", "data:", "file:", "/etc/passwd"):
        assert unsafe not in everything
    assert paths(httpserver) == ["/feed.xml"]  # no unsafe link was fetched

    documents[0] = documents[1]
    before = tree(site.posts)
    code, out, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    assert "new posts: 0, skipped: 4" in out
    assert tree(site.posts) == before


# The docs/post-format.md rules: `date` is the publication time unless it is missing or in the
# future (then the archiving time); `<!--…-->` the publication time in epoch ms, or NaN;
# the file name starts with the first 10 characters of `date`.
DATE_CASES = [
    # (pubDate, expected date:, expected epoch comment)
    (None, "2024-07-25T12:00:00.000Z", "NaN"),
    ("not a date at all", "2024-07-25T12:00:00.000Z", "NaN"),
    ("2024-13-45T00:00:00Z", "2024-07-25T12:00:00.000Z", "NaN"),
    ("Thu, 01 Jan 2099 00:00:00 GMT", "2024-07-25T12:00:00.000Z", "4070908800000"),
    ("Wed, 24 Jul 2024 00:30:00 +0800", "2024-07-23T16:30:00.000Z", "1721752200000"),
    ("2024-07-23T23:45:00-05:00", "2024-07-24T04:45:00.000Z", "1721796300000"),
    ("Tue, 23 Jul 2024 23:59:59 +0000", "2024-07-23T23:59:59.000Z", "1721779199000"),
    ("2024-07-24T00:00:00.000Z", "2024-07-24T00:00:00.000Z", "1721779200000"),
    ("2024-07-25T11:59:59.999Z", "2024-07-25T11:59:59.999Z", "1721908799999"),
    ("2024-07-25T12:00:00.001Z", "2024-07-25T12:00:00.000Z", "1721908800001"),
]


def test_hazard_dates_none_unparseable_2099_offsets_near_midnight_post_format_date_rules(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = "".join(
        item(f"date case {i}", f"http://127.0.0.1/dates/{i}", pubdate=pubdate)
        for i, (pubdate, _, _) in enumerate(DATE_CASES)
    )
    url = serve(httpserver, "/dates.xml", rss_doc(items))
    site.write_config([{"name": "dates", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    titles = by_title(site)
    for i, (pubdate, date, epoch) in enumerate(DATE_CASES):
        name, text = titles[f"date case {i}"]
        assert f"\ndate: {date}\n" in text, (pubdate, text[:200])
        assert f"\n<!--{epoch}-->\n" in text, (pubdate, text[:400])
        assert name == f"{date[:10]}-date case {i}.md", pubdate
    # The URL date Jekyll makes from these names: tests/site/test_hostile_site.py builds them.


# == Hostile pages =========================================================================

UNSAFE_MARKUP = re.compile(
    r"<script|<iframe|<svg|<form|<style|<object|<embed|<input|\son[a-z]+\s*=|vbscript|"
    r"javascript:|data:text",
    re.IGNORECASE,
)


def assert_no_active_content(html: str) -> None:
    assert not UNSAFE_MARKUP.search(html), UNSAFE_MARKUP.search(html)
    # Also after decoding references and dropping the whitespace browsers ignore in URLs.
    decoded = re.sub(r"[\x00-\x20]", "", unescape(unescape(html))).lower()
    assert "javascript:" not in decoded
    assert "<script" not in decoded


def test_hazard_script_handlers_javascript_urls_iframe_svg_form_style_none_survive_into_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = (PAGE_CORPUS / "hostile-story.html").read_text("utf-8")
    story = hostile.split('<div id="storytext">', 1)[1].split("</div> <!-- END", 1)[0]
    httpserver.expect_request("/page/hostile.html").respond_with_data(
        hostile, content_type="text/html; charset=utf-8"
    )
    page_feed = rss_doc(item("hostile page", httpserver.url_for("/page/hostile.html")))
    # The same markup as the feed's own text, and in a feed that gives HTML as text/html.
    feed_feed = rss_doc(
        item("hostile feed text", "http://127.0.0.1/feed/hostile.html", body=story)
        + "<item><title>escaped</title><link>http://127.0.0.1/feed/escaped.html</link>"
        f"<description>{escape(story)}</description></item>"
    )
    site.write_config(
        [
            {"name": "page", "url": serve(httpserver, "/p.xml", page_feed), "content": "page"},
            {"name": "feed", "url": serve(httpserver, "/f.xml", feed_feed), "content": "feed"},
        ]
    )
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    titles = by_title(site)
    assert set(titles) == {"hostile page", "hostile feed text", "escaped"}
    for title, (_, text) in titles.items():
        assert_no_active_content(text)
        for kept in ("Before.", "Handlers.", "js link", "Styled."):
            assert kept in body(text), (title, kept)
        assert "alert" not in text, title
        assert "evil.example" not in text, title


OG_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:image" content="{og}">
<meta name="twitter:image" content="{twitter}">
</head><body><article><h1>{title}</h1>
<p>The island ferry will run four times a day instead of six from the first of November,
the operator said, because far fewer visitors travel in the winter months.</p>
<p>The first crossing of the day stays at seven in the morning so that pupils and
commuters can still reach the mainland in time for school and work.</p>
<p>The summer timetable returns in April. Islanders asked for an extra late sailing on
Fridays, and the operator said it would consider it.</p>
</article></body></html>"""

OG_CASES = {
    # page: (og:image, twitter:image)
    "scripted": ("javascript:alert(document.cookie)", "java&#x09;script:alert(1)"),
    "local": ("file:///etc/passwd", "file:///C:/Windows/win.ini"),
    "metadata": ("http://169.254.169.254/latest/meta-data/", "http://2852039166/latest/"),
    "relative": ("../img/lead.jpg", "/img/other.jpg"),
}


def test_hazard_og_image_javascript_file_metadata_address_relative_refused_or_resolved(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = []
    for name, (og, twitter) in OG_CASES.items():
        page = OG_PAGE.format(title=f"og {name}", og=og, twitter=twitter)
        path = f"/news/{name}/story.html"
        httpserver.expect_request(path).respond_with_data(page, content_type="text/html")
        urls.append(httpserver.url_for(path))
    httpserver.expect_request("/news/img/lead.jpg").respond_with_data(b"\xff\xd8\xff")
    # The test server's loopback only: the lead image is judged by the same policy as
    # every fetch, so allowing every address would allow the metadata one too.
    site.write_config(
        [{"name": "og", "url": httpserver.url_for("/feed.xml")}],
        allow_private_addresses=["127.0.0.0/8"],
    )
    code, _, err = run(site, capsys, "backfill", *urls)
    assert code == 0, err
    titles = by_title(site)
    assert set(titles) == {f"og {name}" for name in OG_CASES}
    for name in ("scripted", "local", "metadata"):
        text = titles[f"og {name}"][1]
        assert "<img" not in body(text), name
        for bad in ("javascript", "file:", "passwd", "win.ini", "169.254", "2852039166"):
            assert bad not in text, (name, bad)
    relative = body(titles["og relative"][1])
    lead = httpserver.url_for("/news/img/lead.jpg")
    assert relative.startswith(f'<img src="{lead}"'), relative[:200]
    assert "/img/other.jpg" not in relative  # one lead image, the og:image


def test_hazard_title_newline_then_permalink_index_html_no_new_front_matter_key(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    injections = [
        "Breaking&#10;permalink: /index.html",
        "Breaking&#13;&#10;permalink: /index.html&#10;layout: null",
        "<![CDATA[Breaking\npermalink: /index.html\n---\n{{ site }}]]>",
        "Breaking&#x2028;permalink: /index.html",
        "Breaking&#x85;permalink: /index.html",
    ]
    items = "".join(
        f"<item><title>{title}</title><link>http://127.0.0.1/nl/{i}</link>"
        f"<author>someone&#10;permalink: /index.html</author>"
        f"<content:encoded><![CDATA[{BODY}]]></content:encoded></item>"
        for i, title in enumerate(injections)
    )
    url = serve(httpserver, "/nl.xml", rss_doc(items))
    site.write_config([{"name": "nl", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    archived = posts(site)
    assert len(archived) == len(injections)
    for name, text in archived.items():
        matter = front(text)
        assert set(matter) == FRONT_MATTER_KEYS, name
        assert matter["layout"] == "post"
        title = matter["title"]
        assert isinstance(title, str) and title.startswith("Breaking"), title
        assert "\n" not in title and "\r" not in title
        assert "permalink: /index.html" in title  # kept as text, inside the value
        assert "\npermalink" not in text
        # One line of heading: the second "---" of the file is still the front matter's end.
        assert text.split("\n")[11].startswith("[Breaking"), text
    assert tree(site.root / "site").keys() == {f"_posts/{name}" for name in archived} | {
        SITE_LOCK,  # the run's lock, in a dot-directory Jekyll never publishes
        SITE_ID,  # and the site's id (siteid.py), beside it
    }


HOSTILE_TITLES = [
    "key: value",
    'He said "no"',
    "back\\slash \\n \\u0041",
    "# not a comment",
    "@handle",
    "*alias",
    "&anchor",
    "!tag",
    "yes",
    "No",
    "~",
    "null",
    "2021-01-01",
    "12:30",
    "0x1F",
    "- a list?",
    "[1, 2]",
    "{a: b}",
    "| block",
    "> folded",
    "%YAML 1.2",
    "---",
    "'single'",
    "a: b # c",
    "emoji 🚀🎉 👨‍👩‍👧",
    "中" * 100,  # 300 bytes of CJK
    "𠀀" * 80,  # 320 bytes of 4-byte CJK (Extension B)
    "/abs",
    "/etc/passwd",
    "a/b/c",
    "CON",
    "nul.txt",
    "U.S. vs. E.U.",
    "Version 2.0.",
]
# Titles like paths, which Jekyll also publishes at odd URLs ("..", a leading dot): each
# post is written, inside _posts/, and the rest of the run goes on.
DOTTED_TITLES = [
    "../../etc/x",
    "..",
    "\\..\\..\\windows",
    ".hidden",
    "a/b/../../../c",
    "Wait... what?",
]


def test_hazard_titles_colon_quote_backslash_hash_at_star_yes_date_emoji_cjk_abs_round_trip(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items = "".join(
        item(title, f"http://127.0.0.1/t/{i}") for i, title in enumerate(HOSTILE_TITLES)
    )
    url = serve(httpserver, "/titles.xml", rss_doc(items))
    site.write_config([{"name": "titles", "url": url, "content": "feed"}])
    before = set(tree(site.root))
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    titles = by_title(site)
    assert sorted(titles) == sorted(HOSTILE_TITLES)  # each round-trips exactly
    for title, (name, text) in titles.items():
        assert "/" not in name and "\\" not in name and not name.startswith("."), name
        assert len(name.encode("utf-8")) <= 255, title
        assert name.startswith("2024-07-25-") and name.endswith(".md"), name
        assert (site.posts / name).resolve().parent == site.posts.resolve()
        assert front(text)["from"] == f"http://127.0.0.1/t/{HOSTILE_TITLES.index(title)}"
    # Nothing outside _posts (the state lives in state/, beside the site).
    created = set(tree(site.root)) - before
    assert {p for p in created if not p.startswith(("site/_posts/", "state/"))} == {
        f"site/{SITE_LOCK}",  # the run's lock, in a dot-directory Jekyll never publishes
        f"site/{SITE_ID}",  # and the site's id (siteid.py), beside it
    }


def test_hazard_titles_dotdot_etc_x_leading_dot_file_inside_posts_run_goes_on(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = [*DOTTED_TITLES, "plain neighbour"]
    items = "".join(item(title, f"http://127.0.0.1/dot/{i}") for i, title in enumerate(titles))
    url = serve(httpserver, "/dots.xml", rss_doc(items))
    site.write_config([{"name": "dots", "url": url, "content": "feed"}])
    before = set(tree(site.root))
    code, _, err = run(site, capsys, "run", "--now", NOW)
    created = set(tree(site.root)) - before
    assert {p for p in created if not p.startswith(("site/_posts/", "state/"))} == {
        f"site/{SITE_LOCK}",  # the run's lock, in a dot-directory Jekyll never publishes
        f"site/{SITE_ID}",  # and the site's id (siteid.py), beside it
    }
    assert code == 0, err
    archived = by_title(site)
    assert sorted(archived) == sorted(titles)
    for name, _ in archived.values():
        assert "/" not in name and not name.startswith(".") and len(name.encode()) <= 255


def test_hazard_9_mb_page_100000_nested_divs_size_cap_or_time_limit_next_article_goes_through(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    paragraph = b"<p>" + b"filler text " * 8 + b"</p>\n"
    huge = b"<html><body><div id='storytext'>" + paragraph * (9_000_000 // len(paragraph))
    huge += b"</div></body></html>"
    assert len(huge) > 9_000_000
    depth = 100_000
    nested = b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"
    httpserver.expect_request("/huge.html").respond_with_data(huge, content_type="text/html")
    httpserver.expect_request("/nested.html").respond_with_data(nested, content_type="text/html")
    for name in ("before", "after"):
        httpserver.expect_request(f"/{name}.html").respond_with_data(
            article(f"{name} story"), content_type="text/html"
        )
    items = "".join(
        item(f"{name} story", httpserver.url_for(f"/{name}.html"), body=None)
        for name in ("after", "nested", "huge", "before")  # newest first
    )
    url = serve(httpserver, "/feed.xml", rss_doc(items))
    site.write_config([{"name": "big", "url": url, "content": "page"}])
    started = time.monotonic()
    code, _, err = run(site, capsys, "run", "--now", NOW)
    elapsed = time.monotonic() - started
    assert elapsed < 3 * BOUND_S, f"{elapsed:.1f} s"
    assert_one_line_errors(err)
    titles = by_title(site)
    assert {"before story", "after story"} <= set(titles)
    failed = [line for line in err.splitlines() if line.startswith("failed: ")]
    assert any("/huge.html" in line and "larger than 5 MB" in line for line in failed), err
    assert code == 1
    if "nested story" in titles:  # extracted within the limits, or refused: never hung
        assert len(titles["nested story"][1]) < len(nested)
    else:
        assert any("/nested.html" in line for line in failed), err
    for _, text in titles.values():
        assert len(text) < 100_000


def test_hazard_invalid_utf8_or_lone_surrogates_in_any_field_post_is_valid_utf8(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Bytes that are not UTF-8 in every field of an item, in a feed declared UTF-8:
    # a lone surrogate written as UTF-8 (CESU), a stray continuation byte, 0xFF, an
    # overlong "/", a sequence cut short.
    bad = b"\xed\xa0\x80 \x80 \xff \xc0\xaf \xe4\xb8"
    link = httpserver.url_for("/bad/").encode() + b"a\xed\xa0\x80b\xffc.html"
    raw_item = (
        b"<item><title>title " + bad + b"</title><link>" + link + b"</link>"
        b"<guid isPermaLink='false'>guid " + bad + b"</guid>"
        b"<author>author " + bad + b"</author>"
        b"<content:encoded><![CDATA[<p>body " + bad + b" and more words</p>]]></content:encoded>"
        b"</item>"
    )
    feed = rss_doc("RAW").replace(b"RAW", raw_item)
    # The same in a page: a lone surrogate as a character reference, raw bad bytes.
    page = (
        b"<html><head><meta charset='utf-8'><title>page &#xD800; " + bad + b"</title></head>"
        b"<body><div id='storytext'><p>page body &#xDFFF; &#xD83D;&#xDE00; "
        + bad
        + b" with enough words to be the text of an article.</p></div></body></html>"
    )
    httpserver.expect_request("/page.html").respond_with_data(page, content_type="text/html")
    site.write_config(
        [{"name": "bad", "url": serve(httpserver, "/bad.xml", feed), "content": "feed"}]
    )
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    code, _, err = run(site, capsys, "backfill", httpserver.url_for("/page.html"))
    assert code == 0, err
    archived = posts(site)  # decodes strictly
    assert len(archived) == 2
    for name, text in archived.items():
        name.encode("utf-8")
        assert not re.search("[\ud800-\udfff]", text)
        front(text)  # and YAML can read it


def test_hazard_invalid_utf8_or_lone_surrogates_surrogate_references_in_feed_fields(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old CMSs write an emoji as two UTF-16 halves in character references; a lone half
    # is what a cut-off string leaves.
    items = (
        "<item><title>smile &#xD83D;&#xDE00; lone &#xDC00;</title>"
        "<link>http://127.0.0.1/s/1</link><author>a &#55357;</author>"
        "<content:encoded><![CDATA[<p>body &#xD800; text</p>]]></content:encoded></item>"
        + item("plain neighbour", "http://127.0.0.1/s/2")
    )
    url = serve(httpserver, "/s.xml", rss_doc(items))
    site.write_config([{"name": "s", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    titles = by_title(site)  # decodes strictly
    # A pair of halves is the character it encodes; a lone half becomes U+FFFD.
    assert sorted(titles) == ["plain neighbour", "smile 😀 lone \ufffd"]
    for _, text in titles.values():
        assert not re.search("[\ud800-\udfff]", text)


# == Network ===============================================================================

REDIRECT_TARGETS = {
    # path on the allowed server: where it redirects ({port}: the decoy's port)
    "/loopback.xml": "http://127.0.0.1:{port}/feed.xml",
    "/mapped.xml": "http://[::ffff:127.0.0.1]:{port}/feed.xml",
    "/decimal.xml": "http://2130706433:{port}/feed.xml",
    "/short-hex.xml": "http://0x7f.1:{port}/feed.xml",
    "/metadata.xml": "http://169.254.169.254/latest/meta-data/",
    "/cgnat.xml": "http://100.64.0.1/feed.xml",
}


def test_hazard_redirects_to_loopback_odd_spellings_metadata_cgnat_refused_unless_allowed(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only 127.0.0.2 is allowed. A decoy on 127.0.0.1, same port, serves a feed that
    # would be archived if any spelling of 127.0.0.1 got through.
    allowed = HTTPServer(host="127.0.0.2", port=0)
    allowed.start()
    decoy = HTTPServer(host="127.0.0.1", port=allowed.port)
    decoy.start()
    try:
        decoy.expect_request("/feed.xml").respond_with_data(
            rss_doc(item("decoy", "http://127.0.0.1/decoy")), content_type="application/rss+xml"
        )
        for path, target in REDIRECT_TARGETS.items():
            allowed.expect_request(path).respond_with_data(
                "", status=302, headers={"Location": target.format(port=allowed.port)}
            )
        # An article page that redirects to the metadata address: refused the same way.
        allowed.expect_request("/page.xml").respond_with_data(
            rss_doc(item("probe", allowed.url_for("/story.html"), body=None)),
            content_type="application/rss+xml",
        )
        allowed.expect_request("/story.html").respond_with_data(
            "", status=301, headers={"Location": "http://169.254.169.254/story.html"}
        )
        feeds: list[dict[str, object]] = [
            {"name": path, "url": allowed.url_for(path)} for path in REDIRECT_TARGETS
        ]
        feeds.append({"name": "page", "url": allowed.url_for("/page.xml"), "content": "page"})
        site.write_config(feeds, allow_private_addresses=["127.0.0.2"], timeout=3)
        code, _, err = run(site, capsys, "run", "--now", NOW)
        assert code == 1
        assert_one_line_errors(err)
        for path in REDIRECT_TARGETS:
            (line,) = [x for x in err.splitlines() if x.startswith(f"failed: feed {path}:")]
            assert "refused:" in line and "allow_private_addresses" in line, line
        (line,) = [x for x in err.splitlines() if "/story.html" in x]
        assert "refused:" in line and "169.254.169.254" in line, line
        assert decoy.log == [], "a redirect reached 127.0.0.1"
        assert site.post_names() == []

        # The default config refuses the loopback server itself, before connecting.
        direct = Site(site.root / "direct")
        direct.root.mkdir()
        feed: dict[str, object] = {
            "name": "direct",
            "url": decoy.url_for("/feed.xml"),
            "content": "feed",
        }
        direct.write_config([feed], allow_private_addresses=False)
        code, _, err = run(direct, capsys, "run", "--now", NOW)
        assert code == 1
        assert "refused: 127.0.0.1 is a loopback address" in err, err
        assert decoy.log == []
        # Allowed in the config (as the tests do): archived.
        direct.write_config([feed], allow_private_addresses=["127.0.0.1"])
        code, _, err = run(direct, capsys, "run", "--now", NOW)
        assert code == 0, err
        assert list(by_title(direct)) == ["decoy"]
    finally:
        decoy.clear()
        decoy.stop()
        allowed.clear()
        allowed.stop()


def test_hazard_200_with_unchanged_etag_nothing_reprocessed_validators_stored_verbatim(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A server (or CDN) that ignores If-None-Match and answers 200 with the same ETag.
    etag, modified = 'W/"x"', "Wed, 24 Jul 2024 01:45:53 GMT"
    for i in range(3):
        httpserver.expect_request(f"/a/{i}.html").respond_with_data(
            article(f"story {i}"), content_type="text/html"
        )
    feed = rss_doc(
        "".join(
            item(f"story {i}", httpserver.url_for(f"/a/{i}.html"), body=None) for i in (0, 1, 2)
        )
    )
    seen: list[tuple[str | None, str | None]] = []

    def ignores_validators(request: Request) -> Response:
        seen.append(
            (request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        )
        return Response(
            feed,
            headers={"ETag": etag, "Last-Modified": modified},
            content_type="application/rss+xml",
        )

    httpserver.expect_request("/feed.xml").respond_with_handler(ignores_validators)
    # No re-checks: they would fetch the pages again a day later (test_recheck*.py).
    feed_config = {"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "page"}
    site.write_config([{**feed_config, "recheck": False}])
    assert run(site, capsys, "run", "--now", NOW)[0] == 0
    assert state_rows(site, "SELECT etag, last_modified FROM feeds") == [(etag, modified)]
    before = {n: (site.posts / n).stat().st_mtime_ns for n in site.post_names()}
    assert len(before) == 3
    httpserver.clear_log()
    code, out, err = run(site, capsys, "run", "--now", "2024-07-25T13:00:00Z")
    assert code == 0, err
    assert seen[-1] == (etag, modified)  # sent back verbatim
    assert paths(httpserver) == ["/feed.xml"]  # no article fetched again
    assert "new posts: 0, skipped: 3" in out
    assert {n: (site.posts / n).stat().st_mtime_ns for n in site.post_names()} == before
    assert state_rows(site, "SELECT etag, last_modified FROM feeds") == [(etag, modified)]
    assert state_rows(site, "SELECT status, count(*) FROM articles GROUP BY status") == [
        ("done", 3)
    ]


# == The machine ===========================================================================


@contextlib.contextmanager
def immutable(directory: Path) -> Iterator[None]:
    """Make a directory read-only even for root (chattr +i), or skip."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    done = subprocess.run(
        ["chattr", "+i", str(directory)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"root ignores permission bits and chattr +i failed: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def _full_disk_open(real_open: object, posts_dir: Path) -> object:
    def full_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        # A new post file is really /dev/full: its first flush fails with ENOSPC.
        if str(file).startswith(str(posts_dir)) and "x" in mode:
            return real_open("/dev/full", "wb")  # type: ignore[operator]
        return real_open(file, mode, *args, **kwargs)  # type: ignore[operator]

    return full_open


@pytest.mark.parametrize("fault", ["disk-full", "posts-read-only", "posts-is-a-file"])
def test_hazard_disk_full_read_only_posts_clear_error_state_not_advanced_next_run_recovers(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    etag = '"v1"'

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        items = item("stuck", "http://127.0.0.1/stuck")
        return Response(rss_doc(items), headers={"ETag": etag}, content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    site.posts.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        if fault == "disk-full":
            if not Path("/dev/full").exists():
                pytest.skip("no /dev/full")
            opener = _full_disk_open(open, site.posts)
            monkeypatch.setattr(rssarchive.store.atomicfile, "open", opener, raising=False)
            stack.callback(monkeypatch.undo)
        elif fault == "posts-read-only":
            stack.enter_context(immutable(site.posts))
        else:
            site.posts.rmdir()
            site.posts.write_text("not a directory\n")
            stack.callback(site.posts.unlink)
        code, out, err = run(site, capsys, "run", "--now", NOW)
    assert code == 1, (out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "_posts" in lines[0] and "Traceback" not in err
    reason = {
        "disk-full": "No space left on device",
        "posts-read-only": "not permitted" if os.geteuid() == 0 else "Permission denied",
        "posts-is-a-file": "Not a directory",
    }[fault]
    assert reason in lines[0], lines[0]
    # State not advanced: no validator stored (the next poll is not answered 304), and
    # the article is still pending (or, when _posts could not even be listed, was never
    # begun), not done and not failed.
    assert state_rows(site, "SELECT etag FROM feeds") in ([], [(None,)])
    pending = [("http://127.0.0.1/stuck", "pending")]
    rows = state_rows(site, "SELECT url, status FROM articles")
    assert rows == pending or (fault == "posts-is-a-file" and rows == []), rows
    if site.posts.is_dir():
        assert [p.name for p in site.posts.iterdir()] == []  # no temporary file left

    # The fault is gone: the next run archives the article, once.
    if not site.posts.exists():
        site.posts.mkdir()
    code, out, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    assert list(by_title(site)) == ["stuck"]
    assert state_rows(site, "SELECT status FROM articles") == [("done",)]
    assert state_rows(site, "SELECT etag FROM feeds") == [(etag,)]


@contextlib.contextmanager
def state_locked(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another process (a backup, someone's sqlite3 shell) holds the state database's
    write lock. The CLI waits for a lock only briefly here (it waits 5 s in production)."""
    real_connect = rssarchive.store.state._connect

    def connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn = real_connect(target, uri=uri)
        conn.execute("PRAGMA busy_timeout = 100")
        return conn

    monkeypatch.setattr(rssarchive.store.state, "_connect", connect)
    holder = sqlite3.connect(site.root / "state" / "state.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _locked_scenario(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """One article archived; a second appears while the state is locked."""
    items = [item("first", "http://127.0.0.1/first")]
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda request: Response(rss_doc("".join(items)), content_type="application/rss+xml")
    )
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    assert run(site, capsys, "run", "--now", NOW)[0] == 0
    items.insert(0, item("second", "http://127.0.0.1/second"))
    return site.post_names()


def test_hazard_state_database_locked_loud_failure_never_silent_rearchiving(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _locked_scenario(site, httpserver, capsys)
    posts_before = tree(site.posts)
    with state_locked(site, monkeypatch):
        code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 1
    (line,) = err.splitlines()  # one clear line, no traceback
    assert "locked" in line and "state" in line, line
    assert tree(site.posts) == posts_before  # nothing written, nothing re-archived
    code, out, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    assert "new posts: 1, skipped: 1" in out
    assert sorted(by_title(site)) == ["first", "second"]
    assert set(before) < set(site.post_names())


def test_hazard_clock_jumps_backwards_or_forwards_between_runs_no_reposting(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    items: list[str] = []

    def feed(request: Request) -> Response:
        return Response(rss_doc("".join(reversed(items))), content_type="application/rss+xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    site.write_config([{"name": "f", "url": httpserver.url_for("/feed.xml"), "content": "feed"}])
    clocks = [
        "2024-07-25T12:00:00Z",
        "2019-01-01T00:00:00Z",  # back five years
        "2024-07-25T11:59:59Z",  # back one second from the first run
        "2031-06-01T00:00:00Z",  # forward
        "2024-07-25T12:00:00Z",  # and back again
    ]
    for run_number, now in enumerate(clocks):
        # Each run adds one item without a date and one dated "now" by the first clock.
        items.append(item(f"undated {run_number}", f"http://127.0.0.1/u/{run_number}"))
        items.append(
            item(
                f"dated {run_number}",
                f"http://127.0.0.1/d/{run_number}",
                pubdate="Thu, 25 Jul 2024 11:00:00 GMT",
            )
        )
        before = tree(site.posts) if site.posts.exists() else {}
        code, out, err = run(site, capsys, "run", "--now", now)
        assert code == 0, err
        assert f"new posts: 2, skipped: {2 * run_number}" in out, (now, out)
        after = tree(site.posts)
        assert {k: v for k, v in after.items() if k in before} == before  # nothing rewritten
        assert len(after) == 2 * (run_number + 1)
    titles = by_title(site)
    assert len(titles) == 2 * len(clocks)
    for run_number, now in enumerate(clocks):
        moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
        name, text = titles[f"undated {run_number}"]
        assert name.startswith(moment.strftime("%Y-%m-%d")), name
        # A publication time after this run's clock is "in the future": not the date.
        published = datetime(2024, 7, 25, 11, tzinfo=UTC)
        expected = published if published <= moment else moment
        name, text = titles[f"dated {run_number}"]
        assert f"\ndate: {expected:%Y-%m-%dT%H:%M:%S}.000Z\n" in text, (now, text[:200])
