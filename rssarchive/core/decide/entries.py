"""An entry's identity (new or known, who owns its guid, a link taken) and, for backfill,
which feed a URL belongs to.

Part of the decider (rssarchive.core.decide): pure, the time an argument."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from rssarchive.core.decide.identity import Shown, link_key, redirected
from rssarchive.core.decide.policies import ARTICLE_STANDING
from rssarchive.core.identity import TITLE_AND_DAY, differs, title_key
from rssarchive.core.models import Entry, Origin
from rssarchive.core.urls import host_key

T = TypeVar("T")


# -- what a run records, what a dry run says instead --------------------------------------


_DONE = ARTICLE_STANDING.done  # an article archived, its post written


def records(*, dry_run: bool) -> bool:
    """Whether a run writes what it finds: the one rule every step that writes asks
    (the orchestration tests no ``dry_run`` of its own). The state: a guid found reused
    (shared by items, a site's address, another article's), what an item's guid shows
    now, the mark that a warning was said, a move's new link, a URL handed to backfill
    and tried now, a feed's poll, renamed feeds, a killed run's work taken up, a failed
    run, the kept copy, the re-checks; and the posts. A dry run fetches, decides and
    says what a real run would, and writes nothing (README, "run": no post, no state)."""
    return not dry_run


TakenOn = Literal["begun", "would write"]


def taken_on(*, dry_run: bool) -> TakenOn:
    """What becomes of an entry found new: "begun", recorded as a pending article (its
    job follows); "would write", a dry run's, named by the post's file it would write,
    and nothing recorded."""
    return "would write" if dry_run else "begun"


def unusable_link(link: str | None) -> bool:
    """Whether a link is no article's page we fetch (none, or not an absolute http(s)
    URL: link_key has none). A feed's item with such a link (an item with only an
    enclosure is one) is skipped, and said on every run that lists it, for it is never
    archived and its feed keeps listing it; a URL handed to backfill so is failed."""
    return link_key(link) is None


@dataclass(frozen=True)
class SiteRootGuid:
    """What is done with a guid that is a site's own address (decide.site_root_guids)."""

    says: bool  # the warning that it identifies no article is said
    records: bool  # it is recorded as reused (from then on it is not said again)


def site_root_guid(reused: bool, *, dry_run: bool) -> SiteRootGuid:
    """A guid that is a site's address identifies nothing: said once, when the state
    does not record it as reused yet (``reused``), and recorded then; a dry run records
    nothing, so it says it each time."""
    return SiteRootGuid(says=not reused, records=not reused and records(dry_run=dry_run))


def sees_guid(guid_key: str | None, *, dry_run: bool) -> bool:
    """Whether what an item shows now is recorded for its guid (the reference a later
    move of it is compared with, identity.py): an item with a guid, in a run that
    records."""
    return guid_key is not None and records(dry_run=dry_run)


def alias_key(keys: Sequence[str]) -> str | None:
    """The URL key recorded as an alias of an article placed under ``keys``
    (decide.page_keys): where its page's redirects ended, when that is another than its
    link, so that a later link to that URL is this article; None: none."""
    return keys[1] if len(keys) > 1 else None


# -- entries: new or known ---------------------------------------------------------------

Known = Literal["new", "by guid", "again", "asked now", "resumed", "skipped"]


def asks_post_gone(status: str | None, *, listed_twice: bool, again: bool, adoptable: bool) -> bool:
    """Whether known_link's answer depends on ``post_gone`` (a read of the disk): only
    for an article handed to backfill again that is neither pending nor failed. The
    caller reads it only then: a run's known items read nothing more."""
    if listed_twice or status is None or not again:
        return False
    return not (status == "pending" and not adoptable) and status != "failed"


