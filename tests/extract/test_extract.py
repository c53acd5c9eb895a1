"""Extraction: the page cases in tests/pages/, then the pieces one by one.

A page case is ``NAME.html`` (the page bytes, in whatever encoding it declares or not)
and ``NAME.expected.json`` beside it; an optional ``NAME.expected.html`` holds the exact
body. Adding a case is adding files. Keys of the JSON:

- ``url`` (the page's address), ``content_type`` (the HTTP header), ``selectors``;
- ``error``: extraction must fail with a message containing this; or
- ``source``, ``title``, ``lead_image``: the Article's fields (checked when present);
- ``body_starts_with``, ``body_contains``, ``body_not_contains``: on the raw body;
- ``body_counts``: ``{text: n}``, the raw body holds ``text`` exactly n times;
- ``rendered``, ``rendered_contains``, ``rendered_not_contains``: on the body as a post
  carries it (render_body: sanitised, Liquid-guarded, one line).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml.html import HtmlElement

from rssarchive.core.encodings import decode_page
from rssarchive.core.errors import ExtractError
from rssarchive.core.models import Entry, Selectors
from rssarchive.core.urls import resolve_html_urls
from rssarchive.extract.article import MAX_PAGE_BYTES, extract_article
from rssarchive.extract.feedtext import article_from_feed, is_substantial, whole_article_from_feed
from rssarchive.extract.htmltree import _fix_links, _fragment
from rssarchive.extract.leadimage import image_url, with_lead_image
from rssarchive.extract.selectors import selector_to_xpath
from rssarchive.net.addresses import Allow
from rssarchive.publish.render import render_body

PAGES = Path(__file__).parent.parent / "pages"
CASES = sorted(PAGES.glob("*.expected.json"))


def _case_id(path: Path) -> str:
    return path.name.removesuffix(".expected.json")


@pytest.mark.parametrize("expected_path", CASES, ids=[_case_id(p) for p in CASES])
def test_page_case(expected_path: Path) -> None:
    name = _case_id(expected_path)
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    page = (PAGES / f"{name}.html").read_bytes()
    selectors = Selectors(**expected["selectors"]) if "selectors" in expected else None

    def extract() -> Any:
        return extract_article(
            page, expected["url"], selectors=selectors, content_type=expected.get("content_type")
        )

    if "error" in expected:
        with pytest.raises(ExtractError, match=expected["error"]):
            extract()
        return
    article = extract()
    for field in ("source", "title", "lead_image"):
        if field in expected:
            assert getattr(article, field) == expected[field], field
    body = article.body_html
    assert body.lstrip().startswith(expected.get("body_starts_with", ""))
    for text in expected.get("body_contains", []):
        assert text in body
    for text in expected.get("body_not_contains", []):
        assert text not in body
    for text, count in expected.get("body_counts", {}).items():
        assert body.count(text) == count, text
    exact = PAGES / f"{name}.expected.html"
    if exact.exists():
        assert body.strip() == exact.read_text(encoding="utf-8").strip()
    rendered = render_body(body)
    if "rendered" in expected:
        assert rendered == expected["rendered"]
    for text in expected.get("rendered_contains", []):
        assert text in rendered
    for text in expected.get("rendered_not_contains", []):
        assert text.lower() not in rendered.lower()


def test_every_page_has_its_expectation() -> None:
    pages = {p.name.removesuffix(".html") for p in PAGES.glob("*.html")}
    pages = {name for name in pages if not name.endswith(".expected")}
    assert pages == {_case_id(p) for p in CASES}


# --- decoding ---------------------------------------------------------------------------

ZH = "美日将举行安全会谈，讨论核威慑问题。日本和美国的外长与防长会谈将在东京举行。"
TW = "颱風過境後，港口管理局宣佈所有碼頭已恢復正常運作，沒有人員傷亡。"


@pytest.mark.parametrize(
    ("page", "content_type", "text"),
    [
        (f"<p>{ZH}</p>".encode("gbk"), None, ZH),
        (f"<p>{ZH}</p>".encode("gb2312"), "text/html; charset=gb2312", ZH),
        (f'<meta charset="gbk"><p>{ZH}</p>'.encode("gbk"), "text/html; charset=utf-8", ZH),
        (f'<meta charset="big5"><p>{TW}</p>'.encode("big5"), None, TW),
        (f"<p>{TW}</p>".encode("big5"), "text/html;charset=BIG5", TW),
        (f'<meta charset="utf-8"><p>{ZH}</p>'.encode("gbk"), None, ZH),
        ("<p>café</p>".encode("utf-8-sig"), "text/html; charset=gbk", "café"),
        ("<p>café</p>".encode("cp1252"), "text/html; charset=iso-8859-1", "café"),
    ],
)
def test_decode_page(page: bytes, content_type: str | None, text: str) -> None:
    decoded = decode_page(page, content_type)
    assert text in decoded
    assert "\ufffd" not in decoded


def test_gbk_page_without_any_declaration_gives_chinese() -> None:
    page = (
        f"<html><head><title>核威慑问题</title></head><body><h1>核威慑问题</h1>"
        f"<div id='storytext'><p>{ZH}</p><p>{ZH}</p></div></body></html>"
    ).encode("gbk")
    article = extract_article(page, "https://news.example/a.html")
    assert article.title == "核威慑问题"
    assert ZH in article.body_html


# --- selectors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "xpath"),
    [
        ("#story", "//*[@id='story']"),
        ("div", "//div"),
        ("div#story", "//div[@id='story']"),
        (
            ".a",
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' a ')]",
        ),
        ("main > p", "//main/p"),
        (
            "article .body p",
            "//article//*[contains(concat(' ', normalize-space(@class), ' '), ' body ')]//p",
        ),
        ("img[data-src]", "//img[@data-src]"),
        ('meta[property="og:image"]', "//meta[@property='og:image']"),
        ("h1, h2", "//h1 | //h2"),
    ],
)
def test_selector_to_xpath(selector: str, xpath: str) -> None:
    assert selector_to_xpath(selector) == xpath


@pytest.mark.parametrize("selector", ["", "div >", "a:hover", "p::before", "a + b", "> p", "a ~ b"])
def test_unsupported_selectors_are_refused(selector: str) -> None:
    with pytest.raises(ValueError):
        selector_to_xpath(selector)


def test_bad_configured_selector_is_an_extract_error() -> None:
    page = b"<html><body><div id='storytext'><p>text of the story here</p></div></body></html>"
    with pytest.raises(ExtractError, match="unsupported CSS selector"):
        extract_article(page, "https://x.example/", selectors=Selectors(body="a:hover"))


def test_selectors_that_match_nothing_fall_back_to_the_rules() -> None:
    page = (
        b"<html><body><div id='storytext'><p>The story text, long enough.</p></div></body></html>"
    )
    article = extract_article(page, "https://x.example/", selectors=Selectors(body="#missing"))
    assert article.source == "rule"
    assert article.body_html.strip() == "<p>The story text, long enough.</p>"


def test_several_matches_are_kept_whole() -> None:
    page = b"<html><body><div class='s'><p>one</p><p>two</p><p>ad</p></div></body></html>"
    article = extract_article(page, "https://x.example/", selectors=Selectors(body="div.s p"))
    assert article.body_html == "<p>one</p><p>two</p><p>ad</p>"


# --- links: one rule set for feed text and pages (review 18 H9) ----------------------------

LINKS_BASE = "https://x.example/news/1"


def _links(fragment: HtmlElement) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(str(el.tag), sorted(el.items())) for el in fragment.iter() if el is not fragment]


@pytest.mark.parametrize(
    "html",
    [
        '<a href="b.html">x</a><img src="/a.jpg" srcset="a.jpg 1x, /b.jpg 2x" alt="">',
        '<blockquote cite="/q">q</blockquote><img longdesc="d.html" src="x.jpg">',
        '<video poster="p.jpg" src="v.mp4"></video>',
        '<img data-src="lazy.jpg" src="/1x1.gif">',
        '<a href="#n">n</a><a href="javascript:x()">j</a><a href="https://x.example/">a</a>',
        '<img src="//h.example:99999/a.jpg" srcset="//h.example:99999/b.jpg 2x, c.jpg 1x">',
        '<a href="//[x/">bad host</a><a href=" c.html ">spaced</a>',
    ],
)
def test_feed_text_and_page_links_are_resolved_alike(html: str) -> None:
    # Feed text is resolved on its text (urls.resolve_html_urls), pages and feed items in
    # the extractor on the tree (htmltree._fix_links): the same links either way.
    _, on_the_text = _fragment(resolve_html_urls(html, LINKS_BASE))
    _, on_the_tree = _fragment(html)
    _fix_links(on_the_tree, LINKS_BASE)
    assert _links(on_the_tree) == _links(on_the_text)


def test_a_pages_links_are_resolved_by_the_one_rule_set() -> None:
    # cite and longdesc are made absolute on pages too (before, only in feed text), and a
    # relative link that would resolve to no safe URL (a port past 65535) stays as
    # written instead of becoming one.
    page = (
        b"<html><body><div class='s'><blockquote cite='/q'><p>Quoted, long enough.</p>"
        b"</blockquote><img src='//h.example:99999/a.jpg' longdesc='d.html'></div></body></html>"
    )
    article = extract_article(page, "https://x.example/n/1", selectors=Selectors(body="div.s"))
    assert 'cite="https://x.example/q"' in article.body_html
    assert 'longdesc="https://x.example/n/d.html"' in article.body_html
    assert 'src="//h.example:99999/a.jpg"' in article.body_html


def test_a_feed_items_unsafe_relative_link_stays_as_written() -> None:
    entry = Entry(
        title="t",
        link="https://x.example/n/1",
        content='<p>Text.</p><img src="//h.example:99999/a.jpg"><a href="/more">more</a>',
    )
    body = article_from_feed(entry).body_html
    assert 'src="//h.example:99999/a.jpg"' in body
    assert 'href="https://x.example/more"' in body


# --- images -----------------------------------------------------------------------------

PAGE_URL = "https://news.example/world/2024/story.html"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/img/a.jpg", "https://news.example/img/a.jpg"),
        ("b.png", "https://news.example/world/2024/b.png"),
        ("//cdn.example/c.jpg", "https://cdn.example/c.jpg"),
        ("http://cdn.example/d.jpg?w=800", "http://cdn.example/d.jpg?w=800"),
        ("javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("  JAVASCRIPT:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:image/png;base64,AAAA", None),
        ("ftp://files.example/e.jpg", None),
        ("http://169.254.169.254/latest/meta-data/", None),
        ("http://2852039166/latest/", None),
        ("http://0xa9.0xfe.0xa9.0xfe/", None),
        ("http://127.0.0.1/x.jpg", None),
        ("http://[::ffff:127.0.0.1]/x.jpg", None),
        ("http://localhost/x.jpg", None),
        ("http://10.0.0.5/x.jpg", None),
        ("http://100.64.0.1/x.jpg", None),  # carrier-grade NAT
        ("http://[2002:a9fe:a9fe::1]/x.jpg", None),  # 6to4 of 169.254.169.254
        ("http://[64:ff9b::a9fe:a9fe]/x.jpg", None),  # NAT64 of 169.254.169.254
        ("http://[fe80::1]/x.jpg", None),
        ("http://0177.0.0.1/x.jpg", None),
        ("http://999.1.1.1/x.jpg", None),  # numeric, but no address: refused as http.py does
        ("http://[2606:4700::1]/x.jpg", "http://[2606:4700::1]/x.jpg"),
        # urls.absolute's one rule: no port out of range, no whitespace in the host.
        ("http://a.example:99999/a.jpg", None),
        ("http://a.example:x/a.jpg", None),
        ("http://a b.example/a.jpg", None),
        ("", None),
        (None, None),
    ],
)
def test_image_url(raw: str | None, expected: str | None) -> None:
    assert image_url(raw, PAGE_URL) == expected


@pytest.mark.parametrize(
    ("allow", "raw", "kept"),
    [
        (True, "http://10.0.0.5/x.jpg", True),
        (True, "http://169.254.169.254/x.jpg", True),
        (("10.0.0.0/8",), "http://10.0.0.5/x.jpg", True),
        (("10.0.0.0/8",), "http://[::ffff:10.0.0.5]/x.jpg", True),
        (("10.0.0.0/8",), "http://127.0.0.1/x.jpg", False),
        (("10.0.0.0/8",), "http://[2002:a9fe:a9fe::1]/x.jpg", False),
        (False, "http://10.0.0.5/x.jpg", False),
    ],
)
def test_image_url_follows_allow_private_addresses(allow: Allow, raw: str, kept: bool) -> None:
    assert (image_url(raw, PAGE_URL, allow) == raw) is kept


def test_image_on_the_bases_own_refused_host_is_refused_too() -> None:
    # A feed item's link, the base of its own text, was never fetched nor checked: an
    # item linking http://169.254.169.254/ must not make its image there publishable
    # (look 18 F10). A page fetched from 127.0.0.1 was allowed by the config, and so is
    # its image, under the same setting.
    assert image_url("/a.jpg", "http://169.254.169.254/p.html") is None
    assert image_url("/a.jpg", "http://127.0.0.1:8080/p.html") is None
    assert (
        image_url("/a.jpg", "http://127.0.0.1:8080/p.html", True) == "http://127.0.0.1:8080/a.jpg"
    )


def test_lead_image_is_not_repeated() -> None:
    body = '<p>x</p><img src="https://cdn.example/pic.jpg?width=600">'
    assert with_lead_image(body, "https://cdn.example/pic.jpg?width=1200", PAGE_URL) == body
    other = with_lead_image(body, "https://cdn.example/other.jpg", PAGE_URL)
    assert other == '<img src="https://cdn.example/other.jpg" referrerpolicy="no-referrer">' + body


# --- feed content -----------------------------------------------------------------------


def test_article_from_feed_puts_the_media_image_first() -> None:
    entry = Entry(
        title="t",
        link="https://www.rfa.org/mandarin/news/2025/03/15/story",
        content="<p>Body text.</p>",
        image="/resizer/v2/ABC.jpg?auth=1&width=800",
    )
    article = article_from_feed(entry)
    assert article.source == "feed"
    assert article.lead_image == "https://www.rfa.org/resizer/v2/ABC.jpg?auth=1&width=800"
    assert article.body_html == (
        '<img src="https://www.rfa.org/resizer/v2/ABC.jpg?auth=1&amp;width=800" '
        'referrerpolicy="no-referrer"><p>Body text.</p>'
    )


def test_article_from_feed_refuses_unsafe_images_and_keeps_the_body() -> None:
    entry = Entry(title="t", link="https://x.example/a", content="<p>B</p>", image="javascript:x")
    article = article_from_feed(entry)
    assert article.lead_image is None
    assert article.body_html == "<p>B</p>"


def test_article_from_feed_skips_an_image_already_in_the_body() -> None:
    content = '<figure><img src="https://x.example/i.jpg"></figure><p>B</p>'
    entry = Entry(title="t", link="https://x.example/a", content=content, image="/i.jpg")
    assert article_from_feed(entry).body_html == content


@pytest.mark.parametrize("content", [None, "", "   ", "<p> </p>", "<div><span></span></div>"])
def test_article_from_feed_without_content_is_an_error(content: str | None) -> None:
    with pytest.raises(ExtractError):
        article_from_feed(Entry(title="t", link="https://x.example/a", content=content))


def test_is_substantial() -> None:
    assert is_substantial("<p>" + "x" * 500 + "</p>")
    assert is_substantial("<p>one.</p><p>two.</p><p>three.</p>")
    assert is_substantial("字" * 500)  # bare text without <p>
    assert not is_substantial("<p>A one-sentence summary of the story.</p>")
    assert not is_substantial("<p>one.</p><p>two.</p>")
    assert not is_substantial("")
    assert not is_substantial("<p>" + "x" * 600 + " Read more</p>")
    assert not is_substantial("<p>a</p><p>b</p><p>" + "y" * 600 + " […]</p>")


_LEAD = "".join(f"<p>Lead paragraph {i} of the story, told in a sentence.</p>" for i in range(3))
_LINK = "https://x.example/news/a"


@pytest.mark.parametrize(
    ("content", "whole"),
    [
        pytest.param(_LEAD, True, id="three paragraphs"),
        pytest.param(
            _LEAD + f'<p><a class="more-link" href="{_LINK}#more-7">Continue reading'
            " <span>“Story”</span></a></p>",
            False,
            id="a WordPress more-link",
        ),
        pytest.param(_LEAD + '<p><a href="/x#more-7">More</a></p>', False, id="a #more-N link"),
        pytest.param(
            _LEAD + f'<p>The post <a href="{_LINK}">Story</a> appeared first on'
            ' <a href="https://x.example/">X News</a>.</p>',
            False,
            id="Yoast's appeared first on",
        ),
        pytest.param(
            _LEAD + "<p>Read the full article on X News</p>", False, id="read the full article"
        ),
        pytest.param(_LEAD + "<p>点击查看原文</p>", False, id="点击查看原文"),
        pytest.param(_LEAD + "<p>……阅读全文 &gt;&gt; 更多</p>", False, id="阅读全文 not last"),
        pytest.param(
            _LEAD + f'<p>→ <a href="{_LINK}">Story</a></p>', False, id="a link to its own page"
        ),
        pytest.param(
            _LEAD + '<p><a href="/news/a#top">Story</a></p>', False, id="its own page, relative"
        ),
        pytest.param(
            _LEAD + '<p>Source: <a href="https://wire.example/1">Wire</a></p>',
            True,
            id="a source elsewhere",
        ),
        pytest.param(
            _LEAD + '<p><a href="https://x.example/news/b">Another story</a></p>',
            True,
            id="a link to another of its pages",
        ),
        pytest.param(
            _LEAD + "<p>" + "She said she would keep reading the report. " * 10 + "</p>",
            True,
            id="a long last paragraph saying keep reading",
        ),
    ],
)
def test_a_teaser_is_no_whole_article(content: str, whole: bool) -> None:
    """look16c F2: a teaser's text sends to its page, wherever in its last paragraph."""
    assert is_substantial(content, _LINK) is whole
    entry = Entry(title="t", link=_LINK, content=content)
    assert (whole_article_from_feed(entry) is not None) is whole


