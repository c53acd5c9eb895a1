"""URL helpers: the dedupe key, the link filter, resolution."""

from __future__ import annotations

import pytest

from rssarchive.core.urls import (
    LINK_ATTRIBUTES,
    absolute,
    host_key,
    http_url_problem,
    is_safe_link,
    normalize_url,
    resolve_attribute,
    resolve_html_urls,
    resolve_link,
    split,
    without_fragment,
)
from rssarchive.core.urls import host as urls_host

RFA = "https://www.rfa.org/mandarin/yataibaodao/junshiwaijiao/gz-07232024174532.html"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (RFA, RFA),
        # http and https, case of scheme and host, default ports, fragments
        ("http://www.rfa.org/mandarin/a.html", "https://www.rfa.org/mandarin/a.html"),
        ("HTTPS://WWW.RFA.ORG:443/mandarin/a.html#top", "https://www.rfa.org/mandarin/a.html"),
        ("http://www.rfa.org:80/mandarin/a.html", "https://www.rfa.org/mandarin/a.html"),
        ("https://example.org/a#", "https://example.org/a"),
        # a "#!" (hash-bang) fragment names the page of a single-page site: kept
        # (review16d L4); an ordinary one goes
        ("https://example.org/#!/story/1", "https://example.org/#!/story/1"),
        ("http://Example.org/?b=2&a=1#!/story/%7e2", "https://example.org/?a=1&b=2#!/story/~2"),
        ("https://example.org/app#/story/1", "https://example.org/app#/story/1"),
        ("https://example.org/app#section-2", "https://example.org/app"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org./a", "https://example.org/a"),
        ("  https://example.org/a  ", "https://example.org/a"),
        # the path keeps its case, not its final slash; an empty path is "/"
        ("https://example.org/A/B/", "https://example.org/A/B"),
        ("https://example.org/A/B//", "https://example.org/A/B"),
        ("https://example.org/A/./", "https://example.org/A"),
        ("https://example.org/?a=1", "https://example.org/?a=1"),
        ("https://example.org", "https://example.org/"),
        # tracking parameters go, real ones are sorted by name (a repeated one keeps
        # the order of its values)
        ("https://example.org/a?utm_source=RSS", "https://example.org/a"),
        (
            "https://example.org/a?utm_source=RSS&utm_medium=rss&utm_campaign=x",
            "https://example.org/a",
        ),
        ("https://example.org/a?id=3&UTM_Source=x&fbclid=y&p=2", "https://example.org/a?id=3&p=2"),
        ("https://example.org/a?gclid=1&spm=a.b.c&z=1&a=2", "https://example.org/a?a=2&z=1"),
        (
            "https://example.org/a?_hsenc=p2&_hsmi=9&ttclid=t&li_fat_id=l&ref_src=twsrc&id=1",
            "https://example.org/a?id=1",
        ),
        (
            "https://example.org/a?ocid=rss&ncid=x&cmpid=y&s_cid=z&mkt_tok=m",
            "https://example.org/a",
        ),
        ("https://example.org/a?PHPSESSID=1&jsessionid=2&sid=3", "https://example.org/a?sid=3"),
        ("https://example.org/a.html;jsessionid=1A2B?id=4", "https://example.org/a.html?id=4"),
        ("https://example.org/a;JSESSIONID=x/b", "https://example.org/a/b"),
        ("https://example.org/a;v=2", "https://example.org/a;v=2"),
        (
            "https://example.org/a?xtor=RSS-1&at_medium=RSS&at_campaign=KARANGA&pk_campaign=f"
            "&mtm_source=x&WT.mc_id=y&smid=tw-share&id=2",
            "https://example.org/a?id=2",
        ),
        # The Guardian's and the New York Times' campaign codes (look16c F3b), and
        # NYT's partner= beside its emc= (schema 12).
        ("https://example.org/a?CMP=share_btn_link", "https://example.org/a"),
        ("https://example.org/a?partner=rss&emc=rss", "https://example.org/a"),
        ("https://example.org/a?id=3&partner=rss", "https://example.org/a?id=3"),
        # Schema 13 (look16f): DW's maca=, comScore's ns_*, Medium's source=rss… (another
        # source= selects content), ASP.NET's session segments, a directory's index.
        ("https://example.org/a-1?maca=en-rss-en-all-1573-rdf", "https://example.org/a-1"),
        ("https://example.org/a?ns_mchannel=rss&ns_source=x&ns_fee=0", "https://example.org/a"),
        ("https://example.org/@j/s-1?source=rss-----jane", "https://example.org/@j/s-1"),
        ("https://example.org/a?source=census", "https://example.org/a?source=census"),
        ("http://example.org/(S(lit3py55t21z5v55))/n/1.aspx", "https://example.org/n/1.aspx"),
        ("http://example.org/(X(1)S(abc))/n/1.aspx", "https://example.org/n/1.aspx"),
        ("http://example.org/(A(abc)F(d))/n", "https://example.org/n"),
        ("http://example.org/n/(draft)/1", "https://example.org/n/(draft)/1"),
        ("http://example.org/posts/foo/index.html", "https://example.org/posts/foo"),
        ("http://example.org/index.php?id=2", "https://example.org/?id=2"),
        ("http://example.org/index.php/news/2", "https://example.org/index.php/news/2"),
        ("http://example.org/a/myindex.html", "https://example.org/a/myindex.html"),
        # A hash router's path names the page, as #! does; a bare #/ is the start page.
        ("http://example.org/#/detail?id=2", "https://example.org/#/detail?id=2"),
        ("http://example.org/#/", "https://example.org/"),
        ("https://example.org/a?pk=5&at=6", "https://example.org/a?at=6&pk=5"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
        ("https://example.org/a?t=2&a=1&t=1", "https://example.org/a?a=1&t=2&t=1"),
        ("https://example.org/a?from=rss&ref=x", "https://example.org/a?from=rss&ref=x"),
        ("https://example.org/a?&&id=1&", "https://example.org/a?id=1"),
        # percent-encoding: one spelling per character
        ("https://example.org/%7euser/%41", "https://example.org/~user/A"),
        ("https://example.org/a%2fb%3F", "https://example.org/a%2Fb%3F"),
        (
            "https://example.org/中文 路径",
            "https://example.org/%E4%B8%AD%E6%96%87%20%E8%B7%AF%E5%BE%84",
        ),
        (
            "https://example.org/%E4%B8%AD%E6%96%87%20%E8%B7%AF%E5%BE%84",
            "https://example.org/%E4%B8%AD%E6%96%87%20%E8%B7%AF%E5%BE%84",
        ),
        ("https://example.org/100%", "https://example.org/100%25"),
        ("https://example.org/?q=中", "https://example.org/?q=%E4%B8%AD"),
        # IDNA hosts, IPv6 literals, userinfo
        ("https://例子.中国/a", "https://xn--fsqu00a.xn--fiqs8s/a"),
        ("https://BÜCHER.example/", "https://xn--bcher-kva.example/"),
        ("http://[::1]:8080/x", "https://[::1]:8080/x"),
        ("http://user:pw@Example.org/", "https://user:pw@example.org/"),
    ],
)
def test_normalize_url(url: str, key: str) -> None:
    assert normalize_url(url) == key
    assert normalize_url(key) == key  # idempotent