def known_link(
    status: str | None,
    *,
    listed_twice: bool,
    again: bool,
    adoptable: bool,
    has_guid: bool,
    post_gone: bool,
) -> Known:
    """What an entry is, by its link: ``status`` is its article's (None: the link is
    unknown), ``listed_twice``: this run took the link on already, ``again``: an article
    that failed for good is tried once more (a URL handed to backfill again),
    ``adoptable``: its post is in _posts, which the state does not know yet (a dry run's
    view of a killed run's work), ``post_gone``: its post was deleted from _posts by hand
    (read by the caller when asks_post_gone says it matters, else False).

    "new": recorded as a new article; "by guid": unknown by its link, its guid says
    (identity.py); "again": its article, failed for good or archived with its post
    deleted by hand, is handed to backfill again and tried once more; "asked now": its
    article waits for a retry and is handed to backfill, which tries it now, whatever
    its back-off; "resumed": its article is pending, this run (or a later one, after
    its back-off) goes on with it, neither new nor skipped; "skipped": archived already
    (or listed twice)."""
    if listed_twice:
        return "skipped"
    if status is None:
        return "by guid" if has_guid else "new"
    if status == "pending" and not adoptable:
        return "asked now" if again else "resumed"
    if again and (status == "failed" or post_gone):
        return "again"
    return "skipped"


@dataclass(frozen=True)
class MovedTo:
    """Where an archived article went when its feed's item with its guid was last taken
    for it at another link (State.moved_to): that feed, that guid, and the link (its
    URL key, and as listed)."""

    feed: str
    guid: str
    key: str
    link: str


def asks_moved_to(item_guid: str | None, archived_guid: str | None) -> bool:
    """Whether hands_over needs ``moved_to`` (a read of the state): only for an item
    with a guid at an archived article's link whose own guid is another (or none)."""
    return item_guid is not None and item_guid != archived_guid


def hands_over(
    link_key: str,
    item_guid: str | None,
    feed: str,
    moved_to: MovedTo | None,
    *,
    guid_names_it: bool,
) -> bool:
    """Whether the link ``link_key`` of an archived article is no longer that article's
    but a new one's, listed there by ``feed`` with ``item_guid`` (look 16 F5): the
    article moved away by its guid (``moved_to``, read when asks_moved_to says so) in
    that feed, to another link, and the item's guid is another that does not name it
    (``guid_names_it``: the feed's item with that guid last named it). Then the link is
    handed over: the new article gets its own post. A link still the article's (never
    moved, moved back, listed by another feed with that feed's own guid) is not."""
    if moved_to is None or item_guid is None or guid_names_it:
        return False
    return moved_to.feed == feed and moved_to.guid != item_guid and moved_to.key != link_key


# -- a guid seen on an item known by its link ----------------------------------------------


def asks_other_owners(seen_article: int | None) -> bool:
    """Whether attaches needs ``other_owners`` (a read of the state): only when the
    feed's item with the guid named no article yet. Asked on every run's known items,
    so read only then."""
    return seen_article is None


def asks_another_here(seen_article: int | None, other_owners: bool) -> bool:
    """Whether attaches needs ``another`` (a read of the archived article's post, for an
    item whose guid is another real one than the article's): only when the guid would
    be attached anew, named by nothing yet."""
    return seen_article is None and not other_owners


def attaches(
    article_id: int, seen_article: int | None, other_owners: bool, *, another: bool = False
) -> bool:
    """Whether a feed's guid is attached to the article ``article_id`` that its item
    names by its link only (another source archived it: a feed of the config, a
    backfill; review16d H4), so that the guid follows the article's later moves.
    ``seen_article``: the article the feed's item with that guid last named (None:
    none); ``other_owners``: whether another article was recorded with that guid for
    that feed (read by the caller when asks_other_owners says so). A guid that names
    another article keeps naming it: two items, two articles, and the item at this link
    is taken for this one by its link (said, says_taken). The risk: a guid named
    another article that is gone from the feed since; it is not moved over, and a later
    move of this article is archived again, said as a reused guid. Nor is the guid of
    an item found another article at that link (``another``: its own guid and a later
    day, decide.new_at_own_link; read when asks_another_here says so): refused there,
    it names nothing, and its own link, listed later, is a new article (look16h H4,
    H10: a guid taken for the article it was refused as lost that article)."""
    if not asks_other_owners(seen_article):
        return seen_article == article_id
    return not other_owners and not another


# -- a site migration: every guid and link new (look 16 F18) -------------------------------