@pytest.mark.parametrize(
    ("content", "whole"),
    [
        ("<p>one.</p><p>two.</p><p><a href='/more'>three.</a></p>", True),
        ("<p>A one-sentence summary of the story.</p>", False),
        ("<p>" + "x" * 600 + " Read more</p>", False),
        ("   ", False),
        (None, False),
    ],
)
def test_whole_article_from_feed_only_for_a_whole_article(content: str | None, whole: bool) -> None:
    entry = Entry(title="t", link="https://x.example/news/a", content=content)
    article = whole_article_from_feed(entry)
    assert (article is not None) == whole == is_substantial(content or "")
    if article is not None:  # the same article article_from_feed gives, links resolved
        assert article == article_from_feed(entry)
        assert 'href="https://x.example/more"' in article.body_html


# --- limits -----------------------------------------------------------------------------


def test_empty_page_is_an_error() -> None:
    with pytest.raises(ExtractError, match="empty page"):
        extract_article(b"", "https://x.example/")


def test_oversized_page_is_refused_before_parsing() -> None:
    page = b"<p>" + b"x" * MAX_PAGE_BYTES + b"</p>"
    with pytest.raises(ExtractError, match="too large"):
        extract_article(page, "https://x.example/")


def test_deeply_nested_page_is_bounded() -> None:
    depth = 100_000
    page = b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"
    try:
        article = extract_article(page, "https://x.example/")
    except ExtractError:
        return  # refusing is fine; hanging or crashing is not
    assert len(render_body(article.body_html)) < len(page)


