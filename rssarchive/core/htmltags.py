"""The one HTML tag tokenizer: linear, pure, positions kept.

It finds tags the way a browser's tokenizer does: comments, bogus comments
(``<!doctype>``, ``<?…>``) and the text of raw-text elements (``<script>``,
``<noscript>``, …) are skipped, quoted values may hold ``>`` and ``/>``, a tag that never
ends is dropped with everything after it. ``tags`` gives every start and end tag with its
bounds (sanitize counts and flattens nesting on it); ``start_tags`` gives start tags with
every attribute's offsets in the text, so a caller edits values and copies every other
byte as it was (``publish/images`` localizes images this way, ``urls.resolve_html_urls``
makes links absolute).
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Final, NamedTuple

__all__ = [
    "HTML_SPACE",
    "RAW_TEXT",
    "Attr",
    "StartTag",
    "Tag",
    "attr_values",
    "find_attr",
    "raw_text_end",
    "start_tags",
    "tag_matches",
    "tags",
]

# ASCII whitespace as the HTML standard counts it (no vertical tab).
HTML_SPACE: Final = "\t\n\f\r "

# The HTML tokenizer's states for a tag, as one regular expression. Every repeat is
# possessive and no two parts of a tag can start at the same character, so a match never
# backtracks into a repeat: scanning stays linear, and a tag that never ends fails at
# the end of the text, once (the walk then stops).
_SPACE: Final = "[\t\n\f\r ]"


def _attribute(part: str) -> str:
    """One attribute: a name, then "=" and a value, or no "=" at all (a quote after "="
    starts a quoted value even when it is never closed: the tag then never ends, as in
    browsers). ``part`` opens the name and the value: "(" to capture them, "(?:" not."""
    value = f""""{part}[^"]*+)"|'{part}[^']*+)'|(?!["']){part}[^\t\n\f\r >]*+)"""
    return (
        f"{part}[^\t\n\f\r />][^\t\n\f\r />=]*+)"
        f"(?:{_SPACE}*+={_SPACE}*+(?:{value})|(?!{_SPACE}*+=))"
    )


# One attribute: (1) its name, its value (2) in double, (3) in single or (4) no quotes.
_ATTRIBUTE: Final = re.compile(_attribute("("))
_MARKUP: Final = re.compile(
    # a comment: "<!-->" and "<!--->" end at once, any other at "-->" or "--!>"
    r"<!--(?:-?>|.*?--!?>)"
    # a start or end tag: (1) "/" of an end tag, (2) name, its attributes, (3) "/" of
    # "/>"; a "/" right before ">" is that mark, not a separator (but in an unquoted
    # value, href=/a/>, it is part of the value)
    r"|<(/?)([A-Za-z][^\t\n\f\r />]*+)"
    rf"(?:{_SPACE}|/(?!>)|{_attribute('(?:')})*+(/?)>"
    # a bogus comment (<!doctype>, <?…>, </ …>), up to the next ">"
    r"|<(?:!(?!--)|\?|/(?![A-Za-z]))[^>]*+>"
    # (4) the start of any of these that never ends: the rest of the text is inside it
    r"|(<)[!?/A-Za-z]",
    re.DOTALL,
)
# Their content is not markup: an "<img" in there is text (or inert) and is left alone.
# As a browser with scripting on reads them (<noscript> is text).
RAW_TEXT: Final = frozenset(
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


class Tag(NamedTuple):
    """A start or end tag (a tuple: one is made for every tag of a long text)."""

    name: str  # lower-case
    start: int  # of its "<"
    end: int  # after its ">"
    name_end: int  # after its name, where its attributes start
    closing: bool  # an end tag, "</name>"
    self_closing: bool  # "/>" ends it ("<br/>"; not "<a title='/>'>" nor "<a href=/x/>")


# Tag((…)) without NamedTuple's __new__, a Python function: a third of tags' time.
_new_tag: Final = functools.partial(tuple.__new__, Tag)


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


def tags(text: str, raw_text: Collection[str] = RAW_TEXT) -> Iterator[Tag]:
    """Every start and end tag outside comments and the content of the ``raw_text``
    elements (lower-case names), in order."""
    pos = 0
    new_tag = _new_tag  # a local: this loop runs once for every tag of the text
    while True:
        # One C-level scan until a raw-text element, whose content is skipped: a scan
        # started again there (rare) keeps the per-tag cost that of the old bare regex.
        for match in _MARKUP.finditer(text, pos):
            slash, name, self_closing, never_ends = match.groups()  # one call, not four
            if name is None:
                if never_ends is not None:
                    return
                continue  # a comment
            lower = name.lower()
            start, end = match.span()
            closing = slash == "/"
            name_end = start + 1 + len(slash) + len(name)  # not lower's: it may be longer
            yield new_tag((lower, start, end, name_end, closing, self_closing == "/"))
            if not closing and lower in raw_text:
                pos = raw_text_end(text, lower, end)
                break
        else:
            return


def tag_matches(text: str, pos: int = 0) -> Iterator[re.Match[str]]:
    """The tokenizer's matches from ``pos`` on: group 1 "/" of an end tag, 2 a tag's name,
    3 "/" of "/>", 4 the "<" of markup that never ends; no name: a comment or doctype.
    Raw-text content is not skipped here (see :func:`raw_text_end`)."""
    return _MARKUP.finditer(text, pos)


def raw_text_end(text: str, name: str, start: int) -> int:
    """Where the content of the raw-text element ``name`` (lower case) that starts at
    ``start`` ends: at its end tag's "<", or the end of the text when it has none."""
    found = re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE).search(text, start)
    return len(text) if found is None else found.start()


def _attrs(text: str, start: int, end: int) -> tuple[Attr, ...]:
    found: list[Attr] = []
    for attr in _ATTRIBUTE.finditer(text, start, end):
        name = attr.group(1).lower()
        group = attr.lastindex or 1  # the value's group; 1 (the name's) when there is none
        if group == 1:
            found.append(Attr(name, attr.start(), attr.end(), None, None, False))
        else:
            value = (attr.start(group), attr.end(group), group != 4)
            found.append(Attr(name, attr.start(), attr.end(), *value))
    return tuple(found)


def start_tags(text: str, names: Collection[str] | None = None) -> Iterator[StartTag]:
    """Every start tag named in ``names`` (lower case; None: every one) outside comments
    and raw-text elements, in order."""
    for tag in tags(text):
        if not tag.closing and (names is None or tag.name in names):
            attrs_end = tag.end - (2 if tag.self_closing else 1)  # before its "/>" or ">"
            yield StartTag(tag.name, tag.name_end, _attrs(text, tag.name_end, attrs_end))


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
