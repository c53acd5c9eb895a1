"""Dates end to end (look16h H2, H3, H11, H12, H16): feeds and pages on a real local
server, the real CLI, and the posts' dates and what the run said afterwards."""

from __future__ import annotations

import re

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_hazards_e2e import by_title, item, rss_doc, run, serve

NOW = "2026-12-07T12:00:00Z"


def _date(text: str) -> str:
    found = re.search(r"^date: (.*)$", text, re.MULTILINE)
    assert found is not None, text[:400]
    return found.group(1)


def _feed_run(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], items: str, now: str
) -> tuple[dict[str, tuple[str, str]], str]:
    url = serve(httpserver, "/dates.xml", rss_doc(items))
    site.write_config([{"name": "d", "url": url, "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", now)
    assert code == 0, err
    return by_title(site), err


def test_rfc822_and_java_spellings_are_read_and_their_zones_said(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """H3: an offset followed by its zone's name, milliseconds, Sept; H11: Java's
    Date.toString(), its zone read as RFC 822's is (CST said, IST and an unknown name
    no date, said; never UTC silently)."""
    cases = {
        "gmt": ("Tue, 01 Dec 2026 10:00:00 +0000 GMT", "2026-12-01T10:00:00.000Z"),
        "est": ("Tue, 01 Dec 2026 10:00:00 -0500 EST", "2026-12-01T15:00:00.000Z"),
        "cet": ("Tue, 01 Dec 2026 10:00:00 +0100 CET", "2026-12-01T09:00:00.000Z"),
        "ms": ("Tue, 01 Dec 2026 10:00:00.000 +0000", "2026-12-01T10:00:00.000Z"),
        "sept": ("Tue, 01 Sept 2026 10:00:00 GMT", "2026-09-01T10:00:00.000Z"),
        "jst": ("Tue Dec 01 22:00:00 JST 2026", "2026-12-01T13:00:00.000Z"),
        "hkt": ("Tue Dec 01 22:00:00 HKT 2026", "2026-12-01T14:00:00.000Z"),
        "cst": ("Tue Dec 01 22:00:00 CST 2026", "2026-12-02T04:00:00.000Z"),
        "ist": ("Tue Dec 01 22:00:00 IST 2026", "2026-12-07T12:00:00.000Z"),
        "xyz": ("Tue Dec 01 22:00:00 XYZ 2026", "2026-12-07T12:00:00.000Z"),
    }
    items = "".join(
        item(title, f"http://127.0.0.1/d/{title}", pubdate=written)
        for title, (written, _) in cases.items()
    )
    posts, err = _feed_run(site, httpserver, capsys, items, NOW)
    for title, (written, date) in cases.items():
        assert _date(posts[title][1]) == date, written
    said = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(said) == 3, err
    assert "/d/cst: its date 'Tue Dec 01 22:00:00 CST 2026': read as US Central" in err
    for name in ("ist", "xyz"):
        assert (
            f"/d/{name}: its date 'Tue Dec 01 22:00:00 {name.upper()} 2026' cannot be read" in err
        )


def test_an_unreadable_pubdate_beside_a_dc_date_is_said_with_what_dated_the_post(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """H2: the modification date (dc:date) dates the item only said, the pubDate's
    "cannot be read" kept; a pubDate read is the date, whatever dc:date says."""
    edited = "<dc:date>2026-12-06T09:00:00Z</dc:date>"
    items = item(
        "ist", "http://127.0.0.1/d/ist", pubdate="Tue, 01 Dec 2026 15:30:00 IST", raw=edited
    ) + item(
        "gmt", "http://127.0.0.1/d/gmt", pubdate="Tue, 01 Dec 2026 10:00:00 +0000 GMT", raw=edited
    )
    posts, err = _feed_run(site, httpserver, capsys, items, NOW)
    assert _date(posts["gmt"][1]) == "2026-12-01T10:00:00.000Z"
    assert _date(posts["ist"][1]) == "2026-12-06T09:00:00.000Z"
    said = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert said == [
        "warning: feed d: http://127.0.0.1/d/ist: its date 'Tue, 01 Dec 2026 15:30:00 IST' "
        "cannot be read (unknown or ambiguous zone 'IST'); dated by its update date "
        "'2026-12-06T09:00:00Z'"
    ], err


def test_a_day_feedparser_invents_is_not_taken(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """H12: feedparser reads ``01-12-2026 10:00 CET`` as 2001-12-20 and a time written
    first on the day it runs: each is "cannot be read", dated at archiving time. The
    clock is far ahead so that the old reading (the machine's today) was believed."""
    now = "2036-01-01T00:00:00Z"
    cases = ("01-12-2026 10:00 CET", "01-12-2026 10h00", "00:30 01/12/2026", "10:00")
    items = "".join(
        item(f"s{i}", f"http://127.0.0.1/d/{i}", pubdate=written) for i, written in enumerate(cases)
    )
    posts, err = _feed_run(site, httpserver, capsys, items, now)
    for i, written in enumerate(cases):
        name, text = posts[f"s{i}"]
        assert name.startswith("2036-01-01-") and _date(text) == "2036-01-01T00:00:00.000Z", written
        assert f"/d/{i}: its date {written!r} cannot be read" in err


def test_cst_on_a_page_in_chinese_is_chinas_time(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """H16: ``CST`` on a Chinese page (its lang, else its title's script) is China
    Standard Time, UTC+08:00; on an English page, RFC 822's US Central still."""
    zh = "市议会周二讨论了明年的预算，议员们就道路、学校和图书馆的开放时间进行了长时间的辩论。" * 3
    en = "".join(
        f"<p>Paragraph {i} of a page with enough words to be a body.</p>" for i in range(6)
    )
    meta = '<meta property="article:published_time" content="2026-12-01 22:00:00 CST">'
    pages = {
        "预算案通过meta": ('lang="zh-CN"', meta, f"<p>{zh}</p><p>{zh}</p>"),
        "预算案通过byline": (
            'lang="zh-CN"',
            "",
            f'<div class="info">发布时间：2026-12-01 22:00 CST</div><p>{zh}</p><p>{zh}</p>',
        ),
        "预算案通过nolang": ("", meta, f"<p>{zh}</p><p>{zh}</p>"),
        "Budget passed": ('lang="en"', meta, en),
    }
    urls = [
        serve(
            httpserver,
            f"/p/{i}.html",
            (
                f"<html {lang}><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
                f"<body><h1>{title}</h1>{body}</body></html>"
            ).encode(),
            "text/html; charset=utf-8",
        )
        for i, (title, (lang, head, body)) in enumerate(pages.items())
    ]
    site.write_config([{"name": "d", "url": httpserver.url_for("/feed.xml")}])
    code, _, err = run(site, capsys, "backfill", "--now", NOW, *urls)
    assert code == 0, err
    posts = by_title(site)
    for title in pages:
        want = (
            "2026-12-02T04:00:00.000Z" if title == "Budget passed" else "2026-12-01T14:00:00.000Z"
        )
        assert _date(posts[title][1]) == want, (title, err)