def test_the_extractors_reasons_are_those_re_checks_tell_apart() -> None:
    """recheck_page.extraction_read (look19, finding 1) on the extractor's own reasons: a
    page without an article is read, one too complex to extract is not."""
    from rssarchive.core.recheck_page import extraction_read

    plain = b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
    big = (
        b"<html><body><article><p>x</p>" + b"<p><b>c</b></p>" * 30_000 + b"</article></body></html>"
    )
    reasons = []
    for page in (plain, big, b"   "):
        with pytest.raises(ExtractError) as caught:
            extract_article(page, "https://example.com/a")
        reasons.append(extraction_read(caught.value.reason))
    assert reasons == [True, False, True]


_PREVIEW = "".join(
    f"<p>Preview paragraph {i}, long enough to pass for a body.</p>" for i in range(5)
)


@pytest.mark.parametrize(
    ("content", "substantial"),
    [
        pytest.param(_PREVIEW + "<!--members-only--><p>Sign in.</p>", False, id="Ghost's marker"),
        pytest.param(
            _PREVIEW + '<aside class="gh-post-upgrade-cta"><h2>Upgrade</h2></aside>',
            False,
            id="Ghost's upgrade box",
        ),
        pytest.param(
            _PREVIEW + "<p>This post is for paying subscribers only</p>", False, id="its sentence"
        ),
        pytest.param(
            _PREVIEW + '<div class="swpm-post-not-protected-msg">Join.</div>',
            False,
            id="Simple Membership",
        ),
        pytest.param(
            _PREVIEW + '<div class="mepr-unauthorized-message">No.</div>', False, id="MemberPress"
        ),
        pytest.param(
            _PREVIEW + "<p>Members only: the club's vote was secret, members said.</p>",
            True,
            id="members in passing",
        ),
        pytest.param(_PREVIEW + "<!-- more -->", True, id="another comment"),
    ],
)
def test_a_members_only_preview_is_a_teaser(content: str, substantial: bool) -> None:
    assert is_substantial(content, _LINK) is substantial