# The archived articles of a feed an item may be after a migration, read at most.
MIGRATION_CANDIDATES = 5


@dataclass(frozen=True)
class Candidate:
    """An archived article of the item's feed (State.migration_candidates): its id, its
    URL (as archived), its URL keys (its own and its aliases), and what the feed's item
    with its guid last showed."""

    id: int
    url: str
    keys: frozenset[str]
    shown: Shown


def asks_migration(kind: str, guid: str | None) -> bool:
    """Whether migrated needs its candidates (a read of the state): only for an item
    whose guid names no article of its feed and whose link names none (by_guid's "new",
    with a guid): a site that changed every guid and link at once."""
    return kind == "new" and guid is not None


def _exactly(item: Shown, other: Shown) -> bool:
    """The same title, date and text, each there on both sides."""
    return (
        bool(title_key(item.title))
        and title_key(item.title) == title_key(other.title)
        and item.published is not None
        and other.published is not None
        and differs(None, item.published, None, other.published) is None
        and item.text is not None
        and item.text == other.text
    )


def migration_checks(
    item: Shown, candidates: Sequence[Candidate], listed: frozenset[str]
) -> tuple[Candidate | None, list[Candidate]]:
    """Which archived article an item with a new guid at a new link is after a site
    migration: (the candidate whose title, date and text are the item's exactly, else
    None; the candidates whose old link is fetched to see whether it now redirects,
    permanently, to the item's link). A candidate still listed at one of its links is
    not migrated, nor one with another title (a migration keeps titles; a new article
    fetches no old link then). A shared title alone is no evidence."""
    mine = title_key(item.title)
    gone = [c for c in candidates if not c.keys & listed and title_key(c.shown.title) == mine]
    exact = next((c for c in gone if _exactly(item, c.shown)), None)
    return exact, ([] if exact is not None else gone)


def slug_checks(
    item: Shown, candidates: Sequence[Candidate], listed: frozenset[str]
) -> list[Candidate]:
    """Which archived articles of a guid-less item's feed (``candidates``: their posts'
    titles and dates) have their old link fetched, to see whether it now redirects
    permanently to the item's (a slug renamed, look16f s08): those migration_checks
    fetches (its title, not listed) whose date is the item's to the second, where both
    say one. Another date is another article at an alias (decide.alias_contradicted)."""
    return [
        c
        for c in migration_checks(item, candidates, listed)[1]
        if not c.shown.dated
        or differs(None, item.published, None, c.shown.published) != "another date"
    ]


def migrated_by_redirect(
    url_key: str, old_key: str, final_key: str, statuses: Sequence[int]
) -> bool:
    """Whether an archived article's old link (``old_key``) now ends, by permanent
    redirects only (``statuses``), at the item's link (``url_key``): it moved there."""
    return (
        final_key == url_key
        and redirected(old_key, final_key, statuses, feed_text=False) == "permanent"
    )


def asks_redirect_evidence(kind: str, why: str) -> bool:
    """Whether an item by_guid found a new article only for want of evidence (its guid
    its title, its date a day at most: identity.TITLE_AND_DAY, look 16 F17) has the
    archived article's old link fetched: a permanent redirect to the item's is a move."""
    return kind == "reused" and why == TITLE_AND_DAY


def adopted_instead(adoptable: bool, *, dry_run: bool) -> bool:
    """Whether a dry run counts an article as archived already, not as one it would
    write: its post is in _posts (``adoptable``), which a real run adopts first."""
    return dry_run and adoptable


GuidOwned = Literal["new", "relinked", "resumed", "skipped"]


def guid_owner(owner_status: str | None, *, dry_run: bool, across: bool = False) -> GuidOwned:
    """What an entry unknown by its link is, once its guid named the article it is
    (``owner_status``; None: none, it is a new article). One not archived yet, now listed
    at another link, is fetched at that link from now on ("relinked"; a dry run changes
    nothing, so it stays "resumed"); one archived is "skipped". Another feed's pending
    article (``across``: decide.across_feeds) stays at its link: its own feed lists it
    there (it may be this run's job already); one given up there is tried at this one."""
    if owner_status is None:
        return "new"
    if owner_status != _DONE and not dry_run and not (across and owner_status == "pending"):
        return "relinked"
    return "resumed" if owner_status == "pending" else "skipped"


