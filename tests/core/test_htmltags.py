"""The one start-tag tokenizer (core/htmltags.py): which tags it finds, and where."""

from __future__ import annotations

import pytest

from rssarchive.core.htmltags import attr_values, find_attr, start_tags


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<p><img src="a.jpg"></p>', [("img", {"src": "a.jpg"})]),
        ("<IMG SRC=a.jpg ALT>", [("img", {"src": "a.jpg", "alt": ""})]),
        # a quoted ">" is part of the value, not the tag's end
        ('<img alt="1 > 0" src=b.jpg>', [("img", {"alt": "1 > 0", "src": "b.jpg"})]),
        # the first of duplicates wins; references are decoded
        ('<img src="a?x=1&amp;y=2" src="b">', [("img", {"src": "a?x=1&y=2"})]),
        # not tags: comments, bogus comments, raw text, end tags, a tag that never ends
        ('<!-- <img src="c.jpg"> -->', []),
        ('<!--> <img src="d.jpg">', [("img", {"src": "d.jpg"})]),
        ('<script>"<img src=e.jpg>"</script><img src=f.jpg>', [("img", {"src": "f.jpg"})]),
        ('<noscript><img src="g.jpg"></noscript>', []),
        ('<?php <img src="h.jpg"> ?>', []),  # the bogus comment ends at the first ">"
        ("</img src=i.jpg>", []),
        ('<img src="j.jpg', []),
        ('<a href="x"><source srcset="k.jpg 2x">', [("source", {"srcset": "k.jpg 2x"})]),
    ],
)
def test_start_tags(html: str, found: list[tuple[str, dict[str, str]]]) -> None:
    tags = list(start_tags(html, {"img", "source"}))
    assert [(tag.name, attr_values(html, tag)) for tag in tags] == found


def test_attribute_offsets_point_into_the_text() -> None:
    html = "<p>x</p><img data-k='v' src=a.jpg hidden>"
    (tag,) = start_tags(html, {"img"})
    assert html[: tag.name_end].endswith("<img")
    quoted, unquoted, bare = (find_attr(tag, n) for n in ("data-k", "src", "hidden"))
    assert quoted is not None and quoted.quoted
    assert html[quoted.start : quoted.end] == "data-k='v'"
    assert unquoted is not None and not unquoted.quoted
    assert html[unquoted.value_start : unquoted.value_end] == "a.jpg"
    assert bare is not None and bare.value_start is None
    assert find_attr(tag, "alt") is None
