"""What tells an identity the link alone cannot settle (look16c F7, F8, F11): items of
one document that share a link but each give their own permalink, and what a fetch
tells: a move by guid on evidence a daily column has too, a temporary redirect that
takes a new link to an archived article's page.

Part of the decider (rssarchive.core.decide): pure. The run (run/moves.py) fetches only
when these functions ask, and only in these rare cases: a guid archived already at
another link, a page a temporary redirect took to an archived article."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Literal

from rssarchive.core.dates import day_only, to_utc
from rssarchive.core.decide.articles import Failure
from rssarchive.core.decide.identity import Landing, Shown, guid_key, link_key
from rssarchive.core.identity import DATE_CHANGED, NEITHER_DATED, SAME_TEXT, differs, title_key

_A_SECOND = timedelta(seconds=1)

# What a move rests on when the archived article's old link now ends at the item's.
REDIRECTS_HERE = "its old link redirects here"


def permalinked(
    items: Sequence[tuple[str | None, str | None]], no_pages: Collection[str] = frozenset()
) -> dict[int, str]:
    """The items of one feed document (guid, link) whose guid is to be their link (by
    index, the guid trimmed): items that share one link (a section page, look16c F7)
    when each of them has a guid that is an http(s) URL (a permalink: RSS's default),
    and they are not all one. Each is its own article then, at its own address; the
    shared link made them one (decide.collapsed) though their texts are several.
    Otherwise one link is one page, one article, as before (a changelog's releases,
    a live page's updates, whose guids are no addresses; and guids the feed marks
    ``isPermaLink="false"``, given as None: ids on the site's host that may answer
    404 though they look like URLs, look16e F11). An item whose guid key is one of
    ``no_pages`` (its guid answered 404 or 410 as a page before: on_its_link) stays at
    its link; the others of its group keep their permalinks."""
    groups: dict[str, list[int]] = {}
    for index, (_, link) in enumerate(items):
        if (key := link_key(link)) is not None:
            groups.setdefault(key, []).append(index)
    found: dict[int, str] = {}
    for indexes in groups.values():
        guids = [(items[i][0] or "").strip() for i in indexes]
        keys = {guid_key(g) if link_key(g) is not None else None for g in guids}
        if len(indexes) > 1 and None not in keys and len(keys) > 1:
            found.update(
                (i, g) for i, g in zip(indexes, guids, strict=True) if guid_key(g) not in no_pages
            )
    return found


def own_texts(items: Sequence[tuple[str | None, str | None, str | None]]) -> dict[int, str]:
    """The items of one feed document (guid marked isPermaLink="false", else None; link;
    feed text) that are each their own article at their guid, written from their own
    feed text (look16g F5, F8): items sharing one link whose guids the feed marks no
    permalinks, each an http(s) URL no other item of the link gives, and each with a
    feed text of its own (not empty, no other's). Distinct notices listed at one page
    (`/notices`) are so; they were one post of that page. The guid URL is their key
    only, never fetched (an id on the site's host may answer 404 or the listing). By
    index, the guid trimmed; an item without a text of its own stays at its link, one
    article there with the others that do (the shared-link rule, decide.collapsed)."""
    groups: dict[str, list[int]] = {}
    for index, (_, link, _) in enumerate(items):
        if (key := link_key(link)) is not None:
            groups.setdefault(key, []).append(index)
    found: dict[int, str] = {}
    for indexes in groups.values():
        if len(indexes) < 2:
            continue
        guids = [
            guid_key(g) if link_key(g) is not None else None
            for g, _, _ in (items[i] for i in indexes)
        ]
        texts = [" ".join((items[i][2] or "").split()) for i in indexes]
        for at, i in enumerate(indexes):
            guid, text = guids[at], texts[at]
            if guid is None or not text or guids.count(guid) > 1 or texts.count(text) > 1:
                continue
            found[i] = (items[i][0] or "").strip()
    return found


def from_own_text(guid: str | None, link: str | None, *, no_address: bool) -> bool:
    """Whether an entry own_texts put at its guid (``guid`` marked no permalink:
    ``no_address``, and its ``link`` now) is written from its feed text, its page never
    fetched, whatever its feed's content mode."""
    return no_address and link_key(link) is not None and link_key(link) == link_key(guid)


OnItsLink = Literal["fetched there", "taken"]


def asks_link_taken(failure: Failure, shared_link: str | None, *, last: bool) -> bool:
    """Whether on_its_link needs ``taken`` (a read of the state): only for an item
    permalinked gave its guid as its link (``shared_link``: its own link, None: not
    such an item) whose page is gone (page_failure) on the attempt that would give its
    article up (``last``, last_attempt)."""
    return failure == "gone" and last and link_key(shared_link) is not None


def on_its_link(
    failure: Failure, shared_link: str | None, *, taken: bool, last: bool
) -> OnItsLink | None:
    """What becomes of an item permalinked fetched at its guid (``shared_link``: the link
    it shares with other items; None: not such an item) when that page failed
    (``failure``, page_failure) and no feed text made its post instead (``content:
    auto`` with text in the feed archives that first, falls_back_to_feed_text). A guid
    that answers 404 or 410 on the attempt that would give its article up (``last``,
    last_attempt) was an id, not a page (RSS's default made it a permalink): the item
    falls back on its own link, where the feed lists it, and is one article there with
    the other items that do (the shared-link rule, decide.collapsed): it is fetched
    there when no article is at that link yet ("fetched there"), else taken for that
    article ("taken": ``taken``, an article recorded at that link or an alias there).
    The guid is no page from then on (permalinked's ``no_pages``). None: it fails as any
    article does, retried at its guid: a 404 before the last attempt too, since a page
    just published may not be on its CDN yet (look16g F11; the same "delay, never lose"
    as archived_as_is). Which attempt gives it up is ARTICLE_RETRIES': a guid that
    keeps answering 404 is no page by then."""
    if not asks_link_taken(failure, shared_link, last=last):
        return None
    return "taken" if taken else "fetched there"


def no_page_warning(link: str, guids: Sequence[str], reason: str, *, fetched: bool) -> str:
    """What a run says, once for each link, of the items on_its_link took to their link
    ``link`` (``guids``: theirs, as written; ``reason``: the first one's failure;
    ``fetched``: one of them is fetched there, else all are taken for the article
    there)."""
    if len(guids) > 1:
        said = f"{len(guids)} items listed at {link} give guids that answer {reason} (ids, not"
        said += " their pages)"
    else:
        said = f"an item listed at {link} gives a guid that answers {reason} ({guids[0]}: an"
        said += " id, not its page)"
    if not fetched:
        return f"{said}; taken for the article at that link, not archived again"
    return (
        f"{said}; archived as one article at that link"
        if len(guids) > 1
        else (f"{said}; archived at that link")
    )


# The moves by guid that a daily "Morning briefing" makes too: a constant guid, title
# and teaser, a new link and date (or none) each day. The same guid, title and date is
# not one of them (nothing changed but the link), nor a guid that is the item's link.
_WEAK_MOVES = frozenset({DATE_CHANGED, NEITHER_DATED, SAME_TEXT})


def asks_old_link(kind: str, why: str, *, archived: bool) -> bool:
    """Whether a move by guid (by_guid's ``kind`` "moved", ``why``: what it shares) of an
    ``archived`` article needs its old link fetched first: only on evidence a daily
    column with a constant guid, title and teaser has too (look16c F8). An article not
    archived yet has no page of its own to answer."""
    return kind == "moved" and archived and why in _WEAK_MOVES


def asks_old_page(old_key: str, final_key: str | None) -> bool:
    """Whether the old link's page is read (what it shows of itself, walls.page_signs
    judged by pages.not_the_article) for old_link_moved's ``no_article``: only when the
    old link (``old_key``) still answered 200 at its own URL (``final_key``, its
    answer's URL key; None: no answer)."""
    return final_key is not None and final_key == old_key


def asks_new_page(old_key: str, final_key: str | None, *, no_article: str | None) -> bool:
    """Whether old_link_moved needs ``same_page`` (a fetch of the item's link): only when
    the old link still answered 200 at its own URL (asks_old_page) with a page that
    may be an article's (``no_article`` None: no wall, no "not found" page)."""
    return asks_old_page(old_key, final_key) and no_article is None


def old_link_moved(
    url_key: str,
    old_key: str,
    final_key: str | None,
    *,
    same_page: bool | None,
    why: str,
    no_article: str | None,
) -> str | None:
    """What a move asks_old_link asked about (``why``: what it shares) rests on, by what
    the archived article's old link (``old_key``) answers now (``final_key``: the URL
    key its 200 came from; None: no 200, a 404, a failure); None: it is no move. A move
    stands when the old link no longer answers with its own page (an error, a redirect
    elsewhere), and rests on its redirect when that ends at the item's link; when it
    still answers 200 at its own URL, only when that page is the item's too
    (``same_page``, asked when asks_new_page says so: links with a session id in them
    serve one page). Else the item is another article: yesterday's briefing is still
    served at yesterday's link, and today's is at today's. A 200 at its own URL whose
    page is no article's (``no_article``: why, pages.not_the_article's reading of a
    "not found" page, a bot, login, consent or maintenance wall, asked when
    asks_old_page says so) is no evidence the article is still there: the move stands,
    said with it (look16e F10)."""
    if final_key == url_key:
        return REDIRECTS_HERE
    if final_key is not None and final_key == old_key and no_article is not None:
        return f"{why}; its old link answers 200 but {no_article}"
    if final_key is None or final_key != old_key or same_page:
        return why
    return None


def same_pages(mine: str | None, theirs: str | None) -> bool:
    """Whether two pages' texts (identity.text_key of each page's text; None: none read)
    are one page's."""
    return mine is not None and mine == theirs


def asks_landing_evidence(other: int | None, how: str) -> bool:
    """Whether landed needs ``same`` (reads of the posts): only when a temporary
    redirect (``how``) took an item's page to the archived article ``other``."""
    return other is not None and how == "temporary"


def landing_shares(item: Shown, page: Shown, theirs: Shown | None) -> str | None:
    """What shows the archived article (``theirs``: its post's title, date and text,
    None: unread) that a temporary redirect took an item's page to to be the item (its
    entry, ``item``; the page it got there, ``page``: its title and text): the same
    title (every one the item and its page have), and the same date, else the same text
    (a page is dated when it is archived; a backfilled URL has no date of its own);
    None: no evidence, the page is tried again later (look16c F11: a mobile or short
    URL, an aggregator's click link). A date the item has that is another is not
    enough: the page's text must be the post's then (a "most read" feed re-lists an
    archived story through a tracker, dated when it entered the list; look16d F11)."""
    if theirs is None:
        return None
    key = title_key(theirs.title)
    titles = [title_key(t) for t in (item.title, page.title) if title_key(t)]
    if not key or not titles or any(t != key for t in titles):
        return None
    dated = theirs.dated and item.published is not None and theirs.published is not None
    if dated and differs(None, item.published, None, theirs.published) != "another date":
        return "the same title and date"
    if page.text is not None and page.text == theirs.text:
        return "the same title and text"
    return None


LandingSaid = Literal["archived already", "warning"]


def landing_said(origin: str) -> LandingSaid:
    """How an item taken for the archived article a temporary redirect took its page to
    (landing_shares) is told: a URL handed to backfill as any archived one is
    (``archived already: URL (POST)``: the user asked for it, nothing is written); a
    feed's item in a warning, once (its guid is marked as said: the later runs know its
    link as that article's)."""
    return "archived already" if origin == "url" else "warning"


def _carries(one: str, other: str) -> bool:
    """Whether either title key holds the other (a site's name after a page's title, a
    "BREAKING: …" before an item's)."""
    return one in other or other in one


def page_shows_another(
    item: Shown, page: Shown, heading: str | None, *, shares_teaser: bool = False
) -> str | None:
    """What says the page a redirect took an item's page to (``page``: its title, as
    extracted, and its date; ``heading``: its first h1) is another article's (None:
    nothing): another title — neither its title nor its heading carries the item's,
    nor the item's either of them — and, when both are dated, another date (to the
    second; the same time: a headline edited). A tracker or a live link that ends on another story's
    page would be archived as that story under the item's title (fixF). A page holding
    the item's feed text (``shares_teaser``: shares_teaser, asked of a tracker's page)
    is the item's whatever its headline (look16g F4: a feed's short title over a page's
    SEO headline is the common case for trackers). A day-only date (a URL's day, read as
    midnight) is compared by its day: the item's day is no other date."""
    mine = title_key(item.title)
    shown = [key for key in (title_key(page.title), title_key(heading)) if key]
    if shares_teaser or not mine or not shown or any(_carries(mine, key) for key in shown):
        return None
    if item.published is None or page.published is None:
        return "another title"
    if day_only(page.published) or day_only(item.published):
        same_day = to_utc(item.published).date() == to_utc(page.published).date()
        return "another title" if same_day else "another title and date"
    # One CMS dates the item and its page alike, to the second: a headline edited. Another
    # story of the same day (a live link sent to it for now) has its own time.
    if abs(to_utc(item.published) - to_utc(page.published)) < _A_SECOND:
        return None
    return "another title and date"


# A feed's teaser tells its page when it is this many words at least ("Teaser. Read
# more" tells nothing) and most of its word trigrams (_TEASER_SHARE) are on the page.
_TEASER_WORDS = 8
_TEASER_SHARE = 0.6


def shares_teaser(teaser: str | None, text: str | None) -> bool:
    """Whether a page's ``text`` holds an item's feed text (``teaser``, as text): the
    page a tracker took the item to is then its own (page_shows_another)."""
    words = _words(teaser)
    if len(words) < _TEASER_WORDS:
        return False
    grams = {tuple(words[at : at + 3]) for at in range(len(words) - 2)}
    page = _words(text)
    found = {tuple(page[at : at + 3]) for at in range(len(page) - 2)}
    return len(grams & found) >= _TEASER_SHARE * len(grams)


def _words(text: str | None) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in (text or "").casefold()).split()


def landed_text(digest: str) -> str:
    """The state's mark (its meta key) that a page a redirect took an item to, showing
    another article, was archived as it is on that item's last attempt (landed_shown):
    its text's digest (identity.text_key of the post's body); the article is its value."""
    return f"landed text {digest}"


def landed_shown(
    landing: Landing,
    how: str,
    page_url: str,
    shows: str | None,
    *,
    last: bool = False,
    archived_as: str | None = None,
) -> Landing:
    """What a page that landed (decide.landed) to be written is, when a redirect
    (``how``) took it elsewhere and that page shows another article (``shows``:
    page_shows_another): not the item's text, a failed attempt, said and tried again
    (its link may serve its own page later; the other article, listed later, is its
    own post). On the attempt that would give the article up (``last``), the page is
    written as it is, with ``why`` to say (the titles may differ for a headline
    edited, or a page that gives no date: a judgement may delay an article, never
    lose it). Unless the page's text is the post another item's last attempt wrote so
    (``archived_as``: its URL, as landed_text marks it): a page several items are sent
    to run after run is a landing page (a subscription offer, look16f s52), no
    article's; the attempt fails, said, and the item is given up. Else ``landing`` as
    it is."""
    if landing.kind != "write" or how == "none" or shows is None:
        return landing
    why = f"a {how} redirect took its page to {page_url}, which shows another article ({shows})"
    if last and archived_as is not None:
        return Landing(
            "retry",
            why=f"{why}, the text of another item's post ({archived_as}): a page several"
            " items are sent to, no article's; not archived as that page",
        )
    if last:
        return Landing("write", why=f"{why}; archived as that page, its last attempt")
    return Landing("retry", why=f"{why}; not archived as that page")
