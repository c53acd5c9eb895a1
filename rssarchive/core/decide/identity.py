"""An item's identity by its guid and within its feed document: what a guid is as
compared, which guids identify nothing (shared by items with different links, a site's
own address, recorded as reused), which article an item unknown by its link is by its
guid, and which article a page that a redirect took elsewhere is.

Part of the decider (rssarchive.core.decide): pure, no state, no disk. The comparisons
(titles, dates, texts) and why the rule is so are core/identity.py's; the
orchestration (run/recording.py, run/working.py) reads the state and the posts, asks
these functions, and carries their answers out (warnings, aliases, reused guids)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rssarchive.core.decide.relisted import new_at_own_link
from rssarchive.core.identity import (
    SAME_BY,
    SAME_TEXT,
    differs,
    is_site_root,
    is_title_guid,
    near_text,
    permalink_differs,
    same_by,
    still_same,
    title_key,
)
from rssarchive.core.urls import is_safe_link, normalize_url

# -- a feed document's guids --------------------------------------------------------------


def guid_key(guid: str | None) -> str | None:
    """A guid as compared (None: the item has none): a URL as urls.normalize_url
    compares it, so an http→https change re-archives nothing; else its text, trimmed."""
    if not guid or not guid.strip():
        return None
    guid = guid.strip()
    return normalize_url(guid) if is_safe_link(guid) else guid


def link_key(link: str | None) -> str | None:
    """An item's link as compared (None: none, or not one we fetch)."""
    return normalize_url(link) if link and is_safe_link(link) else None


def shared_guids(items: Sequence[tuple[str | None, str | None]]) -> dict[str, int]:
    """The guid keys of one feed document's items (guid, link) that items with
    different links share (links that differ only in tracking parameters are one), each
    with the number of links: such a guid identifies none of them (each is identified
    by its link), and is recorded as reused."""
    links: dict[str, set[str]] = {}
    for guid, link in items:
        key, url = guid_key(guid), link_key(link)
        if key is not None and url is not None:
            links.setdefault(key, set()).add(url)
    return {key: len(urls) for key, urls in links.items() if len(urls) > 1}


def site_root_guids(guids: Sequence[str | None]) -> dict[str, str]:
    """The guids of one feed document that are a site's own address (identity.is_site_root),
    by their key, each as written (trimmed): they name the site, not an article, so they
    identify nothing from the start."""
    return {
        key: (guid or "").strip()
        for guid in guids
        if (key := guid_key(guid)) is not None and is_site_root(key)
    }


def collapsed(items: Sequence[tuple[str | None, str | None, str]]) -> list[tuple[str, int]]:
    """The links (as first written, with how many items) that different items (guid,
    link, title: another guid or title) of one feed document share (a #fragment or
    tracking parameters make no other link): one page, so one article is archived for
    them and the others are not; said."""
    found: dict[str, tuple[str, set[tuple[str | None, str]]]] = {}
    for guid, link, title in items:
        url = link_key(link)
        if url is not None and link is not None:
            _, seen = found.setdefault(url, (link, set()))
            seen.add((guid_key(guid), title_key(title)))
    return [(link, len(seen)) for link, seen in found.values() if len(seen) > 1]


# -- which article an item unknown by its link is, by its guid -----------------------------


@dataclass(frozen=True)
class Shown:
    """A title, date and text (identity.text_key; None: none) as compared. ``dated``:
    whether the date is known: a post without our ``<!--ms-->`` line (written by hand,
    or by an older version) leaves it unknown, which is not "undated"."""

    title: str | None
    published: datetime | None
    text: str | None = None
    dated: bool = True
    plain: str | None = None  # the text itself (identity.text_plain; None: not at hand)


@dataclass(frozen=True)
class Owner:
    """An article recorded with the guid (State.guid_owners), as the rule needs it."""

    id: int
    feed: str  # the feed it was recorded for
    keys: frozenset[str]  # its URL keys: its own and its aliases
    seen: Shown | None  # what the feed's item with this guid last showed (None: nothing)
    entry: Shown | None  # the entry it came from, while not archived
    has_post: bool  # archived: its post is what it is compared with


@dataclass(frozen=True)
class LastSeen:
    """What a feed's item with a guid last showed, and the article it named
    (State.guid_seen)."""

    article_id: int
    shown: Shown


@dataclass(frozen=True)
class ByGuid:
    """What an item unknown by its link is, by its guid.

    ``kind``: "new": a new article, recorded with ``guid`` (None: with no guid, the guid
    identifies nothing); "moved": it is ``owner``, at a new link (aliased to it, said with
    ``why``: what it shares with it; ``strongest``: by the same guid, title and date, see
    move_said); "reused": a new article, though ``owner`` has its guid (``why``: how it
    differs): said, and the guid is recorded as reused."""

    kind: Literal["new", "moved", "reused"]
    guid: str | None
    owner: int | None = None
    why: str = ""
    strongest: bool = False
    across: bool = False  # "moved": ``owner`` is another feed's article (across_feeds)


