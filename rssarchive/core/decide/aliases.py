"""Whether a link known only as an alias of an archived article (where its page's 301
ended, the URL its page named canonical, where a temporary redirect landed it) is still
that article when a later item is listed at it (look16d F1).

Part of the decider (rssarchive.core.decide): pure, no state, no disk. An alias is
evidence the article's page gave about itself, not about the items a feed lists later:
a template that names the wrong canonical URL, or a story merged into another by a 301,
would make every later item at that link the old article, skipped, silently when the
feed has no guids. So the item is that article only when nothing contradicts it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from rssarchive.core.dates import to_utc
from rssarchive.core.decide.entries import asks_taken_said
from rssarchive.core.decide.identity import ByGuid, Shown
from rssarchive.core.decide.policies import ARTICLE_STANDING
from rssarchive.core.identity import differs, title_key


def asks_alias_of(known: str, status: str | None, *, aliased: bool) -> bool:
    """Whether alias_contradicted is asked (reads of the state and a post): only for an
    item skipped (``known``, as known_link says) for an article archived already
    (``status`` done) at a link that is only an alias of it (``aliased``: not its own
    recorded link, read with the lookup itself)."""
    return aliased and known == "skipped" and status == ARTICLE_STANDING.done


def alias_contradicted(
    item_guid: str | None,
    item: Shown,
    archived_guid: str | None,
    archived: Shown | None,
    *,
    own_listed: bool = False,
    named_canonical: bool = False,
) -> str | None:
    """What says an item listed at a link known only as an alias of an archived article
    (its post's title and date: ``archived``; None: it cannot be read) is another
    article (None: nothing; it is that article). The same guid is that article. The
    article listed at its own link in the same document (``own_listed``) is another item
    there, unless both are dated alike: two items listed at once are two articles
    (look16e F2: a daily column's page naming the evergreen URL canonical), a tracker
    and the story it led to, or an AMP copy beside its article, dated alike, are one.
    Another title is another article, unless both are dated alike (a headline edited);
    the same title on another date is a recurring one ("Morning briefing", look16e F2),
    another article; with no title on a side, another guid is (another guid alone is
    not: a move by guid, a site migration, leave aliases their article is listed at
    under new guids). An AMP copy or a ``?ref=`` link whose page named the article
    canonical, with its title and its date (or none), is that article. The item's link
    being the URL the archived page named its own canonical one (``named_canonical``:
    the canonical_alias mark) is that article with its title whatever the dates (look16g
    F9: its AMP copy dated by another feed's update time), unless it is listed at its
    own link too (the recurring column, look16e F2)."""
    if item_guid is not None and item_guid == archived_guid:
        return None
    dated = (
        archived is not None
        and archived.dated
        and item.published is not None
        and archived.published is not None
    )
    redated = (
        dated
        and archived is not None
        and differs(None, item.published, None, archived.published) == "another date"
    )
    # Both listed, but dated alike: one story under two links (a tracker and the story
    # it led to, an AMP copy beside its article), not two articles.
    if own_listed and not (dated and not redated):
        return "the archived article is listed at its own link too"
    if archived is None:
        return None  # nothing to tell it by: the alias stands, as before
    mine, theirs = title_key(item.title), title_key(archived.title)
    if named_canonical and mine and mine == theirs:
        return None  # the page's word about itself: a date apart is no other article
    if mine and theirs:
        if mine != theirs and (redated or not dated):
            return "another title and date" if redated else "another title"
        # The same title and date (or none): another guid alone is no other article, an
        # alias a move by guid or a site migration left is listed under new guids.
        return "the same title on another date" if mine == theirs and redated else None
    if item_guid is not None and archived_guid is not None:
        return "another guid"
    return None


def temporary_landing(url_key: str) -> str:
    """The state's mark (its meta key) that an article's alias ``url_key`` is where a
    temporary redirect took its page (a 302, 303 or 307 among its hops): the article
    it names is its value."""
    return f"temporary landing {url_key}"


def frees_landing(
    guid_key: str | None,
    archived_guid_key: str | None,
    article_id: int,
    landed_for: str | None,
    *,
    titles: tuple[str | None, str | None] = (None, None),
    dates: tuple[datetime | None, datetime | None] = (None, None),
) -> bool:
    """Whether the link of an item skipped for an archived article is handed to the
    item, a new article (look 16 F10): the link is only where a temporary redirect took
    that article's page (``landed_for``: the article the temporary_landing mark names,
    read when asks_taken_said says the guids differ; None: no mark), and the item's
    guid is another than the archived one's. A temporary redirect's target is no
    identity; an item with the archived guid (a tracking link and the story's own) or
    without a guid stays that article, and so does one with its title (``titles``: the
    item's and the archived post's, read when ``landed_for`` names it): the story a
    tracker was archived from, listed at its own link under its own guid (fixF). An
    aggregator's item titles the story "Story - Site": a site's name aside the titles
    are one (look16f s06); where both are dated (``dates``: the item's and the post's)
    they are then of one day too, else another article of that title."""
    if not asks_taken_said(guid_key, archived_guid_key) or landed_for != str(article_id):
        return False
    return not landed_story(titles, dates)


def landed_story(
    titles: tuple[str | None, str | None], dates: tuple[datetime | None, datetime | None]
) -> bool:
    """Whether an item at a link where a temporary redirect once took an archived
    article's page is that article by what it shows (frees_landing): its title and the
    post's (``titles``) are one, a site's name aside (an aggregator titles the story
    "Story - Site", the publisher's own feed "Story", look16f s06), and where both are
    dated (``dates``: the item's and the post's) of one UTC day: the same title another
    day is a recurring one. No title on a side tells nothing (the guid does)."""
    # Imported here: the re-checks' text module is not for a run with nothing to do.
    from rssarchive.core.recheck_text import same_but_site_name

    mine, theirs = titles
    if not title_key(mine) or theirs is None or not title_key(theirs):
        return False
    if not same_but_site_name(mine or "", theirs, title_key):
        return False
    when, then = dates
    return when is None or then is None or to_utc(when).date() == to_utc(then).date()


def judged_alias(url_key: str) -> str:
    """The state's mark (its meta key) that an item at the alias ``url_key`` was judged
    to be the article its value names (by its page's title and text, or the item whose
    title the page shows): not only where a page pointed, so alias_contradicted is not
    asked of it (a headline "BREAKING: …" taken for the story it leads to stays so)."""
    return f"judged alias {url_key}"


def canonical_alias(url_key: str) -> str:
    """The state's mark (its meta key) that the alias ``url_key`` is the URL its article's
    page named canonical (its value names the article): the page's word about itself,
    which alias_contradicted weighs over a date (look16g F9). Aliases recorded before
    have no mark: their dates still decide."""
    return f"canonical alias {url_key}"


def alias_said(link: str, archived_url: str, why: str) -> str:
    """The warning for an alias handed to the new article listed at it."""
    return (
        f"{link}: known only as an alias of the archived {archived_url} (where its page"
        f" or a redirect pointed), but this item is another article ({why}); archived"
        " as a new one"
    )


def past_dropped_alias(answer: ByGuid, dropped: int | None) -> ByGuid:
    """by_guid's ``answer`` for an item whose link was an alias of the archived article
    ``dropped``, just handed to it as another article (alias_said: "archived as a new
    one"; None: none dropped): a move to that same article, which the guid's history
    alone tells (a guid attached to it by its link, review16d H4), is the new article
    said, with its guid. Taken back, the item was said archived as a new one and said
    not archived again, run after run, and never written (look16h H4)."""
    if dropped is None or answer.kind != "moved" or answer.owner != dropped:
        return answer
    return ByGuid("new", answer.guid)


# -- a page several items' temporary redirects shared (look16d F9) --------------------------


def crowded(landings: Sequence[tuple[str, str | None, str]]) -> set[str]:
    """The URL keys that different items (by title, as title_key; untitled, by guid key)
    of one run reached by a temporary redirect (``landings``: final key, guid key,
    title): a page several articles are sent to (a maintenance page, a login, a consent
    wall) is none of theirs. Items with one title are one article listed twice (two
    tracking links to one story): its page is theirs."""
    items: dict[str, set[str | None]] = {}
    for key, guid, title in landings:
        items.setdefault(key, set()).add(title_key(title) or guid)
    return {key for key, seen in items.items() if len(seen) > 1}


def crowd_owners(
    landings: Sequence[tuple[str, str | None, str]], headlines: Sequence[str | None]
) -> dict[str, int]:
    """The pages (URL keys) that different items of a run reached by a temporary
    redirect (``landings``, as crowded takes them) and that show one of those items'
    titles as their own (``headlines``: the headline of the page each landed on), each
    with that item (its index): one item only, else none. Two tracking links to one
    story under two headlines ("BREAKING: …") are that story, the item whose title it
    shows; a maintenance, login or consent page shows none of theirs."""
    shows: dict[str, set[str]] = {}
    first: dict[tuple[str, str], int] = {}
    for i, ((key, _, title), headline) in enumerate(zip(landings, headlines, strict=True)):
        mine = title_key(title)
        if mine and mine == title_key(headline):
            shows.setdefault(key, set()).add(mine)
            first.setdefault((key, mine), i)
    return {key: first[key, next(iter(ts))] for key, ts in shows.items() if len(ts) == 1}


def crowd_contradicted(
    item_guid: str | None, item: Shown, owner_guid: str | None, owner: Shown
) -> bool:
    """Whether an item a temporary redirect sent to the page another item of the run
    owns (crowd_owners) is another article than that item's, though the page shows
    none of its own (look16e F8: a tracker misrouted for a while): its guid, its title
    and its date all another than the owner's, each there on both sides. A title that
    holds the other (``BREAKING: Storm hits coast``) is no other title: a temporary
    redirect is no evidence of identity, but a headline of the same story is."""
    if item_guid is None or owner_guid is None or item_guid == owner_guid:
        return False
    mine, theirs = _words(item.title), _words(owner.title)
    if not mine.strip() or not theirs.strip() or theirs in mine or mine in theirs:
        return False  # a headline of the same story
    if item.published is None or owner.published is None:
        return False
    return differs(None, item.published, None, owner.published) == "another date"


def _words(title: str | None) -> str:
    """A title's words (title_key's, without their punctuation), space-bounded: one
    title holds another when its words follow one another in it."""
    words = "".join(c if c.isalnum() else " " for c in title_key(title)).split()
    return f" {' '.join(words)} "


def crowd_said(title: str) -> str:
    """Why an item sent to a page another item of the run owns (crowd_owners) is taken
    for that item's article: the page shows that item's title."""
    return f"the page shows the title of the item {title!r}"


# -- a guid found reused (look16e F15) ----------------------------------------------------


def reuse_said(*, reused_before: bool) -> Literal["said", "logged"]:
    """How a guid found naming another article is told: said the first time, when it
    is recorded as reused; "logged" once it was (``reused_before``): it identifies
    nothing from then on, without more warnings (a daily column's constant guid is
    found reused again each day the strong evidence of its title and teaser is belied
    by its old link)."""
    return "logged" if reused_before else "said"
