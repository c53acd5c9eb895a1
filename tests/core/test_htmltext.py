"""HTML to plain text, its one home (rssarchive/core/htmltext.py): the markup dropped by
the one tag tokenizer for feed titles and identity's text key, a parsed element's text,
and one block a line for the re-checks (issue 18)."""

from __future__ import annotations

import lxml.html
import pytest

from rssarchive.core.htmltext import collapse_space, element_text, html_to_text, markup_text
from rssarchive.core.identity import text_key


@pytest.mark.parametrize(
    ("html", "spaced", "joined"),
    [
        ("<p>a</p><p>b</p>", " a  b ", "ab"),
        ("<b>U</b>SA &amp; co", " U SA & co", "USA & co"),
        ("a<br/>b", "a b", "ab"),
        ("a&nbsp;b &#x4e2d;&lt;", "a\xa0b 中<", "a\xa0b 中<"),
        # Comments and doctypes are markup, a ">" inside them or in a quoted value too.
        ("<!doctype html>a<!-- x > y -->b", " a b", "ab"),
        ("<a title=\"x>y\" href='/>'>a</a>", " a ", "a"),
        # <script>/<style> content is kept as written, never read as markup.
        (
            "a<script>if (x<y) z = '&amp;'</script>b",
            "a if (x<y) z = '&amp;' b",
            "aif (x<y) z = '&amp;'b",
        ),
        # A "<" that starts no tag is text; a tag that never ends takes the rest along.
        ("1 < 2 &lt; 3", "1 < 2 < 3", "1 < 2 < 3"),
        ("a <b title='never", "a ", "a "),
        ("", "", ""),
    ],
)
def test_markup_text(html: str, spaced: str, joined: str) -> None:
    assert markup_text(html) == spaced
    assert markup_text(html, tag_as="") == joined


def test_a_text_key_reads_the_markup_as_a_browser_does() -> None:
    # Its own regex took a ">" in a quoted value or a comment for the end of the tag:
    # the same text with another comment or attribute was another text.
    assert text_key('<p title="a>b">Hi there</p>') == text_key("<p>Hi there</p>")
    assert text_key('<!-- wp:p {"a":"x>y"} --><p>Hi there</p>') == text_key("<p>Hi there</p>")
    # A tag is a word break; case, width and entities do not count.
    assert text_key("<p>Hi</p><p>there</p>") == text_key("hi THERE")
    assert text_key("<p>Hi</p>there") != text_key("Hithere")
    assert text_key("<p> </p>") is None


def test_element_text_keeps_an_ideographic_space() -> None:
    el = lxml.html.fragment_fromstring("<h1>\n 美国\u3000日本 <b>会谈</b>\n</h1>")
    assert element_text(el) == "美国\u3000日本 会谈"
    assert collapse_space(" a \t\n b\xa0") == "a b\xa0"


def test_html_to_text_one_block_a_line_any_space_collapsed() -> None:
    assert html_to_text("<p>a\nb</p><ul><li>c\u3000d</li></ul>") == "a b\nc d"
    assert html_to_text("  ") == ""