def asks_stored_origin(origin: Origin, status: str, *, dry_run: bool) -> bool:
    """Whether retakes needs ``stored_origin`` (a read of the state): for a feed's item
    whose article is not archived, in a run that changes things."""
    return origin == "feed" and status != _DONE and not dry_run


def retakes(origin: Origin, status: str, stored_origin: Origin | None, *, dry_run: bool) -> bool:
    """Whether a feed's item takes on again an article known by its link (``status``)
    that a backfill (or a sitemap, an archive page) took on and did not archive:
    ``stored_origin`` says whose entry the article has (None: none stored, or not read:
    asks_stored_origin says when it matters). The feed listing it is new evidence: one
    waiting for a retry is written from the item's entry, one given up is tried again.
    A dry run changes nothing."""
    if not asks_stored_origin(origin, status, dry_run=dry_run):
        return False
    return stored_origin is not None and stored_origin != "feed"


def asks_taken_said(guid_key: str | None, archived_guid_key: str | None) -> bool:
    """Whether says_taken needs ``said`` (a read of the state): only when the item's
    guid is another than the archived article's (read on every run's known items
    otherwise)."""
    return guid_key is not None and archived_guid_key is not None and archived_guid_key != guid_key


def asks_archived_guid(known: Known, status: str | None, *, has_guid: bool) -> bool:
    """Whether the guid of the article archived at an item's link is read (the state),
    to tell whether the item is said taken for it (asks_taken_said, says_taken) or the
    archived article moved away (hands_over): only for an item with a guid
    (``has_guid``) skipped (``known``) for an article archived already (``status``
    done); one pending or failed is not taken yet."""
    return has_guid and known == "skipped" and status == _DONE


def known_after_hand_over(known: Known, *, handed_over: bool) -> Known:
    """What an item is once the archived article at its link was found moved away
    (``handed_over``: hands_over said so and the run carried it out): its link is a new
    article's now, which its guid tells ("by guid"); otherwise what known_link said."""
    return "by guid" if handed_over else known


def marks_moved(owner_status: str) -> bool:
    """Whether a move taken by guid marks the links its article left as free for new
    articles (State.mark_moved): only an archived one's (``owner_status`` done); one
    not archived yet is fetched at its new link and leaves no post behind."""
    return owner_status == _DONE


def rewrites_post(post_key: str | None, url_key: str) -> bool:
    """Whether an archived article handed over to a new one at ``url_key`` has its post
    rewritten to name its new link: only when the post names this link (``post_key``:
    the URL key its post was written for, State.url_key_of)."""
    return post_key == url_key


def asks_recorded_post(status: str | None) -> bool:
    """Whether a post the state does not know, whose ``from:`` URL is an article's with
    ``status`` (None: no article), has that article's recorded post looked for (a read
    of _posts): only for an article archived already."""
    return status == _DONE


def follows_rename(status: str | None, *, recorded_post_there: bool) -> bool:
    """Whether a post the state does not know is its article's post renamed by hand
    (publish/missingposts.renamed_post): its article is archived (``status`` done)
    and its recorded post is gone (``recorded_post_there``: read when
    asks_recorded_post says so). A second post beside one still there is a copy."""
    return status == _DONE and not recorded_post_there


def post_damaged(size: int, head_bytes: int, *, front_closed: bool) -> bool:
    """Whether a post file no longer holds a post (emptied, or cut inside its front
    matter: Jekyll publishes neither), from its ``size``, the bytes of its head read
    (``head_bytes``) and whether that head closes its front matter. A front matter
    longer than the head read is not taken for a cut one (look16f s21)."""
    return size == 0 or (not front_closed and size <= head_bytes)


def other_owner(article_id: int, feed: str, owners: Iterable[tuple[str, int]]) -> bool:
    """Whether a guid was recorded for ``feed`` with another article than
    ``article_id`` (``owners``: the feed and article of each recorded owner, read when
    asks_other_owners says so): attaches' ``other_owners``."""
    return any(name == feed and owner != article_id for name, owner in owners)


