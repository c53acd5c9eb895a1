"""The one HTML policy (nh3) and the Liquid guard, used by every path that emits HTML.

The allowlist is wide enough that the existing archive's bodies (the seeds) come out
byte for byte: ``span``/``div`` with ``class``, ``id``, ``style`` and ``data-*``
attributes, ``img`` with ``referrerpolicy``, and comments (the seeds carry
``<!-- zoomattribute -->``). Everything active is removed: scripts, styles, frames,
plugins, SVG/MathML, forms' controls, event handlers, and every URL whose scheme is not
http(s)/mailto -- ``data:`` included, images too, because a ``data:`` URL can carry
SVG with script and an archive has no need for inline blobs.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Final

import lxml.etree
import lxml.html
import nh3

# Re-exported: render, identity and the tests import them from here, their home before
# core/controls.py.
from rssarchive.core.controls import CONTROL_CHARS as CONTROL_CHARS
from rssarchive.core.controls import NOT_TEXT as NOT_TEXT
from rssarchive.core.controls import SURROGATE, url_trim, without_lone_surrogates
from rssarchive.core.htmltags import RAW_TEXT, tags
from rssarchive.core.urls import HTTP_SCHEMES, SCHEME, parse_srcset

# Tags kept (their attributes are filtered below). nh3's defaults plus the generic
# containers and responsive-image elements that news bodies use.
_ALLOWED_TAGS: Final = frozenset(nh3.ALLOWED_TAGS) | {
    "div",
    "span",
    "section",
    "main",
    "picture",
    "source",
    "figure",
    "figcaption",
}

# Removed together with their content: executable, embedded or interactive things whose
# text would only be noise (a <noscript> body would come out as escaped markup, because
# the sanitizer parses it as raw text).
_REMOVED_WITH_CONTENT: Final = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "select",
        "textarea",
        "button",
        "title",
    }
)

_GLOBAL_ATTRIBUTES: Final = frozenset({"class", "id", "style", "title", "lang", "dir"})
_EXTRA_ATTRIBUTES: Final[dict[str, frozenset[str]]] = {
    "a": frozenset({"title"}),
    "img": frozenset({"srcset", "sizes", "loading"}),
    "source": frozenset({"srcset", "sizes", "type", "media"}),
}

_URL_SCHEMES: Final = HTTP_SCHEMES | {"mailto"}
# Attributes whose value is one URL; nh3 checks their scheme, and the filter below checks
# again after its own normalisation (nh3 runs the filter after its URL check).
_URL_ATTRIBUTES: Final = frozenset({"href", "src", "cite", "poster", "longdesc", "background"})

# Style values that can fetch or run something (old IE expressions, XBL bindings) or hide
# such a thing behind CSS escapes or comments. Such a style attribute is dropped whole.
_UNSAFE_STYLE: Final = re.compile(
    r"url\s*\(|expression\s*\(|javascript:|vbscript:|@import|(?<![\w-])behavior\s*:"
    r"|-moz-binding|/\*|\\",
    re.IGNORECASE,
)

# A character reference to one of them (``&#1;``, ``&#xFFFE;``), which a parser would
# turn into the character itself. C1 references (``&#150;``) are left alone: HTML reads
# them as windows-1252's (an en dash), and so do libxml2 and browsers.
_NOT_TEXT_REFERENCE: Final = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));?")


def _not_text_replacement(char: str) -> str:
    # Vertical tab and form feed separated two words; a lone surrogate was a character
    # (U+FFFD, as render and every HTML parser have it); the others mean nothing.
    if SURROGATE.match(char):
        return "\ufffd"
    return " " if char in "\x0b\x0c" else ""


def _reference_replacement(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if code > 0x10FFFF or 0x80 <= code <= 0x9F or not NOT_TEXT.fullmatch(chr(code)):
        return match.group()
    return _not_text_replacement(chr(code))


def clean_text(text: str) -> str:
    """``text`` (HTML or plain) without what NOT_TEXT matches, written raw or as a
    character reference: the one step a feed item's or a page's text takes before it
    is parsed. A lone surrogate becomes U+FFFD; vertical tab and form feed a space.
    Tab, LF and CR stay; so does everything else."""
    if "&#" in text:
        text = _NOT_TEXT_REFERENCE.sub(_reference_replacement, text)
    text = without_lone_surrogates(text)
    return NOT_TEXT.sub(lambda m: _not_text_replacement(m.group()), text)


# nh3 (html5ever) is quadratic in nesting depth: 100,000 nested <div>s take ~30 s, 10,000
# take 0.25 s. Real articles nest a few dozen deep; past this limit the fragment is first
# re-parsed by libxml2, which caps depth at 256 and drops what lies deeper.
MAX_NESTING_DEPTH: Final = 256
# How deep flatten_deep keeps elements: under libxml2's 256, with room for the html,
# body and wrapping div a parser adds around a fragment.
FLAT_DEPTH: Final = 200
# The elements whose content libxml2 (2.14) reads as text: the nesting counted is what it
# builds. It parses the content of <noscript> and <template> as markup, where a browser
# (and htmltags' default) skips <noscript>: 300 <div>s in there stopped its parse.
_LIBXML2_RAW_TEXT: Final = RAW_TEXT - {"noscript", "template"}
VOID_TAGS: Final = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)


def strip_control_chars(text: str) -> str:
    """Remove U+0000-U+001F and U+007F-U+009F (newlines and tabs too)."""
    return CONTROL_CHARS.sub("", text)


def is_safe_url(value: str) -> bool:
    """True for a relative URL or one whose scheme is http, https or mailto.

    Normalises as browsers do before reading the scheme: surrounding spaces/C0 controls
    stripped, tabs and newlines removed anywhere (``java&#x09;script:``). A URL that
    still holds any control character is refused: removing it later would turn
    ``java\\x01script:`` into ``javascript:``.
    """
    url = url_trim(value)
    if CONTROL_CHARS.search(url):
        return False
    match = SCHEME.match(url)
    return match is None or match.group(1).lower() in _URL_SCHEMES


def _srcset_is_safe(value: str) -> bool:
    # Every candidate's URL, read as browsers read them (a URL may hold commas).
    return all(is_safe_url(candidate.url) for candidate in parse_srcset(value))


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """nh3 attribute hook: return the value to keep it, None to drop the attribute."""
    if name in _URL_ATTRIBUTES:
        return value if is_safe_url(value) else None
    if name == "srcset":
        return value if _srcset_is_safe(value) else None
    if name == "style":
        return None if _UNSAFE_STYLE.search(value) else value
    return value


def _build_cleaner() -> nh3.Cleaner:
    attributes: dict[str, set[str]] = {
        tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()
    }
    for tag, names in _EXTRA_ATTRIBUTES.items():
        attributes.setdefault(tag, set()).update(names)
    attributes["*"] = set(_GLOBAL_ATTRIBUTES)
    return nh3.Cleaner(
        tags=set(_ALLOWED_TAGS),
        clean_content_tags=set(_REMOVED_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=_filter_attribute,
        generic_attribute_prefixes={"data-"},
        strip_comments=False,
        link_rel=None,
        url_schemes=set(_URL_SCHEMES),
        # referrerpolicy may only say no-referrer; nh3 appends it, as the last attribute,
        # to every <img> that lacks it -- exactly what the archive's bodies show.
        tag_attribute_values={"img": {"referrerpolicy": {"no-referrer"}}},
        set_tag_attribute_values={"img": {"referrerpolicy": "no-referrer"}},
    )


_CLEANER: Final = _build_cleaner()


def _nesting_depth(html: str) -> int:
    """An upper bound of the element nesting depth (implied end tags are not seen)."""
    depth = deepest = 0
    for tag in tags(html, _LIBXML2_RAW_TEXT):
        if tag.closing:
            depth = max(0, depth - 1)
        elif not tag.self_closing and tag.name not in VOID_TAGS:
            depth += 1
            if depth > deepest:  # not max(): this runs for every tag of a long text
                deepest = depth
    return deepest


def _flatten_deep(html: str) -> str:
    """Re-serialise through libxml2, whose parser stops at depth 256 (see MAX_NESTING_DEPTH)."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    parts = [html_lib.escape(root.text, quote=False)] if root.text else []
    parts.extend(
        lxml.etree.tostring(child, encoding="unicode", method="html", with_tail=True)
        for child in root
    )
    return "".join(parts)


# Elements whose end tag HTML lets a writer leave out: the next of their group ends them
# (a <p> ends an open <p>), so that they do not count as nesting (300 unclosed <p>s are
# not 300 levels deep).
_IMPLIED_END: Final = {
    "p": "p",
    "li": "li",
    "dt": "d",
    "dd": "d",
    "td": "t",
    "th": "t",
    "tr": "tr",
    "option": "option",
}
# Start tags that end an open <p> (HTML's parsing rules): a paragraph left open before a
# list or a heading is not a level of nesting either.
_CLOSES_P: Final = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "dd",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    ]
)
# How far up the open elements an end tag looks for its start tag: a stray end tag costs
# this much at most, so flattening stays linear.
_END_TAG_REACH: Final = 32


