"""URL helpers shared by the feed parser, the extractor and the state: pure functions.

``normalize_url`` gives the identity key used to recognise the same article behind
different spellings of its URL (``http`` vs ``https``, tracking parameters, fragments,
percent-encoding). The key is only compared, never fetched: fetch the original URL.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from rssarchive.core.controls import C0_AND_DEL, url_trim
from rssarchive.core.htmltags import HTML_SPACE, start_tags

# What no article's URL key keeps (a list that grows, each name a schema step, in a
# module of its own): re-exported here, where every URL rule is.
from rssarchive.core.tracking import INDEX_DOCUMENTS, PATH_SESSIONS, is_tracking
from rssarchive.core.tracking import TRACKING_PARAMS as TRACKING_PARAMS
from rssarchive.core.tracking import TRACKING_PREFIXES as TRACKING_PREFIXES

# The schemes of every URL we fetch or write into a post as a link (net/addresses
# enforces the same set on every request).
HTTP_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

_PATH_SESSION = re.compile(PATH_SESSIONS, re.I)

# RFC 3986: characters that may stand unencoded in a path or query. Everything else
# (spaces, non-ASCII, quotes, brackets) is percent-encoded as UTF-8 in the key.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT_TOKEN = re.compile(r"%([0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]|%")
# A URL's scheme, as RFC 3986 spells one (group 1), at the start: an absolute URL.
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Where lazy-loading scripts keep an image's real URL while src holds a placeholder.
LAZY_SRC = ("data-src", "data-original", "data-lazy-src", "data-url")


def _normalize_percent(part: str) -> str:
    """One spelling per character: unreserved escapes decoded, other escapes upper-case,
    characters that need escaping escaped. Reserved escapes such as ``%2F`` stay
    escaped because decoding them would change the meaning of the URL."""

    def repl(match: re.Match[str]) -> str:
        hex_digits = match.group(1)
        if hex_digits is not None:
            char = chr(int(hex_digits, 16))
            return char if char in _UNRESERVED else "%" + hex_digits.upper()
        text = match.group(0)
        if text == "%":  # a stray percent sign that starts no escape
            return "%25"
        return "".join(f"%{b:02X}" for b in text.encode("utf-8", "surrogatepass"))

    return _PERCENT_TOKEN.sub(repl, part)


def _normalize_host(parts: SplitResult) -> str:
    """Lower-case, IDNA-encoded host with userinfo kept and the default port dropped."""
    host = parts.hostname or ""  # already lower-case, brackets of IPv6 removed
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    else:
        host = host.rstrip(".")  # "example.com." names the same host
        if not host.isascii():
            # Not a valid IDN: keep the lower-cased form rather than fail.
            with contextlib.suppress(UnicodeError):
                host = host.encode("idna").decode("ascii")
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep what was written
        return parts.netloc.lower()
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    return f"{userinfo}@{host}" if userinfo else host


def _canonical_path(path: str) -> str:
    """RFC 3986's remove_dot_segments (5.2.4), then empty segments dropped (``//``).

    Run on the percent-normalized path, so that ``%2E%2E`` counts as ``..``."""
    if "." in path:
        out: list[str] = []
        segments = path.split("/")
        for index, segment in enumerate(segments):
            last = index == len(segments) - 1
            if segment == ".":
                if last:
                    out.append("")  # "/a/." is "/a/"
            elif segment == "..":
                if len(out) > 1:  # never above the root (out[0] is "" before a "/")
                    out.pop()
                if last:
                    out.append("")
            else:
                out.append(segment)
        path = "/".join(out)
    if "//" in path:
        path = re.sub(r"/{2,}", "/", path)
    return path


def normalize_url(url: str) -> str:
    """Identity key for dedupe: ``http://Example.com:80/a?utm_source=x#top`` and
    ``https://example.com/a`` give the same key (the key always says https).

    The path is kept as written apart from percent-encoding, dot-segments, empty
    segments and a final slash (no case folding: servers differ on it). ``/a/b/`` is
    ``/a/b``: a site whose permalinks gain or lose their final slash (a CMS setting,
    a static site generator's "pretty URLs") must not have every item archived again,
    and no real site serves two different articles at ``/x`` and ``/x/`` (servers
    redirect one to the other). Query parameters are compared in sorted order of their
    names (``?b=2&a=1`` is ``?a=1&b=2``; repeated names keep their order): a site that
    reorders them serves the same page.
    ``/a/./b`` and ``/a/x/../b`` are ``/a/b``, as RFC 3986 resolves them and as the
    fetcher sends them. ``/a//b`` is ``/a/b`` too, though it is fetched as written:
    common servers (nginx by default, Python's http.server) answer both alike, and a
    feed that once doubled a slash in its links and then fixed it must not have every
    item archived again; two articles told apart only by a doubled slash are not seen.
    A fragment names a part of a page and goes, but a ``#!`` fragment (a "hash-bang"
    URL of a single-page site, ``/#!/story/1``) names the page itself: the script reads
    it, and two stories differ only there (review16d L4); so does a router path
    (``/#/detail?id=2``, Vue's and Angular's hash routers). It is kept as written, its
    percent-encoding aside. A session segment in the path (``;jsessionid=``, ASP.NET's
    ``/(S(…))/``) goes, and so does a final ``index.html``/``index.htm``/``index.php``
    (the directory's own document on every common server).
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        netloc = _normalize_host(parts)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return text
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    path = _canonical_path(_normalize_percent(_PATH_SESSION.sub("", parts.path)))
    if path.endswith(INDEX_DOCUMENTS):
        path = path[: path.rindex("/") + 1]
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    if not path and netloc:
        path = "/"
    kept = sorted(
        (
            _normalize_percent(piece)
            for piece in parts.query.split("&")
            if piece and not is_tracking(piece)
        ),
        key=lambda piece: piece.partition("=")[0],
    )
    fragment = parts.fragment
    routed = fragment.startswith("!") or (fragment.startswith("/") and fragment != "/")
    fragment = _normalize_percent(fragment) if routed else ""
    return urlunsplit((scheme, netloc, path, "&".join(kept), fragment))


def http_url_problem(url: str, *, typed: bool = False) -> str | None:
    """Why ``url`` is not an absolute http(s) URL we may fetch or write into a post, as
    a phrase; None when it is one. The one rule (is_safe_link, absolute, the config's
    feed URLs and the command line's URLs all use it): scheme http or https, a host
    without whitespace, a port that is a number from 0 to 65535, no control character
    (C0 or DEL) and no whitespace around it.

    Control characters are checked before parsing because ``urlsplit`` silently drops
    tabs and newlines (so ``java\\tscript:`` would otherwise read as ``javascript:``,
    and a newline could end a front-matter line). ``typed``: a URL a person typed (the
    config, the command line), where whitespace anywhere is refused too: a space in it
    is two URLs on one line or a typo, while a document's link may hold one in its path
    (browsers send it percent-encoded).
    """
    if not url:
        return "empty URL"
    if C0_AND_DEL.search(url):
        return "control characters in URL"
    if url != url.strip() or (typed and any(map(str.isspace, url))):
        return "whitespace in URL"
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:  # "http://[::1/": Invalid IPv6 URL
        return f"not a valid URL ({exc})"
    host = parts.hostname or ""
    if parts.scheme.lower() not in HTTP_SCHEMES or not host or any(map(str.isspace, host)):
        return "not an http(s) URL"
    return None


def is_safe_link(url: str) -> bool:
    """True only for an absolute http(s) URL with a host and no control characters
    (http_url_problem). Refuses ``javascript:``, ``data:``, ``file:``, relative and
    scheme-relative URLs."""
    return http_url_problem(url) is None


def split(url: str) -> SplitResult | None:
    """``url``'s parts (urlsplit), None when it cannot be read: an unbalanced "[" in
    its host ("http://[oops/a.jpg": "Invalid IPv6 URL"). The one guarded split: code
    outside this module reads a URL's parts through it (or host, host_key, absolute),
    so that a malformed URL in a document is no URL, never an unexpected error."""
    try:
        parts = urlsplit(url)
        _ = parts.hostname  # raises ValueError for some hosts urlsplit lets through
    except ValueError:
        return None
    return parts


def host(url: str) -> str:
    """A URL's host name as written but in lower case (``www.`` kept); "" when it has
    none or cannot be read (split)."""
    parts = split(url)
    return (parts.hostname or "") if parts is not None else ""


def host_key(url: str) -> str:
    """A URL's host as feeds are matched and work is spread by (decide.by_host, the
    run's per-host queues): lower case, no ``www.``; "" when it has none or cannot be
    read."""
    return host(url).removeprefix("www.")


def without_query(url_key: str) -> str:
    """A URL key (normalize_url's) without its query: the page a cache-buster or a
    feed's own parameter (``?_=1733000001``) points at, as guid-less items at one path
    are compared (decide.same_but_query). A ``#!`` fragment stays: it names the page."""
    parts = split(url_key)
    return url_key if parts is None else urlunsplit(parts._replace(query=""))


def query_pieces(url: str) -> list[tuple[str, str]]:
    """The ``name=value`` pieces of ``url``'s query as written (not decoded), in
    order; none when it has no query or cannot be read."""
    parts = split(url)
    if parts is None:
        return []
    return [
        (name, value)
        for piece in parts.query.split("&")
        if piece
        for name, _, value in [piece.partition("=")]
    ]


def without_parameters(url: str, names: Collection[str]) -> str:
    """``url`` with the query parameters ``names`` dropped, the rest as written (a
    feed's per-fetch parameter, decide.per_fetch_parameters)."""
    parts = split(url)
    if parts is None or not names:
        return url
    kept = [p for p in parts.query.split("&") if p and p.partition("=")[0] not in names]
    return urlunsplit(parts._replace(query="&".join(kept)))


# Host name prefixes that name one site's mobile, AMP or "www" copy of its pages: a
# page's rel=canonical on such a sibling host is the same site's (decide.canonical_key).
SITE_COPY_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def _site_host(url: str) -> str:
    """``url``'s host without a SITE_COPY_PREFIXES prefix, with its port when it is not
    its scheme's default; "" when it has none or cannot be read."""
    parts = split(url)
    if parts is None or not parts.hostname:
        return ""
    name = parts.hostname.rstrip(".")
    for prefix in SITE_COPY_PREFIXES:
        if name.startswith(prefix) and name.count(".") > 1:  # "m.example", not "m.com"
            name = name.removeprefix(prefix)
            break
    return _with_port(name, parts)


def _with_port(name: str, parts: SplitResult) -> str:
    """``name`` with the port of ``parts`` when it is not its scheme's default; "" when
    the port cannot be read."""
    try:
        port = parts.port
    except ValueError:
        return ""
    return name if port in (None, DEFAULT_PORTS.get(parts.scheme.lower())) else f"{name}:{port}"


# The names of this machine's loopback interface: one host (RFC 6761 section 6.3: a
# ``localhost`` name is the loopback address).
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def _site_domain(url: str) -> str:
    """``url``'s registrable domain (the public suffix list's, as the ``tld`` package
    bundles it: ``edition.cnn.com`` is ``cnn.com``, ``a.example.co.uk`` is
    ``example.co.uk``, a ``*.github.io`` name its own), or ``localhost`` for a loopback
    name, with its port when it is not its scheme's default; "" when it has none (an IP
    address, a name under no public suffix) or cannot be read."""
    from tld import get_fld

    parts = split(url)
    if parts is None or not parts.hostname:
        return ""
    name = parts.hostname.rstrip(".")
    if name in LOOPBACK_NAMES:
        return _with_port("localhost", parts)
    try:
        domain = get_fld(name, fix_protocol=True, fail_silently=True)
    except ValueError:  # the list's reader refuses some malformed names outright
        domain = None
    return "" if not domain else _with_port(str(domain), parts)


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on one site: the same host and port, ``www.``, ``m.``,
    ``amp.`` and ``mobile.`` aside (``http``/``https`` aside too), or the same
    registrable domain and port (_site_domain: ``edition.cnn.com`` and
    ``www.cnn.com``; ``localhost`` and ``127.0.0.1``), which one owner holds. The
    public suffix list tells ``a.example.co.uk`` and ``b.example.co.uk`` (one site)
    from ``a.co.uk`` and ``b.co.uk`` (two); a page naming an unrelated host's URL as
    its canonical (a syndicated copy) says nothing of this site's articles."""
    mine = _site_host(url)
    if not mine:
        return False
    if mine == _site_host(other):
        return True
    domain = _site_domain(url)
    return bool(domain) and domain == _site_domain(other)


def without_fragment(url: str) -> str:
    """``url`` without its ``#fragment`` (as urllib's urldefrag gives it: unchanged
    without one); "" when it cannot be read (split)."""
    parts = split(url)
    if parts is None:
        return ""
    return urlunsplit(parts._replace(fragment="")) if "#" in url else url


def absolute(url: str, base: str | None = None) -> str | None:
    """``url`` read as a browser reads it (controls.url_trim, then any other whitespace
    around it) and resolved against ``base``; None when it is empty or the result is not
    an absolute http(s) URL (http_url_problem). An empty link must not silently become
    the base itself. The one resolver of a single URL: feed links, image URLs and the
    lead image all go through it."""
    text = url_trim(url).strip()
    if not text:
        return None
    try:
        resolved = urljoin(base, text) if base else text
    except ValueError:
        return None
    return resolved if is_safe_link(resolved) else None


# --- relative links in HTML: one rule set ------------------------------------------------
# Feed text (resolve_html_urls, on the text) and pages and feed items in the extractor
# (extract.htmltree._fix_links, on its lxml tree) make links absolute by these rules, so
# the same body comes out with the same links whichever path produced it.

# The attributes whose value is one URL, made absolute when relative; ``srcset`` holds
# several (SRCSET_ATTRIBUTE: each candidate's URL).
LINK_ATTRIBUTES = frozenset({"src", "href", "poster", "cite", "longdesc", "data-src"})
SRCSET_ATTRIBUTE = "srcset"


def resolve_link(value: str, base: str) -> str:
    """``value`` (one URL attribute's, as written) made absolute against ``base``.

    Kept exactly as written when it is empty, a same-page anchor or absolute (any scheme:
    ``javascript:`` and the like are the sanitizer's to remove), and when the result
    would not be a safe http(s) link (is_safe_link: a bad port, control characters, no
    host): a link is never made into one that nothing should fetch."""
    text = value.strip()
    if not text or text.startswith("#") or SCHEME.match(text):
        return value
    try:
        resolved = urljoin(base, text)
    except ValueError:  # an unbalanced "[" in the host
        return value
    return resolved if is_safe_link(resolved) else value


def resolve_attribute(name: str, value: str, base: str) -> str:
    """The value of attribute ``name`` (lower case) with its relative URLs made absolute
    by resolve_link: one URL in a LINK_ATTRIBUTES attribute, every candidate of a
    srcset; any other attribute's value as it is."""
    if name == SRCSET_ATTRIBUTE:
        return rewrite_srcset(value, lambda url: resolve_link(url, base))
    return resolve_link(value, base) if name in LINK_ATTRIBUTES else value


def resolve_html_urls(html: str, base: str) -> str:
    """Make relative ``src``/``href``/``srcset``/… values in an HTML fragment absolute
    (resolve_attribute), changing nothing else: feedparser's own resolver re-serialises
    the whole fragment (sorted attributes, ``<br />``, broken ``<script>`` text), and
    archived bodies keep the publisher's markup. The tags are the one tokenizer's
    (htmltags.start_tags): nothing in comments or raw text (``<script>``) is touched,
    and a quoted ``>`` does not end a tag."""
    if "<" not in html:
        return html
    wanted = LINK_ATTRIBUTES | {SRCSET_ATTRIBUTE}
    out: list[str] = []
    done = 0
    for tag in start_tags(html):
        for attr in tag.attrs:
            if attr.name not in wanted or attr.value_start is None:
                continue
            value = unescape(html[attr.value_start : attr.value_end])
            resolved = resolve_attribute(attr.name, value, base)
            if resolved == value.strip() or resolved == value:
                continue
            # The value with its quotes, written again in double quotes.
            start = attr.value_start - 1 if attr.quoted else attr.value_start
            out += [html[done:start], f'"{escape(resolved, quote=True)}"']
            done = attr.end
    out.append(html[done:])
    return "".join(out)


# --- srcset ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SrcsetCandidate:
    """One image candidate of a ``srcset``: its URL as written, and its descriptors
    (``"400w"``, ``"2x"``, ``""``) with the whitespace around them removed.
    ``value[start:end]`` is the URL in the attribute value it came from."""

    url: str
    descriptors: str
    start: int
    end: int


def parse_srcset(value: str) -> list[SrcsetCandidate]:
    """The candidates of a ``srcset`` value, split as the HTML standard splits them.

    A URL runs to the next whitespace, commas included (``/w_400,h_300/a.jpg``); a comma
    ends a candidate only after the URL's whitespace (in the descriptors, outside
    parentheses) or at the very end of the URL token (``a.jpg,b.jpg 2x`` is one URL;
    ``a.jpg, b.jpg 2x`` two). The one srcset reader of the package: the feed and page
    link resolvers, the sanitizer's URL check and the image localizer all use it.
    """
    candidates: list[SrcsetCandidate] = []
    pos, n = 0, len(value)
    while True:
        while pos < n and (value[pos] in HTML_SPACE or value[pos] == ","):
            pos += 1
        if pos >= n:
            return candidates
        start = end = pos
        while end < n and value[end] not in HTML_SPACE:
            end += 1
        pos = end
        if value[start:end].endswith(","):
            url = value[start:end].rstrip(",")
            candidates.append(SrcsetCandidate(url, "", start, start + len(url)))
            continue
        depth, described = 0, pos
        while pos < n and (depth or value[pos] != ","):
            depth = max(0, depth + {"(": 1, ")": -1}.get(value[pos], 0))
            pos += 1
        descriptors = value[described:pos].strip(HTML_SPACE)
        candidates.append(SrcsetCandidate(value[start:end], descriptors, start, end))


# A descriptor: a number and its unit (width, density; "h" is read and ranks nothing).
_DESCRIPTOR = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([wxh])", re.IGNORECASE)


def largest_candidate(srcset: str) -> str | None:
    """The URL (as written) of the candidate with the largest width (``w``), else
    density (``x``, 1 by default): the best picture a ``srcset`` offers."""
    best: tuple[int, float] | None = None
    chosen = None
    for candidate in parse_srcset(srcset):
        url, descriptors = candidate.url, candidate.descriptors
        rank: tuple[int, float] = (0, 1.0)  # widths outrank densities: a "w" set is the real one
        for number, unit in _DESCRIPTOR.findall(descriptors):
            if unit.lower() == "w":
                rank = (1, float(number))
            elif unit.lower() == "x":
                rank = (0, float(number))
        if url and (best is None or rank > best):
            best, chosen = rank, url
    return chosen


def rewrite_srcset(value: str, change: Callable[[str], str]) -> str:
    """``value`` with each candidate's URL replaced by ``change(url)``, and every other
    character (separators, descriptors, spacing) kept as written."""
    out: list[str] = []
    done = 0
    for candidate in parse_srcset(value):
        out += [value[done : candidate.start], change(candidate.url)]
        done = candidate.end
    out.append(value[done:])
    return "".join(out)
