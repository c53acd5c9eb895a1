"""The HTML policy and the Liquid guard."""

from __future__ import annotations

import time
from pathlib import Path

import lxml.html
import pytest

from rssarchive.core.controls import without_lone_surrogates
from rssarchive.core.sanitize import (
    clean_text,
    flatten_deep,
    guard_liquid,
    is_safe_url,
    sanitize_html,
)
from rssarchive.publish.render import render_body

SEEDS = sorted((Path(__file__).parent.parent / "golden" / "seeds").glob("*.txt"))


def seed_body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n<div>\n", 1)[1].rsplit("\n</div>\n", 1)[0]


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed_bodies_are_unchanged(seed: Path) -> None:
    body = seed_body(seed)
    assert sanitize_html(body) == body
    assert "<!-- zoomattribute -->" in sanitize_html(body)


HOSTILE = [
    ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ("<p onclick='alert(1)' onmouseover=x>t</p>", "<p>t</p>"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java&#x0A;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java&#1;script:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', '<img referrerpolicy="no-referrer">'),
    ('<iframe src="https://evil.example/"></iframe>t', "t"),
    ("<svg onload=alert(1)><script>alert(2)</script><text>s</text></svg>t", "t"),
    ("<math><mi xlink:href='javascript:x'>m</mi></math>t", "t"),
    ('<form action="https://evil.example/"><input name=p><button>Go</button></form>t', "t"),
    ("<style>body{display:none}</style>t", "t"),
    ('<object data="x.swf"></object><embed src="y.swf">t', "t"),
    ("<noscript><img src=x onerror=alert(1)></noscript>t", "t"),
    ('<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=x">t', "t"),
    ('<div style="background:url(https://evil.example/t.png)">t</div>', "<div>t</div>"),
    ('<div style="width:expression(alert(1))">t</div>', "<div>t</div>"),
    ('<img src="https://a.example/i.png" srcset="javascript:x 1x">', None),
    ('<a href="https://a.example/" target="_blank" rel="opener">t</a>', None),
]


@pytest.mark.parametrize(("html", "expected"), HOSTILE, ids=[h for h, _ in HOSTILE])
def test_hostile_markup_is_removed(html: str, expected: str | None) -> None:
    clean = sanitize_html(html)
    if expected is not None:
        assert clean == expected
    lowered = clean.lower()
    for bad in (
        "<script",
        "javascript",
        "vbscript",
        "onclick",
        "onload",
        "onerror",
        "<iframe",
        "<svg",
        "<form",
        "<input",
        "<style",
        "<object",
        "<embed",
        "data:",
        "url(",
        "target=",
        "rel=",
    ):
        assert bad not in lowered


def test_plain_markup_is_kept() -> None:
    html = (
        '<p class="x" id="y" style="font-weight: 400;" data-caption="c">'
        '<a href="https://a.example/p?a=1&amp;b=2" title="t">l</a> &nbsp;</p>'
        "<ul><li><strong>s</strong></li></ul><!-- note -->"
        '<figure><picture><source srcset="https://a.example/i.webp 2x" type="image/webp">'
        '<img src="/rel.png" alt="a" width="1" height="2" referrerpolicy="no-referrer">'
        "</picture><figcaption>c</figcaption></figure><blockquote>q</blockquote>"
        '<a href="mailto:desk@a.example">m</a>'
    )
    assert sanitize_html(html) == html


def test_referrerpolicy_is_appended_last_or_forced() -> None:
    assert (
        sanitize_html('<img src="https://a.example/i.png" alt="a">')
        == '<img src="https://a.example/i.png" alt="a" referrerpolicy="no-referrer">'
    )
    assert (
        sanitize_html('<img referrerpolicy="unsafe-url" src="https://a.example/i.png">')
        == '<img src="https://a.example/i.png" referrerpolicy="no-referrer">'
    )


def test_no_rel_is_added_to_links() -> None:
    assert (
        sanitize_html('<a href="https://a.example/">t</a>') == '<a href="https://a.example/">t</a>'
    )


def test_deep_nesting_takes_bounded_time() -> None:
    depth = 100_000
    html = "<div>" * depth + "x" + "</div>" * depth
    start = time.monotonic()
    clean = sanitize_html(html)
    assert time.monotonic() - start < 5
    assert clean.count("<div>") <= 300


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.example/", True),
        ("/relative/path", True),
        ("page.html#x", True),
        ("mailto:a@b.example", True),
        ("javascript:x", False),
        ("\tjava\nscript:x", False),
        ("java\x01script:x", False),
        ("data:image/png;base64,AA", False),
        ("file:///etc/passwd", False),
    ],
)
def test_is_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


@pytest.mark.parametrize(
    "text",
    [
        "{{ site | jsonify }}",
        "{% include ../x %}",
        "{%endraw%}",
        "{% for i in (1..100000000) %}x{% endfor %}",
        "{{- site.github -}} {%- raw -%}",
        "{{{ triple }}} {%% odd %%}",
        "{: .class onclick='x'}",
    ],
)
def test_guard_liquid_leaves_no_tag(text: str) -> None:
    guarded = guard_liquid(text)
    for token in ("{{", "{%", "%}", "}}", "{:"):
        assert token not in guarded
    assert guarded.replace("&#123;", "{").replace("&#125;", "}") == text


