"""The one reading of an XML document's start, shared by feeds and sitemaps."""

from __future__ import annotations

import pytest

from rssarchive.sources.xmlprolog import doctype_name, skip_misc, without_declaration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<?xml version="1.0"?><rss/>', "<rss/>"),
        ('\ufeff<?xml version="1.0"\n encoding="gbk"?>\n<rss/>', "\n\n<rss/>"),
        ("\ufeff<rss/>", "<rss/>"),
        ("<rss/><?xml version='1.0'?>", "<rss/><?xml version='1.0'?>"),
        ("<?xml-stylesheet href='a.xsl'?><rss/>", "<?xml-stylesheet href='a.xsl'?><rss/>"),
        ("<?xml?><rss/>", "<rss/>"),
    ],
)
def test_without_declaration_keeps_line_breaks_and_other_instructions(
    text: str, expected: str
) -> None:
    assert without_declaration(text) == expected


@pytest.mark.parametrize(
    ("text", "pos"),
    [
        ("<rss/>", 0),
        (" \n<!-- a --><?pi x?>\n<rss/>", 21),
        ("<!-- never closed <rss/>", 0),
        ("<!-- a --><?pi never closed <rss/>", 10),
    ],
)
def test_skip_misc_stops_at_what_may_be_the_root(text: str, pos: int) -> None:
    assert skip_misc(text, 0) == pos


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("<!DOCTYPE html><html>", "html"),
        ("<!doctype rss [<!ENTITY a 'b'>]><rss/>", "rss"),
        ("<!DOCTYPE><rss/>", ""),
        ("<rss/>", None),
    ],
)
def test_doctype_name(text: str, name: str | None) -> None:
    assert doctype_name(text, 0) == name
