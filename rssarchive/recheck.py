"""Re-checks of archived articles: every decision, no I/O (README, "Re-checks").

Each archived article's page is fetched again at growing ages after archiving (AGES by
default). What a check saw (an :class:`Observation`) and what the article's record said
before (a :class:`Record`) give a :class:`Verdict`: the new record and the event to
report. Time is always an argument, so every rule is tested as a table of cases
(tests/test_recheck.py).

The backlog is bounded by construction: an article is due at most once per age (an
article that missed several ages is checked once, for all of them), plus one check to
confirm a suspected deletion, and an article past its last age is never due again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

# About newsdiffs' decaying schedule, coarser: a feed archive is polled every few minutes
# to hours, and most edits come within the first day.
AGES: tuple[timedelta, ...] = tuple(timedelta(hours=h) for h in (1, 6, 24, 3 * 24, 7 * 24, 30 * 24))
# A deletion is confirmed by a second check at least this long after the first one saw
# it: a site down for maintenance, or a page briefly unpublished, is not a deletion.
CONFIRM_AFTER = timedelta(hours=1)
# Per-run budget defaults: a cron run every 15 minutes stays short while 200 checks an
# hour cover a site publishing ~30 articles a day at six ages.
BUDGET_ARTICLES = 200
BUDGET_SECONDS = 120.0
# A page whose text shares less than this share of the reference text's character
# trigrams no longer holds the article (a soft 404: a "not found" page with status
# 200, a section page): measured on edited news pages, a correction or an added
# paragraph keeps well above 0.6; an error page shares almost nothing.
SOFT_404_BELOW = 0.3
# Extracted text shorter than this is no article (an empty template, a login wall).
MIN_TEXT_CHARS = 20

Status = Literal["unchanged", "edited", "suspected", "deleted", "restored"]
Event = Literal[
    "unchanged", "edited", "suspected", "deleted", "restored", "outage", "baseline", "still"
]
# What a check saw: 304; a page with its text (None: nothing could be extracted); gone
# (404/410, or a redirect to the front or a section page); an outage (5xx, 429, a
# timeout, a network error: says nothing about the article).
Seen = Literal["not_modified", "page", "gone", "outage"]

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> timedelta:
    """``"90m"``, ``"6h"``, ``"3d"``, ``"2w"`` (s, m, h, d, w); ValueError otherwise."""
    match = _AGE.match(text)
    if match is None:
        raise ValueError(f"not an age like 30m, 6h, 1d or 2w: {text!r}")
    return timedelta(seconds=float(match[1]) * _UNITS[match[2]])


def format_age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    for unit in "wdhm":
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


# -- the schedule -----------------------------------------------------------------------


def consumed(archived: datetime, ages: Sequence[timedelta], now: datetime) -> int:
    """How many ages have been reached at ``now``."""
    return sum(1 for age in ages if archived + age <= now)


def next_due(archived: datetime, ages: Sequence[timedelta], now: datetime) -> datetime | None:
    """When the article is next due after a check at ``now`` (or when first archived at
    ``now``): its first age not yet reached; None when past its last age."""
    for age in ages:
        if archived + age > now:
            return archived + age
    return None


@dataclass(frozen=True)
class Budget:
    articles: int = BUDGET_ARTICLES
    seconds: float = BUDGET_SECONDS


def pick_due(due: Sequence[tuple[int, datetime]], now: datetime, budget: Budget) -> list[int]:
    """Of (id, due time) pairs, the ids due at ``now``, most overdue first, at most the
    budget's count (the seconds are watched while checking: :func:`may_start`)."""
    ready = sorted((when, ident) for ident, when in due if when <= now)
    return [ident for _, ident in ready[: budget.articles]]


def may_start(done: int, elapsed: float, budget: Budget) -> bool:
    """Whether another check may start after ``done`` checks in ``elapsed`` seconds."""
    return done < budget.articles and elapsed < budget.seconds


# -- text -------------------------------------------------------------------------------

# Full-width and CJK punctuation that NFKC leaves alone, to their plain forms: a site
# that changes its typesetting (。 for ．, “ ” for " ") has not edited the article.
_PUNCTUATION = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "｡": ".",
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "—": "-",
        "–": "-",
        "－": "-",
        "…": "...",
        "・": ".",
        "·": ".",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)
_SPACE = re.compile(r"\s+")
# A space beside a character of a script written without spaces (or beside punctuation)
# carries no meaning: "美国 ， 日本" and "美国，日本" are the same text.
_WIDE = r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff.,;:!?\"'()<>\[\]-]"
_SPACE_BY_WIDE = re.compile(rf"(?<={_WIDE}) | (?={_WIDE})")