def test_guard_liquid_survives_the_body_pipeline() -> None:
    body = render_body('<p title="{{x}}">{{ site | jsonify }}</p><!-- {% include x %} -->')
    assert "{" not in body and "}" not in body
    assert "&#123;&#123; site | jsonify &#125;&#125;" in body


def test_control_characters_cannot_reopen_markup() -> None:
    # Sanitising keeps "-\x01->" inside the comment; removing \x01 afterwards would close
    # it early. render_body removes control characters first, then sanitises twice.
    body = render_body("<!-- -\x01-><script>alert(1)</script> --><p>a&#1;b&#10;c</p>")
    assert "<script" not in body
    assert "\n" not in body and "\x01" not in body
    assert sanitize_html(body) == body
    link = render_body('<a href="java&#1;script:alert(1)">x</a>')
    assert "javascript" not in link


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("a\x01b\x7fc\x85d", "abcd"),
        ("tab\tline\nreturn\r kept", "tab\tline\nreturn\r kept"),
        ("vertical\x0btab\x0cfeed", "vertical tab feed"),
        ("non \ufffe\uffff\U0001fffe\U0010ffff\ufdd0 characters", "non  characters"),
        ("lone \ud800 pair \ud83d\ude00", "lone \ufffd pair \U0001f600"),
        ("refs &#1;&#x01;&#0001;&#xFFFE;&#xffff;&#64976; gone", "refs  gone"),
        ("&#x0B;word &#12;", " word  "),
        ("&#xD800; half", "\ufffd half"),
        # Kept: what a parser reads as a character of text (C1 references are
        # windows-1252's), a reference out of range, and escaped text.
        (
            "&#150; &#x85; &#10; &#9; &#65; &#x110000; &amp;#1;",
            "&#150; &#x85; &#10; &#9; &#65; &#x110000; &amp;#1;",
        ),
    ],
)
def test_clean_text(text: str, clean: str) -> None:
    assert clean_text(text) == clean


@pytest.mark.parametrize("depth", [260, 5000, 100_000])
def test_flatten_deep_keeps_the_text_and_at_most_its_limit(depth: int) -> None:
    html = "<div>" * depth + "<p>deep <b>text</b></p>" + "</div>" * depth
    flat = flatten_deep(html)
    assert "deep text" in flat  # the tags past the limit go, their text stays
    assert flat.count("<div>") == flat.count("</div>") <= 200


def _libxml2_text(html: str) -> str:
    return str(lxml.html.fragment_fromstring(html, create_parent="div").text_content())


@pytest.mark.parametrize(
    "opening",
    [
        '<div title="/>">',  # read as "<div title=\"/>" closed at once: nothing flattened
        "<div title='a > b'>",  # read as "<div title='a >": " b'>" left as text
        "<div><!-- </div> -->",  # read as an end tag: the depth counted 0
    ],
)
def test_flatten_deep_reads_quoted_values_and_comments_as_html_does(opening: str) -> None:
    # 300 levels: libxml2 drops all below 256, the article with them, unless flattened.
    html = opening * 300 + "<p>deep text</p>" + "</div>" * 300
    assert _libxml2_text(flatten_deep(html)) == "deep text"
    assert "deep text" in sanitize_html(html)


@pytest.mark.parametrize(
    "inert",
    [
        "<!-- " + "<div>" * 300 + " -->",
        "<script>" + "<div>" * 300 + "</script>",
        "<textarea>" + "<div>" * 300 + "</textarea>",
    ],
)
def test_flatten_deep_leaves_tags_in_comments_and_raw_text_alone(inert: str) -> None:
    html = "<div>" + inert + "<p>text</p>" * 300 + "</div>"
    assert flatten_deep(html) is html


def test_flatten_deep_counts_noscript_as_libxml2_reads_it() -> None:
    # libxml2 parses a <noscript>'s content as markup: 300 <div>s in there stopped its
    # parse, and the text after them was lost.
    html = "<noscript>" + "<div>" * 300 + "</noscript><p>after</p>"
    assert "after" in _libxml2_text(flatten_deep(html))


def test_flatten_deep_leaves_shallow_html_and_unclosed_paragraphs_alone() -> None:
    unclosed = "<div>" + "<p>one<li>two" * 400 + "</div>"
    assert flatten_deep(unclosed) is unclosed
    shallow = "<div>" * 150 + "x" + "</div>" * 150
    assert flatten_deep(shallow) is shallow


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("plain 中文", "plain 中文"),
        ("a\ud800b", "a\ufffdb"),  # a lone surrogate
        ("\udfff", "\ufffd"),
        ("\ud83d\ude00", "\U0001f600"),  # a pair (surrogatepass) is its character
        ("\ufeffbom", "\ufeffbom"),
    ],
)
def test_without_lone_surrogates_is_the_one_scrub(text: str, clean: str) -> None:
    assert without_lone_surrogates(text) == clean
    assert render_body(f"<p>{text}</p>") == render_body(f"<p>{clean}</p>")