@dataclass(frozen=True)
class NeedsPost:
    """by_guid's question before its answer: the rule compares the item with the post of
    the archived article ``owner`` (its only record of what it showed). The caller reads
    it (None: it cannot be read), adds it to ``posts`` and asks again: a post is read
    only when the rule needs it, one at a time, as before."""

    owner: int


class Listing(frozenset[str]):
    """The URL keys of a feed document's links (what by_guid's ``listed`` is), with what
    the item at each shows (``items``: its guid key, after shared_guids and
    site_root_guids, and its title and date): whether an article is still listed at its
    own link depends on whether the item there is still that article."""

    items: Mapping[str, Sequence[tuple[str | None, Shown]]]

    def __new__(cls, items: Mapping[str, Sequence[tuple[str | None, Shown]]]) -> Listing:
        listing = super().__new__(cls, items.keys())
        listing.items = dict(items)
        return listing


def _still_there(
    guid: str, item: Shown, there: Sequence[tuple[str | None, Shown]] | None, link: str
) -> bool:
    """Whether an item a document lists at an article's own link (``link``; ``there``:
    each one's guid key and what it shows; None: not known) is still that article (the
    one with ``guid``, which ``item`` shows at another link): unless its guid is another
    (or none) and its title and date too (look 16 F5: a new article at a moved one's old
    address), or decide.new_at_own_link (a daily column at an evergreen URL). A title
    alone is not enough: guids and titles that follow positions (a feed's) would make
    every article another's."""
    new = (
        _plainly_another(item, s) or new_at_own_link(k, guid, link, redated=_redated(item, s))
        for k, s in there or ()
    )
    return there is None or any(k == guid or not n for (k, _), n in zip(there, new, strict=True))


def _plainly_another(item: Shown, other: Shown) -> bool:
    """Whether two items differ by title and by date, both there on each side."""
    titles = title_key(item.title), title_key(other.title)
    return all(titles) and titles[0] != titles[1] and _redated(item, other)


def _redated(item: Shown, other: Shown) -> bool:
    """Whether two items' dates, both there, differ."""
    return differs(None, item.published, None, other.published) == "another date"


def _differs_titled(*args: object, **kwargs: object) -> str | None:
    """identity.differs for an item whose guid is its title (identity.is_title_guid)."""
    return differs(*args, titled=True, **kwargs)  # type: ignore[arg-type]


def asks_last_seen(reused: bool) -> bool:
    """Whether by_guid needs ``last_seen`` (a read of the state): only for a guid
    recorded as reused, which follows the article its item last named."""
    return reused


def asks_owners(reused: bool, last_seen: LastSeen | None) -> bool:
    """Whether by_guid needs ``owners`` (a read of the state): always, but for a reused
    guid that this feed's item never showed (it identifies nothing then)."""
    return not reused or last_seen is not None


def by_guid(
    item: Shown,
    *,
    url_key: str,
    guid: str,
    feed: str,
    listed: frozenset[str],
    reused: bool,
    owners: Sequence[Owner],
    last_seen: LastSeen | None,
    posts: Mapping[int, Shown | None],
    at_links: Mapping[str, Sequence[tuple[str | None, Shown]]] | None = None,
) -> ByGuid | NeedsPost:
    """Which article an item (``item``: its title, date, text) unknown by its link
    (``url_key``) is by its guid (``guid``, as guid_key), the rules of identity.py:
    ``feed``: the feed listing it; ``listed``: the URL keys its document lists;
    ``reused``: the guid is recorded as reused. What the caller read first, each when
    asks_last_seen and asks_owners say so (else empty, None): ``owners``: the articles
    recorded with the guid; ``last_seen``: what this feed's item with it last showed;
    ``posts``: the archived owners' posts read so far (None: it cannot be read); a
    NeedsPost when the rule needs another. ``at_links``: what the items at ``listed``'s
    links show (Listing.items; None: not known, each taken for its article)."""
    titled = is_title_guid(guid, item.title)  # weak: a changed date is another article
    if reused:
        return _by_retired_guid(item, listed, owners, last_seen, titled=titled)
    # Identity by guid is per feed: two feeds' ids are not one namespace (two editions'
    # "brief-1" are two articles).
    mine = [o for o in owners if o.feed == feed]
    if not mine:
        return across_feeds(item, url_key, guid, owners, posts, titled=titled)
    known = at_links or {}
    still_listed = next(
        (
            o
            for o in mine
            if any(_still_there(guid, item, known.get(key), key) for key in o.keys & listed)
        ),
        None,
    )
    if still_listed is not None:  # it did not move: this is another article
        return ByGuid("reused", None, still_listed.id, "still listed at its own link")
    if url_key == guid:
        # The guid is a URL, and it is this item's own address: the archived article
        # named it as its permanent address (rule (b)), unless its date says otherwise.
        theirs = compared_with(mine[0], posts)
        if isinstance(theirs, NeedsPost):
            return theirs
        why = owner_differs(item, theirs, permalink_differs)
        if why is None:
            return ByGuid("moved", guid, mine[0].id, "its guid is its link")
        return ByGuid("reused", None, mine[0].id, why)
    first: ByGuid | None = None
    for owner in mine:  # the first that does not differ is the one
        theirs = compared_with(owner, posts)
        if isinstance(theirs, NeedsPost):
            return theirs
        why = owner_differs(item, theirs, _differs_titled if titled else differs)
        if why is None:
            how = owner_differs(item, theirs, same_by) or SAME_BY
            return ByGuid("moved", guid, owner.id, how, strongest=how == SAME_BY)
        first = first or ByGuid("reused", None, owner.id, why)
    assert first is not None
    return first


