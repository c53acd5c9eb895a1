"""Feed text -> the text feedparser is given: defused, bounded and repaired. Pure.

Run on the text decoded by encodings.decode_feed_said, before feedparser sees it:

1. character references to UTF-16 halves joined (a lone half becomes U+FFFD), and C1
   control characters hidden from feedparser (shown again in the entry's fields);
2. every DOCTYPE dropped, so no entity (billion laughs, ``SYSTEM "file:///…"``) is
   defined; HTML and JSON said for what they are;
3. absurdly long author texts cut, on which feedparser's e-mail regex is quadratic, and
   guids that are not URLs marked as such, so that feedparser leaves them alone; a bare
   "&" escaped;
4. the document cut to READ_ITEMS items, because feedparser's own cost grows with
   every item it reads (100,000 small items take about 11 s), and refused when too
   complex even so. The cut keeps the first and the last half of them and drops the
   middle: a feed's newest items are at its start or, listed oldest first, at its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from rssarchive.core.errors import ParseError
from rssarchive.core.urls import SCHEME
from rssarchive.sources.xmlprolog import doctype_name, skip_misc, without_declaration

# The default of a feed's max_items: 2000 covers any real feed, and feedparser needs
# about 0.2 s for that many.
MAX_ITEMS = 2000
# Items read from one document, whatever max_items is (and its upper limit), at about
# 0.5 s of parsing; half from its start and half from its end, past this many.
READ_ITEMS = 5000
# feedparser runs a regex on author texts whose cost is quadratic in their length
# (measured: 30 KB → 5 s, 4 KB → 0.1 s, 128 chars → 0.1 ms). 128 characters still hold a
# few names and an address.
MAX_AUTHOR_CHARS = 128
# feedparser spends about 25 µs on every element whatever it is, so 20 MB of "<a/>" would
# take two minutes. A full 2000-item feed has 30,000-60,000 elements; this allows
# several times that and bounds the parse at about 5 s.
MAX_ELEMENTS = 200_000
# Author-like elements past this many (there are rarely more than two per item) are
# emptied, so that thousands of them cannot add up the e-mail regex's cost either.
MAX_AUTHOR_ELEMENTS = 4 * MAX_ITEMS
_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

# ---------------------------------------------------------------------------------------
# Decoding is encodings.decode_feed's; what is left here readies the decoded text.


_CHAR_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")


def _join_surrogate_references(text: str) -> str:
    """Character references to UTF-16 halves (``&#xD83D;&#xDE00;``, written by old
    CMSs for an emoji) become the character they encode; a lone half, which no valid
    text contains, becomes U+FFFD. feedparser fails on the whole feed otherwise."""

    def value(match: re.Match[str]) -> int:
        hex_digits, decimal = match.groups()
        return int(hex_digits, 16) if hex_digits else int(decimal)

    out: list[str] = []
    pos = 0
    matches = list(_CHAR_REFERENCE.finditer(text))
    skip = -1
    for i, match in enumerate(matches):
        if i == skip:
            continue
        code = value(match)
        if not 0xD800 <= code <= 0xDFFF:
            continue
        out.append(text[pos : match.start()])
        following = matches[i + 1] if i + 1 < len(matches) else None
        if (
            code <= 0xDBFF
            and following is not None
            and following.start() == match.end()
            and 0xDC00 <= value(following) <= 0xDFFF
        ):
            out.append(chr(0x10000 + ((code - 0xD800) << 10) + (value(following) - 0xDC00)))
            pos = following.end()
            skip = i + 1
        else:
            out.append("\ufffd")
            pos = match.end()
    out.append(text[pos:])
    return "".join(out)


# feedparser maps every C1 control character (U+0080-U+009F) of what it read to the
# windows-1252 character of that byte (U+0085 to "…", U+0080 to "€"). In a UTF-8 feed
# they are control characters, which a title turns into spaces and a post removes
# (render.py), like C0 ones: hidden from feedparser as the 32 noncharacters
# U+FDD0-U+FDEF (kept as they are by every XML parser, never text to interchange) and
# given back in the entry's fields (_field).
_C1_CONTROL = re.compile("[\x80-\x9f]")
_C1_HIDDEN = {code: 0xFDD0 + code - 0x80 for code in range(0x80, 0xA0)}
_C1_SHOWN = {hidden: code for code, hidden in _C1_HIDDEN.items()}


def _show_c1_controls(text: str) -> str:
    return text.translate(_C1_SHOWN)


# ---------------------------------------------------------------------------------------
# Defusing and bounding the XML text


_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
# One token of a DOCTYPE: quoted strings and comments may hold "]" and ">"; an
# unterminated one runs to the end of the text (so scanning stays linear).
_DOCTYPE_TOKEN = re.compile(r""""[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|<!--.*?(?:-->|\Z)|[\[\]>]""", re.S)
_HTML_ROOTS = frozenset({"html", "head", "body"})
_AUTHOR_TAGS = "author|creator|name|email|managingEditor|webMaster|publisher|contributor|owner"
# Author-like and id elements, found in one linear pass. CDATA sections and comments are
# matched (and skipped) whole, so markup quoted inside an item's HTML is never taken for
# an element; an unterminated one runs to the end of the text.
_MARKUP_SCAN = re.compile(
    r"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)"
    rf"|<(?:[A-Za-z_][\w.-]*:)?(?P<tag>{_AUTHOR_TAGS}|guid|id)(?P<attrs>\s[^<>]*)?>",
    re.S | re.I,
)
# A guid's isPermaLink attribute and its value (the start tag's attributes lowercased).
_PERMALINK = re.compile(r"ispermalink\s*=\s*([\"'])(?P<value>.*?)\1")
_ITEM_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_ITEM_END = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