def normalize(text: str) -> str:
    """The text as compared: NFKC (full-width letters, digits and punctuation to their
    half-width forms), the rest of CJK punctuation to plain forms, zero-width characters
    dropped, whitespace collapsed and dropped beside CJK characters and punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_BY_WIDE.sub("", text)


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(max(len(text) - 2, 1))}


def overlap(reference: str, text: str) -> float:
    """Share of the reference's character trigrams found in ``text`` (0..1), on
    normalised texts; linear time, unlike an edit distance."""
    ref = _trigrams(reference)
    return len(ref & _trigrams(text)) / len(ref) if ref else 1.0


# -- what was seen ----------------------------------------------------------------------


def gone_status(status: int | None) -> Seen:
    """A failed fetch's meaning: 404 and 410 say the page is gone; anything else (5xx,
    429, 403, a timeout, a refused connection: status None) says nothing of it."""
    return "gone" if status in (404, 410) else "outage"


def removed_by_redirect(article_url: str, final_url: str) -> bool:
    """Whether a page that redirected ended on the site's front page or a section page
    (a parent of the article's path, or a path of at most one segment on the same
    site), which is how many sites take an article down."""
    if final_url == article_url:
        return False
    old, new = urlsplit(article_url), urlsplit(final_url)
    if _site(old.hostname or "") != _site(new.hostname or ""):
        return False
    old_path = old.path.rstrip("/")
    new_path = new.path.rstrip("/")
    if new_path == old_path:
        return False  # http -> https, a slash added: the same page
    if new_path == "" or new_path in ("/index.html", "/index.htm", "/index.php"):
        return True
    segments = [s for s in new_path.split("/") if s]
    return old_path.startswith(new_path + "/") or (len(segments) <= 1 and not new.query)


def _site(host: str) -> str:
    return host.lower().removeprefix("www.")


@dataclass(frozen=True)
class Observation:
    seen: Seen
    # For "page": the extracted text, one paragraph a line (None: nothing extracted).
    text: str | None = None
    why: str = ""  # for the report: "HTTP 404", "redirected to the front page" ...
    # The validators of a page seen whole, for the next conditional GET.
    etag: str | None = None
    last_modified: str | None = None


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


@dataclass(frozen=True)
class Verdict:
    record: Record
    event: Event
    # The new version's readable text to keep (an edit, or the first page seen of an
    # article with no reference yet), else None.
    version: str | None = None


def decide(record: Record, seen: Observation, now: datetime, ages: Sequence[timedelta]) -> Verdict:
    """The outcome of one check at ``now``."""
    scheduled = next_due(record.archived, ages, now)
    base = replace(record, checks=record.checks + 1, next_due=scheduled)
    if seen.seen == "outage":
        # Says nothing: a suspicion waits for a real answer, within the schedule.
        if record.status == "suspected" and scheduled is not None:
            return Verdict(replace(base, next_due=max(now + CONFIRM_AFTER, scheduled)), "outage")
        return Verdict(base, "outage")
    if seen.seen == "gone":
        return _missing(record, base, now)
    if seen.seen == "not_modified":
        # The page is the one last fetched with a 200: present, and as it was.
        return _present(record, base, now, edited=None)
    text = normalize(seen.text or "")
    if len(text) < MIN_TEXT_CHARS:
        return _missing(record, base, now)
    if record.reference is None:
        present = _present(record, base, now, None).record
        return Verdict(replace(present, reference=seen.text), "baseline", version=seen.text)
    reference = normalize(record.reference)
    if text == reference:
        return _present(record, base, now, None)
    if overlap(reference, text) < SOFT_404_BELOW:
        return _missing(record, base, now)
    return _present(record, base, now, seen.text)


def _missing(record: Record, base: Record, now: datetime) -> Verdict:
    if record.status == "deleted":
        return Verdict(base, "still")
    if record.status == "suspected" and record.suspected_at is not None:
        if now - record.suspected_at >= CONFIRM_AFTER:
            # Dated from when it was first seen missing: that is when it went.
            return Verdict(
                replace(base, status="deleted", deleted_at=record.suspected_at), "deleted"
            )
        return Verdict(replace(base, next_due=record.suspected_at + CONFIRM_AFTER), "still")
    # One more check an hour from now confirms it, even past the last age.
    return Verdict(
        replace(base, status="suspected", suspected_at=now, next_due=now + CONFIRM_AFTER),
        "suspected",
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