def _by_retired_guid(
    item: Shown,
    listed: frozenset[str],
    owners: Sequence[Owner],
    last_seen: LastSeen | None,
    *,
    titled: bool,
) -> ByGuid:
    """A guid recorded as reused identifies nothing, but follows the article this feed's
    item with it last named when the item has its title and text (identity.still_same)
    and that article is not listed at its own link in this document; else a new article,
    without a warning (the guid's reuse was said). Without this, every later move of an
    article whose guid was once retired was a duplicate nobody heard of (review16d H8).
    A guid that is its title (``titled``) follows it only when the dates agree too."""
    if last_seen is None or (titled and _redated(item, last_seen.shown)):
        return ByGuid("new", None)
    owner = next((o for o in owners if o.id == last_seen.article_id), None)
    if owner is None or owner.keys & listed:
        return ByGuid("new", None)
    if still_same(item.title, item.text, last_seen.shown.title, last_seen.shown.text) is not None:
        return ByGuid("new", None)
    return ByGuid("moved", None, owner.id, SAME_TEXT)


def across_feeds(
    item: Shown,
    url_key: str,
    guid: str,
    owners: Sequence[Owner],
    posts: Mapping[int, Shown | None],
    *,
    titled: bool,
) -> ByGuid | NeedsPost:
    """Which article of another feed an item with its guid is (look16f s03: Medium's
    author and publication feeds list one story at two paths, one guid, in full: no page
    fetched). Ids are per feed, but a real guid (not a copy of a link or the title) with
    the same title, date to the second and text, each where both have one, is one
    article; two editions' "brief-1" differ in one of them."""
    mine = title_key(item.title)
    for owner in [] if titled or url_key == guid or not mine else owners:
        theirs = None if guid in owner.keys else compared_with(owner, posts)
        if isinstance(theirs, NeedsPost):
            return theirs
        if isinstance(theirs, Shown) and title_key(theirs.title) == mine:
            dated = theirs.dated and None not in (item.published, theirs.published)
            texts = _other_texts(item, owner, theirs, posts)
            if isinstance(texts, NeedsPost):
                return texts
            if not (dated and _redated(item, theirs)) and not texts:
                how = "the same guid, title and date in another feed"
                return ByGuid("moved", guid, owner.id, how, strongest=True, across=True)
    return ByGuid("new", guid)


def _other_texts(
    item: Shown, owner: Owner, theirs: Shown, posts: Mapping[int, Shown | None]
) -> bool | NeedsPost:
    """Whether the item's text and an owner's (each where both have one) are two texts
    across feeds: other digests, and not near_text (one the other plus a feed's footer,
    look16g F10): the owner's text from its entry, else its post, when only its digest
    is stored."""
    if None in (item.text, theirs.text) or item.text == theirs.text:
        return False
    other = theirs.plain
    if other is None and owner.entry is not None and owner.entry.text == theirs.text:
        other = owner.entry.plain  # its entry, while not archived, shows that same text
    if other is None and owner.has_post:
        if owner.id not in posts:
            return NeedsPost(owner.id)
        post = posts[owner.id]
        other = None if post is None else post.plain
    return item.plain is None or other is None or not near_text(item.plain, other)


