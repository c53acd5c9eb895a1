"""Re-checks of archived articles: every decision, no I/O (README, "Re-checks").

Each archived article's page is fetched again at growing ages after archiving (when:
recheck_schedule.py; what is compared: recheck_text.py; a confirming fetch that said
nothing: recheck_confirm.py). What a check saw (an
:class:`Observation`) and what the article's record said before (a :class:`Record`)
give a :class:`Verdict`: the new record and the event to report. Time is always an
argument, so every rule is tested as a table of cases (tests/core/test_recheck.py).

The backlog is bounded by construction: an article is due at most once per age (an
article that missed several ages is checked once, for all of them), plus the checks of
a suspected deletion (hourly, for a day at most: UNDECIDED_AFTER), and an article past
its last age and any suspicion's day is never due again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from rssarchive.core import recheck_confirm as confirm
from rssarchive.core import recheck_page as pages
from rssarchive.core import recheck_text as texts
from rssarchive.core import recheck_tokens as tokens
from rssarchive.core.recheck_confirm import SOFT_404_BELOW as SOFT_404_BELOW
from rssarchive.core.recheck_confirm import says_nothing as says_nothing
from rssarchive.core.recheck_page import redirect_removes as redirect_removes
from rssarchive.core.recheck_page import removed_by_redirect as removed_by_redirect
from rssarchive.core.recheck_schedule import next_due
from rssarchive.core.recheck_status import WALLED_RESULT
from rssarchive.core.recheck_text import normalize, overlap

# A deletion is confirmed by a second check at least this long after the first one saw
# it: a site down for maintenance, or a page briefly unpublished, is not a deletion.
CONFIRM_AFTER = timedelta(hours=1)
# Extracted text shorter than this is no article (an empty template, a login wall).
MIN_TEXT_CHARS = 20
# A page answering 200 without the article (a soft 404, a consent wall, an empty page,
# an error page) is only a suspicion: it is confirmed as a deletion only when the host is
# seen serving its other articles at the confirming check (``serving``); a 404, 410 or
# 451 only when the host answers normally then (``answering``: its front page, or an
# article; a host answering 404 to everything is broken, issue 19 F10); a new redirect
# to the front is the site's own word and needs neither (recheck_confirm.confirms).
# A suspected deletion whose confirming checks meet only outages, or such pages
# with no evidence, is checked again an hour later whatever the ages (even past the
# last one), until this long after it was first suspected; then at its next age, and
# past the last one it stays suspected, shown as undecided by `status`.
UNDECIDED_AFTER = timedelta(hours=24)

# A page a redirect to another archived article ended on holds this article only when
# it shares at least this share of its character trigrams: a follow-up story on the same
# topic, or a site's shared sentence templates, share more than SOFT_404_BELOW (look19,
# finding 6: two articles of one site's templates shared 75 %); the same article
# archived under two URLs shares nearly all.
MERGED_HOLDS = 0.9

# The stored result of a check that found the article cut short (a teaser).
TRUNCATED = "truncated: the page shows only the article's beginning (a paywall teaser?)"
# The stored result of a check that found, instead of the article, a page asking to log
# in or subscribe (a login wall: the article may be behind it; look19, finding 5).
WALLED = f"{WALLED_RESULT} the page asks to log in or subscribe, without the article"

Status = Literal["unchanged", "edited", "suspected", "deleted", "restored"]
Event = Literal[
    "unchanged", "edited", "suspected", "deleted", "restored", "outage", "baseline", "still"
]
# What a check saw: 304; a page with its text (None: nothing could be extracted); gone
# (404/410, or a redirect to the front or a section page); an outage (5xx, 429, a
# timeout, a network error: says nothing about the article).
Seen = Literal["not_modified", "page", "gone", "outage"]
Validators = Literal["new", "keep", "drop"]
# Statuses by which a site says a page is gone: 451 (Unavailable For Legal Reasons) is
# a takedown, as explicit as a 410.
GONE_STATUSES = frozenset({404, 410, 451})


# -- what was seen ----------------------------------------------------------------------


def gone_status(status: int | None) -> Seen:
    """A failed fetch's meaning: 404, 410 and 451 say the page is gone; anything else (5xx,
    429, 403, a timeout, a refused connection: status None) says nothing of it."""
    return "gone" if status in GONE_STATUSES else "outage"


@dataclass(frozen=True)
class Observation:
    seen: Seen
    # For "page": the extracted text, one paragraph a line (None: nothing extracted).
    text: str | None = None
    why: str = ""  # for the report: "HTTP 404", "redirected to the front page" ...
    # The validators of a page seen whole, for the next conditional GET.
    etag: str | None = None
    last_modified: str | None = None
    # For "page": where redirects ended (None: no redirect).
    final_url: str | None = None
    # For "page": it was reached by a new redirect to the front or a section page
    # (:func:`redirect_removes`); a removal unless the page still holds the article.
    removal: bool = False
    # For a removal: the redirect ended on another article the archive holds, whose page
    # holds this one only when it shares MERGED_HOLDS of its trigrams (look19, finding 6).
    into_article: bool = False
    # For "page" whose text differed from the reference: the text of a second fetch of
    # the page made at once to confirm it (recheck_text: the lines that differ between
    # the two are volatile); None when there was none.
    second: str | None = None
    # For "page": what shows it to be a login or subscription wall (recheck_page.login_wall),
    # else None: without the article, a suspicion never confirmed by itself.
    wall: str | None = None
    # For "outage": the host asked for a pause (429 with Retry-After: its seconds): its
    # checks wait for it, in this run and the next ones (run/recheckgate.py).
    back_off: float | None = None


def wants_confirming(known: str | None, seen: Observation) -> bool:
    """Whether a page seen whole is fetched a second time before it is judged: its text
    differs from the article's known text (its reference, else its post's; None: no
    known text: the first page seen is the reference as it is), headline included
    when both have one. An equal page or a 304 costs no second request."""
    if seen.seen != "page" or not seen.text or known is None:
        return False
    headline, body = texts.split_headline(texts.known_headline(known, seen.text))
    known_headline, known_body = texts.split_headline(known)
    norm, norm_line = texts.normalizers(texts.folds(known, seen.text))
    if norm(body) != norm(pages.unlinked(known_body, body, norm_line)):
        return True
    return (
        headline is not None
        and known_headline is not None
        and norm(headline) != norm(known_headline)
    )


# -- the record and its verdicts --------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """What the state says of one article's re-checks (state.RecheckRow, minus I/O)."""

    archived: datetime
    next_due: datetime | None
    status: Status = "unchanged"
    checks: int = 0
    # The text of the latest version (as readable, normalised when compared): the
    # article as archived, or as last edited. None: not known yet (an article archived
    # before re-checks existed, or from the feed's text): the first page seen becomes it.
    reference: str | None = None
    edited_at: datetime | None = None
    suspected_at: datetime | None = None
    deleted_at: datetime | None = None
    restored_at: datetime | None = None
    # What earlier checks' two fetches disagreed on (recheck_tokens.variants; a
    # headline as "# " and its normalised text), the latest last: a later check whose
    # fetches agree on one of them differs from the reference by no edit (review 19d, 10).
    volatile: tuple[str, ...] = ()
    # A changed text an earlier check saw but could not confirm (recheck_confirm).
    candidate: str | None = None