def test_normalize_url_never_raises() -> None:
    for junk in ("", "not a url", "http://[::1/x", "https://e.x:port/", "mailto:a@b"):
        normalize_url(junk)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a",
        "http://example.org",
        "HTTPS://EXAMPLE.ORG/a?b=c#d",
        "https://[2001:db8::1]/x",
        "https://example.org:8080/a b",
        RFA,
    ],
)
def test_safe_links(url: str) -> None:
    assert is_safe_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "//example.org/a",
        "/relative/path",
        "relative.html",
        "http://",
        "https:///path-only",
        "https://example.org:99999/",
        "https://[::1/",
        "https://example.org/a\nb",
        "https://example.org/\x00",
        " https://example.org/",
    ],
)
def test_unsafe_links(url: str) -> None:
    assert not is_safe_link(url)


@pytest.mark.parametrize(
    ("url", "base", "result"),
    [
        ("/a/b.html", "https://example.org/feed.xml", "https://example.org/a/b.html"),
        ("b.html", "https://example.org/dir/feed.xml", "https://example.org/dir/b.html"),
        ("../b.html", "https://example.org/dir/sub/", "https://example.org/dir/b.html"),
        ("//cdn.example.net/i.jpg", "https://example.org/", "https://cdn.example.net/i.jpg"),
        ("?page=2", "https://example.org/list?page=1", "https://example.org/list?page=2"),
        ("  https://other.example/x  ", "https://example.org/", "https://other.example/x"),
        ("http://other.example/x", "https://example.org/", "http://other.example/x"),
        ("javascript:alert(1)", "https://example.org/", None),
        ("data:image/png;base64,AAAA", "https://example.org/", None),
        ("file:///etc/passwd", "https://example.org/", None),
        ("", "https://example.org/", None),
        ("   ", "https://example.org/", None),
        ("a.html", "file:///srv/feed.xml", None),
        ("http://[::1/", "https://example.org/", None),
        # The one rule (http_url_problem), wherever the URL comes from: a lead image, an
        # <img>, a feed link.
        ("http://a.example:99999/a.jpg", "https://example.org/", None),
        ("http://a.example:x/a.jpg", "https://example.org/", None),
        ("/a\x01.jpg", "https://example.org/", None),
        ("/a\x7f.jpg", "https://example.org/", None),
        ("http://a b.example/a.jpg", "https://example.org/", None),
        # Read as a browser reads it: C0 and spaces around stripped, tab/CR/LF removed.
        ("\x00 /a.jpg\x1f", "https://example.org/", "https://example.org/a.jpg"),
        ("/a\t.j\r\npg", "https://example.org/", "https://example.org/a.jpg"),
        ("java\tscript:alert(1)", "https://example.org/", None),
        ("/a b.jpg", "https://example.org/", "https://example.org/a b.jpg"),
    ],
)
def test_absolute(url: str, base: str, result: str | None) -> None:
    assert absolute(url, base) == result


