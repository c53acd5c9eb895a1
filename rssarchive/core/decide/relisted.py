"""Whether an item listed at an archived article's own link is a new article there (a
daily column at an evergreen URL: "Morning briefing" at /briefing, a new date and a new
text each day). Normally it is that article: an edit is the re-checks' business, and
WordPress feeds bump dates on updates. It is a new one only on evidence.

Part of the decider (rssarchive.core.decide): pure."""

from __future__ import annotations

from datetime import datetime

from rssarchive.core.dates import believable, to_utc


def real_guids_differ(at_link: str | None, theirs: str | None, link: str) -> bool:
    """Whether the guid of an item at an archived article's own link (``link``, its URL
    key; ``at_link``: the item's guid key) is another than the article's (``theirs``),
    both real guids: neither missing nor the link itself, which says nothing the link
    does not."""
    real = at_link is not None and theirs is not None and link not in (at_link, theirs)
    return real and at_link != theirs


def new_at_own_link(at_link: str | None, theirs: str | None, link: str, *, redated: bool) -> bool:
    """Whether the item at an archived article's own link is another article by its
    guid: real_guids_differ, and its date is another (``redated``: a feed whose guids
    follow the items' positions gives one article another guid, never another date)."""
    return real_guids_differ(at_link, theirs, link) and redated


def later_day(published: datetime | None, theirs: datetime | None) -> bool:
    """Whether ``published`` is on a later day (in UTC) than ``theirs``, both there."""
    if published is None or theirs is None:
        return False
    return to_utc(published).date() > to_utc(theirs).date()


def post_day(post_name: str) -> str:
    """The day a post's file name starts with (``YYYY-MM-DD``), the day its front
    matter's date is written in: the name's own, not its folders' (a post kept by hand
    in ``_posts/2026/12/``, which Jekyll reads, is named ``2026/12/2026-12-01-...``;
    look16h H5)."""
    return post_name.rsplit("/", 1)[-1][:10]


def asks_relisted_post(published: datetime | None, post_name: str | None) -> bool:
    """Whether relisted_another needs an archived article's post read (its date and
    text), for an item without a guid listed again at its link: only when the item's
    date is on a later day than its post file's name (``post_name``, ``YYYY-MM-DD-...``,
    post_day). Most items listed again are dated as their post: no read for them."""
    if published is None or post_name is None:
        return False
    return f"{to_utc(published).date():%Y-%m-%d}" > post_day(post_name)


def relisted_another(
    published: datetime | None,
    theirs: datetime | None,
    text: str,
    post_text: str,
    plains: tuple[str | None, str | None] = (None, None),
) -> bool:
    """Whether an item without a guid listed at an archived article's own link is
    plainly another article there: its date is on a later day than the article's
    (``theirs``: the post's) and its text (``text``, the feed's, as plain text) shares
    almost nothing with the post's (less than recheck_confirm.SOFT_404_BELOW of its
    character trigrams, the re-checks' measure: an edit keeps well above it). An item
    with no text says nothing. A date alone is no evidence: WordPress feeds bump the
    date of an article they update. Its words (``plains``: the item's and the post's
    texts, identity.text_plain) running apart (words_apart) tell it too: two texts of
    one language share many character trigrams whatever they say (look16i I8)."""
    if not text.strip() or not later_day(published, theirs):
        return False
    if words_apart(*plains):
        return True
    # Imported here: the re-checks' text module is not for a run with nothing to do.
    from rssarchive.core.recheck_confirm import says_nothing

    return says_nothing(text, post_text)


# A text is another when less than this share of its runs of three words is in the other:
# an edit (a correction, an added paragraph) keeps most of them; another day's column
# shares its greeting and sign-off. Fewer runs than _FEW_RUNS (a short teaser, a script
# written without spaces) say nothing: the character measure is asked then.
_WORDS_SHARED_BELOW = 0.3
_FEW_RUNS = 20


def _word_runs(text: str) -> set[tuple[str, ...]]:
    words = text.casefold().split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def words_apart(mine: str | None, theirs: str | None) -> bool:
    """Whether two texts (identity.text_plain of each; None: none) are two articles'
    by their words: each long enough (_FEW_RUNS runs of three words), of comparable
    length (a feed's own excerpt beside a page's whole text says nothing of it), and
    less than _WORDS_SHARED_BELOW of the shorter's runs in the other's."""
    if not mine or not theirs:
        return False
    ours, others = _word_runs(mine), _word_runs(theirs)
    fewer, more = sorted((ours, others), key=len)
    if len(fewer) < _FEW_RUNS or 2 * len(fewer) < len(more):
        return False
    return len(ours & others) / len(fewer) < _WORDS_SHARED_BELOW