@dataclass(frozen=True)
class Verdict:
    record: Record
    event: Event
    # The new version's readable text to keep (an edit, or the first page seen of an
    # article with no reference yet), else None.
    version: str | None = None
    # The page's validators for the next conditional GET: "new" (those of this page,
    # seen whole and judged present), "keep" (the stored ones: a 304, an outage) or
    # "drop" (a page judged gone keeps none: a 304 to its validators would otherwise
    # pass for the article being back).
    validators: Validators = "keep"
    # The check found the article gone (a 404, a removal, a soft 404).
    gone: bool = False
    # A suspicion left unconfirmed for want of evidence about its host (``needs``: that
    # it answers, or that it serves its other articles): with it, a deletion.
    wants_evidence: bool = False
    needs: confirm.Evidence = "none"
    # For an edit: the reference's text as it was compared (its headline, or the page's
    # when it had none), to keep as the first version when none is kept yet.
    before: str | None = None
    # What the check found, for its stored result when the event does not say it.
    note: str = ""


def judge(
    record: Record,
    seen: Observation,
    now: datetime,
    ages: Sequence[timedelta],
    post_text: str | None = None,
    serving: bool = False,
    earlier: Sequence[str] = (),
    answering: bool = False,
) -> Verdict:
    """The outcome of one check at ``now``. ``post_text``: the archived post's text,
    to tell whether the page a removal-like redirect ended on still holds the article
    when there is no reference yet. ``serving``: the host was seen, at this check,
    answering with their article for other archived articles; without it a 200 page
    without the article (a soft 404, a wall) never confirms a deletion.
    ``answering``: the host's front page answered normally in the same run; without it
    (or ``serving``) a 404, 410 or 451 never confirms one (recheck_confirm.confirms).
    ``earlier``: the texts of the versions kept, a page equal to one of which is no new
    version (an A/B variant flipping back)."""
    confirming = None  # the changed text a second fetch was made to confirm
    if seen.seen == "page" and seen.text:  # a site's name in a headline is no edit
        second = seen.second and texts.known_headline(record.reference, seen.second)
        seen = replace(seen, text=texts.known_headline(record.reference, seen.text), second=second)
    if seen.seen == "page" and seen.text and seen.second is not None:
        seen = replace(seen, second=confirm.stand_in(record.candidate, seen.text, seen.second))
        confirming = seen.text
    verdict = _judge(record, seen, now, ages, post_text, (serving, answering), earlier)
    inconclusive = confirming if verdict.event == "outage" else None
    candidate = confirm.carried(record.candidate, inconclusive, verdict.event != "outage")
    if candidate != verdict.record.candidate:
        verdict = replace(verdict, record=replace(verdict.record, candidate=candidate))
    learned = record.volatile
    if verdict.event != "outage" and seen.seen == "page" and seen.text and seen.second:
        learned = tokens.learned(record.volatile, record.reference, seen.text, seen.second)
    if learned != verdict.record.volatile:
        verdict = replace(verdict, record=replace(verdict.record, volatile=learned))
    if seen.seen == "page" and verdict.event == "outage":
        return verdict  # an inconclusive check: the stored validators are kept
    if seen.seen == "page":
        present = not verdict.gone
        return replace(verdict, validators="new" if present else "drop")
    if seen.seen == "gone":
        return replace(verdict, validators="drop")
    return verdict


