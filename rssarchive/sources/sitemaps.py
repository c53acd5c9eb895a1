"""Where to find articles older than a feed: sitemaps and RFC 5005 archived feeds.

Pure: no network, no disk, no clock. The walkers take the fetching as a function, so the
caller decides how (the HTTP module, with its address checks and size caps) and tests
need no server.

* ``parse_sitemap`` reads one sitemap document (sitemaps.org): a ``<urlset>`` of article
  URLs, a ``<sitemapindex>`` of child sitemaps, either of them gzip-compressed; also
  what the protocol allows besides XML (a plain list of URLs, an RSS or Atom feed).
* the walks that follow an index down to article URLs, or a feed's ``prev-archive``
  links back in time, are in ``rssarchive.sources.walks``.

A sitemap is hostile input as much as a feed is, and an index makes us fetch what it
names. So: the bytes are decoded by the feed module's rules and handed to lxml as UTF-8
text we have inspected ourselves; a document declaring any entity is refused (no
billion laughs, no ``SYSTEM "file:///…"``), lxml loads no DTD and touches no network;
size and entry counts are capped (sitemap and page counts by the walks); only absolute
http(s) URLs come out.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from rssarchive.core.caps import MAX_SITEMAP_BYTES
from rssarchive.core.controls import C0_AND_DEL
from rssarchive.core.dates import parse_w3c_datetime, to_utc
from rssarchive.core.encodings import decode_feed
from rssarchive.core.errors import ParseError
from rssarchive.core.inflate import GZIP_MAGIC, decoded
from rssarchive.core.urls import SCHEME, is_safe_link
from rssarchive.sources.feeds import parse_feed
from rssarchive.sources.xmlprolog import doctype_name, skip_misc, without_declaration

__all__ = [
    "MAX_SITEMAP_BYTES",
    "MAX_SITEMAP_ENTRIES",
    "Sitemap",
    "SitemapEntry",
    "in_range",
    "parse_sitemap",
    "parse_w3c_datetime",
]

log = logging.getLogger(__name__)

# The protocol's own limit for one sitemap file: 50,000 URLs (its 50 MB are
# core/caps.MAX_SITEMAP_BYTES, also the download's cap). Search engines reject bigger
# files, so publishers stay under them; anything bigger is broken or hostile.
MAX_SITEMAP_ENTRIES = 50_000
# A sitemap with thousands of bad entries gets one warning naming the first few.
MAX_REPORTED_REFUSALS = 5
# lxml is fed this much at a time, so that an HTML page or a feed is recognised from its
# first bytes and the parse stops there instead of reading all 50 MB.
_PARSE_CHUNK = 1024 * 1024
_SHOWN_CHARS = 100  # of a refused <loc>, in a warning


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` of a urlset, or one ``<sitemap>`` of an index."""

    url: str  # absolute http(s), as written (whitespace around it removed)
    # <lastmod>, timezone-aware UTC; for a Google News entry without one, its
    # <news:publication_date>. None when absent or unparseable.
    lastmod: datetime | None
    # <news:publication_date>, UTC: when the article came out, as opposed to when it was
    # last edited. Only Google News sitemaps have it.
    published: datetime | None = None
    # Its lastmod is one many URLs of its sitemap share (decide.shared_lastmods): a
    # build time, which dates no post (look16f s18). Set by walk_sitemaps.
    shared: bool = False

    @property
    def dating(self) -> datetime | None:
        """The date that dates the post when its page gives none: its publication, else
        its lastmod (a last resort, said) unless that is a build time (``shared``)."""
        if self.published is not None:
            return self.published
        return None if self.shared else self.lastmod

    @property
    def date(self) -> datetime | None:
        """The date that places the article in a range: publication when known (an old
        article edited last week is still an old article), else the last modification."""
        return self.published if self.published is not None else self.lastmod


@dataclass(frozen=True)
class Sitemap:
    """What one sitemap document lists. A urlset fills ``urls``, an index ``sitemaps``."""

    urls: tuple[SitemapEntry, ...]
    sitemaps: tuple[SitemapEntry, ...]
    # Problems that did not stop the parse: refused entries, the entry cap, malformed
    # XML of which the complete entries were kept, unparseable dates.
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------
# Dates


