"""When a guid may be trusted: the rule that tells a moved article from a reused guid.

Pure functions; the decider (``decide.by_guid``, core/decide/identity.py) applies them.

An item is first identified by its link (urls.normalize_url). Its guid exists for one
case: the article's link moved (http to https, a new domain or path, new tracking
parameters), and it must not be archived again. But a guid can also be reused for
different articles: a constant one (the channel's URL on every item, a feed that shows
one latest item), or a recycled one (ids restarted after a CMS migration). Trusting it
then swallows every new article, silently. A mistake one way archives an article twice;
the other way loses one. So a guid is trusted only on positive evidence:

An item whose guid is that of an archived article but whose link differs is that
article only when

(a) the guid is not known to be reused (then it identifies nothing any more), and the
    article was recorded for the same feed (two feeds' ids are not one namespace);
(b) that article is not itself still listed at its own link in the same document (it
    did not move, so this is another article) — the item there is still it unless its
    guid is another (or none) and its title and date both differ (a new article at
    a moved one's old address, look 16 F5); if it is not, and the guid is a URL
    that is the item's own link, the guid is the address the article gave as its
    permanent one: it is that article whatever its title says, unless (d) its date
    contradicts (then the address is another article's: a live home page, a guid that
    named another article's address);
(c) the titles are the same (compared without case, control characters, runs of
    whitespace and typography: curly quotes, dashes); an untitled item has no title
    to compare, so its date must;
(d) the dates agree: the same to the second when both have one, or neither has one (a
    date before 1990 counts as none). A date on one side only confirms nothing: a
    constant guid and title on a new, undated item would otherwise swallow it. Two
    dates that differ do not tell another article when the title and the text are the
    same (text_key): that is an update, its date bumped, and its link moved with it
    (session ids in links, a slug changed; review16d H8). A constant guid and title on
    different articles ("Daily briefing") comes with another text each time.

The title, date and text an item is compared with are those the feed's item with that
guid last showed (State.see_guid), else the archived article's own. So an article
another source archived (another feed of the config, a backfill), which its feed then
lists at the same link, takes that feed's guid and is compared with that item from then
on (review16d H4), not with a page's title.

A guid recorded as reused identifies nothing by these rules. It still follows its
article when the evidence is strong (still_same): the item has the title and the text
the feed's item with that guid last showed. A headline edited with its slug makes a new
article (said, the guid retired); a later move of that one, its title and text kept,
is no second duplicate (review16d H8).

A guid that is a site's own address (its home page: some feeds put the channel's URL
on every item) names the site, not an article: it identifies nothing from the start.

A move taken by guid is said once, in a warning naming both links: a wrong guess is
then a loss said out loud.

Otherwise the item is a new article, identified by its link; a warning says so, and the
guid is recorded as reused. An article whose link and title changed together (a slug
made from an edited title) is therefore archived again, with that warning: a duplicate
said out loud rather than a loss said nowhere.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import datetime

from rssarchive.core import postformat, urls
from rssarchive.core.controls import CONTROL_CHARS
from rssarchive.core.dates import EARLIEST, day_only, to_utc
from rssarchive.core.htmltext import markup_text

_NOT_WORDS = re.compile(rf"(?:{CONTROL_CHARS.pattern}|\s)+")
# What same_by says of the strongest evidence: a move on it is said once for all
# (decide.move_said).
SAME_BY = "same guid, title and date"
# Why an item whose guid is its title is not taken for the archived article of that
# title on that day alone (differs): a move then needs a redirect (decide.moved_by_redirect).
TITLE_AND_DAY = "only the same title and day, no evidence of a move"
# What same_by and still_same moves say on evidence a daily column ("Morning briefing",
# a constant guid, title and teaser) has too: such a move needs the old link's word
# (decide.asks_old_link, look16c F8).
DATE_CHANGED = "same guid, title and text; its date changed"
NEITHER_DATED = "same guid and title, neither dated"
SAME_TEXT = "same guid, title and text"
# Why such an item is a new article after all: its old link, fetched, still answers 200
# at its own URL with another page than the item's.
OLD_LINK_ANSWERS = "its old link still answers with its own page"


# Typography a CMS setting or a theme changes in every title at once (WordPress's
# wptexturize, smart quotes): curly quotes and primes are straight ones, dashes and the
# minus sign a hyphen (look16f s36). Not in text_key: its digests are stored.
_TYPOGRAPHY = str.maketrans(
    {c: "'" for c in "‘’‚‛′"} | {c: '"' for c in "“”„‟″"} | {c: "-" for c in "‐‑‒–—―−"}
)


def _plain(text: str) -> str:
    """NFKC, case-folded, control characters and runs of whitespace as one space, trimmed."""
    return _NOT_WORDS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def title_key(title: str | None) -> str:
    """A title as compared (the one place titles are compared): NFKC, case-folded,
    control characters and runs of whitespace as one space, quotes and dashes made
    plain, trimmed ("" for none)."""
    return _plain((title or "").translate(_TYPOGRAPHY))


# Memoized: a run asks for one item's text several times (one story across links, the
# guid rules, the guid's record), and reading a whole text's markup is the costliest
# step of a big feed's first run. Kept small: the plain text is as long as the item's.
@functools.lru_cache(maxsize=64)
def text_plain(html: str | None) -> str | None:
    """A feed item's text as text_key reads it, before the digest (None: none): what
    near_text compares when the digests differ."""
    return _plain(markup_text(html or "")) or None


# The digest is small; the texts it is kept for are the run's entries' own.
@functools.lru_cache(maxsize=4096)
def text_key(html: str | None) -> str | None:
    """A feed item's text as compared (None: it has none): its markup dropped (links
    with session ids in them are no other text), entities read, then as title_key
    without its typography; kept as a digest, the state stores one per guid."""
    text = text_plain(html)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] if text else None


# How much longer one text of an article may be than the other's (text_plain, in
# characters) and still be its text: a feed's footer or header paragraph ("... was
# originally published in <publication> on Medium ...", "The post ... appeared first on
# ...", a share line), not another article's worth of words.
NEAR_EXTRA = 600
# The share of the shorter text's trigrams the longer must hold (the re-checks' measure,
# recheck_text.overlap): the same words, give or take a link's or a figure's text.
NEAR_OVERLAP = 0.9
# Below this many characters a text is compared whole: a few words' change is much of it.
NEAR_MIN = 280


def near_text(mine: str, theirs: str) -> bool:
    """Whether two texts (text_plain) are one article's as two feeds carry it (look16g
    F10): the longer is at most NEAR_EXTRA characters longer and holds the shorter's
    words (its trigrams, NEAR_OVERLAP of them). A whole other text is not: the rule
    across feeds needs the same text, this only forgives a feed's own boilerplate."""
    from rssarchive.core.recheck_text import overlap

    short, long = sorted((" ".join(mine.split()), " ".join(theirs.split())), key=len)
    if len(long) - len(short) > NEAR_EXTRA:
        return False
    # Held whole (a footer added), or, for an article's worth of words, nearly whole: a
    # short text differing in a word ("Story 1" and "Story 2") is another's.
    return short in long or (len(short) >= NEAR_MIN and overlap(short, long) >= NEAR_OVERLAP)


