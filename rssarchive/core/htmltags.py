"""The one HTML start-tag tokenizer: linear, pure, positions kept.

It finds start tags the way a browser's tokenizer does where it matters for rewriting
attribute values in place: comments, bogus comments (``<!doctype>``, ``<?…>``) and the
text of raw-text elements (``<script>``, ``<noscript>``, …) are skipped, quoted values
may hold ``>``, a tag that never ends is dropped. Every attribute keeps its offsets in
the text, so a caller edits values and copies every other byte as it was
(``publish/images`` localizes images this way, ``urls.resolve_html_urls`` makes links
absolute).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Final

__all__ = ["HTML_SPACE", "Attr", "StartTag", "attr_values", "find_attr", "start_tags"]

# ASCII whitespace as the HTML standard counts it (no vertical tab).
HTML_SPACE: Final = "\t\n\f\r "

# The HTML tokenizer's rules for names and unquoted values (linear: no nested repeats).
_NAME: Final = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_UNQUOTED: Final = re.compile(r"[^\t\n\f\r >]*")
_MARKUP: Final = re.compile(r"<(?:(!--)|(/?)([A-Za-z][^\t\n\f\r />]*)|[!?/])")
# Their content is not markup: an "<img" in there is text (or inert) and is left alone.
_RAW_TEXT: Final = frozenset(
    {
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "template",
    }
)


@dataclass(frozen=True)
class Attr:
    name: str  # lower-case
    start: int  # of the name
    end: int  # after the value (and its closing quote)
    value_start: int | None  # of the raw value, quotes excluded; None: no "=value"
    value_end: int | None
    quoted: bool


@dataclass(frozen=True)
class StartTag:
    name: str  # lower-case
    name_end: int
    attrs: tuple[Attr, ...]


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in HTML_SPACE:
        pos += 1
    return pos


def _parse_attrs(text: str, pos: int) -> tuple[tuple[Attr, ...], int] | None:
    """The attributes of a tag whose name ends at ``pos``, and the index after its ``>``.

    None when the tag never ends (a browser drops such a tag; so do we, untouched).
    """
    attrs: list[Attr] = []
    while True:
        while pos < len(text) and (text[pos] in HTML_SPACE or text[pos] == "/"):
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] == ">":
            return tuple(attrs), pos + 1
        match = _NAME.match(text, pos)
        assert match is not None  # text[pos] is neither space, "/" nor ">"
        start, name_end = pos, match.end()
        after = _skip_ws(text, name_end)
        if after < len(text) and text[after] == "=":
            vpos = _skip_ws(text, after + 1)
            if vpos >= len(text):
                return None
            if text[vpos] in "\"'":
                close = text.find(text[vpos], vpos + 1)
                if close < 0:
                    return None
                value = (vpos + 1, close, True)
                pos = close + 1
            else:
                end = _UNQUOTED.match(text, vpos)
                assert end is not None
                value = (vpos, end.end(), False)
                pos = end.end()
            attrs.append(Attr(match.group().lower(), start, pos, *value))
        else:
            attrs.append(Attr(match.group().lower(), start, name_end, None, None, False))
            pos = name_end


def start_tags(text: str, names: Collection[str] | None = None) -> Iterator[StartTag]:
    """Every start tag named in ``names`` (lower case; None: every one) outside comments
    and raw-text elements, in order."""
    pos = 0
    while (match := _MARKUP.search(text, pos)) is not None:
        if match.group(1):  # a comment: "<!-->" and "<!--->" end at once
            rest = match.end()
            if text.startswith(">", rest) or text.startswith("->", rest):
                pos = text.index(">", rest) + 1
                continue
            ends = [i for i in (text.find("-->", rest), text.find("--!>", rest)) if i >= 0]
            if not ends:
                return
            pos = text.index(">", min(ends)) + 1
            continue
        name = match.group(3)
        if name is None:  # <!doctype>, <?…>, </ …>: bogus comments up to the next ">"
            close = text.find(">", match.end())
            if close < 0:
                return
            pos = close + 1
            continue
        parsed = _parse_attrs(text, match.end())
        if parsed is None:
            return
        attrs, pos = parsed
        lower = name.lower()
        if match.group(2):  # an end tag
            continue
        if names is None or lower in names:
            yield StartTag(lower, match.end(), attrs)
        if lower in _RAW_TEXT:
            close_tag = re.compile(rf"</{lower}(?=[\t\n\f\r />])", re.IGNORECASE)
            found = close_tag.search(text, pos)
            if found is None:
                return
            pos = found.start()


def attr_values(text: str, tag: StartTag) -> dict[str, str]:
    """Attribute name -> decoded value; the first of duplicates wins, as in browsers."""
    values: dict[str, str] = {}
    for attr in tag.attrs:
        if attr.name not in values:
            raw = "" if attr.value_start is None else text[attr.value_start : attr.value_end]
            values[attr.name] = html_lib.unescape(raw)
    return values


def find_attr(tag: StartTag, name: str) -> Attr | None:
    """The first attribute called ``name`` (lower case), as browsers read duplicates."""
    return next((a for a in tag.attrs if a.name == name), None)