@dataclass
class _Prepared:
    text: str
    root: str
    warnings: list[str]
    truncated: bool = False
    read_items: int = 0  # when truncated: the items left in ``text``
    listed_items: int = 0  # when truncated: the items the document lists
    # The guids the document marks isPermaLink="false" (their text, trimmed): no
    # addresses, by the feed's word, though one may look like a URL (look16e F11).
    # feedparser keeps no trace of the attribute when the item has a <link>.
    not_permalinks: frozenset[str] = frozenset()


def _doctype_end(text: str, start: int) -> int:
    depth = 0
    for token in _DOCTYPE_TOKEN.finditer(text, start + len("<!DOCTYPE")):
        char = token.group(0)
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ">" and depth <= 0:
            return token.end()
    raise ParseError("not well-formed XML: unterminated DOCTYPE")


def _strip_prolog(text: str, warnings: list[str]) -> tuple[str, str | None, str | None]:
    """Remove every DOCTYPE before the root element (keeping its line breaks, so parse
    errors name the right line); return the text, the root element's name and the
    DOCTYPE's name."""
    kept: list[str] = []
    pos = done = 0
    doctype = None
    while (name := doctype_name(text, pos := skip_misc(text, pos))) is not None:
        end = _doctype_end(text, pos)
        doctype = doctype or name
        if "[" in text[pos:end]:
            warnings.append("DOCTYPE with internal subset removed; entities not expanded")
        kept.append(text[done:pos] + "\n" * text.count("\n", pos, end))
        pos = done = end
    root = _ROOT.match(text, pos)
    return "".join(kept) + text[done:], (root.group(1) if root else None), doctype


def _element_text(text: str, start: int) -> tuple[str, int] | None:
    """The text of the element whose start tag ends at ``start``, as escaped XML text
    (CDATA content escaped), and the index of its end tag; None when a child element,
    comment or the end of the text comes first."""
    pos, pieces = start, []
    while True:
        lt = text.find("<", pos)
        if lt < 0:
            return None
        pieces.append(text[pos:lt])
        if not text.startswith("<![CDATA[", lt):
            return ("".join(pieces), lt) if text.startswith("</", lt) else None
        end = text.find("]]>", lt)
        if end < 0:
            return None
        pieces.append(escape(text[lt + 9 : end], quote=False))
        pos = end + 3


def _rewrite_elements(text: str) -> tuple[str, frozenset[str]]:
    """Two fixes made on the text, before feedparser sees it, and the guids it marks
    ``isPermaLink="false"`` (_Prepared.not_permalinks), read on the way.

    Author-like elements longer than MAX_AUTHOR_CHARS are cut (and emptied after the
    first MAX_AUTHOR_ELEMENTS): feedparser's e-mail regex is quadratic in their length.
    Only text and CDATA content is cut; an element with child elements is left alone
    (its children are author-like elements themselves).

    A ``<guid>``/``<id>`` whose value is not a URL gets ``isPermaLink="false"``: otherwise
    feedparser resolves it against the feed's URL ("abc-123" becomes
    "https://site/feed/abc-123"), so the guid would change whenever the feed moves.
    """
    out: list[str] = []
    done = authors = 0
    not_permalinks: set[str] = set()
    for match in _MARKUP_SCAN.finditer(text):
        tag = match.group("tag")
        if tag is None or match.group(0).endswith("/>"):
            continue
        found = _element_text(text, match.end())
        if found is None:
            continue
        value, close = found
        if tag.lower() in ("guid", "id"):
            attrs = (match.group("attrs") or "").lower()
            said = _PERMALINK.search(attrs)
            if said is not None and said["value"].strip() != "true":
                not_permalinks.add(unescape(value).strip())
            if "ispermalink" not in attrs and not SCHEME.match(value.strip()):
                out.append(text[done : match.end() - 1] + ' isPermaLink="false">')
                done = match.end()
            continue
        authors += 1
        limit = MAX_AUTHOR_CHARS if authors <= MAX_AUTHOR_ELEMENTS else 0
        if close - match.end() > limit:
            value = value[:limit]
            amp = value.rfind("&")
            if amp >= 0 and ";" not in value[amp:]:
                value = value[:amp]  # do not leave half an entity reference
            newlines = "\n" * text.count("\n", match.end(), close)  # keep line numbers
            out.append(text[done : match.end()] + value + newlines)
            done = close
    return ("".join(out) + text[done:] if out else text), frozenset(not_permalinks)


