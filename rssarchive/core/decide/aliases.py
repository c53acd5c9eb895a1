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

from rssarchive.core.decide.identity import Shown
from rssarchive.core.decide.policies import ARTICLE_STANDING
from rssarchive.core.identity import differs, title_key


def asks_alias_of(known: str, status: str | None, *, aliased: bool) -> bool:
    """Whether alias_contradicted is asked (reads of the state and a post): only for an
    item skipped (``known``, as known_link says) for an article archived already
    (``status`` done) at a link that is only an alias of it (``aliased``: not its own
    recorded link, read with the lookup itself)."""
    return aliased and known == "skipped" and status == ARTICLE_STANDING.done


def alias_contradicted(
    item_guid: str | None, item: Shown, archived_guid: str | None, archived: Shown | None
) -> str | None:
    """What says an item listed at a link known only as an alias of an archived article
    (its post's title and date: ``archived``; None: it cannot be read) is another
    article (None: nothing; it is that article). The same guid is that article; the
    same title (identity.title_key) too, whatever the dates (a tracker re-listing it
    with its own date). Another title is another article, unless both are dated alike
    (a headline edited). With no title on a side, another guid is another article."""
    if item_guid is not None and item_guid == archived_guid:
        return None
    if archived is None:
        return None  # nothing to tell it by: the alias stands, as before
    mine, theirs = title_key(item.title), title_key(archived.title)
    if mine and theirs:
        if mine == theirs:
            return None
        if archived.dated and item.published is not None and archived.published is not None:
            redated = differs(None, item.published, None, archived.published) == "another date"
            return "another title and date" if redated else None
        return "another title"
    if item_guid is not None and archived_guid is not None:
        return "another guid"
    return None


def judged_alias(url_key: str) -> str:
    """The state's mark (its meta key) that an item at the alias ``url_key`` was judged
    to be the article its value names (by its page's title and text, or the item whose
    title the page shows): not only where a page pointed, so alias_contradicted is not
    asked of it (a headline "BREAKING: …" taken for the story it leads to stays so)."""
    return f"judged alias {url_key}"


def alias_said(link: str, archived_url: str, why: str) -> str:
    """The warning for an alias handed to the new article listed at it."""
    return (
        f"{link}: known only as an alias of the archived {archived_url} (where its page"
        f" or a redirect pointed), but this item is another article ({why}); archived"
        " as a new one"
    )


# -- a page several items' temporary redirects shared (look16d F9) --------------------------


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


def crowd_said(title: str) -> str:
    """Why an item sent to a page another item of the run owns (crowd_owners) is taken
    for that item's article: the page shows that item's title."""
    return f"the page shows the title of the item {title!r}"
