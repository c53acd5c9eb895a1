"""Which archived article a page or a guid-less item is by what its URL says apart from
its link key: a link that differs only in its query from an article of the same feed
(a per-fetch cache-buster, ``?_=1733000001``; look 16c F3b), and the URL a page names
as its canonical one (``<link rel="canonical">``: an AMP copy, ``?ref=``,
``/index.html``; look 16c F3); and the same link on the other host name of its site
(``www.``; look16i I6).

Part of the decider (rssarchive.core.decide): pure, no state, no disk. The orchestration
(run/samepage.py, run/canonical.py) reads the state and the posts, asks these
functions, and carries their answers out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rssarchive.core.decide.entries import Candidate
from rssarchive.core.decide.identity import Listing, Shown
from rssarchive.core.decide.relisted import later_day
from rssarchive.core.identity import differs, is_site_root, text_plain, title_key
from rssarchive.core.urls import (
    is_safe_link,
    normalize_url,
    query_pieces,
    same_site,
    split,
    without_parameters,
    without_query,
)

# -- a guid-less item whose link differs from an archived article's only in its query ----


def asks_same_path(*, new: bool, has_guid: bool) -> bool:
    """Whether an item is compared with the articles of its feed at its link's path
    (a read of the state): only a new item (unknown by its link) without a guid — a
    guid says which article an item is, by its own rules (decide.by_guid). An item
    whose link has no query is compared too: with articles whose links had one (a
    cache-buster dropped)."""
    return new and not has_guid


# How many of a feed's articles at one path an item is compared with, the newest that
# this run did not take on and the document does not list (those are other items':
# counted, a run's own new rows would push the archived ones out, a cascade; look16d
# F2): a cache-buster's earlier links are a few; a site whose ``?id=`` selects its
# articles has thousands there, and each compared one is a post read.
SAME_PATH_COMPARED = 20


@dataclass(frozen=True)
class AtPath:
    """An article of the item's feed whose link is the item's but for its query:
    ``shown``, its title and date (its post's when archived, its entry's while not;
    None: not readable); ``taken``: another item of the run was taken for it already,
    or its link without its stamps (without_stamps) is another item's of the document
    (two items listed at once are two articles; look16d F7)."""

    id: int
    shown: Shown | None
    taken: bool = False


@dataclass(frozen=True)
class SamePath:
    """The article a guid-less item is taken for (same_but_query), and whether both
    were dated (``dated``; else neither was), as its warning says."""

    id: int
    dated: bool


def path_of(link_key: str) -> str:
    """The key the articles at an item's link's path are found by: its link key
    without its query."""
    return without_query(link_key)


def compared_first(link_key: str) -> list[str]:
    """The pieces of an item's link key's query (``id=7``, ``_=1733000001``): the
    articles at its path whose queries have more of them are compared with it first
    (State.at_path), so that one whose stamp differs on each link (none shared in the
    document: per_fetch_parameters cannot see it) finds its article among thousands."""
    parts = split(link_key)
    return [] if parts is None else [piece for piece in parts.query.split("&") if piece]


def same_but_query(item: Shown, others: Sequence[AtPath]) -> SamePath | None:
    """The article (of ``others``, the feed's articles at the item's path, any query)
    that a guid-less item is: the first with the same title (not empty: an untitled item
    at one path could be any of them), not ``taken`` by another item of the run, and
    the same date to the second, both dated, or neither dated (a post whose date is
    unknown, or a date on one side only, confirms nothing; look16d F10). None: a new
    article (a query that selects the article, ``?id=2``, comes with another title).
    A site's per-fetch parameter in its links (a cache-buster) would otherwise make a
    new post of every item on every run, unbounded and silent; a document of several
    items has it dropped before (per_fetch_parameters): this is for the rest."""
    mine = title_key(item.title)
    if not mine:
        return None
    for other in others:
        theirs = other.shown
        if theirs is None or other.taken or title_key(theirs.title) != mine:
            continue
        if not theirs.dated or (item.published is None) != (theirs.published is None):
            continue
        if differs(None, item.published, None, theirs.published) == "another date":
            continue
        return SamePath(other.id, dated=item.published is not None)
    return None


def same_path_said(link: str, archived: str, *, dated: bool) -> str:
    """The warning for an item taken for an article by same_but_query (said once for
    each article, as a move by guid is: a cache-buster changes on every fetch); it
    says what was compared."""
    compared = "same title and date" if dated else "same title, neither dated"
    return (
        f"{link} is taken for the archived {archived} ({compared}, only its query"
        " differs); not archived again"
    )


# Where a per-fetch parameter's value may say a time: a Unix time in seconds (10
# digits) or milliseconds (13), from 2001-09-09 (10**9 seconds) to 10 minutes after the
# run's clock (a server's clock ahead of ours): a time later than that is an expiry (a
# signed URL's ``Expires=``), which its server checks: it stays in the link.
_STAMP_SKEW = 600
_STAMP_DIGITS = {10: 1, 13: 1000}


def _is_stamp(value: str, now: datetime) -> bool:
    """Whether a query value is a time stamp (a cache-buster's, jQuery's ``_=``)."""
    per_second = _STAMP_DIGITS.get(len(value))
    if per_second is None or not value.isascii() or not value.isdigit():
        return False
    seconds = int(value) // per_second
    return 10**9 <= seconds <= now.timestamp() + _STAMP_SKEW


# A cache-buster is made when the feed is served, minutes from the fetch; a value one
# constant further away (an e-paper's ``?edition=<its midnight>``) names a page (look16e F3).
_FETCH_STAMP_WINDOW = 900


def _is_fetch_stamp(value: str, now: datetime) -> bool:
    """Whether a query value is a time stamp of this fetch (within 15 minutes of now)."""
    if not _is_stamp(value, now):
        return False
    seconds = int(value) // _STAMP_DIGITS[len(value)]
    return abs(seconds - now.timestamp()) <= _FETCH_STAMP_WINDOW


def per_fetch_parameters(links: Sequence[str | None], now: datetime) -> frozenset[str]:
    """The query parameters of one feed document's links that say nothing of any item:
    each present once in every link (2 links at least), with one value in all, a time
    stamp (a Unix time in seconds or milliseconds within 15 minutes of ``now``: one
    further away, an e-paper's ``?edition=<its midnight>``, names a page; look16e F3):
    a cache-buster the site adds on each fetch (``?id=7&_=1733000001``; look16d F2).
    The document's links are read (fetched and recorded) without them, so that the next
    fetch's finds the same articles, however many share one path. A constant that is no time
    stamp (``?lang=en``, ``?blog=12``) may select the site or the page,
    and does not change between fetches: it stays."""
    usable = [link for link in links if link and is_safe_link(link)]
    if len(usable) < 2:
        return frozenset()
    common: dict[str, str] | None = None
    for link in usable:
        pieces = query_pieces(link)
        names = [name for name, _ in pieces]
        once = {name: value for name, value in pieces if names.count(name) == 1}
        common = (
            once
            if common is None
            else {name: value for name, value in common.items() if once.get(name) == value}
        )
    assert common is not None
    return frozenset(name for name, value in common.items() if _is_fetch_stamp(value, now))


def without_stamps(link_key: str, now: datetime) -> str:
    """A link key without its parameters whose value is a time stamp (as
    per_fetch_parameters reads one): the link an article archived with its cache-buster
    (from a document of one item) is listed at now, when its document drops it. An
    article whose link is another item's of the document is that item's, not one the
    same-path rule may give an item of its title (look16d F7)."""
    names = {name for name, value in query_pieces(link_key) if _is_stamp(value, now)}
    return without_parameters(link_key, names) if names else link_key


def without_per_fetch(link: str | None, names: frozenset[str]) -> str | None:
    """An item's link without its document's per-fetch parameters (per_fetch_parameters)."""
    return link if link is None or not names else without_parameters(link, names)


# -- a guid-less item at a new link of its site (www. dropped) ---------------------------


def site_moved(
    item: Shown, link: str, candidates: Sequence[Candidate], listed: frozenset[str]
) -> Candidate | None:
    """The archived article (of ``candidates``: its feed's articles of the item's title,
    as their posts show them, ``plain`` their text) that a guid-less item at a new
    ``link`` is after its site moved its articles to a new link of its own, another
    host (``www.`` dropped, a CDN's alias serving both: urls.same_site, one registrable
    domain) or another path, with no redirect to tell (look16h H1; a slug renamed whose
    old link answers 404): the same title, the same date to the second (both
    dated) and the same whole text (``plain``, both there), its old links not listed in
    the document, or listed for a later day only (listed_as_another). The evidence a
    site migration is taken on with guids (migration_checks' exact one); less is a new
    article (two articles of one title and second differ in their texts). The caller
    asks the old link too: one answering 200 with its own page is another article's
    (look16i I1)."""
    mine = title_key(item.title)
    if not mine or item.published is None or not item.plain:
        return None
    for candidate in candidates:
        theirs = candidate.shown
        if not same_site(link, candidate.url):
            continue
        if candidate.keys & listed and not listed_as_another(candidate, listed):
            continue
        if title_key(theirs.title) != mine or not theirs.dated or theirs.published is None:
            continue
        if abs((item.published - theirs.published).total_seconds()) >= 1:
            continue
        if theirs.plain is None or not _same_words(item.plain, theirs.plain, theirs.title):
            continue
        return candidate
    return None


def _same_words(mine: str, theirs: str, title: str | None) -> bool:
    """Whether an item's text is a post's, word for word: the post's may start with its
    title (a page's ``<h1>``, as ``content: page`` archives it; look16i I8)."""
    words, post = mine.split(), theirs.split()
    heading = (text_plain(title) or "").split()  # as the post's text is read
    return post == words or (bool(heading) and post == heading + words)


def listed_as_another(candidate: Candidate, listed: frozenset[str]) -> bool:
    """Whether the document (``listed``, a Listing: what the item at each link shows)
    lists an archived article's links only for another article: each item there dated
    on a later day than its post (a daily column's evergreen link, ``/briefing``, now
    today's, while the column's days are listed at dated links; look16i I8). Its old
    link answers with that other day's page then: no evidence against the move."""
    there = candidate.keys & listed
    theirs = candidate.shown.published if candidate.shown.dated else None
    if not there or theirs is None or not isinstance(listed, Listing):
        return False
    shown = [item for key in there for _, item in listed.items.get(key, ())]
    return bool(shown) and all(later_day(item.published, theirs) for item in shown)


def site_moved_said(link: str, archived: str) -> str:
    """The warning for an item taken for an article by site_moved (said once for each
    article, as a move by guid is)."""
    return (
        f"{link} is taken for the archived {archived} (a site migration: the same title, "
        "date and text at a new link of its site); not archived again"
    )


# -- a page's rel=canonical ---------------------------------------------------------------


def canonical_key(page_url: str, canonical: str | None) -> str | None:
    """The URL key a page's ``<link rel="canonical">`` (``canonical``, absolute) names,
    when it is evidence of which article the page is; None when it is not. It is when
    it is an http(s) URL on the page's own site (``page_url``, where the page was read:
    urls.same_site, ``www.``, ``m.``, ``amp.`` aside) and is not the site's home page (a
    site whose every page names its front page). A page that names its own URL says
    nothing more than its link, but counts among the items that name that key: a
    canonical several different items of one run name (a section page named by each,
    or one article's URL named by other articles' pages) is none of theirs
    (decide.crowded)."""
    if canonical is None or not is_safe_link(canonical) or not same_site(page_url, canonical):
        return None
    key = normalize_url(canonical)
    return None if is_site_root(key) else key


Canonical = Literal["write", "same"]


def by_canonical(other: int | None, *, crowded: bool, contradiction: str | None) -> Canonical:
    """What a page whose canonical URL (canonical_key) is ``other``'s, an article
    archived already (or placed earlier in the run), is: that article ("same": not
    written, its link an alias of it, said) unless the canonical is one several items of
    the run share (``crowded``), or something about the item contradicts it
    (``contradiction``: decide.redirect_contradicts, as for a permanent redirect; asked
    when ``other`` is not None); else
    its own post ("write")."""
    if other is None or crowded or contradiction is not None:
        return "write"
    return "same"


def canonical_said(link: str, canonical: str) -> str:
    """The warning for a feed's item taken for the archived article its page names as
    canonical (said each time: a loss if wrong)."""
    return (
        f"{link}: its page names {canonical} as its canonical URL, an article archived"
        " already; not archived again"
    )


def named_canonical_said(link: str, archived: str) -> str:
    """The warning for a feed's item at the URL that the page of an article written
    earlier in the run (at ``archived``) named as its canonical one."""
    return (
        f"{link}: the page of the archived {archived} names this URL as its canonical one;"
        " not archived again"
    )


CanonicalTold = Literal["archived already", "warning"]


def canonical_told(origin: str, *, post_named: bool) -> CanonicalTold:
    """How a page taken for the archived article its canonical URL names is said: a
    URL handed to backfill (``origin`` "url") whose article's post is known
    (``post_named``) as backfill says any URL archived already (``archived already:
    URL (POST)``); else in a warning naming both."""
    return "archived already" if origin == "url" and post_named else "warning"


def host_twin(url_key: str) -> str | None:
    """The same link on the other host name of its site: ``www.host``'s for ``host``'s
    and back (look16i I6). A site that serves its pages on both names without a
    redirect or a canonical URL gives each article two links; the convention (and
    urls.host_key, by which hosts are matched) makes them one site and one page, so
    an item unknown at its link and known at its twin is that article. None: no twin
    (an address, a one-label host such as ``localhost``, a user in the URL)."""
    parts = split(url_key)
    if parts is None or not parts.hostname:
        return None
    host, scheme = parts.hostname, parts.scheme
    if not url_key.startswith(f"{scheme}://{host}"):  # a user in it, or a host in capitals
        return None
    bare = host.removeprefix("www.")
    if "." not in bare or bare.replace(".", "").isdigit():
        return None
    other = bare if bare != host else f"www.{host}"
    return f"{scheme}://{other}{url_key[len(scheme) + 3 + len(host) :]}"


def host_twin_mark(url_key: str) -> str:
    """The state's mark (its meta key) that the item at ``url_key`` was said to be the
    article known at its host_twin: said once, not on every poll that lists it."""
    return f"host twin said {url_key}"


def host_twin_told(marked: bool, *, dry_run: bool) -> tuple[bool, bool]:
    """Whether an item taken as the article at its host_twin is said, and the mark
    recorded: once, when not marked yet (``marked``); a dry run records nothing, so it
    says it each time."""
    return not marked, not marked and not dry_run
