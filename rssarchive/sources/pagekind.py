"""Is a response an HTML page? (pure: bytes and a Content-Type in, an answer out).

Only HTML pages become posts. A response is judged by its first bytes before its
Content-Type, since servers mislabel: a PNG sent as ``text/html`` is still a PNG, and
an article sent as ``application/octet-stream`` is still an article.

1. Magic numbers: images (PNG, JPEG, GIF, WebP …), PDF, archives, audio and video.
2. Markup: the first element after the XML prolog, comments and doctype. ``<rss>``,
   ``<feed>`` or ``<rdf:RDF>`` is a feed. A document that declares itself XML
   (``<?xml …?>``) is a page only if its root is ``<html>``: a sitemap, an SVG drawing
   or any other XML sent as ``text/html`` is still not a page (nor is a bare
   ``<urlset>``, ``<sitemapindex>`` or ``<svg>``). Otherwise ``<html>`` (or
   an HTML doctype, or a tag such as ``<head>``, ``<body>``, ``<div>``) is a page.
3. Binary data: as in the WHATWG MIME Sniffing standard, markup is recognised first (a
   page with a stray NUL in a paragraph is still a page); what does not start like
   markup is binary when more than 1 in 100 of its first bytes are "binary data bytes"
   (C0 controls but tab, LF, FF, CR and ESC), so that one stray byte in a text does not
   make it binary but an image or an archive without a known magic number does.
4. The Content-Type: HTML and XHTML, or none at all, are pages; a type known not to be
   one (images, PDF, JSON, CSS, JavaScript …) is refused with its name; anything else
   (``text/plain``, ``application/octet-stream``) is a page only if its bytes start
   like one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from rssarchive.core.encodings import sniff_bom
from rssarchive.core.inflate import GZIP_MAGIC

# How much of the response is looked at: the prolog of a page, comments, scripts and
# all, fits easily; a page whose first tag comes later still passes (rule 4).
SNIFF_BYTES: Final = 4096

_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (GZIP_MAGIC, "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!", "application/vnd.rar"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"\x1aE\xdf\xa3", "video/webm"),
    (b"wOFF", "font/woff"),
    (b"wOF2", "font/woff2"),
    (b"%!PS", "application/postscript"),
)
# RIFF containers and ISO media files say what they hold at a fixed offset.
_RIFF: Final = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
_FTYP: Final = {b"heic": "image/heic", b"qt  ": "video/quicktime"}
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis"})

# WHATWG MIME Sniffing's "binary data bytes".
_BINARY_BYTES: Final = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
# More binary data bytes than this share of the sniffed bytes: binary (see rule 3).
BINARY_SHARE: Final = 0.01
_XML_DECLARATION: Final = re.compile(rb"\s*<\?xml[\s?]")
# What some XML roots are better called than "XML (root)".
# Roots that are XML even without a declaration (a sitemap sent bare as text/html).
_XML_ROOTS: Final = frozenset({b"urlset", b"sitemapindex", b"svg", b"svg:svg"})
SVG_TYPE: Final = "image/svg+xml"
_XML_KINDS: Final = {b"svg": SVG_TYPE, b"svg:svg": SVG_TYPE}
# What may come before the first element: whitespace, an XML declaration, processing
# instructions, comments and a doctype.
_PROLOG: Final = re.compile(
    rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*", re.IGNORECASE | re.DOTALL
)
_HTML_DOCTYPE: Final = re.compile(rb"<!doctype\s+html", re.IGNORECASE)
_FIRST_TAG: Final = re.compile(rb"<([a-zA-Z][a-zA-Z0-9:_.-]*)")
_FEED_ROOTS: Final = {b"rss": "an RSS feed", b"feed": "an Atom feed", b"rdf:rdf": "an RSS feed"}
# Tags a page (even a fragment of one) starts with.
_HTML_TAGS: Final = frozenset(
    b"html head body meta title link script style div p article main section header "
    b"nav table span a h1 h2 h3 br img ul form noscript base".split()
)
_HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml", "application/xml+html"})
_NOT_PAGE_TYPES: Final = re.compile(
    r"^(image|audio|video|font|model)/"
    r"|^application/(pdf|zip|gzip|x-gzip|json|.*\+json|javascript|ecmascript|x-tar"
    r"|msword|vnd\.|x-shockwave-flash|wasm|x-7z-compressed|postscript)"
    r"|^text/(css|javascript|csv|calendar|vcard)"
    r"|^application/(rss|atom|rdf)\+xml"
)


@dataclass(frozen=True)
class NotHtml:
    """What a response is instead of an HTML page."""

    what: str  # "image/png", "an RSS feed", "binary data" … for "not an HTML page: <what>"
    feed: bool = False  # an RSS or Atom feed: its items can be archived instead


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def magic_type(head: bytes) -> str | None:
    """The media type the first bytes of a file say it is (its magic number), else None.
    The one magic-byte table of the package: pages are judged by it here, and the image
    localizer keeps only the raster types of it (images.sniff_image)."""
    if head[4:8] == b"ftyp":
        # ISO-BMFF, first: its box size may start like an icon (256 is 00 00 01 00).
        # Major brand at 8, compatible brands from 16 to the end of the box; an AVIF
        # image often names itself only among the compatible ones (mif1 first).
        size = int.from_bytes(head[:4], "big")
        brands = {head[i : i + 4] for i in range(16, min(size, 64, len(head)) - 3, 4)}
        if {head[8:12], *brands} & _AVIF_BRANDS:
            return "image/avif"
        return _FTYP.get(head[8:12], "video/mp4")
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    return None


def _text_head(head: bytes) -> bytes:
    """The start of the response as ASCII-compatible bytes, without its byte-order mark (a
    UTF-16/32 one re-encoded; UTF-32 too: a feed may be written in it)."""
    found = sniff_bom(head, utf32=True)
    if found is None:
        return head
    codec, length = found
    if codec == "utf-8":
        return head[length:]
    return head[length:].decode(codec, "ignore").encode("utf-8", "ignore")


def _is_binary(text: bytes) -> bool:
    return len(_BINARY_BYTES.findall(text)) > len(text) * BINARY_SHARE


def _root(text: bytes) -> tuple[bytes | None, bool]:
    """The first element's name (lower case) and whether an HTML doctype came first."""
    prolog = _PROLOG.match(text)
    end = prolog.end() if prolog else 0
    doctype = _HTML_DOCTYPE.search(text, 0, end) is not None
    tag = _FIRST_TAG.match(text, end)
    return (tag.group(1).lower() if tag else None), doctype