def _judge(
    record: Record,
    seen: Observation,
    now: datetime,
    ages: Sequence[timedelta],
    post_text: str | None,
    host: tuple[bool, bool],
    earlier: Sequence[str] = (),
) -> Verdict:
    scheduled = next_due(record.archived, ages, now)
    base = replace(record, checks=record.checks + 1, next_due=scheduled)
    # What was seen of the article's host in this run: (serving, answering).

    def missing(needs: confirm.Evidence) -> Verdict:
        note = TRUNCATED if needs == "never" else ""
        if needs == "articles" and seen.wall is not None:
            # A login or subscription wall: the article may be behind it (look19, 5).
            needs, note = "never", f"{WALLED} ({seen.wall})"
        verdict = _missing(record, base, now, scheduled, needs=needs, host=host)
        return replace(verdict, note=note) if note else verdict

    if seen.seen == "not_modified" and record.status in ("suspected", "deleted"):
        # Validators are kept only from a page judged present and dropped when it is
        # judged gone, so this 304 answers validators stored before that rule (or a
        # server answering 304 to anything): it says nothing, and the next check
        # fetches the page whole.
        return replace(_outage(record, base, now, scheduled), validators="drop")
    if seen.seen == "outage":
        return _outage(record, base, now, scheduled)
    if seen.seen == "gone":
        return missing("host")
    if seen.seen == "not_modified":
        # The page is the one last fetched with a 200 and judged present: as it was.
        return _present(record, base, now, edited=None)
    headline, body = texts.split_headline(seen.text or "")
    # A reference of a headline alone (kept at archiving; its body is the post's text,
    # filled in by the re-checker) is no text to compare with when the post is unread.
    known = record.reference
    if known is not None and not texts.split_headline(known)[1].strip():
        known = None
    old_headline, old_body = texts.split_headline(known) if known is not None else (None, "")
    # Traditional folded to simplified only when the texts are in different scripts.
    norm, norm_line = texts.normalizers(texts.folds(known, seen.text, seen.second))
    # The reference as compared: its lines of links (a rotating "related" list) not
    # compared where the page has its own (recheck_text.unlinked, issue 19 F5/F7).
    linked = pages.unlinked(old_body, body, norm_line)
    confirmed: tokens.Confirmed | None = None
    if seen.second is not None:
        # A second fetch confirms a difference: only what both fetches show counts.
        again, second = texts.split_headline(seen.second)
        if overlap(norm(body), norm(second)) < SOFT_404_BELOW:
            # Two fetches moments apart share nothing (a wall, an error page, a failed
            # second request): nothing can be said of the article from this check,
            # and it is checked again within the hour (review 19d, 5).
            return _inconclusive(record, base, now, scheduled, ages)
        lines = [(raw, norm_line(raw)) for raw in body.splitlines()]
        lines = [(raw, key) for raw, key in lines if key]
        confirmed = tokens.confirm(
            None if known is None else tokens.keys(linked, norm_line),
            [key for _, key in lines],
            tokens.keys(second, norm_line),
            frozenset(record.volatile),
        )
        body = "\n".join(raw for (raw, _), keep in zip(lines, confirmed.kept, strict=True) if keep)
        if headline is not None:
            # Compared token by token as the body is (a counter on its line is no edit,
            # review 19e H1); None: not compared, the reference's is kept.
            heads = [old_headline, *(texts.split_headline(t)[0] for t in earlier)]
            headline = tokens.headline(heads, headline, again, record.volatile, norm_line)
    text = norm(body)
    if len(text) < MIN_TEXT_CHARS:
        return missing("articles")
    if seen.removal:
        # A new redirect to the front or a section page: removed, unless the page it
        # ended on still holds the article (a slug renamed, an article moved).
        holds = known if known is not None else post_text
        holds = None if holds is None else texts.split_headline(holds)[1]
        least = MERGED_HOLDS if seen.into_article else SOFT_404_BELOW
        if holds is None or overlap(norm(holds), text) < least:
            return missing("none")
    if known is None:
        if post_text is not None:
            post_text = pages.unlinked(post_text, body, norm_line)
        if post_text is not None and len(norm(post_text)) >= MIN_TEXT_CHARS:
            # Archived from the feed's text (or adopted): the post's text is the
            # article; a first page that does not hold it (a consent wall, a teaser)
            # is not taken for the article, but checked like any other.
            if texts.is_teaser(post_text, body, norm_line) or pages.is_truncated(
                post_text, body, norm
            ):
                return missing("never")
            if overlap(norm(post_text), text) < SOFT_404_BELOW:
                return missing("articles")
        present = _present(record, base, now, None).record
        first = texts.join_headline(headline, body)
        return Verdict(replace(present, reference=first), "baseline", version=first)
    reference = norm(linked)
    # A reference kept without a headline takes the page's: no headline change can be
    # seen against it.
    compared = old_headline if old_headline is not None else headline
    same_headline = headline is None or norm(headline) == norm(compared or "")
    # Without a second fetch the page is compared as it is; with one, only a difference
    # both fetches confirm is an edit (recheck_tokens).
    same_body = text == reference if confirmed is None else not confirmed.edited
    if same_body and same_headline:
        kept = _present(record, base, now, None)
        if old_headline is None and headline is not None:
            kept = replace(
                kept, record=replace(kept.record, reference=texts.join_headline(headline, old_body))
            )
        return kept
    if texts.is_teaser(linked, body, norm_line) or pages.is_truncated(linked, body, norm):
        # The article's first paragraphs and a prompt to subscribe, or its beginning
        # alone (issue 19, F9): the page no longer holds the article, but the site did
        # not say it is gone; no version (a teaser is no edit).
        return missing("never")
    if overlap(reference, text) < SOFT_404_BELOW:
        return missing("articles")
    version = texts.join_headline(headline if headline is not None else compared, body)
    if any(_same(version, kept) for kept in earlier):
        # A text kept already (an A/B variant, or an edit undone): no new version; it
        # is the reference from now on, so that it costs no second fetch.
        again_seen = _present(record, base, now, None)
        return replace(again_seen, record=replace(again_seen.record, reference=version))
    verdict = _present(record, base, now, version)
    return replace(verdict, before=texts.join_headline(compared, old_body))


