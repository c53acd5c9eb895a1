"""Whether a link known only as an alias of an archived article (where its page's 301
ended, the URL its page named canonical, where a temporary redirect landed it) is still
that article when a later item is listed at it (look16d F1).

Part of the decider (rssarchive.core.decide): pure, no state, no disk. An alias is
evidence the article's page gave about itself, not about the items a feed lists later:
a template that names the wrong canonical URL, or a story merged into another by a 301,
would make every later item at that link the old article, skipped, silently when the
feed has no guids. So the item is that article only when nothing contradicts it."""

from __future__ import annotations

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


def alias_said(link: str, archived_url: str, why: str) -> str:
    """The warning for an alias handed to the new article listed at it."""
    return (
        f"{link}: known only as an alias of the archived {archived_url} (where its page"
        f" or a redirect pointed), but this item is another article ({why}); archived"
        " as a new one"
    )