def relisted_mark(article_id: int, published: datetime) -> str:
    """The meta key that marks relisted_another's warning said for an article and the
    item's day: said once per day (a daily column is listed there each day)."""
    return f"relisted {article_id} {to_utc(published):%Y-%m-%d}"


def asks_relisted(skipped: bool, status: str, *, has_guid: bool, dated: bool) -> bool:
    """Whether an item skipped as an archived article (``status`` "done") known by its
    link is judged by relisted_another (its post file's name read first): only one
    without a guid (one with another guid is said by the run's _say_taken) and with a
    date."""
    return skipped and status == "done" and not has_guid and dated


def redated_note(published: datetime | None, post_name: str | None) -> str | None:
    """What is said of an archived article whose item (known by its link) the feed now
    dates on another day (in UTC) than its post file's name (``post_name``,
    ``YYYY-MM-DD-...``, post_day): a corrected date (a year typo, a zone fixed; look16f
    s31), or a date bumped on an update. The post is not redated: its file name is its
    URL, which links and search engines hold, and an update's bump is no publication
    date; a correction within the day changes nothing of the name and goes unsaid (no
    post read for it). None when the days agree or either is not there."""
    if published is None or post_name is None:
        return None
    when, day = to_utc(published), post_day(post_name)
    if f"{when.date():%Y-%m-%d}" == day:
        return None
    return (
        f"its item's date is now {when:%Y-%m-%dT%H:%MZ}, its post {post_name} is dated"
        f" {day}; not redated"
    )


def redated_mark(article_id: int, published: datetime) -> str:
    """The meta key that marks redated_note's warning said for an article and the
    item's date: said once per date the feed gives it."""
    return f"redated {article_id} {to_utc(published):%Y-%m-%dT%H:%M}"


def asks_redated(skipped: bool, status: str, *, dated: bool, another: bool) -> bool:
    """Whether an item skipped as an archived article (``status`` "done") known by its
    link is judged by redated_note (its post file's name read from the state): one with
    a date, not judged another article at that link already, nor an item with another
    guid than the article's (``another``: either; said by _say_relisted, _say_taken)."""
    return skipped and status == "done" and dated and not another


def two_feeds_dated(
    first_feed: str, first: datetime | None, feed: str, published: datetime | None
) -> str | None:
    """What is said when two feeds of one run list one article (``first_feed`` took it
    on first, its item dated ``first``; ``feed`` lists it again, dated ``published``) on
    different days in UTC (look16f s25: a "most read" list dates an article the day it
    entered the list): the post takes the first feed's date, the config's order. None
    when one feed, one day, or a date not there."""
    days = None if first_feed == feed else _other_days(published, first)
    if days is None:
        return None
    mine, theirs = days
    return (
        f"dated {mine:%Y-%m-%dT%H:%MZ} here, {theirs:%Y-%m-%dT%H:%MZ} by feed {first_feed!r},"
        " which took it on first (the config's order); its post keeps that date"
    )


def _other_days(first: datetime | None, then: datetime | None) -> tuple[datetime, datetime] | None:
    """Both dates in UTC when both are there and fall on different days; else None."""
    if first is None or then is None:
        return None
    first, then = to_utc(first), to_utc(then)
    return None if first.date() == then.date() else (first, then)


def relisted_date_note(
    recorded: datetime | None, published: datetime | None, *, now: datetime
) -> str | None:
    """What is said of a pending article whose item, listed again, now gives another
    day (in UTC) than the believed date ``recorded`` with it (``published``:
    relisted_date's answer, the one its post takes; look16h H7). The README's rule: the
    post takes what the feed lists when it is written, a corrected year as well as a
    CMS's date bumped on an edit, which look alike; the new one dates it, said, as a
    changed title is, for a bump dates it by the edit. A date added where there was
    none, or replacing one not believed, is the rule's own case, and a change within
    the day moves nothing of the post's name: neither said. None then."""
    believed = recorded is not None and believable(recorded, now)
    days = _other_days(recorded, published) if believed else None
    if days is None:
        return None
    before, after = days
    return (
        f"its item's date changed from {before:%Y-%m-%dT%H:%MZ} to {after:%Y-%m-%dT%H:%MZ}"
        " while its page failed; its post is dated by the new one"
    )