def _inconclusive(
    record: Record,
    base: Record,
    now: datetime,
    scheduled: datetime | None,
    ages: Sequence[timedelta],
) -> Verdict:
    """A page whose second fetch said nothing (a wall, an error, a page sharing almost
    nothing with the first): an outage, but the first fetch may hold an edit, so the
    article is checked again an hour later rather than at its next age, until
    UNDECIDED_AFTER past the age this check was for (even past the last age)."""
    verdict = _outage(record, base, now, scheduled)
    reached = [record.archived + age for age in ages if record.archived + age <= now]
    since = max(reached, default=record.archived)
    if now + CONFIRM_AFTER > since + UNDECIDED_AFTER:
        return verdict
    soon = now + CONFIRM_AFTER
    due = verdict.record.next_due
    return replace(
        verdict, record=replace(verdict.record, next_due=soon if due is None else min(soon, due))
    )


def _same(a: str, b: str) -> bool:
    """Two kept texts are the same article text (headlines compared when both have one)."""
    head_a, body_a = texts.split_headline(a)
    head_b, body_b = texts.split_headline(b)
    if head_a is not None and head_b is not None and normalize(head_a) != normalize(head_b):
        return False
    return normalize(body_a) == normalize(body_b)


def _outage(record: Record, base: Record, now: datetime, scheduled: datetime | None) -> Verdict:
    """A check that says nothing of the article. A suspicion waits for a real answer."""
    if record.status == "suspected" and record.suspected_at is not None:
        return Verdict(_retry(record, base, now, scheduled), "outage")
    return Verdict(base, "outage")