@pytest.mark.parametrize(
    ("url", "result"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("/a", None),
        (" http://example.org:8080/a ", "http://example.org:8080/a"),
        ("http://example.org:65536/a", None),
    ],
)
def test_absolute_without_a_base(url: str, result: str | None) -> None:
    assert absolute(url) == result


@pytest.mark.parametrize(
    ("url", "typed", "problem"),
    [
        ("https://example.org/a", False, None),
        ("https://example.org/a", True, None),
        ("HTTP://EXAMPLE.ORG:0/", True, None),
        ("https://example.org:65535/", True, None),
        ("https://[2001:db8::1]:8443/x", True, None),
        ("https://example.org/a b", False, None),
        ("https://example.org/a b", True, "whitespace in URL"),
        ("https://example.org/a\u3000b", True, "whitespace in URL"),
        (" https://example.org/", False, "whitespace in URL"),
        ("https://example.org/\xa0", False, "whitespace in URL"),
        ("", False, "empty URL"),
        ("https://example.org/fe\ted", True, "control characters in URL"),
        ("https://example.org/fe\ted", False, "control characters in URL"),
        ("https://example.org/\x01", False, "control characters in URL"),
        ("https://example.org/\x7f", False, "control characters in URL"),
        ("https://example.org/\n", False, "control characters in URL"),
        ("https://example.org:99999/", False, "not a valid URL (Port out of range 0-65535)"),
        (
            "https://example.org:-1/",
            False,
            "not a valid URL (Port could not be cast to integer value as '-1')",
        ),
        (
            "https://example.org:x/",
            False,
            "not a valid URL (Port could not be cast to integer value as 'x')",
        ),
        ("http://[::1/", False, "not a valid URL (Invalid IPv6 URL)"),
        ("ftp://example.org/", False, "not an http(s) URL"),
        ("javascript:alert(1)", False, "not an http(s) URL"),
        ("//example.org/a", False, "not an http(s) URL"),
        ("/a", False, "not an http(s) URL"),
        ("https:///a", False, "not an http(s) URL"),
        ("https://user@/a", False, "not an http(s) URL"),
    ],
)
def test_http_url_problem(url: str, typed: bool, problem: str | None) -> None:
    assert http_url_problem(url, typed=typed) == problem
    assert is_safe_link(url) is (http_url_problem(url) is None)