def flatten_deep(html: str, limit: int = FLAT_DEPTH) -> str:
    """``html`` with the tags of the elements nested deeper than ``limit`` removed, their
    text and void elements kept; unchanged when nothing is that deep. libxml2 drops
    whatever lies deeper than 256 elements (an item nested 260 deep had "no content"),
    and html5ever is quadratic in depth; text pasted from a word processor can nest that
    deep. One pass over the tags (htmltags.tags: a quoted ">" or "/>" ends no tag,
    comments and raw text hold none), linear in the text's length."""
    if html.count("<") <= limit or _nesting_depth(html) <= limit:
        return html  # each level takes a "<": most texts cannot be deep at all
    return _drop_deep_tags(html, limit)


def _drop_deep_tags(html: str, limit: int) -> str:
    """flatten_deep's pass, for a text known to nest deeper than ``limit``."""
    out: list[str] = []
    open_tags: list[tuple[str, bool]] = []  # (name, its tags kept)
    position = 0
    dropped = False
    for tag in tags(html, _LIBXML2_RAW_TEXT):
        name = tag.name
        out.append(html[position : tag.start])
        position = tag.end
        keep = True
        if tag.closing:
            reach = open_tags[-_END_TAG_REACH:]
            names = [open_name for open_name, _ in reach]
            if name in names:
                index = len(open_tags) - len(reach) + len(names) - 1 - names[::-1].index(name)
                keep = open_tags[index][1]
                del open_tags[index:]
            else:
                keep = len(open_tags) < limit
        elif not tag.self_closing and name not in VOID_TAGS:
            if name in _CLOSES_P and open_tags and open_tags[-1][0] == "p":
                open_tags.pop()
            group = _IMPLIED_END.get(name)
            if group is not None and open_tags and _IMPLIED_END.get(open_tags[-1][0]) == group:
                open_tags.pop()
            keep = len(open_tags) < limit
            open_tags.append((name, keep))
        if keep:
            out.append(html[tag.start : tag.end])
        else:
            dropped = True
    if not dropped:
        return html
    out.append(html[position:])
    return "".join(out)


def sanitize_html(html: str) -> str:
    """Apply the archive's HTML policy to a fragment; the seeds' bodies are unchanged."""
    # Each level of nesting takes a "<": most bodies have too few to be deep at all.
    if html.count("<") > MAX_NESTING_DEPTH and _nesting_depth(html) > MAX_NESTING_DEPTH:
        html = _drop_deep_tags(html, FLAT_DEPTH)  # flatten_deep, its depth known
        if _nesting_depth(html) > MAX_NESTING_DEPTH:  # left by tags flatten_deep misread
            html = _flatten_deep(html)
    return _CLEANER.clean(html)


def guard_liquid(text: str) -> str:
    """Write every brace as a character reference so that Jekyll's Liquid sees no tag.

    Encoding each ``{`` and ``}`` (not just ``{{``/``{%``) leaves no way to rebuild a tag
    from pieces, and also disarms kramdown's ``{: ...}`` attribute lists. Browsers and
    kramdown show ``&#123;`` as ``{``. Run it after sanitize_html, which would decode the
    references again.
    """
    return text.replace("{", "&#123;").replace("}", "&#125;")