def taken_mark(article_id: int, guid_key: str) -> str:
    """The state's mark (its meta key) that an item with ``guid_key`` was said taken for
    the archived article ``article_id`` (says_taken's ``said``): not said again."""
    return f"taken {article_id} {guid_key}"


def says_taken(guid_key: str | None, archived_guid_key: str | None, *, said: bool) -> bool:
    """Whether an item skipped for the archived article at its link is said to be taken
    for it (two items, one post): when its guid is another than the archived one's, and
    that was not said before (``said``: whether the state marks it said; read by the
    caller when asks_taken_said says it matters)."""
    return asks_taken_said(guid_key, archived_guid_key) and not said


# -- backfill ---------------------------------------------------------------------------


def by_host(feeds: Iterable[tuple[str, T]]) -> dict[str, T]:
    """The feeds (each with its URL) by host, the first of each host (for feed_for)."""
    found: dict[str, T] = {}
    for url, feed in feeds:
        found.setdefault(host_key(url), feed)
    return found


def feed_for(url: str, feeds_by_host: Mapping[str, T], first: T) -> T:
    """The feed a backfilled URL (or an adopted post) is counted for: the first feed on
    its host (``feeds_by_host``, see by_host), else the first of all."""
    return feeds_by_host.get(host_key(url), first)


def asks_feed_shown(status: str | None) -> bool:
    """Whether the entry of a URL handed to backfill needs what its feed last showed
    (State.seen_of, a read of the state): for an article archived before, or one that
    failed for good (given up, or its page gone), whose entry is made anew (look16 F3).
    A pending one keeps its recorded entry (known_link: "asked now"): nothing read."""
    return status in (_DONE, ARTICLE_STANDING.failed)


def asks_stored_shown(status: str | None, *, seen: bool) -> bool:
    """Whether, when no feed item with a guid named it (``seen`` False), the entry of a
    URL handed to backfill takes the title and date of the entry recorded for its
    article (State.entry_of): only for one that failed for good, whose row keeps it."""
    return status == "failed" and not seen


def url_entry(
    url: str, listed: datetime | None, shown: tuple[str | None, datetime | None] | None
) -> Entry:
    """The entry of a URL handed to backfill (``listed``: the date a sitemap lists it
    with): its page only, but for an article archived before (its post deleted by hand,
    so archived again) or given up, which keeps the title and date its feed last gave it
    (``shown``, read when asks_feed_shown says so; None: none), not the backfill's time
    (review16d H5); so does one that failed for good (look16 F3)."""
    if shown is None:
        return Entry(title="", link=url, origin="url", listed=listed)
    title, published = shown
    return Entry(title=title or "", link=url, origin="url", listed=listed, published=published)


def says_archived(named: bool, recorded: bool, post_there: bool) -> bool:
    """Whether backfill says a URL is archived already, and as which post: one the user
    ``named`` (not a sitemap's: most of a sitemap is archived already) that is not
    ``recorded`` for work, whose post is there (``post_there``, a read of the disk
    asked only when the rest holds, see asks_post_there). A post renamed by hand is that
    article's still (review16d H5). Not a warning: nothing is wrong."""
    return asks_post_there(named, recorded) and post_there


def asks_post_there(named: bool, recorded: bool) -> bool:
    """Whether says_archived needs ``post_there``: for a named URL not recorded."""
    return named and not recorded


def landed_on_listed(
    own: str,
    landed: str,
    title: str | None,
    guid: str | None,
    listed: Mapping[str, Sequence[tuple[str | None, Shown]]],
) -> bool:
    """Whether a temporary redirect took an item's page (its link's key ``own``) to
    ``landed``, where its feed document (``listed``: a Listing's items, link key -> the
    guid key and what each item there shows) lists another item: the item is not that
    page (a "live" story's link sent to another story for now). Another item: another
    title, or for untitled ones another guid; one title at both links is one story
    listed twice (a tracking link beside the story's own)."""
    if landed == own:
        return False
    mine = title_key(title) or guid
    return any(
        (title_key(shown.title) or theirs) != mine for theirs, shown in listed.get(landed, ())
    )
