"""HTML text -> lxml trees, and trees -> HTML text: the extractor's one parse and its
serialiser, the text of an element, and the links made absolute in a tree.

Pure: a page's text (decoded by encodings.decode_page) or a feed item's HTML in, trees
and strings out; ``ExtractError`` when a page is not HTML.
"""

from __future__ import annotations

import html as html_lib
from typing import Any, Final

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from rssarchive.core.errors import ExtractError
from rssarchive.core.htmltext import element_text
from rssarchive.core.sanitize import VOID_TAGS, clean_text, flatten_deep
from rssarchive.core.urls import LAZY_SRC, LINK_ATTRIBUTES, SRCSET_ATTRIBUTE, resolve_attribute

# Never part of a body: dropped whole while serialising (a <noscript> usually repeats a
# lazy-loaded image, which _fix_links already makes visible).
_SKIPPED_TAGS: Final = frozenset({"script", "style", "noscript", "template"})


# --- decoding and parsing ---------------------------------------------------------------


# Every element of our trees is a plain HtmlElement: lxml.html's own lookup calls a
# Python function for each element Python touches, to give form elements classes of
# their own that nothing here uses. That call was ~5% of a page's extraction time.
_PLAIN_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _utf8_parser() -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(encoding="utf-8")
    parser.set_element_class_lookup(_PLAIN_CLASSES)
    return parser


def _too_deep(parser: lxml.etree._FeedParser[Any]) -> bool:
    # libxml2's "Excessive depth in document: 256": it dropped what lay deeper.
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def _parse(text: str) -> HtmlElement:
    # The one place a page's text becomes a tree: its control characters go here
    # (sanitize.clean_text: libxml2 stopped at a stray BEL, and a U+FFFE or a &#1; lost
    # the whole article).
    text = clean_text(text)
    # Re-encoded with the parser told so: libxml2 then ignores the page's own
    # <meta charset>, which was read (or overruled) above.
    try:
        parser = _utf8_parser()
        doc = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
        if _too_deep(parser):  # parsed again, flattened (rare: asked of libxml2, not read)
            flat = flatten_deep(text).encode("utf-8", "replace")
            doc = lxml.html.document_fromstring(flat, parser=_utf8_parser())
        return doc
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"not an HTML page: {exc}") from exc


def _fragment(html: str) -> tuple[str, HtmlElement]:
    """A feed item's text, cleaned as a page's (see _parse), and its parse."""
    html = clean_text(html)
    parser = lxml.html.HTMLParser()
    fragment = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    if _too_deep(parser):
        html = flatten_deep(html)
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    return html, fragment


# --- serialising ------------------------------------------------------------------------


def _attribute(name: str, value: str) -> str:
    return f' {name}="{html_lib.escape(value, quote=True)}"'


def _outer_html(el: lxml.etree._Element, out: list[str]) -> None:
    """Serialise ``el`` and its tail without libxml2, which %-escapes non-ASCII URLs."""
    if el.tag is lxml.etree.Comment:
        out.append(f"<!--{el.text or ''}-->")
    elif isinstance(el.tag, str) and el.tag.lower() not in _SKIPPED_TAGS:
        tag = el.tag.lower()
        out.append(f"<{tag}{''.join(_attribute(k, v) for k, v in el.attrib.items())}>")
        # libxml2 nests what follows an <embed> or <source> inside it; written after the
        # void tag, it reads back as the browser would have read the page.
        _inner_html(el, out)
        if tag not in VOID_TAGS:
            out.append(f"</{tag}>")
    if el.tail:
        out.append(html_lib.escape(el.tail, quote=False))


def _inner_html(el: lxml.etree._Element, out: list[str]) -> None:
    if el.text:
        out.append(html_lib.escape(el.text, quote=False))
    for child in el:
        _outer_html(child, out)


def inner_html(el: HtmlElement) -> str:
    out: list[str] = []
    _inner_html(el, out)
    return "".join(out)


def outer_html(el: HtmlElement) -> str:
    out: list[str] = []
    tail, el.tail = el.tail, None
    _outer_html(el, out)
    el.tail = tail
    return "".join(out)


# --- URLs -------------------------------------------------------------------------------


def _fix_links(root: HtmlElement, base: str) -> None:
    """Relative URLs made absolute (the archive lives elsewhere) by urls.resolve_attribute,
    the rules feed text is resolved by too; lazy images given src.

    Absolute URLs are left exactly as written, so rule bodies keep their bytes.
    """
    for el in root.iter():
        if not isinstance(el, HtmlElement):
            continue
        src = el.get("src")
        if el.tag == "img" and (not src or src.strip().startswith("data:")):
            lazy = next((el.get(name) for name in LAZY_SRC if el.get(name)), None)
            if lazy:
                el.set("src", lazy)
        for name, value in el.items():  # a list: setting below changes no iterator
            if name in LINK_ATTRIBUTES or name == SRCSET_ATTRIBUTE:
                resolved = resolve_attribute(name, value, base)
                if resolved != value:
                    el.set(name, resolved)


# --- text -------------------------------------------------------------------------------


def _has_content(html: str) -> bool:
    if not html.strip():
        return False
    return _fragment_has_content(lxml.html.fragment_fromstring(html, create_parent="div"))


def _fragment_has_content(fragment: HtmlElement) -> bool:
    return bool(element_text(fragment)) or next(fragment.iter("img"), None) is not None


def _drop_layout_whitespace(root: HtmlElement) -> None:
    """Remove whitespace-only runs that hold a newline: source indentation, not content.

    Not for site rules, whose bodies keep the page's spaces as the archive always did.
    """
    for el in root.iter():
        if el.text and not el.text.strip() and "\n" in el.text and el.tag != "pre":
            el.text = None
        if el.tail and not el.tail.strip() and "\n" in el.tail:
            el.tail = None