def compared_with(owner: Owner, posts: Mapping[int, Shown | None]) -> Shown | str | NeedsPost:
    """What ``owner`` is compared by: what the feed's item with its guid last showed,
    else its entry's while not archived, else its post's (``posts``: those read; a
    NeedsPost when its own is not yet; no text then: a post is not the feed's text). A
    reason when there is nothing to compare with."""
    theirs = owner.seen or owner.entry
    if theirs is None and owner.has_post:
        if owner.id not in posts:
            return NeedsPost(owner.id)
        theirs = posts[owner.id]
        if theirs is None:
            return "its post cannot be read"
    return "nothing archived to compare with" if theirs is None else theirs


def owner_differs(item: Shown, theirs: Shown | str, rule: Callable[..., str | None]) -> str | None:
    """``rule`` (identity.differs, permalink_differs, same_by) on the item and what an
    owner is compared by (compared_with; a reason: nothing to compare, said as it is). A
    post that does not say its date leaves the item's date out too: the title decides,
    as for an undated article (its date unknown is not another date)."""
    if isinstance(theirs, str):
        return theirs
    mine = item.published if theirs.dated else None
    return rule(
        item.title, mine, theirs.title, theirs.published, text=item.text, archived_text=theirs.text
    )


# -- whether a redirect says which article a page is (look 16 F1, F2) ----------------------

Redirected = Literal["none", "permanent", "temporary"]


def redirected(
    link_key: str, page_key: str, statuses: Sequence[int], *, feed_text: bool
) -> Redirected:
    """How an item's page came to another URL than its link (``statuses``: its hops'):
    "none" (the same URL key; or ``feed_text``, a post from the feed's text, not the
    page's), "permanent" (every hop a 301 or 308), else "temporary" (a 302, 303 or 307
    among them: a login, a consent wall, a maintenance page; no evidence)."""
    if feed_text or page_key == link_key:
        return "none"
    if statuses and all(status in (301, 308) for status in statuses):
        return "permanent"
    return "temporary"


def redirect_contradicts(
    guid: str | None, item: Shown, other_guid: str | None, other: Shown | None
) -> str | None:
    """What says an item whose page a permanent redirect took to an archived article is
    not that article (None: nothing): another guid, title or date, each only when both
    sides have one (a permanent redirect is the evidence; nothing may contradict it)."""
    if guid is not None and other_guid is not None and guid != other_guid:
        return "another guid"
    if other is None:
        return None
    mine, theirs = title_key(item.title), title_key(other.title)
    if mine and theirs and mine != theirs:
        return "another title"
    if other.dated and differs(None, item.published, None, other.published) == "another date":
        return "another date"
    return None


@dataclass(frozen=True)
class Landing:
    """Where an item's page ended, as landed says: "write" (its post), "same" (the
    archived ``other``: not written, its link an alias of it), "retry" (not its page: a
    failed attempt, said, tried again later; ``why``)."""

    kind: Literal["write", "same", "retry"]
    other: int | None = None
    why: str = ""


def asks_other_shown(other: int | None, how: Redirected) -> bool:
    """Whether landed needs ``contradiction`` (reads of the state and a post): only when
    the page is another archived article's and a permanent redirect led there."""
    return other is not None and how == "permanent"


def landed(
    *,
    how: Redirected,
    page_url: str,
    home: bool,
    crowded: bool,
    other: int | None,
    contradiction: str | None,
    same: str | None = None,
) -> Landing:
    """What an item's page is (``page_url``: where it ended, ``how``: redirected): a
    redirect to a site's home page (``home``), or a temporary one that different items
    of the run shared (``crowded``), reached no article's page; ``other``: the article
    archived already under the page's URL (archived_elsewhere), the item's only after
    no temporary redirect and with nothing that contradicts it (``contradiction``,
    redirect_contradicts, asked when asks_other_shown says so), or after a temporary
    one, with what shows it to be the item (``same``, evidence.landing_shares). Each
    "retry" is a failed attempt: the page may be the article's own once the site is back."""
    if how != "none" and home:
        return Landing("retry", why=f"its page redirects to the site's home page ({page_url})")
    if how == "temporary" and crowded:
        return Landing(
            "retry",
            why=f"other items were sent to the same page ({page_url}) by a temporary redirect:"
            " a maintenance, login or consent page, not this article's",
        )
    if other is None:
        return Landing("write")
    if how == "temporary" and same is not None:  # evidence.landing_shares (look16c F11)
        return Landing("same", other, same)
    if how == "temporary":
        return Landing(
            "retry",
            other,
            f"a temporary redirect took its page to {page_url}, another article archived"
            " already; no evidence it is that article",
        )
    if contradiction is not None:
        return Landing(
            "retry",
            other,
            f"its page is {page_url}, an article archived already, but {contradiction}",
        )
    return Landing("same", other)
