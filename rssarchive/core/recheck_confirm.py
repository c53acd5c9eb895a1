"""Whether a re-check's confirming fetch said anything, and the changed text a check
could not confirm, carried to the next check (recheck.py decides with both; pure,
tested as tables in tests/core/test_recheck_confirm.py).

A page that differs from the article's text is fetched again at once, so that what
changes on every request is told from an edit (recheck_tokens). A site that walls or
rate-limits every request after the first within seconds answers that second fetch
with a wall, a 429 or nothing, at every check: the edit would never be recorded. So
the first fetch's text of such an inconclusive check is kept (the record's
``candidate``), and a later check whose confirming fetch says nothing again is judged
with it in place of that fetch: two checks' first fetches, an hour or more apart, that
agree on a change are no per-request noise (review 19s, H3).

A bot wall (recheck_page.bot_wall) says nothing of the article either: the check is an
outage, never a soft 404 (issue 19, F8). A deletion is confirmed with the evidence about
its host it needs (:func:`confirms`, issue 19 F10).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rssarchive.core import recheck_text as texts
from rssarchive.core.recheck_text import overlap

# A page whose text shares less than this share of the reference text's character
# trigrams no longer holds the article (a soft 404: a "not found" page with status
# 200, a section page): measured on edited news pages, a correction or an added
# paragraph keeps well above 0.6; an error page shares almost nothing.
SOFT_404_BELOW = 0.3

# What a suspected deletion needs to be confirmed by a check that still finds the article
# missing (besides being an hour or more after the suspicion): "none", the site's own
# word about the page (a new redirect to the front or a section page); "host", a gone
# status (404, 410, 451), which a host answering 404 to every URL (a broken deploy, a
# parked domain) also gives: the host seen answering normally in the same run (its front
# page, or one of its other articles: issue 19, F10); "articles", a 200 page without the
# article (a soft 404, a wall, an error page), which may be the host's: one of its other
# articles served (review 19b, H1); "never", a teaser of the article: it is there.
Evidence = Literal["none", "host", "articles", "never"]


def confirms(needs: Evidence, serving: bool, answering: bool) -> bool:
    """Whether a check still missing the article confirms its deletion, given what it
    ``needs`` (:data:`Evidence`) and what the run saw of its host: ``serving``, another
    check (or a witness) found its article; ``answering``, the host's front page
    answered normally (a 200 that is no bot wall). An article served is the host
    answering too."""
    if needs == "none":
        return True
    if needs == "host":
        return serving or answering
    if needs == "articles":
        return serving
    return False


# Checks of one host in one run that, all answering a gone status (404, 410, 451) with
# none of its articles served, say the host lost its articles rather than deleted them:
# a firewall or a broken route answers 404 to every article while its front page still
# answers 200, which alone would confirm each deletion (look, item 2). Fewer is what a
# site deleting an article or two looks like; a witness served (one of its other
# articles) still confirms them.
HOST_WIDE_GONE = 3


def host_wide_gone(seen: Sequence[str], serving: bool) -> bool:
    """Whether the checks of one host in one run (``seen``: each one's Observation.seen;
    an outage says nothing and is not counted) are HOST_WIDE_GONE or more that all
    answered a gone status while none of its articles was ``serving``: then its front
    page answering confirms none of their deletions."""
    answered = [kind for kind in seen if kind != "outage"]
    return (
        not serving and len(answered) >= HOST_WIDE_GONE and all(kind == "gone" for kind in answered)
    )


def says_nothing(first: str, second: str) -> bool:
    """Whether a second fetch shares too little with the first (less than SOFT_404_BELOW
    of its character trigrams) to confirm or refute anything: a wall, an error page."""
    norm, _ = texts.normalizers(texts.folds(first, second))
    ours, theirs = texts.split_headline(first)[1], texts.split_headline(second)[1]
    return overlap(norm(ours), norm(theirs)) < SOFT_404_BELOW


def stand_in(candidate: str | None, first: str, second: str) -> str:
    """The text a check's first fetch (``first``) is confirmed with: its second fetch's
    (``second``; "" when that request failed), unless that says nothing and an earlier
    check's unconfirmed first fetch (``candidate``) shares the page: then that one."""
    if candidate is None or not says_nothing(first, second):
        return second
    return second if says_nothing(first, candidate) else candidate


def carried(candidate: str | None, unconfirmed: str | None, concluded: bool) -> str | None:
    """The candidate a check leaves for the next: the first fetch's text of a check left
    inconclusive by its confirming fetch (``unconfirmed``); none once a check concluded
    anything (the page judged, gone or unchanged: a later change is a new one); else
    (an outage, which says nothing) the one there was."""
    if concluded:
        return None
    return unconfirmed if unconfirmed is not None else candidate