def is_svg(content: bytes) -> bool:
    """Whether ``content`` is an SVG drawing: its root element (after a BOM, the XML
    declaration, comments and a doctype) is ``<svg>``. The one SVG sniffing: pages are
    refused for it here, and the image localizer refuses it (it can carry script)."""
    root, _ = _root(_text_head(content[:SNIFF_BYTES]))
    return _XML_KINDS.get(root or b"") == SVG_TYPE


def not_html(content: bytes, content_type: str | None = None) -> NotHtml | None:
    """None when ``content`` (sent with ``content_type``) may be an HTML page; else what
    it is (see the module's doc for the rules)."""
    head = content[:SNIFF_BYTES]
    magic = magic_type(head)
    if magic is not None:
        return NotHtml(magic)
    text = _text_head(head)
    root, html_doctype = _root(text)
    if root in _FEED_ROOTS:
        return NotHtml(_FEED_ROOTS[root], feed=True)
    if root is not None and (
        root in _XML_ROOTS
        or (root != b"html" and not html_doctype and _XML_DECLARATION.match(text))
    ):
        # Whatever its Content-Type says: XML whose root is not <html> is no page.
        return NotHtml(_XML_KINDS.get(root) or f"XML ({root.decode('ascii', 'replace')})")
    if html_doctype or root in _HTML_TAGS:
        return None
    if _is_binary(text):
        return NotHtml("binary data")
    media = _media_type(content_type)
    if not media or media in _HTML_TYPES:
        return None
    if _NOT_PAGE_TYPES.search(media):
        return NotHtml(media)
    # text/plain, application/octet-stream …: only what starts like a page is one.
    return None if root is not None else NotHtml(media)