def after_until(entry: SitemapEntry, until: datetime | None) -> bool:
    """Whether ``in_range`` leaves the entry out by a ``<lastmod>`` after ``until``
    alone (no news:publication_date): an article edited after the range may have been
    published in it; walk_sitemaps counts them, said (look16f s59)."""
    lastmod = entry.lastmod
    return (
        until is not None
        and entry.published is None
        and lastmod is not None
        and lastmod > to_utc(until)
    )


def in_range(entry: SitemapEntry, since: datetime | None, until: datetime | None) -> bool:
    """True when the entry's date (``entry.date``) lies within ``[since, until]``, both
    ends inclusive, either one None for no bound. Naive bounds are taken as UTC.

    An entry without a date is included: the protocol makes dates optional, and leaving
    out an article we cannot date would lose it silently, while including one already
    archived costs a skip.
    """
    when = entry.date
    if when is None:
        return True
    if since is not None and when < to_utc(since):
        return False
    return until is None or when <= to_utc(until)


# ---------------------------------------------------------------------------------------
# Bytes to text we have looked at


def _gunzip(data: bytes, warnings: list[str]) -> bytes:
    """Inflate a .gz sitemap, at most MAX_SITEMAP_BYTES of output, by the one bounded
    decoder (core/inflate.py): concatenated members are one file, a truncated stream
    keeps what it gave, with a warning (the XML parse then keeps the complete entries)."""

    def truncated() -> None:
        warnings.append("gzip data truncated; kept what it held")

    out = bytearray()
    try:
        for piece in decoded(iter([data]), "gzip", on_truncated=truncated):
            out += piece
            # A piece over the cap tells "too large" from "exactly at the cap".
            if len(out) > MAX_SITEMAP_BYTES:
                raise ParseError(
                    f"sitemap too large after gunzip (over {MAX_SITEMAP_BYTES} bytes, "
                    "the protocol's limit)"
                )
    except zlib.error as exc:
        raise ParseError(f"corrupt gzip data ({exc})") from exc
    if not out:
        raise ParseError("empty sitemap (gzip data holds nothing)")
    return bytes(out)


_HTML_START = re.compile(r"<(?:html|head|body)[\s/>]", re.I)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.I)
_LINE_COLUMN = re.compile(r",? line \d+, column \d+\s*\Z")


def _prolog(text: str) -> tuple[int, str | None]:
    """Where the DOCTYPE or the root element starts, and the DOCTYPE's name if any."""
    pos = skip_misc(text, 0)
    return pos, doctype_name(text, pos)


def _shown(loc: str) -> str:
    return repr(loc if len(loc) <= _SHOWN_CHARS else loc[:_SHOWN_CHARS] + "…")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _refusal(loc: str) -> str | None:
    """Why ``loc`` is not an article URL we may fetch, or None when it is one."""
    if not loc:
        return "empty <loc>"
    if is_safe_link(loc):
        return None
    if C0_AND_DEL.search(loc):
        # "java\tscript:" must not read as relative, nor a newline end a front-matter line.
        return "control characters in URL"
    if not SCHEME.match(loc):
        # The protocol requires absolute URLs; guessing a base would fetch the wrong page.
        return "relative URL"
    return "not an http(s) URL"