def _utc(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    when = to_utc(when)
    return when if when >= EARLIEST else None


def _apart(mine: datetime | None, theirs: datetime | None) -> bool:
    """Whether two dates (as _utc gives them) are both there and a second or more apart:
    the one date comparison of differs, same_by and permalink_differs."""
    return mine is not None and theirs is not None and abs((mine - theirs).total_seconds()) >= 1


def differs(
    title: str | None,
    published: datetime | None,
    archived_title: str | None,
    archived_published: datetime | None,
    *,
    text: str | None = None,
    archived_text: str | None = None,
    titled: bool = False,
) -> str | None:
    """Why an item (title, date, ``text``: its text_key) is not the archived article
    (title, date, text_key) that has its guid, by rules (c) and (d) above; None when it
    is the same article. ``titled``: its guid is its title (is_title_guid): then another
    date is another article, whatever the text: a daily column ("Morning briefing")
    keeps its title, so its guid, and often its teaser, and is another article each
    day (look 16 F17)."""
    mine, theirs = _utc(published), _utc(archived_published)
    key = title_key(title)
    if _apart(mine, theirs):
        # Its date changed: an update when the title and the text are the same (the
        # risk: an article republished word for word under its old guid is taken for
        # the old one; it is said). A constant guid and title brings another text.
        if not titled and still_same(title, text, archived_title, archived_text) is None:
            return None
        return "another date"
    if key and key != title_key(archived_title):
        return "another title"
    if (
        titled
        and _no_moment(mine, theirs)
        and still_same(title, text, archived_title, archived_text)
    ):
        # Its guid is its title and its date a day at most: "the same title that day"
        # is all they share, and two articles of one title a day are no rarity (look
        # 16 F17). The same text too is a move; else a redirect must tell (run/moves.py).
        return TITLE_AND_DAY
    if key and (mine is None) == (theirs is None):
        return None
    if key:
        # A date on one side only is no confirmation: a constant guid and title ("Daily
        # briefing") on a new, undated item would swallow it (review16c M7).
        return "a date on one side only"
    if mine is None or theirs is None:
        return "no title or date to tell it by"
    return None


def _no_moment(mine: datetime | None, theirs: datetime | None) -> bool:
    """Whether two agreeing dates (as _utc gives them) say no moment: neither has one,
    or both may be a day only (dates.day_only)."""
    if mine is None or theirs is None:
        return mine is None and theirs is None
    return day_only(mine) and day_only(theirs)


def is_title_guid(guid: str, title: str | None) -> bool:
    """Whether a guid (as compared) is the item's title (title_key): some CMSs give the
    title as the guid. Then "the same guid and title" is one piece of evidence, not two
    (look 16 F17)."""
    key = title_key(title)
    return bool(key) and title_key(guid) == key


def same_by(
    title: str | None,
    published: datetime | None,
    archived_title: str | None,
    archived_published: datetime | None,
    **texts: str | None,
) -> str:
    """What an item taken for an archived article (differs found nothing) shares with
    it, as its warning says; called as differs is (``texts``: ``text`` and
    ``archived_text``, which it does not weigh)."""
    del archived_title, texts
    if not title_key(title):
        return "same guid and date"
    mine, theirs = _utc(published), _utc(archived_published)
    if mine is None and theirs is None:
        return NEITHER_DATED
    if _apart(mine, theirs):
        return DATE_CHANGED
    return SAME_BY


def still_same(
    title: str | None,
    text: str | None,
    archived_title: str | None,
    archived_text: str | None,
) -> str | None:
    """Why an item is not the article its guid last named, by strong evidence only: the
    same title (title_key, not empty) and the same text (text_key, not empty); None when
    it is that article. A guid recorded as reused (another article took it once) still
    follows its article by this rule, whatever the dates say."""
    key = title_key(title)
    if not key or key != title_key(archived_title):
        return "another title"
    if text is None or text != archived_text:
        return "another text"
    return None


def permalink_differs(
    title: str | None,
    published: datetime | None,
    archived_title: str | None,
    archived_published: datetime | None,
    **texts: str | None,
) -> str | None:
    """Why an item whose guid is its own link (a permalink, rule (b)) is not the
    archived article with that guid; None when it is (called as differs is). The
    permalink is believed over an edited title (a slug and a title edited together keep
    it), not over a date that contradicts: an item at that address with another date is
    another article (a live page, a guid that named another article's address)."""
    del title, archived_title, texts  # an edited title keeps a permalink
    mine, theirs = _utc(published), _utc(archived_published)
    if _apart(mine, theirs):
        return "another date"
    return None


def is_site_root(guid_key: str) -> bool:
    """Whether a guid (as compared, urls.normalize_url for a URL) is a site's own address:
    its home page, named on every item by some feeds. It identifies no article."""
    split = urls.split(guid_key)  # None: no URL ("http://[oops/")
    return (
        split is not None
        and split.scheme in ("http", "https")
        and bool(split.netloc)
        and split.path in ("", "/")
        and not split.query
    )


def post_says_its_date(text: str) -> bool:
    """Whether a post says its publication time, or that it had none (the ``<!--ms-->``
    or ``<!--NaN-->`` line of our format): a post without that line (written by hand,
    or by an older version) leaves its date unknown, which is not "undated"."""
    return postformat.parse(text).epoch is not None


def post_title_and_date(text: str) -> tuple[str | None, datetime | None]:
    """The title (front matter) and publication time (the ``<!--ms-->`` line) of a post
    in our format; None for what it does not say (core/postformat.py reads them)."""
    post = postformat.parse(text)
    return post.title, post.published