@pytest.mark.parametrize(
    ("html", "result"),
    [
        ("plain text, no markup", "plain text, no markup"),
        ('<img src="/a.jpg" alt="">', '<img src="https://example.org/a.jpg" alt="">'),
        ("<img src='a.jpg'>", '<img src="https://example.org/dir/a.jpg">'),
        ("<a href=b.html>x</a>", '<a href="https://example.org/dir/b.html">x</a>'),
        ('<a HREF = "b.html">x</a>', '<a HREF = "https://example.org/dir/b.html">x</a>'),
        (
            '<img srcset="a.jpg 1x, /b.jpg 2x">',
            '<img srcset="https://example.org/dir/a.jpg 1x, https://example.org/b.jpg 2x">',
        ),
        ('<img src="?w=1&amp;h=2">', '<img src="https://example.org/dir/page?w=1&amp;h=2">'),
        # untouched: absolute URLs, anchors, other schemes (nh3 removes them later), text
        ('<a href="https://x.example/">', '<a href="https://x.example/">'),
        ('<a href="#note">', '<a href="#note">'),
        ('<a href="javascript:x()">', '<a href="javascript:x()">'),
        ('<img src="data:image/png;base64,AA">', '<img src="data:image/png;base64,AA">'),
        ('text src="a.jpg" outside a tag', 'text src="a.jpg" outside a tag'),
        ("<p class=x data-k='v'>t &nbsp;<br></p>", "<p class=x data-k='v'>t &nbsp;<br></p>"),
        (
            '<img data-src="lazy.jpg" src="/1x1.gif">',
            '<img data-src="https://example.org/dir/lazy.jpg" src="https://example.org/1x1.gif">',
        ),
        # the one tokenizer's tags (core/htmltags): a quoted ">" does not end the tag;
        # comments and raw text (script) hold no tags; every duplicate is resolved
        (
            '<img alt="a > b" src="c.jpg">',
            '<img alt="a > b" src="https://example.org/dir/c.jpg">',
        ),
        ('<!-- <img src="c.jpg"> -->', '<!-- <img src="c.jpg"> -->'),
        ("<script>x = '<img src=c.jpg>'</script>", "<script>x = '<img src=c.jpg>'</script>"),
        (
            "<img/src=c.jpg src='d.jpg'>",
            '<img/src="https://example.org/dir/c.jpg" src="https://example.org/dir/d.jpg">',
        ),
    ],
)
def test_resolve_html_urls(html: str, result: str) -> None:
    assert resolve_html_urls(html, "https://example.org/dir/page") == result


# --- relative links in HTML: the one rule set (review 18 H9) ------------------------------

BASE = "https://example.org/dir/page"


