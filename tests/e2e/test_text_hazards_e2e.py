"""Text no parser takes, through the real CLI against a real server on 127.0.0.1:
control characters and noncharacters (raw or as character references) in an item's
text or a page, bodies nested deeper than libxml2 reads, and an unexpected exception
while one article is made. Each test is listed in tests/hazard_index.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import Site
from pytest_httpserver import HTTPServer
from test_hazards_e2e import BODY, NOW, assert_one_line_errors, body, item, posts, rss_doc, run

import rssarchive.extract.article
import rssarchive.extract.feedtext
import rssarchive.run.pipeline
import rssarchive.run.runbase
from rssarchive.core.sanitize import NOT_TEXT

WORDS = "with enough words around it to stand as the text of an article body."
PARAGRAPH = (
    "The city council met on Tuesday evening to debate the new budget proposal, which "
    "would raise spending on public transport by a substantial margin over three years."
)


def described(title: str, link: str, description: bytes) -> bytes:
    """An item whose text is a plain-text <description> (bytes: raw bytes allowed)."""
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>".encode()
        + b"<description>"
        + description
        + b"</description></item>"
    )


def feed_of(*items: bytes) -> bytes:
    return rss_doc("ITEMS").replace(b"ITEMS", b"".join(items))


def bodies_by_link(site: Site) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in posts(site).values():
        link = re.search(r"^from: (.*)$", text, re.M)
        assert link is not None
        assert link.group(1) not in found, f"two posts from {link.group(1)}"
        found[link.group(1)] = body(text)
    return found


@pytest.mark.parametrize("content", ["feed", "auto"])
def test_hazard_control_characters_noncharacters_in_item_text_archived_without_them_run_goes_on(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    # Each of these stopped every run with a traceback (lxml refuses such a string), and
    # the healthy feed beside it was never archived.
    base = "http://127.0.0.1/c/"
    # Long enough to be the whole article (content: auto then needs no page).
    words = (WORDS + " " + PARAGRAPH * 4).encode()
    texts: dict[str, bytes] = {
        "ref1": b"Body &amp;#1; text " + words,  # escaped once: &#1; in the text
        "raw1": b"Body \x01 text " + words,
        "reffffe": b"Body &amp;#xFFFE; text " + words,
        "refd800": b"Body &amp;#xD800; text " + words,
        "rawffff": "Body \uffff text ".encode() + words,
        "html": "&lt;p&gt;Body \uffff html &amp;#1; &lt;/p&gt;".encode() + words,
    }
    items = [described(name, base + name, text) for name, text in texts.items()]
    bad = httpserver.url_for("/bad.xml")
    httpserver.expect_request("/bad.xml").respond_with_data(feed_of(*items))
    good = httpserver.url_for("/good.xml")
    healthy = item("healthy one", "http://127.0.0.1/g/1") + item(
        "healthy two", "http://127.0.0.1/g/2"
    )
    httpserver.expect_request("/good.xml").respond_with_data(rss_doc(healthy))
    site.write_config(
        [
            {"name": "bad", "url": bad, "content": content},
            {"name": "good", "url": good, "content": "feed"},
        ]
    )
    code, out, err = run(site, capsys, "run", "--now", NOW, "--json")
    assert code == 0, err
    assert_one_line_errors(err)
    report: dict[str, Any] = json.loads(out)
    assert report is not None
    archived = bodies_by_link(site)
    assert sorted(archived) == sorted(
        [base + name for name in texts] + ["http://127.0.0.1/g/1", "http://127.0.0.1/g/2"]
    )
    for link, text in archived.items():
        assert not NOT_TEXT.search(text), link
        assert "&#1;" not in text and "&#xFFFE;" not in text, link
    assert "Body text" in re.sub(r"\s+", " ", archived[base + "raw1"])
    # A second run finds nothing new (the raw characters make the XML not well-formed,
    # which its warning keeps saying).
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    assert "failed" not in err
    assert len(posts(site)) == len(archived)


def test_hazard_control_and_noncharacter_references_in_a_page_archived(
    site: Site, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each failed as "no article text found on the page", a permanent failure.
    variants = {
        "ref1": ("Title ref1", "&#1;"),
        "title-only": ("Ctl &#1; title", ""),
        "reffffe": ("Title reffffe", "&#xFFFE;"),
        "raw": ("Title raw", "\ufffe \uffff \U0001fffe \x85"),
    }
    urls = []
    for name, (title, mark) in variants.items():
        paragraphs = "".join(f"<p>Paragraph {i} {mark} {PARAGRAPH}</p>" for i in range(6))
        page = (
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f"<article><h1>{title}</h1>{paragraphs}</article></body></html>"
        )
        httpserver.expect_request(f"/{name}.html").respond_with_data(
            page.encode("utf-8"), content_type="text/html; charset=utf-8"
        )
        urls.append(httpserver.url_for(f"/{name}.html"))
    site.write_config([{"name": "t", "url": httpserver.url_for("/none.xml")}])
    code, _, err = run(site, capsys, "backfill", "--now", NOW, *urls)
    assert code == 0, err
    archived = bodies_by_link(site)
    assert sorted(archived) == sorted(urls)
    for link, text in archived.items():
        assert "Paragraph 5" in text, link
        assert not NOT_TEXT.search(text), link


@pytest.mark.parametrize(
    ("opening", "depth"),
    [
        ("<div>", 260),
        ("<div>", 5000),
        # A quoted "/>" made the depth count 0 (each tag read as closed at once), so
        # nothing was flattened and libxml2 dropped the article's text.
        ('<div title="/>">', 300),
    ],
)
def test_hazard_item_body_nested_deeper_than_libxml2_reads_text_kept(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    opening: str,
    depth: int,
) -> None:
    # Past ~255 levels libxml2 dropped the tree: "the feed item has no content".
    deep = opening * depth + f"<p>Deep text {WORDS}</p>" + "</div>" * depth
    items = item("deep", "http://127.0.0.1/d/1", body=deep) + item("flat", "http://127.0.0.1/d/2")
    httpserver.expect_request("/deep.xml").respond_with_data(rss_doc(items))
    site.write_config([{"name": "deep", "url": httpserver.url_for("/deep.xml"), "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 0, err
    archived = bodies_by_link(site)
    assert sorted(archived) == ["http://127.0.0.1/d/1", "http://127.0.0.1/d/2"]
    assert f"Deep text {WORDS}" in archived["http://127.0.0.1/d/1"]
    assert archived["http://127.0.0.1/d/1"].count("<div") <= 256


def test_hazard_unexpected_error_in_one_article_fails_it_alone_retried_by_next_run(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A bug met while one article is made (standing in: a step raising what no step
    # expects) failed the whole run with a traceback; a pending article that met it
    # failed every later run.
    real = rssarchive.extract.feedtext._feed_article

    def breaks_on_boom(entry: Any, *args: Any) -> Any:
        if entry.link.endswith("/boom"):
            raise RuntimeError("boom\nsecond line")
        return real(entry, *args)

    monkeypatch.setattr(rssarchive.extract.feedtext, "_feed_article", breaks_on_boom)
    # In this process, where the stand-in is (a worker process would import the real one).
    monkeypatch.setattr(rssarchive.run.runbase, "POOL_MIN_ARTICLES", 1000)
    items = item("boom", "http://127.0.0.1/u/boom") + item("fine", "http://127.0.0.1/u/fine")
    httpserver.expect_request("/u.xml").respond_with_data(rss_doc(items))
    other = item("other", "http://127.0.0.1/o/1", body=BODY)
    httpserver.expect_request("/o.xml").respond_with_data(rss_doc(other))
    site.write_config(
        [
            {"name": "u", "url": httpserver.url_for("/u.xml"), "content": "feed"},
            {"name": "o", "url": httpserver.url_for("/o.xml"), "content": "feed"},
        ]
    )
    code, out, err = run(site, capsys, "run", "--now", NOW, "--json")
    assert code == 1, err
    assert_one_line_errors(err)
    assert (
        "failed: http://127.0.0.1/u/boom: unexpected error (RuntimeError: boom second line)"
        in err.splitlines()
    )
    json.loads(out)
    assert sorted(bodies_by_link(site)) == ["http://127.0.0.1/o/1", "http://127.0.0.1/u/fine"]
    # The bug is fixed: the next run archives the article it failed.
    monkeypatch.setattr(rssarchive.extract.feedtext, "_feed_article", real)
    code, _, err = run(site, capsys, "run", "--now", "2024-07-25T13:00:00Z")
    assert code == 0, err
    assert "http://127.0.0.1/u/boom" in bodies_by_link(site)


def test_hazard_unexpected_error_extracting_one_page_fails_it_alone_in_a_backfill(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = rssarchive.extract.article._extract_article

    def breaks_on_boom(page: bytes, url: str, *args: Any) -> Any:
        if url.endswith("/boom.html"):
            raise ValueError("All strings must be XML compatible")
        return real(page, url, *args)

    monkeypatch.setattr(rssarchive.extract.article, "_extract_article", breaks_on_boom)
    monkeypatch.setattr(rssarchive.run.runbase, "POOL_MIN_ARTICLES", 1000)
    paragraphs = ("<p>" + PARAGRAPH + "</p>") * 5
    page = f"<html><head><title>P</title></head><body><article>{paragraphs}</article></body></html>"
    for name in ("boom", "fine"):
        httpserver.expect_request(f"/{name}.html").respond_with_data(
            page.encode(), content_type="text/html; charset=utf-8"
        )
    site.write_config([{"name": "t", "url": httpserver.url_for("/none.xml")}])
    boom, fine = httpserver.url_for("/boom.html"), httpserver.url_for("/fine.html")
    code, _, err = run(site, capsys, "backfill", "--now", NOW, boom, fine)
    assert code == 1, err
    assert_one_line_errors(err)
    assert any(
        line.startswith(f"failed: {boom}: unexpected error (ValueError: All strings")
        and "later runs will try again" in line
        for line in err.splitlines()
    ), err
    assert sorted(bodies_by_link(site)) == [fine]


def test_hazard_unexpected_error_in_a_batch_of_feed_posts_fails_only_its_article(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Posts from feed text are made many to a call; a surprise escaping that call (here:
    # the call itself raising) fails only the article it belongs to, each retried alone.
    real = rssarchive.run.pipeline.feed_posts

    def breaks_with_boom(items: list[Any], *args: Any) -> Any:
        if any(entry.link.endswith("/boom") for _, entry, _ in items):
            raise RuntimeError("boom")
        return real(items, *args)

    monkeypatch.setattr(rssarchive.run.pipeline, "feed_posts", breaks_with_boom)
    monkeypatch.setattr(rssarchive.run.runbase, "POOL_MIN_ARTICLES", 1000)
    links = [f"http://127.0.0.1/b/{name}" for name in ("one", "boom", "two")]
    items = "".join(item(link.rsplit("/", 1)[1], link) for link in links)
    httpserver.expect_request("/b.xml").respond_with_data(rss_doc(items))
    site.write_config([{"name": "b", "url": httpserver.url_for("/b.xml"), "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 1, err
    assert_one_line_errors(err)
    assert err.splitlines() == [
        # Undated, on the feed's first poll (look16c F5).
        "warning: feed b: 2 items have no date, in the feed or on their page; dated at"
        " archiving time",
        "failed: http://127.0.0.1/b/boom: unexpected error (RuntimeError: boom)",
    ]
    assert sorted(bodies_by_link(site)) == [links[0], links[2]]


def test_hazard_unexpected_error_of_a_pending_article_does_not_stop_later_commands(
    site: Site,
    httpserver: HTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The article that meets the surprise stays pending; later runs and an unrelated
    # backfill (which retries pending work) go on beside it, then it is given up.
    real = rssarchive.extract.feedtext._feed_article

    def breaks_on_boom(entry: Any, *args: Any) -> Any:
        if entry.link.endswith("/boom"):
            raise RuntimeError("boom")
        return real(entry, *args)

    monkeypatch.setattr(rssarchive.extract.feedtext, "_feed_article", breaks_on_boom)
    monkeypatch.setattr(rssarchive.run.runbase, "POOL_MIN_ARTICLES", 1000)
    httpserver.expect_request("/p.xml").respond_with_data(
        rss_doc(item("boom", "http://127.0.0.1/p/boom"))
    )
    paragraphs = ("<p>" + PARAGRAPH + "</p>") * 5
    page = f"<html><head><title>O</title></head><body><article>{paragraphs}</article></body></html>"
    httpserver.expect_request("/other.html").respond_with_data(
        page.encode(), content_type="text/html; charset=utf-8"
    )
    site.write_config([{"name": "p", "url": httpserver.url_for("/p.xml"), "content": "feed"}])
    code, _, err = run(site, capsys, "run", "--now", NOW)
    assert code == 1 and "unexpected error (RuntimeError: boom)" in err, err
    other = httpserver.url_for("/other.html")
    # (The backfill retries the pending article too, and says it failed again.)
    code, _, err = run(site, capsys, "backfill", "--now", "2024-07-25T12:30:00Z", other)
    assert "Traceback" not in err and code in (0, 1), err
    assert_one_line_errors(err)
    assert sorted(bodies_by_link(site)) == [other]
    said = ""
    for day in range(26, 31):
        code, _, err = run(site, capsys, "run", "--now", f"2024-07-{day}T12:00:00Z")
        assert_one_line_errors(err)
        said += err
    assert "http://127.0.0.1/p/boom: gave up after" in said