def _retry(record: Record, base: Record, now: datetime, scheduled: datetime | None) -> Record:
    """A suspicion not decided by this check: checked again an hour later whatever the
    ages (a confirmation is not put off by days), until UNDECIDED_AFTER after the
    suspicion; then at its next age, and past the last one it stays suspected
    (undecided)."""
    assert record.suspected_at is not None
    if now + CONFIRM_AFTER <= record.suspected_at + UNDECIDED_AFTER:
        soon = now + CONFIRM_AFTER
        return replace(base, next_due=soon if scheduled is None else min(soon, scheduled))
    return base


def _missing(
    record: Record,
    base: Record,
    now: datetime,
    scheduled: datetime | None,
    *,
    needs: confirm.Evidence,
    host: tuple[bool, bool],
) -> Verdict:
    """The article not found. A suspicion is confirmed an hour or more later by a check
    that still misses it, with the evidence about its host that it ``needs``
    (recheck_confirm.confirms, given ``host``: (serving, answering)): none for a new
    redirect to the front; the host answering for a 404, 410 or 451 (a host answering
    404 to everything is broken, not deleting); its other articles served for a page
    without the article (a soft 404, a wall, an error page); never for a teaser (its
    first paragraphs and a prompt to subscribe: the article is there, behind it)."""
    if record.status == "deleted":
        return Verdict(base, "still", gone=True)
    if record.status == "suspected" and record.suspected_at is not None:
        if now - record.suspected_at < CONFIRM_AFTER:
            return Verdict(
                replace(base, next_due=record.suspected_at + CONFIRM_AFTER), "still", gone=True
            )
        if not confirm.confirms(needs, *host):
            return Verdict(
                _retry(record, base, now, scheduled),
                "still",
                gone=True,
                wants_evidence=needs != "never",
                needs=needs,
            )
        # Dated from when it was first seen missing: that is when it went.
        return Verdict(
            replace(base, status="deleted", deleted_at=record.suspected_at),
            "deleted",
            gone=True,
        )
    # One more check an hour from now confirms it, even past the last age.
    return Verdict(
        replace(base, status="suspected", suspected_at=now, next_due=now + CONFIRM_AFTER),
        "suspected",
        gone=True,
    )


def _present(record: Record, base: Record, now: datetime, edited: str | None) -> Verdict:
    """Present; ``edited``: the text of a new version."""
    if record.status == "deleted":
        status: Status = "restored"
        event: Event = "restored"
        base = replace(base, restored_at=now)
    elif record.status == "suspected":
        # A suspicion the next check did not confirm leaves no trace.
        status = _before_suspicion(record)
        event = "unchanged"
    else:
        status = record.status
        event = "unchanged"
    base = replace(base, status=status, suspected_at=None)
    if edited is None:
        return Verdict(base, event)
    base = replace(base, reference=edited, edited_at=now)
    if status != "restored":
        base = replace(base, status="edited")
    return Verdict(base, "restored" if event == "restored" else "edited", version=edited)


def _before_suspicion(record: Record) -> Status:
    if record.restored_at is not None:
        return "restored"
    return "edited" if record.edited_at is not None else "unchanged"
