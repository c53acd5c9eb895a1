"""A fetched page's decisions: whether a page that answered 200 holds the article at
all (look16c F1), or a wall, a "not found" or a paywall's teaser in its place.

Part of the decider (rssarchive.core.decide): pure; what the page shows of itself is
core/walls.py's (walls.page_signs), read by the extraction."""

from __future__ import annotations

from rssarchive.core.models import PageSigns


def asks_title_shown(signs: PageSigns | None) -> bool:
    """Whether not_the_article needs to know if the page shows the item's title (a
    normalisation of both): a short page with signs of a wall, not a teaser's prompt."""
    return signs is not None and signs.prompt is None


def not_the_article(signs: PageSigns | None, *, title_shown: bool) -> str | None:
    """Why a page that answered 200 holds no article, else None (look16c F1): a
    failed attempt, said, and tried again later, when the page may be the article's
    (a FetchError without a status: transient). ``signs``: what the short page shows of
    itself (walls.page_signs; None for a longer page). A paywall's teaser (its last
    paragraph asks to subscribe to read on) is one whatever its headline; a bot wall, a
    login wall, a "not found", a maintenance or a consent page is one unless the page's
    title or heading carries the item's (``title_shown``, asked when asks_title_shown
    says so): then the few words that say "log in", "cookies" or "404" are the
    article's own."""
    if signs is None:
        return None
    if signs.prompt is not None:
        return f"its page holds no article, only a paywall's teaser ending {signs.prompt}"
    if title_shown:
        return None
    for what, shown in (
        ("a bot wall", signs.bot),
        ("a login wall", signs.login),
        (None, signs.says),
    ):
        if shown is not None:
            return (
                f"its page holds no article: {shown}"
                if what is None
                else (f"its page holds no article: {what} ({shown})")
            )
    return None
