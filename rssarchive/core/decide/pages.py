"""A fetched page's decisions: whether a page that answered 200 holds the article at
all (look16c F1), or a wall, a "not found" or a paywall's teaser in its place.

Part of the decider (rssarchive.core.decide): pure; what the page shows of itself is
core/walls.py's (walls.page_signs), read by the extraction."""

from __future__ import annotations

from rssarchive.core.models import ContentMode, PageSigns

# The feed's text beats its page's when it is this much longer (look16d F4)...
FULLER_FEED_RATIO = 1.5
# ... and at least this long (feedtext.SUBSTANTIAL_TEXT_CHARS: a whole article's)...
FULLER_FEED_CHARS = 500
# ... and holds the page's text (this share of its character trigrams, headline and a
# paywall's prompt besides): the page is the paywalled view of the feed's article.
FULLER_FEED_HOLDS = 0.7


def asks_title_shown(signs: PageSigns | None) -> bool:
    """Whether not_the_article needs to know if the page shows the item's title (a
    normalisation of both): a short page with signs of a wall, not a teaser's prompt
    nor a page holding only its headline and a wall's wording."""
    return signs is not None and signs.prompt is None and signs.bare is None


def not_the_article(signs: PageSigns | None, *, title_shown: bool) -> str | None:
    """Why a page that answered 200 holds no article, else None (look16c F1): a
    failed attempt, said, and tried again later, when the page may be the article's
    (a FetchError without a status: transient). ``signs``: what the short page shows of
    itself (walls.page_signs; None for a longer page). A paywall's teaser (its last
    paragraph asks to subscribe to read on, in a prompt's phrase) is one whatever its
    headline, and so is a page whose text is only its headline and a wall's wording
    (``signs.bare``: a login prompt beside a password input, a consent banner, "this
    story is no longer available", look16d F3); a bot wall, a
    login wall, a "not found", a maintenance or a consent page is one unless the page's
    title or heading carries the item's (``title_shown``, asked when asks_title_shown
    says so): then the few words that say "log in", "cookies" or "404" are the
    article's own."""
    if signs is None:
        return None
    if signs.prompt is not None:
        return f"its page holds no article, only a paywall's teaser ending {signs.prompt}"
    if signs.bare is not None:
        return f"its page holds no article, only its headline and {signs.bare}"
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


def keeps_feed_text(
    mode: ContentMode, *, feed_chars: int, page_chars: int, page_in_feed: float
) -> bool:
    """Whether the feed's text is archived though the page was fetched for it (look16d
    F4): with ``content: auto``, the feed's text looked like a teaser, but the page
    (the paywalled view: the article's first paragraphs, then "Members only") gives
    less: ``feed_chars`` of text is FULLER_FEED_RATIO times the page's ``page_chars``
    and more than FULLER_FEED_CHARS, and the feed holds the page's text
    (``page_in_feed``: the share of the page's text found in the feed's, 0..1)."""
    return (
        mode == "auto"
        and feed_chars >= FULLER_FEED_CHARS
        and feed_chars >= FULLER_FEED_RATIO * page_chars
        and page_in_feed >= FULLER_FEED_HOLDS
    )
