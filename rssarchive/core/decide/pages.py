"""A fetched page's decisions: whether a page that answered 200 holds the article at
all (look16c F1), or a wall, a "not found" or a paywall's teaser in its place.

Part of the decider (rssarchive.core.decide): pure; what the page shows of itself is
core/walls.py's (walls.page_signs), read by the extraction."""

from __future__ import annotations

from rssarchive.core.decide.policies import ARTICLE_STANDING
from rssarchive.core.models import ContentMode, PageSigns

# The feed's text beats its page's when it is this much longer (look16d F4)...
FULLER_FEED_RATIO = 1.5
# ... and at least this long (feedtext.SUBSTANTIAL_TEXT_CHARS: a whole article's)...
FULLER_FEED_CHARS = 500
# ... and holds the page's text (this share of its character trigrams, headline and a
# paywall's prompt besides): the page is the paywalled view of the feed's article.
FULLER_FEED_HOLDS = 0.7


# What a page cut off on a close-delimited response is said to be (look16f s55).
CUT_OFF = "its page ended before its end (the connection closed)"
_TAG_ENDS = b" \t\r\n\f>/"


def _has_tag(html: bytes, opening: bytes) -> bool:
    """Whether ``html`` (lower-cased) holds the tag ``opening`` (``<html``, ``</body``)
    as a whole name: ``<htmlish>`` is not ``<html>``."""
    at = html.find(opening)
    while at != -1:
        end = at + len(opening)
        if end == len(html) or html[end] in _TAG_ENDS:
            return True
        at = html.find(opening, end)
    return False


def cut_off(close_delimited: bool, html: bytes) -> str | None:
    """Why a page is no whole page, else None (look16f s55): delivered close-delimited
    (no Content-Length, no chunking: only the connection's end ends it, and a cut there
    looks like the end), opened as a document (<html> or <body>), closes neither, and
    its end is visibly unfinished (_ends_unfinished). ``</body></html>`` are optional
    in HTML and minifiers drop them (look16g F7): a page ending on a closed element or
    a finished sentence is whole. Such a page is a failed attempt, retried, archived as
    it is on the one that would give its article up (archived_as_is): a server that
    always sends pages cut so still gets them archived. Framed bodies are checked by
    their framing (net/http.py), so a page written without its closing tags is kept
    there."""
    low = html.lower()
    if not close_delimited or not (_has_tag(low, b"<html") or _has_tag(low, b"<body")):
        return None
    if _has_tag(low, b"</html") or _has_tag(low, b"</body"):
        return None
    return CUT_OFF if _ends_unfinished(low) else None


# Elements whose text runs to their end tag, never implied: a document ending inside
# one (or a comment) stopped in it.
_RAW_TEXT = ((b"<script", b"</script"), (b"<style", b"</style"), (b"<textarea", b"</textarea"))
# Void elements: a document may end right after one.
_VOID = frozenset(b"area base br col embed hr img input link meta source track wbr".split())
# What a finished text ends with: a sentence's end (in Latin or CJK script), a closing
# quote or bracket, an entity's ";" (``&hellip;``).
_FINISHED = tuple(".!?\"')]»…;”’。！？」』")


def _ends_unfinished(low: bytes) -> bool:
    """Whether ``low`` (a lower-cased document) stops mid-way, its last bytes
    unfinished: inside a tag, a comment or a script (or style, textarea); right after
    opening an element (``<div class=more>``, nothing in it); or in text that ends
    mid-sentence (``… rise by 4 per``), not on ``.``, ``!``, ``?``, a quote or a
    bracket. A page ending after a closing tag (``</p>``, ``</footer>``) or a void one
    is whole."""
    tail = low.rstrip()
    if low.rfind(b"<!--") > low.rfind(b"-->"):
        return True
    for opening, closing in _RAW_TEXT:
        at = low.rfind(opening)
        if at != -1 and low.find(closing, at) == -1 and _has_tag(low[at:], opening):
            return True
    lt, gt = tail.rfind(b"<"), tail.rfind(b">")
    if lt > gt:
        return True
    text = tail[gt + 1 :]
    if text:
        return not text.decode("utf-8", errors="ignore").endswith(_FINISHED)
    # The document ends with a tag: whole after a closing, void or self-closed one, a
    # comment or a declaration; cut right after opening an element.
    name = (tail[lt + 1 : gt].split(None, 1) or [b"/"])[0]
    return not (name.startswith((b"/", b"!", b"?")) or name in _VOID or tail.endswith(b"/>"))


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


def asks_whole_text(status: str | None, content: str | None, *, listed_twice: bool) -> bool:
    """Whether a feed's item skipped as an article this run works on already (taken on
    by another feed's item this run, ``listed_twice``, or pending from an earlier run)
    is kept for its text (carries_whole_text, a parse of it): its page may fail for
    good, and then that text beats the other feed's summary (whole_text_instead)."""
    if not (content or "").strip():
        return False
    return listed_twice or status == ARTICLE_STANDING.pending


def carries_whole_text(mode: ContentMode, content: str | None, *, substantial: bool) -> bool:
    """Whether a feed's item carries its article's whole text, as its own feed would
    archive it without the page: ``content: feed``, or ``auto`` and text that looks like
    the whole article (``substantial``: extract.is_substantial of it)."""
    if not (content or "").strip():
        return False
    return mode == "feed" or (mode == "auto" and substantial)


def whole_text_instead(own_feed: str, other_feed: str | None, *, for_good: bool) -> bool:
    """Whether an article whose page failed is written from the item of another feed of
    the config (``other_feed``; None: none) that carries its whole text in this run
    (carries_whole_text): once its page failed for good (gone, no article, or on the
    attempt that gives it up, ``for_good``), whatever its own feed carries (a summary,
    nothing). Before that a later attempt may still get the page (the last outside look:
    a summary was written though another feed had the whole article)."""
    return for_good and other_feed is not None and other_feed != own_feed