class _Collector:
    """Entries and warnings of one document, with the entry cap and refusals counted."""

    def __init__(self) -> None:
        self.entries: list[SitemapEntry] = []
        self.warnings: list[str] = []
        self.refused: list[str] = []
        self.refused_count = 0
        self.bad_dates = 0
        self.seen = 0  # entries read, refused ones included: what the cap counts

    @property
    def full(self) -> bool:
        return self.seen >= MAX_SITEMAP_ENTRIES

    def add(self, loc: str, lastmod: str | None, published: str | None = None) -> None:
        self.seen += 1
        loc = loc.strip()
        reason = _refusal(loc)
        if reason is not None:
            self.refused_count += 1
            if len(self.refused) < MAX_REPORTED_REFUSALS:
                self.refused.append(f"{_shown(loc)}: {reason}")
            return
        dates: list[datetime | None] = []
        for text in (lastmod, published):
            when = parse_w3c_datetime(text) if text and text.strip() else None
            if text and text.strip() and when is None:
                self.bad_dates += 1
            dates.append(when)
        modified, issued = dates
        self.entries.append(SitemapEntry(loc, modified if modified is not None else issued, issued))

    def finish(self) -> list[str]:
        if self.refused_count:
            more = self.refused_count - len(self.refused)
            self.warnings.append(
                f"{_count(self.refused_count, 'entry', 'entries')} refused: "
                f"{'; '.join(self.refused)}" + (f"; and {more} more" if more else "")
            )
        if self.bad_dates:
            self.warnings.append(
                f"{_count(self.bad_dates, 'unparseable date', 'unparseable dates')}; "
                "such entries count as undated"
            )
        return self.warnings


# ---------------------------------------------------------------------------------------
# XML sitemaps


def _local(tag: Any) -> str:
    # Comments and processing instructions have a function as their tag.
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: Any, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else "".join(child.itertext())


def _news_date(element: Any) -> str | None:
    """<news:news><news:publication_date> of a Google News entry, whatever prefix or
    namespace version the publisher used."""
    for child in element:
        if _local(child.tag) == "news":
            for grandchild in child:
                if _local(grandchild.tag) == "publication_date":
                    return "".join(grandchild.itertext())
    return None


class _NotXmlSitemap(Exception):
    """The root element says this is a feed: parse it as one."""


def _parse_xml(text: str, collector: _Collector) -> str:
    """Read the entries of a urlset or sitemapindex; return the root's local name.

    Entries are read as each one ends and then dropped from the tree, so memory stays
    small however long the file. Only direct children of the root count, and only their
    direct ``<loc>``: ``<image:loc>`` inside ``<image:image>`` is not an article.
    """
    parser = etree.XMLPullParser(
        events=("start", "end"),
        # The text has been checked to declare no entity, so "internal" resolves only
        # the five predefined ones and character references. (False would change nothing
        # here but garbles lxml's message for an undefined entity such as &nbsp;.)
        resolve_entities="internal",
        load_dtd=False,
        no_network=True,
        huge_tree=False,  # libxml2's own limits on depth and text node size stay on
        remove_comments=True,
        remove_pis=True,
    )
    data = text.encode("utf-8")
    root: Any = None
    entry_tag = loc_tag = lastmod_tag = ""
    depth = 0
    try:
        for start in range(0, len(data), _PARSE_CHUNK):
            parser.feed(data[start : start + _PARSE_CHUNK])
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth == 1:
                        root = element
                        name = _local(element.tag)
                        if name == "html":
                            raise ParseError("not a sitemap (looks like an HTML page)")
                        if name in ("rss", "feed", "RDF"):
                            raise _NotXmlSitemap
                        if name not in ("urlset", "sitemapindex"):
                            raise ParseError(f"not a sitemap (root element <{name[:60]}>)")
                        # Children are in the root's namespace, whichever version of
                        # the protocol's (or none) the publisher declared.
                        ns = etree.QName(element.tag).namespace
                        prefix = f"{{{ns}}}" if ns else ""
                        entry_tag = prefix + ("url" if name == "urlset" else "sitemap")
                        loc_tag, lastmod_tag = prefix + "loc", prefix + "lastmod"
                    elif depth == 2 and element.tag == entry_tag and collector.full:
                        collector.warnings.append(
                            f"more than {MAX_SITEMAP_ENTRIES} entries (the protocol's "
                            "limit); the rest ignored"
                        )
                        return _local(root.tag)
                    continue
                depth -= 1
                if depth == 1:
                    if element.tag == entry_tag:
                        collector.add(
                            _child_text(element, loc_tag) or "",
                            _child_text(element, lastmod_tag),
                            _news_date(element),
                        )
                    # Drop what has been read: the entry and any stray sibling before it.
                    element.clear()
                    while element.getprevious() is not None:
                        del root[0]
        parser.close()
    except etree.XMLSyntaxError as exc:
        message = _LINE_COLUMN.sub("", str(exc.msg or "syntax error"))
        reason = f"not well-formed XML at line {exc.lineno}: {message}"
        if not collector.seen:
            raise ParseError(reason) from None
        kept = _count(collector.seen, "entry", "entries")
        collector.warnings.append(f"{reason}; kept the {kept} before it")
    if root is None:
        raise ParseError("not a sitemap (no root element)")
    return _local(root.tag)


