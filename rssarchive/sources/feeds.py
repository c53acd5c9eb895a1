"""Feed bytes → entries. Pure: no network, no disk, no clock.

feedparser does the parsing, but it only ever sees bytes we have already decoded,
defused and bounded: decoded with our own charset rules (GBK/GB2312 as GB18030, Big5 as
Big5-HKSCS, mislabelled and unlabelled Chinese feeds), re-encoded as UTF-8, and readied
by feedrepair (no DOCTYPE, so no entity; author texts cut; guids that are not URLs
marked; the document cut after READ_ITEMS items).

Of the items read, at most ``max_items`` (a feed's setting) articles are kept
(cap_items, as decide.keep_under_cap chooses them: the newest by their dates; undated,
those the archive does not know first; an article listed several times takes one
place), so that a feed listing its items oldest first still has its new ones archived.
Either cut is reported as a warning when it loses an article, never silent. A run reads
a document (read_feed) in a fetch thread or a worker, and cuts it (cap_items) where it
can ask the state which links it knows.

feedparser is handed a stream, never a string: given a ``str`` or ``bytes`` it may treat
it as a URL to fetch or a file name to open.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlsplit

import feedparser

from rssarchive.core.caps import MAX_FEED_BYTES  # the download's cap, checked again here
from rssarchive.core.dates import read_feed_date
from rssarchive.core.decide import cap_warning, distinct_articles, keep_under_cap
from rssarchive.core.encodings import decode_feed_said, decode_strict
from rssarchive.core.errors import ParseError
from rssarchive.core.htmltext import markup_text
from rssarchive.core.inflate import GZIP_MAGIC
from rssarchive.core.models import Entry
from rssarchive.core.urls import absolute, is_safe_link, resolve_html_urls
from rssarchive.core.zones import written_in_chinese
from rssarchive.sources.feedrepair import (
    _C1_CONTROL,
    _C1_HIDDEN,
    MAX_ITEMS,
    _cut_warning,
    _join_surrogate_references,
    _last_item_unclosed,
    _prepare,
    _show_c1_controls,
)

# What we tell feedparser about the bytes it gets: we re-encoded them as UTF-8, so the
# server's original header (maybe "text/html; charset=gbk") no longer describes them.
_FEED_CONTENT_TYPE = "application/xml; charset=utf-8"


# ---------------------------------------------------------------------------------------
# From feedparser's dictionaries to our values


def _field(obj: Any, key: str) -> Any:
    """A key of one of feedparser's dictionaries, read without its compatibility
    aliases (asking a FeedParserDict for "updated" returns "published" when there is
    none, with a DeprecationWarning), with its C1 controls shown again."""
    value = dict.get(obj, key) if isinstance(obj, dict) else None
    return _show_c1_controls(value) if isinstance(value, str) else value


def _plain(detail: Any, value: Any) -> str:
    """The text of a title: feedparser has decoded XML entities; when it judged the title
    to be HTML, drop the tags and decode the HTML entities too."""
    text = str(value or "")
    if detail and _field(detail, "type") in ("text/html", "application/xhtml+xml"):
        text = markup_text(text, tag_as="")
    return text.strip()


# What each of feedparser's date keys holds, as said when it dates an item whose
# publication date cannot be read.
_DATE_KINDS = {"updated": "update date", "created": "creation date"}


def _published(item: Any, china: bool) -> tuple[datetime | None, str | None]:
    """The item's date, and when it has none, why: the first date it gives that could
    not be read or believed, as a phrase (``its date 'yesterday' cannot be read``); with a
    date, the note said of its reading, if any (a zone's name that means several), and
    when a date before it cannot be read, that, with what dated the item instead:
    an update date dates an item whose publication date is unreadable only said
    (look16h H2: a dc:date five days after the pubDate, silently). ``china``: the
    feed is written in Chinese (_in_chinese), where CST is China's time."""
    # feedparser maps pubDate and atom:published to "published", dc:date and
    # atom:updated to "updated", dcterms:created to "created".
    problem = unread = None
    for key in ("published", "updated", "created"):
        raw, parsed = _field(item, key), _field(item, key + "_parsed")
        if raw or parsed:
            when, why = read_feed_date(raw, parsed, china=china)
            shown = " ".join(str(raw or "").split())
            shown = shown if len(shown) <= 80 else shown[:79] + "…"
            if when is not None and unread is not None:
                instead = f"{unread}; dated by its {_DATE_KINDS[key]} {shown!r}"
                return when, instead if why is None else f"{instead} ({why})"
            if when is not None:
                # A date read with a zone's name that means several: said with the date.
                return when, None if why is None else f"its date {shown!r}: {why}"
            if problem is None and why is not None:
                problem = f"its date {shown!r} {why}"
                # A zero date (Hugo's 0001, epoch 0) is no date: the next one dates the
                # item unsaid; one written but unreadable is not.
                unread = problem if why.startswith("cannot be read") else None
    return None, problem


def _updated(item: Any, china: bool) -> datetime | None:
    """The item's last update (feedparser's "updated": atom:updated, dc:date), when
    it can be read: only a sign of a feed sorted by update (decide.next_page)."""
    raw, parsed = _field(item, "updated"), _field(item, "updated_parsed")
    return read_feed_date(raw, parsed, china=china)[0] if raw or parsed else None


def _in_chinese(feed: Any, items: Sequence[Any]) -> bool:
    """Whether a feed is written in Chinese, where ``CST`` (Java's ``Date.toString()``
    on a Beijing server) is China's time, not US Central (look16i I3): its channel's
    ``<language>`` (or xml:lang) says so, or, unless that says Japanese or Korean, most
    of its titles are written in Han characters without kana or hangul, as a page's
    title is read (zones.written_in_chinese). Most, not one: an English feed naming a
    Chinese place in Han characters once keeps RFC 822's CST."""
    language = str(_field(feed, "language") or "")
    if written_in_chinese(language, ""):
        return True
    titles = [str(_field(item, "title") or "") for item in items]
    return 2 * sum(written_in_chinese(language, title) for title in titles) > len(titles)


def _author(item: Any) -> str | None:
    for detail in _field(item, "authors") or ():
        name = str(_field(detail, "name") or _field(detail, "email") or "").strip()
        if name:
            return name
    return str(_field(item, "author") or "").strip() or None


def _content(item: Any, base: str) -> str | None:
    """content:encoded or atom:content, else description/summary, as HTML with relative
    URLs made absolute against the element's own base (xml:base, else the feed URL)."""
    for detail in [*(_field(item, "content") or ()), _field(item, "summary_detail")]:
        value = str(_field(detail, "value") or "")
        if not value.strip():
            continue
        if _field(detail, "type") == "text/plain":
            return escape(value, quote=False)
        return resolve_html_urls(value, str(_field(detail, "base") or base))
    return None


_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def _image(item: Any, base: str) -> str | None:
    urls: list[str] = []
    for media in _field(item, "media_content") or ():
        medium, kind = _field(media, "medium") or "", _field(media, "type") or ""
        path = str(_field(media, "url") or "").split("?")[0].lower()
        untyped_image = not medium and not kind and path.endswith(_IMAGE_SUFFIXES)
        if medium == "image" or kind.startswith("image/") or untyped_image:
            urls.append(_field(media, "url") or "")
    urls += [_field(thumb, "url") or "" for thumb in _field(item, "media_thumbnail") or ()]
    urls += [
        _field(link, "href") or ""
        for link in _field(item, "links") or ()
        if _field(link, "rel") == "enclosure"
        and str(_field(link, "type") or "").startswith("image/")
    ]
    for url in urls:
        resolved = absolute(str(url), base)
        if resolved:
            return resolved
    return None


def _link(item: Any, base: str) -> str | None:
    given = _field(item, "link")
    link = str(given or "")
    guid = str(_field(item, "id") or "")
    if _field(item, "guidislink") and link == guid:
        # feedparser made a permalink guid the link; a guid is only a usable link when
        # it is itself an absolute URL ("abc-123" must not become base + "abc-123").
        return guid.strip() if is_safe_link(guid.strip()) else None
    if given is not None and not link.strip() and is_safe_link(guid.strip()):
        # An empty <link></link> beside a guid that is an absolute URL (look16 F9):
        # feedparser no longer takes the guid for the link then, and the item would be
        # skipped on every run. (No <link> at all and isPermaLink="false" stays linkless:
        # the feed said its guid is no address.)
        return guid.strip()
    return absolute(link, base)


def _relative(item: Any) -> str | None:
    """The item's link as written when it is a relative reference (no scheme, no host):
    resolved against the feed's address, so named elsewhere once the feed moves. One
    feedparser resolved (xml:base) is absolute by now."""
    link = str(_field(item, "link") or "").strip()
    try:
        parts = urlsplit(link)
    except ValueError:  # an invalid IPv6 host: no link either (absolute)
        return None
    return link if link and not parts.scheme and not parts.netloc else None


def _entry(item: Any, base: str, not_permalinks: frozenset[str], china: bool) -> Entry:
    """The item as an entry; ``not_permalinks``: the guids its document marks
    isPermaLink="false" (feedrepair reads them: feedparser does not say); ``china``:
    its feed is written in Chinese (_in_chinese)."""
    published, date_problem = _published(item, china)
    guid = str(_field(item, "id") or "").strip() or None
    return Entry(
        title=_plain(_field(item, "title_detail"), _field(item, "title")),
        link=_link(item, base),
        guid=guid,
        published=published,
        author=_author(item),
        content=_content(item, base),
        image=_image(item, base),
        date_problem=date_problem,
        relative=_relative(item),
        guid_no_address=guid is not None and guid in not_permalinks,
        updated=_updated(item, china),
    )


# ---------------------------------------------------------------------------------------
# The entry point


@dataclass(frozen=True)
class ParsedFeed:
    """What one feed document gave: its title and its items, in the feed's order."""

    title: str
    entries: tuple[Entry, ...]
    prev_archive: str | None = None  # RFC 5005 <link rel="prev-archive">, absolute
    truncated: bool = False  # item cap hit (a warning says which and how)
    # A paged feed's next page (RFC 5005 section 3, <link rel="next">), absolute.
    next_page: str | None = None
    # A document too long to read whole: (items read, items it lists); its warning is
    # the first of ``warnings`` that cap_items rewrites when max_items cuts it too.
    cut: tuple[int, int] | None = None
    # Problems worth reporting that did not stop the parse (removed DTD, malformed XML
    # of which the complete items were kept, a last item cut off).
    warnings: tuple[str, ...] = ()


def _bozo_reason(exc: Any) -> str:
    line = getattr(exc, "getLineNumber", None)
    message = " ".join(str(getattr(exc, "getMessage", lambda: exc)()).split())
    if callable(line):
        return f"not well-formed XML at line {line()}: {message}"
    return f"not a usable feed: {message}"


def parse_feed(
    data: bytes,
    url: str,
    *,
    content_type: str | None = None,
    max_items: int = MAX_ITEMS,
    now: datetime | None = None,
    known: Collection[object] = frozenset(),
) -> ParsedFeed:
    """Parse feed bytes fetched from ``url`` (the base for relative links) and keep at
    most ``max_items`` articles of it (cap_items: ``now``, the run's clock, and
    ``known``, the links the archive knows, choose them).

    Raises ParseError with a one-line reason when nothing usable is in ``data``. A feed
    that is malformed but yields complete items is accepted, with a warning.
    """
    parsed = read_feed(data, url, content_type=content_type, max_items=max_items)
    return cap_items(parsed, max_items, now, known)


def cap_items(
    feed: ParsedFeed,
    max_items: int,
    now: datetime | None,
    known: Collection[object] = frozenset(),
) -> ParsedFeed:
    """``feed`` with at most ``max_items`` of its articles (decide.keep_under_cap, by
    the run's clock ``now`` and the decide.article_of keys the archive knows), and the
    warning that says what the cut lost (decide.cap_warning)."""
    if max_items < 1:
        raise ValueError("max_items must be at least 1")
    entries = list(feed.entries)
    articles = distinct_articles(entries)
    if articles <= max_items:
        return feed
    kept = keep_under_cap(entries, max_items, now, known)
    warnings = list(feed.warnings)
    cut = None if feed.cut is None else _cut_warning(*feed.cut)
    if feed.cut is not None and cut in warnings:
        # Some items were not read at all: said with what max_items kept of the others.
        assert cut is not None
        said = cap_warning(kept, max_items, cut, unread=feed.cut[1] - feed.cut[0])
        warnings[warnings.index(cut)] = said or cut
    else:
        read = f"{len(entries)} items read"
        if articles < len(entries):
            read += f" ({articles} articles: some are listed more than once)"
        said = cap_warning(kept, max_items, read)
        if said is not None:
            warnings.append(said)
    return replace(feed, entries=tuple(kept.entries), truncated=True, warnings=tuple(warnings))


def read_feed(
    data: bytes,
    url: str,
    *,
    content_type: str | None = None,
    max_items: int = MAX_ITEMS,
) -> ParsedFeed:
    """Parse feed bytes fetched from ``url`` (the base for relative links), every item
    read (``max_items`` only bounds a document too complex to read whole); cap_items
    keeps max_items of them.

    Raises ParseError with a one-line reason when nothing usable is in ``data``. A feed
    that is malformed but yields complete items is accepted, with a warning.
    """
    if max_items < 1:
        raise ValueError("max_items must be at least 1")
    if len(data) > MAX_FEED_BYTES:
        raise ParseError(f"feed too large ({len(data)} bytes, limit {MAX_FEED_BYTES})")
    if not data.strip():
        raise ParseError("empty response")
    if data.startswith(GZIP_MAGIC):
        # A compressed file (feed.xml.gz served as application/x-gzip), not a transfer
        # encoding (http.py undoes those): said for what it is, not "no root element".
        served = f", served as {content_type.split(';')[0].strip()}" if content_type else ""
        raise ParseError(f"not a feed (gzip-compressed data{served})")
    decoded, mostly_utf8 = decode_feed_said(data, content_type)
    text = _join_surrogate_references(decoded)
    if _C1_CONTROL.search(text) and decode_strict(data, "utf-8") is not None:
        # Only C1 code points written as such: in a single-byte charset's text (latin-1
        # labels), bytes 0x80-0x9F are windows-1252's “ ” … as feedparser takes them.
        text = text.translate(_C1_HIDDEN)
    prepared = _prepare(text, max_items)
    headers = {"content-type": _FEED_CONTENT_TYPE}
    if "xml:base" in prepared.text:
        # feedparser's base for a relative xml:base. Without one it leaves every URL as
        # written, and _entry resolves them against ``url`` (a fifth of its time saved).
        headers["content-location"] = url
    try:
        result = feedparser.parse(
            io.BytesIO(prepared.text.encode("utf-8", "replace")),
            response_headers=headers,
            sanitize_html=False,  # our nh3 policy runs later on every HTML field
            # feedparser's resolver re-serialises every HTML field (sorted attributes,
            # "<br />", mangled script text); _content() resolves URLs in place instead.
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser has no error contract; keep ours
        raise ParseError(f"feed parser failed: {type(exc).__name__}: {exc}") from exc

    items = list(_field(result, "entries") or ())
    warnings = prepared.warnings
    if mostly_utf8 is not None:
        warnings.insert(0, mostly_utf8)
    if _field(result, "bozo"):
        reason = _bozo_reason(_field(result, "bozo_exception"))
        if not items:
            raise ParseError(reason)
        if _last_item_unclosed(prepared.text):
            items.pop()  # its content is cut short; archiving half an article is worse
            warnings.append("last item cut off (truncated body?); dropped")
        warnings.append(f"{reason}; kept {len(items)} items")
        if not items:
            raise ParseError(reason)
    elif not items and not _field(result, "version"):
        raise ParseError(f"not a feed (root element <{prepared.root[:60]}>)")

    feed = _field(result, "feed") or {}
    china = _in_chinese(feed, items)
    entries = [_entry(item, url, prepared.not_permalinks, china) for item in items]
    return ParsedFeed(
        title=_plain(_field(feed, "title_detail"), _field(feed, "title")),
        entries=tuple(entries),
        prev_archive=_linked(feed, "prev-archive", url),
        truncated=prepared.truncated,
        warnings=tuple(warnings),
        next_page=_linked(feed, "next", url),
        cut=(prepared.read_items, prepared.listed_items) if prepared.truncated else None,
    )


def _linked(feed: Any, rel: str, url: str) -> str | None:
    """The feed's first link of relation ``rel`` (Atom's <link>, or atom:link in an RSS
    channel), absolute against ``url``; None without one, or one that is no web address."""
    for link in _field(feed, "links") or ():
        if _field(link, "rel") == rel:
            target = absolute(str(_field(link, "href") or ""), url)
            if target:
                return target
    return None