# An "&" that starts no entity or character reference, outside CDATA sections and
# comments (where it is only text).
_BARE_AMPERSAND = re.compile(
    r"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)"
    r"|&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#[xX][0-9a-fA-F]+);)",
    re.S,
)


def _escape_bare_ampersands(text: str) -> str:
    """``Q&A`` written unescaped becomes ``Q&amp;A``. It makes the document malformed,
    and feedparser's fallback parser for malformed documents reads it as the unknown
    entity ``&A;`` and writes that out ("Q&A;" in the title and the file name), and
    ``?a=1&b=2`` in a URL as ``?a=1&b;=2``. A well-formed document has no bare "&":
    this changes nothing there."""
    if "&" not in text:
        return text
    return _BARE_AMPERSAND.sub(lambda m: "&amp;" if m.group(0) == "&" else m.group(0), text)


def _last(pattern: re.Pattern[str], text: str, endpos: int) -> re.Match[str] | None:
    last = None
    for last in pattern.finditer(text, 0, endpos):  # noqa: B007 - the loop finds the last
        pass
    return last


def _cap_items(text: str, max_items: int) -> tuple[str, int]:
    """Keep the first and the last half of ``max_items`` items and drop those between
    (an odd one more from the start); the items the document lists, when it lists more."""
    ends = list(_ITEM_END.finditer(text))
    listed = len(ends)
    if listed <= max_items:
        return text, 0
    head, tail = (max_items + 1) // 2, max_items // 2
    # From the end of the last item kept at the start to the end of the last one dropped:
    # only items (and what lies between them) go, and every element stays closed.
    return text[: ends[head - 1].end()] + text[ends[listed - tail - 1].end() :], listed


def _count_elements(text: str) -> int:
    """Start tags (plus comments and PIs) outside CDATA sections: what feedparser pays for."""
    count = pos = 0
    while True:
        start = text.find("<![CDATA[", pos)
        stop = len(text) if start < 0 else start
        count += text.count("<", pos, stop) - text.count("</", pos, stop)
        end = text.find("]]>", start) if start >= 0 else -1
        if end < 0:
            return count
        pos = end + 3


def _prepare(text: str, max_items: int) -> _Prepared:
    """The text feedparser gets: defused, its items cut after READ_ITEMS (or, when that
    many are too complex to parse, after ``max_items``, the most that is kept anyway)."""
    warnings: list[str] = []
    text, root, doctype = _strip_prolog(without_declaration(text), warnings)
    if (doctype or "").lower() == "html" or (root or "").lower() in _HTML_ROOTS:
        raise ParseError("not a feed (looks like HTML)")
    if root is None:
        if text.lstrip().startswith(("{", "[")):
            raise ParseError("not a feed (looks like JSON)")
        raise ParseError("not a feed (not XML: no root element)")
    rewritten, not_permalinks = _rewrite_elements(text)
    text = _escape_bare_ampersands(rewritten)
    capped, listed = _cap_items(text, max(READ_ITEMS, max_items))
    elements = _count_elements(capped)
    if elements > MAX_ELEMENTS and max_items < READ_ITEMS:
        capped, listed = _cap_items(text, max_items)
        elements = _count_elements(capped)
    if elements > MAX_ELEMENTS:
        raise ParseError(f"feed too complex ({elements} XML elements, limit {MAX_ELEMENTS})")
    read = _count_items(capped) if listed else 0
    if listed:
        warnings.append(_cut_warning(read, listed))
    return _Prepared(
        _XML_DECLARATION + capped, root, warnings, bool(listed), read, listed, not_permalinks
    )


def _cut_warning(read: int, listed: int) -> str:
    """The warning for a document of ``listed`` items cut to ``read`` (feeds.cap_items
    adds what max_items kept of those)."""
    return (
        f"feed lists {listed} items, more than can be read; only its first "
        f"{(read + 1) // 2} and last {read // 2} were read"
    )


def _count_items(text: str) -> int:
    return sum(1 for _ in _ITEM_END.finditer(text))


def _last_item_unclosed(text: str) -> bool:
    start = _last(_ITEM_START, text, len(text))
    return start is not None and not _ITEM_END.search(text, start.end())
