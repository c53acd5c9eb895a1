"""The one start-tag tokenizer (core/htmltags.py): which tags it finds, and where."""

from __future__ import annotations

import pytest

from rssarchive.core.htmltags import RAW_TEXT, attr_values, find_attr, start_tags, tags


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


# Each case: the text, then its tags as (name, end tag, self-closing, the tag's text).
@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<P>a</P >", [("p", False, False, "<P>"), ("p", True, False, "</P >")]),
        # a quoted ">" or "/>" neither ends the tag nor closes it
        (
            '<div title="/>">x</div>',
            [("div", False, False, '<div title="/>">'), ("div", True, False, "</div>")],
        ),
        ("<div title='a > b'>", [("div", False, False, "<div title='a > b'>")]),
        ("</div x='>'>", [("div", True, False, "</div x='>'>")]),
        # "/>" outside quotes closes; in an unquoted value it is the value's
        ("<br/><div / >", [("br", False, True, "<br/>"), ("div", False, False, "<div / >")]),
        ("<a href=/x/>", [("a", False, False, "<a href=/x/>")]),
        ("<a b=c />", [("a", False, True, "<a b=c />")]),
        # void elements are tags like any other (whether one nests is the caller's call)
        (
            "<br><img src=x.jpg>",
            [("br", False, False, "<br>"), ("img", False, False, "<img src=x.jpg>")],
        ),
        # comments and bogus comments hold no tags; "<!-->" ends at once
        ("<!-- <div> --><i>", [("i", False, False, "<i>")]),
        ("<!-- <div> --!><i>", [("i", False, False, "<i>")]),
        ("<!--><i>", [("i", False, False, "<i>")]),
        ("<!doctype html><?x <div> ?></ <div>><b>", [("b", False, False, "<b>")]),
        # raw text holds no tags, up to its own end tag
        (
            '<script>"<div>"</scripts></script ><p>',
            [
                ("script", False, False, "<script>"),
                ("script", True, False, "</script >"),
                ("p", False, False, "<p>"),
            ],
        ),
        ("<style><div></div>", [("style", False, False, "<style>")]),
        # not tags: "<" before no letter; a tag, comment or quote that never ends (the
        # rest of the text is inside it)
        ("a < b <3 <p>", [("p", False, False, "<p>")]),
        ('<p>a<div title="x>y', [("p", False, False, "<p>")]),
        ("<p>a<div class=x", [("p", False, False, "<p>")]),
        ("<p>a<!-- <b> -- >", [("p", False, False, "<p>")]),
    ],
)
def test_tags(html: str, found: list[tuple[str, bool, bool, str]]) -> None:
    assert [(t.name, t.closing, t.self_closing, html[t.start : t.end]) for t in tags(html)] == found


def test_tags_raw_text_is_the_callers_choice() -> None:
    # A browser (the default) reads <noscript> as text; libxml2 reads it as markup.
    html = "<noscript><div></div></noscript>"
    assert [t.name for t in tags(html)] == ["noscript", "noscript"]
    inside = [t.name for t in tags(html, RAW_TEXT - {"noscript"})]
    assert inside == ["noscript", "div", "div", "noscript"]


def test_tags_are_found_in_linear_time() -> None:
    # Each of these once made a tokenizer scan the rest of the text again for every "<".
    for html in ("<a " * 100_000, '<a b="' + "<a " * 100_000, "<!--" + "<a>" * 100_000):
        assert list(tags(html)) == []
    many = "<a x='1' y=2 z>t</a>" * 50_000
    assert sum(1 for _ in tags(many)) == 100_000