@pytest.mark.parametrize(
    ("value", "base", "result"),
    [
        ("/a.jpg", BASE, "https://example.org/a.jpg"),
        ("a.jpg", BASE, "https://example.org/dir/a.jpg"),
        ("../b.html", BASE, "https://example.org/b.html"),
        ("?page=2", BASE, "https://example.org/dir/page?page=2"),
        ("  b.html\n", BASE, "https://example.org/dir/b.html"),  # spaces around: trimmed
        ("//cdn.example.net/i.jpg", BASE, "https://cdn.example.net/i.jpg"),
        ("//cdn.example.net/i.jpg", "http://example.org/", "http://cdn.example.net/i.jpg"),
        # As written: absolute (any scheme: the sanitizer removes the unsafe ones), an
        # anchor, nothing at all.
        ("https://x.example/a", BASE, "https://x.example/a"),
        (" https://x.example/a ", BASE, " https://x.example/a "),
        ("HTTP://x.example/a", BASE, "HTTP://x.example/a"),
        ("javascript:alert(1)", BASE, "javascript:alert(1)"),
        ("mailto:a@x.example", BASE, "mailto:a@x.example"),
        ("data:image/png;base64,AA", BASE, "data:image/png;base64,AA"),
        ("#note", BASE, "#note"),
        ("", BASE, ""),
        ("  ", BASE, "  "),
        # As written too: what it would resolve to is no safe http(s) link.
        ("//x.example:99999/a.jpg", BASE, "//x.example:99999/a.jpg"),  # no such port
        ("//x.example:port/a.jpg", BASE, "//x.example:port/a.jpg"),
        ("/a\x01.jpg", BASE, "/a\x01.jpg"),  # a control character
        ("//[x/a.jpg", BASE, "//[x/a.jpg"),  # an unbalanced "[": urljoin raises
        ("a.html", "file:///srv/feed.xml", "a.html"),  # the base is no http(s) URL
        ("a.html", "", "a.html"),
    ],
)
def test_resolve_link(value: str, base: str, result: str) -> None:
    assert resolve_link(value, base) == result


@pytest.mark.parametrize(
    ("name", "value", "result"),
    [
        *((name, "x.jpg", "https://example.org/dir/x.jpg") for name in sorted(LINK_ATTRIBUTES)),
        (
            "srcset",
            "a.jpg 1x, /b.jpg 2x",
            "https://example.org/dir/a.jpg 1x, https://example.org/b.jpg 2x",
        ),
        # Each candidate by resolve_link: an unsafe one stays as written, the others resolve.
        (
            "srcset",
            "//h:99999/a.jpg 1x, b.jpg 2x",
            "//h:99999/a.jpg 1x, https://example.org/dir/b.jpg 2x",
        ),
        ("srcset", "/w_400,h_300/a.jpg 400w", "https://example.org/w_400,h_300/a.jpg 400w"),
        # Not link attributes: as they are.
        ("alt", "x.jpg", "x.jpg"),
        ("data-original", "x.jpg", "x.jpg"),
        ("data-srcset", "x.jpg 1x", "x.jpg 1x"),
        ("class", "a b", "a b"),
    ],
)
def test_resolve_attribute(name: str, value: str, result: str) -> None:
    assert resolve_attribute(name, value, BASE) == result


def test_the_link_attributes_are_the_union_of_both_former_resolvers() -> None:
    # resolve_html_urls had src href poster cite longdesc data-src (and srcset);
    # extract's lxml walk had href src poster (and srcset).
    assert {"src", "href", "poster", "cite", "longdesc", "data-src"} == LINK_ATTRIBUTES


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Example.ORG/a", "example.org"),
        ("http://example.org:8080/a", "example.org"),
        ("https://news.example.org/a", "news.example.org"),
        ("https://wwwexample.org/", "wwwexample.org"),
        ("https://[2001:DB8::1]/x", "2001:db8::1"),
        ("/relative", ""),
        ("http://[::1/", ""),
    ],
)
def test_host_key(url: str, key: str) -> None:
    assert host_key(url) == key


@pytest.mark.parametrize(
    ("url", "host", "bare"),
    [
        ("https://www.Example.ORG/a#x", "www.example.org", "https://www.Example.ORG/a"),
        ("https://example.org/a?", "example.org", "https://example.org/a?"),
        ("/relative#part", "", "/relative"),
        # A malformed URL is no URL: nothing raises (look18 F3).
        ("http://[oops/a.jpg#x", "", ""),
        ("http://[::1/", "", ""),
    ],
)
def test_split_host_and_fragment_treat_a_malformed_url_as_none(
    url: str, host: str, bare: str
) -> None:
    assert (split(url) is None) == (bare == "")
    assert urls_host(url) == host
    assert without_fragment(url) == bare