# ---------------------------------------------------------------------------------------
# The other two formats the protocol allows


def _parse_text(text: str, collector: _Collector) -> None:
    """A text sitemap: one URL per line, nothing else."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ParseError("empty sitemap")
    if not is_safe_link(lines[0]):
        if lines[0].startswith(("{", "[")):
            raise ParseError("not a sitemap (looks like JSON)")
        raise ParseError("not a sitemap (neither XML nor a list of URLs)")
    for line in lines:
        if collector.full:
            collector.warnings.append(
                f"more than {MAX_SITEMAP_ENTRIES} lines (the protocol's limit); the rest ignored"
            )
            return
        collector.add(line, None)


def _from_feed(data: bytes, url: str) -> Sitemap:
    """An RSS or Atom feed given as a sitemap (the protocol allows it): its item links,
    dated by publication."""
    feed = parse_feed(data, url)
    entries = tuple(
        SitemapEntry(entry.link, entry.published, entry.published)
        for entry in feed.entries
        if entry.link
    )
    return Sitemap(urls=entries, sitemaps=(), warnings=feed.warnings)


# ---------------------------------------------------------------------------------------
# The entry point


def parse_sitemap(data: bytes, url: str) -> Sitemap:
    """Parse one sitemap document fetched from ``url``.

    Accepts a urlset or a sitemap index in any of the protocol's namespaces (or none),
    gzip-compressed or not, with Google News dates; a text sitemap (one URL per line);
    an RSS/Atom feed. Locations must be absolute http(s) URLs: others (relative,
    ``javascript:``, empty) are refused with a warning, and so is everything past
    MAX_SITEMAP_ENTRIES. Malformed XML keeps the entries before the error, with a
    warning.

    Raises ParseError with a one-line reason when nothing usable is in ``data``: empty,
    too large, HTML, JSON, not well-formed from the start, or declaring entities.
    """
    if len(data) > MAX_SITEMAP_BYTES:
        raise ParseError(f"sitemap too large ({len(data)} bytes, limit {MAX_SITEMAP_BYTES})")
    warnings: list[str] = []
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(data, warnings)
    if not data.strip():
        raise ParseError("empty sitemap")

    # The feed module's rules: BOMs, UTF-16/32, declared and undeclared legacy charsets.
    # lxml then reads exactly the text checked below, as UTF-8 without a declaration,
    # so no encoding trick (UTF-7, EBCDIC) can hide a declaration from the check.
    text = without_declaration(decode_feed(data))
    pos, doctype = _prolog(text)
    if (doctype or "").lower() == "html" or _HTML_START.match(text, pos):
        raise ParseError("not a sitemap (looks like an HTML page)")
    if _ENTITY_DECLARATION.search(text):
        # A sitemap needs no entity; declaring them is how billion-laughs and XXE
        # attacks work. Refusing is simpler and surer than expanding them safely.
        raise ParseError("sitemap declares XML entities (DOCTYPE refused; nothing expanded)")

    collector = _Collector()
    collector.warnings.extend(warnings)
    if not text.startswith("<", pos):
        _parse_text(text, collector)
        return Sitemap(
            urls=tuple(collector.entries), sitemaps=(), warnings=tuple(collector.finish())
        )
    try:
        root = _parse_xml(text, collector)
    except _NotXmlSitemap:
        feed = _from_feed(data, url)
        return Sitemap(feed.urls, (), (*warnings, *feed.warnings))
    entries = tuple(collector.entries)
    found = (entries, ()) if root == "urlset" else ((), entries)
    return Sitemap(urls=found[0], sitemaps=found[1], warnings=tuple(collector.finish()))
